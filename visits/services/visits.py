"""Recording a visit (通知 二.4: 一月一访, 分类评估帮扶): the assessment, the photos, the referrals its
findings open, and the archive changes it found — all in one transaction."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from registry.assessment import today
from registry.choices import AdultRole, LivingArrangement, ParentStatus, Schooling
from registry.models import Child, ChildAdult
from registry.services import AdultInput, child_save

from ..choices import Finding, ReferralSource, Service
from ..escalation.rules import findings_from_visit, raise_risk
from ..models import Visit, VisitPhoto
from ..photos import CheckedPhoto
from .referrals import referrals_open, visit_opened_at

# The assessment fields a visit form sends (`data` keys); the rest of Visit is set here.
VISIT_FIELDS = (
    "date",
    "kind",
    "mode",
    "safety_home",
    "safety_home_note",
    "safety_fire",
    "safety_fire_note",
    "safety_water",
    "safety_water_note",
    "safety_traffic",
    "safety_traffic_note",
    "guardianship",
    "guardianship_note",
    "physical_health",
    "physical_health_note",
    "mental_health",
    "mental_health_note",
    "schooling",
    "schooling_note",
    "contact_methods",
    "contact_frequency",
    "needs",
    "risk_level",
    "services",
    "notes",
)
# What an out-of-school or hardship finding brings with it (通知 二.4: 劝学返学, 纳入保障范围).
SERVICES_FOR = {Finding.OUT_OF_SCHOOL: Service.BACK_TO_SCHOOL, Finding.HARDSHIP: Service.SOCIAL_ASSISTANCE}
ARCHIVE_REASON = "走访更新"


@dataclass
class ArchiveChange:
    """What a visit found changed in the archive (the form's 档案变化 section)."""

    father_home: bool = False
    mother_home: bool = False
    new_carer: AdultInput | None = None
    dropped_out: bool = False
    living_alone: bool = False
    labels: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.father_home or self.mother_home or self.new_carer or self.dropped_out or self.living_alone)


def month_of(day: date) -> date:
    return day.replace(day=1)


def _parent_home(links: dict[str, ChildAdult], role: str) -> AdultInput:
    link = links.get(role)
    label = AdultRole(role).label
    if link is None:
        raise ValidationError({f"{role}_home": f"档案中没有{label}的信息，请到儿童档案中补充。"})
    adult = link.adult
    return AdultInput(
        name=adult.name,
        id_number=adult.id_number,
        phone=adult.phone,
        health=adult.health,
        relation=link.relation,
        status=ParentStatus.HOME,
        work_place=adult.work_place,
        departed_on=adult.departed_on,
    )


def archive_input(child: Child, change: ArchiveChange) -> tuple[dict[str, Any], dict[str, AdultInput], list[str]]:
    """The child fields and adult roles `child_save` must change (only those), with their labels."""
    data: dict[str, Any] = {}
    adults: dict[str, AdultInput] = {}
    labels: list[str] = []
    links = {link.role: link for link in child.links.select_related("adult")}
    for role, flagged in ((AdultRole.FATHER, change.father_home), (AdultRole.MOTHER, change.mother_home)):
        if flagged:
            adults[role] = _parent_home(links, role)
            labels.append(f"{AdultRole(role).label}已返乡，状况改为“在家”")
    if change.new_carer is not None:
        adults[AdultRole.CARER] = change.new_carer
        labels.append(f"委托照护人变更为{change.new_carer.name}")
    if change.dropped_out and child.schooling != Schooling.DROPPED_OUT:
        data["schooling"] = Schooling.DROPPED_OUT
        labels.append("就学状况改为“辍学”")
    if change.living_alone and child.living_arrangement != LivingArrangement.ALONE:
        data["living_arrangement"] = LivingArrangement.ALONE
        labels.append("居住情况改为“独居”")
    return data, adults, labels


def _check_date(visit_date: date) -> None:
    if visit_date > today():
        raise ValidationError({"date": "走访日期不能晚于今天。"})
    if visit_date < date(today().year - 1, 1, 1):
        raise ValidationError({"date": "走访日期过早，请核对。"})


def _replayed(client_token: uuid.UUID | None, *, user, child: Child) -> Visit | None:
    """A form re-sent after its answer was lost (weak signal) finds the visit it already saved."""
    if client_token is None:
        return None
    visit = Visit.objects.filter(client_token=client_token).first()
    if visit is not None and (visit.child_id != child.pk or visit.recorded_by_id != user.pk):
        raise ValidationError("此表单已提交过，请重新打开走访表单。", code="token_reused")
    return visit


@transaction.atomic
def visit_record(
    *,
    user,
    child: Child,
    data: dict[str, Any],
    findings: list[str] = (),
    photos: list[CheckedPhoto] = (),
    archive: ArchiveChange | None = None,
    client_token: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> Visit:
    """Record one visit. Its findings (ticked, or implied by the assessment and the archive changes)
    open referrals (通知 二.4); the risk level is raised to what they imply; the archive changes are
    saved through registry.services.child_save (history, verdict recomputed, dynamic update)."""
    replayed = _replayed(client_token, user=user, child=child)
    if replayed is not None:
        return replayed
    if child.is_exited:
        raise ValidationError("该儿童已退出花名册，不能再记录走访。")
    _check_date(data["date"])
    archive = archive or ArchiveChange()
    child_data, adults, labels = archive_input(child, archive) if archive.any else ({}, {}, [])
    found = findings_from_visit(
        marked=findings,
        guardianship=data.get("guardianship", ""),
        physical_health=data.get("physical_health", ""),
        schooling=data.get("schooling", ""),
        now_alone=archive.living_alone,
        now_dropped_out=archive.dropped_out,
    )
    visit = Visit(child=child, town_id=child.town_id, village_id=child.village_id, recorded_by=user)
    for name in VISIT_FIELDS:
        if name in data:
            setattr(visit, name, data[name])
    visit.month = month_of(visit.date)
    visit.findings = found
    visit.risk_level = raise_risk(visit.risk_level, found)
    extra = [SERVICES_FOR[f] for f in found if f in SERVICES_FOR]
    visit.services = [s for s in Service.values if s in set(visit.services) | set(extra)]
    visit.archive_changes = labels
    visit.client_token = client_token
    visit._change_reason = "记录走访"
    visit.save()
    referrals_open(
        [(child, finding) for finding in found],
        source=ReferralSource.VISIT,
        user=user,
        visit=visit,
        now=visit_opened_at(visit.date, timezone.now()),
    )
    if child_data or adults:
        child_save(
            user=user,
            child=child,
            data=child_data,
            adults=adults,
            expected_version=expected_version,
            reason=ARCHIVE_REASON,
        )
    for photo in photos:  # last: nothing else can fail after the files are written
        stored = VisitPhoto(visit=visit, content_type=photo.content_type, size=len(photo.content))
        stored.file.save("photo", ContentFile(photo.content), save=True)
    return visit
