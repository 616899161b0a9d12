"""Indexes for the child list at province scale (issue 9), on PostgreSQL only: SQLite keeps the
plain LIKE search, which is fast enough for a town's archive.

- child_name_chars: a GIN index of each name's characters (string_to_array(name, NULL)), for the
  name search of registry.filters.name_search; trigrams cannot help two-character Chinese names.
"""

from django.db import migrations

INDEXES = {
    "child_name_chars": "CREATE INDEX IF NOT EXISTS child_name_chars ON registry_child "
    "USING gin (string_to_array(name, NULL))",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in INDEXES.values():
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0003_national")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
