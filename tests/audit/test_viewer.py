"""The audit administrator's viewer (issue 8.3): filters, pages, an .xlsx export that is itself audited."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qidong_care.audit.export import HEADERS
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record
from tests.audit.test_append_only import insert_event

K = AuditEvent.Kind
LIST = reverse("audit:event_list")
EXPORT = reverse("audit:event_export")


@pytest.fixture
def events(town_staff, director):
    return [
        audit_record(kind=K.VIEW, user=town_staff, object_type="registry.child", object_id="7", object_label="石红轩"),
        audit_record(kind=K.EXPORT, user=town_staff, object_type="registry.roster", object_label="花名册"),
        audit_record(kind=K.LOGIN_FAILED, success=False, detail={"username": "intruder"}),
        audit_record(
            kind=K.REVEAL, user=director, object_type="registry.child", object_id="8", object_label="=HYPERLINK()"
        ),
    ]


def listed(client, **params) -> list[int]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return [event.pk for event in response.context["page"].object_list]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "view"}, [0]),
        ({"username": "TOWN_HUI"}, [1, 0]),
        ({"object_type": "registry.child"}, [3, 0]),
        ({"object_type": "registry.child", "object_id": "8"}, [3]),
        ({"success": "false"}, [2]),
        ({"username": "director", "kind": "reveal"}, [3]),
    ],
)
def test_each_filter_narrows_the_list(login, auditor, events, params, expected):
    made = {event.pk for event in events}
    pks = listed(login(auditor), **params)
    assert [pk for pk in pks if pk in made] == [events[i].pk for i in expected]


def test_the_ip_filter_and_a_malformed_ip(login, auditor, client, town_staff):
    client.post("/accounts/login/", {"username": "town_huilong", "password": "nope"}, REMOTE_ADDR="10.7.7.7")
    viewer = login(auditor)
    hits = listed(viewer, ip_address="10.7.7.7")
    assert [AuditEvent.objects.get(pk=pk).kind for pk in hits] == [K.LOGIN_FAILED]
    response = viewer.get(LIST, {"ip_address": "10.7.7"})
    assert response.status_code == 200 and "有效的 IPv4 或 IPv6 地址" in response.content.decode()
    assert list(response.context["page"].object_list) == []


def test_the_date_range_uses_local_days(login, auditor, db):
    old = insert_event(10, "ten_days_ago")
    today = timezone.localdate()
    viewer = login(auditor)
    assert old not in listed(viewer, start=today.isoformat())
    assert old in listed(
        viewer, start=(today - timedelta(days=11)).isoformat(), end=(today - timedelta(days=9)).isoformat()
    )
    assert old not in listed(viewer, end=(today - timedelta(days=11)).isoformat())


def test_the_list_is_paged_by_fifty(login, auditor, town_staff):
    for _ in range(55):
        audit_record(kind=K.VIEW, user=town_staff, object_type="registry.child", object_id="1")
    viewer = login(auditor)
    first = viewer.get(LIST, {"kind": "view"})
    assert len(first.context["page"].object_list) == 50 and "第 1 / 2 页" in first.content.decode()
    second = viewer.get(LIST, {"kind": "view", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert "kind=view&amp;page=2" in first.content.decode()


def count_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_rows(login, auditor, town_staff):
    viewer = login(auditor)
    for _ in range(3):
        audit_record(kind=K.PRINT, user=town_staff, object_type="agreements.agreement", object_id="1")
    few = count_queries(viewer, kind="print")
    for _ in range(27):
        audit_record(kind=K.PRINT, user=town_staff, object_type="agreements.agreement", object_id="1")
    assert count_queries(viewer, kind="print") == few


def test_the_export_holds_the_filtered_events_as_text_and_is_audited(login, auditor, events):
    response = login(auditor).get(EXPORT, {"object_type": "registry.child"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    assert [row[6] for row in rows[1:]] == ["=HYPERLINK()", "石红轩"]
    assert sheet.cell(row=2, column=7).data_type == "s"  # a string, never a formula
    export = AuditEvent.objects.filter(kind=K.EXPORT, username="auditor").get()
    assert export.detail == {"rows": 2, "filters": {"object_type": "registry.child"}}


def test_a_bad_filter_is_not_exported(login, auditor, db):
    response = login(auditor).get(EXPORT, {"ip_address": "nonsense"})
    assert response.status_code == 302 and response["Location"].startswith(LIST)
    assert not AuditEvent.objects.filter(kind=K.EXPORT).exists()
