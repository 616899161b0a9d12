"""Response headers for every page (等保 2.0; SECURITY.md)."""

from django.conf import settings

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",  # no inline script anywhere: behaviour lives in static/js
        "style-src 'self' 'unsafe-inline'",  # ECharts and htmx set style attributes
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """CSP on every response; `Cache-Control: no-store` on every page a logged-in user sees, since
    those pages carry personal information of minors and must not stay in shared caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(self), geolocation=(), microphone=()")
        if not request.path.startswith(settings.STATIC_URL):
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                response["Cache-Control"] = "no-store"
                response["Pragma"] = "no-cache"
        return response
