"""Dashboards per role (reports:dashboard): the county for the bureau and the centre, a town's own
villages and to-do list for its staff; nothing of another town; no reports for other roles."""

import json
import re
from datetime import date
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.choices import ExitReason
from registry.services import child_exit
from reports.services.weekly import weekly_report_store
from reports.weeks import Week

from .builders import HUILONG_VILLAGE, active_child, suspected_child
from .conftest import AgreementCoverage, ReferralCounts, VisitCoverage

pytestmark = pytest.mark.urls("tests.reports.urls")
NANYANG_VILLAGE = "320681106200"
TODAY = date(2026, 12, 2)  # a Wednesday of week 2026-W49


def child_list(**params) -> str:
    return f"{reverse('registry:child_list')}?{urlencode(params)}"


@pytest.fixture
def data(db, clock, figures, huilong, nanyang):
    clock.set(date(2026, 11, 20))
    active_child(HUILONG_VILLAGE, name="汇一")
    active_child(HUILONG_VILLAGE, name="汇二", household_address="")
    suspected_child(HUILONG_VILLAGE, name="汇疑")
    active_child(NANYANG_VILLAGE, name="南一")
    clock.set(TODAY)
    active_child(HUILONG_VILLAGE, name="汇三")
    figures.agreements = {huilong.pk: AgreementCoverage(3, 1), nanyang.pk: AgreementCoverage(1, 1)}
    figures.visits = {huilong.pk: VisitCoverage(3, 2)}
    figures.referrals = {huilong.pk: ReferralCounts(1, 1)}
    figures.agreement_todo = 2
    figures.visit_todo = {"visits_due": 4, "referrals_overdue": 1}
    return figures


def page(client, user, url=None, **params):
    client.force_login(user)
    return client.get(url or reverse("reports:dashboard"), params)


def test_the_bureau_sees_every_town_side_by_side_with_the_red_list(client, data, bureau, huilong):
    response = page(client, bureau)
    assert response.status_code == 200
    body = response.content.decode()
    chart = json.loads(re.search(r'id="town-chart-data"[^>]*>(.*?)</script>', body).group(1))
    assert "汇龙镇" in chart["towns"] and "南阳镇" in chart["towns"]
    red = {row.town_name for row in response.context["view"].zero_update_rows}
    assert "南阳镇" in red and "汇龙镇" not in red  # Nanyang updated nobody this week
    assert 'id="town-chart-data"' in body and 'id="trend-chart-data"' in body
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", body)
    assert inline == []  # CSP script-src 'self': chart data travels in json_script blocks
    assert f'href="{child_list(status="active", town=huilong.pk)}"'.replace("&", "&amp;") in body


def test_the_inspector_sees_the_county_too(client, data, inspector):
    assert page(client, inspector).context["view"].total.active == 4


def test_a_stored_week_is_shown_from_its_snapshot(client, data, clock, bureau, huilong):
    weekly_report_store(week=Week(2026, 48))
    child_exit(user=None, child=active_child(HUILONG_VILLAGE, name="汇四"), reason=ExitReason.OTHER, on=TODAY)
    response = page(client, bureau, week="2026-W48")
    view = response.context["view"]
    assert view.report is not None and view.total.active == 3  # 汇一, 汇二, 南一 at Sunday 24:00
    assert reverse("reports:weekly_export", args=["2026-W48"]) in response.content.decode()
    assert page(client, bureau, week="2026-W47").status_code == 404


def test_town_staff_see_their_villages_and_todo_list(client, data, town_staff, huilong):
    response = page(client, town_staff)
    assert response.status_code == 200 and response.context["town"] == huilong
    villages = {row.village.code: row for row in response.context["villages"]}
    assert villages[HUILONG_VILLAGE].counts.active == 3 and villages[HUILONG_VILLAGE].updates == 1
    todos = {todo.label: todo for todo in response.context["todos"]}
    assert todos["待核实儿童"].count == 1
    assert todos["待核实儿童"].url == child_list(status="suspected", town=huilong.pk)
    assert todos["信息缺失"].count == 1
    assert todos["信息缺失"].url == child_list(status="active", missing=1, town=huilong.pk)
    assert (todos["待签（重签）委托照护协议"].count, todos["本月待走访"].count, todos["逾期转介"].count) == (2, 4, 1)
    assert todos["本月待走访"].url.startswith(reverse("visits:my_month"))
    assert todos["逾期转介"].url.startswith(reverse("visits:referral_list"))
    village_link = child_list(status="active", village=villages[HUILONG_VILLAGE].village.pk)
    assert village_link.replace("&", "&amp;") in response.content.decode()


def test_villages_without_children_show_on_request(client, data, town_staff):
    shown = {row.village.code for row in page(client, town_staff).context["villages"]}
    assert shown == {HUILONG_VILLAGE}
    everything = {row.village.code for row in page(client, town_staff, all="1").context["villages"]}
    assert "320681100201" in everything and NANYANG_VILLAGE not in everything


def test_town_staff_never_see_another_towns_villages(client, data, town_staff, outsider, nanyang, huilong):
    assert page(client, town_staff, reverse("reports:town_dashboard", args=[nanyang.pk])).status_code == 404
    response = page(client, outsider)
    codes = {row.village.code for row in response.context["villages"]}
    assert NANYANG_VILLAGE in codes and HUILONG_VILLAGE not in codes
    assert "亚光村委会" not in response.content.decode()
    assert page(client, outsider, reverse("reports:town_dashboard", args=[huilong.pk])).status_code == 404


def test_the_bureau_opens_a_town_with_that_towns_own_figures(client, data, bureau, huilong):
    response = page(client, bureau, reverse("reports:town_dashboard", args=[huilong.pk]))
    todos = {todo.label: todo.count for todo in response.context["todos"]}
    assert (todos["待签（重签）委托照护协议"], todos["本月待走访"], todos["逾期转介"]) == (2, 1, 1)


@pytest.mark.parametrize("role", ["admin_user", "auditor", "security_admin", "director"])
def test_roles_without_reports_get_403(client, data, role, request):
    user = request.getfixturevalue(role)
    assert page(client, user).status_code == 403
    assert page(client, user, reverse("reports:weekly_list")).status_code == 403


def test_town_staff_cannot_open_the_county_weekly_report(client, data, town_staff):
    weekly_report_store(week=Week(2026, 48))
    assert page(client, town_staff, reverse("reports:weekly_list")).status_code == 403
    assert page(client, town_staff, reverse("reports:weekly_detail", args=["2026-W48"])).status_code == 403


def _count_queries(client, url) -> int:
    cache.clear()  # the live figures computed by the page itself, not read from the cache (reports.live)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_dashboards_take_the_same_number_of_queries_for_3_or_30_children(
    client, db, clock, figures, bureau, town_staff
):
    clock.set(date(2026, 11, 20))
    for n in range(3):
        active_child(HUILONG_VILLAGE, name=f"少{n}")
    clock.set(TODAY)
    weekly_report_store(week=Week(2026, 47))
    counts = {}
    for user in (bureau, town_staff):
        client.force_login(user)
        counts[user.username] = _count_queries(client, reverse("reports:dashboard"))
    clock.set(date(2026, 11, 20))
    for n in range(27):
        active_child(HUILONG_VILLAGE if n % 2 else NANYANG_VILLAGE, name=f"多{n}")
    clock.set(TODAY)
    weekly_report_store(week=Week(2026, 48))
    for user in (bureau, town_staff):
        client.force_login(user)
        assert _count_queries(client, reverse("reports:dashboard")) == counts[user.username]
