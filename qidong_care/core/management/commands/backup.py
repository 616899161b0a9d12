"""python manage.py backup OUT_DIR: database, media files and a signed manifest (SECURITY.md)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from qidong_care.core.backup import backup_create


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个新的（或空的）目录，附带校验清单"

    def add_arguments(self, parser):
        parser.add_argument("out_dir", type=Path)

    def handle(self, *args, out_dir: Path, **options):
        try:
            manifest = backup_create(out_dir=out_dir)
        except (ValidationError, RuntimeError) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from None
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"已备份到 {out_dir}：{len(manifest['tables'])} 张数据表、{rows} 行，{len(manifest['media'])} 个文件。"
        )
