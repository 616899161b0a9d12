from datetime import date

from django.core.management.base import BaseCommand, CommandError

from agreements.jobs import mark_lapsed_job


class Command(BaseCommand):
    help = "把有效期已满的委托照护协议标记为“需重签”（每日任务，可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天判断是否到期（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        on = None
        if options["date"]:
            try:
                on = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式不对：{options['date']}（应为 YYYY-MM-DD）") from None
        summary = mark_lapsed_job(on=on, trigger="command")
        self.stdout.write(f"{summary['on']}：{summary['lapsed']} 份协议到期，已标记为需重签。")
