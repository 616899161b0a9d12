"""Keep the user ↔ session map current, and end every session of a disabled user."""

import time

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db.models.signals import post_save
from django.dispatch import receiver

from .middleware import SESSION_STARTED_KEY
from .models import User
from .sessions import end_sessions_of, session_forget, session_remember

__all__ = ["end_sessions_of"]


@receiver(user_logged_in)
def remember_session(sender, request, user, **kwargs):
    request.session[SESSION_STARTED_KEY] = time.time()
    request.session.save()
    session_remember(request, user)


@receiver(user_logged_out)
def forget_session(sender, request, user, **kwargs):
    if request is not None:
        session_forget(request.session.session_key)


@receiver(post_save, sender=User)
def end_sessions_when_disabled(sender, instance: User, created: bool, **kwargs):
    if not created and not instance.is_active:
        end_sessions_of(instance)
