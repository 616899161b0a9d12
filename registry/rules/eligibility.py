"""Who is a rural left-behind child (留守儿童认定): DOMAIN.md's table, as a pure function.

# 国发〔2016〕13号: a minor under 16 whose parents both work away, or one works away and the
#   other lacks guardianship capacity.
# 启民发〔2023〕99号 二.1: parents away "3个月以上" (includes exactly 3 months) and "务工地点跨县域".
The caliber (duration, cross-county, incapable statuses) comes from ``Caliber``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from registry.choices import AdultRole, HouseholdType, ParentStatus, Verdict
from registry.rules.facts import AdultFacts, Caliber, ChildFacts
from registry.rules.idnumber import add_months, age_on
from registry.rules.places import classify_work_place, resolve_place, short_name

AGE_LIMIT = 16  # 国发〔2016〕13号: 不满十六周岁

DEFAULT_CALIBER = Caliber()  # 启民发〔2023〕99号's caliber

AWAY, PRESENT, INCAPABLE, UNKNOWN = "away", "present", "incapable", "unknown"

# Plain Chinese labels: str() of the lazy choice labels would need Django settings.
ROLE_LABELS = {AdultRole.FATHER.value: "父亲", AdultRole.MOTHER.value: "母亲"}
STATUS_LABELS = {
    ParentStatus.AWAY.value: "外出务工",
    ParentStatus.HOME.value: "在家",
    ParentStatus.DECEASED.value: "死亡",
    ParentStatus.MISSING.value: "失联",
    ParentStatus.IMPRISONED.value: "服刑",
    ParentStatus.SERIOUSLY_ILL.value: "重病",
    ParentStatus.SEVERELY_DISABLED.value: "重残",
    ParentStatus.DRUG_REHAB.value: "强制隔离戒毒",
    ParentStatus.OTHER_INCAPABLE.value: "其他无监护能力",
}

FLAG_DE_FACTO_UNSUPPORTED = "de_facto_unsupported"  # rule 6: check as 事实无人抚养儿童
FLAG_HOUSEHOLD_TYPE_MISSING = "household_type_missing"  # rural not confirmed: left-behind → 待核实
FLAG_BIRTH_DATE_MISSING = "birth_date_missing"  # age unknown: a data-quality item, not an exclusion
FLAG_LABELS = {
    FLAG_DE_FACTO_UNSUPPORTED: "疑似事实无人抚养儿童，请核查",
    FLAG_HOUSEHOLD_TYPE_MISSING: "户籍类型未填写，无法确认农村户籍",
    FLAG_BIRTH_DATE_MISSING: "出生日期未填写，无法判断年龄",
}


@dataclass(frozen=True)
class ParentState:
    """One parent's state on the screening date, with the reason in words."""

    role: str  # AdultRole value: father / mother
    state: str  # away / present / incapable / unknown
    reason: str


@dataclass(frozen=True)
class Assessment:
    verdict: str  # Verdict value
    reasons: tuple[str, ...]  # in order: the facts, then the rule that fired
    # over_age, not_rural, both_away, one_away_incapable, parent_present, both_incapable, unverified
    rule: str
    flags: tuple[str, ...] = ()
    parents: tuple[ParentState, ...] = ()  # father, mother (empty when rule 1 or 2 fired)


# One parent --------------------------------------------------------------------------------------


def _away_state(label: str, parent: AdultFacts, on: date, caliber: Caliber) -> tuple[str, str]:
    """State of a parent whose status is 外出务工 (DOMAIN.md: away / present / unknown)."""
    months = caliber.min_months_away
    text = parent.work_place.strip()
    place_class = classify_work_place(text, home_county_code=caliber.home_county_code)
    departed = parent.departed_on
    if caliber.require_cross_county and place_class == "inside":
        home = short_name(caliber.home_county_code) or caliber.home_county_code
        return PRESENT, f"{label}务工地点“{text}”在{home}内，不跨县域"
    if departed is not None and add_months(departed, months) > on:
        return PRESENT, f"{label}外出务工未满{months}个月（{departed.isoformat()} 外出）"
    if caliber.require_cross_county and place_class == "vague":
        if not text:
            return UNKNOWN, f"{label}务工地点未填写，无法判断是否跨县域"
        return UNKNOWN, f"{label}务工地点“{text}”无法判断是否跨县域"
    if departed is None:
        return UNKNOWN, f"{label}外出务工时间未填写，无法判断是否满{months}个月"
    if caliber.require_cross_county:
        where = f"{resolve_place(text).name}，跨县域"  # as the division tables understood it
    else:
        where = text or "务工地点未填写"
    return AWAY, f"{label}外出务工（{where}），{departed.isoformat()} 外出，满{months}个月"


def parent_state(parent: AdultFacts | None, *, on: date, caliber: Caliber, role: str | None = None) -> ParentState:
    """The parent's state on ``on`` (DOMAIN.md "Each parent is in one state").

    ``role`` names the parent when ``parent`` is None (no father/mother recorded at all).
    """
    role = parent.role if parent is not None else (role or "")
    label = ROLE_LABELS.get(role, "父/母")
    status = parent.status if parent is not None else ""
    if not status:
        return ParentState(role, UNKNOWN, f"{label}状况未填写")
    status_label = STATUS_LABELS.get(status)
    if status_label is None:
        return ParentState(role, UNKNOWN, f"{label}状况“{status}”无法识别")
    if status in caliber.incapable_statuses:
        return ParentState(role, INCAPABLE, f"{label}{status_label}（无监护能力）")
    if status == ParentStatus.HOME:
        return ParentState(role, PRESENT, f"{label}在家")
    if status == ParentStatus.AWAY and parent is not None:
        state, reason = _away_state(label, parent, on, caliber)
        return ParentState(role, state, reason)
    # A status the caliber does not count as incapable (e.g. 重病 removed from the list).
    return ParentState(role, UNKNOWN, f"{label}{status_label}（按当前排查口径不视为无监护能力）")


# The child ---------------------------------------------------------------------------------------


def _over_age(child: ChildFacts, on: date) -> Assessment | None:
    # Rule 1. 国发〔2016〕13号: under 16; the 16th birthday counts as 16.
    if child.birth_date is None:
        return None
    age = age_on(child.birth_date, on)
    if age < AGE_LIMIT:
        return None
    reason = f"超龄：{on.isoformat()} 已满{AGE_LIMIT}周岁（{child.birth_date.isoformat()} 出生，{age}周岁）"
    return Assessment(Verdict.NOT_LEFT_BEHIND.value, (reason,), "over_age")


def _not_rural(child: ChildFacts) -> Assessment | None:
    # Rule 2. 农村留守儿童: a household registration that is not rural is excluded.
    if child.household_type != HouseholdType.URBAN:
        return None
    return Assessment(Verdict.NOT_LEFT_BEHIND.value, ("非农村户籍（城镇户籍），非留守儿童",), "not_rural")


def _parents_verdict(father: ParentState, mother: ParentState) -> tuple[str, str, str, tuple[str, ...]]:
    """Rules 3-7 on the two parent states: (verdict, rule, reason, flags)."""
    states = (father.state, mother.state)
    if states == (AWAY, AWAY):
        return Verdict.BOTH_AWAY.value, "both_away", "父母双方外出务工，认定为留守儿童", ()
    if AWAY in states and INCAPABLE in states:
        away, other = (father, mother) if father.state == AWAY else (mother, father)
        reason = f"{ROLE_LABELS[away.role]}外出务工、{ROLE_LABELS[other.role]}无监护能力，认定为留守儿童"
        return Verdict.ONE_AWAY_OTHER_INCAPABLE.value, "one_away_incapable", reason, ()
    if PRESENT in states:
        who = "父母" if states == (PRESENT, PRESENT) else ROLE_LABELS[(father, mother)[states.index(PRESENT)].role]
        return Verdict.NOT_LEFT_BEHIND.value, "parent_present", f"{who}在家履行监护，非留守儿童", ()
    if states == (INCAPABLE, INCAPABLE):
        reason = "父母双方均无监护能力，非留守儿童；请核查是否为事实无人抚养儿童"
        return Verdict.NOT_LEFT_BEHIND.value, "both_incapable", reason, (FLAG_DE_FACTO_UNSUPPORTED,)
    return Verdict.UNVERIFIED.value, "unverified", "父母情况不足以认定，待实地核实", ()


def assess(child: ChildFacts, *, on: date, caliber: Caliber = DEFAULT_CALIBER) -> Assessment:
    """The verdict (留守类型) of one child on the screening date ``on``, with its reasons.

    Order (DOMAIN.md): 1 over age, 2 not rural, 3 both away, 4 one away + one incapable,
    5 a parent present, 6 both incapable (flag 事实无人抚养), 7 otherwise 待核实.
    Choices for gaps: a missing birth date does not exclude (age unknown, flagged); an empty
    household type does not exclude either, but a left-behind verdict then becomes 待核实, since
    rural registration cannot be confirmed.
    """
    early = _over_age(child, on) or _not_rural(child)
    if early is not None:
        return early
    reasons: list[str] = []
    flags: list[str] = []
    if child.birth_date is None:
        reasons.append("出生日期未填写，未能判断年龄")
        flags.append(FLAG_BIRTH_DATE_MISSING)
    rural_unknown = child.household_type != HouseholdType.RURAL
    if rural_unknown:
        shown = child.household_type
        reasons.append(f"户籍类型“{shown}”无法识别" if shown else "户籍类型未填写")
    father = parent_state(child.adult(AdultRole.FATHER), on=on, caliber=caliber, role=AdultRole.FATHER.value)
    mother = parent_state(child.adult(AdultRole.MOTHER), on=on, caliber=caliber, role=AdultRole.MOTHER.value)
    reasons += [father.reason, mother.reason]
    verdict, rule, reason, rule_flags = _parents_verdict(father, mother)
    reasons.append(reason)
    flags += rule_flags
    if rural_unknown and verdict in (Verdict.BOTH_AWAY, Verdict.ONE_AWAY_OTHER_INCAPABLE):
        reasons.append("无法确认为农村户籍，待核实")
        flags.append(FLAG_HOUSEHOLD_TYPE_MISSING)
        verdict, rule = Verdict.UNVERIFIED.value, "unverified"
    return Assessment(verdict, tuple(reasons), rule, tuple(flags), (father, mother))
