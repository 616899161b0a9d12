"""DOMAIN.md's eligibility table, row by row, with its boundaries (registry.rules.eligibility)."""

from datetime import date

import pytest

from registry.rules.eligibility import assess, parent_state
from registry.rules.facts import AdultFacts, Caliber, ChildFacts

ON = date(2026, 11, 28)  # the screening date of the sample roster
LONG_AGO = date(2024, 6, 10)


def parent(role: str, status: str = "away", place: str = "上海市浦东新区", departed: date | None = LONG_AGO):
    if status != "away":
        return AdultFacts(role=role, status=status)
    return AdultFacts(role=role, status=status, work_place=place, departed_on=departed)


def child(*adults: AdultFacts, birth: date | None = date(2015, 4, 2), household: str = "rural") -> ChildFacts:
    return ChildFacts(birth_date=birth, household_type=household, adults=tuple(adults))


def father(**kwargs) -> AdultFacts:
    return parent("father", **kwargs)


def mother(**kwargs) -> AdultFacts:
    return parent("mother", **kwargs)


DEFAULT = Caliber()


def state(adult: AdultFacts | None, caliber: Caliber = DEFAULT, on: date = ON) -> str:
    return parent_state(adult, on=on, caliber=caliber, role="father").state


# One parent --------------------------------------------------------------------------------------


def test_a_parent_away_outside_the_county_for_long_enough_is_away_with_the_facts_in_words():
    result = parent_state(father(), on=ON, caliber=Caliber())
    assert result.state == "away"
    assert result.reason == "父亲外出务工（上海市浦东新区，跨县域），2024-06-10 外出，满3个月"


def test_exactly_three_months_away_counts_as_away():
    assert state(father(departed=date(2026, 8, 28))) == "away"


def test_one_day_short_of_three_months_is_present():
    result = parent_state(mother(departed=date(2026, 8, 29)), on=ON, caliber=Caliber())
    assert result.state == "present"
    assert result.reason == "母亲外出务工未满3个月（2026-08-29 外出）"


def test_three_months_from_the_31st_ends_on_the_last_day_of_a_short_month():
    assert state(father(departed=date(2026, 11, 30)), on=date(2027, 2, 27)) == "present"
    assert state(father(departed=date(2026, 11, 30)), on=date(2027, 2, 28)) == "away"


def test_a_departure_in_the_future_is_not_away():
    assert state(father(departed=date(2026, 12, 1))) == "present"


def test_working_inside_the_county_is_present():
    result = parent_state(father(place="启东市汇龙镇"), on=ON, caliber=Caliber())
    assert result.state == "present"
    assert "启东市内" in result.reason
    assert "启东市汇龙镇" in result.reason


@pytest.mark.parametrize("place", ["南通市", "江苏", "外地", "外省"])
def test_a_vague_work_place_is_unknown(place):
    result = parent_state(mother(place=place), on=ON, caliber=Caliber())
    assert result.state == "unknown"
    assert result.reason == f"母亲务工地点“{place}”无法判断是否跨县域"


def test_an_empty_work_place_is_unknown():
    result = parent_state(father(place=""), on=ON, caliber=Caliber())
    assert result.state == "unknown"
    assert "务工地点未填写" in result.reason


def test_away_without_a_departure_date_is_unknown():
    result = parent_state(father(departed=None), on=ON, caliber=Caliber())
    assert result.state == "unknown"
    assert "外出务工时间未填写" in result.reason


def test_a_parent_at_home_is_present():
    result = parent_state(mother(status="home"), on=ON, caliber=Caliber())
    assert (result.state, result.reason) == ("present", "母亲在家")


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("deceased", "死亡"),
        ("missing", "失联"),
        ("imprisoned", "服刑"),
        ("seriously_ill", "重病"),
        ("severely_disabled", "重残"),
        ("drug_rehab", "强制隔离戒毒"),
        ("other_incapable", "其他无监护能力"),
    ],
)
def test_every_incapable_status_makes_the_parent_incapable(status, label):
    result = parent_state(father(status=status), on=ON, caliber=Caliber())
    assert result.state == "incapable"
    assert result.reason == f"父亲{label}（无监护能力）"


def test_a_missing_status_or_missing_parent_is_unknown():
    assert parent_state(AdultFacts(role="father"), on=ON, caliber=Caliber()).reason == "父亲状况未填写"
    missing = parent_state(None, on=ON, caliber=Caliber(), role="mother")
    assert (missing.state, missing.reason) == ("unknown", "母亲状况未填写")


def test_an_unrecognised_status_is_unknown():
    assert state(father(status="abroad")) == "unknown"


def test_six_months_caliber_turns_four_months_away_into_present():
    four_months = father(departed=date(2026, 7, 28))
    assert state(four_months) == "away"
    assert state(four_months, Caliber(min_months_away=6)) == "present"
    assert state(father(departed=date(2026, 5, 28)), Caliber(min_months_away=6)) == "away"


def test_without_the_cross_county_condition_inside_and_vague_places_count_as_away():
    caliber = Caliber(require_cross_county=False)
    assert state(father(place="启东市汇龙镇"), caliber) == "away"
    assert state(father(place="南通市"), caliber) == "away"
    assert state(father(place=""), caliber) == "away"
    assert state(father(place="启东市汇龙镇", departed=date(2026, 10, 1)), caliber) == "present"


def test_a_status_removed_from_the_incapable_list_is_no_longer_incapable():
    caliber = Caliber(incapable_statuses=frozenset({"deceased"}))
    assert state(father(status="seriously_ill"), caliber) == "unknown"
    assert state(father(status="deceased"), caliber) == "incapable"


# The verdict, rule by rule -----------------------------------------------------------------------


def test_rule_1_a_child_on_the_16th_birthday_is_over_age():
    result = assess(child(father(), mother(), birth=date(2010, 11, 28)), on=ON)
    assert result.verdict == "not_left_behind"
    assert result.rule == "over_age"
    assert "超龄" in result.reasons[0]


def test_rule_1_the_day_before_the_16th_birthday_still_qualifies():
    result = assess(child(father(), mother(), birth=date(2010, 11, 29)), on=ON)
    assert result.verdict == "both_away"


def test_a_missing_birth_date_does_not_exclude_the_child():
    result = assess(child(father(), mother(), birth=None), on=ON)
    assert result.verdict == "both_away"
    assert "birth_date_missing" in result.flags
    assert "出生日期未填写" in result.reasons[0]


def test_rule_2_an_urban_household_is_not_left_behind():
    result = assess(child(father(), mother(), household="urban"), on=ON)
    assert (result.verdict, result.rule) == ("not_left_behind", "not_rural")
    assert "非农村户籍" in result.reasons[0]


def test_an_empty_household_type_turns_a_left_behind_verdict_into_unverified():
    result = assess(child(father(), mother(), household=""), on=ON)
    assert (result.verdict, result.rule) == ("unverified", "unverified")
    assert "户籍类型未填写" in result.reasons
    assert "household_type_missing" in result.flags


def test_an_empty_household_type_keeps_a_not_left_behind_verdict():
    result = assess(child(father(), mother(status="home"), household=""), on=ON)
    assert (result.verdict, result.rule) == ("not_left_behind", "parent_present")


def test_rule_3_both_parents_away_with_the_reasons_in_order():
    result = assess(child(father(), mother(place="浙江宁波", departed=date(2025, 1, 1))), on=ON)
    assert (result.verdict, result.rule) == ("both_away", "both_away")
    assert result.reasons == (
        "父亲外出务工（上海市浦东新区，跨县域），2024-06-10 外出，满3个月",
        "母亲外出务工（浙江省宁波市，跨县域），2025-01-01 外出，满3个月",
        "父母双方外出务工，认定为留守儿童",
    )
    assert result.flags == ()
    assert [p.state for p in result.parents] == ["away", "away"]


@pytest.mark.parametrize("who_is_away", ["father", "mother"])
def test_rule_4_one_away_and_the_other_incapable(who_is_away):
    away = parent(who_is_away)
    other = parent("mother" if who_is_away == "father" else "father", status="deceased")
    result = assess(child(away, other), on=ON)
    assert (result.verdict, result.rule) == ("one_away_incapable", "one_away_incapable")


def test_rule_5_one_away_and_the_other_at_home_is_not_left_behind():
    result = assess(child(father(), mother(status="home")), on=ON)
    assert (result.verdict, result.rule) == ("not_left_behind", "parent_present")
    assert result.reasons[-1] == "母亲在家履行监护，非留守儿童"


def test_rule_5_a_parent_working_inside_the_county_is_present():
    result = assess(child(father(), mother(place="启东市汇龙镇")), on=ON)
    assert (result.verdict, result.rule) == ("not_left_behind", "parent_present")


def test_rule_5_a_parent_away_less_than_three_months_is_present():
    result = assess(child(father(), mother(departed=date(2026, 8, 29))), on=ON)
    assert result.verdict == "not_left_behind"
    result = assess(child(father(), mother(departed=date(2026, 8, 28))), on=ON)
    assert result.verdict == "both_away"


def test_rule_5_a_present_parent_outweighs_an_unknown_one():
    result = assess(child(father(status="home"), AdultFacts(role="mother")), on=ON)
    assert result.verdict == "not_left_behind"


def test_rule_6_both_incapable_is_not_left_behind_but_flagged_for_checking():
    result = assess(child(father(status="deceased"), mother(status="imprisoned")), on=ON)
    assert (result.verdict, result.rule) == ("not_left_behind", "both_incapable")
    assert result.flags == ("de_facto_unsupported",)
    assert "事实无人抚养儿童" in result.reasons[-1]


def test_rule_7_one_away_and_the_other_unknown_is_unverified():
    result = assess(child(father(), AdultFacts(role="mother")), on=ON)
    assert (result.verdict, result.rule) == ("unverified", "unverified")
    assert "母亲状况未填写" in result.reasons


def test_rule_7_a_vague_work_place_leaves_the_child_unverified():
    result = assess(child(father(place="南通市"), mother()), on=ON)
    assert result.verdict == "unverified"
    assert "父亲务工地点“南通市”无法判断是否跨县域" in result.reasons


def test_rule_7_no_parents_recorded_is_unverified():
    result = assess(child(), on=ON)
    assert result.verdict == "unverified"
    assert result.reasons[:2] == ("父亲状况未填写", "母亲状况未填写")


def test_rule_7_one_incapable_and_the_other_unknown_is_unverified():
    assert assess(child(father(status="missing"), mother(departed=None)), on=ON).verdict == "unverified"


def test_only_father_and_mother_roles_count():
    carer_away = AdultFacts(role="carer", status="away", work_place="上海", departed_on=LONG_AGO)
    result = assess(child(father(), carer_away), on=ON)
    assert result.verdict == "unverified"


def test_the_six_month_caliber_changes_the_verdict():
    kid = child(father(), mother(departed=date(2026, 7, 1)))
    assert assess(kid, on=ON).verdict == "both_away"
    six = assess(kid, on=ON, caliber=Caliber(min_months_away=6))
    assert (six.verdict, six.rule) == ("not_left_behind", "parent_present")
    assert "母亲外出务工未满6个月（2026-07-01 外出）" in six.reasons


def test_turning_off_the_cross_county_condition_changes_the_verdict():
    kid = child(father(place="启东市汇龙镇"), mother(place="南通市"))
    assert assess(kid, on=ON).verdict == "not_left_behind"
    relaxed = assess(kid, on=ON, caliber=Caliber(require_cross_county=False))
    assert relaxed.verdict == "both_away"
    assert relaxed.reasons[0] == "父亲外出务工（启东市汇龙镇），2024-06-10 外出，满3个月"


def test_a_different_home_county_changes_the_verdict():
    kid = child(father(place="江苏省南通市海门区"), mother())
    assert assess(kid, on=ON).verdict == "both_away"
    assert assess(kid, on=ON, caliber=Caliber(home_county_code="320614")).verdict == "not_left_behind"
