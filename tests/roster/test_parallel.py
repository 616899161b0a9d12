"""A large roster's rows are checked on two cores (registry/roster/parallel.py): the result is the
one a single process gives, row for row and error for error, whatever happens to the child."""

import os

import pytest

from registry.roster import parallel
from registry.roster.places import ImportScope, RegionIndex
from registry.roster.reading import RosterReader
from registry.roster.safety import RosterFileRefused
from registry.roster.service import roster_import
from registry.roster.validate import RowValidator
from tests.conftest import SAMPLE_DATE

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="two-core checking needs os.fork")


@pytest.fixture
def mixed_file(rows, write):
    """60 rows: errors in both halves, and ID numbers repeated within and across the halves."""
    data = rows(60, seed=7)
    data[3]["公民身份号码"] = "32068120150402977"  # id_format, upper half
    data[40]["出生日期"] = "2001-01-01"  # birth_mismatch, lower half
    data[45]["村（社区）"] = "没有这个村"  # unknown region, lower half
    data[50]["公民身份号码"] = data[5]["公民身份号码"]  # the lower half repeats the upper half
    data[51]["公民身份号码"] = data[5]["公民身份号码"]
    data[52]["性别"] = "女" if data[52]["性别"] == "男" else "男"
    data[53]["公民身份号码"] = data[52]["公民身份号码"]  # a row that repeats a rejected row
    data[55]["公民身份号码"] = data[41]["公民身份号码"]  # a repeat inside the lower half
    return write(data)


def checked(path, *, parallel_check: bool):
    with RosterReader(path) as reader:
        validator = RowValidator(reader.layout, RegionIndex.load(), ImportScope(), SAMPLE_DATE)
        result = parallel.check_rows(reader, validator, progress=lambda done: None, parallel=parallel_check)
    return result


def shape(result):
    return (
        result.rows,
        [(row.line, row.id_hash, row.values, row.adults, row.agreement_signed_on) for row in result.parsed],
        [error.as_dict() for error in result.errors],
    )


def test_two_cores_give_what_one_gives(db, mixed_file):
    one, two = checked(mixed_file, parallel_check=False), checked(mixed_file, parallel_check=True)
    assert shape(two) == shape(one)
    codes = {(error.row, error.code, error.message) for error in two.errors}
    upper_line = 5 + 2  # data[5] is on line 7 (header on line 1)
    assert (52, "duplicate_id", f"身份证号码与第{upper_line}行重复（以第{upper_line}行为准），本行未导入") in codes
    assert (53, "duplicate_id", f"身份证号码与第{upper_line}行重复（以第{upper_line}行为准），本行未导入") in codes
    assert (57, "duplicate_id", "身份证号码与第43行重复（以第43行为准），本行未导入") in codes
    assert len(two.parsed) == 60 - len({error.row for error in two.errors})


def test_a_child_that_dies_costs_only_time(db, mixed_file, monkeypatch):
    def dies(*args, **kwargs):
        os._exit(3)

    monkeypatch.setattr(parallel, "_child", dies)
    assert shape(checked(mixed_file, parallel_check=True)) == shape(checked(mixed_file, parallel_check=False))


def test_a_child_that_hangs_is_stopped_and_its_half_checked_here(db, mixed_file, monkeypatch):
    def hangs(*args, **kwargs):
        os.kill(os.getpid(), 19)  # SIGSTOP: alive but never answering

    monkeypatch.setattr(parallel, "_child", hangs)
    monkeypatch.setattr(parallel, "CHILD_GRACE", 0.5)
    assert shape(checked(mixed_file, parallel_check=True)) == shape(checked(mixed_file, parallel_check=False))


def test_too_many_rows_in_the_lower_half_refuse_the_file(db, rows, write, settings):
    path = write(rows(40))
    with RosterReader(path) as reader:  # the file passes the checks made before reading
        validator = RowValidator(reader.layout, RegionIndex.load(), ImportScope(), SAMPLE_DATE)
        settings.ROSTER_MAX_ROWS = 30  # the upper half (20 rows) is under it, the whole file is not
        with pytest.raises(RosterFileRefused, match="超过每次 30 行的上限"):
            parallel.check_rows(reader, validator, progress=lambda done: None, parallel=True)


def test_a_large_import_checks_on_two_cores_and_writes_the_same(db, mixed_file, monkeypatch):
    forks = []
    real_fork = os.fork

    def counted_fork():
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 10)
    monkeypatch.setattr(parallel.os, "fork", counted_fork)
    result = roster_import(path=mixed_file, user=None, dry_run=False, on=SAMPLE_DATE)
    assert forks == [1]
    assert (result.rows, result.created, result.rejected) == (60, 52, 8)
    assert sorted({error.row for error in result.errors}) == [5, 42, 47, 52, 53, 54, 55, 57]
