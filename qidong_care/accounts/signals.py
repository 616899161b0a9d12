"""Keep the user ↔ session map current, and end every session of a disabled user."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db.models.signals import post_save
from django.dispatch import receiver

from qidong_care.audit.request_context import client_ip

from .middleware import SESSION_STARTED_KEY
from .models import LoginSession, User


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    request.session[SESSION_STARTED_KEY] = time.time()
    request.session.save()
    LoginSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user, "ip_address": client_ip(request)}
    )


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None and request.session.session_key:
        LoginSession.objects.filter(session_key=request.session.session_key).delete()


def end_sessions_of(user: User) -> int:
    keys = list(LoginSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    LoginSession.objects.filter(user=user).delete()
    return len(keys)


@receiver(post_save, sender=User)
def end_sessions_when_disabled(sender, instance: User, created: bool, **kwargs):
    if not created and not instance.is_active:
        end_sessions_of(instance)
