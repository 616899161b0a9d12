"""Writing the audit trail. Call `audit_record` wherever a user reads, reveals, imports, exports or
prints personal information; creates, updates and deletes of models with history are recorded by
the history hook (signals.py). Values are masked before they are stored: no full ID number or
mobile number ever reaches the audit log."""

from typing import Any

from django.db import models

from qidong_care.core.logging import mask_text

from .models import AuditEvent
from .request_context import client_ip, current_request


def masked(value: Any) -> Any:
    """`value` with every ID number and mobile number inside it masked, however deeply nested."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {mask_text(str(key)): masked(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [masked(item) for item in value]
    if isinstance(value, int | float | bool) or value is None:
        return value
    return mask_text(str(value))


def _username(user, authenticated: bool, detail: dict[str, Any]) -> str:
    name = user.get_username() if authenticated else str(detail.get("username", ""))
    return mask_text(name)[:150]


def audit_record(
    *,
    kind: str,
    user=None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_label: str = "",
    success: bool = True,
    detail: dict[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    request = request or current_request.get()
    if user is None and request is not None:
        user = getattr(request, "user", None)
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label or str(obj)
    detail = detail or {}
    return AuditEvent.objects.create(
        kind=kind,
        user=user if authenticated else None,
        username=_username(user, authenticated, detail),
        ip_address=client_ip(request),
        object_type=object_type[:60],
        object_id=mask_text(str(object_id))[:64],
        object_label=mask_text(object_label)[:200],
        success=success,
        detail=masked(detail),
    )
