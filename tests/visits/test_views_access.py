"""Scope and roles on every page (DESIGN.md): 404 outside the user's regions, 403 for roles that may not
read or may only read; directors see their villages, town staff their town, the bureau the county."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from registry.assessment import today
from visits.choices import ActivityAudience, ActivityType, Finding, ReferralSource
from visits.models import Activity, VisitPhoto
from visits.services import referrals_open, visit_record

from .conftest import YAGUANG, routine

ROLES = ("director", "town_staff", "bureau", "inspector", "outsider", "admin_user", "auditor")


@pytest.fixture
def world(child, director, village, huilong, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit = visit_record(user=director, child=child, data=routine(today()))
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    photo = VisitPhoto(visit=visit, content_type="image/png", size=len(buffer.getvalue()))
    photo.file.save("p", ContentFile(buffer.getvalue()))
    police, school = referrals_open(
        [(child, Finding.ALONE), (child, Finding.OUT_OF_SCHOOL)], source=ReferralSource.VISIT, user=director
    )
    activity = Activity.objects.create(
        town=huilong,
        village=village(YAGUANG),
        type=ActivityType.CARE_HOME,
        title="关爱之家读书会",
        date=today(),
        place="亚光村儿童之家",
        organiser="汇龙镇民政办",
        audience=ActivityAudience.CHILDREN,
    )
    return {
        "child": child.pk,
        "visit": visit.pk,
        "photo": photo.pk,
        "police": police.pk,
        "school": school.pk,
        "activity": activity.pk,
        "village": village(YAGUANG).pk,
    }


# view: (method, url name, argument (a key of `world`; "?village" for a query string), expected status
# for each role of ROLES: director, town_staff, bureau, inspector, outsider, admin_user, auditor).
# A POST with an empty form answers 400 to those allowed to act (the form is checked after the access).
MATRIX = {
    "my_month": ("get", "visits:my_month", None, (200, 200, 200, 200, 200, 403, 403)),
    "visit_create": ("get", "visits:visit_create", "child", (200, 200, 403, 403, 404, 403, 403)),
    "visit_create_post": ("post", "visits:visit_create", "child", (400, 400, 403, 403, 404, 403, 403)),
    "visit_detail": ("get", "visits:visit_detail", "visit", (200, 200, 200, 200, 404, 403, 403)),
    "child_visits": ("get", "visits:child_visits", "child", (200, 200, 200, 200, 404, 403, 403)),
    "photo": ("get", "visits:photo", "photo", (200, 200, 200, 200, 404, 403, 403)),
    "coverage": ("get", "visits:coverage", None, (200, 200, 200, 200, 200, 403, 403)),
    "month_grid": ("get", "visits:month_grid", "?village", (200, 200, 200, 200, 404, 403, 403)),
    "referral_list": ("get", "visits:referral_list", None, (200, 200, 200, 403, 200, 403, 403)),
    "referral_detail": ("get", "visits:referral_detail", "police", (200, 200, 200, 403, 404, 403, 403)),
    "referral_transition": ("post", "visits:referral_transition", "police", (400, 400, 403, 403, 404, 403, 403)),
    "referral_parents": ("post", "visits:referral_parents", "school", (400, 400, 403, 403, 404, 403, 403)),
    "referral_report_pdf": ("get", "visits:referral_report_pdf", "school", (200, 200, 200, 403, 404, 403, 403)),
    "activity_list": ("get", "visits:activity_list", None, (200, 200, 200, 200, 200, 403, 403)),
    "activity_detail": ("get", "visits:activity_detail", "activity", (200, 200, 200, 200, 404, 403, 403)),
    "activity_create": ("get", "visits:activity_create", None, (403, 200, 403, 403, 200, 403, 403)),
    "activity_edit": ("get", "visits:activity_edit", "activity", (403, 200, 403, 403, 404, 403, 403)),
    "activity_child_search": ("get", "visits:activity_child_search", None, (403, 200, 403, 403, 200, 403, 403)),
}
CASES = [(view, role) for view in MATRIX for role in ROLES]


@pytest.mark.parametrize(("view", "role"), CASES, ids=[f"{v}-{r}" for v, r in CASES])
def test_every_view_answers_each_role_by_scope_and_capability(view, role, world, login, request):
    method, name, argument, expected = MATRIX[view]
    if argument and argument.startswith("?"):
        url = f"{reverse(name)}?{argument[1:]}={world[argument[1:]]}"
    else:
        url = reverse(name, args=[world[argument]] if argument else [])
    client = login(request.getfixturevalue(role))
    response = client.post(url, {}) if method == "post" else client.get(url)
    assert response.status_code == expected[ROLES.index(role)]


def test_the_outsiders_own_lists_do_not_show_the_other_towns_records(world, login, outsider):
    client = login(outsider)
    assert "石红轩" not in client.get(reverse("visits:my_month")).content.decode()
    assert "石红轩" not in client.get(reverse("visits:referral_list")).content.decode()
    assert "关爱之家读书会" not in client.get(reverse("visits:activity_list")).content.decode()
    search = client.get(reverse("visits:activity_child_search"), {"q": "石"}).content.decode()
    assert "石红轩" not in search


def test_a_director_does_not_see_children_of_other_villages_of_the_town(world, huilong_child, login, director):
    page = login(director).get(reverse("visits:my_month")).content.decode()
    assert "石红轩" in page and "陈一凡" not in page
    assert login(director).get(reverse("visits:visit_create", args=[huilong_child.pk])).status_code == 404
