"""Idempotent upsert (issue 4, line 4): children match by ID number, adults by ID number else name +
phone within the family; the same file again writes nothing; changes keep history naming the import."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qidong_care.core import crypto
from qidong_care.core.crypto import blind_index
from registry.choices import ExitReason
from registry.models import Adult, ArchiveUpdate, Child, ChildAdult
from registry.services import child_exit
from tests.conftest import SAMPLE_DATE
from tests.factories import make_child
from tests.roster.conftest import SAMPLE

CALLS = []


def remember_changed(children, *, source, user):
    CALLS.append((sorted(child.pk for child in children), source, user))


def child_of(row) -> Child:
    return Child.objects.get(id_number_hash=blind_index(str(row["公民身份号码"])))


def counts() -> tuple:
    return (
        Child.objects.count(),
        Adult.objects.count(),
        ChildAdult.objects.count(),
        Child.history.count(),
        Adult.history.count(),
        ChildAdult.history.count(),
        ArchiveUpdate.objects.count(),
    )


def test_the_sample_roster_imports_whole_with_its_adults_links_and_history(db, run, admin_user):
    result = run(SAMPLE, admin_user)
    assert (result.rows, result.created, result.rejected) == (300, 300, 0)
    assert counts() == (300, 900, 1200, 300, 900, 1200, 300)
    entry = Child.history.first()
    assert entry.history_user == admin_user and entry.history_change_reason == "花名册导入（roster-sample.xlsx）"
    assert Child.objects.filter(roster_status="active").count() > 150
    child = Child.objects.get(id_number_hash=blind_index("320681201504029779"))
    assert child.verdict == "both_away" and child.created_by == admin_user and child.town.name == "汇龙镇"
    assert ArchiveUpdate.objects.filter(child=child, on=SAMPLE_DATE).exists()


def test_importing_the_same_file_again_reports_everything_unchanged_and_writes_nothing(db, run, admin_user):
    run(SAMPLE, admin_user)
    before = counts()
    versions = dict(Child.objects.values_list("pk", "version"))
    with CaptureQueriesContext(connection) as queries:
        result = run(SAMPLE, admin_user, on=SAMPLE_DATE + timedelta(days=1))
    assert (result.unchanged, result.created, result.updated, result.rejected) == (300, 0, 0, 0)
    assert counts() == before and dict(Child.objects.values_list("pk", "version")) == versions
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert all("registry_" not in sql for sql in writes), writes  # only the audit event


def test_an_unchanged_reimport_never_decrypts_an_adults_id_number_or_phone(db, rows, write, run, monkeypatch):
    """They are compared by keyed hash: the personal data stays sealed (and the import stays fast)."""
    path = write(rows(20))
    run(path)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM registry_adult")
        sealed = {token for pair in cursor.fetchall() for token in pair if token}
    opened = []
    real_decrypt = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda token: opened.append(token) or real_decrypt(token))
    assert run(path).unchanged == 20
    assert sealed and not sealed & set(opened)


def test_a_new_phone_and_a_first_id_number_for_a_known_adult_are_seen(db, rows, write, run):
    data = rows(3)
    number = data[0]["监护人公民身份号码"]
    data[0]["监护人公民身份号码"] = ""
    run(write(data))
    data[0]["监护人公民身份号码"] = number
    data[1]["母亲联系电话"] = "13700003333"
    result = run(write(data, name="again.xlsx"))
    assert (result.updated, result.unchanged) == (2, 1)
    guardian = child_of(data[0]).links.get(role="guardian").adult
    assert guardian.id_number == str(number)
    assert child_of(data[1]).links.get(role="mother").adult.phone == "13700003333"


def test_a_changed_row_updates_the_child_with_history_saying_the_import_did_it(db, rows, write, run, admin_user):
    data = rows(3)
    run(write(data), admin_user)
    data[1]["就读学校"] = "启东市实验小学"
    data[1]["父亲联系电话"] = "13800001111"
    later = SAMPLE_DATE + timedelta(days=1)
    result = run(write(data, name="changed.xlsx"), admin_user, on=later)
    assert (result.updated, result.unchanged) == (1, 2)
    [update] = result.preview["update"]
    changes = {change["field"]: (change["old"], change["new"]) for change in update["changes"]}
    assert changes["就读学校"] == (data[0]["就读学校"] and changes["就读学校"][0], "启东市实验小学")
    assert changes["父亲联系电话"][1] == "138****1111"  # admins may not reveal personal data
    child = child_of(data[1])
    assert child.school == "启东市实验小学" and child.version == 2
    assert child.links.get(role="father").adult.phone == "13800001111"
    latest = child.history.first()
    assert latest.history_type == "~" and latest.history_change_reason == "花名册导入（changed.xlsx）"
    assert Adult.history.filter(history_type="~", history_change_reason__startswith="花名册导入").count() == 1
    assert ArchiveUpdate.objects.filter(on=later).count() == 1


def test_siblings_share_one_father_and_a_change_reaches_the_sibling_left_out_of_the_file(
    db, rows, write, run, admin_user
):
    data = rows(2)
    for column in ("父亲姓名", "父亲公民身份号码", "父亲联系电话", "父亲状况", "父亲务工地点", "父亲外出务工时间"):
        data[1][column] = data[0][column]
    run(write(data), admin_user)
    first, second = child_of(data[0]), child_of(data[1])
    assert first.links.get(role="father").adult_id == second.links.get(role="father").adult_id
    data[0]["父亲状况"] = "在家"
    data[0]["父亲务工地点"] = data[0]["父亲外出务工时间"] = ""
    result = run(write(data[:1], name="one.xlsx"), admin_user)
    assert (result.updated, result.siblings_updated) == (1, 1)
    second.refresh_from_db()
    assert second.verdict == "not_left_behind" and "父亲在家" in second.verdict_reasons
    assert second.history.first().history_change_reason == "花名册导入（one.xlsx）（同户成年人信息变更）"


def test_two_rows_naming_one_adult_differently_keep_the_first_and_warn(db, rows, write, run):
    data = rows(2)
    data[1]["监护人公民身份号码"] = data[1]["委托照护人公民身份号码"] = data[0]["监护人公民身份号码"]
    result = run(write(data))
    assert result.created == 2
    assert any("以先填写的为准" in warning["message"] for warning in result.warnings)
    guardian = child_of(data[1]).links.get(role="guardian").adult
    assert guardian.name == data[0]["监护人姓名"]


def test_adults_without_id_numbers_match_by_name_and_phone_within_the_family(db, rows, write, run):
    data = rows(2)
    for row in data:
        row["监护人公民身份号码"] = row["委托照护人公民身份号码"] = ""
    run(write(data))
    adults = Adult.objects.count()
    assert run(write(data, name="again.xlsx")).unchanged == 2 and Adult.objects.count() == adults
    data[0]["监护人联系电话"] = data[0]["委托照护人联系电话"] = "13900002222"  # same name, new phone
    result = run(write(data, name="phone.xlsx"))
    assert result.updated == 1 and Adult.objects.count() == adults
    guardian = child_of(data[0]).links.get(role="guardian")
    assert guardian.adult.phone == "13900002222" and child_of(data[0]).links.get(role="carer").adult == guardian.adult


def test_an_empty_id_cell_never_erases_a_known_id_number(db, rows, write, run):
    data = rows(1)
    run(write(data))
    number = data[0]["母亲公民身份号码"]
    data[0]["母亲公民身份号码"] = ""
    assert run(write(data, name="no-id.xlsx")).unchanged == 1
    assert child_of(data[0]).links.get(role="mother").adult.id_number == number


def test_emptying_the_carer_removes_the_link_and_keeps_its_history(db, rows, write, run):
    data = rows(1)
    run(write(data))
    for column in ("委托照护人姓名", "委托照护人与儿童关系", "委托照护人公民身份号码", "委托照护人联系电话"):
        data[0][column] = ""
    result = run(write(data, name="no-carer.xlsx"))
    assert result.updated == 1
    assert not child_of(data[0]).links.filter(role="carer").exists()
    assert ChildAdult.history.filter(history_type="-", role="carer").count() == 1


def test_same_name_birth_date_and_village_with_another_id_is_flagged_on_both_sides(db, rows, write, run, region):
    existing = make_child("320681100229", name="石红轩")  # 临江村委会, 汇龙镇
    data = rows(2)
    for row in data:
        row.update({"儿童姓名": "石红轩", "出生日期": existing.birth_date.isoformat(), "镇（街道、园区）": "汇龙镇"})
        row["村（社区）"], row["性别"] = "临江村", "男"
    for row, order in zip(data, ("531", "553"), strict=True):
        first17 = f"320681{existing.birth_date:%Y%m%d}{order}"
        from registry.rules.idnumber import check_digit

        row["公民身份号码"] = first17 + check_digit(first17)
    result = run(write(data))
    assert result.created == 2
    assert Child.objects.filter(likely_duplicate=True).count() == 3


def test_an_exited_childs_archive_is_read_only_for_the_import(db, rows, write, run, admin_user):
    data = rows(2)
    run(write(data), admin_user)
    child = child_of(data[0])
    child_exit(user=admin_user, child=child, reason=ExitReason.MOVED_AWAY, on=SAMPLE_DATE)
    assert run(write(data, name="same.xlsx"), admin_user).unchanged == 2
    data[0]["就读学校"] = "别的学校"
    result = run(write(data, name="changed.xlsx"), admin_user)
    [error] = result.errors
    assert (error.row, error.code) == (2, "exited") and "迁出" in error.message
    child.refresh_from_db()
    assert child.school != "别的学校"


def test_town_staff_cannot_move_a_child_archived_in_another_town(db, rows, write, run, town_staff):
    data = rows(1)
    data[0]["镇（街道、园区）"], data[0]["村（社区）"] = "南阳镇", "红星村"
    run(write(data))
    data[0]["镇（街道、园区）"], data[0]["村（社区）"] = "汇龙镇", "临江村"
    result = run(write(data, name="moved.xlsx"), town_staff)
    [error] = result.errors
    assert error.code == "unknown_region" and "南阳镇" in error.message
    assert child_of(data[0]).town.name == "南阳镇"


def test_archive_changed_is_called_once_with_every_changed_child(db, rows, write, run, admin_user, settings):
    settings.ARCHIVE_CHANGE_HANDLERS = ["tests.roster.test_upsert.remember_changed"]
    CALLS.clear()
    run(write(rows(3)), admin_user)
    [(pks, source, user)] = CALLS
    assert pks == sorted(Child.objects.values_list("pk", flat=True)) and source == "花名册导入" and user == admin_user


def test_a_failure_part_way_writes_nothing(db, rows, write, run, monkeypatch):
    run(write(rows(2)))
    before = counts()
    data = rows(5, seed=2)

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("registry.roster.writing.flag_likely_duplicates", explode)
    with pytest.raises(RuntimeError):
        run(write(data, name="more.xlsx"))
    assert counts() == before


def test_a_file_without_some_columns_leaves_those_facts_alone(db, rows, write, run):
    data = rows(2)
    run(write(data))
    guardian = child_of(data[0]).links.get(role="guardian").adult_id
    short = ["镇（街道、园区）", "村（社区）", "儿童姓名", "公民身份号码", "户籍类型", "就读学校"]
    data[0]["就读学校"] = "新学校"
    result = run(write(data, name="short.xlsx", headers=short))
    assert (result.updated, result.unchanged) == (1, 1)
    child = child_of(data[0])
    assert child.school == "新学校" and child.links.get(role="guardian").adult_id == guardian
    assert child.health and child.household_address  # columns the file did not have


def test_a_roster_with_a_header_and_no_rows_imports_nothing(db, write, run):
    result = run(write([]))
    assert (result.rows, result.created, result.rejected) == (0, 0, 0) and not Child.objects.exists()
