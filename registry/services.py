"""Writes to the archive that span models: saving a child with its adults, exits, field checks.

Every write recomputes the verdict and quality items, records a dynamic update (动态更新) for the
day, keeps history (who, when, why) and refuses to overwrite a newer version (no silent overwrites).
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from qidong_care.core.crypto import blind_index

from .assessment import apply_assessment, child_facts, links_of, today
from .choices import LEFT_BEHIND_VERDICTS, AdultRole, ExitReason, FieldCheck, RosterStatus
from .history_user import attributed
from .models import Adult, ArchiveUpdate, Child, ChildAdult, Region, RegionLevel
from .rules.idnumber import (
    IdNumberError,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    parse_id_number,
)
from .rules.places import resolve_place


class ConcurrentEditError(ValidationError):
    """Somebody saved this record after the user opened it."""

    def __init__(self, who: str = "", *, what: str = "该档案"):
        by = f"（{who}）" if who else ""
        super().__init__(
            f"保存失败：您打开此页面后，{what}已被其他人{by}修改。您填写的内容仍保留在下方，"
            "请刷新查看最新内容后再提交。",
            code="concurrent_edit",
        )


@dataclass
class AdultInput:
    """What a form or an import row says about one adult in one role for one child."""

    name: str = ""
    id_number: str = ""
    phone: str = ""
    health: str = ""
    relation: str = ""
    status: str = ""
    work_place: str = ""
    departed_on: date | None = None
    # The version of the adult the form showed in this role (None: no check). A sibling's archive
    # may have changed the same adult since; then the save is refused rather than overwriting it.
    version: int | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.name or self.id_number or self.phone)

    def identity_key(self) -> tuple[str, ...]:
        """Who this input names: the ID number's hash, else name and phone (same person, same key)."""
        number = normalize_id_number(self.id_number) if self.id_number else ""
        if number:
            return ("id", blind_index(number))
        phone = normalize_phone(self.phone) if self.phone else ""
        return ("name", self.name.strip(), blind_index(phone))


CHILD_FIELDS = (
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "village",
    "household_type",
    "household_address",
    "current_address",
    "health",
    "disability_type",
    "disability_level",
    "schooling",
    "school",
    "grade",
    "boarding",
    "living_arrangement",
    "family_economy",
    "contact_frequency",
    "director_name",
    "director_phone",
    "notes",
    "national_child_no",
)


# --- identity --------------------------------------------------------------------------------------


def set_child_identity(child: Child, raw_id_number: str) -> None:
    """Validate the ID number (GB 11643) and fill birth date and gender from it."""
    number = normalize_id_number(raw_id_number)
    try:
        info = parse_id_number(number, today=today())
    except IdNumberError as exc:
        raise ValidationError({"id_number": exc.message}, code=exc.code) from None
    child.id_number = info.number
    child.id_number_hash = blind_index(info.number)
    child.id_number_masked = mask_id_number(info.number)
    child.birth_date = info.birth_date
    child.gender = info.gender


def ensure_unique_child(child: Child) -> None:
    clash = Child.objects.filter(id_number_hash=child.id_number_hash).exclude(pk=child.pk).first()
    if clash is not None:
        raise ValidationError(
            {"id_number": f"该身份证号码已建档（{clash.name}，{clash.village.name}），同一儿童不能重复录入。"},
            code="duplicate_id",
        )


DuplicateKey = tuple[str, date | None, int | None]


def duplicate_key(child: Child) -> DuplicateKey:
    return child.name, child.birth_date, child.village_id


def flag_likely_duplicates(child: Child, *, previous: DuplicateKey | None = None) -> None:
    """Same name, birth date and village but another ID number: flagged to staff, never merged.
    When the child leaves a group (`previous`, its key before the edit), a child left alone there
    is no longer a likely duplicate."""
    name, birth_date, village_id = duplicate_key(child)
    others = Child.objects.filter(name=name, birth_date=birth_date, village_id=village_id).exclude(pk=child.pk)
    child.likely_duplicate = others.exists()
    if child.likely_duplicate:
        others.filter(likely_duplicate=False).update(likely_duplicate=True)
    if previous is not None and previous != duplicate_key(child):
        name, birth_date, village_id = previous
        left = Child.objects.filter(name=name, birth_date=birth_date, village_id=village_id).exclude(pk=child.pk)
        alone = list(left.values_list("pk", flat=True)[:2])
        if len(alone) == 1:
            Child.objects.filter(pk=alone[0]).update(likely_duplicate=False)


# --- adults ----------------------------------------------------------------------------------------


def set_adult_identity(adult: Adult, data: AdultInput) -> None:
    number = normalize_id_number(data.id_number) if data.id_number else ""
    adult.id_number = number
    adult.id_number_hash = blind_index(number)
    adult.id_number_masked = mask_id_number(number)
    phone = normalize_phone(data.phone) if data.phone else ""
    adult.phone = phone
    adult.phone_hash = blind_index(phone)
    adult.phone_masked = mask_phone(phone)


def set_adult_facts(adult: Adult, data: AdultInput) -> None:
    adult.name = data.name.strip()
    adult.health = data.health
    adult.status = data.status
    adult.work_place = data.work_place.strip()
    adult.departed_on = data.departed_on
    place = resolve_place(adult.work_place) if adult.work_place else None
    adult.work_place_code = place.code if place else ""
    adult.work_place_resolved = place.name if place else ""
    set_adult_identity(adult, data)


def find_adult(data: AdultInput, *, current: Adult | None, family_ids: set[int]) -> Adult | None:
    """Match by ID number; else the adult already in this role; else name + phone in the family."""
    number = normalize_id_number(data.id_number) if data.id_number else ""
    if number:
        match = Adult.objects.filter(id_number_hash=blind_index(number)).first()
        if match is not None:
            return match
        if current is not None and not current.id_number:
            return current
        return None
    if current is not None:
        return current
    phone = normalize_phone(data.phone) if data.phone else ""
    if data.name and phone and family_ids:
        return Adult.objects.filter(pk__in=family_ids, name=data.name.strip(), phone_hash=blind_index(phone)).first()
    return None


def adult_changed(adult: Adult, before: dict[str, Any]) -> bool:
    return any(getattr(adult, name) != value for name, value in before.items())


ADULT_TRACKED = ("name", "id_number", "phone", "health", "status", "work_place", "departed_on")


def last_editor(record: Child | Adult) -> str:
    """Who saved this child or adult last (for the "changed meanwhile" message)."""
    latest = type(record).history.filter(id=record.pk).select_related("history_user").first()
    editor = latest.history_user if latest is not None else None
    return (editor.get_full_name() or editor.username) if editor is not None else ""


def save_adult(data: AdultInput, *, current: Adult | None, family_ids: set[int], reason: str) -> tuple[Adult, bool]:
    adult = find_adult(data, current=current, family_ids=family_ids) or Adult()
    before = {name: getattr(adult, name) for name in ADULT_TRACKED} if adult.pk else {}
    set_adult_facts(adult, data)
    changed = adult.pk is None or adult_changed(adult, before)
    stale = data.version is not None and current is not None and adult.pk == current.pk
    if changed and stale and adult.version != data.version:
        # Changed since the form was opened (through a sibling's archive): no silent overwrite.
        raise ConcurrentEditError(last_editor(adult), what=f"{adult.name}的信息（在其他儿童的档案中）")
    if changed:
        if adult.pk:
            # Bumped in SQL first, from the version read (the history record then copies a plain
            # number, not an F()); a save in between makes it match nothing: refused, not overwritten.
            if not Adult.objects.filter(pk=adult.pk, version=adult.version).update(version=F("version") + 1):
                raise ConcurrentEditError(last_editor(adult), what=f"{adult.name}的信息（在其他儿童的档案中）")
            adult.refresh_from_db(fields=["version"])
        adult._change_reason = reason
        adult.save()
    return adult, changed


def link_adults(child: Child, adults: dict[str, AdultInput | None], *, reason: str) -> tuple[bool, set[int]]:
    """Create, update or remove the child's father, mother, guardian and carer.

    Returns whether anything changed, and the ids of adults whose own facts changed (their other
    children must be reassessed too). One person named in two roles (the carer is the guardian, the
    guardian is the father) is one adult linked twice; their facts come from the first role, in the
    order father, mother, guardian, carer."""
    existing = {link.role: link for link in child.links.select_related("adult")}
    family_ids = {link.adult_id for link in existing.values()}
    changed, touched = False, set()
    saved: dict[tuple[str, ...], Adult] = {}
    for role in AdultRole.values:
        if role not in adults:
            continue
        data, link = adults[role], existing.get(role)
        if data is None or data.is_empty:
            if link is not None:
                link._change_reason = reason
                link.delete()
                changed = True
            continue
        adult = saved.get(data.identity_key())
        adult_was_changed = False
        if adult is None:
            adult, adult_was_changed = save_adult(
                data, current=link.adult if link else None, family_ids=family_ids, reason=reason
            )
            saved[data.identity_key()] = adult
        if adult_was_changed:
            touched.add(adult.pk)
            changed = True
        if link is None:
            link = ChildAdult(child=child, adult=adult, role=role, relation=data.relation)
        elif link.adult_id == adult.pk and link.relation == data.relation:
            continue
        link.adult, link.relation = adult, data.relation
        link._change_reason = reason
        link.save()
        changed = True
    return changed, touched


# --- the child -------------------------------------------------------------------------------------


def record_archive_update(children: list[Child], *, on: date | None = None) -> None:
    """动态更新 (通知 三.2): at most one row per child and day."""
    on = on or today()
    ArchiveUpdate.objects.bulk_create(
        [ArchiveUpdate(child_id=c.pk, town_id=c.town_id, on=on) for c in children], ignore_conflicts=True
    )


def archive_changed(children: list[Child], *, source: str, user=None) -> None:
    """Let downstream apps react to changed archives (settings.ARCHIVE_CHANGE_HANDLERS), inside the
    same transaction: an agreement to re-sign, a referral to open (通知 二.4). `children` are Child
    instances, or (from a roster import) registry.roster.changed.WrittenChild records with the same
    attribute names; handlers read pk, town_id, village_id, roster_status and the archive's facts."""
    if not children:
        return
    for path in settings.ARCHIVE_CHANGE_HANDLERS:
        import_string(path)(children, source=source, user=user)


def reassess(child: Child, *, reason: str, on: date | None = None) -> None:
    """Recompute and store verdict, reasons, quality and roster status from the stored facts."""
    apply_assessment(child, child_facts(child, links_of(child)), on=on)
    child._change_reason = reason
    child.save()


def reassess_children_of(adult_ids: set[int], *, exclude: int | None, reason: str) -> list[Child]:
    """The other children of these adults, re-read under a row lock (an edit of a sibling that is
    under way finishes first, and is not overwritten by a copy read before it) and reassessed."""
    ids = Child.objects.filter(links__adult_id__in=adult_ids).exclude(pk=exclude).values("pk")
    siblings = list(Child.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for sibling in siblings:
        reassess(sibling, reason=reason)
    record_archive_update(siblings)
    return siblings


def lock_household(child: Child) -> None:
    """Lock the child's row and those of every child sharing an adult with it, in id order, before
    anything is read or written. Two people saving siblings at once then take turns instead of
    deadlocking (one holding a sibling, the other the shared parent), and the second one reads what
    the first one saved: a shared adult changed meanwhile is refused by its version (no overwrite)."""
    adults = ChildAdult.objects.filter(child_id=child.pk).values("adult_id")
    household = Child.objects.filter(Q(pk=child.pk) | Q(links__adult_id__in=adults)).values("pk")
    list(Child.objects.select_for_update().filter(pk__in=household).order_by("pk").values_list("pk", flat=True))


def _bump_version(child: Child, expected_version: int | None) -> None:
    if child.pk is None:
        return
    if expected_version is None:
        expected_version = child.version
    updated = Child.objects.filter(pk=child.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise ConcurrentEditError(last_editor(child))
    child.version = expected_version + 1


def _check_village(village: Region) -> None:
    if village.level != RegionLevel.VILLAGE or not village.active:
        raise ValidationError({"village": "请选择一个有效的村（社区）。"}, code="unknown_region")


EXITED_READ_ONLY = "该儿童已退出在册名单，档案只读，不能再修改。"


@attributed
@transaction.atomic
def child_save(
    *,
    user,
    child: Child | None,
    data: dict[str, Any],
    adults: dict[str, AdultInput | None],
    expected_version: int | None = None,
    reason: str = "在线录入",
) -> Child:
    """Create or update one child with its adults (the survey form). `data` holds CHILD_FIELDS plus
    `id_number`; `adults` maps roles to what the form says (None removes the role).
    An exited child's archive is read-only (DOMAIN.md): saving it is refused."""
    child = child or Child(created_by=user)
    if child.pk is not None and child.is_exited:
        raise ValidationError(EXITED_READ_ONLY, code="exited")
    previous_key = duplicate_key(child) if child.pk is not None else None
    if child.pk is not None:
        lock_household(child)
    _bump_version(child, expected_version)
    for name in CHILD_FIELDS:
        if name in data:
            setattr(child, name, data[name])
    if "id_number" in data:
        set_child_identity(child, data["id_number"])
    _check_village(child.village)
    child.town_id = child.village.parent_id
    ensure_unique_child(child)
    flag_likely_duplicates(child, previous=previous_key)
    child._change_reason = reason
    child.save()
    _, touched = link_adults(child, adults, reason=reason)
    reassess(child, reason=reason)
    record_archive_update([child])
    siblings = []
    if touched:
        siblings = reassess_children_of(touched, exclude=child.pk, reason=f"{reason}（同户成年人信息变更）")
    archive_changed([child, *siblings], source=reason, user=user)
    return child


@attributed
@transaction.atomic
def child_exit(
    *, user, child: Child, reason: str, on: date, note: str = "", expected_version: int | None = None
) -> Child:
    """Leave the roster with a reason; the archive stays, read-only (DOMAIN.md)."""
    if reason not in ExitReason.values:
        raise ValidationError({"reason": "请选择退出原因。"})
    if child.is_exited:
        raise ValidationError("该儿童已退出，无需重复操作。")
    if on > today():
        raise ValidationError({"on": "退出日期不能晚于今天。"})
    _bump_version(child, expected_version)
    child.exit_reason, child.exit_date, child.exit_note = reason, on, note
    child.roster_status = RosterStatus.EXITED
    child._change_reason = f"退出：{ExitReason(reason).label}"
    child.save()
    record_archive_update([child])
    archive_changed([child], source="退出", user=user)
    return child


@attributed
@transaction.atomic
def child_field_check(
    *, user, child: Child, outcome: str, verdict: str = "", note: str, expected_version: int | None = None
) -> Child:
    """Confirm or reject a suspected (待核实) child after a field check, with a note (通知 二.1)."""
    if child.roster_status != RosterStatus.SUSPECTED:
        raise ValidationError("只有待核实的儿童需要实地核实。", code="not_suspected")
    if outcome not in (FieldCheck.CONFIRMED, FieldCheck.REJECTED):
        raise ValidationError({"outcome": "请选择核实结论。"})
    if outcome == FieldCheck.CONFIRMED and verdict not in LEFT_BEHIND_VERDICTS:
        raise ValidationError({"verdict": "确认为留守儿童时，请选择留守类型。"})
    if not note.strip():
        raise ValidationError({"note": "请填写核实说明。"})
    _bump_version(child, expected_version)
    child.field_check, child.field_check_note = outcome, note.strip()
    child.field_check_verdict = verdict if outcome == FieldCheck.CONFIRMED else ""
    child.field_checked_at = timezone.now()
    reassess(child, reason="实地核实")
    record_archive_update([child])
    archive_changed([child], source="实地核实", user=user)
    return child
