"""Restricted fields (issue 8.4): health, disability and violence-related findings reach only the roles
holding Capability.VIEW_RESTRICTED ("查看健康、残疾和家暴相关信息": the town staff, the children's
director, the bureau). The inspector reads archives without it; the administrator imports rosters and
runs reconciliations without it; the auditor reads the audit log.

How the code decides: `user.can(Capability.VIEW_RESTRICTED)` in the archive page (registry.views.archive:
restricted facts, and registry.history drops health changes), the archive's visits section and the
visit page (visits.sections, visits.views), the referral banners (visits.access.reads_referrals), the
roster export (registry.roster.export: the columns are left out), the import preview
(registry.roster.preview) and the national pages and export (registry.national.display, .export).
"""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qidong_care.accounts.roles import ROLE_CAPABILITIES, Capability, Role
from registry.choices import DisabilityLevel, DisabilityType, Health
from registry.national.form import NATIONAL_FIELDS
from registry.national.models import LineKind, ReconciliationLine, ReconciliationRun
from registry.services import child_save
from reports.models import SpotCheck
from reports.services.weekly import weekly_report_store
from reports.weeks import Week
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child
from tests.visits.conftest import routine
from visits.choices import Finding
from visits.services import visit_record

from .world import reconciliation_line

# What must not leak, by what it is; each value is distinctive enough to be searched for in a page.
MARKERS = {
    "health": str(Health.ILL_AND_DISABLED.label),  # 患病且残疾
    "disability type": str(DisabilityType.LIMB.label),  # 肢体
    "disability level": str(DisabilityLevel.LEVEL_2.label),  # 二级
    # The field itself, in the facts and in the history of changes (which never shows old values).
    "disability level field": "残疾等级",
    "violence finding": str(Finding.VIOLENCE.label),  # 疑似遭受家庭暴力
    "physical health note": "右腿骨折尚未愈合",
    "mental health note": "夜间常惊醒哭闹",
    "guardianship note": "祖父酒后打骂",
    "visit notes": "邻居反映常听到哭声",
}
ARCHIVE = ("health", "disability type", "disability level", "disability level field", "violence finding")
VISIT = ("violence finding", "physical health note", "mental health note", "guardianship note", "visit notes")
WITH_RESTRICTED = ("town_staff", "director", "bureau")


@pytest.fixture
def case(db, director, settings, tmp_path):
    """A disabled child of the director's village whose disability level was corrected (history), and
    a visit that found suspected domestic violence (a police referral, pending: the red banner)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    child = make_child(
        DIRECTOR_VILLAGES[0],
        user=director,
        name="顾小宇",
        health=Health.ILL_AND_DISABLED,
        disability_type=DisabilityType.LIMB,
        disability_level=DisabilityLevel.LEVEL_3,
    )
    child_save(
        user=director,
        child=child,
        data={"disability_level": DisabilityLevel.LEVEL_2},
        adults={},
        expected_version=child.version,
    )
    child.refresh_from_db()
    notes = {
        "physical_health_note": MARKERS["physical health note"],
        "mental_health_note": MARKERS["mental health note"],
        "guardianship_note": MARKERS["guardianship note"],
        "notes": MARKERS["visit notes"],
    }
    data = routine(timezone.localdate(), **notes)
    visit = visit_record(user=director, child=child, data=data, findings=[Finding.VIOLENCE])
    child.refresh_from_db()
    yesterday = timezone.localdate() - timedelta(days=1)
    SpotCheck.objects.create(
        updated_on=yesterday, drawn_on=timezone.localdate(), town=child.town, village=child.village, child=child
    )
    return {"child": child, "visit": visit, "line": health_difference(child, director)}


def health_difference(child, user) -> ReconciliationLine:
    """A reconciliation finding: the national system and the archive disagree on the child's health."""
    health = {"field": "health", "ours": MARKERS["health"], "theirs": "健康"}
    national = {"name": child.name, "health": MARKERS["health"]}
    return reconciliation_line(child, user, kind=LineKind.FIELD_DIFF, national=national, diffs=[health])


def leaks(text: str, names=MARKERS) -> list[str]:
    return [name for name in names if MARKERS[name] in text]


def page(client, user, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (user.username, url, response.status_code)
    return response.content.decode()


def pages_of(case) -> dict[str, str]:
    child, visit, line = case["child"], case["visit"], case["line"]
    return {
        "reconciliation report": reverse("registry:reconcile_report", args=[line.run_id]) + "?kind=field_diff",
        "reconciliation line": reverse("registry:reconcile_line", args=[line.pk]),
        "home": reverse("home"),
        "child list": reverse("registry:child_list"),
        "archive": reverse("registry:child_detail", args=[child.pk]),
        "child's visits": reverse("visits:child_visits", args=[child.pk]),
        "visit": reverse("visits:visit_detail", args=[visit.pk]),
        "my month": reverse("visits:my_month"),
        "spot-check problems": reverse("reports:spotcheck_problems"),
        "spot checks": reverse("reports:spotcheck_list"),
        "county dashboard": reverse("reports:dashboard"),
        "town dashboard": reverse("reports:town_dashboard", args=[child.town_id]),
    }


def test_the_inspector_sees_no_restricted_value_on_any_page(case, client, inspector):
    texts = {name: page(client, inspector, url) for name, url in pages_of(case).items()}
    assert not {name: leaks(text) for name, text in texts.items() if leaks(text)}
    # The pages do show the child (the values are left out, not the record).
    shown = [name for name, text in texts.items() if case["child"].name in text]
    assert {"archive", "visit", "my month", "spot checks", "reconciliation line"} <= set(shown)


@pytest.mark.parametrize("role", WITH_RESTRICTED)
def test_roles_with_restricted_data_see_it_on_the_archive_and_the_visit(case, client, request, role):
    user = request.getfixturevalue(role)
    urls = pages_of(case)
    assert set(leaks(page(client, user, urls["archive"]), ARCHIVE)) == set(ARCHIVE)
    assert set(leaks(page(client, user, urls["visit"]), VISIT)) == set(VISIT)
    assert leaks(page(client, user, urls["my month"])) == ["violence finding"]  # the red banner


def test_health_differences_of_a_reconciliation_show_to_the_bureau_not_the_administrator(
    case, client, bureau, admin_user
):
    report = pages_of(case)["reconciliation report"]
    assert leaks(page(client, bureau, report)) == ["health"]
    assert leaks(page(client, bureau, pages_of(case)["reconciliation line"])) == ["health"]
    assert not leaks(page(client, admin_user, report))


def test_the_child_list_shows_no_restricted_value_to_anybody(case, client, town_staff, bureau):
    for user in (town_staff, bureau):
        assert not leaks(page(client, user, reverse("registry:child_list")))


# --- exports -------------------------------------------------------------------------------------


def xlsx_cells(content: bytes) -> list[list[str]]:
    """Every sheet's rows as text (None as "")."""
    book = load_workbook(io.BytesIO(content), read_only=True)
    return [
        ["" if value is None else str(value) for value in row]
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]


def download(client, user, url: str, *, post: dict | None = None) -> list[list[str]]:
    client.force_login(user)
    response = client.post(url, post) if post is not None else client.get(url)
    assert response.status_code == 200, (user.username, url, response.status_code)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return xlsx_cells(content)


def text_of(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(row) for row in rows)


@pytest.fixture
def inspector_may_export(monkeypatch):
    """The inspector given the export capability, not restricted data: what the exports would hold
    if a later change let a role without Capability.VIEW_RESTRICTED download them."""
    granted = ROLE_CAPABILITIES[Role.INSPECTOR] | {Capability.EXPORT_ROSTER}
    monkeypatch.setitem(ROLE_CAPABILITIES, Role.INSPECTOR, granted)


def test_the_roster_export_holds_health_and_disability_only_for_restricted_roles(
    case, client, town_staff, bureau, inspector, admin_user, inspector_may_export
):
    url = reverse("registry:roster_export")
    for user in (town_staff, bureau):
        exported = text_of(download(client, user, url))
        expected = {"health", "disability type", "disability level", "disability level field"}
        assert set(leaks(exported)) == expected, user.username
    exported = text_of(download(client, inspector, url))
    assert not leaks(exported) and "健康状况" not in exported
    client.force_login(admin_user)
    assert client.get(url).status_code == 403


def national_run(case, user) -> ReconciliationRun:
    """A run that found the child missing from the national system: the export lists it to add."""
    return reconciliation_line(case["child"], user, kind=LineKind.MISSING_NATIONALLY).run


def national_health_cells(rows: list[list[str]]) -> list[str]:
    """The 身体情况 cells of the child rows (the header row repeats on each sheet)."""
    header = next(f.header for f in NATIONAL_FIELDS if f.key == "health")
    column = rows[0].index(header)
    return [row[column] for row in rows if row and row[0] != rows[0][0]]


def test_the_national_export_fills_the_health_column_only_for_restricted_roles(
    case, client, town_staff, bureau, inspector, inspector_may_export
):
    run = national_run(case, town_staff)
    url = reverse("registry:reconcile_export", args=[run.pk])
    for user in (town_staff, bureau):
        assert [cell for cell in national_health_cells(download(client, user, url, post={})) if cell], user.username
    rows = download(client, inspector, url, post={})
    assert national_health_cells(rows) == [""] and not leaks(text_of(rows))


def test_the_agreement_list_export_holds_no_restricted_value(case, client, town_staff, inspector, inspector_may_export):
    url = reverse("agreements:list_export") + "?status=all"
    for user in (town_staff, inspector):
        rows = download(client, user, url)
        assert case["child"].name in text_of(rows) and not leaks(text_of(rows)), user.username


def test_the_weekly_report_exports_hold_figures_only(case, client, bureau, inspector):
    week = Week.containing(timezone.localdate() - timedelta(days=7))
    report, _ = weekly_report_store(week=week)
    for user in (bureau, inspector):
        assert not leaks(text_of(download(client, user, reverse("reports:weekly_export", args=[report.week]))))


def test_the_audit_export_holds_no_restricted_value(case, client, auditor, town_staff, director, bureau):
    """Every view, reveal, edit and export above is in the audit log: by field name, never by value."""
    for user in (town_staff, director, bureau):
        page(client, user, reverse("registry:child_detail", args=[case["child"].pk]))
    download(client, town_staff, reverse("registry:roster_export"))
    rows = download(client, auditor, reverse("audit:event_export"))
    assert len(rows) > 5
    exported = text_of(rows)
    codes = [Health.ILL_AND_DISABLED.value, DisabilityType.LIMB.value, Finding.VIOLENCE.value]
    assert not leaks(exported) and not [code for code in codes if code in exported]


# --- the administrator's roster import ------------------------------------------------------------


def roster_with_level(client, town_staff, level: str) -> bytes:
    """The town staff's export of the roster (it imports back unchanged), with 残疾等级 set to `level`."""
    client.force_login(town_staff)
    response = client.get(reverse("registry:roster_export"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    header = next(row for row in sheet.iter_rows() if any(cell.value == "残疾等级" for cell in row))
    column = next(cell.column for cell in header if cell.value == "残疾等级")
    for cell in sheet.iter_cols(min_col=column, max_col=column, min_row=header[0].row + 1).__next__():
        if cell.value:
            cell.value = level
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview_page(client, user, content: bytes, capture) -> str:
    client.force_login(user)
    upload = SimpleUploadedFile("花名册.xlsx", content, content_type="application/octet-stream")
    with capture(execute=True):
        response = client.post(reverse("registry:import_start"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"]).content.decode()


def test_the_import_preview_hides_restricted_changes_from_the_administrator(
    case, client, town_staff, admin_user, django_capture_on_commit_callbacks
):
    """The administrator imports rosters without reading restricted data: an update of a disability
    level shows as changed, its values hidden; the town staff importing the same file sees them."""
    content = roster_with_level(client, town_staff, str(DisabilityLevel.LEVEL_1.label))
    shown = preview_page(client, admin_user, content, django_capture_on_commit_callbacks)
    assert "残疾等级" in shown and "（不可见）" in shown
    assert "一级" not in shown and not leaks(shown, ["health", "disability type", "disability level"])
    shown = preview_page(client, town_staff, content, django_capture_on_commit_callbacks)
    assert "一级" in shown and MARKERS["disability level"] in shown
