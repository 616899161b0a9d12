"""Care activities (通知 二.5): recorded by the town, the children picked from its archive, per-town totals."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.assessment import today
from tests.factories import make_child
from visits.choices import ActivityAudience, ActivityTopic, ActivityType
from visits.models import Activity
from visits.selectors import ActivityTotals, activity_totals_by_town
from visits.services import activity_save

from .conftest import KEMING, NANYANG_VILLAGE, YAGUANG


def activity(**changes) -> dict:
    data = {
        "type": ActivityType.SUMMER_CLASS,
        "title": "爱心暑托班",
        "date": today() - timedelta(days=3),
        "place": "汇龙镇未保站",
        "organiser": "汇龙镇民政办",
        "audience": ActivityAudience.CHILDREN,
        "topics": [],
        "adult_count": 0,
        "description": "",
    }
    data.update(changes)
    return data


@pytest.fixture
def kids(director):
    return [make_child(YAGUANG if i % 2 else KEMING, user=director, name=f"丁{i}") for i in range(5)]


def test_per_town_totals_count_activities_attendances_distinct_children_and_adults(
    kids, town_staff, outsider, huilong, nanyang
):
    activity_save(user=town_staff, activity=None, town=huilong, data=activity(), children=kids[:4])
    talk = activity(type=ActivityType.POLICY_TALK, topics=[ActivityTopic.POLICY], adult_count=12)
    activity_save(user=town_staff, activity=None, town=huilong, data=talk, children=kids[2:5])
    other = make_child(NANYANG_VILLAGE, user=outsider, name="南一")
    activity_save(user=outsider, activity=None, town=nanyang, data=activity(adult_count=3), children=[other])
    totals = activity_totals_by_town(Activity.objects.all())
    # 汇龙镇: 2 activities; 4 + 3 = 7 attendances; children 0-4 = 5 reached; 12 adults.
    assert totals[huilong.pk] == ActivityTotals(activities=2, attendances=7, children_reached=5, adults=12)
    assert totals[nanyang.pk] == ActivityTotals(activities=1, attendances=1, children_reached=1, adults=3)


def test_a_policy_talk_needs_a_topic_and_other_activities_keep_none(town_staff, huilong):
    with pytest.raises(ValidationError) as error:
        activity_save(user=town_staff, activity=None, town=huilong, data=activity(type="policy_talk"), children=[])
    assert "topics" in error.value.message_dict
    saved = activity_save(
        user=town_staff, activity=None, town=huilong, data=activity(topics=[ActivityTopic.POLICY]), children=[]
    )
    assert saved.topics == []


def test_children_of_another_town_cannot_attend(town_staff, huilong, outsider):
    other = make_child(NANYANG_VILLAGE, user=outsider, name="南一")
    with pytest.raises(ValidationError) as error:
        activity_save(user=town_staff, activity=None, town=huilong, data=activity(), children=[other])
    assert "children" in error.value.message_dict


def test_an_activity_cannot_be_recorded_before_it_happens(town_staff, huilong):
    with pytest.raises(ValidationError) as error:
        activity_save(
            user=town_staff, activity=None, town=huilong, data=activity(date=today() + timedelta(days=2)), children=[]
        )
    assert "date" in error.value.message_dict


def test_town_staff_record_an_activity_with_children_through_the_page(kids, town_staff, login, huilong):
    client = login(town_staff)
    data = {**activity(date=f"{today():%Y-%m-%d}"), "children": [kids[0].pk, kids[1].pk], "town": huilong.pk}
    data.pop("topics")
    response = client.post(reverse("visits:activity_create"), data)
    assert response.status_code == 302
    saved = Activity.objects.get()
    assert saved.town == huilong and set(saved.children.all()) == {kids[0], kids[1]}
    edit = client.post(
        reverse("visits:activity_edit", args=[saved.pk]),
        {**data, "children": [kids[2].pk], "adult_count": 4, "version": saved.version},
    )
    assert edit.status_code == 302
    saved.refresh_from_db()
    assert list(saved.children.all()) == [kids[2]] and saved.adult_count == 4
    stale = client.post(reverse("visits:activity_edit", args=[saved.pk]), {**data, "version": 1})
    assert stale.status_code == 400 and "已被其他人修改" in stale.content.decode()


def test_the_form_keeps_the_picked_children_after_an_error(kids, town_staff, login):
    data = {**activity(title=""), "children": [kids[0].pk]}
    data.pop("topics")
    response = login(town_staff).post(reverse("visits:activity_create"), data)
    assert response.status_code == 400 and "丁0" in response.content.decode()


def test_the_children_search_finds_children_of_the_town_in_scope(kids, town_staff, outsider, login):
    make_child(NANYANG_VILLAGE, user=outsider, name="丁南")
    html = login(town_staff).get(reverse("visits:activity_child_search"), {"q": "丁"}).content.decode()
    assert "丁0" in html and "丁南" not in html


def test_the_activity_list_runs_the_same_queries_for_3_or_30_activities(kids, town_staff, login, huilong):
    client = login(town_staff)
    for i in range(3):
        activity_save(user=town_staff, activity=None, town=huilong, data=activity(title=f"活动{i}"), children=kids)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("visits:activity_list"))
    for i in range(27):
        activity_save(user=town_staff, activity=None, town=huilong, data=activity(title=f"活动{i}"), children=kids)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("visits:activity_list"))
    assert len(response.context["page"]) == 30 and len(many) == len(few)
    (town, figures), *_ = response.context["totals"]
    assert town == huilong and figures.attendances == 150 and figures.children_reached == 5
