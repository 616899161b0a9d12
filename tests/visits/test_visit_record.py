"""Recording a visit: the assessment, its findings and referrals, the archive changes it brings (through
registry.services.child_save, in the same transaction), photos, and a re-sent form saved once."""

import io
import re
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from registry.assessment import today
from registry.choices import AdultRole, LivingArrangement, ParentStatus, Relation, Schooling, Verdict
from registry.models import ArchiveUpdate, Child
from registry.services import AdultInput, ConcurrentEditError, child_save
from tests.factories import make_id
from visits.choices import Finding, Guardianship, ReferralBody, ReferralSource, RiskLevel, SchoolingState, Service
from visits.models import Referral, Visit
from visits.photos import MAX_PHOTO_BYTES, photo_check, photos_check
from visits.services import ArchiveChange, visit_record

from .conftest import needs_adult_update_fix, routine


def test_a_routine_visit_is_stored_with_its_month_and_the_childs_regions(child, director):
    on = today()
    visit = visit_record(user=director, child=child, data=routine(on))
    assert (visit.month, visit.town_id, visit.village_id) == (on.replace(day=1), child.town_id, child.village_id)
    assert visit.recorded_by == director and visit.findings == [] and visit.risk_level == RiskLevel.LOW
    assert visit.history.count() == 1
    assert not Referral.objects.exists()


def test_a_visit_cannot_be_dated_in_the_future(child, director):
    with pytest.raises(ValidationError) as error:
        visit_record(user=director, child=child, data=routine(today() + timedelta(days=1)))
    assert "date" in error.value.message_dict


def test_findings_open_referrals_from_the_visit_and_raise_the_risk(child, director):
    data = routine(today(), guardianship=Guardianship.NEGLECT, risk_level=RiskLevel.LOW)
    visit = visit_record(user=director, child=child, data=data, findings=[Finding.VIOLENCE])
    assert visit.findings == [Finding.GUARDIAN_NEGLECT, Finding.VIOLENCE]
    assert visit.risk_level == RiskLevel.HIGH
    referrals = Referral.objects.filter(visit=visit)
    assert set(referrals.values_list("trigger", "body", "source")) == {
        (Finding.GUARDIAN_NEGLECT, ReferralBody.POLICE, ReferralSource.VISIT),
        (Finding.VIOLENCE, ReferralBody.POLICE, ReferralSource.VISIT),
    }


def test_a_dropout_found_on_a_visit_adds_back_to_school_and_one_education_referral(child, director):
    data = routine(today(), schooling=SchoolingState.DROPPED_OUT, services=[Service.COUNSELLING])
    visit = visit_record(user=director, child=child, data=data, archive=ArchiveChange(dropped_out=True))
    assert visit.services == [Service.COUNSELLING, Service.BACK_TO_SCHOOL]
    child.refresh_from_db()
    assert child.schooling == Schooling.DROPPED_OUT
    # The archive handler sees 辍学 too, but the visit's referral is still open: one, from the visit.
    referral = Referral.objects.get(child=child)
    assert (referral.body, referral.source, referral.visit) == (ReferralBody.EDUCATION, ReferralSource.VISIT, visit)


def test_a_past_dated_visit_counts_its_deadline_from_the_end_of_the_visit_day(child, director):
    yesterday = today() - timedelta(days=1)
    visit = visit_record(user=director, child=child, data=routine(yesterday), findings=[Finding.INJURY])
    referral = visit.referrals.get()
    assert referral.opened_at.date() <= yesterday + timedelta(days=1)
    assert referral.deadline - referral.opened_at == timedelta(hours=24)


# --- archive changes --------------------------------------------------------------------------------------


@needs_adult_update_fix
def test_a_parent_who_came_home_updates_the_archive_and_the_verdict(child, director):
    assert child.verdict == Verdict.BOTH_AWAY
    visit = visit_record(
        user=director,
        child=child,
        data=routine(today()),
        archive=ArchiveChange(father_home=True),
        expected_version=child.version,
    )
    child.refresh_from_db()
    father = child.links.get(role=AdultRole.FATHER).adult
    assert father.status == ParentStatus.HOME
    assert child.verdict == Verdict.NOT_LEFT_BEHIND  # 父/母在家履行监护
    assert child.history.first().history_change_reason == "走访更新"
    assert ArchiveUpdate.objects.filter(child=child, on=today()).exists()
    assert visit.archive_changes == ["父亲已返乡，状况改为“在家”"]


def test_a_new_carer_is_linked_in_place_of_the_old_one(child, director):
    new_carer = AdultInput(
        name="石建国",
        id_number=make_id(child.birth_date.replace(year=1958)),
        phone="13912340000",
        relation=Relation.GRANDFATHER,
    )
    visit_record(user=director, child=child, data=routine(today()), archive=ArchiveChange(new_carer=new_carer))
    carer = child.links.get(role=AdultRole.CARER)
    assert (carer.adult.name, carer.relation) == ("石建国", Relation.GRANDFATHER)
    assert child.links.get(role=AdultRole.GUARDIAN).adult.name == "顾兰春"  # the guardian stays


def test_living_alone_updates_the_archive_and_opens_a_police_referral(child, director):
    visit = visit_record(user=director, child=child, data=routine(today()), archive=ArchiveChange(living_alone=True))
    child.refresh_from_db()
    assert child.living_arrangement == LivingArrangement.ALONE
    assert visit.findings == [Finding.ALONE] and visit.risk_level == RiskLevel.HIGH
    assert Referral.objects.get(child=child).body == ReferralBody.POLICE


def test_a_parent_missing_from_the_archive_cannot_be_marked_home(director):
    from tests.factories import complete_adults, make_child

    from .conftest import YAGUANG

    adults = complete_adults()
    adults[AdultRole.MOTHER] = None
    lone = make_child(YAGUANG, user=director, adults=adults)
    with pytest.raises(ValidationError) as error:
        visit_record(user=director, child=lone, data=routine(today()), archive=ArchiveChange(mother_home=True))
    assert "mother_home" in error.value.message_dict
    assert not Visit.objects.exists()


def test_a_concurrent_edit_of_the_archive_rolls_the_whole_visit_back(child, director, town_staff):
    opened_version = child.version
    child_save(user=town_staff, child=Child.objects.get(pk=child.pk), data={"notes": "镇里改过"}, adults={})
    with pytest.raises(ConcurrentEditError):
        visit_record(
            user=director,
            child=Child.objects.get(pk=child.pk),
            data=routine(today()),
            findings=[Finding.VIOLENCE],
            archive=ArchiveChange(dropped_out=True),
            expected_version=opened_version,
        )
    assert not Visit.objects.exists() and not Referral.objects.exists()
    assert Child.objects.get(pk=child.pk).schooling == Schooling.PRIMARY


def test_a_visit_re_sent_with_the_same_token_is_saved_once(child, director):
    token = uuid.uuid4()
    first = visit_record(user=director, child=child, data=routine(today()), client_token=token)
    again = visit_record(user=director, child=child, data=routine(today()), client_token=token)
    assert first.pk == again.pk and Visit.objects.count() == 1


def test_a_token_of_another_childs_visit_is_refused(child, huilong_child, director, town_staff):
    token = uuid.uuid4()
    visit_record(user=director, child=child, data=routine(today()), client_token=token)
    with pytest.raises(ValidationError):
        visit_record(user=town_staff, child=huilong_child, data=routine(today()), client_token=token)


def test_an_exited_child_is_not_visited(child, director):
    child.roster_status = "exited"
    with pytest.raises(ValidationError):
        visit_record(user=director, child=child, data=routine(today()))


# --- photos -------------------------------------------------------------------------------------------------


def image_bytes(fmt: str = "JPEG", size=(2400, 1800)) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x8825] = {2: (31, 49, 0)}  # a GPS position, which must not be kept
    image.save(buffer, format=fmt, **({"exif": exif} if fmt == "JPEG" else {}))
    return buffer.getvalue()


def test_a_photo_is_checked_by_content_scaled_down_and_stripped_of_its_metadata():
    checked = photo_check(SimpleUploadedFile("IMG_0001.jpg", image_bytes(), content_type="image/jpeg"))
    assert checked.content_type == "image/jpeg"
    with Image.open(io.BytesIO(checked.content)) as image:
        assert max(image.size) == 1600
        assert not image.getexif()


def test_a_png_is_kept_as_a_png():
    checked = photo_check(SimpleUploadedFile("a.png", image_bytes("PNG", (40, 30)), content_type="image/png"))
    assert checked.content_type == "image/png" and checked.content.startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "只能上传 JPEG 或 PNG"),
        (b"\xff\xd8\xff" + b"not really a jpeg" * 10, "已损坏"),
        (b"GIF89a" + b"\x00" * 20, "只能上传 JPEG 或 PNG"),
    ],
)
def test_a_file_that_is_not_a_real_jpeg_or_png_is_refused(content, message):
    with pytest.raises(ValidationError, match=message):
        photo_check(SimpleUploadedFile("photo.jpg", content, content_type="image/jpeg"))


def test_an_oversized_photo_and_too_many_photos_are_refused():
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * MAX_PHOTO_BYTES, content_type="image/jpeg")
    with pytest.raises(ValidationError, match="不能超过"):
        photo_check(big)
    small = [SimpleUploadedFile(f"{i}.png", image_bytes("PNG", (4, 4))) for i in range(5)]
    with pytest.raises(ValidationError, match="最多"):
        photos_check(small)


def test_photos_are_stored_with_the_visit(child, director, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = photo_check(SimpleUploadedFile("a.jpg", image_bytes(size=(20, 20))))
    visit = visit_record(user=director, child=child, data=routine(today()), photos=[photo])
    stored = visit.photos.get()
    assert re.fullmatch(r"visit_photos/\d{4}/\d{2}/[0-9a-f]{32}\.jpg", stored.file.name)  # never the upload's name
    assert stored.size == len(photo.content)
