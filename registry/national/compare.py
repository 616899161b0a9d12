"""Our archive in the national form's terms, and the field-by-field comparison with a national row.

Both sides are compared normalised: codes in the national lists, names without spaces, phones as
digits, addresses without the county prefix, work places as the region they name."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..choices import AdultRole, RosterStatus
from ..models import Child, ChildAdult
from ..rules.places import division_name, resolve_place
from . import codes
from .form import NATIONAL_FIELDS
from .rows import NationalRow, normal_ethnicity

# Compared field by field; 在册状态 is compared by the line's kind, 监护类型 is a judgement (codes.py).
COMPARED_KEYS = (
    "child_no",
    "village",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "household_address",
    "current_address",
    "health",
    "schooling",
    "father_name",
    "father_work_place",
    "father_phone",
    "mother_name",
    "mother_work_place",
    "mother_phone",
    "carer_name",
    "carer_relation",
    "carer_phone",
    "exit_date",
)
_ADDRESS_PREFIX = re.compile(r"^(江苏省|江苏)?(南通市|南通)?(启东市|启东)?")
_SPACES = re.compile(r"\s+")


def _carer_link(links: dict[str, ChildAdult]) -> ChildAdult | None:
    """The form's 委托监护人: our entrusted carer (委托照护人), else the guardian."""
    return links.get(AdultRole.CARER) or links.get(AdultRole.GUARDIAN)


def work_place_for_form(text: str) -> str:
    """The form's note 7: a work place is written to province and city (XXX省XXX市)."""
    place = resolve_place(text) if text else None
    if place is None or not place.code:
        return text
    return division_name(place.code[:4]) or division_name(place.code[:2]) or text


def national_status(child: Child) -> str:
    if child.roster_status == RosterStatus.ACTIVE:
        return codes.STATUS_ACTIVE
    if child.roster_status in (RosterStatus.EXITED, RosterStatus.NOT_LEFT_BEHIND):
        return codes.STATUS_EXITED
    return ""


def our_values(child: Child, links: Iterable[ChildAdult]) -> dict[str, str]:
    """Every national column for one child, from the archive, in the national codes.

    `links` must come with their adults (prefetch `links__adult`); work places as we recorded them."""
    by_role = {link.role: link for link in links}
    father, mother, carer = by_role.get(AdultRole.FATHER), by_role.get(AdultRole.MOTHER), _carer_link(by_role)
    guardian = by_role.get(AdultRole.GUARDIAN) or carer
    return {
        "child_no": child.national_child_no,
        "town": child.town.name,
        "village": child.village.name,
        "name": child.name,
        "gender": codes.GENDER_TO_NATIONAL.get(child.gender, ""),
        "ethnicity": normal_ethnicity(child.ethnicity),
        "birth_date": child.birth_date.isoformat() if child.birth_date else "",
        "id_number": child.id_number,
        "household_address": child.household_address,
        "current_address": child.current_address,
        "health": codes.HEALTH_TO_NATIONAL.get(child.health, child.health),
        "schooling": codes.SCHOOLING_TO_NATIONAL.get(child.schooling, ""),
        "father_name": father.adult.name if father else "",
        "father_work_place": father.adult.work_place if father else "",
        "father_phone": father.adult.phone if father else "",
        "mother_name": mother.adult.name if mother else "",
        "mother_work_place": mother.adult.work_place if mother else "",
        "mother_phone": mother.adult.phone if mother else "",
        "carer_name": carer.adult.name if carer else "",
        "carer_relation": codes.RELATION_TO_NATIONAL.get(carer.relation, "") if carer else "",
        "carer_phone": carer.adult.phone if carer else "",
        "guardianship_type": codes.guardianship_type(
            verdict=child.verdict,
            living_arrangement=child.living_arrangement,
            has_guardian=guardian is not None,
            guardian_health=guardian.adult.health if guardian else "",
        ),
        "status": national_status(child),
        "exit_date": child.exit_date.isoformat() if child.exit_date else "",
    }


def _address(text: str) -> str:
    return _ADDRESS_PREFIX.sub("", _SPACES.sub("", text))


def _same_place(ours: str, theirs: str) -> bool:
    """One names the other's region at another depth ("上海市浦东新区" and the form's "上海市")."""
    a, b = resolve_place(ours), resolve_place(theirs)
    if a.code and b.code:
        return a.code.startswith(b.code) or b.code.startswith(a.code)
    return _SPACES.sub("", ours) == _SPACES.sub("", theirs)


def same_value(key: str, ours: str, theirs: str) -> bool:
    if not ours or not theirs:
        return not ours and not theirs
    if key in ("household_address", "current_address"):
        return _address(ours) == _address(theirs)
    if key in ("father_work_place", "mother_work_place"):
        return _same_place(ours, theirs)
    return ours == theirs


def field_diffs(ours: dict[str, str], row: NationalRow, *, child_village_id: int | None) -> list[dict[str, str]]:
    """[{field, ours, theirs}] for every compared column the national file has and that differs."""
    diffs = []
    for key in COMPARED_KEYS:
        if key not in row.values:
            continue
        if key == "village":
            differs = row.village_id is not None and row.village_id != child_village_id
        elif key == "exit_date":
            both_exited = ours["status"] == codes.STATUS_EXITED and row.get("status") == codes.STATUS_EXITED
            differs = both_exited and not same_value(key, ours[key], row.get(key))
        else:
            differs = not same_value(key, ours[key], row.get(key))
        if differs:
            diffs.append({"field": key, "ours": ours[key], "theirs": row.get(key)})
    return diffs


FIELD_ORDER = {f.key: position for position, f in enumerate(NATIONAL_FIELDS)}
