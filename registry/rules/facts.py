"""Plain facts about one child and the adults around them, as the pure rules see them.

No database access: the model layer (or the importer) builds these from its own rows, and the
rules in ``eligibility`` and ``quality`` read nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from registry.choices import DEFAULT_INCAPABLE_STATUSES


@dataclass(frozen=True)
class AdultFacts:
    """One adult in one role for one child (father, mother, guardian 监护人, carer 委托照护人)."""

    role: str  # AdultRole value: father/mother/guardian/carer
    name: str = ""
    id_number: str = ""  # normalized 18-char or ""
    phone: str = ""
    relation: str = ""  # Relation value or ""
    health: str = ""  # Health value or ""
    status: str = ""  # ParentStatus value or "" (parents only)
    work_place: str = ""
    departed_on: date | None = None


@dataclass(frozen=True)
class ChildFacts:
    """The archive of one child (DOMAIN.md "一人一档"), reduced to plain values."""

    birth_date: date | None
    household_type: str = ""  # HouseholdType value or ""
    name: str = ""
    id_number: str = ""
    gender: str = ""  # Gender value
    ethnicity: str = ""
    household_address: str = ""
    current_address: str = ""
    health: str = ""
    disability_type: str = ""
    disability_level: str = ""
    schooling: str = ""
    school: str = ""
    boarding: bool | None = None
    living_arrangement: str = ""
    family_economy: str = ""
    contact_frequency: str = ""
    agreement_signed_on: date | None = None
    adults: tuple[AdultFacts, ...] = ()

    def adult(self, role: str) -> AdultFacts | None:
        """The first adult recorded in ``role`` (an AdultRole value), or None."""
        for person in self.adults:
            if person.role == role:
                return person
        return None


def _default_incapable() -> frozenset[str]:
    return frozenset(str(status.value) for status in DEFAULT_INCAPABLE_STATUSES)


@dataclass(frozen=True)
class Caliber:
    """排查口径: the screening settings, defaulting to the values of 启民发〔2023〕99号.

    # 启民发〔2023〕99号 二.1: "父母外出务工时限3个月以上、务工地点跨县域"
    # DOMAIN.md: other places use other calibers (6 months, ...), so these are settings.
    """

    min_months_away: int = 3
    require_cross_county: bool = True
    incapable_statuses: frozenset[str] = field(default_factory=_default_incapable)
    home_county_code: str = "320681"  # 启东市
