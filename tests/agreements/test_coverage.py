"""Coverage figures on a known data set, counted by hand:

汇龙镇 亚光村: A signed, valid · B signed, lapsed (job not run yet) · C carer changed (需重签) ·
              D no agreement · E parents home (signed, not counted) · F exited (ended, not counted)
汇龙镇 克明村: G signed · H signed
南阳镇 启兴村: I no agreement · J signed

汇龙镇: needing 6 (A B C D G H), valid 3 (A G H), to re-sign 2 (B C), unsigned 1 (D) → 50%
  亚光村 4 / 1 / 2 / 1 → 25% ; 克明村 2 / 2 / 0 / 0 → 100%
南阳镇: needing 2, valid 1 (J), unsigned 1 (I) → 50%
"""

from datetime import date

import pytest

from agreements.models import Agreement
from agreements.selectors import (
    AgreementCoverage,
    agreement_coverage_by_town,
    agreement_coverage_by_village,
    agreement_coverage_for,
    agreement_todo_count,
    children_without_valid_agreement,
)
from registry.models import Child, Region
from tests.agreements.conftest import (
    KEMING,
    NANYANG_VILLAGE,
    TODAY,
    YAGUANG,
    change_carer,
    exit_child,
    parents_return,
    sign,
)
from tests.conftest import HUILONG, NANYANG
from tests.factories import make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_set(town_staff, outsider):
    kids = {}
    for name, village, user in [
        ("A", YAGUANG, town_staff),
        ("B", YAGUANG, town_staff),
        ("C", YAGUANG, town_staff),
        ("D", YAGUANG, town_staff),
        ("E", YAGUANG, town_staff),
        ("F", YAGUANG, town_staff),
        ("G", KEMING, town_staff),
        ("H", KEMING, town_staff),
        ("I", NANYANG_VILLAGE, outsider),
        ("J", NANYANG_VILLAGE, outsider),
    ]:
        kids[name] = make_child(village, user=user, name=f"儿童{name}")
    for name in "ABCEFGHJ":
        sign(kids[name])
    Agreement.objects.filter(child=kids["B"]).update(valid_until=date(2026, 11, 27))  # lapsed yesterday
    change_carer(kids["C"])
    parents_return(kids["E"])
    exit_child(kids["F"])
    return kids


def _figures(coverage: AgreementCoverage) -> tuple[int, int, int, int]:
    return coverage.needing, coverage.signed_valid, coverage.to_resign, coverage.unsigned


def test_coverage_by_town_matches_the_hand_count(data_set):
    huilong, nanyang = Region.objects.get(code=HUILONG), Region.objects.get(code=NANYANG)
    by_town = agreement_coverage_by_town(on=TODAY)
    assert set(by_town) == {huilong.pk, nanyang.pk}
    assert _figures(by_town[huilong.pk]) == (6, 3, 2, 1) and by_town[huilong.pk].ratio == 0.5
    assert _figures(by_town[nanyang.pk]) == (2, 1, 0, 1) and by_town[nanyang.pk].percent == "50.0%"


def test_coverage_by_village_and_for_a_scoped_set(data_set, director):
    yaguang, keming = Region.objects.get(code=YAGUANG), Region.objects.get(code=KEMING)
    by_village = agreement_coverage_by_village(Child.objects.filter(town__code=HUILONG), on=TODAY)
    assert _figures(by_village[yaguang.pk]) == (4, 1, 2, 1) and by_village[yaguang.pk].ratio == 0.25
    assert _figures(by_village[keming.pk]) == (2, 2, 0, 0) and by_village[keming.pk].ratio == 1.0
    assert _figures(agreement_coverage_for(Child.objects.all(), on=TODAY)) == (8, 4, 2, 2)
    assert _figures(agreement_coverage_for(Child.objects.visible_to(director), on=TODAY)) == (6, 3, 2, 1)


def test_the_to_do_and_the_list_without_a_valid_agreement(data_set, town_staff, outsider, bureau):
    names = set(children_without_valid_agreement(Child.objects.all(), on=TODAY).values_list("name", flat=True))
    assert names == {"儿童B", "儿童C", "儿童D", "儿童I"}
    assert agreement_todo_count(town_staff, on=TODAY) == 3
    assert agreement_todo_count(outsider, on=TODAY) == 1
    assert agreement_todo_count(bureau, on=TODAY) == 4


def test_figures_on_a_later_date_count_agreements_that_will_have_lapsed(data_set):
    later = date(2027, 3, 1)  # every agreement signed on 2026-03-01 ran to 2027-02-28
    assert _figures(agreement_coverage_for(Child.objects.all(), on=later)) == (8, 0, 6, 2)


def test_coverage_of_nobody_is_complete():
    empty = AgreementCoverage()
    assert empty.ratio == 1.0 and empty.needing == 0
    assert agreement_coverage_for(Child.objects.none(), on=TODAY) == AgreementCoverage(0, 0, 0)
    assert agreement_coverage_by_town(on=TODAY) == {}


def test_coverage_by_town_is_one_grouped_query(data_set, django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        agreement_coverage_by_town(on=TODAY)
    sql = captured.captured_queries[0]["sql"].upper()
    assert "COUNT(*)" in sql and "GROUP BY" in sql


def test_the_to_do_count_is_one_query(data_set, town_staff, django_assert_num_queries):
    town_staff = type(town_staff).objects.get(pk=town_staff.pk)  # no regions cached yet
    with django_assert_num_queries(2):  # the user's regions, then one count
        assert agreement_todo_count(town_staff, on=TODAY) == 3
