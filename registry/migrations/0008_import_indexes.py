"""Fewer indexes to keep up on the tables a roster import fills (issue 4 line 8: 100,000 children,
their adults, links and history rows in one import; every index is work for the database per row).

- Single-column indexes that a composite index already starts with: Child.name (child_duplicate_key),
  Child.town / Child.village (child_town_status / child_village_status), Adult.name
  (adult_name_phone), ChildAdult.child / .adult (one_adult_per_role / link_adult_role),
  ArchiveUpdate.child / .town (archive_update_once_a_day / archive_update_town_day).
- History tables keep only the indexes a history query uses (registry/history.py reads by id and by
  child; reports/figures.py by date): dropped the child's name, national number, town, village,
  creator and plain id (0005's (id, history_date, history_id) serves look-ups by id), the adult's
  name and the link's adult.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_child_sort_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="adult",
            name="name",
            field=models.CharField(max_length=50, verbose_name="姓名"),
        ),
        migrations.AlterField(
            model_name="archiveupdate",
            name="child",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="updates", to="registry.child"
            ),
        ),
        migrations.AlterField(
            model_name="archiveupdate",
            name="town",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="registry.region"
            ),
        ),
        migrations.AlterField(
            model_name="child",
            name="name",
            field=models.CharField(max_length=50, verbose_name="儿童姓名"),
        ),
        migrations.AlterField(
            model_name="child",
            name="town",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.region",
                verbose_name="镇（街道、园区）",
            ),
        ),
        migrations.AlterField(
            model_name="child",
            name="village",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="registry.region",
                verbose_name="村（社区）",
            ),
        ),
        migrations.AlterField(
            model_name="childadult",
            name="adult",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name="links", to="registry.adult"
            ),
        ),
        migrations.AlterField(
            model_name="childadult",
            name="child",
            field=models.ForeignKey(
                db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name="links", to="registry.child"
            ),
        ),
        migrations.AlterField(
            model_name="historicaladult",
            name="name",
            field=models.CharField(max_length=50, verbose_name="姓名"),
        ),
        migrations.AlterField(
            model_name="historicalchild",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="historicalchild",
            name="id",
            field=models.BigIntegerField(auto_created=True, blank=True, verbose_name="ID"),
        ),
        migrations.AlterField(
            model_name="historicalchild",
            name="name",
            field=models.CharField(max_length=50, verbose_name="儿童姓名"),
        ),
        migrations.AlterField(
            model_name="historicalchild",
            name="national_child_no",
            field=models.CharField(blank=True, max_length=40, verbose_name="全国系统儿童编号"),
        ),
        migrations.AlterField(
            model_name="historicalchild",
            name="town",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="registry.region",
                verbose_name="镇（街道、园区）",
            ),
        ),
        migrations.AlterField(
            model_name="historicalchild",
            name="village",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="registry.region",
                verbose_name="村（社区）",
            ),
        ),
        migrations.AlterField(
            model_name="historicalchildadult",
            name="adult",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="registry.adult",
            ),
        ),
    ]
