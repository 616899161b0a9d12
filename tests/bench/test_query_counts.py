"""Pages take the same number of queries with 2 children as with 20 (issue 9: query counts per page
stay constant as the data grows). The siblings share their adults, so the archive page also shows
more "other children" with 20, and each child has visits and an agreement."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.models import Agreement, AgreementStatus
from registry.models import Child
from tests.reports.builders import HUILONG_OTHER_VILLAGE, HUILONG_VILLAGE, active_child
from tests.visits.conftest import add_visit

NANYANG_VILLAGE = "320681106200"
LIST = "registry:child_list"


def add_children(count: int, *, start: int) -> None:
    for n in range(start, start + count):
        village = (HUILONG_VILLAGE, HUILONG_OTHER_VILLAGE, NANYANG_VILLAGE)[n % 3]
        child = active_child(village, name=f"王{'伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰'[n % 20]}")
        Agreement.objects.create(
            child=child, status=AgreementStatus.SIGNED, witness_region_id=child.village_id, witness_name="村委会",
            signed_on=date(2026, 1, 5), valid_from=date(2026, 1, 5), valid_until=date(2028, 1, 4),
        )  # fmt: skip
        for month in (9, 10, 11):
            add_visit(child, date(2026, month, 10))


def queries_of(client, url: str) -> int:
    """The queries of one request, with nothing cached from an earlier one."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def pages(first_child: Child) -> list[str]:
    base = reverse(LIST)
    return [
        base,
        f"{base}?status=active&missing=0&sort=updated",
        f"{base}?q=王伟",
        f"{base}?village={first_child.village_id}",
        f"{base}?page=2",
        reverse("registry:child_detail", args=[first_child.pk]),
        reverse("reports:dashboard"),
    ]


@pytest.mark.parametrize("role", ["town_staff", "bureau"])
def test_pages_take_as_many_queries_for_20_children_as_for_2(client, db, role, request):
    user = request.getfixturevalue(role)
    client.force_login(user)
    add_children(2, start=0)
    first = Child.objects.order_by("pk").first()
    client.get(reverse(LIST))  # the session's first save
    few = {url: queries_of(client, url) for url in pages(first)}
    add_children(18, start=2)
    many = {url: queries_of(client, url) for url in pages(first)}
    assert many == few
