import json

from django.core.management.base import BaseCommand

from qidong_care.core.jobs import job_run
from reports.selectors import refresh_live_figures


class Command(BaseCommand):
    help = "重新计算看板的实时数据并放入缓存（全市本周数据、各镇各村情况和待办；每 10 分钟调度）"

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        summary = job_run("refresh_live_figures", refresh_live_figures, trigger="command")
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(f"已重新计算全市和 {summary['towns']} 个镇的看板实时数据。")
