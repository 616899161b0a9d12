"""The manifest of a backup: what it holds, with checksums, signed with an HMAC."""

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from qidong_care.core.crypto import _decode_key

MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.hmac"
FORMAT = 1


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _signing_key() -> bytes:
    base = _decode_key(settings.FIELD_HASH_KEY, "FIELD_HASH_KEY")
    return hmac.new(base, b"qidong-care backup manifest v1", hashlib.sha256).digest()


def sign(content: bytes) -> str:
    return hmac.new(_signing_key(), content, hashlib.sha256).hexdigest()


def manifest_write(directory: Path, manifest: dict[str, Any]) -> None:
    content = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    (directory / MANIFEST).write_bytes(content)
    (directory / SIGNATURE).write_text(sign(content) + "\n")


def manifest_read(directory: Path) -> dict[str, Any]:
    """The manifest, once its signature and every file's checksum are verified; else ValidationError."""
    manifest_path, signature_path = directory / MANIFEST, directory / SIGNATURE
    if not manifest_path.is_file() or not signature_path.is_file():
        raise ValidationError(f"{directory} 不是备份目录：缺少 {MANIFEST} 或 {SIGNATURE}。")
    content = manifest_path.read_bytes()
    if not hmac.compare_digest(sign(content), signature_path.read_text().strip()):
        raise ValidationError("备份清单的签名不符：备份被改动过，或不是用本系统的密钥生成的。拒绝恢复。")
    manifest = json.loads(content)
    if manifest.get("format") != FORMAT:
        raise ValidationError(f"不支持的备份格式：{manifest.get('format')!r}。")
    for name, expected in manifest["files"].items():
        path = directory / name
        if not path.is_file():
            raise ValidationError(f"备份文件 {name} 缺失。拒绝恢复。")
        if sha256_of(path) != expected["sha256"]:
            raise ValidationError(f"备份文件 {name} 的校验和不符：文件被改动或已损坏。拒绝恢复。")
    return manifest


def differences(expected: dict[str, Any], actual: dict[str, Any], *, extra_too: bool = False) -> list[str]:
    """Names whose entries differ between two {name: value} maps (for the restore check); with
    `extra_too`, names only `actual` has count as differences as well."""
    names = set(expected) | set(actual) if extra_too else set(expected)
    return sorted(name for name in names if expected.get(name) != actual.get(name))
