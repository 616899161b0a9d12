import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from qidong_care.core.jobs import job_run
from reports.models import WeeklyReport
from reports.services.weekly import last_finished_week, report_json, weekly_report_store
from reports.weeks import Week


class Command(BaseCommand):
    help = (
        "生成并保存某周的周报快照（每周调度，通知 三.2）。已保存的周直接返回原快照；"
        "--recompute 按历史记录重新计算（仅限系统管理员在服务器上使用）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--week", help="ISO 周，如 2026-W48；默认上一周")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument("--recompute", action="store_true", help="重新计算已保存的周（覆盖原快照）")

    def handle(self, *args, **options):
        try:
            week = Week.parse(options["week"]) if options["week"] else last_finished_week()
        except ValidationError as exc:
            raise CommandError(exc.messages[0]) from None
        if week.ends_at > timezone.now():
            raise CommandError(f"{week.label} 尚未结束（周日 24:00 后才能生成周报快照）。")

        def run() -> dict:
            report, computed = weekly_report_store(week=week, recompute=options["recompute"], trigger="command")
            return {"week": report.week, "computed": computed, "towns": report.rows.count()}

        summary = job_run("weekly_report", run, trigger="command")
        data = report_json(WeeklyReport.objects.get(week=summary["week"]))
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        state = "已生成" if summary["computed"] else "已存在（未改变）"
        self.stdout.write(f"{data['week']} 周报{state}：{len(data['towns'])} 个镇（街道、园区）")
        for town in data["towns"]:
            flag = "  动态更新为零" if town["zero_update"] else ""
            self.stdout.write(f"  {town['name']}：在册 {town['active']}，本周更新 {town['updates']}{flag}")
        total = data["total"]
        self.stdout.write(f"  合计：在册 {total['active']}，本周更新 {total['updates']}")
