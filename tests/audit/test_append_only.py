"""The audit trail is append-only (issue 8.3): on PostgreSQL a trigger refuses UPDATE, and DELETE of
rows younger than 183 days, whatever the application does; `purge_audit` deletes older rows only."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from qidong_care.audit.models import RETENTION_DAYS, AuditEvent
from qidong_care.audit.services import audit_record

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


def insert_event(days_ago: int, username: str = "old") -> int:
    """An event recorded `days_ago` days ago (written as the application would have then)."""
    at = timezone.now() - timedelta(days=days_ago)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (at, username, kind, object_type, object_id, object_label, success, detail)"
            " VALUES (%s, %s, 'login', '', '', '', %s, %s)",
            [at, username, True, json.dumps({})],
        )
    return AuditEvent.objects.get(username=username).pk


@on_postgresql
def test_the_database_refuses_to_update_an_audit_row(db):
    event = audit_record(kind=AuditEvent.Kind.LOGIN, detail={"username": "x"})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET username = 'forged' WHERE id = %s", [event.pk])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(success=False)
    event.refresh_from_db()
    assert event.username == "x" and event.success


@on_postgresql
def test_the_database_refuses_to_delete_a_recent_audit_row(db):
    event = audit_record(kind=AuditEvent.Kind.LOGIN)
    recent = insert_event(RETENTION_DAYS - 1, username="recent")
    for pk in (event.pk, recent):
        with pytest.raises(DatabaseError, match="183 days"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [pk])
    assert AuditEvent.objects.filter(pk__in=[event.pk, recent]).count() == 2


@on_postgresql
def test_the_database_allows_deleting_a_row_past_retention(db):
    old = insert_event(RETENTION_DAYS + 2)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [old])
    assert not AuditEvent.objects.filter(pk=old).exists()


def test_purge_deletes_only_rows_past_retention(db):
    old, older = insert_event(RETENTION_DAYS + 5, "old"), insert_event(400, "older")
    kept = insert_event(RETENTION_DAYS - 5, "kept")
    out = StringIO()
    call_command("purge_audit", stdout=out)
    assert "已删除 2 条" in out.getvalue()
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert kept in remaining and old not in remaining and older not in remaining
    purge = AuditEvent.objects.get(kind=AuditEvent.Kind.PURGE)
    assert purge.detail["deleted"] == 2


def test_purge_refuses_a_period_shorter_than_183_days(db):
    recent = insert_event(100, "recent")
    too_late = timezone.localdate() - timedelta(days=RETENTION_DAYS - 1)
    with pytest.raises(CommandError, match="至少保存 183 天"):
        call_command("purge_audit", "--before", too_late.isoformat(), stdout=StringIO())
    assert AuditEvent.objects.filter(pk=recent).exists()


def test_purge_with_an_explicit_date_and_a_dry_run(db):
    insert_event(300, "a")
    insert_event(250, "b")
    before = timezone.localdate() - timedelta(days=280)
    out = StringIO()
    call_command("purge_audit", "--before", before.isoformat(), "--dry-run", stdout=out)
    assert "将删除 1 条" in out.getvalue() and AuditEvent.objects.filter(username__in=["a", "b"]).count() == 2
    call_command("purge_audit", "--before", before.isoformat(), stdout=StringIO())
    assert list(AuditEvent.objects.filter(username__in=["a", "b"]).values_list("username", flat=True)) == ["b"]


def test_exactly_183_days_back_is_accepted(db):
    before = timezone.localdate() - timedelta(days=RETENTION_DAYS)
    out = StringIO()
    call_command("purge_audit", "--before", before.isoformat(), stdout=out)
    assert f"{before:%Y-%m-%d} 之前" in out.getvalue()
