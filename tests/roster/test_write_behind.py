"""A large import's inserts run on a second thread (registry/roster/inserts.py, WriteBehind) on
PostgreSQL: what it writes is what the one-thread import writes, and an insert that fails there
leaves the database exactly as before, with the error raised to the import."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from agreements.models import Agreement
from registry.models import Adult, ArchiveUpdate, Child, ChildAdult
from registry.roster import inserts, writing

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the write-behind runs on PostgreSQL")


def archive() -> dict:
    """Everything an import writes, without the ids it happened to get."""
    children = {}
    for child in Child.objects.prefetch_related("links__adult"):
        links = sorted((link.role, link.adult.id_number_hash, link.relation) for link in child.links.all())
        children[child.id_number_hash] = (
            child.name,
            child.village_id,
            child.roster_status,
            child.verdict,
            tuple(child.verdict_reasons),
            tuple(child.missing_items),
            tuple(child.error_items),
            child.likely_duplicate,
            links,
        )
    return {
        "children": children,
        "adults": sorted(Adult.objects.values_list("id_number_hash", "name", "status", "work_place")),
        "history": [model.history.filter(history_type="+").count() for model in (Child, Adult, ChildAdult, Agreement)],
        "updates": ArchiveUpdate.objects.count(),
        "agreements": sorted(Agreement.objects.values_list("child__id_number_hash", "signed_on", "status")),
    }


def written(run, path, *, behind: bool, monkeypatch) -> dict:
    monkeypatch.setattr(writing, "WRITE_BEHIND_FROM", 1 if behind else 10**9)
    with transaction.atomic():
        result = run(path)
        state = archive()
        transaction.set_rollback(True)
    assert result.created == 40
    return state


def test_the_second_thread_writes_what_one_thread_writes(db, rows, write, run, monkeypatch):
    path = write(rows(40, seed=3))
    made = []
    real = inserts.WriteBehind.__init__

    def counted(self, raw):
        made.append(self)
        real(self, raw)

    monkeypatch.setattr(inserts.WriteBehind, "__init__", counted)
    one = written(run, path, behind=False, monkeypatch=monkeypatch)
    assert made == []
    two = written(run, path, behind=True, monkeypatch=monkeypatch)
    assert len(made) == 1
    assert two == one
    assert len(two["children"]) == 40 and two["history"][0] == 40
    assert not [thread for thread in threading.enumerate() if thread.name == "roster-write-behind"]


def test_an_insert_that_fails_on_the_second_thread_writes_nothing(db, rows, write, run, monkeypatch):
    monkeypatch.setattr(writing, "WRITE_BEHIND_FROM", 1)
    real_apply = writing.PlanWriter._apply_row

    def into_no_village(self, child, row_plan):
        record = real_apply(self, child, row_plan)
        if row_plan.row.line == 30:
            child.village_id = 10**9  # no such region: the foreign key fails on the writing thread
        return record

    monkeypatch.setattr(writing.PlanWriter, "_apply_row", into_no_village)
    path = write(rows(40, seed=4))
    with pytest.raises(IntegrityError, match="village"):
        run(path)
    assert (Child.objects.count(), Adult.objects.count(), ChildAdult.objects.count()) == (0, 0, 0)
    assert not Child.history.exists() and not Adult.history.exists()
    assert not [thread for thread in threading.enumerate() if thread.name == "roster-write-behind"]


def test_ids_drawn_while_the_sheet_is_read_are_the_ones_the_rows_get(db, rows, write, run, monkeypatch):
    from registry.roster import service

    monkeypatch.setattr(writing, "WRITE_BEHIND_FROM", 1)
    monkeypatch.setattr(service, "WRITE_BEHIND_FROM", 1)
    drawn = []
    real_result = inserts.IdsAhead.result

    def kept(self):
        ids = real_result(self)
        drawn.append(ids)
        return ids

    monkeypatch.setattr(inserts.IdsAhead, "result", kept)
    result = run(write(rows(30, seed=5)))
    assert result.created == 30
    [ids] = drawn
    declared = len(ids[Child])  # the sheet's rows as its dimension says (the header included)
    assert declared >= 30 and len(ids[Adult]) == len(ids[ChildAdult]) == 4 * declared  # upper bounds
    assert set(Child.objects.values_list("pk", flat=True)) <= set(ids[Child])
    assert set(Adult.objects.values_list("pk", flat=True)) <= set(ids[Adult])
    assert set(ChildAdult.objects.values_list("pk", flat=True)) <= set(ids[ChildAdult])
    assert not [thread for thread in threading.enumerate() if thread.name == "roster-ids-ahead"]
