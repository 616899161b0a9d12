"""Re-sealing every encrypted column with the first key of FIELD_ENCRYPTION_KEYS (key rotation,
SECURITY.md). Columns are found through the app registry, historical tables included, so a new
model with an EncryptedTextField is covered without touching this module."""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection, models, transaction

from . import crypto
from .fields import EncryptedTextField


@dataclass(frozen=True)
class EncryptedColumns:
    model: type[models.Model]
    columns: tuple[str, ...]

    @property
    def table(self) -> str:
        return self.model._meta.db_table

    @property
    def pk_column(self) -> str:
        return self.model._meta.pk.column


def encrypted_columns() -> list[EncryptedColumns]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = tuple(f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField))
        if columns:
            found.append(EncryptedColumns(model, columns))
    return sorted(found, key=lambda c: c.table)


@dataclass
class RotationReport:
    resealed: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.resealed.values())


def _reseal_batch(target: EncryptedColumns, after, batch_size: int) -> tuple[object, int, int]:
    """Re-seal one batch of rows with pk > `after`; returns the last pk seen, rows read, values resealed."""
    quote = connection.ops.quote_name
    pk = quote(target.pk_column)
    selected = ", ".join(quote(c) for c in target.columns)
    resealed = 0
    with transaction.atomic(), connection.cursor() as cursor:
        where = f"WHERE {pk} > %s " if after is not None else ""
        cursor.execute(
            f"SELECT {pk}, {selected} FROM {quote(target.table)} {where}ORDER BY {pk} LIMIT %s",  # noqa: S608
            [after, batch_size] if after is not None else [batch_size],
        )
        rows = cursor.fetchall()
        for row in rows:
            for column, token in zip(target.columns, row[1:], strict=True):
                if not token or crypto.sealed_with_current_key(token):
                    continue
                # Only if nobody changed the value meanwhile: never overwrite a newer value.
                cursor.execute(
                    f"UPDATE {quote(target.table)} SET {quote(column)} = %s WHERE {pk} = %s AND {quote(column)} = %s",  # noqa: S608
                    [crypto.encrypt(crypto.decrypt(token)), row[0], token],
                )
                resealed += cursor.rowcount
    return (rows[-1][0] if rows else after), len(rows), resealed


def keys_rotate(*, batch_size: int = 1000) -> RotationReport:
    """Re-seal, in batches of `batch_size` rows each in its own transaction, every value that is not
    sealed with the first key. Idempotent: a second run re-seals nothing. Raises DecryptionError
    when a value's key is no longer listed (put the old key back, run again)."""
    report = RotationReport()
    for target in encrypted_columns():
        after, count = None, 0
        while True:
            after, read, resealed = _reseal_batch(target, after, batch_size)
            count += resealed
            if read < batch_size:
                break
        report.resealed[target.table] = count
    return report
