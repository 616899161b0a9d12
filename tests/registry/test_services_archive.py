"""The write services the pages stand on (registry.services): the rules they enforce themselves."""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from registry.choices import ParentStatus, RosterStatus
from registry.models import Adult, Child
from registry.services import AdultInput, ConcurrentEditError, child_exit, child_field_check, child_save
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import complete_adults, make_child
from tests.registry.registry_pages import next_id


@pytest.fixture
def child(town_staff):
    return make_child(DIRECTOR_VILLAGES[0], user=town_staff, id_number=next_id())


def test_changing_an_adult_bumps_its_version_and_keeps_history(town_staff, child):
    father = child.links.get(role="father").adult
    data = AdultInput(
        name=father.name,
        id_number=father.id_number,
        phone="13700009999",
        status=father.status,
        work_place=father.work_place,
        departed_on=father.departed_on,
        relation="father",
    )
    child_save(user=town_staff, child=child, data={}, adults={"father": data})
    father.refresh_from_db()
    assert father.phone == "13700009999" and father.version == 2
    assert father.history.count() == 2 and father.history.first().version == 2


def test_an_exited_childs_archive_cannot_be_saved(town_staff, child):
    child_exit(user=town_staff, child=child, reason="moved_away", on=date(2026, 11, 1))
    with pytest.raises(ValidationError, match="档案只读"):
        child_save(user=town_staff, child=child, data={"school": "新学校"}, adults={})
    child.refresh_from_db()
    assert child.school != "新学校"


def test_one_person_in_two_roles_without_an_id_number_is_one_adult(town_staff):
    grandma = AdultInput(name="顾兰春", phone="13781286570", relation="grandmother")
    adults = dict(complete_adults(), guardian=grandma, carer=replace(grandma))
    saved = make_child(DIRECTOR_VILLAGES[0], user=town_staff, adults=adults, id_number=next_id())
    assert len({link.adult_id for link in saved.links.filter(role__in=["guardian", "carer"])}) == 1
    assert Adult.objects.filter(name="顾兰春").count() == 1


def test_the_first_role_gives_the_facts_of_a_person_named_twice(town_staff):
    adults = complete_adults()
    father = replace(adults["father"], status=ParentStatus.HOME, work_place="", departed_on=None)
    adults.update(father=father, guardian=replace(father, status="", relation="father"))
    saved = make_child(DIRECTOR_VILLAGES[0], user=town_staff, adults=adults, id_number=next_id())
    assert saved.links.get(role="guardian").adult.status == ParentStatus.HOME


def test_a_stale_adult_version_is_refused_when_its_facts_differ(town_staff, child):
    father = child.links.get(role="father").adult
    stale = AdultInput(
        name=father.name,
        id_number=father.id_number,
        phone=father.phone,
        status=father.status,
        work_place="北京市",
        departed_on=father.departed_on,
        relation="father",
        version=father.version - 1 if father.version > 1 else father.version + 5,
    )
    with pytest.raises(ConcurrentEditError):
        child_save(user=town_staff, child=child, data={}, adults={"father": stale})
    unchanged = replace(stale, work_place=father.work_place)
    fresh = Child.objects.get(pk=child.pk)  # the failed save rolled back; the instance is stale
    child_save(user=town_staff, child=fresh, data={}, adults={"father": unchanged})  # nothing to overwrite
    assert Adult.objects.get(pk=father.pk).work_place == father.work_place


def test_a_stale_child_version_is_refused(town_staff, child):
    with pytest.raises(ConcurrentEditError, match="该档案已被其他人"):
        child_save(user=town_staff, child=child, data={"grade": "6年级"}, adults={}, expected_version=child.version - 1)


def test_a_child_that_leaves_a_duplicate_group_clears_the_flag_of_the_one_left(town_staff):
    first = make_child(DIRECTOR_VILLAGES[0], user=town_staff, name="重名", id_number=next_id(date(2014, 1, 1)))
    second = make_child(DIRECTOR_VILLAGES[0], user=town_staff, name="重名", id_number=next_id(date(2014, 1, 1)))
    first.refresh_from_db()
    assert first.likely_duplicate and second.likely_duplicate
    child_save(user=town_staff, child=second, data={"name": "改名"}, adults={})
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.likely_duplicate and not second.likely_duplicate


def test_an_exit_date_in_the_future_is_refused(town_staff, child):
    from registry.assessment import today

    with pytest.raises(ValidationError, match="退出日期不能晚于今天"):
        child_exit(user=town_staff, child=child, reason="other", on=today() + timedelta(days=1))
    assert Child.objects.get(pk=child.pk).roster_status == RosterStatus.ACTIVE


def test_only_a_suspected_child_gets_a_field_check(town_staff, child):
    with pytest.raises(ValidationError, match="只有待核实的儿童"):
        child_field_check(user=town_staff, child=child, outcome="rejected", note="无需")
