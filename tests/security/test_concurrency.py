"""Two people editing the same record at the same time never overwrite each other silently (issue 8,
line 8; DESIGN.md "Data that must never be lost").

1,000 randomised pairs (seeded, so a failure can be replayed): two users open the same child, the
same adult (each through the archive of a different child of the family), the same child for a
visit that changes the archive, or the same care agreement, at the same version; each changes
random fields; both submit together (released by a barrier, with a random delay of 0–3 ms each),
on threads with database connections of their own (in two forked processes, each with its own
records, so that Python uses both cores). For every pair exactly one wins, the other is
told in Chinese that the record changed meanwhile, the stored record is what it was plus the
winner's changes, and every history row written in the meantime names the winner.

PostgreSQL gives real concurrency. SQLite (the embedded default) writes one transaction at a time
and its in-memory test database cannot be shared by threads that write: there the pairs run one
after the other from the same version, which still proves the version check.
"""

import multiprocessing
import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from threading import Barrier
from time import sleep
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from agreements.models import Agreement
from agreements.services import agreement_sign, parties_of
from registry.choices import AdultRole, ContactFrequency, Relation
from registry.models import Adult, Child
from registry.services import AdultInput, child_save
from tests.agreements.conftest import sign
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import complete_adults, make_child, make_id
from tests.visits.conftest import routine
from visits.services import visit_record
from visits.services.visits import ArchiveChange

PAIRS = 1000
SEED = 20261129
SLOTS = 6  # records of each kind (4 × SLOTS pairs at once, on 8 × SLOTS threads, over PROCESSES)
PROCESSES = 2
SQLITE_PAIRS = 100
YAGUANG = DIRECTOR_VILLAGES[0]
CONCURRENT_EDIT = "保存失败：您打开此页面后"

SCHOOLS = ["启东市汇龙镇小学", "启东市实验小学", "启东市东南中学", "启东市长江小学"]
PLACES = ["上海市浦东新区", "江苏省苏州市工业园区", "浙江省宁波市鄞州区", "广东省深圳市南山区"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def phone(rng: random.Random) -> str:
    return f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"


def text(rng: random.Random, prefix: str) -> str:
    return f"{prefix}{rng.randint(0, 10**9)}"


# --- one pair ---------------------------------------------------------------------------------------


@dataclass
class Pair:
    """Two edits of one record from the same version; `results` are what each user was told."""

    kind: str
    pk: int
    version: int
    before: dict[str, Any]
    edits: tuple[dict[str, Any], dict[str, Any]]
    delays: tuple[float, float]
    history_since: int
    results: list[object] = field(default_factory=lambda: [None, None])

    @property
    def winner(self) -> int | None:
        won = [i for i, r in enumerate(self.results) if not isinstance(r, Exception)]
        return won[0] if len(won) == 1 else None


def child_edit(rng: random.Random) -> dict[str, Any]:
    choices = {
        "grade": lambda: f"{rng.randint(1, 9)}年级",
        "school": lambda: rng.choice(SCHOOLS),
        "notes": lambda: text(rng, "备注"),
        "current_address": lambda: text(rng, "江苏省启东市汇龙镇亚光村"),
        "director_name": lambda: rng.choice(SURNAMES) + "主任",
        "contact_frequency": lambda: rng.choice(ContactFrequency.values),
        "boarding": lambda: rng.choice([True, False]),
    }
    return {name: choices[name]() for name in rng.sample(sorted(choices), rng.randint(1, 3))}


def adult_edit(rng: random.Random) -> dict[str, Any]:
    choices = {
        "phone": lambda: phone(rng),
        "work_place": lambda: rng.choice(PLACES),
        "departed_on": lambda: date(2023, 1, 1) + timedelta(days=rng.randint(0, 900)),
    }
    return {name: choices[name]() for name in rng.sample(sorted(choices), rng.randint(1, 3))}


def visit_edit(rng: random.Random) -> dict[str, Any]:
    """A visit that finds a new carer (the archive changes with it)."""
    born = date(1958, 1, 1) + timedelta(days=rng.randint(0, 4000))
    return {
        "notes": text(rng, "走访"),
        "carer": rng.choice(SURNAMES) + rng.choice(SURNAMES) + "英",
        "phone": phone(rng),
        "id_number": make_id(born, male=False, seq=rng.randint(0, 499)),
    }


def agreement_edit(rng: random.Random) -> dict[str, Any]:
    return {
        "notes": text(rng, "协议备注"),
        "witness_name": rng.choice(["亚光村村民委员会", "亚光村委会", "汇龙镇亚光村村民委员会"]),
        "valid_until": date(2027, 2, 28) + timedelta(days=rng.randint(1, 300)),
    }


EDITS = {"child": child_edit, "adult": adult_edit, "visit": visit_edit, "agreement": agreement_edit}


# --- what is stored ---------------------------------------------------------------------------------

CHILD_FIELDS = ("grade", "school", "notes", "current_address", "director_name", "contact_frequency", "boarding")
ADULT_FIELDS = ("phone", "work_place", "departed_on")
AGREEMENT_FIELDS = ("notes", "witness_name", "valid_until")


def stored(kind: str, pk: int) -> tuple[int, dict[str, Any]]:
    """(version, fields) of the record a pair edits, as stored now."""
    if kind in ("child", "visit"):
        child = Child.objects.get(pk=pk)
        fields = {name: getattr(child, name) for name in CHILD_FIELDS}
        if kind == "visit":
            carer = child.links.get(role=AdultRole.CARER).adult
            visits = set(child.visits.values_list("notes", flat=True))
            fields = {"carer": carer.name, "phone": carer.phone, "visits": visits}
        return child.version, fields
    if kind == "adult":
        adult = Adult.objects.get(pk=pk)
        return adult.version, {name: getattr(adult, name) for name in ADULT_FIELDS}
    agreement = Agreement.objects.get(pk=pk)
    return agreement.version, {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}


def history_of(kind: str, pk: int):
    model = {"child": Child, "visit": Child, "adult": Adult, "agreement": Agreement}[kind]
    return model.history.filter(id=pk)


def expected_after(pair: Pair) -> dict[str, Any]:
    edit = pair.edits[pair.winner]
    if pair.kind == "visit":
        return {"carer": edit["carer"], "phone": edit["phone"], "visits": pair.before["visits"] | {edit["notes"]}}
    return {**pair.before, **edit}


# --- submitting, as the service behind each form ------------------------------------------------


def submit(pair: Pair, user, index: int) -> object:
    """What the user's POST does: load the record, call the service with the version the form showed."""
    edit = pair.edits[index]
    if pair.kind == "child":
        child = Child.objects.get(pk=pair.pk)
        return child_save(user=user, child=child, data=edit, adults={}, expected_version=pair.version)
    if pair.kind == "adult":
        return submit_adult(pair, user, index)
    if pair.kind == "visit":
        carer = AdultInput(
            name=edit["carer"],
            id_number=edit["id_number"],
            phone=edit["phone"],
            health="healthy",
            relation=Relation.GRANDMOTHER,
        )
        child = Child.objects.get(pk=pair.pk)
        return visit_record(
            user=user,
            child=child,
            data=routine(timezone.localdate(), notes=edit["notes"]),
            archive=ArchiveChange(new_carer=carer),
            expected_version=pair.version,
        )
    child = Child.objects.get(agreement__pk=pair.pk)
    return agreement_sign(
        user=user,
        child=child,
        signed_on=date(2026, 3, 1),
        valid_from=date(2026, 3, 1),
        principals=parties_of(child).principals,
        expected_version=pair.version,
        **edit,
    )


def submit_adult(pair: Pair, user, index: int) -> object:
    """Each user edits the shared father through the archive of a different child of the family."""
    father = Adult.objects.get(pk=pair.pk)
    child = father.links.filter(role=AdultRole.FATHER).order_by("child_id")[index].child
    facts = {
        "name": father.name,
        "id_number": father.id_number,
        "phone": father.phone,
        "health": father.health,
        "relation": Relation.FATHER,
        "status": father.status,
        "work_place": father.work_place,
        "departed_on": father.departed_on,
    }
    facts.update(pair.edits[index])
    adults = {AdultRole.FATHER: AdultInput(**facts, version=pair.version)}
    return child_save(user=user, child=child, data={}, adults=adults, expected_version=child.version)


def attempt(pair: Pair, user, index: int, barrier: Barrier | None) -> None:
    if barrier is not None:
        barrier.wait(timeout=60)
    sleep(pair.delays[index])
    try:
        pair.results[index] = submit(pair, user, index)
    except ValidationError as exc:
        pair.results[index] = exc
    except Exception as exc:  # anything else is a failure the assertions report
        pair.results[index] = exc


# --- the records ------------------------------------------------------------------------------------


def records(user) -> dict[str, list[int]]:
    """SLOTS records of each kind, each with a family of its own (the adult kind: two children)."""
    found: dict[str, list[int]] = {kind: [] for kind in EDITS}
    for slot in range(SLOTS):
        found["child"].append(make_child(YAGUANG, user=user, name=f"并发儿童{slot}").pk)
        found["visit"].append(make_child(YAGUANG, user=user, name=f"走访儿童{slot}").pk)
        family = complete_adults()
        first = make_child(YAGUANG, user=user, name=f"哥哥{slot}", adults=family)
        make_child(YAGUANG, user=user, name=f"妹妹{slot}", male=False, birth=date(2017, 6, 1), adults=family)
        found["adult"].append(first.links.get(role=AdultRole.FATHER).adult_id)
        signed = make_child(YAGUANG, user=user, name=f"协议儿童{slot}")
        found["agreement"].append(sign(signed, user=user).pk)
    return found


def real_edit(rng: random.Random, kind: str, before: dict[str, Any]) -> dict[str, Any]:
    """A random edit that changes every field it names."""
    while True:
        edit = EDITS[kind](rng)
        if all(before.get(name) != value for name, value in edit.items()):
            return edit


def two_edits(rng: random.Random, kind: str, before: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two real edits, neither contained in the other (or the second would change nothing)."""
    while True:
        first, second = real_edit(rng, kind, before), real_edit(rng, kind, before)
        if not (first.items() <= second.items() or second.items() <= first.items()):
            return first, second


def plan(rng: random.Random, kind: str, pk: int) -> Pair:
    version, before = stored(kind, pk)
    return Pair(
        kind=kind,
        pk=pk,
        version=version,
        before=before,
        edits=two_edits(rng, kind, before),
        delays=(rng.uniform(0, 0.003), rng.uniform(0, 0.003)),
        history_since=history_of(kind, pk).count(),
    )


# --- the verdict ------------------------------------------------------------------------------------


def problems_of(pair: Pair, users) -> list[str]:
    """What is wrong with a finished pair (an empty list: exactly one won, nothing was lost)."""
    if pair.winner is None:
        return [f"{pair.kind} {pair.pk}: not exactly one winner: {pair.results!r}"]
    loser = pair.results[1 - pair.winner]
    found = []
    if not (isinstance(loser, ValidationError) and CONCURRENT_EDIT in loser.messages[0]):
        found.append(f"{pair.kind} {pair.pk}: the loser was not told of the concurrent edit: {loser!r}")
    version, now = stored(pair.kind, pair.pk)
    if now != expected_after(pair):
        found.append(f"{pair.kind} {pair.pk}: stored {now} is not {pair.before} + winner {pair.edits[pair.winner]}")
    if version <= pair.version:
        found.append(f"{pair.kind} {pair.pk}: the version did not move ({version})")
    new_history = history_of(pair.kind, pair.pk).order_by("history_id")[pair.history_since :]
    editors = {row.history_user_id for row in new_history}
    if editors != {users[pair.winner].pk}:
        found.append(f"{pair.kind} {pair.pk}: history rows since the pair name {editors}, not the winner")
    return found


def run_rounds(rng: random.Random, ids: dict[str, list[int]], users, pairs: int, *, threads: bool) -> list[str]:
    kinds = [(kind, pk) for kind, pks in ids.items() for pk in pks]
    problems, done = [], 0
    with ThreadPoolExecutor(max_workers=2 * len(kinds)) as pool:
        while done < pairs:
            batch = [plan(rng, kind, pk) for kind, pk in kinds[: pairs - done]]
            if threads:
                futures = []
                for pair in batch:
                    barrier = Barrier(2)
                    futures += [pool.submit(attempt, pair, users[i], i, barrier) for i in (0, 1)]
                for future in futures:
                    future.result()
            else:  # one after the other, in a random order, from the same version
                for pair in batch:
                    for i in rng.sample([0, 1], 2):
                        attempt(pair, users[i], i, None)
            for pair in batch:
                problems += problems_of(pair, users)
            done += len(batch)
        if threads:
            close = Barrier(2 * len(kinds))
            for future in [pool.submit(_close, close) for _ in range(2 * len(kinds))]:
                future.result()
    return problems


def _close(barrier: Barrier) -> None:
    """Every pool thread closes its own connection (each waits, so that each thread gets one)."""
    barrier.wait(timeout=60)
    connection.close()


def _share(args) -> list[str]:
    """One process's share: its own records, its own seed, its own connections."""
    index, ids, users, pairs = args
    connection.close()  # the parent's socket is not ours to use
    try:
        return run_rounds(random.Random(SEED + index), ids, users, pairs, threads=True)
    finally:
        connection.close()


def in_processes(ids: dict[str, list[int]], users, pairs: int) -> list[str]:
    """Python holds one core per process: the pairs run in PROCESSES forked processes, each on its
    own records (threads within each), so that the test takes seconds, not minutes."""
    shares = [
        (i, {kind: pks[i::PROCESSES] for kind, pks in ids.items()}, users, pairs // PROCESSES + (i < pairs % PROCESSES))
        for i in range(PROCESSES)
    ]
    connection.close()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        return [problem for found in pool.map(_share, shares) for problem in found]


@pytest.mark.django_db(transaction=True)
def test_a_thousand_concurrent_edit_pairs_end_with_no_silent_overwrite(town_staff, director):
    postgresql = connection.vendor == "postgresql"
    users = (town_staff, director)
    ids = records(town_staff)
    if postgresql:
        pairs = PAIRS
        problems = in_processes(ids, users, pairs)
    else:
        pairs = SQLITE_PAIRS
        problems = run_rounds(random.Random(SEED), ids, users, pairs, threads=False)
    assert problems == [], f"{len(problems)} of {pairs} pairs went wrong, e.g. {problems[:5]}"
