"""Referral pages: overdue first everywhere, filters, the bureau county-wide, the workflow through the
page, and the printable written report to the education department (audited)."""

import io
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from qidong_care.audit.models import AuditEvent
from tests.factories import make_child
from visits.choices import Finding, ReferralSource, ReferralStatus
from visits.models import Referral
from visits.services import referral_transition, referrals_open

from .conftest import YAGUANG


def ago(**delta):
    return timezone.now() - timedelta(**delta)


def test_the_list_shows_overdue_first_then_by_deadline_and_hides_closed_ones(child, director, login):
    (assistance,) = referrals_open([(child, Finding.HARDSHIP)], source=ReferralSource.ARCHIVE, now=ago(days=1))
    (police,) = referrals_open([(child, Finding.VIOLENCE)], source=ReferralSource.VISIT, now=ago(hours=1))
    (late,) = referrals_open([(child, Finding.INJURY)], source=ReferralSource.VISIT, now=ago(days=3))
    (done,) = referrals_open([(child, Finding.GUARDIAN_NEGLECT)], source=ReferralSource.VISIT)
    referral_transition(user=director, referral=done, to_status=ReferralStatus.REPORTED, reported_to="派出所")
    referral_transition(user=director, referral=done, to_status=ReferralStatus.CLOSED, outcome="已处理")
    page = login(director).get(reverse("visits:referral_list")).context["page"]
    assert [r.pk for r in page] == [late.pk, police.pk, assistance.pk]
    assert page[0].is_overdue and not page[1].is_overdue
    everything = login(director).get(reverse("visits:referral_list"), {"status": "all"}).context["page"]
    assert [r.pk for r in everything][-1] == done.pk


def test_the_list_filters_by_status_body_and_town(child, nanyang_child, bureau, login, nanyang):
    referrals_open([(child, Finding.VIOLENCE), (child, Finding.OUT_OF_SCHOOL)], source=ReferralSource.VISIT)
    (south,) = referrals_open([(nanyang_child, Finding.HARDSHIP)], source=ReferralSource.ARCHIVE)
    client = login(bureau)
    assert len(client.get(reverse("visits:referral_list")).context["page"]) == 3  # county-wide
    by_town = client.get(reverse("visits:referral_list"), {"town": nanyang.pk}).context["page"]
    assert [r.pk for r in by_town] == [south.pk]
    by_body = client.get(reverse("visits:referral_list"), {"body": "education"}).context["page"]
    assert [r.trigger for r in by_body] == [Finding.OUT_OF_SCHOOL]
    assert len(client.get(reverse("visits:referral_list"), {"status": "reported"}).context["page"]) == 0


def test_the_high_risk_banner_is_red_on_the_referral_list_of_the_town_and_the_bureau(child, town_staff, bureau, login):
    referrals_open([(child, Finding.ALONE)], source=ReferralSource.VISIT)
    for user in (town_staff, bureau):
        html = login(user).get(reverse("visits:referral_list")).content.decode()
        assert "alert-danger" in html and "高风险情况 1 条" in html and "脱离监护单独居住生活" in html


def test_the_referral_list_runs_the_same_queries_for_3_or_30_referrals(director, login):
    client = login(director)
    children = [make_child(YAGUANG, user=director, name=f"丙{i}") for i in range(10)]
    findings = [Finding.INJURY, Finding.HARDSHIP, Finding.OUT_OF_SCHOOL]
    referrals_open([(children[0], f) for f in findings], source=ReferralSource.VISIT, now=ago(days=2))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("visits:referral_list"))
    referrals_open([(c, f) for c in children[1:] for f in findings], source=ReferralSource.VISIT, now=ago(days=2))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("visits:referral_list"))
    assert len(response.context["page"]) == 30
    assert len(many) == len(few)


def test_the_workflow_through_the_page(child, town_staff, login):
    (referral,) = referrals_open([(child, Finding.ALONE)], source=ReferralSource.VISIT)
    client = login(town_staff)
    url = reverse("visits:referral_transition", args=[referral.pk])
    response = client.post(
        url, {"status": "reported", "reported_to": "汇龙派出所 王警官", "receipt_no": "A1", "version": 1}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.reported_by, referral.receipt_no) == ("reported", town_staff, "A1")
    response = client.post(url, {"status": "closed", "outcome": "", "version": referral.version})
    assert response.status_code == 400 and "办结时请填写处置结果" in response.content.decode()
    stale = client.post(url, {"status": "closed", "outcome": "已安置", "version": 1})
    assert stale.status_code == 400 and "已被其他人更新" in stale.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == "reported"


def test_the_parents_notification_is_recorded_through_the_page(child, director, login):
    (school,) = referrals_open([(child, Finding.OUT_OF_SCHOOL)], source=ReferralSource.VISIT)
    response = login(director).post(
        reverse("visits:referral_parents", args=[school.pk]),
        {"at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "note": "电话通知母亲张某", "version": 1},
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.parents_notified_note == "电话通知母亲张某" and school.parents_notified_at is not None


def test_the_written_report_is_a_pdf_in_chinese_and_its_printing_is_audited(child, director, login):
    (school,) = referrals_open([(child, Finding.OUT_OF_SCHOOL)], source=ReferralSource.VISIT)
    response = login(director).get(reverse("visits:referral_report_pdf", args=[school.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "失学辍学" in text and child.name in text
    assert child.id_number not in text  # masked
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert event.user == director and event.object_id == str(child.pk)


def test_only_the_education_referral_has_a_written_report(child, director, login):
    (police,) = referrals_open([(child, Finding.ALONE)], source=ReferralSource.VISIT)
    assert login(director).get(reverse("visits:referral_report_pdf", args=[police.pk])).status_code == 404
