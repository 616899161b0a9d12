"""python manage.py import_roster FILE.xlsx [--dry-run] [--report ERRORS.xlsx] [--json]  (ROSTER.md)

The same service as the web import (registry.roster.service.roster_import). Exit status 0 when the
run completed (rows may still be rejected), 1 when the file itself was refused.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from registry.roster.report import write_error_report
from registry.roster.safety import RosterFileRefused
from registry.roster.service import roster_import

SHOWN_ERRORS = 200


class Command(BaseCommand):
    help = "导入花名册（.xlsx）：校验后写入；--dry-run 只校验不写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help="花名册文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入数据库")
        parser.add_argument("--report", metavar="ERRORS.xlsx", help="把被拒绝的行连同“错误原因”写入此文件")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出结果")

    def handle(self, *args, **options):
        try:
            result = roster_import(path=options["file"], user=None, dry_run=options["dry_run"])
        except RosterFileRefused as refused:
            raise CommandError(f"文件被拒绝：{refused.message}", returncode=1) from None
        except FileNotFoundError:
            raise CommandError(f"找不到文件：{options['file']}", returncode=1) from None
        if options["report"]:
            write_error_report(source=options["file"], errors=result.errors, out=options["report"])
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self._summary(result, options)

    def _summary(self, result, options) -> None:
        verb = "校验（未写入）" if options["dry_run"] else "导入"
        self.stdout.write(
            f"{verb}完成：共 {result.rows} 行，新增 {result.created}，更新 {result.updated}，"
            f"未变 {result.unchanged}，拒绝 {result.rejected}（{result.seconds:.1f} 秒）"
        )
        if result.siblings_updated:
            self.stdout.write(f"同户成年人信息变更，另有 {result.siblings_updated} 名儿童的档案随之更新。")
        for warning in result.warnings:
            self.stdout.write(f"提示（第{warning['row']}行）：{warning['message']}")
        for error in result.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"第{error.row}行 {error.column} [{error.code}] {error.message}")
        if len(result.errors) > SHOWN_ERRORS:
            hint = f"，全部错误见 {options['report']}" if options["report"] else "；用 --report 输出全部错误"
            self.stdout.write(f"……另有 {len(result.errors) - SHOWN_ERRORS} 条错误{hint}")
