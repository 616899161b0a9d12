"""Telling people: in-app (the bell) and by e-mail, only about records in their scope.

`notify` is idempotent per (user, key): a reminder job run twice, or twice at once, leaves one notice.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import IntegrityError, transaction
from django.db.models import Q

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import COUNTY_WIDE_ROLES, Role

from .models import Notification

logger = logging.getLogger(__name__)


def users_responsible_for(*, town_id: int | None, village_id: int | None = None, roles: Iterable[str]) -> list[User]:
    """Active users of `roles` whose regions cover the town or village (county-wide roles always do)."""
    roles = list(roles)
    scope = Q(role__in=[r for r in roles if r in COUNTY_WIDE_ROLES]) | Q(regions__level="county")
    if town_id is not None:
        scope |= Q(regions__id=town_id)
    if village_id is not None:
        scope |= Q(regions__id=village_id)
    return list(User.objects.filter(scope, role__in=roles, is_active=True).distinct().order_by("pk"))


def notify(
    *, users: Iterable[User], kind: str, title: str, key: str, body: str = "", url: str = "", email: bool = True
) -> int:
    """Create one notice per user (unless one with the same key exists) and e-mail the new ones."""
    users = [user for user in users if user.is_active]
    existing = set(Notification.objects.filter(user__in=users, key=key).values_list("user_id", flat=True))
    notice = {"kind": kind, "title": title, "body": body, "url": url, "key": key}
    fresh = [user for user in users if user.pk not in existing and _created(user, notice)]
    if email:
        _email(fresh, title, body, url)
    return len(fresh)


def _created(user: User, notice: dict) -> bool:
    """Insert one notice; False when another run inserted it first (two runs at once: one e-mail).
    On PostgreSQL the second insert waits for the first transaction and then finds the key taken."""
    try:
        with transaction.atomic():
            Notification.objects.create(user=user, **notice)
    except IntegrityError:
        return False
    return True


def _email(users: list[User], title: str, body: str, url: str) -> None:
    messages = [
        (f"[留守儿童关爱服务] {title}", f"{body}\n\n{url}".strip(), settings.DEFAULT_FROM_EMAIL, [user.email])
        for user in users
        if user.email
    ]
    if not messages:
        return
    try:
        send_mass_mail(messages, fail_silently=False)
    except OSError:  # the in-app notice stands; a mail server outage must not lose it
        logger.warning("notification e-mail could not be sent to %d users", len(messages))


def notify_region(
    *,
    town_id: int | None,
    village_id: int | None = None,
    kind: str,
    title: str,
    key: str,
    body: str = "",
    url: str = "",
    roles: Iterable[str] = (Role.TOWN_STAFF, Role.DIRECTOR, Role.BUREAU),
) -> int:
    users = users_responsible_for(town_id=town_id, village_id=village_id, roles=roles)
    return notify(users=users, kind=kind, title=title, key=key, body=body, url=url)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
