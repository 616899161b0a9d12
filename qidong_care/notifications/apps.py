from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "qidong_care.notifications"
    label = "notifications"
    verbose_name = "通知"
