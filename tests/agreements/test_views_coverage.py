"""The coverage page and the list behind its numbers: per town for the bureau, per village for the
town and the director; filters; the xlsx export (audited, masked, no formulas); constant queries."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import Agreement
from qidong_care.audit.models import AuditEvent
from registry.models import Region
from tests.agreements.conftest import KEMING, NANYANG_VILLAGE, YAGUANG, change_carer, sign
from tests.conftest import HUILONG
from tests.factories import make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_set(town_staff, outsider):
    """亚光村: 甲 signed, 乙 carer changed, 丙 none · 克明村: 丁 signed · 南阳镇 启兴村: 戊 none."""
    kids = {name: make_child(YAGUANG, user=town_staff, name=name) for name in ("甲", "乙", "丙")}
    kids["丁"] = make_child(KEMING, user=town_staff, name="丁")
    kids["戊"] = make_child(NANYANG_VILLAGE, user=outsider, name="戊")
    for name in ("甲", "乙", "丁"):
        sign(kids[name])
    change_carer(kids["乙"])
    return kids


def _rows(response) -> dict[str, tuple[int, int, int, int]]:
    return {
        row["region"].name: (
            row["figures"].needing,
            row["figures"].signed_valid,
            row["figures"].to_resign,
            row["figures"].unsigned,
        )
        for row in response.context["rows"]
    }


def test_the_bureau_sees_one_row_per_town_and_drills_down_to_villages(login, bureau, data_set):
    client = login(bureau)
    response = client.get(reverse("agreements:coverage"))
    rows = _rows(response)
    assert rows["汇龙镇"] == (4, 2, 1, 1) and rows["南阳镇"] == (1, 0, 0, 1)
    assert rows["惠萍镇"] == (0, 0, 0, 0)  # every town is listed, even with nobody needing one
    assert response.context["total"].needing == 5 and response.context["total"].percent == "40.0%"
    huilong = Region.objects.get(code=HUILONG)
    drill = _rows(client.get(reverse("agreements:coverage"), {"town": huilong.pk}))
    assert drill == {"亚光村委会": (3, 1, 1, 1), "克明村委会": (1, 1, 0, 0)}


def test_town_staff_and_directors_see_their_villages_only(login, town_staff, director, outsider, data_set):
    assert _rows(login(town_staff).get(reverse("agreements:coverage"))) == {
        "亚光村委会": (3, 1, 1, 1),
        "克明村委会": (1, 1, 0, 0),
    }
    assert set(_rows(login(director).get(reverse("agreements:coverage")))) == {"亚光村委会", "克明村委会"}
    assert _rows(login(outsider).get(reverse("agreements:coverage"))) == {"启兴村委会": (1, 0, 0, 1)}


def test_every_number_links_to_the_children_behind_it(login, town_staff, data_set):
    client = login(town_staff)
    response = client.get(reverse("agreements:coverage"))
    yaguang = next(row for row in response.context["rows"] if row["region"].name == "亚光村委会")
    expected = {"needing": {"甲", "乙", "丙"}, "signed_valid": {"甲"}, "to_resign": {"乙"}, "unsigned": {"丙"}}
    for figure, names in expected.items():
        listed = client.get(yaguang["links"][figure])
        assert {row["name"] for row in listed.context["page"]} == names, figure
        assert len(names) == getattr(yaguang["figures"], figure)
    assert yaguang["links"]["needing"] in response.content.decode().replace("&amp;", "&")


def test_the_list_defaults_to_children_without_a_valid_agreement_and_filters(login, town_staff, bureau, data_set):
    listed = login(town_staff).get(reverse("agreements:list"))
    assert {row["name"] for row in listed.context["page"]} == {"乙", "丙"}
    content = listed.content.decode()
    assert "委托照护人变更" in content and data_set["乙"].id_number_masked in content
    assert data_set["乙"].id_number not in content
    keming = Region.objects.get(code=KEMING)
    by_village = login(bureau).get(reverse("agreements:list"), {"village": keming.pk, "status": "all"})
    assert [row["name"] for row in by_village.context["page"]] == ["丁"]


def test_a_village_outside_scope_is_not_a_filter_but_an_error(login, town_staff, data_set):
    elsewhere = Region.objects.get(code=NANYANG_VILLAGE)
    response = login(town_staff).get(reverse("agreements:list"), {"village": elsewhere.pk})
    assert response.status_code == 200 and response.context["form"].errors["village"]
    assert "戊" not in {row["name"] for row in response.context["page"]}


def test_the_export_is_masked_audited_and_never_starts_a_formula(login, town_staff, data_set):
    Agreement.objects.filter(child=data_set["乙"]).update(resign_reason='=HYPERLINK("http://x")')
    response = login(town_staff).get(reverse("agreements:list_export"), {"status": "missing"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=4).value == "公民身份号码"
    rows = {row[2]: row for row in ([cell.value for cell in row] for row in sheet.iter_rows(min_row=3))}
    assert set(rows) == {"乙", "丙"}
    assert rows["乙"][3] == data_set["乙"].id_number_masked and "*" in rows["乙"][3]
    assert rows["乙"][6] == "需重签" and rows["丙"][6] == "未签订"
    assert rows["乙"][9] == '\'=HYPERLINK("http://x")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.user == town_staff and event.detail["rows"] == 2 and event.detail["filters"] == {"status": "missing"}


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured.captured_queries)


def _add_children(n: int, village: str, user, *, signed: int) -> None:
    for i in range(n):
        child = make_child(village, user=user, name=f"儿{village[-3:]}{i}")
        if i < signed:
            sign(child, user=user, signed_on=date(2026, 6, 1), valid_until=date(2027, 5, 31))


@pytest.mark.parametrize("url_name", ["agreements:coverage", "agreements:list", "agreements:list_export"])
def test_query_counts_stay_the_same_with_3_or_30_children(login, town_staff, bureau, url_name):
    client = login(town_staff if url_name != "agreements:coverage" else bureau)
    url = reverse(url_name)
    _add_children(3, YAGUANG, town_staff, signed=1)
    few = _count_queries(client, url, {"status": "all"})
    _add_children(27, KEMING, town_staff, signed=9)
    many = _count_queries(client, url, {"status": "all"})
    assert few == many


def test_the_town_coverage_page_query_count_is_constant_as_villages_grow(login, town_staff):
    client = login(town_staff)
    _add_children(3, YAGUANG, town_staff, signed=1)
    few = _count_queries(client, reverse("agreements:coverage"))
    _add_children(4, KEMING, town_staff, signed=2)
    _add_children(4, "320681100001", town_staff, signed=0)
    assert _count_queries(client, reverse("agreements:coverage")) == few
