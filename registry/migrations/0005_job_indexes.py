"""Indexes of the scheduled jobs at a province's scale (issue 9): the age-out look-up, the daily
spot-check draw, and each child's history by date (the weekly report's "as of the week's end").

simple-history builds the historical model itself (no Meta indexes), so its index is plain SQL that
PostgreSQL and SQLite both accept."""

from django.db import migrations, models

HISTORY_INDEX = "registry_historicalchild_id_date"


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_child_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="archiveupdate",
            index=models.Index(fields=["on"], name="archive_update_day"),
        ),
        migrations.AddIndex(
            model_name="child",
            index=models.Index(
                condition=models.Q(("roster_status", "exited"), _negated=True),
                fields=["birth_date"],
                name="child_not_exited_birth",
            ),
        ),
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {HISTORY_INDEX} ON registry_historicalchild (id, history_date, history_id)",
            f"DROP INDEX IF EXISTS {HISTORY_INDEX}",
        ),
    ]
