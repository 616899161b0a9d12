from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "qidong_care.core"
    label = "core"
    verbose_name = "系统"


class QidongAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "qidong_care.core.admin_access.QidongAdminSite"
