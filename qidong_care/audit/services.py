"""Writing the audit trail. Call `audit_record` wherever a user reads, reveals, changes, imports,
exports or prints personal information. Values are masked before they are stored."""

from typing import Any

from django.db import models

from qidong_care.core.logging import mask_text

from .models import AuditEvent
from .request_context import client_ip, current_request


def _masked(detail: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in detail.items():
        if isinstance(value, str):
            clean[key] = mask_text(value)
        elif isinstance(value, dict):
            clean[key] = _masked(value)
        else:
            clean[key] = value
    return clean


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
        object_label = object_label or mask_text(str(obj))
    return AuditEvent.objects.create(
        kind=kind,
        user=user if authenticated else None,
        username=(user.get_username() if authenticated else (detail or {}).get("username", ""))[:150],
        ip_address=client_ip(request),
        object_type=object_type,
        object_id=object_id,
        object_label=mask_text(object_label)[:200],
        success=success,
        detail=_masked(detail or {}),
    )
