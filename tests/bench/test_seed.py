from datetime import date

import pytest
from django.db import connection

from bench.env import BenchRefused
from bench.seed import Sealer, check_target, months_back
from qidong_care.core import crypto
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child

from .conftest import needs_postgresql


def test_the_sealer_writes_what_the_archive_reads(settings):
    sealer = Sealer()
    assert crypto.decrypt(sealer.encrypt("320681201504020011")) == "320681201504020011"
    assert sealer.blind_index("13912345678") == crypto.blind_index("13912345678")


def test_months_back_end_with_the_current_month():
    assert months_back(date(2026, 2, 14), 3) == [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]


@needs_postgresql
def test_it_refuses_a_database_holding_children_it_did_not_make(db):
    make_child(DIRECTOR_VILLAGES[0])
    with connection.cursor() as cursor, pytest.raises(BenchRefused, match="不是基准测试生成的"):
        check_target(cursor)
