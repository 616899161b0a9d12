"""Inserting many new rows, with their "+" history rows, fast enough for a province's roster.

Django's bulk_create prepares every value of every object through several layers; for 100,000
children with their adults and links (over a million rows with history) that dominates an import.
Here each column gets one converter, primary keys are allocated up front (PostgreSQL: from the
sequence; SQLite: after the largest id, under the write lock the transaction holds), rows are
streamed with COPY on PostgreSQL (executemany elsewhere), and each "+" history row is the row as
written (the same ciphertext, not a second encryption) plus who, when and why — the columns
simple-history's bulk_history_create would write: on PostgreSQL the database copies it from the row
(INSERT … SELECT), elsewhere the converted values are sent again.
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from functools import cache, partial
from operator import attrgetter, itemgetter
from types import SimpleNamespace
from typing import Any

from django.db import connection, models
from psycopg._copy_base import TextFormatter  # psycopg's COPY formatter (pinned in requirements.txt)
from psycopg.adapt import Transformer

from qidong_care.core import crypto
from qidong_care.core.fields import EncryptedTextField
from qidong_care.core.history_copy import HISTORY_COLUMNS

CHUNK = 5000
SWITCH_INTERVAL = 0.0001  # seconds a thread runs before the other may take the interpreter


class NewRow:
    """A row to insert: one attribute per column of a model, defaults as the model gives them.

    `new_row(Child, name=...)` costs a microsecond where `Child(...)` costs tens: the constant defaults
    are copied in from one dict, only callable defaults (lists) are called for each row. The rules
    (registry.assessment) read and set attributes on either alike."""

    @property
    def pk(self):
        return self.id


@cache
def _row_class(model: type[models.Model]) -> tuple[type, dict, tuple]:
    fields = model._meta.concrete_fields
    # A field without a default has NOT_PROVIDED there, a class (callable): its default is constant.
    made = [f for f in fields if f.has_default() and callable(f.default)]
    # Every column, in the model's order (a made one's value is replaced for each row).
    constant = {f.attname: None if f in made else f.get_default() for f in fields}
    return type(f"New{model.__name__}", (NewRow,), {}), constant, tuple((f.attname, f.get_default) for f in made)


def new_row(model: type[models.Model], **values: Any) -> NewRow:
    # Every column in the row's own dict, always in the same order: the rows then share one key
    # table (compact) and attribute reads find their value at once (measured: class attributes for
    # the constant defaults cost 18% more memory on a 20,000-row import: 276 MB, not 233 MB).
    row_class, constant, dynamic = _row_class(model)
    row = row_class()
    own = row.__dict__
    own.update(constant)
    for name, make in dynamic:
        own[name] = make()
    own.update(values)
    return row


def _encrypt(value: Any) -> str:
    return crypto.encrypt(value) if value else ""


def _converter(field: models.Field) -> Callable[[Any], Any] | None:
    """How a column's value is written, or None when it goes as it is."""
    ops = connection.ops
    if isinstance(field, EncryptedTextField):
        return _encrypt
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: json.dumps(value, cls=encoder)
    if isinstance(field, models.DateTimeField):
        return None if connection.vendor == "postgresql" else ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return None if connection.vendor == "postgresql" else ops.adapt_datefield_value
    return None


def _row_maker(fields: Sequence[models.Field]) -> Callable[[Any], tuple]:
    """obj → the tuple of its column values, converted: one C-level attrgetter for all columns, then
    the few conversions (encryption, JSON; dates on SQLite) on their positions only."""
    names = [field.attname for field in fields]
    getter = attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))
    conversions = [(index, convert) for index, field in enumerate(fields) if (convert := _converter(field))]

    def make(obj: Any) -> tuple:
        values = list(getter(obj))
        for index, convert in conversions:
            values[index] = convert(values[index])
        return tuple(values)

    return make


def _allocate_ids(model: type[models.Model], count: int) -> Sequence[int]:
    behind = _BEHIND.get()
    reserved = behind.take_ids(model, count) if behind is not None else None
    return reserved if reserved is not None else _fetch_ids(model, count)


def _draw_ids(cursor, table: str, count: int) -> Sequence[int]:
    """PostgreSQL: `count` ids from the table's sequence, so other sessions' inserts never collide
    with ours. They are nearly always one unbroken run: then only its ends come back."""
    cursor.execute(
        "WITH drawn AS (SELECT nextval(pg_get_serial_sequence(%s, 'id')) AS id FROM generate_series(1, %s)) "
        "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL "
        "ELSE array_agg(id ORDER BY id) END FROM drawn",
        [table, count],
    )
    first, last, scattered = cursor.fetchone()
    return scattered if scattered is not None else range(first, last + 1)


def _fetch_ids(model: type[models.Model], count: int) -> Sequence[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _draw_ids(cursor, table, count)
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        largest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        sequence = cursor.fetchone()
        start = max(largest, sequence[0] if sequence else 0) + 1
        return list(range(start, start + count))


def _copy_sql(table: str, columns: Sequence[str]) -> str:
    quote = connection.ops.quote_name
    return f"COPY {quote(table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"


def _copy(cursor, sql: str, rows: Iterable[tuple]) -> None:
    """COPY `rows` on a Django cursor or a psycopg one (the write-behind thread's)."""
    with getattr(cursor, "cursor", cursor).copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _copy_text(rows: Iterable[tuple]) -> list[bytes]:
    """`rows` in COPY's text format, made by psycopg's own (C) formatter on this thread."""
    formatter = TextFormatter(Transformer(connection.connection))
    blocks = [bytes(block) for row in rows if (block := formatter.write_row(row))]
    return [*blocks, bytes(formatter.end())]


def _send(cursor, sql: str, blocks: list[bytes]) -> None:
    with cursor.copy(sql) as copy:
        for block in blocks:
            copy.write(block)


def _write(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """COPY on PostgreSQL: the server stores the rows as they stream in, so rows made lazily (a
    generator) are converted on this side while the database works on the other core. With a
    write-behind running, the rows are made and formatted here and its thread only sends them:
    formatting there would wait for this thread's turn at the interpreter while the database idles
    (measured: the server busy 70% of the children's inserts)."""
    if connection.vendor == "postgresql":
        sql = _copy_sql(table, columns)
        if _BEHIND.get() is not None:
            _run(partial(_send, sql=sql, blocks=_copy_text(rows)))
        else:
            _run(partial(_copy, sql=sql, rows=rows))
        return
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", list(rows))


def _kept(rows: Iterable[tuple], into: list[tuple]) -> Iterator[tuple]:
    """Yield each row, keeping it (the history rows reuse the converted values)."""
    for row in rows:
        into.append(row)
        yield row


def insert_with_history(
    model: type[models.Model], objs: Sequence[Any], *, user, reason: str | None, when: datetime
) -> None:
    """Insert `objs` (new, unsaved) and a "+" history row for each; their primary keys are set.

    `objs` are instances of `model`, or plain objects with an attribute per column (`id`, `child_id`…),
    which are cheaper to make when there are hundreds of thousands."""
    if not objs:
        return
    if connection.vendor not in ("postgresql", "sqlite"):
        attnames = [field.attname for field in model._meta.concrete_fields]
        instances = [
            obj if isinstance(obj, model) else model(**{name: getattr(obj, name) for name in attnames}) for obj in objs
        ]
        model.objects.bulk_create(instances, batch_size=1000)
        model.history.bulk_history_create(instances, default_user=user, default_change_reason=reason, default_date=when)
        for obj, instance in zip(objs, instances, strict=True):
            obj.id = instance.pk
        return
    fields = list(model._meta.concrete_fields)
    make_row = _row_maker(fields)
    auto_now = [
        field.attname for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    historical = model.history.model
    position = {field.attname: index for index, field in enumerate(fields)}
    tracked = [position[field.attname] for field in historical.tracked_fields]
    tracked_values = itemgetter(*tracked)
    history_columns = [fields[index].column for index in tracked]
    history_columns += HISTORY_COLUMNS
    history_tail = (connection.ops.adapt_datetimefield_value(when), reason, "+", getattr(user, "pk", None))
    for start in range(0, len(objs), CHUNK):
        batch = objs[start : start + CHUNK]
        for obj, pk in zip(batch, _allocate_ids(model, len(batch)), strict=True):
            obj.id = pk
            if isinstance(obj, models.Model):
                obj._state.adding, obj._state.db = False, connection.alias
            for name in auto_now:
                setattr(obj, name, when)
        if connection.vendor == "postgresql":
            _write(model._meta.db_table, [field.column for field in fields], map(make_row, batch))
            _history_from_rows(model, [obj.id for obj in batch], history_tail)
            continue
        rows: list[tuple] = []
        _write(model._meta.db_table, [field.column for field in fields], _kept(map(make_row, batch), rows))
        _write(historical._meta.db_table, history_columns, (tracked_values(row) + history_tail for row in rows))


def _history_from_rows(model: type[models.Model], ids: list[int], tail: tuple) -> None:
    """PostgreSQL: the history rows of rows just written, made by the database from them (one
    INSERT … SELECT): their values are not formatted, sent and parsed a second time."""
    quote = connection.ops.quote_name
    historical = model.history.model
    columns = [field.column for field in historical.tracked_fields]
    source = ", ".join(quote(column) for column in columns)
    target = ", ".join(quote(column) for column in [*columns, *HISTORY_COLUMNS])
    pk = quote(model._meta.pk.column)
    sql = (
        f"INSERT INTO {quote(historical._meta.db_table)} ({target}) SELECT {source}, %s, %s, %s, %s "
        f"FROM {quote(model._meta.db_table)} WHERE {pk} = ANY(%s) ORDER BY {pk}"
    )
    _run(lambda cursor: cursor.execute(sql, [*tail, ids]))


def _run(work: Callable[[Any], None]) -> None:
    """`work(cursor)` now on this thread's connection, or queued to the write-behind thread."""
    behind = _BEHIND.get()
    if behind is not None:
        behind.submit(work)
        return
    with connection.cursor() as cursor:
        work(cursor)


def insert_plain(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows given as {attname: value} (no history, database-made ids): e.g. ArchiveUpdate."""
    if not rows:
        return
    fields = [field for field in model._meta.concrete_fields if field.attname in rows[0]]
    if connection.vendor not in ("postgresql", "sqlite"):
        model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        return
    make_row = _row_maker(fields)
    columns = [field.column for field in fields]
    for start in range(0, len(rows), CHUNK):
        batch = (SimpleNamespace(**row) for row in rows[start : start + CHUNK])
        _write(model._meta.db_table, columns, map(make_row, batch))


def update_many(model: type[models.Model], objs: Sequence[Any], names: Sequence[str], *, when: datetime) -> None:
    """SQLite: overwrite the fields `names` of existing rows with one executemany per chunk (Django's
    bulk statements would be split to keep under SQLite's 999 parameters: a statement per few rows)."""
    fields = [model._meta.get_field(name) for name in names]
    for field in fields:
        if getattr(field, "auto_now", False):
            for obj in objs:
                setattr(obj, field.attname, when)
    make_row = _row_maker([*fields, model._meta.pk])
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {quote(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        for start in range(0, len(objs), CHUNK):
            cursor.executemany(sql, [make_row(obj) for obj in objs[start : start + CHUNK]])


def write_history(
    model: type[models.Model], objs: Sequence[Any], *, kind: str, user, reason: str, when: datetime
) -> None:
    """History rows ("~" changed, "-" deleted) of existing rows as simple-history writes them, with
    who, when and why: COPY on PostgreSQL, one executemany per chunk elsewhere."""
    historical = model.history.model
    tracked = list(historical.tracked_fields)
    make_row = _row_maker(tracked)
    columns = [field.column for field in tracked]
    columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    tail = (connection.ops.adapt_datetimefield_value(when), reason, kind, getattr(user, "pk", None))
    for start in range(0, len(objs), CHUNK):
        _write(historical._meta.db_table, columns, (make_row(obj) + tail for obj in objs[start : start + CHUNK]))


# --- write-behind ---------------------------------------------------------------------------------

_BEHIND: ContextVar[WriteBehind | None] = ContextVar("roster_write_behind", default=None)


class WriteBehind:
    """A second thread that sends an import's inserts (COPY, then the history INSERT … SELECT) on the
    transaction's own connection, while this thread works out the next rows: the database's work
    (storing, indexing, checking foreign keys) and Python's run on the two cores at once.

    Order is kept: the thread runs the inserts in the order they were queued, and any other
    statement of this thread waits until every queued insert is done (`write_behind` makes sure).
    An insert that fails stops the rest; its error is raised here at the next insert or statement,
    and the caller's transaction rolls back as it would have."""

    def __init__(self, raw_connection) -> None:
        self.raw = raw_connection
        self.jobs: queue.Queue = queue.Queue(maxsize=4)  # two chunks made ahead: memory stays flat
        self.error: BaseException | None = None
        self.cancelled = False
        self.ids: dict[type[models.Model], list[int]] = {}
        self.thread = threading.Thread(target=self._work, name="roster-write-behind", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while True:
            job = self.jobs.get()
            try:
                if job is None:
                    return
                if self.error is None and not self.cancelled:
                    with self.raw.cursor() as cursor:
                        job(cursor)
            except BaseException as error:  # noqa: BLE001 - handed to the importing thread
                self.error = error
            finally:
                self.jobs.task_done()

    def submit(self, job: Callable[[Any], None]) -> None:
        self._raise()
        self.jobs.put(job)

    def flush(self) -> None:
        """Wait until every queued insert is done; raise the error of one that failed."""
        self.jobs.join()
        self._raise()

    def _raise(self) -> None:
        if self.error is not None:
            with connection.wrap_database_errors:  # as Django's own cursor would (IntegrityError…)
                raise self.error

    def stop(self) -> None:
        self.jobs.put(None)
        self.thread.join()

    def reserve(self, model: type[models.Model], count: int) -> None:
        """Primary keys for the next `count` rows of `model` (from the ids drawn ahead, else taken
        from its sequence now), so that making the rows never waits for the queue (an id query would)."""
        pool = self.ids.setdefault(model, [])
        if count > len(pool):
            self.flush()
            pool.extend(_fetch_ids(model, count - len(pool)))

    def take_ids(self, model: type[models.Model], count: int) -> Sequence[int] | None:
        reserved = self.ids.get(model, [])
        if len(reserved) < count:
            return None
        taken, self.ids[model] = reserved[:count], reserved[count:]
        return taken


class _NoWriteBehind:
    def reserve(self, model: type[models.Model], count: int) -> None:
        return None


@contextmanager
def write_behind(*, enabled: bool = True, ids: dict[type[models.Model], Sequence[int]] | None = None):
    """Inserts inside the block go through a WriteBehind (PostgreSQL; a no-op elsewhere). Foreign
    keys are checked as each insert runs (SET CONSTRAINTS ALL IMMEDIATE), on the thread's time,
    instead of all at the commit. `ids`: drawn ahead (IdsAhead); reserved ids that were not used
    are left as gaps in the sequences."""
    if not enabled or connection.vendor != "postgresql" or _BEHIND.get() is not None:
        yield _NoWriteBehind()
        return
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    behind = WriteBehind(connection.connection)
    behind.ids.update((model, list(drawn)) for model, drawn in (ids or {}).items())
    token = _BEHIND.set(behind)
    # The thread waits on the database most of the time; when its answer comes it should get the
    # interpreter back at once, not after this thread's next 5 ms slice (measured: 13% sooner).
    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(SWITCH_INTERVAL)

    def after_the_queue(execute, sql, params, many, context):
        behind.flush()
        return execute(sql, params, many, context)

    try:
        with connection.execute_wrapper(after_the_queue):
            yield behind
            behind.flush()
    except BaseException:
        behind.cancelled = True
        raise
    finally:
        behind.stop()
        _BEHIND.reset(token)
        sys.setswitchinterval(switch_interval)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


class IdsAhead:
    """Ids for a large import's new rows, drawn from the sequences by a thread while the file is
    being checked: the database is idle then, and drawing a million ids takes it about 3 s. The
    counts are upper bounds (a row brings at most one child, four adults and four links); what the
    import does not use is left as gaps. PostgreSQL only; the connection is in autocommit then (the
    import's transaction starts after the checks), and the ids are the sequences', whatever becomes
    of the import."""

    def __init__(self, wanted: dict[type[models.Model], int]):
        connection.ensure_connection()
        self.raw = connection.connection
        self.ids: dict[type[models.Model], Sequence[int]] = {}
        self.thread = threading.Thread(target=self._draw, args=(wanted,), name="roster-ids-ahead", daemon=True)
        self.thread.start()

    def _draw(self, wanted: dict[type[models.Model], int]) -> None:
        try:
            with self.raw.cursor() as cursor:
                for model, count in wanted.items():
                    self.ids[model] = _draw_ids(cursor, model._meta.db_table, count)
        except Exception:  # noqa: BLE001 - ids are then taken when they are needed, as without this
            self.ids = {}

    def result(self) -> dict[type[models.Model], Sequence[int]]:
        self.thread.join()
        return self.ids
