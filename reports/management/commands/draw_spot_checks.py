import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qidong_care.core.jobs import job_run
from reports.services.spotchecks import spot_checks_draw


class Command(BaseCommand):
    help = "抽取每日抽查样本：前一天有动态更新的儿童，每镇若干名（每天抽查，通知 三.2），可重复运行"

    def add_arguments(self, parser):
        parser.add_argument("--on", help="抽取日期（YYYY-MM-DD），抽取其前一天的更新；默认今天")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["on"]) if options["on"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['on']}") from None
        summary = job_run("draw_spot_checks", spot_checks_draw, trigger="command", on=on)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(f"{summary['day']} 的更新：{summary['towns']} 个镇共抽取 {summary['drawn']} 名儿童。")
