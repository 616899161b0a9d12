"""Password rules beyond Django's own (等保 2.0: complexity)."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

CHARACTER_CLASSES = (
    ("小写字母", re.compile(r"[a-z]")),
    ("大写字母", re.compile(r"[A-Z]")),
    ("数字", re.compile(r"\d")),
    ("符号", re.compile(r"[^a-zA-Z\d]")),
)


class MinimumLengthValidator:
    """At least `min_length` characters (Django's own message has no Chinese translation of its plural)."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短：至少需要 %(min_length)d 个字符。"),
                code="password_too_short",
                params={"min_length": self.min_length},
            )

    def get_help_text(self) -> str:
        return _("密码至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}


class CharacterClassValidator:
    """At least 3 of the 4 character classes: lower case, upper case, digits, symbols."""

    required = 3

    def validate(self, password: str, user=None) -> None:
        present = sum(1 for _name, pattern in CHARACTER_CLASSES if pattern.search(password))
        if present < self.required:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少 3 类。"), code="password_too_simple"
            )

    def get_help_text(self) -> str:
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 3 类。")


class NotUsernameValidator:
    """The password may not contain the username (in any case)."""

    def validate(self, password: str, user=None) -> None:
        username = getattr(user, "username", "") or ""
        if username and username.lower() in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("密码不能包含用户名。")
