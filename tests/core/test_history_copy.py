"""History rows copied by the database (jobs that change many rows): the same rows simple-history
writes, ciphertexts copied as they are, who and why as told."""

from datetime import date

from django.utils import timezone

from qidong_care.core import history_copy as module
from qidong_care.core.history_copy import history_copy
from registry.history_user import acting_user
from registry.models import Child
from tests.factories import make_child, make_id

VILLAGE = "320681100236"
BIRTH = date(2015, 4, 2)


def test_the_copy_is_the_row_simple_history_writes(db):
    child = Child.objects.get(pk=make_child(VILLAGE, birth=BIRTH, health="ill").pk)
    when = timezone.now()
    Child.history.bulk_history_create([child], update=True, default_change_reason="比对", default_date=when)
    assert history_copy(Child, [child.pk], when=when, reason="比对") == 1
    by_simple_history, by_copy = Child.history.filter(id=child.pk, history_change_reason="比对").order_by("history_id")
    tracked = [field.attname for field in Child.history.model.tracked_fields]
    assert {name: getattr(by_copy, name) for name in tracked} == {
        name: getattr(by_simple_history, name) for name in tracked
    }
    assert by_copy.health == "ill" and by_copy.id_number == child.id_number
    assert (by_copy.history_type, by_copy.history_date, by_copy.history_user_id) == ("~", when, None)


def test_the_rows_name_the_acting_user_and_come_in_chunks(db, town_staff, monkeypatch):
    monkeypatch.setattr(module, "CHUNK", 2)
    ids = [make_child(VILLAGE, name=f"分批{n}", id_number=make_id(BIRTH, seq=200 + n)).pk for n in range(5)]
    with acting_user(town_staff):
        assert history_copy(Child, ids, when=timezone.now(), reason="分批", kind="+") == 5
    rows = Child.history.filter(history_change_reason="分批")
    assert sorted(rows.values_list("id", flat=True)) == sorted(ids)
    assert set(rows.values_list("history_user_id", "history_type")) == {(town_staff.pk, "+")}
