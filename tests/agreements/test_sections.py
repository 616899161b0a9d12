"""The agreement section of a child's archive page (agreements.sections, settings.ARCHIVE_SECTIONS):
status, dates and parties, and the links each role may follow."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.services import agreement_mark_resign
from tests.agreements.conftest import YAGUANG, change_carer, exit_child, parents_return, sign
from tests.factories import make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(town_staff):
    return make_child(YAGUANG, user=town_staff, name="石红轩")


def section(client, user, child) -> str:
    client.force_login(user)
    response = client.get(reverse("registry:child_detail", args=[child.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    if 'id="agreement-section"' not in text:
        return ""
    start = text.index('id="agreement-section"')
    return text[start : text.index("</section>", start)]


def test_a_signed_agreement_shows_its_status_dates_and_parties(client, town_staff, child):
    sign(child, signed_on=date(2026, 3, 1), valid_until=date(2027, 2, 28))
    text = section(client, town_staff, child)
    assert "已签订（有效）" in text and "text-bg-success" in text
    assert "2026-03-01" in text and "2026-03-01 至 2027-02-28" in text
    assert "石轩瑶、张明浩" in text  # both parents away entrust the child
    assert "顾兰春" in text and "亚光村村民委员会" in text
    assert "未上传" in text


def test_a_child_without_an_agreement_is_flagged_as_unsigned(client, town_staff, child):
    text = section(client, town_staff, child)
    assert "未签订" in text and "尚未签订委托照护协议" in text
    assert "签订日期" not in text


def test_a_changed_carer_shows_the_agreement_must_be_signed_again(client, town_staff, child):
    sign(child)
    change_carer(child)
    text = section(client, town_staff, child)
    assert "需重签" in text and "需要重新签订" in text and "text-bg-warning" in text


def test_the_reason_to_sign_again_is_shown(client, town_staff, child):
    agreement = sign(child, signed_on=date(2025, 11, 1), valid_until=date(2026, 12, 31))
    agreement_mark_resign(user=None, agreement=agreement, reason="委托照护人外出务工")
    assert "委托照护人外出务工" in section(client, town_staff, child)


def test_staff_who_manage_agreements_get_the_page_and_the_print(client, town_staff, director, child):
    sign(child)
    for user in (town_staff, director):
        text = section(client, user, child)
        assert reverse("agreements:child_agreement", args=[child.pk]) in text and "办理协议" in text
        assert reverse("agreements:print", args=[child.pk]) in text


@pytest.mark.parametrize("role", ["bureau", "inspector"])
def test_read_only_roles_may_open_the_agreement_but_not_print_it(request, client, child, role):
    sign(child)
    text = section(client, request.getfixturevalue(role), child)
    assert reverse("agreements:child_agreement", args=[child.pk]) in text and "查看协议" in text
    assert reverse("agreements:print", args=[child.pk]) not in text


def test_an_exited_child_keeps_its_ended_agreement_readable(client, town_staff, child):
    sign(child)
    exit_child(child, on=date(2026, 11, 27))
    text = section(client, town_staff, child)
    assert "已终止" in text and "2026-11-27" in text
    assert reverse("agreements:print", args=[child.pk]) not in text and "查看协议" in text


def test_a_child_who_needs_no_agreement_and_has_none_gets_no_section(client, town_staff, child):
    parents_return(child)
    assert section(client, town_staff, child) == ""


def test_the_outsider_never_sees_the_section(client, outsider, child):
    client.force_login(outsider)
    assert client.get(reverse("registry:child_detail", args=[child.pk])).status_code == 404
