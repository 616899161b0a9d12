"""Records of every kind a URL can name, one set in 汇龙镇 (亚光村: the director's village, the town staff's
town) and one in 南阳镇 (the outsider's town), built through the apps' services where they exist.

`build_world(users)` returns a World: `world.town["huilong"].child`, `world.town["nanyang"].visit`, ...
and the records that belong to no town (a campaign, a stored week, a column mapping, admin rows).
"""

import io
import json
from dataclasses import dataclass
from datetime import date, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.utils import timezone
from django_celery_results.models import GroupResult, TaskResult
from PIL import Image

from agreements.models import Agreement
from agreements.services import agreement_upload_scan, witness_name_for
from qidong_care.notifications.models import Notification
from registry.models import Child, ImportJob, Region
from registry.national.models import ColumnMapping, LineKind, ReconciliationLine, ReconciliationRun, Resolution
from reports.models import Campaign, SpotCheck
from reports.services.weekly import weekly_report_store
from reports.weeks import Week
from tests.agreements.scanfiles import png
from tests.conftest import DIRECTOR_VILLAGES, HUILONG, NANYANG
from tests.factories import make_child, sign_for_a_year
from tests.visits.conftest import routine
from visits.choices import ActivityAudience, ActivityType, Finding
from visits.models import Activity, Referral, Visit, VisitPhoto
from visits.services import visit_record

TOWNS = {"huilong": (HUILONG, DIRECTOR_VILLAGES[0]), "nanyang": (NANYANG, "320681106200")}  # 亚光村, 启兴村


@dataclass
class TownRecords:
    town: Region
    village: Region
    child: Child
    agreement: Agreement
    scan_history_id: int
    visit: Visit
    photo: VisitPhoto
    referral: Referral  # 失学辍学 → 教育部门: it has the parents' notice and the written report
    activity: Activity
    import_job: ImportJob
    run: ReconciliationRun
    line: ReconciliationLine
    spot_check: SpotCheck
    notification: Notification


@dataclass
class World:
    town: dict[str, TownRecords]
    campaign: Campaign
    week: str
    mapping: ColumnMapping
    group: Group
    attempt: AccessAttempt
    access_log: AccessLog
    failure_log: AccessFailureLog
    task_result: TaskResult
    group_result: GroupResult


def _photo(visit: Visit) -> VisitPhoto:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    photo = VisitPhoto(visit=visit, content_type="image/png", size=len(buffer.getvalue()))
    photo.file.save("visit.png", ContentFile(buffer.getvalue()))
    return photo


def _agreement(child: Child, user) -> tuple[Agreement, int]:
    """A signed agreement with its scan; the history id of the version that carries the scan."""
    on = timezone.localdate() - timedelta(days=30)
    agreement = sign_for_a_year(child, on=on, witness_name=witness_name_for(child.village), user=user)
    agreement = agreement_upload_scan(user=user, agreement=agreement, upload=png())
    return agreement, agreement.history.exclude(scan="").latest("history_id").history_id


def reconciliation_line(child: Child, user, *, kind: str, national: dict | None = None, diffs=()) -> ReconciliationLine:
    """A run of the child's town with one open finding about the child (national values, differences)."""
    run = ReconciliationRun.objects.create(town=child.town, started_by=user, file_name="全国系统导出.xlsx")
    return ReconciliationLine.objects.create(
        run=run,
        kind=kind,
        child=child,
        town=child.town,
        village=child.village,
        name=child.name,
        id_number_masked=child.id_number_masked,
        national_child_no=f"N{child.town.code}",
        national_json=json.dumps(national or {}, ensure_ascii=False),
        diffs_json=json.dumps(list(diffs), ensure_ascii=False),
        diff_fields=[diff["field"] for diff in diffs],
        resolution=Resolution.OPEN,
    )


def _town_records(town_code: str, village_code: str, *, staff, name: str) -> TownRecords:
    town, village = Region.objects.get(code=town_code), Region.objects.get(code=village_code)
    child = make_child(village, user=staff, name=name)
    agreement, scan_history_id = _agreement(child, staff)
    visit = visit_record(user=staff, child=child, data=routine(timezone.localdate()), findings=[Finding.OUT_OF_SCHOOL])
    line = reconciliation_line(child, staff, kind=LineKind.LIKELY)
    return TownRecords(
        town=town,
        village=village,
        child=child,
        agreement=agreement,
        scan_history_id=scan_history_id,
        visit=visit,
        photo=_photo(visit),
        referral=visit.referrals.get(trigger=Finding.OUT_OF_SCHOOL),
        activity=Activity.objects.create(
            town=town,
            village=village,
            type=ActivityType.CARE_HOME,
            title=f"{village.name}读书会",
            date=timezone.localdate(),
            place=f"{village.name}儿童之家",
            organiser=f"{town.name}民政办",
            audience=ActivityAudience.CHILDREN,
        ),
        import_job=ImportJob.objects.create(
            user=staff,
            original_name=f"{town.name}.xlsx",
            status=ImportJob.Status.COMMITTED,
            report=ContentFile(b"PK", name="report.xlsx"),
        ),
        run=line.run,
        line=line,
        spot_check=SpotCheck.objects.create(
            updated_on=timezone.localdate() - timedelta(days=1),
            drawn_on=timezone.localdate(),
            town=town,
            village=village,
            child=child,
        ),
        notification=Notification.objects.create(
            user=staff, kind=Notification.Kind.SPOT_CHECK, title="抽查发现问题", url="/", key=f"test-{town.code}"
        ),
    )


def _stored_week() -> str:
    week = Week.containing(timezone.localdate() - timedelta(days=7))
    return weekly_report_store(week=week)[0].week


def build_world(*, town_staff, outsider) -> World:
    staff = {"huilong": town_staff, "nanyang": outsider}
    names = {"huilong": "石红轩", "nanyang": "黄小南"}
    towns = {key: _town_records(*codes, staff=staff[key], name=names[key]) for key, codes in TOWNS.items()}
    when = timezone.now()
    return World(
        town=towns,
        campaign=Campaign.objects.create(name="冬季精准排查", starts_on=date(2026, 11, 1), ends_on=date(2026, 12, 31)),
        week=_stored_week(),
        mapping=ColumnMapping.objects.create(name="某格式", columns={"name": "姓名", "id_number": "身份证号"}),
        group=Group.objects.create(name="旧分组"),
        attempt=AccessAttempt.objects.create(username="someone", ip_address="10.0.0.1", failures_since_start=1),
        access_log=AccessLog.objects.create(username="someone", ip_address="10.0.0.1", attempt_time=when),
        failure_log=AccessFailureLog.objects.create(username="someone", ip_address="10.0.0.1", attempt_time=when),
        task_result=TaskResult.objects.create(task_id="task-1"),
        group_result=GroupResult.objects.create(group_id="group-1"),
    )
