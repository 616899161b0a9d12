"""Missing-information and error items of one child's archive (registry.rules.quality)."""

from dataclasses import replace
from datetime import date

import pytest

from registry.rules.facts import AdultFacts, ChildFacts
from registry.rules.idnumber import check_digit
from registry.rules.quality import ERROR_LABELS, MISSING_LABELS, check

ON = date(2026, 11, 28)
BIRTH = date(2015, 4, 2)


def make_id(area: str, birth: date, *, male: bool, seq: str = "12") -> str:
    first17 = f"{area}{birth:%Y%m%d}{seq}{'1' if male else '2'}"
    return first17 + check_digit(first17)


FATHER = AdultFacts(
    role="father",
    name="石轩瑶",
    id_number=make_id("320681", date(1985, 1, 22), male=True),
    phone="19377835337",
    status="away",
    work_place="上海市浦东新区",
    departed_on=date(2024, 6, 10),
)
MOTHER = AdultFacts(
    role="mother",
    name="张明浩",
    id_number=make_id("320681", date(1986, 10, 8), male=False),
    phone="13586834497",
    status="away",
    work_place="浙江省宁波市鄞州区",
    departed_on=date(2024, 1, 21),
)
GRANDMOTHER = {
    "name": "顾兰春",
    "id_number": make_id("320681", date(1961, 3, 20), male=False),
    "phone": "0513-83123456",
    "relation": "maternal_grandmother",
    "health": "healthy",
}
GUARDIAN = AdultFacts(role="guardian", **GRANDMOTHER)
CARER = AdultFacts(role="carer", **GRANDMOTHER)

CLEAN = ChildFacts(
    birth_date=BIRTH,
    household_type="rural",
    name="石红轩",
    id_number=make_id("320681", BIRTH, male=True),
    gender="M",
    ethnicity="汉族",
    household_address="江苏省启东市汇龙镇城市一品社区7组125号",
    current_address="江苏省启东市汇龙镇城市一品社区7组125号",
    health="healthy",
    schooling="primary",
    school="启东市汇龙镇小学",
    boarding=False,
    living_arrangement="carer",
    family_economy="low_income",
    contact_frequency="quarterly",
    agreement_signed_on=date(2025, 11, 23),
    adults=(FATHER, MOTHER, GUARDIAN, CARER),
)


def with_adult(child: ChildFacts, role: str, **changes) -> ChildFacts:
    """The child with the adult in ``role`` changed (or removed when changes is {"remove": True})."""
    adults = []
    for adult in child.adults:
        if adult.role == role:
            if changes.get("remove"):
                continue
            adult = replace(adult, **changes)
        adults.append(adult)
    return replace(child, adults=tuple(adults))


def missing(child: ChildFacts, **kwargs) -> tuple[str, ...]:
    return check(child, on=ON, **kwargs).missing


def errors(child: ChildFacts, **kwargs) -> tuple[str, ...]:
    return check(child, on=ON, **kwargs).errors


def test_a_complete_archive_has_no_items():
    quality = check(CLEAN, on=ON)
    assert quality.missing == ()
    assert quality.errors == ()
    assert quality.notes == ()


def test_every_code_has_a_chinese_label():
    assert all(MISSING_LABELS.values())
    assert all(ERROR_LABELS.values())
    assert MISSING_LABELS["child_identity"] == "儿童身份信息缺失"
    assert ERROR_LABELS["id_checksum"] == "身份证号码校验码错误"


# Missing items -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"name": ""}, "child_identity"),
        ({"id_number": ""}, "child_identity"),
        ({"birth_date": None}, "child_identity"),
        ({"health": ""}, "child_health"),
        ({"household_address": "  "}, "household_address"),
        ({"schooling": ""}, "schooling"),
        ({"living_arrangement": ""}, "living_arrangement"),
    ],
)
def test_a_missing_child_field_is_a_missing_item(changes, code):
    assert missing(replace(CLEAN, **changes)) == (code,)


def test_no_guardian_is_missing():
    assert missing(with_adult(CLEAN, "guardian", remove=True)) == ("guardian",)


@pytest.mark.parametrize(
    ("role", "changes", "code"),
    [
        ("guardian", {"name": ""}, "guardian_identity"),
        ("guardian", {"id_number": ""}, "guardian_identity"),
        ("guardian", {"phone": ""}, "guardian_phone"),
        ("carer", {"name": ""}, "carer_identity"),
        ("carer", {"id_number": ""}, "carer_identity"),
        ("carer", {"phone": " "}, "carer_phone"),
        ("father", {"status": ""}, "father_status"),
        ("mother", {"status": ""}, "mother_status"),
        ("father", {"work_place": ""}, "father_work_place"),
        ("mother", {"work_place": " "}, "mother_work_place"),
        ("father", {"departed_on": None}, "father_departure"),
        ("mother", {"departed_on": None}, "mother_departure"),
    ],
)
def test_a_missing_adult_field_is_a_missing_item(role, changes, code):
    assert missing(with_adult(CLEAN, role, **changes)) == (code,)


def test_a_parent_not_recorded_at_all_has_a_missing_status():
    assert missing(with_adult(CLEAN, "mother", remove=True)) == ("mother_status",)


def test_no_carer_is_missing_when_a_parent_is_away():
    assert missing(with_adult(CLEAN, "carer", remove=True)) == ("carer",)


def test_no_carer_is_fine_when_no_parent_is_away():
    child = with_adult(CLEAN, "carer", remove=True)
    child = with_adult(with_adult(child, "father", status="home"), "mother", status="home")
    assert missing(child) == ()


def test_the_verdict_decides_whether_a_carer_is_needed():
    child = with_adult(CLEAN, "carer", remove=True)
    assert missing(child, verdict="both_away") == ("carer",)
    assert missing(child, verdict="one_away_incapable") == ("carer",)
    assert missing(child, verdict="not_left_behind") == ()


def test_work_place_and_departure_are_not_asked_of_a_parent_at_home():
    assert missing(with_adult(CLEAN, "father", status="home", work_place="", departed_on=None)) == ()


# Error items -------------------------------------------------------------------------------------


def test_a_wrong_check_digit_of_an_adult_is_an_id_checksum_error():
    bad = FATHER.id_number[:17] + ("0" if FATHER.id_number[17] != "0" else "1")
    quality = check(with_adult(CLEAN, "father", id_number=bad), on=ON)
    assert quality.errors == ("id_checksum",)
    assert quality.notes[0].startswith("父亲身份证号码：第18位校验码应为")


def test_a_malformed_adult_id_is_an_id_format_error():
    assert errors(with_adult(CLEAN, "guardian", id_number="32068119610320")) == ("id_format",)


def test_an_invalid_adult_phone_is_a_phone_error():
    quality = check(with_adult(CLEAN, "carer", phone="12345"), on=ON)
    assert quality.errors == ("phone",)
    assert "委托照护人联系电话“12345”" in quality.notes[0]


def test_a_child_16_or_older_is_over_age():
    sixteen = date(2010, 11, 28)
    child = replace(CLEAN, birth_date=sixteen, id_number=make_id("320681", sixteen, male=True))
    assert "over_age" in errors(child)
    day_before = date(2010, 11, 29)
    child = replace(CLEAN, birth_date=day_before, id_number=make_id("320681", day_before, male=True))
    assert "over_age" not in errors(child)


def test_a_departure_after_today_is_a_future_date():
    assert errors(with_adult(CLEAN, "mother", departed_on=date(2026, 11, 29))) == ("date_future",)


def test_an_agreement_signed_after_today_is_a_future_date():
    assert errors(replace(CLEAN, agreement_signed_on=date(2027, 1, 1))) == ("date_future",)


def test_a_carer_who_is_the_away_father_is_an_error():
    assert errors(with_adult(CLEAN, "carer", relation="father")) == ("carer_parent_away",)


def test_a_carer_with_the_away_mothers_id_number_is_an_error():
    assert errors(with_adult(CLEAN, "carer", id_number=MOTHER.id_number)) == ("carer_parent_away",)


def test_a_carer_who_is_the_mother_at_home_is_fine():
    child = with_adult(with_adult(CLEAN, "carer", relation="mother"), "mother", status="home")
    assert errors(child) == ()


def test_a_guardian_who_is_the_away_mother_is_an_error():
    assert errors(with_adult(CLEAN, "guardian", relation="mother")) == ("guardian_parent_away",)


def test_a_guardian_under_18_is_an_error():
    minor = make_id("320681", date(2009, 1, 1), male=False)
    assert errors(with_adult(CLEAN, "guardian", id_number=minor)) == ("guardian_minor",)


def test_a_carer_under_18_is_an_error_and_18_exactly_is_fine():
    minor = make_id("320681", date(2008, 11, 29), male=True)
    adult = make_id("320681", date(2008, 11, 28), male=True)
    assert errors(with_adult(CLEAN, "carer", id_number=minor)) == ("carer_minor",)
    assert errors(with_adult(CLEAN, "carer", id_number=adult)) == ()


def test_a_father_whose_id_says_female_is_a_parent_gender_error():
    female = make_id("320681", date(1985, 1, 22), male=False)
    assert errors(with_adult(CLEAN, "father", id_number=female)) == ("parent_gender",)


def test_a_mother_whose_id_says_male_is_a_parent_gender_error():
    male = make_id("320681", date(1986, 10, 8), male=True)
    assert errors(with_adult(CLEAN, "mother", id_number=male)) == ("parent_gender",)


def test_a_parent_less_than_14_years_older_than_the_child_is_an_error():
    young = make_id("320681", date(2001, 4, 3), male=True)  # 13 years older, one day short of 14
    assert errors(with_adult(CLEAN, "father", id_number=young)) == ("parent_too_young",)
    fourteen = make_id("320681", date(2001, 4, 2), male=True)
    assert errors(with_adult(CLEAN, "father", id_number=fourteen)) == ()


@pytest.mark.parametrize("schooling", ["none_yet", "kindergarten", "preschool"])
def test_a_school_age_child_in_pre_school_is_a_schooling_age_error(schooling):
    assert errors(replace(CLEAN, schooling=schooling)) == ("schooling_age",)


def test_a_child_under_3_at_primary_school_is_a_schooling_age_error():
    baby = date(2024, 6, 1)
    child = replace(CLEAN, birth_date=baby, id_number=make_id("320681", baby, male=True), schooling="primary")
    assert errors(child) == ("schooling_age",)
    assert errors(replace(child, schooling="none_yet")) == ()


def test_a_six_year_old_in_kindergarten_is_fine():
    six = date(2020, 5, 1)
    child = replace(CLEAN, birth_date=six, id_number=make_id("320681", six, male=True), schooling="kindergarten")
    assert errors(child) == ()


@pytest.mark.parametrize("schooling", ["dropped_out", "not_in_school", "none_yet"])
def test_boarding_while_not_in_school_is_an_error(schooling):
    assert "boarding_not_in_school" in errors(replace(CLEAN, boarding=True, schooling=schooling))


def test_boarding_at_school_is_fine():
    assert errors(replace(CLEAN, boarding=True, schooling="junior")) == ()


def test_a_disability_type_on_a_healthy_child_is_inconsistent():
    assert errors(replace(CLEAN, disability_type="limb")) == ("disability_inconsistent",)
    assert errors(replace(CLEAN, disability_level="2")) == ("disability_inconsistent",)


def test_a_disabled_child_without_a_disability_type_is_inconsistent():
    assert errors(replace(CLEAN, health="disabled")) == ("disability_inconsistent",)
    assert errors(replace(CLEAN, health="ill_disabled")) == ("disability_inconsistent",)


def test_a_disabled_child_with_a_type_and_level_is_fine():
    child = replace(CLEAN, health="ill_disabled", disability_type="limb", disability_level="2")
    assert errors(child) == ()


def test_several_items_are_reported_once_each_in_check_order():
    child = with_adult(CLEAN, "father", phone="1", departed_on=None)
    child = with_adult(child, "mother", phone="2")
    child = replace(child, schooling="", health="")
    quality = check(child, on=ON)
    assert quality.missing == ("child_health", "schooling", "father_departure")
    assert quality.errors == ("phone",)
    assert len(quality.notes) == 5
