"""Backups of the database and the media files, and their restore (等保 2.0 数据备份恢复).

A backup is a directory holding the database (pg_dump custom format, or an SQLite copy made with
the online backup API), a tar of MEDIA_ROOT, and manifest.json: the sha256 of each file, the row
count and a content digest of every table, the sha256 of every media file. The manifest carries an
HMAC made with a key derived from FIELD_HASH_KEY, so a backup altered anywhere is refused.
"""

from .service import backup_create, backup_restore

__all__ = ["backup_create", "backup_restore"]
