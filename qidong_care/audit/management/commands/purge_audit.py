"""Delete audit events older than the retention period (183 days at least, 等保 2.0). Events younger
than that are never deleted: the command refuses a later date, and on PostgreSQL the append-only
trigger refuses it too. The purge itself is recorded in the audit log."""

from datetime import date, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from qidong_care.audit.filters import local_midnight
from qidong_care.audit.models import RETENTION_DAYS, AuditEvent
from qidong_care.audit.services import audit_record

BATCH = 10_000


def latest_allowed_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=RETENTION_DAYS)


def audit_purge(*, before: date, dry_run: bool = False, now: datetime | None = None) -> int:
    """Delete the events recorded before local midnight of `before`; returns how many."""
    now = now or timezone.now()
    cutoff = local_midnight(before)
    if cutoff > latest_allowed_cutoff(now):
        earliest = timezone.localtime(latest_allowed_cutoff(now)).date()
        raise CommandError(f"审计记录至少保存 {RETENTION_DAYS} 天：--before 不能晚于 {earliest:%Y-%m-%d}。")
    old = AuditEvent.objects.filter(at__lt=cutoff)
    if dry_run:
        return old.count()
    removed = 0
    while True:
        with transaction.atomic():
            ids = list(old.order_by("id").values_list("id", flat=True)[:BATCH])
            if not ids:
                break
            removed += AuditEvent.objects.filter(id__in=ids).delete()[0]
    audit_record(
        kind=AuditEvent.Kind.PURGE,
        object_type="audit.auditevent",
        object_label=f"清理 {before:%Y-%m-%d} 之前的审计记录",
        detail={"before": f"{before:%Y-%m-%d}", "deleted": removed},
    )
    return removed


class Command(BaseCommand):
    help = f"删除早于指定日期的审计记录（至少保留 {RETENTION_DAYS} 天）"

    def add_arguments(self, parser):
        parser.add_argument(
            "--before",
            type=date.fromisoformat,
            help=f"删除此日期（YYYY-MM-DD）之前的记录；默认今天往前 {RETENTION_DAYS} 天",
        )
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, before: date | None, dry_run: bool, **options):
        if before is None:
            before = timezone.localtime(latest_allowed_cutoff(timezone.now())).date()
        count = audit_purge(before=before, dry_run=dry_run)
        verb = "将删除" if dry_run else "已删除"
        self.stdout.write(f"{verb} {count} 条 {before:%Y-%m-%d} 之前的审计记录。")
