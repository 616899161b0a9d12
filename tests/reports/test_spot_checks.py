"""The daily spot check (每天抽查, 通知 三.2): a reproducible sample of yesterday's updates per town,
marked by the centre; a problem goes back to the town (notice, to-do) and into the weekly report."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qidong_care.audit.models import AuditEvent
from qidong_care.notifications.models import Notification
from reports.models import SpotCheck, SpotCheckResult
from reports.services.spotchecks import sample_of, spot_checks_draw
from reports.services.weekly import weekly_report_store
from reports.weeks import Week

from .builders import HUILONG_VILLAGE, active_child

NANYANG_VILLAGE = "320681106200"
UPDATED = date(2026, 11, 27)
DRAW_DAY = date(2026, 11, 28)


@pytest.fixture
def updated(db, clock):
    """Eight Huilong children and three Nanyang children updated on 27 November."""
    clock.set(UPDATED)
    kids = [active_child(HUILONG_VILLAGE, name=f"汇{n}") for n in range(8)]
    kids += [active_child(NANYANG_VILLAGE, name=f"南{n}") for n in range(3)]
    clock.set(DRAW_DAY, hour=6)
    return kids


def drawn() -> set[int]:
    return set(SpotCheck.objects.values_list("child_id", flat=True))


def test_the_draw_takes_up_to_five_per_town_of_yesterdays_updates(updated, huilong, nanyang, clock):
    active_child(HUILONG_VILLAGE, name="今天才建档")  # updated on the draw day itself: not in this sample
    summary = spot_checks_draw(on=DRAW_DAY)
    assert summary == {"day": "2026-11-27", "drawn": 8, "towns": 2}
    assert SpotCheck.objects.filter(town=huilong).count() == 5
    assert SpotCheck.objects.filter(town=nanyang).count() == 3
    assert drawn() <= {child.pk for child in updated}
    assert set(SpotCheck.objects.values_list("updated_on", "drawn_on").distinct()) == {(UPDATED, DRAW_DAY)}


def test_drawing_twice_gives_the_same_sample_without_duplicates(updated):
    spot_checks_draw(on=DRAW_DAY)
    first = drawn()
    spot_checks_draw(on=DRAW_DAY)
    assert drawn() == first and SpotCheck.objects.count() == 8


def test_the_sample_is_reproducible_for_a_day_and_differs_between_days(updated):
    spot_checks_draw(on=DRAW_DAY)
    first = drawn()
    SpotCheck.objects.all().delete()
    spot_checks_draw(on=DRAW_DAY)
    assert drawn() == first
    ids = list(range(1, 200))
    samples = {sample_of(ids, day=date(2026, 11, d), town_code="320681100", size=5)[0] for d in range(1, 29)}
    assert len(samples) > 1


@override_settings(REPORTS_SPOT_CHECK_PER_TOWN=2)
def test_the_sample_size_is_a_setting(updated):
    assert spot_checks_draw(on=DRAW_DAY)["drawn"] == 4


def test_the_command_draws_for_a_given_day(updated, capsys):
    call_command("draw_spot_checks", "--on", "2026-11-28", "--json")
    assert '"drawn": 8' in capsys.readouterr().out


def mark(client, user, item, **data):
    client.force_login(user)
    return client.post(reverse("reports:spotcheck_mark", args=[item.pk]), data)


@pytest.fixture
def item(updated, huilong):
    spot_checks_draw(on=DRAW_DAY)
    return SpotCheck.objects.filter(town=huilong).first()


def test_a_problem_notifies_the_town_and_village_once_and_nobody_else(
    client, item, inspector, town_staff, outsider, director, bureau
):
    problem = {"result": "problem", "problems": ["guardian", "updates"], "note": "监护人电话无人接听"}
    assert mark(client, inspector, item, **problem).status_code == 302
    assert mark(client, inspector, item, **problem).status_code == 302
    item.refresh_from_db()
    assert (item.result, item.problems, item.checked_by) == ("problem", ["guardian", "updates"], inspector)
    notified = set(
        Notification.objects.filter(kind=Notification.Kind.SPOT_CHECK).values_list("user__username", flat=True)
    )
    assert notified == {"town_huilong", "director_huilong"}
    assert Notification.objects.filter(user=town_staff).count() == 1
    assert "监护人信息、动态更新数量" in Notification.objects.get(user=town_staff).title
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.UPDATE, object_id=str(item.pk)).count() == 2


def test_a_problem_needs_its_kind_and_a_note(client, item, inspector):
    response = mark(client, inspector, item, result="problem", problems=[], note="")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.result == SpotCheckResult.PENDING and not Notification.objects.exists()
    client.force_login(inspector)
    partial = client.post(
        reverse("reports:spotcheck_mark", args=[item.pk]),
        {"result": "problem", "problems": ["basic"], "note": ""},
        HTTP_HX_REQUEST="true",
    )
    assert "请说明发现的问题" in partial.content.decode() and 'value="basic"' in partial.content.decode()


def test_only_inspectors_mark(client, item, bureau, town_staff):
    for user in (bureau, town_staff):
        assert mark(client, user, item, result="pass").status_code == 403
        client.force_login(user)
        assert client.get(reverse("reports:spotcheck_list")).status_code == 403


def test_the_inspector_sees_masked_people_and_the_update_count(client, item, inspector):
    client.force_login(inspector)
    response = client.get(reverse("reports:spotcheck_list"), {"day": "2026-11-27"})
    body = response.content.decode()
    assert response.status_code == 200 and item.child.id_number_masked in body
    assert item.child.id_number not in body
    assert "顾兰春" in body and "137****6570" in body and "13781286570" not in body  # the grandmother carer
    assert "近30天共 1 天有更新" in body
    assert body.count('type="radio"') == 2 * 8 and body.count('type="checkbox"') == 4 * 8  # a mark form each


def test_the_spot_check_list_takes_the_same_queries_for_3_or_30_items(client, db, clock, inspector):
    def count(n_children):
        clock.set(UPDATED)
        for n in range(n_children):
            active_child(HUILONG_VILLAGE, name=f"样{n}")
        clock.set(DRAW_DAY)
        with override_settings(REPORTS_SPOT_CHECK_PER_TOWN=50):
            spot_checks_draw(on=DRAW_DAY)
        client.force_login(inspector)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("reports:spotcheck_list"), {"day": "2026-11-27"})
        return len(queries)

    few = count(3)
    SpotCheck.objects.all().delete()
    assert count(27) == few


def test_the_town_resolves_its_problem_and_the_todo_closes(client, item, inspector, town_staff, outsider, bureau):
    mark(client, inspector, item, result="problem", problems=["basic"], note="出生日期与户籍不符")
    client.force_login(town_staff)
    todos = {t.label: t.count for t in client.get(reverse("reports:dashboard")).context["todos"]}
    assert todos["抽查问题待整改"] == 1
    assert item.child.name in client.get(reverse("reports:spotcheck_problems")).content.decode()
    url = reverse("reports:spotcheck_resolve", args=[item.pk])
    client.force_login(outsider)
    assert client.post(url, {"resolution_note": "已更正"}).status_code == 404
    client.force_login(bureau)
    assert client.post(url, {"resolution_note": "已更正"}).status_code == 403
    client.force_login(town_staff)
    assert client.post(url, {"resolution_note": "已核对户口簿并更正"}).status_code == 302
    item.refresh_from_db()
    assert item.resolved_by == town_staff and item.resolution_note == "已核对户口簿并更正"
    todos = {t.label: t.count for t in client.get(reverse("reports:dashboard")).context["todos"]}
    assert todos["抽查问题待整改"] == 0


def test_problems_count_in_the_weekly_report(client, item, inspector, clock, figures, huilong):
    mark(client, inspector, item, result="problem", problems=["carer"], note="照护人已外出")
    clock.set(date(2026, 12, 1))
    report, _ = weekly_report_store(week=Week(2026, 48))
    assert report.rows.get(town=huilong).spot_check_problems == 1
