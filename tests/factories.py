"""Building archives for tests through the same service the survey form uses (registry.services)."""

import itertools
from datetime import date, timedelta

from agreements.services import agreement_sign, parties_of
from registry import assessment
from registry.choices import AdultRole, HouseholdType, LivingArrangement, ParentStatus, Relation, Schooling
from registry.models import Child, Region
from registry.rules.idnumber import check_digit
from registry.services import AdultInput, child_save

_sequence = itertools.count(100)


def make_id(birth: date, *, male: bool = True, area: str = "320681", seq: int | None = None) -> str:
    """A valid 18-digit ID number (GB 11643) for the given birth date and gender."""
    seq = next(_sequence) % 500 if seq is None else seq % 500
    order = f"{seq * 2 + (1 if male else 0):03d}"  # the 17th digit is odd for a male (GB 11643)
    first17 = f"{area}{birth:%Y%m%d}{order}"
    return first17 + check_digit(first17)


def away(name: str, place: str = "上海市浦东新区", departed: date = date(2024, 1, 10), **extra) -> AdultInput:
    return AdultInput(
        name=name,
        id_number=make_id(date(1988, 5, 1), male=extra.pop("male", True)),
        phone=extra.pop("phone", "13912345678"),
        status=ParentStatus.AWAY,
        work_place=place,
        departed_on=departed,
        **extra,
    )


def complete_adults() -> dict[str, AdultInput]:
    """Both parents away across the county; a grandmother guardian who is also the carer."""
    grandmother = AdultInput(
        name="顾兰春",
        id_number=make_id(date(1961, 3, 20), male=False),
        phone="13781286570",
        health="healthy",
        relation=Relation.MATERNAL_GRANDMOTHER,
    )
    return {
        AdultRole.FATHER: away("石轩瑶", relation=Relation.FATHER),
        AdultRole.MOTHER: AdultInput(
            name="张明浩",
            id_number=make_id(date(1990, 10, 8), male=False),
            phone="13586834497",
            status=ParentStatus.AWAY,
            work_place="浙江省宁波市鄞州区",
            departed_on=date(2024, 1, 21),
            relation=Relation.MOTHER,
        ),
        AdultRole.GUARDIAN: grandmother,
        AdultRole.CARER: grandmother,
    }


def make_child(
    village: Region | str,
    *,
    user=None,
    name: str = "石红轩",
    birth: date = date(2015, 4, 2),
    male: bool = True,
    adults: dict[str, AdultInput | None] | None = None,
    **fields,
) -> Child:
    """A complete, left-behind (both parents away) child in `village` unless told otherwise."""
    if isinstance(village, str):
        village = Region.objects.get(code=village)
    data = {
        "name": name,
        "id_number": fields.pop("id_number", None) or make_id(birth, male=male),
        "village": village,
        "ethnicity": "汉族",
        "household_type": HouseholdType.RURAL,
        "household_address": f"江苏省启东市{village.name}1组1号",
        "current_address": f"江苏省启东市{village.name}1组1号",
        "health": "healthy",
        "schooling": Schooling.PRIMARY,
        "school": "启东市汇龙镇小学",
        "grade": "5年级",
        "boarding": False,
        "living_arrangement": LivingArrangement.WITH_CARER,
        "contact_frequency": "weekly",
    }
    data.update(fields)
    return child_save(
        user=user, child=None, data=data, adults=complete_adults() if adults is None else adults, reason="测试建档"
    )


def sign_for_a_year(child: Child, *, on: date | None = None, witness_name: str = "亚光村村民委员会", user=None):
    """A valid agreement from `on` (today) for a year, with the parties the archive names."""
    on = on or assessment.today()
    return agreement_sign(
        user=user,
        child=child,
        signed_on=on,
        valid_from=on,
        valid_until=on + timedelta(days=365),
        principals=parties_of(child).principals,
        witness_name=witness_name,
    )
