"""Children in known states for the supervision tests (through the registry's own services)."""

import itertools
from datetime import date

from registry.choices import AdultRole, ParentStatus, Relation
from registry.services import AdultInput
from tests.factories import complete_adults, make_child, make_id

HUILONG_VILLAGE = "320681100236"  # 亚光村 (汇龙镇), one of the director's villages
HUILONG_OTHER_VILLAGE = "320681100201"  # 克明村
NANYANG_VILLAGE_PREFIX = "320681106"


def suspected_adults() -> dict:
    """Father away with no departure date: his state is unknown, so the verdict is 待核实."""
    adults = complete_adults()
    adults[AdultRole.FATHER] = AdultInput(
        name="陆建国",
        id_number=make_id(date(1987, 2, 3)),
        phone="13912340000",
        status=ParentStatus.AWAY,
        work_place="上海市浦东新区",
        departed_on=None,
        relation=Relation.FATHER,
    )
    return adults


# make_id folds neighbouring sequence numbers into one ID (the gender digit): step by two.
_ids = itertools.count(0, 2)


def unique_id(birth: date = date(2015, 4, 2), *, male: bool = True) -> str:
    return make_id(birth, male=male, seq=next(_ids) % 1000)


def active_child(village, *, birth: date = date(2015, 4, 2), **fields):
    return make_child(village, birth=birth, id_number=unique_id(birth), **fields)


def suspected_child(village, *, birth: date = date(2015, 4, 2), **fields):
    return make_child(village, birth=birth, id_number=unique_id(birth), adults=suspected_adults(), **fields)
