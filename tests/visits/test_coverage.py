"""Coverage on a hand-counted data set (通知 二.4: 一月一访 per village and town), the month grid and
the home page's to-do counts."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.choices import ExitReason
from registry.services import child_exit
from tests.factories import make_child
from visits.choices import Finding, ReferralSource, VisitKind
from visits.selectors import (
    VisitCoverage,
    month_grid,
    visit_coverage_by_director,
    visit_coverage_by_town,
    visit_coverage_by_village,
    visit_todo_counts,
)
from visits.services import referrals_open

from .conftest import KEMING, NANYANG_VILLAGE, OTHER_HUILONG_VILLAGE, YAGUANG, add_visit, at

NOV, ON = date(2026, 11, 1), date(2026, 11, 20)


@pytest.fixture
def data_set(director, town_staff, outsider, village):
    """汇龙镇: 亚光村 A B C, 克明村 D (+ E exited), 幸福一村 F. 南阳镇 启兴村: G H."""
    c = {name: make_child(code, user=director, name=name) for name, code in [
        ("安然", YAGUANG), ("白露", YAGUANG), ("陈晨", YAGUANG), ("丁一", KEMING), ("鄂二", KEMING),
        ("傅三", OTHER_HUILONG_VILLAGE), ("葛四", NANYANG_VILLAGE), ("何五", NANYANG_VILLAGE),
    ]}  # fmt: skip
    add_visit(c["安然"], date(2026, 11, 5))
    add_visit(c["安然"], date(2026, 11, 18))  # twice in the month: counted once
    add_visit(c["白露"], date(2026, 11, 10), kind=VisitKind.SOCIAL_WORKER)  # not the director's visit
    add_visit(c["陈晨"], date(2026, 10, 28))  # last month
    add_visit(c["陈晨"], date(2026, 11, 25))  # after `on`
    add_visit(c["丁一"], date(2026, 11, 20))  # on the last day counted
    add_visit(c["鄂二"], date(2026, 11, 3))
    child_exit(user=director, child=c["鄂二"], reason=ExitReason.MOVED_AWAY, on=date(2026, 11, 10))  # not active
    add_visit(c["傅三"], date(2026, 11, 2), kind=VisitKind.PARTY_MEMBER)
    add_visit(c["傅三"], date(2026, 11, 2))
    add_visit(c["葛四"], date(2026, 11, 1))  # on the first day
    return c


def test_coverage_by_town_counts_distinct_active_children_with_a_director_visit(data_set, huilong, nanyang):
    coverage = visit_coverage_by_town(month_start=NOV, on=ON)
    assert coverage[huilong.pk] == VisitCoverage(active=5, visited=3)  # 安然, 丁一, 傅三
    assert coverage[nanyang.pk] == VisitCoverage(active=2, visited=1)  # 葛四
    assert coverage[huilong.pk].ratio == pytest.approx(0.6)
    assert coverage[huilong.pk].due == 2


def test_coverage_by_town_is_two_grouped_queries_whatever_the_number_of_children(data_set):
    with CaptureQueriesContext(connection) as queries:
        visit_coverage_by_town(month_start=NOV, on=ON)
    assert len(queries) == 2


def test_coverage_by_village_and_by_director(data_set, village, director):
    by_village = visit_coverage_by_village(month_start=NOV, on=ON)
    expected = {YAGUANG: (3, 1), KEMING: (1, 1), OTHER_HUILONG_VILLAGE: (1, 1), NANYANG_VILLAGE: (2, 1)}
    for code, (active, visited) in expected.items():
        assert by_village[village(code).pk] == VisitCoverage(active=active, visited=visited)
    (row,) = visit_coverage_by_director(village_coverage=by_village, village_ids=set(by_village))
    assert row.director == director and row.coverage == VisitCoverage(active=4, visited=2)
    assert [v.code for v in row.villages] == sorted([YAGUANG, KEMING])


def test_nobody_to_visit_is_full_coverage():
    assert VisitCoverage(active=0, visited=0).ratio == 1.0
    assert (VisitCoverage(2, 1) + VisitCoverage(3, 3)) == VisitCoverage(5, 4)


def test_the_month_grid_marks_director_visits_and_other_visits(data_set, director, village):
    rows = {row.child.name: row.months for row in month_grid(director, village=village(YAGUANG), year=2026)}
    assert set(rows) == {"安然", "白露", "陈晨"}
    assert rows["安然"][10] == "director" and rows["安然"][9] == ""
    assert rows["白露"][10] == "other"
    assert rows["陈晨"][9] == "director" and rows["陈晨"][10] == "director"
    assert all(mark == "" for mark in rows["安然"][:10])


def test_the_month_grid_shows_only_children_in_scope(data_set, outsider, village):
    assert month_grid(outsider, village=village(YAGUANG), year=2026) == []


def test_the_to_do_counts_are_those_of_the_users_scope(data_set, director, town_staff):
    referrals_open([(data_set["白露"], Finding.INJURY)], source=ReferralSource.VISIT, now=at(2026, 11, 1, 8, 0))
    referrals_open([(data_set["傅三"], Finding.ALONE)], source=ReferralSource.VISIT)
    mine = visit_todo_counts(director, on=ON)
    assert mine == {
        "active": 4,
        "visited": 2,
        "due": 2,
        "referrals_open": 1,
        "referrals_overdue": 1,
        "high_risk": 0,
    }
    town = visit_todo_counts(town_staff, on=ON)
    assert (town["active"], town["visited"], town["referrals_open"], town["high_risk"]) == (5, 3, 2, 1)
