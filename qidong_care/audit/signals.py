"""What goes to the audit trail without anyone calling `audit_record`:

- logins, failed logins, lockouts and logouts (Django's and axes' signals);
- creates, updates and deletes of every model that keeps history (django-simple-history's
  post_create_historical_record): the archive (children, adults and their links), regions, and
  whatever other app adds `HistoricalRecords` to. One hook covers every write path that keeps
  history (forms, services, the admin), so no service can forget it. Only field *names* are
  recorded, never values: the values stay in the (encrypted) history tables.

Bulk writes (roster import) keep history through simple-history's bulk helpers, which send no
signal: the import records one IMPORT event with its counts instead of one event per row.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import connection
from django.dispatch import receiver
from simple_history.signals import post_create_historical_record

from .models import AuditEvent
from .services import audit_record


@receiver(user_logged_in)
def audit_login(sender, request, user, **kwargs):
    audit_record(kind=AuditEvent.Kind.LOGIN, user=user, request=request)


@receiver(user_logged_out)
def audit_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(kind=AuditEvent.Kind.LOGOUT, user=user, request=request)


@receiver(user_login_failed)
def audit_login_failed(sender, credentials, request=None, **kwargs):
    audit_record(
        kind=AuditEvent.Kind.LOGIN_FAILED,
        success=False,
        request=request,
        detail={"username": str(credentials.get("username", ""))[:150]},
    )


@receiver(user_locked_out)
def audit_lockout(sender, request, username, ip_address, **kwargs):
    audit_record(kind=AuditEvent.Kind.LOCKED_OUT, success=False, request=request, detail={"username": username or ""})


HISTORY_KINDS = {"+": AuditEvent.Kind.CREATE, "~": AuditEvent.Kind.UPDATE, "-": AuditEvent.Kind.DELETE}
AUDITED_MARK = "_audit_logged_kinds"


def changed_field_names(history_instance) -> list[str]:
    previous = history_instance.prev_record
    if previous is None:
        return []
    return sorted(change.field for change in history_instance.diff_against(previous).changes)


def current_block() -> tuple | None:
    """Which atomic block we are in (None outside any): the Atomic object of the innermost block
    and the savepoints open, so that two calls of one @transaction.atomic service differ."""
    if not connection.in_atomic_block:
        return None
    return (id(connection.atomic_blocks[-1]), tuple(connection.savepoint_ids))


def already_logged(instance, kind: str) -> bool:
    """A service that saves one record twice inside its transaction (create, then store the computed
    verdict) gives one CREATE event, not a CREATE and an UPDATE."""
    block = current_block()
    if block is None:
        return False
    logged = instance.__dict__.get(AUDITED_MARK)
    if logged is None or logged[0] != block:
        instance.__dict__[AUDITED_MARK] = (block, {kind})
        return False
    if kind in logged[1] or (kind == AuditEvent.Kind.UPDATE and AuditEvent.Kind.CREATE in logged[1]):
        return True
    logged[1].add(kind)
    return False


@receiver(post_create_historical_record)
def audit_history(sender, instance, history_instance, history_user, history_change_reason, **kwargs):
    kind = HISTORY_KINDS.get(history_instance.history_type)
    if kind is None or already_logged(instance, kind):
        return
    detail = {"reason": history_change_reason or ""}
    if kind == AuditEvent.Kind.UPDATE:
        detail["fields"] = changed_field_names(history_instance)
    audit_record(kind=kind, user=history_user, obj=instance, detail=detail)
