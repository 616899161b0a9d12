from django.core.management.base import BaseCommand
from django.utils import timezone

from qidong_care.core.jobs import job_run
from visits.services import referrals_remind_overdue


class Command(BaseCommand):
    help = "提醒逾期未报告的转介（每小时运行；同一转介每天提醒一次）"

    def handle(self, *args, **options):
        summary = job_run("remind_overdue_referrals", referrals_remind_overdue, trigger="command", now=timezone.now())
        self.stdout.write(f"逾期转介 {summary['overdue']} 条，发出提醒 {summary['reminded']} 条")
