"""python manage.py restore DIR: verify a backup, then replace the database and the media files
with it, and check the result against the backup's manifest (SECURITY.md). Stop the web and the
job worker first."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from qidong_care.core.backup import backup_restore


class Command(BaseCommand):
    help = "从备份目录恢复数据库和上传文件（先校验；会覆盖当前数据）"

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--no-input", action="store_true", dest="no_input", help="不询问，直接恢复")

    def handle(self, *args, directory: Path, no_input: bool, **options):
        if not no_input:
            name = connection.settings_dict["NAME"]
            answer = input(f"将用 {directory} 覆盖数据库 {name} 和全部上传文件。输入 yes 确认：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消。")
        try:
            report = backup_restore(directory=directory)
        except (ValidationError, RuntimeError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        self.stdout.write(
            f"已恢复并核对：{report.tables} 张数据表、{report.rows} 行，{report.media_files} 个文件与备份一致。"
        )
