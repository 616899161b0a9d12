import pytest
from django.core import mail

from qidong_care.accounts.roles import Role
from qidong_care.notifications.models import Notification
from qidong_care.notifications.services import notify, notify_region, users_responsible_for


def test_a_notice_sent_twice_with_the_same_key_arrives_once(town_staff):
    town_staff.email = "zhang@example.org"
    town_staff.save()
    notify(users=[town_staff], kind="deadline", title="排查截止提醒", key="campaign-1-screening")
    notify(users=[town_staff], kind="deadline", title="排查截止提醒", key="campaign-1-screening")
    assert Notification.objects.filter(user=town_staff).count() == 1
    assert len(mail.outbox) == 1 and "排查截止提醒" in mail.outbox[0].subject


def test_region_notices_reach_only_the_people_responsible_for_it(town_staff, outsider, director, bureau, huilong):
    notify_region(town_id=huilong.pk, kind="high_risk", title="发现独居儿童", key="child-1-alone")
    reached = set(Notification.objects.values_list("user__username", flat=True))
    assert reached == {"town_huilong", "bureau"}
    village = director.regions.first()
    assert director in users_responsible_for(town_id=huilong.pk, village_id=village.pk, roles=[Role.DIRECTOR])


def test_the_bell_shows_the_unread_count_and_the_list_only_my_notices(client, town_staff, outsider):
    notify(users=[town_staff], kind="other", title="给汇龙的通知", key="a")
    notify(users=[outsider], kind="other", title="给南阳的通知", key="b")
    client.force_login(town_staff)
    home = client.get("/").content.decode()
    assert "1 条未读" in home
    listing = client.get("/notifications/").content.decode()
    assert "给汇龙的通知" in listing and "给南阳的通知" not in listing


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, town_staff, outsider):
    notify(users=[town_staff], kind="other", title="看看", key="c", url="/notifications/?unread=1")
    notice = Notification.objects.get(user=town_staff)
    client.force_login(outsider)
    assert client.post(f"/notifications/{notice.pk}/open/").status_code == 404
    client.force_login(town_staff)
    response = client.post(f"/notifications/{notice.pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/notifications/?unread=1"
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example.com/", "//evil.example.com/"])
def test_a_notice_never_redirects_off_site(client, town_staff, url):
    notify(users=[town_staff], kind="other", title="x", key="d", url=url)
    client.force_login(town_staff)
    response = client.post(f"/notifications/{Notification.objects.get().pk}/open/")
    assert response["Location"] == "/notifications/"
