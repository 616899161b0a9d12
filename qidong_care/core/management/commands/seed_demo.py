"""Demo users (one per role) and demo children, so that every page has something to show.

Refuses to run unless DEBUG is on: demo accounts must never exist in production. The children come
from the sample roster, imported through the roster import service (idempotent: a second run
changes nothing).
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qidong_care.accounts.models import User
from qidong_care.accounts.roles import Role
from registry.models import Region
from registry.roster.service import roster_import

SAMPLE_ROSTER = Path(__file__).resolve().parents[4] / "registry" / "roster" / "samples" / "roster-sample.xlsx"

COUNTY = "320681"
HUILONG, NANYANG = "320681100", "320681106"
DIRECTOR_VILLAGES = ("320681100236", "320681100201")  # 汇龙镇 亚光村、克明村

DEMO_USERS = [
    # username, role, surname, given name, region codes
    ("admin", Role.ADMIN, "管", "理员", [COUNTY]),
    ("security", Role.SECURITY_ADMIN, "安", "全员", [COUNTY]),
    ("auditor", Role.AUDITOR, "审", "计员", [COUNTY]),
    ("bureau", Role.BUREAU, "陈", "科长", [COUNTY]),
    ("inspector", Role.INSPECTOR, "周", "督查", [COUNTY]),
    ("town_huilong", Role.TOWN_STAFF, "张", "汇龙", [HUILONG]),
    ("town_nanyang", Role.TOWN_STAFF, "李", "南阳", [NANYANG]),
    ("director_huilong", Role.DIRECTOR, "王", "主任", list(DIRECTOR_VILLAGES)),
]


def seed_users(password: str) -> list[str]:
    created = []
    for username, role, last_name, first_name, codes in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username, defaults={"role": role, "last_name": last_name, "first_name": first_name}
        )
        user.role, user.is_active, user.must_change_password = role, True, False
        user.set_password(password)
        user.save()
        user.regions.set(Region.objects.filter(code__in=codes))
        if was_created:
            created.append(username)
    return created


class Command(BaseCommand):
    help = "创建演示账号和演示儿童（仅限 DEBUG 模式）"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo 只能在 DEBUG=true 时运行：生产环境不得存在演示账号。")
        if not Region.objects.filter(code=COUNTY).exists():
            raise CommandError("请先运行 python manage.py load_regions 载入区划。")
        created = seed_users(settings.DEMO_PASSWORD)
        self.stdout.write(f"演示账号：{', '.join(u for u, *_ in DEMO_USERS)}（新建 {len(created)} 个）")
        self.stdout.write(f"演示密码：{settings.DEMO_PASSWORD}（可用环境变量 DEMO_PASSWORD 修改）")
        result = roster_import(path=SAMPLE_ROSTER, user=User.objects.get(username="admin"), dry_run=False)
        self.stdout.write(
            f"演示儿童（{SAMPLE_ROSTER.name}）：新增 {result.created}，更新 {result.updated}，"
            f"未变 {result.unchanged}，未导入 {result.rejected}（如已满16周岁）"
        )
