from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "qidong_care.accounts"
    label = "accounts"
    verbose_name = "用户与角色"

    def ready(self) -> None:
        from . import signals  # noqa: F401
