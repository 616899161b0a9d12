"""The request being served, for audit records written deep inside services, and the client's
address as the audit trail and the login lockout both see it."""

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)


def _valid_ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """REMOTE_ADDR, or behind TRUSTED_PROXY_COUNT proxies of our own the address the outermost of
    them saw: the X-Forwarded-For entry it appended. Entries to the left of it are whatever the
    client sent and are never trusted; anything that is not an IP address counts as unknown."""
    if request is None:
        return None
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        hops = [hop for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return _valid_ip(hops[-proxies])
    return _valid_ip(request.META.get("REMOTE_ADDR"))
