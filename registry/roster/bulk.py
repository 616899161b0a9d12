"""Bulk writes with history, for the import (DESIGN.md: write in bulk, never `bulk_update`).

Updates are `INSERT … ON CONFLICT (id) DO UPDATE` on PostgreSQL (Django's bulk_create with
update_conflicts: one statement per 1,000 rows; Django's bulk_update would build a CASE WHEN per
field and row), one executemany per chunk on SQLite. History rows are written like simple-history's,
with the import's user and change reason, so the archive's history says the import did it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import connection, models
from django.utils import timezone

from .inserts import update_many, write_history

BATCH = 1000


def upsert(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> None:
    """Overwrite `fields` of existing rows (each object carries its primary key)."""
    if not objs:
        return
    if connection.vendor == "sqlite":
        update_many(model, objs, fields, when=timezone.now())
        return
    model.objects.bulk_create(
        objs, batch_size=BATCH, update_conflicts=True, unique_fields=["id"], update_fields=list(fields)
    )


def history(
    model: type[models.Model],
    objs: Sequence[models.Model],
    *,
    kind: str,
    user,
    reason: str,
    when: datetime,
) -> None:
    """History rows ("~" changed, "-" deleted) for `objs`, as simple-history writes them."""
    if objs:
        write_history(model, objs, kind=kind, user=user, reason=reason, when=when)


def delete_rows(model: type[models.Model], pks: Sequence[int]) -> None:
    """Delete rows by primary key without per-row signals: their "-" history is written in bulk by
    `history(kind="-")` first, with the import's user and reason (simple-history's delete signal would
    write one row per object, without them)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(pks), BATCH):
            chunk = list(pks[start : start + BATCH])
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {table} WHERE id IN ({marks})", chunk)


def update_fields_of(model: type[models.Model], *, exclude: Sequence[str] = ()) -> list[str]:
    """Every concrete, non-primary-key field of `model` (what an upsert overwrites)."""
    skip = {"id", "created_at", "created_by", *exclude}
    return [field.name for field in model._meta.concrete_fields if field.name not in skip]
