"""Bootstrap: the first system administrator (系统管理员), with an initial password to change at
first login. No Django superuser is needed for daily work: the administrator then creates every
other account (the security administrator and the auditor included) in the admin pages."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from qidong_care.accounts.services import initial_password
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record
from registry.models import Region, RegionLevel


class Command(BaseCommand):
    help = "创建第一个系统管理员账号（初始密码，首次登录须修改）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--force", action="store_true", help="已有系统管理员时仍然创建")

    @transaction.atomic
    def handle(self, *args, username: str, force: bool, **options):
        username = username.strip()
        if not username:
            raise CommandError("请给出用户名。")
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"用户名 {username} 已存在。")
        existing = User.objects.filter(role=Role.ADMIN, is_active=True).count()
        if existing and not force:
            raise CommandError(f"已有 {existing} 个启用的系统管理员；确需再建一个，请加 --force。")
        password = initial_password()
        user = User.objects.create_user(username=username, password=password, role=Role.ADMIN)
        user.must_change_password = True
        user.save(update_fields=["must_change_password"])
        user.regions.set(Region.objects.filter(level=RegionLevel.COUNTY))
        audit_record(
            kind=AuditEvent.Kind.PERMISSION,
            obj=user,
            detail={"changed": ["created"], "role": Role.ADMIN, "by": "create_admin"},
        )
        self.stdout.write(f"已创建系统管理员 {username}。")
        self.stdout.write(f"初始密码：{password}")
        self.stdout.write("请登录后立即修改密码；此密码不会再次显示。")
