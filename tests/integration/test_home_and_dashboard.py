"""The home page of each role on the county of tests/integration/dataset.py (report day 2026-11-30,
still November): the to-do figures are the hand-counted ones, each leads to a list with that many
rows, and the town dashboard (reports) shows the same figures as the home page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

# The town dashboard's to-do labels (reports.selectors.town_todos) → the home page's figure keys.
DASHBOARD_TO_HOME = {
    "待核实儿童": "suspected",
    "信息缺失": "missing",
    "信息错误": "errors",
    "待签（重签）委托照护协议": "agreements_todo",
    "本月待走访": "visits_due",
    "逾期转介": "referrals_overdue",
}


def home(client, user):
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response


def home_figures(response) -> dict:
    return {figure.key: figure for section in response.context["sections"] for figure in section.figures}


def values(figures: dict, *keys) -> tuple:
    return tuple(figures[key].value for key in keys)


TODO_KEYS = ("suspected", "agreements_todo", "visits_due", "referrals_overdue")


@pytest.mark.parametrize("role", ["town_staff", "director"])
def test_town_staff_and_directors_see_their_hand_counted_todo(request, client, county, role):
    figures = home_figures(home(client, request.getfixturevalue(role)))
    # h5 待核实; h2 (需重签), h3 (none), h4 (lapsed); h3 not visited by the director this month;
    # h3's police referral 待报告 past its 24 hours.
    assert values(figures, *TODO_KEYS) == (1, 3, 1, 1)
    assert values(figures, "active", "agreement_coverage", "visit_coverage", "referrals_open") == (
        4,
        "25.0%",
        "75.0%",
        2,
    )
    assert figures["agreement_coverage"].note == "有效 1 / 应签 4"


def test_each_todo_figure_leads_to_a_list_of_as_many_children_or_referrals(client, county, town_staff):
    figures = home_figures(home(client, town_staff))
    agreements = client.get(figures["agreements_todo"].url)
    assert agreements.context["page"].paginator.count == 3
    assert {row["name"] for row in agreements.context["page"]} == {"甲二", "甲三", "甲四"}
    registry = client.get(reverse("registry:child_list"), {"status": "active", "no_agreement": "1"})
    assert {child.name for child in registry.context["page"]} == {"甲二", "甲三", "甲四"}
    month = client.get(figures["visits_due"].url).context["page"]
    assert [child.name for child in month if child.visited_on is None] == ["甲三"]
    overdue = client.get(figures["referrals_overdue"].url).context["page"]
    assert [referral.child.name for referral in overdue] == ["甲三"]
    suspected = client.get(figures["suspected"].url).context["page"]
    assert [child.name for child in suspected] == ["甲疑"]


def test_the_town_dashboard_shows_the_same_todo_figures_as_the_home_page(client, county, town_staff):
    figures = home_figures(home(client, town_staff))
    dashboard = client.get(reverse("reports:dashboard"))
    todos = {todo.label: todo.count for todo in dashboard.context["todos"] if todo.label in DASHBOARD_TO_HOME}
    assert todos == {label: figures[key].value for label, key in DASHBOARD_TO_HOME.items()}
    assert (todos["待签（重签）委托照护协议"], todos["本月待走访"], todos["逾期转介"]) == (3, 1, 1)


def test_the_dashboards_todo_links_lead_to_the_same_lists(client, county, town_staff, huilong):
    home(client, town_staff)
    todos = {todo.label: todo for todo in client.get(reverse("reports:dashboard")).context["todos"]}
    agreements = client.get(todos["待签（重签）委托照护协议"].url).context["page"]
    assert agreements.paginator.count == 3
    overdue = client.get(todos["逾期转介"].url).context["page"]
    assert [referral.child.name for referral in overdue] == ["甲三"]


def test_the_bureau_sees_the_county_and_the_high_risk_banner(client, county, bureau):
    response = home(client, bureau)
    figures = home_figures(response)
    assert values(figures, "active", "suspected", "agreement_coverage", "visit_coverage") == (7, 1, "28.6%", "57.1%")
    assert values(figures, "referrals_open", "referrals_overdue") == (3, 1)
    assert "agreements_todo" not in figures and "visits_due" not in figures  # the bureau reads, it does not sign
    text = response.content.decode()
    assert reverse("reports:dashboard") in text and reverse("visits:coverage") in text
    banner = [referral.child.name for referral in response.context["high_risk"]]
    assert banner == ["甲三"]  # 乙三's referral is reported already
    assert "高风险情况 1 条" in text


def test_the_inspector_sees_county_figures_without_referrals(client, county, inspector):
    response = home(client, inspector)
    figures = home_figures(response)
    assert values(figures, "active", "agreement_coverage", "visit_coverage") == (7, "28.6%", "57.1%")
    assert "referrals_open" not in figures and "referrals_overdue" not in figures
    assert "high_risk" not in response.context and "高风险情况" not in response.content.decode()
    assert reverse("reports:dashboard") in response.content.decode()


def test_the_banner_shows_only_the_towns_own_high_risk_referrals(client, county, town_staff, outsider):
    assert [r.child.name for r in home(client, town_staff).context["high_risk"]] == ["甲三"]
    response = home(client, outsider)
    assert response.context["high_risk"] == [] and "高风险情况" not in response.content.decode()
    assert values(home_figures(response), "agreements_todo", "visits_due", "referrals_overdue") == (2, 2, 0)
