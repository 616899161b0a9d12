"""The roster import's bulk writer (registry.roster.inserts): new rows carry the model's defaults, each
row its own list where the default is a list, and every new row gets its "+" history row saying who,
when and why, with the row's own values (on PostgreSQL the database copies it from the row)."""

from datetime import date

import pytest
from django.utils import timezone

from qidong_care.core.crypto import blind_index
from registry.models import Adult, Child
from registry.roster.inserts import insert_with_history, new_row
from registry.rules.idnumber import mask_id_number
from registry.services import AdultInput, set_adult_identity
from tests.factories import make_id


def test_new_rows_have_the_model_defaults_and_lists_of_their_own():
    first, second = new_row(Child), new_row(Child)
    assert first.version == Child._meta.get_field("version").get_default() == 1
    assert first.roster_status == Child._meta.get_field("roster_status").get_default()
    assert first.name == "" and first.birth_date is None and first.created_at is None
    first.verdict_reasons.append("父母均外出务工")
    assert second.verdict_reasons == []


@pytest.mark.django_db
def test_new_rows_and_their_history_are_written_alike(admin_user, huilong):
    village = huilong.children.first()
    children = []
    for seq in range(3):
        number = make_id(date(2015, 4, 2), seq=seq)
        children.append(
            new_row(
                Child,
                name=f"儿童{seq}",
                id_number=number,
                id_number_hash=blind_index(number),
                id_number_masked=mask_id_number(number),
                gender="M",
                birth_date=date(2015, 4, 2),
                village_id=village.pk,
                town_id=village.parent_id,
            )
        )
    when = timezone.now()
    insert_with_history(Child, children, user=admin_user, reason="花名册导入（测试）", when=when)

    for child in children:
        stored = Child.objects.get(pk=child.pk)
        record = Child.history.get(id=child.pk)
        assert (record.history_type, record.history_user_id, record.history_change_reason) == (
            "+",
            admin_user.pk,
            "花名册导入（测试）",
        )
        assert record.history_date == when
        assert (record.name, record.id_number, record.village_id) == (stored.name, stored.id_number, village.pk)
        assert stored.id_number == child.id_number


def test_a_known_hash_is_used_only_for_its_own_number():
    number, other = make_id(date(1988, 1, 5), seq=1), make_id(date(1988, 1, 5), seq=2)
    data = AdultInput(name="石建国", id_number=number, phone="13912345678")
    adult = Adult()
    set_adult_identity(adult, data, hashed=(number, "given-hash"))
    assert adult.id_number_hash == "given-hash"
    set_adult_identity(adult, data, hashed=(other, "hash-of-another-number"))
    assert adult.id_number_hash == blind_index(number)
