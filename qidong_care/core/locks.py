"""Named locks across processes: one run of a scheduled job at a time, and whether the worker that
claimed an import is still alive.

PostgreSQL: session advisory locks, which the server releases when the holder's connection ends, so
a killed worker never leaves a lock behind. Other databases (SQLite: one host): `flock` on a file
under var/locks/, which the kernel releases when the holder's process ends. Either way a lock is
never waited for: whoever does not get it knows somebody else is doing the work right now.
"""

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


def _scoped(name: str) -> str:
    """`name` within this database: advisory locks are server-wide and lock files machine-wide, so
    two databases on one server (parallel test runs, two sites) must not share them. An in-memory
    SQLite database is its process's own, and so are its locks."""
    database = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and ("mode=memory" in database or database == ":memory:"):
        database = f"{database}:{os.getpid()}"
    return f"{database}:{name}"


def _key(name: str) -> int:
    """A signed 64-bit number for `name` in this database (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(_scoped(name).encode()).digest()[:8], "big", signed=True)


def _lock_file(name: str) -> Path:
    """One file per lock name and database."""
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{hashlib.sha256(_scoped(name).encode()).hexdigest()[:32]}.lock"


@contextmanager
def _advisory(name: str) -> Iterator[bool]:
    key = _key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        taken = cursor.fetchone()[0]
    try:
        yield taken
    finally:
        if taken and connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextmanager
def _flock(name: str) -> Iterator[bool]:
    handle = os.open(_lock_file(name), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
    finally:
        os.close(handle)


def exclusive(name: str):
    """`with exclusive(name) as mine:` takes the lock if nobody holds it (never waits); `mine` says
    whether it was taken. Held until the block ends, or until the holder's process dies."""
    return _advisory(name) if connection.vendor == "postgresql" else _flock(name)


def is_held(name: str) -> bool:
    """Whether a live process holds the lock `name` now."""
    with exclusive(name) as mine:
        return not mine
