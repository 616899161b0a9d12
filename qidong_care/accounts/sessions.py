"""Which server-side session belongs to which user, so that logout, a password reset and disabling
a user end that user's sessions everywhere (等保 2.0 身份鉴别: 登录会话管理)."""

from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.utils import timezone

from qidong_care.audit.request_context import client_ip

from .models import LoginSession, User


def session_remember(request: HttpRequest, user: User) -> None:
    """Link this session to `user`, and drop the user's links to sessions that expired meanwhile."""
    live = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
    LoginSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    LoginSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user, "ip_address": client_ip(request)}
    )


def session_rekeyed(*, old_key: str | None, new_key: str | None) -> None:
    """A session changed its key (Django cycles it on a password change): follow it."""
    if old_key and new_key and old_key != new_key:
        LoginSession.objects.filter(session_key=old_key).update(session_key=new_key)


def session_forget(session_key: str | None) -> None:
    if session_key:
        LoginSession.objects.filter(session_key=session_key).delete()


def end_sessions_of(user: User, *, keep: str | None = None) -> int:
    """Delete every server-side session of `user` (but `keep`); returns how many were ended."""
    links = LoginSession.objects.filter(user=user)
    if keep:
        links = links.exclude(session_key=keep)
    keys = list(links.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(session_key__in=keys).delete()
    return len(keys)
