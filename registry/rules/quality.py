"""Data-quality items of one child's archive: missing information (信息缺失) and errors (信息错误).

# 启民发〔2023〕99号 二.3: "儿童本人、监护人、委托照护人身份信息、健康状况、监护情况、户籍地址、父母务工地点、
#   就学情况等基本信息完备" — each gap is a missing item; a contradiction is an error item.
# 启民发〔2023〕99号 三.2: "每周调度各地农村留守儿童信息缺失、错误及更新情况": stable codes, counted weekly.
Each check is a tiny function in ``MISSING_CHECKS`` / ``ERROR_CHECKS``; add new ones there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from registry.choices import AdultRole, Health, ParentStatus, Relation, Schooling, Verdict
from registry.rules.eligibility import AGE_LIMIT, DEFAULT_CALIBER
from registry.rules.facts import AdultFacts, Caliber, ChildFacts
from registry.rules.idnumber import IdInfo, IdNumberError, age_on, is_valid_phone, parse_id_number

MISSING_LABELS: dict[str, str] = {
    "child_identity": "儿童身份信息缺失",
    "child_health": "儿童健康状况缺失",
    "household_address": "户籍地址缺失",
    "schooling": "就学情况缺失",
    "living_arrangement": "监护情况（居住情况）缺失",
    "guardian": "无监护人信息",
    "guardian_identity": "监护人身份信息缺失",
    "guardian_phone": "监护人联系电话缺失",
    "carer": "无委托照护人信息",
    "carer_identity": "委托照护人身份信息缺失",
    "carer_phone": "委托照护人联系电话缺失",
    "father_status": "父亲状况缺失",
    "mother_status": "母亲状况缺失",
    "father_work_place": "父亲务工地点缺失",
    "mother_work_place": "母亲务工地点缺失",
    "father_departure": "父亲外出务工时间缺失",
    "mother_departure": "母亲外出务工时间缺失",
}

ERROR_LABELS: dict[str, str] = {
    "id_format": "身份证号码格式错误",
    "id_checksum": "身份证号码校验码错误",
    "phone": "联系电话无效",
    "over_age": "儿童已满16周岁（超龄）",
    "date_future": "日期晚于今天",
    "carer_parent_away": "委托照护人是外出务工的父亲或母亲",
    "guardian_parent_away": "监护人是外出务工的父亲或母亲",
    "guardian_minor": "监护人未满18周岁",
    "carer_minor": "委托照护人未满18周岁",
    "parent_gender": "父母性别与身份证号码不符",
    "parent_too_young": "父母与儿童年龄差不足14岁",
    "schooling_age": "就学状况与年龄不符",
    "boarding_not_in_school": "寄宿但不在学",
    "disability_inconsistent": "残疾信息与健康状况不符",
}

ADULT_LABELS = {
    AdultRole.FATHER.value: "父亲",
    AdultRole.MOTHER.value: "母亲",
    AdultRole.GUARDIAN.value: "监护人",
    AdultRole.CARER.value: "委托照护人",
}

ADULT_AGE = 18  # a guardian or carer must be an adult
MIN_PARENT_GAP = 14  # years between a parent's and the child's birth below which the IDs are suspect
SCHOOL_AGE = (7, 15)  # 义务教育 ages: such a child should not be 未入园/幼儿园/学龄前
PRESCHOOL = {Schooling.NOT_IN_KINDERGARTEN, Schooling.KINDERGARTEN, Schooling.PRESCHOOL}
IN_SCHOOL_LEVELS = {Schooling.PRIMARY, Schooling.JUNIOR, Schooling.SENIOR, Schooling.VOCATIONAL}
NOT_IN_SCHOOL = {Schooling.DROPPED_OUT, Schooling.NOT_IN_SCHOOL, Schooling.NOT_IN_KINDERGARTEN}
DISABLED = {Health.DISABLED, Health.ILL_AND_DISABLED}
LEFT_BEHIND = {Verdict.BOTH_AWAY, Verdict.ONE_AWAY_OTHER_INCAPABLE}


@dataclass(frozen=True)
class Quality:
    missing: tuple[str, ...] = ()  # MISSING_LABELS codes, in check order, no repeats
    errors: tuple[str, ...] = ()  # ERROR_LABELS codes, in check order, no repeats
    notes: tuple[str, ...] = ()  # the details in Chinese, one per finding (which adult, which value)


@dataclass
class _Context:
    child: ChildFacts
    on: date
    caliber: Caliber
    verdict: str | None

    def adult(self, role: str) -> AdultFacts | None:
        return self.child.adult(role)

    @cached_property
    def parents(self) -> tuple[AdultFacts, ...]:
        return tuple(p for p in (self.adult(AdultRole.FATHER), self.adult(AdultRole.MOTHER)) if p)

    @cached_property
    def _parsed(self) -> dict[str, IdInfo | IdNumberError]:
        return {}

    def parsed(self, number: str) -> IdInfo | IdNumberError:
        """An ID number read once per check, however many checks look at it."""
        found = self._parsed.get(number)
        if found is None:
            try:
                found = parse_id_number(number, today=self.on)
            except IdNumberError as error:
                found = error
            self._parsed[number] = found
        return found

    def info(self, number: str) -> IdInfo | None:
        """The parsed ID number, or None when empty or invalid (reported by ``_id_numbers``)."""
        if not number:
            return None
        found = self.parsed(number)
        return None if isinstance(found, IdNumberError) else found

    @cached_property
    def child_birth(self) -> date | None:
        if self.child.birth_date is not None:
            return self.child.birth_date
        info = self.info(self.child.id_number)
        return info.birth_date if info else None


Finding = tuple[str, str]  # (code, note)
Check = Callable[[_Context], Iterable[Finding]]


def _label(person: AdultFacts) -> str:
    return ADULT_LABELS.get(person.role, "成年人")


def _is_away(person: AdultFacts | None) -> bool:
    return person is not None and person.status == ParentStatus.AWAY


# Missing items -----------------------------------------------------------------------------------


def _child_missing(ctx: _Context) -> Iterable[Finding]:
    child = ctx.child
    if not child.name.strip() or not child.id_number or child.birth_date is None:
        yield "child_identity", "儿童姓名、身份证号码或出生日期未填写"
    fields = (
        ("child_health", child.health, "健康状况"),
        ("household_address", child.household_address.strip(), "户籍地址"),
        ("schooling", child.schooling, "就学状况"),
        ("living_arrangement", child.living_arrangement, "居住情况"),
    )
    for code, value, name in fields:
        if not value:
            yield code, f"儿童{name}未填写"


def _needs_carer(ctx: _Context) -> bool:
    # 启民发〔2023〕99号 二.2: a carer and an agreement for every child whose parents are away.
    if ctx.verdict is not None:
        return ctx.verdict in LEFT_BEHIND
    return any(_is_away(parent) for parent in ctx.parents)


def _people_missing(ctx: _Context) -> Iterable[Finding]:
    for role in (AdultRole.GUARDIAN.value, AdultRole.CARER.value):
        person = ctx.adult(role)
        label = ADULT_LABELS[role]
        if person is None:
            if role == AdultRole.GUARDIAN or _needs_carer(ctx):
                yield role, f"未登记{label}"
            continue
        if not person.name.strip() or not person.id_number:
            yield f"{role}_identity", f"{label}姓名或身份证号码未填写"
        if not person.phone.strip():
            yield f"{role}_phone", f"{label}联系电话未填写"


def _parents_missing(ctx: _Context) -> Iterable[Finding]:
    for role in (AdultRole.FATHER.value, AdultRole.MOTHER.value):
        parent = ctx.adult(role)
        label = ADULT_LABELS[role]
        if parent is None or not parent.status:
            yield f"{role}_status", f"{label}状况未填写"
        elif _is_away(parent):
            if not parent.work_place.strip():
                yield f"{role}_work_place", f"{label}外出务工但务工地点未填写"
            if parent.departed_on is None:
                yield f"{role}_departure", f"{label}外出务工但外出时间未填写"


MISSING_CHECKS: list[Check] = [_child_missing, _people_missing, _parents_missing]


# Error items -------------------------------------------------------------------------------------


def _id_numbers(ctx: _Context) -> Iterable[Finding]:
    for person in ctx.child.adults:
        if not person.id_number:
            continue
        found = ctx.parsed(person.id_number)
        if isinstance(found, IdNumberError):
            yield found.code, f"{_label(person)}身份证号码：{found.message}"


def _phones(ctx: _Context) -> Iterable[Finding]:
    for person in ctx.child.adults:
        if person.phone.strip() and not is_valid_phone(person.phone):
            yield "phone", f"{_label(person)}联系电话“{person.phone}”不是有效的手机或固定电话号码"


def _over_age(ctx: _Context) -> Iterable[Finding]:
    # 启民发〔2023〕99号 二.3: 剔除超龄儿童 (16 and over, 国发〔2016〕13号).
    if ctx.child_birth is not None and age_on(ctx.child_birth, ctx.on) >= AGE_LIMIT:
        yield "over_age", f"儿童{ctx.child_birth.isoformat()}出生，已满{AGE_LIMIT}周岁"


def _future_dates(ctx: _Context) -> Iterable[Finding]:
    dates = [(f"{_label(p)}外出务工时间", p.departed_on) for p in ctx.child.adults]
    dates += [("委托照护协议签订日期", ctx.child.agreement_signed_on), ("出生日期", ctx.child.birth_date)]
    for name, value in dates:
        if value is not None and value > ctx.on:
            yield "date_future", f"{name}{value.isoformat()}晚于今天"


def _which_parent(ctx: _Context, person: AdultFacts) -> AdultFacts | None:
    """The parent this guardian/carer is: by relation 父亲/母亲, or by the same ID number."""
    by_relation = {
        Relation.FATHER.value: AdultRole.FATHER.value,
        Relation.MOTHER.value: AdultRole.MOTHER.value,
    }
    if person.relation in by_relation:
        return ctx.adult(by_relation[person.relation])
    for parent in ctx.parents:
        if person.id_number and parent.id_number == person.id_number:
            return parent
    return None


def _parent_away_roles(ctx: _Context) -> Iterable[Finding]:
    # A parent working away cannot be the one who cares for the child at home (DOMAIN.md: 委托照护).
    for role in (AdultRole.GUARDIAN.value, AdultRole.CARER.value):
        person = ctx.adult(role)
        parent = _which_parent(ctx, person) if person else None
        if parent is not None and _is_away(parent):
            yield f"{role}_parent_away", f"{ADULT_LABELS[role]}是外出务工的{_label(parent)}"


def _minor_adults(ctx: _Context) -> Iterable[Finding]:
    for role in (AdultRole.GUARDIAN.value, AdultRole.CARER.value):
        person = ctx.adult(role)
        info = ctx.info(person.id_number) if person else None
        if info and age_on(info.birth_date, ctx.on) < ADULT_AGE:
            yield (
                f"{role}_minor",
                f"{ADULT_LABELS[role]}{info.birth_date.isoformat()}出生，未满{ADULT_AGE}周岁",
            )


def _parent_ids(ctx: _Context) -> Iterable[Finding]:
    expected = {AdultRole.FATHER.value: "M", AdultRole.MOTHER.value: "F"}
    for parent in ctx.parents:
        info = ctx.info(parent.id_number)
        if info is None:
            continue
        if info.gender != expected[parent.role]:
            yield (
                "parent_gender",
                f"{_label(parent)}身份证号码第17位显示性别为{'男' if info.gender == 'M' else '女'}",
            )
        born = ctx.child_birth
        if born is not None and age_on(info.birth_date, born) < MIN_PARENT_GAP:
            yield (
                "parent_too_young",
                f"{_label(parent)}{info.birth_date.isoformat()}出生，与儿童年龄差不足14岁",
            )


def _schooling_age(ctx: _Context) -> Iterable[Finding]:
    if ctx.child_birth is None or not ctx.child.schooling:
        return
    age = age_on(ctx.child_birth, ctx.on)
    low, high = SCHOOL_AGE
    if low <= age <= high and ctx.child.schooling in PRESCHOOL:
        yield "schooling_age", f"儿童{age}周岁，就学状况不应为学龄前阶段"
    if age < 3 and ctx.child.schooling in IN_SCHOOL_LEVELS:
        yield "schooling_age", f"儿童{age}周岁，不应已入小学及以上"


def _boarding(ctx: _Context) -> Iterable[Finding]:
    if ctx.child.boarding and ctx.child.schooling in NOT_IN_SCHOOL:
        yield "boarding_not_in_school", "儿童登记为寄宿，但就学状况为不在学"


def _disability(ctx: _Context) -> Iterable[Finding]:
    child = ctx.child
    if (child.disability_type or child.disability_level) and child.health not in DISABLED:
        yield "disability_inconsistent", "填写了残疾类别或等级，但健康状况不是残疾"
    elif child.health in DISABLED and not child.disability_type:
        yield "disability_inconsistent", "健康状况为残疾，但残疾类别未填写"


ERROR_CHECKS: list[Check] = [
    _id_numbers,
    _phones,
    _over_age,
    _future_dates,
    _parent_away_roles,
    _minor_adults,
    _parent_ids,
    _schooling_age,
    _boarding,
    _disability,
]


def _run(checks: list[Check], ctx: _Context) -> tuple[tuple[str, ...], list[str]]:
    codes: dict[str, None] = {}
    notes: list[str] = []
    for check in checks:
        for code, note in check(ctx):
            codes.setdefault(code)
            notes.append(note)
    return tuple(codes), notes


def check(child: ChildFacts, *, on: date, caliber: Caliber = DEFAULT_CALIBER, verdict: str | None = None) -> Quality:
    """The missing and error items of one child on ``on``.

    ``verdict`` (a Verdict value) decides whether a carer is required (left-behind verdicts only);
    without it, a carer is required when a parent's status is 外出务工.
    """
    ctx = _Context(child, on, caliber, verdict)
    missing, missing_notes = _run(MISSING_CHECKS, ctx)
    errors, error_notes = _run(ERROR_CHECKS, ctx)
    return Quality(missing, errors, tuple(missing_notes + error_notes))
