"""Free-text work places resolved through the division tables (registry.rules.places)."""

import pytest

from registry.rules.places import Place, classify_work_place, division_name, resolve_place

QIDONG = "320681"


@pytest.mark.parametrize(
    ("text", "level", "code", "name"),
    [
        ("上海市浦东新区", "county", "310115", "上海市浦东新区"),
        ("上海浦东", "county", "310115", "上海市浦东新区"),
        ("上海", "province", "31", "上海市"),
        ("北京市朝阳区", "county", "110105", "北京市朝阳区"),
        ("重庆万州", "county", "500101", "重庆市万州区"),
        ("天津滨海", "county", "120116", "天津市滨海新区"),
        ("浙江宁波", "city", "3302", "浙江省宁波市"),
        ("浙江省宁波市鄞州区", "county", "330212", "浙江省宁波市鄞州区"),
        ("江苏省苏州市昆山市", "county", "320583", "江苏省苏州市昆山市"),
        ("昆山", "county", "320583", "江苏省苏州市昆山市"),
        ("昆山市", "county", "320583", "江苏省苏州市昆山市"),
        ("江苏昆山", "county", "320583", "江苏省苏州市昆山市"),
        ("南通市", "city", "3206", "江苏省南通市"),
        ("江苏", "province", "32", "江苏省"),
        ("启东市汇龙镇", "county", QIDONG, "江苏省南通市启东市"),
        ("江苏省南通市启东市", "county", QIDONG, "江苏省南通市启东市"),
        ("广东深圳宝安", "county", "440306", "广东省深圳市宝安区"),
        ("湖北仙桃", "county", "429004", "湖北省仙桃市"),
        ("广西南宁", "city", "4501", "广西壮族自治区南宁市"),
        ("新疆乌鲁木齐", "city", "6501", "新疆维吾尔自治区乌鲁木齐市"),
        ("吉林", "province", "22", "吉林省"),
        ("吉林市", "city", "2202", "吉林省吉林市"),
        ("江苏南京鼓楼", "county", "320106", "江苏省南京市鼓楼区"),
        (" 上海市（浦东新区） ", "county", "310115", "上海市浦东新区"),
    ],
)
def test_it_resolves_a_work_place_as_deep_as_the_text_goes(text, level, code, name):
    assert resolve_place(text) == Place(level=level, code=code, name=name)


@pytest.mark.parametrize("text", ["外地", "外省", "", "   ", "不详", "朝阳区", "鼓楼区", "通州"])
def test_it_leaves_unnamed_or_ambiguous_places_unresolved(text):
    place = resolve_place(text)
    assert place.level == ""
    assert place.code == ""
    assert not place.contains(QIDONG)


def test_an_ambiguous_county_keeps_the_province_it_is_given_under():
    # Two 朝阳区 in China, one in Beijing: with 北京 in front it is no longer ambiguous.
    assert resolve_place("北京朝阳区").code == "110105"


def test_a_short_city_name_is_not_read_into_a_longer_county_name():
    # "朝阳" alone is 朝阳市 (Liaoning), but "朝阳区" must not become that city.
    assert resolve_place("朝阳").code == "2113"
    assert resolve_place("朝阳区").code == ""


def test_contains_is_true_for_the_county_its_city_and_its_province():
    assert resolve_place("启东市").contains(QIDONG)
    assert resolve_place("南通市").contains(QIDONG)
    assert resolve_place("江苏").contains(QIDONG)


def test_contains_is_false_for_other_regions():
    assert not resolve_place("上海").contains(QIDONG)
    assert not resolve_place("江苏省苏州市昆山市").contains(QIDONG)
    assert not resolve_place("江苏省南通市海门区").contains(QIDONG)
    assert not Place().contains(QIDONG)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("上海市浦东新区", "outside"),
        ("上海", "outside"),
        ("浙江宁波", "outside"),
        ("江苏省苏州市昆山市", "outside"),
        ("广东深圳宝安", "outside"),
        ("江苏省南通市海门区", "outside"),  # same city, another county: still cross-county
        ("启东市汇龙镇", "inside"),
        ("江苏省南通市启东市", "inside"),
        ("启东经济开发区", "inside"),
        ("南通市", "vague"),
        ("江苏", "vague"),
        ("外地", "vague"),
        ("外省", "vague"),
        ("", "vague"),
        ("朝阳区", "vague"),
    ],
)
def test_it_classifies_a_work_place_against_qidong(text, expected):
    assert classify_work_place(text) == expected


def test_the_home_county_is_a_parameter():
    haimen = "320614"
    assert classify_work_place("江苏省南通市海门区", home_county_code=haimen) == "inside"
    assert classify_work_place("启东市汇龙镇", home_county_code=haimen) == "outside"
    assert classify_work_place("南通", home_county_code=haimen) == "vague"


def test_division_name_spells_the_full_path():
    assert division_name(QIDONG) == "江苏省南通市启东市"
    assert division_name("3101") == "上海市"
    assert division_name("310115") == "上海市浦东新区"
    assert division_name("999999") == ""
