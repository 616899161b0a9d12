"""The administrator's user forms: one role per user, and no superuser, staff, group or per-user
permission fields (roles carry capabilities; roles.py). Passwords are validated by
AUTH_PASSWORD_VALIDATORS, with Chinese messages."""

from django import forms
from django.contrib.auth.forms import ReadOnlyPasswordHashField, UserCreationForm

from .models import User

ADMIN_USER_FIELDS = ("username", "last_name", "first_name", "email", "phone", "role", "regions", "is_active")


class StaffCreationForm(UserCreationForm):
    """A new user with an initial password, changed at the user's first login."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "last_name", "first_name", "role", "regions")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].required = True
        self.fields["password1"].label = "初始密码"
        self.fields["password2"].label = "确认初始密码"
        self.fields["password2"].help_text = "用户首次登录后必须修改初始密码。"


class StaffChangeForm(forms.ModelForm):
    password = ReadOnlyPasswordHashField(
        label="密码", help_text="系统不保存明文密码。忘记密码或需要重置时，请联系安全管理员重置。"
    )

    class Meta:
        model = User
        fields = (*ADMIN_USER_FIELDS, "must_change_password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "role" in self.fields:
            self.fields["role"].required = True
