"""The printed agreement (WeasyPrint, Noto CJK): its text, masking, queries, the village batch, audit."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from qidong_care.audit.models import AuditEvent
from registry.models import Region
from tests.agreements.conftest import KEMING, YAGUANG, change_carer, sign
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def child(town_staff):
    return make_child(YAGUANG, user=town_staff, name="石红轩")


def test_the_printed_agreement_names_the_child_the_carer_and_the_carers_duties(login, town_staff, child):
    response = login(town_staff).get(reverse("agreements:print", args=[child.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    text = pdf_text(response.content)
    assert "农村留守儿童委托照护协议书" in text
    assert "石红轩" in text and "顾兰春" in text  # the child and the carer
    assert "石轩瑶" in text and "张明浩" in text  # the away parents (principals)
    assert "亚光村村民委员会" in text and "汇龙镇" in text  # the witness
    for duty in ("监护照料", "安全保护", "就学教育", "身心健康", "亲情沟通"):
        assert duty in text
    assert "签字、按手印" in text and "盖章" in text


def test_one_agreement_is_one_a4_page(login, town_staff, child):
    reader = PdfReader(io.BytesIO(login(town_staff).get(reverse("agreements:print", args=[child.pk])).content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points


def test_identity_numbers_are_masked_unless_revealed_on_purpose(login, town_staff, child):
    client = login(town_staff)
    masked = pdf_text(client.get(reverse("agreements:print", args=[child.pk])).content)
    child.refresh_from_db()
    assert child.id_number_masked in masked and child.id_number not in masked
    assert "139****5678" in masked and "13912345678" not in masked
    revealed = pdf_text(client.get(reverse("agreements:print", args=[child.pk]), {"reveal": "1"}).content)
    assert child.id_number in revealed
    print_events = AuditEvent.objects.filter(kind=AuditEvent.Kind.PRINT).order_by("id")
    assert [event.detail["revealed"] for event in print_events] == [False, True]
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.REVEAL, object_id=str(child.pk)).count() == 1


def test_printing_is_audited_with_the_user_and_the_child(login, director, child):
    login(director).get(reverse("agreements:print", args=[child.pk]))
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert event.user == director and event.object_type == "registry.child" and event.object_id == str(child.pk)
    assert event.detail["document"] == "委托照护协议书"


def test_a_signed_agreement_prints_with_its_dates(login, town_staff, child):
    sign(child, user=town_staff)
    text = pdf_text(login(town_staff).get(reverse("agreements:print", args=[child.pk])).content)
    assert "2026年3月1日" in text and "2027年2月28日" in text


def test_after_a_carer_change_the_print_names_the_new_carer(login, town_staff, child):
    sign(child, user=town_staff)
    change_carer(child, user=town_staff, name="陈桂英")
    text = pdf_text(login(town_staff).get(reverse("agreements:print", args=[child.pk])).content)
    assert "陈桂英" in text


def test_printing_one_agreement_takes_as_many_queries_however_long_the_childs_history(login, town_staff, child):
    # Its speed is measured in the benchmark; here: no query per history row or per earlier carer.
    client = login(town_staff)
    url = reverse("agreements:print", args=[child.pk])
    counts = []
    for carer in ("陈桂英", "顾小梅"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
        for _ in range(5):
            change_carer(child, user=town_staff, name=carer)
    assert counts[0] == counts[1]


def test_the_village_batch_holds_every_agreement_still_to_sign_and_no_signed_one(login, director, town_staff):
    unsigned = [make_child(YAGUANG, user=town_staff, name=name) for name in ("甲一", "乙二", "丙三")]
    done = make_child(YAGUANG, user=town_staff, name="丁四")
    sign(done, user=town_staff)
    make_child(KEMING, user=town_staff, name="戊五")  # another village
    village = Region.objects.get(code=YAGUANG)
    response = login(director).get(reverse("agreements:print_village", args=[village.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for child in unsigned:
        assert child.name in text
    assert "丁四" not in text and "戊五" not in text
    assert pages(response.content) == 3 and text.count("农村留守儿童委托照护协议书") == 3
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PRINT)
    assert event.detail["count"] == 3 and event.object_id == str(village.pk)


def test_a_village_with_nothing_to_sign_sends_the_user_back_with_a_message(login, director, town_staff):
    sign(make_child(YAGUANG, user=town_staff), user=town_staff)
    village = Region.objects.get(code=YAGUANG)
    response = login(director).get(reverse("agreements:print_village", args=[village.pk]), follow=True)
    assert "没有待签订或需重签" in response.content.decode()
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PRINT).exists()


def test_the_village_batch_takes_the_same_number_of_queries_for_3_or_12_children(login, director, town_staff):
    yaguang, keming = Region.objects.get(code=YAGUANG), Region.objects.get(code=KEMING)
    for i in range(3):
        make_child(YAGUANG, user=town_staff, name=f"亚{i}")
    for i in range(12):
        make_child(KEMING, user=town_staff, name=f"克{i}")
    client = login(director)
    counts = []
    for village in (yaguang, keming):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("agreements:print_village", args=[village.pk])).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
