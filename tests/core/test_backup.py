"""Backups and the restore drill (issue 8.7): back up, change things, restore, and compare the row
counts and checksums of every table and file with the backup's manifest — on whichever database
is configured (pg_dump / pg_restore on PostgreSQL, the online backup API on SQLite). A backup that
was altered anywhere is refused before anything is touched."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from qidong_care.accounts.roles import Role
from qidong_care.audit.models import AuditEvent
from qidong_care.core.backup.database import database_file, database_fingerprint
from qidong_care.core.backup.manifest import MANIFEST, SIGNATURE, sha256_of, sign
from qidong_care.core.backup.media import media_checksums
from registry.models import Child, Region
from tests.conftest import DIRECTOR_VILLAGES, make_user
from tests.factories import make_child

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    (root / "scans" / "2026").mkdir(parents=True)
    (root / "scans" / "2026" / "agreement-1.pdf").write_bytes(b"%PDF-1.7 signed agreement")
    (root / "photo.jpg").write_bytes(b"\xff\xd8\xff jpeg")
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def content(media):
    """Something in the database, cheaper than a child (no regions needed)."""
    return make_user("backup_subject", Role.TOWN_STAFF, ())


@pytest.fixture
def archive(media):
    """A child in the database (regions reloaded if an earlier transactional test emptied them)."""
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    return make_child(DIRECTOR_VILLAGES[0], school="启东市汇龙镇小学")


def backup(directory: Path) -> dict:
    call_command("backup", str(directory), stdout=StringIO())
    return json.loads((directory / MANIFEST).read_text())


def restore(directory: Path) -> str:
    out = StringIO()
    call_command("restore", str(directory), "--no-input", stdout=out)
    return out.getvalue()


def test_the_restore_drill(archive, media, tmp_path):
    manifest = backup(tmp_path / "backup")
    assert manifest["vendor"] == connection.vendor and set(manifest["files"]) == {database_file(), "media.tar.gz"}
    assert manifest["tables"]["registry_child"]["rows"] == 1
    assert set(manifest["media"]) == {"scans/2026/agreement-1.pdf", "photo.jpg"}
    for name, entry in manifest["files"].items():
        assert sha256_of(tmp_path / "backup" / name) == entry["sha256"]
    backups = AuditEvent.objects.filter(kind=AuditEvent.Kind.BACKUP)
    assert backups.count() == 1 and backups.get().detail["tables"] == len(manifest["tables"])

    # Things change after the backup: a new child, an edit, files lost and added.
    make_child(DIRECTOR_VILLAGES[1], name="顾小雨")
    Child.objects.filter(pk=archive.pk).update(school="别的学校")
    (media / "photo.jpg").unlink()
    (media / "stray.txt").write_text("not in the backup")
    assert database_fingerprint()["registry_child"] != manifest["tables"]["registry_child"]

    assert "与备份一致" in restore(tmp_path / "backup")

    now = database_fingerprint()
    for table, expected in manifest["tables"].items():
        if table != "audit_auditevent":
            assert now[table] == expected, table
    # The audit trail is as backed up, plus the restore's own event written after the check.
    assert now["audit_auditevent"]["rows"] == manifest["tables"]["audit_auditevent"]["rows"] + 1
    assert AuditEvent.objects.order_by("-id").first().kind == AuditEvent.Kind.RESTORE
    assert list(Child.objects.values_list("school", flat=True)) == ["启东市汇龙镇小学"]
    assert media_checksums(media) == manifest["media"]
    assert Child.objects.get().health == archive.health  # ciphertext restored opens with the same keys


def test_a_backup_goes_to_a_new_directory_readable_by_its_owner_only(content, tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "old.txt").write_text("x")
    with pytest.raises(CommandError, match="不是空目录"):
        call_command("backup", str(tmp_path / "used"), stdout=StringIO())
    backup(tmp_path / "b")
    assert (tmp_path / "b").stat().st_mode & 0o777 == 0o700
    assert (tmp_path / "b" / database_file()).stat().st_mode & 0o777 == 0o600


def tamper_with(directory: Path, how: str) -> None:
    if how == "database":
        path = directory / database_file()
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "media":
        (directory / "media.tar.gz").write_bytes(b"not the archive")
    elif how == "manifest":
        manifest = json.loads((directory / MANIFEST).read_text())
        manifest["tables"]["accounts_user"]["rows"] = 99
        (directory / MANIFEST).write_text(json.dumps(manifest))
    elif how == "missing":
        (directory / database_file()).unlink()
    elif how == "signature":
        (directory / SIGNATURE).unlink()


TAMPERING = [
    ("database", "校验和不符"),
    ("media", "校验和不符"),
    ("manifest", "签名不符"),
    ("missing", "缺失"),
    ("signature", "不是备份目录"),
]


def test_a_tampered_backup_is_refused_and_nothing_is_touched(content, tmp_path):
    """One transactional test for every kind of tampering (a database flush per test is slow)."""
    for index, (how, message) in enumerate(TAMPERING):
        directory = tmp_path / f"b{index}"
        backup(directory)
        make_user(f"after_backup_{index}", Role.DIRECTOR, ())
        before = database_fingerprint()["accounts_user"]
        tamper_with(directory, how)
        with pytest.raises(CommandError, match=message):
            restore(directory)
        assert database_fingerprint()["accounts_user"] == before, how


def test_a_backup_of_another_database_kind_is_refused_and_restore_asks_first(content, tmp_path, monkeypatch):
    backup(tmp_path / "b")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="已取消"):
        call_command("restore", str(tmp_path / "b"), stdout=StringIO())
    manifest = json.loads((tmp_path / "b" / MANIFEST).read_text())
    manifest["vendor"] = "oracle"
    content = json.dumps(manifest).encode()
    (tmp_path / "b" / MANIFEST).write_bytes(content)
    (tmp_path / "b" / SIGNATURE).write_text(sign(content))
    with pytest.raises(CommandError, match="这是 oracle 数据库的备份"):
        restore(tmp_path / "b")
