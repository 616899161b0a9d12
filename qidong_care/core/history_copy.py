"""History rows written by the database itself, for jobs that change many rows at once.

simple-history's `bulk_history_create` needs every row as a model instance: a read of every column
(encrypted ones decrypted), then every value prepared again (and encrypted again) for the INSERT.
For tens of thousands of rows that dominates a job. `history_copy` writes the same rows (the
tracked columns as they now stand, plus when, why, who and the kind) with one
`INSERT … SELECT` per chunk of ids: the ciphertexts are copied as they are, nothing passes through
Python. Plain SQL, so PostgreSQL and SQLite run it alike.
"""

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import connection, models

CHUNK = 1000  # ids per statement: within SQLite's limit on parameters
HISTORY_COLUMNS = ("history_date", "history_change_reason", "history_type", "history_user_id")


def _tracked_columns(model: type[models.Model]) -> list[str]:
    historical = model.history.model
    columns = [field.column for field in historical.tracked_fields]
    own = {field.column for field in historical._meta.concrete_fields}
    extra = own - set(columns) - set(HISTORY_COLUMNS) - {historical._meta.pk.column}
    if extra:  # a history model with columns of its own: this copy would leave them empty
        raise ValueError(f"{historical.__name__} has columns history_copy does not fill: {sorted(extra)}")
    return columns


def history_copy(
    model: type[models.Model], ids: Sequence[int], *, when: datetime, reason: str = "", user=None, kind: str = "~"
) -> int:
    """One history row of `kind` per row of `model` in `ids`, as the row now stands; returns how many.
    Without `user`, the row names whom simple-history would (the request's or `acting_user`'s)."""
    if not ids or not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return 0
    quote = connection.ops.quote_name
    columns = _tracked_columns(model)
    source = ", ".join(quote(column) for column in columns)
    target = ", ".join(quote(column) for column in [*columns, *HISTORY_COLUMNS])
    head = (
        f"INSERT INTO {quote(model.history.model._meta.db_table)} ({target}) "
        f"SELECT {source}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN "
    )
    if user is None:
        user = model.history.model.get_default_history_user(object())
    tail = [connection.ops.adapt_datetimefield_value(when), reason, kind, getattr(user, "pk", None)]
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start : start + CHUNK])
            cursor.execute(head + "(" + ", ".join(["%s"] * len(chunk)) + ")", [*tail, *chunk])
            written += cursor.rowcount
    return written
