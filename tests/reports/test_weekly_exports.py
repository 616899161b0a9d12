"""A stored week as Excel and as the printable circular (通报): both audited, zero-update towns named."""

import io
import re
from datetime import date

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from qidong_care.audit.models import AuditEvent
from reports.services.weekly import weekly_report_store
from reports.weeks import Week

from .builders import HUILONG_VILLAGE, active_child

W48 = Week(2026, 48)


@pytest.fixture
def stored(db, clock, figures):
    clock.set(date(2026, 11, 24))
    active_child(HUILONG_VILLAGE, name="汇一")
    clock.set(date(2026, 12, 1))
    return weekly_report_store(week=W48)[0]


def test_the_excel_export_holds_every_town_marks_idle_ones_and_is_audited(client, stored, bureau):
    client.force_login(bureau)
    response = client.get(reverse("reports:weekly_export", args=[W48.label]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="weekly-report-2026-W48.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["周报"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True)}
    assert rows["汇龙镇"][2] == 1 and rows["汇龙镇"][6] == ""
    assert rows["南阳镇"][6] == "是"  # zero updates
    assert rows["合计"][2] == 1
    red = sheet.cell(row=4 + list(rows).index("南阳镇"), column=2).fill.fgColor.rgb
    assert red.endswith("F8D7DA")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.user == bureau and event.object_id == str(stored.pk) and event.detail["week"] == "2026-W48"


def test_the_circular_names_the_zero_update_towns_and_is_audited(client, stored, inspector):
    client.force_login(inspector)
    response = client.get(reverse("reports:weekly_circular", args=[W48.label]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = re.sub(r"\s", "", "".join(page.extract_text() for page in pages))  # lines wrap anywhere
    assert "第48周" in text and "重点跟进督导" in text
    follow_up = text[text.index("动态更新量为零的地区") : text.index("重点跟进督导")]
    assert "南阳镇" in follow_up and "汇龙镇" not in follow_up
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.PRINT, user=inspector).count() == 1


def test_town_staff_cannot_export_the_county_report(client, stored, town_staff, auditor):
    for user in (town_staff, auditor):
        client.force_login(user)
        assert client.get(reverse("reports:weekly_export", args=[W48.label])).status_code == 403
        assert client.get(reverse("reports:weekly_circular", args=[W48.label])).status_code == 403
    assert not AuditEvent.objects.filter(kind__in=[AuditEvent.Kind.EXPORT, AuditEvent.Kind.PRINT]).exists()


def test_a_week_not_stored_cannot_be_exported(client, stored, bureau):
    client.force_login(bureau)
    assert client.get(reverse("reports:weekly_export", args=["2026-W47"])).status_code == 404
    assert client.get(reverse("reports:weekly_circular", args=["not-a-week"])).status_code == 404


def test_the_list_and_detail_show_stored_weeks(client, stored, bureau):
    client.force_login(bureau)
    assert "2026-W48" in client.get(reverse("reports:weekly_list")).content.decode()
    detail = client.get(reverse("reports:weekly_detail", args=[W48.label])).content.decode()
    assert "动态更新为零" in detail and "南阳镇" in detail
