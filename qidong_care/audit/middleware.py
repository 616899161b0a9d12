from .request_context import current_request


class AuditContextMiddleware:
    """Makes the request available to `audit_record`, and records every refusal (403) of a logged-in
    user as a DENIED event: repeated attempts beyond one's role show in the audit log (入侵防范)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            response = self.get_response(request)
            if response.status_code == 403 and getattr(request, "user", None) and request.user.is_authenticated:
                record_denied(request)
            return response
        finally:
            current_request.reset(token)


def record_denied(request) -> None:
    from .models import AuditEvent
    from .services import audit_record

    audit_record(
        kind=AuditEvent.Kind.DENIED,
        success=False,
        request=request,
        object_type="url",
        object_label=request.path[:200],
        detail={"method": request.method},
    )
