"""GB 11643 ID numbers, ages, phone numbers and masks (registry.rules.idnumber)."""

from datetime import date

import pytest

from registry.rules.idnumber import (
    IdNumberError,
    add_months,
    age_on,
    check_digit,
    is_valid_phone,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    parse_id_number,
)

TODAY = date(2026, 11, 28)


def make_id(area: str, birth: date, *, male: bool, seq: str = "12") -> str:
    """A valid 18-character ID: area + birth + 2-digit sequence + gender digit + check digit."""
    first17 = f"{area}{birth:%Y%m%d}{seq}{'1' if male else '2'}"
    return first17 + check_digit(first17)


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


# check digit -------------------------------------------------------------------------------------


def test_check_digit_matches_numbers_from_the_sample_roster():
    assert check_digit("32068120150402977") == "9"
    assert check_digit("32068119930122921") == "X"
    assert check_digit("32068119861008234") == "1"


def test_check_digit_refuses_anything_but_17_digits():
    with pytest.raises(ValueError, match="17"):
        check_digit("3206812015040297")
    with pytest.raises(ValueError, match="17"):
        check_digit("3206812015040297A")


def test_it_accepts_a_valid_number_and_reads_its_parts():
    info = parse_id_number("320681201504029779", today=TODAY)
    assert info.number == "320681201504029779"
    assert info.birth_date == date(2015, 4, 2)
    assert info.area_code == "320681"
    assert info.gender == "M"  # 17th digit 7 is odd


def test_it_accepts_an_x_check_digit():
    info = parse_id_number("32068119930122921X", today=TODAY)
    assert info.birth_date == date(1993, 1, 22)


def test_it_reads_an_even_17th_digit_as_female():
    assert parse_id_number(make_id("320681", date(2016, 5, 6), male=False), today=TODAY).gender == "F"
    assert parse_id_number(make_id("320681", date(2016, 5, 6), male=True), today=TODAY).gender == "M"


def test_it_rejects_a_wrong_check_digit_naming_the_expected_one():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number("320681201504029775", today=TODAY)
    assert caught.value.code == "id_checksum"
    assert caught.value.message == "第18位校验码应为9，实为5"


def test_it_rejects_a_digit_where_x_is_expected():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number("320681199301229210", today=TODAY)
    assert caught.value.code == "id_checksum"
    assert "应为X，实为0" in caught.value.message


def test_it_rejects_a_wrong_length():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number("32068120150402977", today=TODAY)
    assert caught.value.code == "id_format"
    assert caught.value.message == "身份证号码应为18位，实为17位"


def test_it_rejects_a_letter_inside_the_number_and_names_its_position():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number("3206812015A4029779", today=TODAY)
    assert caught.value.code == "id_format"
    assert "第11位" in caught.value.message


def test_it_rejects_an_area_code_starting_with_zero():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(with_check("02068120150402977"), today=TODAY)
    assert caught.value.code == "id_format"
    assert "地址码" in caught.value.message


def test_it_rejects_an_impossible_birth_date():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(with_check("32068119990231123"), today=TODAY)
    assert caught.value.code == "id_format"
    assert caught.value.message == "第7-14位出生日期19990231不是有效日期"


def test_it_rejects_a_birth_date_after_today():
    number = make_id("320681", date(2026, 12, 1), male=True)
    with pytest.raises(IdNumberError) as caught:
        parse_id_number(number, today=TODAY)
    assert caught.value.code == "id_format"
    assert caught.value.message == "第7-14位出生日期20261201晚于今天"


def test_a_birth_on_today_is_accepted():
    number = make_id("320681", TODAY, male=True)
    assert parse_id_number(number, today=TODAY).birth_date == TODAY


def test_it_rejects_an_empty_value():
    with pytest.raises(IdNumberError) as caught:
        parse_id_number("  ", today=TODAY)
    assert caught.value.code == "id_format"


def test_the_error_is_a_value_error_whose_text_is_the_message():
    with pytest.raises(ValueError, match="校验码应为9"):
        parse_id_number("320681201504029775", today=TODAY)


# normalisation -----------------------------------------------------------------------------------


def test_it_normalises_full_width_digits_and_x():
    assert normalize_id_number("３２０６８１１９９３０１２２９２１Ｘ") == "32068119930122921X"
    assert normalize_id_number("３２０６８１１９９３０１２２９２１ｘ") == "32068119930122921X"


def test_it_removes_spaces_inside_and_around_including_full_width_spaces():
    assert normalize_id_number(" 320681 20150402　9779\t") == "320681201504029779"


def test_it_upper_cases_a_lower_case_x():
    assert normalize_id_number("32068119930122921x") == "32068119930122921X"
    assert parse_id_number("32068119930122921x", today=TODAY).number == "32068119930122921X"


def test_it_turns_number_cells_into_their_digits():
    assert normalize_id_number(320681201504029779) == "320681201504029779"
    assert normalize_id_number(3.20681201504e17) == "320681201504000000"
    assert normalize_id_number(None) == ""


# ages and months ---------------------------------------------------------------------------------


def test_age_is_15_the_day_before_the_16th_birthday_and_16_on_it():
    born = date(2010, 11, 28)
    assert age_on(born, date(2026, 11, 27)) == 15
    assert age_on(born, date(2026, 11, 28)) == 16


def test_a_29_february_birthday_falls_on_1_march_in_common_years():
    born = date(2008, 2, 29)
    assert age_on(born, date(2023, 2, 28)) == 14
    assert age_on(born, date(2023, 3, 1)) == 15
    assert age_on(born, date(2024, 2, 28)) == 15
    assert age_on(born, date(2024, 2, 29)) == 16


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(date(2026, 8, 28), 3) == date(2026, 11, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2026, 10, 31), 6) == date(2027, 4, 30)


# masks -------------------------------------------------------------------------------------------


def test_it_masks_an_id_number_keeping_the_first_6_and_last_4():
    assert mask_id_number("320681201504020028") == "320681********0028"


def test_it_masks_short_and_empty_id_values():
    assert mask_id_number("") == ""
    assert mask_id_number("12") == "**"
    assert mask_id_number("123456") == "1****6"
    assert mask_id_number("320681201504020") == "320681*****4020"


def test_it_masks_a_mobile_number():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"


def test_it_masks_a_landline_keeping_area_code_and_last_two_digits():
    assert mask_phone("0513-83123456") == "0513-******56"
    assert mask_phone("010-62345678") == "010-******78"


def test_it_masks_empty_and_odd_phone_values():
    assert mask_phone("") == ""
    assert mask_phone("123") == "***"
    assert "*" in mask_phone("12345678901234")


# phones ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("13812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        ("0513-83123456", "0513-83123456"),
        ("051383123456", "0513-83123456"),
        ("(0513)83123456", "0513-83123456"),
        ("（0513）8312345", "0513-8312345"),
        ("0513 8312 3456", "0513-83123456"),
        ("010-62345678", "010-62345678"),
        ("02162345678", "021-62345678"),
    ],
)
def test_it_accepts_and_normalises_mobiles_and_landlines(raw, normal):
    assert is_valid_phone(raw)
    assert normalize_phone(raw) == normal


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345",
        "83123456",
        "1381234567",
        "138123456789",
        "12012345678",
        "0513-123",
        "0513-03123456",
        "电话",
    ],
)
def test_it_rejects_numbers_that_are_neither_mobile_nor_landline(raw):
    assert not is_valid_phone(raw)


def test_an_invalid_phone_is_returned_trimmed_not_altered():
    assert normalize_phone(" 12345 ") == "12345"
