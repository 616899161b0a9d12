"""backup_create and backup_restore: the two operations behind `manage.py backup` / `restore`."""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from .database import database_dump, database_file, database_fingerprint, database_restore
from .manifest import FORMAT, differences, manifest_read, manifest_write, sha256_of
from .media import ARCHIVE, media_archive, media_checksums, media_restore


def _applied_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("app", "name").values_list("app", "name"):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and any(out_dir.iterdir()):
        raise ValidationError(f"{out_dir} 不是空目录：请给一个新的备份目录。")
    out_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(out_dir, 0o700)


def backup_create(*, out_dir: Path) -> dict[str, Any]:
    """Write a backup into the new or empty directory `out_dir`; returns its manifest."""
    out_dir = Path(out_dir)
    _prepare(out_dir)
    media_root = Path(settings.MEDIA_ROOT)
    migrations = _applied_migrations()
    db_name = database_file()
    tables = database_dump(out_dir / db_name)
    media_archive(media_root, out_dir / ARCHIVE)
    files = {}
    for name in (db_name, ARCHIVE):
        os.chmod(out_dir / name, 0o600)
        files[name] = {"sha256": sha256_of(out_dir / name), "bytes": (out_dir / name).stat().st_size}
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "django": django.get_version(),
        "migrations": migrations,
        "files": files,
        "tables": tables,
        "media": media_checksums(media_root),
    }
    manifest_write(out_dir, manifest)
    audit_record(
        kind=AuditEvent.Kind.BACKUP,
        object_type="backup",
        object_label=str(out_dir),
        detail={"tables": len(tables), "rows": sum(t["rows"] for t in tables.values()), "files": len(files)},
    )
    return manifest


@dataclass
class RestoreReport:
    tables: int
    rows: int
    media_files: int


def backup_restore(*, directory: Path) -> RestoreReport:
    """Verify the backup in `directory` (signature, checksums), restore database and media, then
    check that every table and media file matches the manifest. Refuses anything that does not."""
    directory = Path(directory)
    manifest = manifest_read(directory)
    if manifest["vendor"] != connection.vendor:
        raise ValidationError(f"这是 {manifest['vendor']} 数据库的备份，当前配置的是 {connection.vendor}。拒绝恢复。")
    database_restore(directory / database_file())
    media_root = Path(settings.MEDIA_ROOT)
    media_restore(directory / ARCHIVE, media_root)
    wrong_tables = differences(manifest["tables"], database_fingerprint())
    wrong_media = differences(manifest["media"], media_checksums(media_root), extra_too=True)
    if wrong_tables or wrong_media:
        audit_record(
            kind=AuditEvent.Kind.RESTORE,
            success=False,
            object_type="backup",
            object_label=str(directory),
            detail={"tables": wrong_tables[:50], "media": wrong_media[:50]},
        )
        raise ValidationError(f"恢复后核对不符：数据表 {wrong_tables[:10]}，文件 {wrong_media[:10]}。")
    rows = sum(t["rows"] for t in manifest["tables"].values())
    audit_record(
        kind=AuditEvent.Kind.RESTORE,
        object_type="backup",
        object_label=str(directory),
        detail={"created_at": manifest["created_at"], "tables": len(manifest["tables"]), "rows": rows},
    )
    return RestoreReport(tables=len(manifest["tables"]), rows=rows, media_files=len(manifest["media"]))
