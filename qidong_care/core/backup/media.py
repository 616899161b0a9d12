"""The media files (uploaded scans, signed agreements) in a backup: a tar, and a checksum per file."""

import shutil
import tarfile
import uuid
from pathlib import Path

from .manifest import sha256_of

ARCHIVE = "media.tar.gz"


def media_checksums(root: Path) -> dict[str, str]:
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file() and not path.is_symlink()
    }


def media_archive(root: Path, target: Path) -> None:
    with tarfile.open(target, "w:gz") as tar:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=path.relative_to(root).as_posix(), recursive=False)


def media_restore(archive: Path, root: Path) -> None:
    """Replace MEDIA_ROOT by the archive's files: unpack beside it, then swap directories."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = root.parent / f".{root.name}.restore-{uuid.uuid4().hex[:8]}"
    staging.mkdir()
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(staging, filter="data")  # no absolute paths, no "..", no devices
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    previous = root.parent / f".{root.name}.before-restore-{uuid.uuid4().hex[:8]}"
    if root.exists():
        root.rename(previous)
    staging.rename(root)
    shutil.rmtree(previous, ignore_errors=True)
