import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qidong_care.core.jobs import job_run
from registry.tasks import age_out_job


class Command(BaseCommand):
    help = "超龄退出：年满16周岁的儿童退出在册名单（剔除超龄儿童，通知 二.3），可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("--on", help="按此日期计算年龄（YYYY-MM-DD），默认今天")
        parser.add_argument("--json", action="store_true", help='输出 {"aged_out": N}')

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['on']}") from None
        summary = job_run("age_out", age_out_job, trigger="command", on=on)
        if options["json"]:
            self.stdout.write(json.dumps({"aged_out": summary["aged_out"]}))
        else:
            self.stdout.write(f"{on:%Y-%m-%d}：{summary['aged_out']} 名儿童超龄退出在册名单。")
