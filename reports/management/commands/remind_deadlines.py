import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qidong_care.core.jobs import job_run
from reports.services.campaigns import deadlines_remind


class Command(BaseCommand):
    help = "专项活动截止提醒：向工作未完成的镇（街道）发送提醒（每个截止日期前2天、1天），可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("--on", help="按此日期计算（YYYY-MM-DD），默认今天")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['on']}") from None
        summary = job_run("remind_deadlines", deadlines_remind, trigger="command", on=on)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{on:%Y-%m-%d}：{summary['deadlines']} 个截止日期临近，"
                f"{summary['towns_behind']} 个镇未完成，发出 {summary['notices']} 条提醒。"
            )
