"""The security administrator's work: see locked accounts, unlock them, reset a password to a new
initial one (changed at the next login). Every action is audited."""

import secrets
import string
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from .models import User
from .sessions import end_sessions_of


def cool_off() -> timedelta:
    return timedelta(hours=settings.AXES_COOLOFF_TIME)


@dataclass
class LockedAccount:
    username: str
    failures: int
    last_failure: datetime
    ip_addresses: list[str] = field(default_factory=list)

    @property
    def locked_until(self) -> datetime:
        return self.last_failure + cool_off()


def locked_accounts(*, now: datetime | None = None) -> list[LockedAccount]:
    """Usernames whose failures within the cool-off reach AXES_FAILURE_LIMIT (how axes decides,
    with the lockout by username: every address and browser counts together)."""
    now = now or timezone.now()
    recent = AccessAttempt.objects.filter(attempt_time__gte=now - cool_off()).order_by("username", "attempt_time")
    accounts: dict[str, LockedAccount] = {}
    for attempt in recent.only("username", "ip_address", "attempt_time", "failures_since_start"):
        name = attempt.username or ""
        account = accounts.setdefault(name, LockedAccount(name, 0, attempt.attempt_time))
        account.failures += attempt.failures_since_start
        account.last_failure = max(account.last_failure, attempt.attempt_time)
        if attempt.ip_address and attempt.ip_address not in account.ip_addresses:
            account.ip_addresses.append(attempt.ip_address)
    locked = [a for a in accounts.values() if a.failures >= settings.AXES_FAILURE_LIMIT]
    return sorted(locked, key=lambda a: a.last_failure, reverse=True)


def account_unlock(*, username: str, by: User) -> int:
    """Lift the lock of `username` before the cool-off ends. Returns how many attempt records went."""
    username = username.strip()
    if not username:
        raise ValidationError({"username": "请填写要解锁的用户名。"})
    removed = axes_reset(username=username)
    audit_record(
        kind=AuditEvent.Kind.UNLOCK,
        user=by,
        object_type="accounts.user",
        object_label=username,
        success=removed > 0,
        detail={"username": username, "attempts_removed": removed},
    )
    return removed


SYMBOLS = "@#%+=-_"


def initial_password(length: int = 12) -> str:
    """A random password holding all four character classes, accepted by every validator."""
    alphabet = string.ascii_letters + string.digits + SYMBOLS
    while True:
        chars = [
            secrets.choice(string.ascii_lowercase),
            secrets.choice(string.ascii_uppercase),
            secrets.choice(string.digits),
            secrets.choice(SYMBOLS),
            *(secrets.choice(alphabet) for _ in range(length - 4)),
        ]
        secrets.SystemRandom().shuffle(chars)
        password = "".join(chars)
        try:
            validate_password(password)
        except ValidationError:
            continue
        return password


@transaction.atomic
def account_password_reset(*, username: str, by: User) -> tuple[User, str]:
    """Give `username` a new initial password (shown once to the security administrator), to be
    changed at the next login; end the user's sessions and lift any lock."""
    user = User.objects.filter(username=username.strip()).first()
    if user is None:
        raise ValidationError({"username": "没有这个用户名。"})
    if user.pk == by.pk:
        raise ValidationError({"username": "不能在这里重置自己的密码，请使用“修改密码”。"})
    if not user.is_active:
        raise ValidationError({"username": "该账号已停用，请先由系统管理员启用。"})
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    ended = end_sessions_of(user)
    axes_reset(username=user.username)
    audit_record(kind=AuditEvent.Kind.PASSWORD_RESET, user=by, obj=user, detail={"sessions_ended": ended})
    return user, password
