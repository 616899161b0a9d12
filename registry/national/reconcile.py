"""The comparison itself, over normalised national rows: what each row and each child here becomes.

Pure reads; services.reconciliation_run stores the outcome. Each national row and each child here
gives at most one line, so every difference is listed exactly once."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from ..choices import RosterStatus
from ..models import Child, ChildAdult
from ..rules.idnumber import mask_id_number
from .compare import field_diffs as compare_fields
from .compare import our_values
from .matching import Identity, load_identity, row_id_hash
from .models import LineKind, ReconciliationLine
from .regions import RegionIndex
from .rows import NationalRow

MAX_NOTES = 200
_HOW = {"id_number": "身份证号码", "child_no": "儿童编号", "confirmed": "已确认的对应关系"}


@dataclass
class Outcome:
    lines: list[ReconciliationLine] = field(default_factory=list)
    matched: int = 0
    ignored: int = 0
    notes: list[str] = field(default_factory=list)
    numbers_to_store: dict[int, str] = field(default_factory=dict)  # child id → 儿童编号 now known

    def note(self, text: str) -> None:
        if len(self.notes) < MAX_NOTES:
            self.notes.append(text)

    def town_counts(self) -> dict[str, dict[str, int]]:
        counts: dict[str, Counter] = defaultdict(Counter)
        for line in self.lines:
            counts[str(line.town_id or "")][line.kind] += 1
        return {town: dict(kinds) for town, kinds in counts.items()}


def place_rows(rows: list[NationalRow]) -> None:
    """Resolve each row's 所属乡镇(街道) and 所属村(居) to our regions (ids on the row)."""
    index = RegionIndex.load()
    for row in rows:
        town_id = index.town(row.get("town")) if row.get("town") else None
        village_id = None
        if row.get("village"):
            village_id, town_id = index.village(row.get("village"), town_id=town_id)
        row.town_id, row.village_id = town_id, village_id


def row_line(row: NationalRow, kind: str, *, child_id=None, town_id=None, village_id=None) -> ReconciliationLine:
    return ReconciliationLine(
        kind=kind,
        child_id=child_id,
        town_id=town_id if child_id else row.town_id,
        village_id=village_id if child_id else row.village_id,
        row_number=row.row_number,
        name=row.get("name"),
        id_number_masked=mask_id_number(row.id_number),
        national_child_no=row.get("child_no"),
        national_id_hash=row_id_hash(row),
        national_json=json.dumps(row.values, ensure_ascii=False),
    )


def pair_kind(child: Child, row: NationalRow, diffs: list) -> str | None:
    """The line a matched pair gives: a status disagreement first, then differing fields, else none."""
    here_inactive = child.roster_status in (RosterStatus.EXITED, RosterStatus.NOT_LEFT_BEHIND)
    if row.is_active and here_inactive:
        return LineKind.NATIONAL_ACTIVE
    if not row.is_active and child.roster_status == RosterStatus.ACTIVE:
        return LineKind.NATIONAL_EXITED
    return LineKind.FIELD_DIFF if diffs else None


def pair_diffs(child: Child, row: NationalRow) -> list[dict[str, str]]:
    ours = our_values(child, child.links.all())
    return compare_fields(ours, row, child_village_id=child.village_id)


def children_with_links(ids) -> dict[int, Child]:
    links = Prefetch("links", queryset=ChildAdult.objects.select_related("adult"))
    queryset = Child.objects.filter(pk__in=ids).select_related("town", "village").prefetch_related(links)
    return {child.pk: child for child in queryset}


def _certain_matches(rows, identity: Identity, town_ids, outcome: Outcome):
    matches = [(row, *identity.match(row)) for row in rows]
    towns = dict(Child.objects.filter(pk__in={c for _, c, _ in matches if c}).values_list("pk", "town_id"))
    pairs, unmatched, taken = [], [], set()
    for row, child_id, how in matches:
        town_id = towns.get(child_id) if child_id else row.town_id
        if town_ids is not None and town_id not in town_ids:
            outcome.ignored += 1  # another town's child, or a row whose town is not the user's
        elif child_id is None:
            unmatched.append(row)
        elif child_id in taken:
            outcome.note(f"第{row.row_number}行与前面某行是同一儿童（按{_HOW[how]}），未重复比对。")
        else:
            taken.add(child_id)
            pairs.append((row, child_id))
    return pairs, unmatched, taken


def _pair_lines(pairs, outcome: Outcome) -> None:
    children = children_with_links([child_id for _, child_id in pairs])
    for row, child_id in pairs:
        child = children[child_id]
        outcome.matched += 1
        if row.get("child_no") and not child.national_child_no:
            outcome.numbers_to_store[child.pk] = row.get("child_no")
            child.national_child_no = row.get("child_no")  # stored by the service: not a difference
        diffs = pair_diffs(child, row)
        kind = pair_kind(child, row, diffs)
        if kind is not None:
            line = row_line(row, kind, child_id=child.pk, town_id=child.town_id, village_id=child.village_id)
            set_diffs(line, diffs)
            outcome.lines.append(line)


def set_diffs(line: ReconciliationLine, diffs: list[dict[str, str]]) -> None:
    line.diffs_json = json.dumps(diffs, ensure_ascii=False) if diffs else ""
    line.diff_fields = [diff["field"] for diff in diffs]


def _missing_nationally(scope: Q, seen: set[int], outcome: Outcome) -> None:
    active = Child.objects.filter(scope, roster_status=RosterStatus.ACTIVE).order_by("town_id", "village_id", "name")
    fields = ("pk", "name", "id_number_masked", "national_child_no", "town_id", "village_id")
    for pk, name, masked, number, town_id, village_id in active.values_list(*fields):
        if pk not in seen:
            outcome.lines.append(
                ReconciliationLine(
                    kind=LineKind.MISSING_NATIONALLY,
                    child_id=pk,
                    town_id=town_id,
                    village_id=village_id,
                    name=name,
                    id_number_masked=masked,
                    national_child_no=number,
                )
            )


def reconcile(rows: list[NationalRow], *, town_ids: set[int] | None) -> Outcome:
    """Compare the rows with the archive of the towns `town_ids` (None: the whole county)."""
    outcome = Outcome()
    place_rows(rows)
    for row in rows:
        if row.id_number and not row.valid_id_number:
            outcome.note(f"第{row.row_number}行的公民身份证号码无效，已按儿童编号或姓名、出生日期、村比对。")
    scope = Q() if town_ids is None else Q(town_id__in=town_ids)
    identity = load_identity(rows, scope=scope)
    pairs, unmatched, taken = _certain_matches(rows, identity, town_ids, outcome)
    _pair_lines(pairs, outcome)
    candidates: set[int] = set()
    for row in unmatched:
        candidate = identity.likely(row, taken=taken | candidates)
        if candidate is not None:
            candidates.add(candidate)
            outcome.lines.append(_likely_line(row, candidate))
        elif row.is_active:
            outcome.lines.append(row_line(row, LineKind.MISSING_HERE))
        # A national row already exited and unknown here needs nothing.
    _missing_nationally(scope, taken | candidates, outcome)
    return outcome


def _likely_line(row: NationalRow, candidate: int) -> ReconciliationLine:
    line = row_line(row, LineKind.LIKELY)
    line.child_id = candidate
    return line
