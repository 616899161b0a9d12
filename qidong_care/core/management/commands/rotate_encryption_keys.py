"""python manage.py rotate_encryption_keys: after a new key was put first in FIELD_ENCRYPTION_KEYS,
re-seal every encrypted value with it; then the old key can be removed (SECURITY.md)."""

from django.core.management.base import BaseCommand, CommandError

from qidong_care.core import crypto
from qidong_care.core.rotation import encrypted_columns, keys_rotate


class Command(BaseCommand):
    help = "用 FIELD_ENCRYPTION_KEYS 中的第一个密钥重新加密所有加密字段（可重复运行）"

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size 必须是正整数。")
        current = crypto.keyring()[0][0]
        self.stdout.write(f"当前密钥：{current}；加密字段所在数据表 {len(encrypted_columns())} 张。")
        try:
            report = keys_rotate(batch_size=batch_size)
        except crypto.DecryptionError as exc:
            raise CommandError(f"有数据无法解密（{exc}）：请把旧密钥留在 FIELD_ENCRYPTION_KEYS 中再运行。") from None
        for table, count in report.resealed.items():
            self.stdout.write(f"  {table}: {count}")
        self.stdout.write(f"完成：重新加密 {report.total} 个值。")
