"""Inserting many new rows, with their "+" history rows, fast enough for a province's roster.

Django's bulk_create prepares every value of every object through several layers; for 100,000
children with their adults and links (over a million rows with history) that dominates an import.
Here each column gets one converter, primary keys are allocated up front (PostgreSQL: from the
sequence; SQLite: after the largest id, under the write lock the transaction holds), rows are
streamed with COPY on PostgreSQL (executemany elsewhere), and each history row reuses the converted
values of its row (the same ciphertext, not a second encryption) plus who, when and why — the
columns simple-history's bulk_history_create would write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from functools import cache
from operator import attrgetter, itemgetter
from types import SimpleNamespace
from typing import Any

from django.db import connection, models

from qidong_care.core import crypto
from qidong_care.core.fields import EncryptedTextField

CHUNK = 5000


class NewRow:
    """A row to insert: one attribute per column of a model, defaults as the model gives them.

    `new_row(Child, name=...)` costs a microsecond where `Child(...)` costs tens: constant defaults
    are class attributes, only callable defaults (lists, timestamps) and the given values are set on
    the row. The rules (registry.assessment) read and set attributes on either alike."""

    @property
    def pk(self):
        return self.id


@cache
def _row_class(model: type[models.Model]) -> tuple[type, tuple]:
    fields = model._meta.concrete_fields
    static = {f.attname: f.get_default() for f in fields if not callable(f.default)}
    dynamic = tuple((f.attname, f.get_default) for f in fields if callable(f.default))
    return type(f"New{model.__name__}", (NewRow,), static), dynamic


def new_row(model: type[models.Model], **values: Any) -> NewRow:
    row_class, dynamic = _row_class(model)
    row = row_class()
    own = row.__dict__
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


def _allocate_ids(model: type[models.Model], count: int) -> list[int]:
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        largest = cursor.fetchone()[0]
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        sequence = cursor.fetchone()
        start = max(largest, sequence[0] if sequence else 0) + 1
        return list(range(start, start + count))


def _write(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """COPY on PostgreSQL: the server stores the rows as they stream in, so rows made lazily (a
    generator) are converted on this side while the database works on the other core."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
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
    history_columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    history_tail = (connection.ops.adapt_datetimefield_value(when), reason, "+", getattr(user, "pk", None))
    for start in range(0, len(objs), CHUNK):
        batch = objs[start : start + CHUNK]
        for obj, pk in zip(batch, _allocate_ids(model, len(batch)), strict=True):
            obj.id = pk
            if isinstance(obj, models.Model):
                obj._state.adding, obj._state.db = False, connection.alias
            for name in auto_now:
                setattr(obj, name, when)
        rows: list[tuple] = []
        _write(model._meta.db_table, [field.column for field in fields], _kept(map(make_row, batch), rows))
        _write(historical._meta.db_table, history_columns, (tracked_values(row) + history_tail for row in rows))


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
