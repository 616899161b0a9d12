"""Helpers of the concurrency tests: a database put back to "only regions and users", a snapshot of
every table that compares equal between two runs that did the same thing, and threads that start
together with connections of their own."""

import datetime
import threading
import uuid
from collections.abc import Callable

from django.apps import apps
from django.core import mail
from django.core.management.color import no_style
from django.db import connection, models, transaction

from qidong_care.core.fields import EncryptedTextField

# Kept between runs: the regions and the users (with their regions) the fixtures made.
KEPT_APPS = {"contenttypes", "auth", "accounts", "sessions", "axes"}
KEPT_MODELS = {"registry.region", "registry.historicalregion"}

# Values that differ between two identical runs: timestamps, ciphertexts (random nonce), uuids, files.
VOLATILE = (models.DateTimeField, EncryptedTextField, models.UUIDField, models.FileField)


def data_models() -> list[type[models.Model]]:
    """Every table the application writes to, but the regions and the users (many-to-many included)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and model._meta.app_label not in KEPT_APPS and model._meta.label_lower not in KEPT_MODELS
    ]


def reset_data() -> None:
    """Empty every table but regions and users, numbering ids from 1 again (so two runs match)."""
    existing = set(connection.introspection.table_names())
    tables = sorted({m._meta.db_table for m in data_models()} & existing)
    if connection.vendor == "postgresql":
        _reset_postgresql(tables)
    else:
        statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True, allow_cascade=True)
        with connection.constraint_checks_disabled(), connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    mail.outbox = []


APPEND_ONLY = "audit_auditevent"  # a trigger refuses DELETE (SECURITY.md): emptied with TRUNCATE


def _reset_postgresql(tables: list[str]) -> None:
    """TRUNCATE costs ~0.1 s a table: DELETE the few rows instead (foreign keys are checked at commit),
    then restart every sequence in one statement."""
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(f"SELECT '{t}' FROM {quote(t)} HAVING COUNT(*) > 0" for t in tables))
        for (table,) in cursor.fetchall():
            cursor.execute(f"{'TRUNCATE' if table == APPEND_ONLY else 'DELETE FROM'} {quote(table)}")
        wanted = [seq for seq in connection.introspection.sequence_list() if seq["table"] in tables]
        cursor.execute("".join(connection.ops.sequence_reset_by_name_sql(no_style(), wanted)))


def _stable(value):
    if isinstance(value, datetime.datetime | uuid.UUID):
        return None
    if isinstance(value, dict):
        return {k: _stable(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def snapshot() -> dict[str, list]:
    """Every data table's rows (stable columns only), plus the e-mails sent."""
    state: dict[str, list] = {}
    for model in data_models():
        names = [f.attname for f in model._meta.concrete_fields if not isinstance(f, VOLATILE)]
        rows = model._base_manager.order_by("pk").values_list(*names)
        state[model._meta.label_lower] = [tuple(_stable(v) for v in row) for row in rows]
    state["mail"] = sorted((tuple(m.to), m.subject, m.body) for m in mail.outbox)
    return state


def differences(left: dict[str, list], right: dict[str, list]) -> dict[str, tuple[list, list]]:
    """table → (rows only in left, rows only in right), for tables that differ."""
    found = {}
    for table in sorted(set(left) | set(right)):
        a, b = left.get(table, []), right.get(table, [])
        if a != b:
            found[table] = ([r for r in a if r not in b], [r for r in b if r not in a])
    return found


def together(*calls: Callable[[], object], timeout: float = 60) -> list[object]:
    """Run each call in its own thread (its own database connection), all released at once by a
    barrier; returns each call's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[index] = call()
        except Exception as exc:  # the caller inspects it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a concurrent call did not finish"
    return results
