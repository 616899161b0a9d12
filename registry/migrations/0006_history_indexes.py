"""History tables keep only the indexes a history query uses (issue 4 line 8: a roster import writes
100,000 history rows per table, and every index is work for the database on each). Dropped: the
child's name, national number, town, village, creator and plain id (0005's (id, history_date,
history_id) serves look-ups by id), the adult's name, and the link's adult."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_job_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
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
