"""Logins, failures, lockouts and logouts go to the audit trail."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

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
