"""The home page per role (qidong_care.core.home): which figures each role gets, and a fixed number of
queries however many children, agreements, visits and referrals there are."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.assessment import today
from registry.choices import LivingArrangement
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child, sign_for_a_year
from tests.registry.registry_pages import next_id
from visits.choices import Finding, ReferralSource
from visits.selectors import month_of
from visits.services import referrals_open
from visits.services.visits import visit_record

pytestmark = pytest.mark.django_db
NANYANG_VILLAGE = "320681106200"
ROLES = ["town_staff", "director", "bureau", "inspector", "outsider"]


def figure_keys(response) -> list[str]:
    return [figure.key for section in response.context["sections"] for figure in section.figures]


def home_queries(client, user) -> int:
    """Queries of the home page as its first visitor finds it (nothing cached yet)."""
    cache.clear()
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def routine(on) -> dict:
    return {
        "date": on,
        "kind": "director_monthly",
        "mode": "home",
        "guardianship": "good",
        "physical_health": "good",
        "mental_health": "good",
        "schooling": "normal",
        "risk_level": "low",
    }


def grow(n: int, *, start: int) -> None:
    """n children in each of 汇龙镇 (the director's villages) and 南阳镇, with agreements, visits and
    referrals (some high-risk, some overdue)."""
    on = today()
    for i in range(start, start + n):
        for village in (DIRECTOR_VILLAGES[i % 2], NANYANG_VILLAGE):
            alone = i % 3 == 0
            fields = {"living_arrangement": LivingArrangement.ALONE} if alone else {}
            kid = make_child(village, name=f"儿童{i:02d}", id_number=next_id(), **fields)
            if i % 2:
                sign_for_a_year(kid, on=on, witness_name="村民委员会")
            if i % 4 < 2:
                visit_record(user=None, child=kid, data=routine(max(month_of(on), on - timedelta(days=1))))
            if i % 5 == 0:
                late = timezone.now() - timedelta(days=30)
                referrals_open([(kid, Finding.HARDSHIP)], source=ReferralSource.ARCHIVE, now=late)


@pytest.mark.parametrize("role", ROLES)
def test_the_home_page_runs_the_same_number_of_queries_for_few_and_many_children(request, client, role):
    user = request.getfixturevalue(role)
    grow(2, start=0)
    few = home_queries(client, user)
    grow(10, start=2)
    assert home_queries(client, user) == few


def figure_value(response, key: str):
    return next(f.value for section in response.context["sections"] for f in section.figures if f.key == key)


def test_a_towns_counts_are_kept_a_minute_and_a_villages_are_exact(client, town_staff, director, settings):
    make_child(DIRECTOR_VILLAGES[0], name="甲", id_number=next_id())
    client.force_login(town_staff)
    first = client.get(reverse("home"))
    make_child(DIRECTOR_VILLAGES[0], name="乙", id_number=next_id())
    with CaptureQueriesContext(connection) as captured:
        again = client.get(reverse("home"))
    assert figure_value(again, "active") == figure_value(first, "active") == 1  # from the cache
    assert "人数计算于" in again.content.decode()
    assert len(captured.captured_queries) < home_queries(client, town_staff)  # the counts were not run
    client.force_login(director)
    exact = client.get(reverse("home"))
    assert figure_value(exact, "active") == 2 and "人数计算于" not in exact.content.decode()
    cache.clear()  # the minute is over
    client.force_login(town_staff)
    assert figure_value(client.get(reverse("home")), "active") == 2


def test_town_staff_get_their_todo_and_their_coverage(client, town_staff):
    client.force_login(town_staff)
    response = client.get(reverse("home"))
    assert [section.key for section in response.context["sections"]] == ["todos", "coverage"]
    assert figure_keys(response) == [
        "suspected",
        "missing",
        "errors",
        "agreements_todo",
        "visits_due",
        "referrals_overdue",
        "active",
        "agreement_coverage",
        "visit_coverage",
        "referrals_open",
    ]
    text = response.content.decode()
    assert f'href="{reverse("agreements:list")}?status=missing"' in text
    assert f'href="{reverse("visits:referral_list")}?status=overdue"' in text
    assert reverse("reports:dashboard") in text


def test_a_town_with_nobody_to_cover_shows_no_percentage(client, town_staff):
    client.force_login(town_staff)
    figures = {f.key: f for s in client.get(reverse("home")).context["sections"] for f in s.figures}
    assert figures["agreement_coverage"].value == "—" and figures["visit_coverage"].value == "—"


def test_the_agreement_coverage_of_the_town_is_on_its_home_page(client, town_staff):
    signed = make_child(DIRECTOR_VILLAGES[0], name="已签", id_number=next_id())
    make_child(DIRECTOR_VILLAGES[1], name="未签", id_number=next_id())
    make_child(NANYANG_VILLAGE, name="南阳", id_number=next_id())  # another town: not counted
    sign_for_a_year(signed, on=today())
    client.force_login(town_staff)
    text = client.get(reverse("home")).content.decode()
    assert "委托照护协议签订率" in text and "50.0%" in text and "有效 1 / 应签 2" in text


def test_a_high_risk_finding_shows_the_red_banner_at_once(client, town_staff, bureau, inspector):
    kid = make_child(DIRECTOR_VILLAGES[0], name="独居", id_number=next_id(), living_arrangement="alone")
    for user in (town_staff, bureau):
        client.force_login(user)
        text = client.get(reverse("home")).content.decode()
        assert "alert-danger" in text and "独居：脱离监护单独居住生活" in text
        assert reverse("visits:referral_detail", args=[kid.referrals.get().pk]) in text
    client.force_login(inspector)
    assert "脱离监护单独居住生活" not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role", ["admin_user", "security_admin", "auditor"])
def test_roles_without_archive_access_get_their_menu_and_no_figures(request, client, role):
    make_child(DIRECTOR_VILLAGES[0], name="某童", id_number=next_id())
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("home"))
    assert response.context["sections"] == [] and "high_risk" not in response.context
    assert "stat-value" not in response.content.decode()
