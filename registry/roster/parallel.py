"""Checking the rows of a large roster on two cores (issue 4: 100,000 rows well under a minute).

The row checks are plain Python and take most of an import's time on one core while the database
waits. For a large file the process forks once: the child checks the rows below the middle line and
hands back its results through a pipe, while the parent checks the rows above it. The result is the
same as checking every row in one process, row for row and error for error:

- an ID number in the lower half that the upper half already has is a `duplicate_id` of the upper
  half's line, so those few rows are checked again by the parent, which knows both halves;
- a child that fails, is killed or hangs costs only time: the parent checks the lower half itself.

The child never touches the database (the validator works on regions loaded before the fork) and
leaves with os._exit, so nothing of the parent's (connections, files, handlers) is closed or flushed.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from operator import attrgetter

from .reading import RosterReader
from .safety import RosterFileRefused
from .validate import AdultEntry, ParsedRow, RowError, RowValidator

PARALLEL_FROM = 20_000  # rows (as the sheet declares) from which the lower half goes to a child
CHILD_GRACE = 60.0  # seconds the parent waits for a child beyond its own time before taking over
# The parent's share of the rows: a little over half, because the child also walks past the upper
# rows and packs its results, while the parent only unpacks them.
UPPER_SHARE = 0.55


@dataclass
class Checked:
    """Every row of a file checked: the rows to plan, the errors, and how many rows there were."""

    parsed: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0


def check_rows(
    reader: RosterReader, validator: RowValidator, *, progress: Callable[[int], None], parallel: bool | None = None
) -> Checked:
    """Check every row; on two cores when the file is large (`parallel` forces the choice)."""
    if parallel is None:
        parallel = reader.declared_rows >= PARALLEL_FROM and hasattr(os, "fork")
    if not parallel:
        return _check(reader, validator, progress=progress)
    middle = reader.layout.header_line + int(max(reader.declared_rows, 1) * UPPER_SHARE)
    return _check_in_two(reader, validator, middle=middle, progress=progress)


def _check(
    reader: RosterReader,
    validator: RowValidator,
    *,
    progress: Callable[[int], None] = lambda done: None,
    first: int = 0,
    last: int | None = None,
) -> Checked:
    """The rows whose line is in [first, last] (all by default), checked in this process."""
    checked = Checked()
    for line, cells in reader.rows():
        if line < first:
            continue
        if last is not None and line > last:
            break
        checked.rows += 1
        row, errors = validator(line, cells)
        if row is not None:
            checked.parsed.append(row)
        checked.errors.extend(errors)
        if checked.rows % 2000 == 0:
            progress(checked.rows)
    return checked


def _check_in_two(reader: RosterReader, validator: RowValidator, *, middle: int, progress) -> Checked:
    started = time.monotonic()
    receive, send = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the rows below the middle, then gone
        os.close(receive)
        _child(reader, validator, first=middle + 1, send=send)
    os.close(send)
    try:
        upper = _check(reader, validator, progress=lambda done: progress(2 * done), last=middle)
        lower = _receive(receive, pid, deadline=time.monotonic() + CHILD_GRACE + (time.monotonic() - started))
    finally:
        os.close(receive)
        _reap(pid)
    if lower is None:  # the child failed: the parent checks the lower half itself
        lower = _check(reader, validator, first=middle + 1)
        return _joined(upper, lower)
    status, payload = lower
    if status == "refused":
        raise RosterFileRefused(payload)
    packed, numbers = payload
    checked = _unpacked(packed)
    _recheck_duplicates(reader, validator, checked, numbers)
    return _joined(upper, checked)


def _child(reader: RosterReader, validator: RowValidator, *, first: int, send: int) -> None:
    """Runs in the forked child; never returns."""
    code = 0
    try:
        validator.numbers = {}
        try:
            message = ("done", (_packed(_check(reader, validator, first=first)), validator.numbers))
        except RosterFileRefused as refused:
            message = ("refused", str(refused))
        with os.fdopen(send, "wb") as pipe:
            pickle.dump(message, pipe, protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 - the parent takes over; say why on stderr
        with contextlib.suppress(Exception):
            os.write(2, traceback.format_exc().encode())
        code = 1
    finally:
        os._exit(code)


# Rows cross the pipe as plain tuples: pickling the dataclasses themselves took four times as long
# (measured on 50,000 rows: 3.8 s against 1.2 s, on the import's critical path).
_ROW = attrgetter(*(f.name for f in fields(ParsedRow)))
_ADULT = attrgetter(*(f.name for f in fields(AdultEntry)))
_ERROR = attrgetter(*(f.name for f in fields(RowError)))
_ADULTS_AT = [f.name for f in fields(ParsedRow)].index("adults")


def _packed(checked: Checked) -> tuple:
    rows = []
    for row in checked.parsed:
        values = list(_ROW(row))
        values[_ADULTS_AT] = [_ADULT(entry) for entry in row.adults.values()]
        rows.append(values)
    return rows, [_ERROR(error) for error in checked.errors], checked.rows


def _unpacked(packed: tuple) -> Checked:
    rows, errors, count = packed
    parsed = []
    for values in rows:
        adults = [AdultEntry(*entry) for entry in values[_ADULTS_AT]]
        values[_ADULTS_AT] = {entry.role: entry for entry in adults}
        parsed.append(ParsedRow(*values))
    return Checked(parsed, [RowError(*error) for error in errors], count)


def _receive(fd: int, pid: int, *, deadline: float):
    """The child's message, or None when it failed or did not deliver before the deadline."""
    chunks = []
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], remaining)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001 - a child killed while writing leaves a cut message
        return None


def _reap(pid: int) -> None:
    """Collect the child (killing it first if it is still at work: the parent has taken over)."""
    finished, _ = os.waitpid(pid, os.WNOHANG)
    if finished == 0:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _recheck_duplicates(reader: RosterReader, validator: RowValidator, lower: Checked, numbers: dict[int, str]) -> None:
    """Rows of the lower half whose ID number the upper half has: checked again by the parent (its
    validator has seen the upper half), so they say `duplicate_id` of the right line."""
    again = {line for line, number in numbers.items() if number in validator.seen}
    for line, number in numbers.items():
        validator.seen.setdefault(number, line)
    if not again:
        return
    lower.parsed = [row for row in lower.parsed if row.line not in again]
    lower.errors = [error for error in lower.errors if error.row not in again]
    for line, cells in reader.rows():
        if line in again:
            row, errors = validator(line, cells)
            if row is not None:
                lower.parsed.append(row)
            lower.errors.extend(errors)
    lower.parsed.sort(key=lambda row: row.line)
    lower.errors.sort(key=lambda error: error.row)


def _joined(upper: Checked, lower: Checked) -> Checked:
    return Checked(upper.parsed + lower.parsed, upper.errors + lower.errors, upper.rows + lower.rows)
