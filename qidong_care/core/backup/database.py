"""Dumping and restoring the configured database, and a fingerprint of its tables (rows and a
content digest per table) taken from the very snapshot that is dumped."""

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import connection

PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
Fingerprint = dict[str, dict[str, Any]]


def database_file() -> str:
    return PG_DUMP if connection.vendor == "postgresql" else SQLITE_COPY


# --- PostgreSQL ------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ImproperlyConfigured(f"{name} not found: install the Debian package postgresql-client")
    return path


def _pg_environment() -> dict[str, str]:
    params = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if params.get(key):
            environment[variable] = str(params[key])
    return environment


def _run(command: list[str]) -> None:
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{Path(command[0]).name} failed ({result.returncode}): {result.stderr.strip()[:2000]}")


def _pg_fingerprint(cursor) -> Fingerprint:
    quote = connection.ops.quote_name
    tables: Fingerprint = {}
    for table in connection.introspection.table_names(cursor):
        keys = connection.introspection.get_primary_key_columns(cursor, table) or []
        order = ", ".join(f"t.{quote(k)}" for k in keys) or "t::text"
        cursor.execute(
            f"SELECT count(*), coalesce(md5(string_agg(md5(t::text), ',' ORDER BY {order})), '') "  # noqa: S608
            f"FROM {quote(table)} t"
        )
        rows, digest = cursor.fetchone()
        tables[table] = {"rows": rows, "digest": digest}
    return tables


@contextlib.contextmanager
def _pg_snapshot() -> Iterator[tuple[str, Any]]:
    """A repeatable-read transaction whose snapshot pg_dump shares (--snapshot)."""
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise RuntimeError("backup must not run inside a transaction")
    connection.set_autocommit(False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            yield cursor.fetchone()[0], cursor
    finally:
        connection.rollback()
        connection.set_autocommit(True)


def _pg_dump(target: Path) -> Fingerprint:
    with _pg_snapshot() as (snapshot, cursor):
        name = connection.settings_dict["NAME"]
        _run([_pg_tool("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}", name])
        return _pg_fingerprint(cursor)


def _pg_restore(source: Path) -> None:
    name = connection.settings_dict["NAME"]
    connection.close()
    _run(
        [
            _pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={name}",
            str(source),
        ]
    )


# --- SQLite ----------------------------------------------------------------------------------------


def _sqlite_fingerprint(db: sqlite3.Connection) -> Fingerprint:
    """Read with a plain sqlite3 connection (no Django converters), so both sides compare alike."""
    tables: Fingerprint = {}
    names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    for table in names:
        if table.startswith("sqlite_"):
            continue
        quoted = '"' + table.replace('"', '""') + '"'
        digest, rows = hashlib.sha256(), 0
        for row in db.execute(f"SELECT * FROM {quoted} ORDER BY rowid"):  # noqa: S608
            digest.update(repr(row).encode())
            digest.update(b"\n")
            rows += 1
        tables[table] = {"rows": rows, "digest": digest.hexdigest()}
    return tables


def _raw_sqlite() -> sqlite3.Connection:
    connection.ensure_connection()
    if connection.in_atomic_block:
        raise RuntimeError("backup and restore must not run inside a transaction")
    return connection.connection


def _sqlite_dump(target: Path) -> Fingerprint:
    copy = sqlite3.connect(target)
    try:
        _raw_sqlite().backup(copy)
        return _sqlite_fingerprint(copy)
    finally:
        copy.close()


def _sqlite_restore(source: Path) -> None:
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        backup.backup(_raw_sqlite())
    finally:
        backup.close()


def _sqlite_current() -> Fingerprint:
    copy = sqlite3.connect(":memory:")
    try:
        _raw_sqlite().backup(copy)
        return _sqlite_fingerprint(copy)
    finally:
        copy.close()


# --- either ----------------------------------------------------------------------------------------


def database_dump(target: Path) -> Fingerprint:
    """Write the database to `target`; return the fingerprint of what was written."""
    return _pg_dump(target) if connection.vendor == "postgresql" else _sqlite_dump(target)


def database_restore(source: Path) -> None:
    if connection.vendor == "postgresql":
        _pg_restore(source)
    else:
        _sqlite_restore(source)


def database_fingerprint() -> Fingerprint:
    """The fingerprint of the live database, to compare with a backup's after a restore."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            return _pg_fingerprint(cursor)
    return _sqlite_current()
