"""From stored archive rows to the pure rules and back: the verdict, its reasons, the quality items
and the roster status of one child. Used by the survey form, visits and the roster import alike."""

from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.utils import timezone

from .choices import LEFT_BEHIND_VERDICTS, FieldCheck, RosterStatus, Verdict
from .models import Adult, Child, ChildAdult
from .rules import eligibility, quality
from .rules.facts import AdultFacts, Caliber, ChildFacts


def caliber_from_settings() -> Caliber:
    """排查口径 from settings (defaults: 通知 二.1, 3 months, across the county)."""
    return Caliber(
        min_months_away=settings.LEFT_BEHIND_MIN_MONTHS_AWAY,
        require_cross_county=settings.LEFT_BEHIND_REQUIRE_CROSS_COUNTY,
        incapable_statuses=frozenset(settings.LEFT_BEHIND_INCAPABLE_STATUSES),
        home_county_code=settings.HOME_COUNTY_CODE,
    )


def today() -> date:
    return timezone.localdate()


def adult_facts(adult: Adult, *, role: str, relation: str) -> AdultFacts:
    return AdultFacts(
        role=role,
        name=adult.name,
        id_number=adult.id_number,
        phone=adult.phone,
        relation=relation,
        health=adult.health,
        status=adult.status,
        work_place=adult.work_place,
        departed_on=adult.departed_on,
    )


def child_facts(child: Child, links: Iterable[ChildAdult], *, agreement_signed_on: date | None = None) -> ChildFacts:
    return ChildFacts(
        birth_date=child.birth_date,
        household_type=child.household_type,
        name=child.name,
        id_number=child.id_number,
        gender=child.gender,
        ethnicity=child.ethnicity,
        household_address=child.household_address,
        current_address=child.current_address,
        health=child.health,
        disability_type=child.disability_type,
        disability_level=child.disability_level,
        schooling=child.schooling,
        school=child.school,
        boarding=child.boarding,
        living_arrangement=child.living_arrangement,
        family_economy=child.family_economy,
        contact_frequency=child.contact_frequency,
        agreement_signed_on=agreement_signed_on,
        adults=tuple(adult_facts(link.adult, role=link.role, relation=link.relation) for link in links),
    )


def roster_status_for(verdict: str, *, exited: bool) -> str:
    """在册 = a left-behind verdict and not exited (DOMAIN.md, "On the roster")."""
    if exited:
        return RosterStatus.EXITED
    if verdict in LEFT_BEHIND_VERDICTS:
        return RosterStatus.ACTIVE
    if verdict == Verdict.UNVERIFIED:
        return RosterStatus.SUSPECTED
    return RosterStatus.NOT_LEFT_BEHIND


def _field_check_override(child: Child, computed: eligibility.Assessment) -> tuple[str, list[str]] | None:
    """A field check decides a child the rules left 待核实 (通知 二.1: 精准排查), until facts decide."""
    if computed.verdict != Verdict.UNVERIFIED or not child.field_check:
        return None
    note = f"：{child.field_check_note}" if child.field_check_note else ""
    if child.field_check == FieldCheck.CONFIRMED and child.field_check_verdict in LEFT_BEHIND_VERDICTS:
        label = Verdict(child.field_check_verdict).label
        return child.field_check_verdict, [f"实地核实确认为{label}{note}"]
    if child.field_check == FieldCheck.REJECTED:
        return Verdict.NOT_LEFT_BEHIND, [f"实地核实确认不属于留守儿童{note}"]
    return None


def apply_assessment(
    child: Child, facts: ChildFacts, *, on: date | None = None, caliber: Caliber | None = None
) -> None:
    """Recompute and set verdict, reasons, flags, quality items and roster status on `child` (no save).
    `caliber`: the settings' 排查口径, read once by a caller assessing thousands (a roster import)."""
    on = on or today()
    caliber = caliber or caliber_from_settings()
    result = eligibility.assess(facts, on=on, caliber=caliber)
    verdict, reasons = result.verdict, list(result.reasons)
    override = _field_check_override(child, result)
    if override is not None:
        verdict, extra = override
        reasons = reasons + extra
    child.verdict = verdict
    child.verdict_rule = result.rule
    child.verdict_reasons = reasons
    child.verdict_flags = list(result.flags)
    child.verdict_on = on
    items = quality.check(facts, on=on, caliber=caliber, verdict=verdict)
    child.missing_items = list(items.missing)
    child.error_items = list(items.errors)
    child.has_missing = bool(items.missing)
    child.has_errors = bool(items.errors)
    child.roster_status = roster_status_for(verdict, exited=bool(child.exit_reason))


def links_of(child: Child) -> list[ChildAdult]:
    return list(child.links.select_related("adult").order_by("role"))
