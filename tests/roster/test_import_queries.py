"""The roster import at province scale (issue 4, line 8): the number of queries an import runs does not
grow with its rows (one query per table per chunk, never per row), for new rows, changed rows and an
unchanged re-import; and the benchmark's side-by-side with django-import-export."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement
from bench.roster_bench import import_export_benchmark, roster_benchmark
from registry.models import Adult, Child, ChildAdult
from tests.conftest import SAMPLE_DATE


def _queries(run, path) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        result = run(path)
    return len(queries), result


def _changed(data: list[dict]) -> list[dict]:
    """Every row with another school and the father's work place moved: updates to child and adult."""
    return [{**row, "就读学校": f"{row['就读学校']}（新校区）", "父亲务工地点": "上海市闵行区"} for row in data]


@pytest.fixture
def import_queries(db, rows, write, run):
    """import_queries(n, seed) → queries of (new, unchanged, changed) imports of an n-row roster."""

    def _count(n: int, seed: int) -> tuple[int, int, int]:
        data = rows(n, seed=seed)
        path = write(data, name=f"roster-{seed}.xlsx")
        new, result = _queries(run, path)
        assert result.created == n, result.errors[:3]
        unchanged, result = _queries(run, path)
        assert result.unchanged == n
        changed, result = _queries(run, write(_changed(data), name=f"changed-{seed}.xlsx"))
        assert result.updated == n
        return new, unchanged, changed

    return _count


def test_an_import_runs_as_many_queries_for_100_rows_as_for_10(import_queries):
    few = import_queries(10, seed=21)
    many = import_queries(100, seed=22)
    assert many == few
    new, unchanged, changed = many
    assert unchanged < new < 100 and changed < 100


def test_an_unchanged_reimport_writes_only_the_import_record(db, rows, write, run):
    path = write(rows(30, seed=23))
    run(path)
    before = [model.history.count() for model in (Child, Adult, ChildAdult, Agreement)]
    with CaptureQueriesContext(connection) as queries:
        result = run(path)
    assert result.unchanged == 30
    assert [model.history.count() for model in (Child, Adult, ChildAdult, Agreement)] == before
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "COPY"))]
    assert len(writes) == 1 and "audit_auditevent" in writes[0]


def test_the_benchmark_compares_with_django_import_export_and_leaves_its_rows_out(db, rows, write):
    path = write(rows(12, seed=24), name="bench.xlsx")
    compared = import_export_benchmark(rows=8, path=path, on=SAMPLE_DATE)
    assert (compared["rows"], compared["created"]) == (8, 8)
    assert compared["queries"] >= 8  # per row: at least its look-up and its insert
    assert not Child.objects.exists()  # rolled back

    figures = roster_benchmark(rows=12, path=path, on=SAMPLE_DATE, compare_rows=8)
    assert figures["create"]["created"] == 12 and figures["reimport"]["unchanged"] == 12
    assert figures["import_export"]["rows"] == 8 and figures["ratio_per_row"] > 0
    assert Child.objects.count() == 12
