"""One child's agreement page: prefilled sign form, errors kept as typed, scan upload and download."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import Agreement, AgreementStatus
from agreements.services import agreement_upload_scan
from qidong_care.audit.models import AuditEvent
from tests.agreements import scanfiles
from tests.agreements.conftest import YAGUANG, exit_child, sign
from tests.factories import make_child

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(town_staff):
    return make_child(YAGUANG, user=town_staff)


def _url(name: str, child) -> str:
    return reverse(name, args=[child.pk])


def _sign_data(child, **changes) -> dict:
    father, mother = (link.adult_id for link in child.links.filter(role__in=["father", "mother"]).order_by("role"))
    data = {
        "version": "0",
        "signed_on": "2026-11-20",
        "valid_from": "2026-11-20",
        "valid_until": "2027-11-19",
        "principals": [father, mother],
        "witness_name": "亚光村村民委员会",
        "notes": "在村委会签订",
    }
    data.update(changes)
    return data


def test_the_page_of_an_unsigned_child_prefills_the_sign_form_from_the_archive(login, town_staff, child):
    response = login(town_staff).get(_url("agreements:child_agreement", child))
    assert response.status_code == 200
    form = response.context["sign_form"]
    assert form.initial["signed_on"] == date(2026, 11, 28) and form.initial["valid_until"] == date(2027, 11, 27)
    assert form.initial["witness_name"] == "亚光村村民委员会"
    assert len(form.initial["principals"]) == 2
    content = response.content.decode()
    assert "未签订" in content and "顾兰春" in content and "登记签订" in content


def test_signing_through_the_form_saves_and_redirects(login, town_staff, child):
    response = login(town_staff).post(_url("agreements:sign", child), _sign_data(child))
    assert response.status_code == 302 and response["Location"] == _url("agreements:child_agreement", child)
    agreement = Agreement.objects.get(child=child)
    assert agreement.status == AgreementStatus.SIGNED and agreement.notes == "在村委会签订"
    assert agreement.history.get().history_user == town_staff
    page = login(town_staff).get(_url("agreements:child_agreement", child)).content.decode()
    assert "已签订（有效）" in page and "2027-11-19" in page


def test_a_wrong_form_comes_back_as_typed_with_a_chinese_message_and_nothing_saved(login, town_staff, child):
    data = _sign_data(child, valid_until="2026-11-01", notes="手写备注")
    response = login(town_staff).post(_url("agreements:sign", child), data)
    assert response.status_code == 200
    form = response.context["sign_form"]
    assert form.errors["valid_until"] == ["有效期截止日期须晚于起始日期。"]
    assert form["notes"].value() == "手写备注" and form["valid_until"].value() == "2026-11-01"
    assert not Agreement.objects.exists()
    missing = login(town_staff).post(_url("agreements:sign", child), _sign_data(child, signed_on="", principals=[]))
    assert "这个字段是必填项" in missing.content.decode()


def test_a_stale_form_is_refused_without_overwriting(login, town_staff, director, child):
    sign(child, user=director)
    response = login(town_staff).post(_url("agreements:sign", child), _sign_data(child, version="0"))
    assert response.status_code == 200
    assert "已被其他人修改" in response.content.decode()
    assert Agreement.objects.get(child=child).signed_on == date(2026, 3, 1)


def test_uploading_a_renamed_exe_shows_the_chinese_message_and_a_png_is_kept(login, town_staff, child):
    sign(child, user=town_staff)
    client = login(town_staff)
    refused = client.post(_url("agreements:upload_scan", child), {"version": "1", "scan": scanfiles.renamed_exe()})
    assert refused.status_code == 200 and "修改扩展名无效" in refused.content.decode()
    accepted = client.post(_url("agreements:upload_scan", child), {"version": "1", "scan": scanfiles.png()})
    assert accepted.status_code == 302
    assert Agreement.objects.get(child=child).scan_content_type == "image/png"


def test_the_scan_is_downloaded_through_the_scoped_view_and_audited(login, bureau, town_staff, child):
    agreement = sign(child, user=town_staff)
    agreement_upload_scan(user=town_staff, agreement=agreement, upload=scanfiles.pdf())
    response = login(bureau).get(_url("agreements:scan", child))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert event.user == bureau and event.object_id == str(child.pk)
    assert event.detail["document"] == "委托照护协议扫描件"


def test_an_earlier_scan_stays_downloadable_from_the_history(login, town_staff, child):
    agreement = sign(child, user=town_staff)
    agreement_upload_scan(user=town_staff, agreement=agreement, upload=scanfiles.png())
    first = agreement.history.first()
    agreement.refresh_from_db()
    agreement_upload_scan(user=town_staff, agreement=agreement, upload=scanfiles.pdf())
    client = login(town_staff)
    old = client.get(reverse("agreements:scan_version", args=[child.pk, first.history_id]))
    assert old.status_code == 200 and old["Content-Type"] == "image/png"
    assert client.get(reverse("agreements:scan_version", args=[child.pk, 999999])).status_code == 404


def test_without_a_scan_the_download_is_404(login, town_staff, child):
    assert login(town_staff).get(_url("agreements:scan", child)).status_code == 404
    sign(child, user=town_staff)
    assert login(town_staff).get(_url("agreements:scan", child)).status_code == 404


def test_marking_for_resigning_and_ending_through_the_page(login, town_staff, child):
    sign(child, user=town_staff)
    client = login(town_staff)
    empty = client.post(_url("agreements:mark_resign", child), {"resign-version": "1", "resign-reason": ""})
    assert empty.status_code == 200 and empty.context["resign_form"].errors["reason"]
    client.post(_url("agreements:mark_resign", child), {"resign-version": "1", "resign-reason": "照护人外出"})
    assert Agreement.objects.get(child=child).status == AgreementStatus.TO_RESIGN
    assert "照护人外出" in client.get(_url("agreements:child_agreement", child)).content.decode()
    client.post(_url("agreements:end", child), {"end-version": "2", "end-reason": "父母返乡"})
    agreement = Agreement.objects.get(child=child)
    assert agreement.status == AgreementStatus.ENDED and agreement.end_reason == "父母返乡"
    again = client.post(_url("agreements:end", child), {"end-version": "3", "end-reason": "再次"})
    assert "已经终止" in again.content.decode()


def test_actions_on_a_child_without_an_agreement_are_404(login, town_staff, child):
    client = login(town_staff)
    assert client.post(_url("agreements:end", child), {"end-version": "0", "end-reason": "x"}).status_code == 404


def test_read_only_roles_and_exited_children_see_no_forms(login, bureau, town_staff, child):
    sign(child, user=town_staff)
    page = login(bureau).get(_url("agreements:child_agreement", child)).content.decode()
    assert "不能办理" in page and "登记签订" not in page
    exit_child(child, user=town_staff)
    page = login(town_staff).get(_url("agreements:child_agreement", child)).content.decode()
    assert "已退出在册名单" in page and "已终止" in page and "保存签订信息" not in page
