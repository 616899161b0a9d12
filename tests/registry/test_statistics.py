"""PostgreSQL keeps no statistics of sealed, masked and free-text columns (registry migration 0009),
so ANALYZE after a large import reads only what the planner uses; the columns lists filter and sort
on keep theirs."""

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="statistics targets are PostgreSQL's"),
]


def statistics_target(table: str, column: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute WHERE attrelid = %s::regclass AND attname = %s", [table, column]
        )
        value = cursor.fetchone()[0]
    return -1 if value is None else value  # PostgreSQL 17 shows the default as NULL


SEALED = [("registry_child", "id_number"), ("registry_child", "verdict_reasons"), ("registry_adult", "phone")]
FILTERED = [("registry_child", "roster_status"), ("registry_child", "birth_date"), ("registry_adult", "name")]


def test_sealed_and_free_text_columns_have_no_statistics_and_filtered_ones_keep_theirs():
    assert [statistics_target(table, column) for table, column in SEALED] == [0, 0, 0]
    assert [statistics_target(table, column) for table, column in FILTERED] == [-1, -1, -1]
