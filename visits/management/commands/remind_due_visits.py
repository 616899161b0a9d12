from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qidong_care.core.jobs import job_run
from visits.services import visits_remind_due


class Command(BaseCommand):
    help = "提醒儿童主任本月尚未走访的儿童（每天 9:00 运行，从每月 20 日起提醒）"

    def add_arguments(self, parser):
        parser.add_argument("--on", help="按哪一天计算（YYYY-MM-DD，默认今天）")

    def handle(self, *args, on=None, **options):
        try:
            day = date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError(f"--on={on!r} 不是有效日期（YYYY-MM-DD）")
        summary = job_run("remind_due_visits", visits_remind_due, trigger="command", on=day)
        self.stdout.write(f"提醒了 {summary['reminded']} 名儿童主任（{day:%Y-%m-%d}）")
