"""Writing a plan: adults, children and their links in bulk, inside the caller's one transaction.

For every child created or changed: verdict and quality from the pure rules (facts built from the
rows, no per-row queries), history rows whose reason names the import, a dynamic update (动态更新,
通知 三.2) for the day, the likely-duplicate flag; then `archive_changed` once for all of them.
Children outside the file whose adults changed (siblings) are reassessed too. Children are built and
written a chunk at a time, so memory stays flat however long the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone

from ..assessment import apply_assessment, caliber_from_settings, child_facts
from ..choices import ParentStatus
from ..models import Adult, ArchiveUpdate, Child, ChildAdult
from ..rules.idnumber import mask_id_number
from ..services import AdultInput, archive_changed, record_archive_update, set_adult_facts
from . import bulk
from .changed import WrittenChild, flag_likely_duplicates
from .columns import PARENT_RELATIONS, ROLES
from .family import ADULT_FIELDS, AdultState
from .inserts import insert_plain, insert_with_history, new_row, write_behind
from .planning import CREATE, UPDATE, Plan, RowPlan
from .snapshots import ChildRow, LinkRow, chunks, load_adults, load_links

SOURCE = "花名册导入"
CHILD_UPDATE_FIELDS = bulk.update_fields_of(Child)
ADULT_UPDATE_FIELDS = bulk.update_fields_of(Adult)
LINK_UPDATE_FIELDS = ("adult", "relation")
WRITE_BEHIND_FROM = 5000  # new children from which the inserts run on a second thread (inserts.py)


@dataclass
class Written:
    created: list[WrittenChild] = field(default_factory=list)
    updated: list[WrittenChild] = field(default_factory=list)
    siblings: list[WrittenChild] = field(default_factory=list)
    by_line: dict[int, int] = field(default_factory=dict)  # row line → child id
    records: dict[int, WrittenChild] = field(default_factory=dict)  # row line → its written child

    @property
    def changed(self) -> list[WrittenChild]:
        return [*self.created, *self.updated, *self.siblings]


def most_new_rows(rows: int) -> dict[type, int]:
    """The most new rows per table a file of `rows` rows can bring (ids drawn ahead, inserts.IdsAhead):
    a child, four adults and their four links, and an agreement a row."""
    from agreements.models import Agreement  # agreements builds on the registry

    return {Adult: len(ROLES) * rows, Child: rows, ChildAdult: len(ROLES) * rows, Agreement: rows}


class PlanWriter:
    def __init__(
        self, plan: Plan, *, user, reason: str, progress: Callable[[str], None] | None = None, ids: dict | None = None
    ):
        """`ids`: primary keys drawn ahead for the new rows (inserts.IdsAhead), used by a write-behind."""
        self.plan, self.user, self.reason = plan, user, reason
        self.ids = ids
        self.when = timezone.now()
        self.caliber = caliber_from_settings()
        self.progress = progress or (lambda stage: None)
        self.written = Written()

    def write(self) -> Written:
        creates, updates = self.plan.by_action(CREATE), self.plan.by_action(UPDATE)
        self.duplicate_keys = _duplicate_keys_within(self.plan, creates + updates)
        with write_behind(enabled=len(creates) >= WRITE_BEHIND_FROM, ids=self.ids) as behind:
            self._reserve_ids(behind, creates, updates)
            self.progress("写入成年人")
            self._write_adults()
            self.progress("写入儿童档案")
            self._create_children(creates)
            self._update_children(updates)
            self.progress("写入监护关系")
            self._write_links(updates)
            # 动态更新 (通知 三.2): a new child has none yet, so those rows go in without conflict checks.
            on, when = self.plan.on, self.when
            insert_plain(
                ArchiveUpdate,
                [{"child_id": c.pk, "town_id": c.town_id, "on": on, "first_at": when} for c in self.written.created],
            )
            self._sign_new_children(creates)
        self.progress("重新评估同户儿童")
        self._reassess_siblings()
        self.progress("标记疑似重复")
        written = self.written
        flag_likely_duplicates([*written.created, *written.updated])
        record_archive_update([*written.updated, *written.siblings], on=self.plan.on)
        archive_changed(written.changed, source=SOURCE, user=self.user)
        return written

    def _reserve_ids(self, behind, creates: list[RowPlan], updates: list[RowPlan]) -> None:
        """Ids for the new rows, so a write-behind never waits for an id query: exact for adults and
        children, an upper bound for links (an unused id is a gap in the sequence, nothing more)."""
        behind.reserve(Adult, sum(1 for state in self.plan.changed_adults() if state.is_new))
        behind.reserve(Child, len(creates))
        new_links = sum(1 for row_plan in creates for state in row_plan.targets.values() if state is not None)
        behind.reserve(ChildAdult, new_links + sum(len(row_plan.link_changes) for row_plan in updates))
        from agreements.models import Agreement  # agreements builds on the registry

        behind.reserve(Agreement, sum(1 for row_plan in creates if row_plan.row.agreement_signed_on is not None))

    def _sign_new_children(self, creates: list[RowPlan]) -> None:
        """The 委托照护协议签订日期 of the new children (通知 二.2) signed from what the plan knows of
        their adults, without reading anything back (the other rows': service._sign_agreements)."""
        from agreements.services import NewChildren, agreements_sign_new_children

        pairs, roles, away = [], {}, set()
        for row_plan in creates:
            if row_plan.row.agreement_signed_on is None:
                continue
            record = self.written.records[row_plan.row.line]
            pairs.append((record, row_plan.row.agreement_signed_on))
            adults = {role: state for role, state in row_plan.targets.items() if state is not None}
            roles[record.pk] = {role: state.pk for role, state in adults.items()}
            away.update(state.pk for state in adults.values() if state.value("status") == ParentStatus.AWAY)
        if pairs:
            agreements_sign_new_children(pairs, user=self.user, new=NewChildren(roles, away, self.plan.villages))

    def children_by_line(self) -> dict[int, WrittenChild]:
        """The child of every updated or unchanged row that gives an agreement date (new children's
        are signed by write()), by row line, as written: with Plan.agreement_pairs, the pairs the
        agreements app signs from. No query: written children were recorded on the way, unchanged
        ones are in the plan."""
        found: dict[int, WrittenChild] = {}
        for row_plan in self.plan.rows:
            line = row_plan.row.line
            if row_plan.row.agreement_signed_on is None or row_plan.action == CREATE:
                continue  # a new child's agreement is signed by write() (_sign_new_children)
            record = self.written.records.get(line)
            if record is None and row_plan.child is not None:
                record = _matched(row_plan.child, self.plan.child_keys)
            if record is not None:
                found[line] = record
        return found

    # --- adults ---------------------------------------------------------------------------------

    def _write_adults(self) -> None:
        states = self.plan.changed_adults()
        new = []
        for state in states:
            if state.is_new:
                adult = new_row(Adult)
                set_adult_facts(adult, _adult_input(state), hashed=state.hashed)
                new.append((state, adult))
        insert_with_history(Adult, [adult for _, adult in new], user=self.user, reason=self.reason, when=self.when)
        for state, adult in new:
            state.written_pk = adult.pk
        changed = {state.pk: state for state in states if not state.is_new}
        adults = []
        for chunk in chunks(sorted(changed)):
            for adult in Adult.objects.filter(pk__in=chunk).select_for_update().order_by("pk"):
                set_adult_facts(adult, _adult_input(changed[adult.pk]), hashed=changed[adult.pk].hashed)
                adult.version += 1
                adults.append(adult)
        bulk.upsert(Adult, adults, ADULT_UPDATE_FIELDS)
        bulk.history(Adult, adults, kind="~", user=self.user, reason=self.reason, when=self.when)

    def _adult_of(self, adult_id: int):
        state = self.plan.resolver.by_pk.get(adult_id)
        return state.after() if state is not None else self.plan.adults[adult_id]

    # --- children -------------------------------------------------------------------------------

    def _facts_links(self, row_plan: RowPlan, current: dict[str, LinkRow]) -> list[SimpleNamespace]:
        """The child's adults after the import, as the rules read them (link.adult/role/relation)."""
        links = []
        for role in ROLES:
            if role in row_plan.targets:
                state = row_plan.targets[role]
                if state is None:
                    continue
                adult = state.after()
                relation = row_plan.relations.get(role, current[role].relation if role in current else "")
            elif role in current:
                adult, relation = self._adult_of(current[role].adult_id), current[role].relation
            else:
                continue
            links.append(SimpleNamespace(adult=adult, role=role, relation=relation or PARENT_RELATIONS.get(role, "")))
        return links

    def _apply_row(self, child, row_plan: RowPlan) -> WrittenChild:
        row = row_plan.row
        for key, value in zip(self.plan.child_keys, row.values, strict=True):
            setattr(child, key, value if value is not None else _empty_child(key))
        child.village_id, child.town_id = row.village_id, row.town_id
        current = self.plan.links.get(row_plan.child.pk, {}) if row_plan.child is not None else {}
        facts = child_facts(child, self._facts_links(row_plan, current), agreement_signed_on=row.agreement_signed_on)
        apply_assessment(child, facts, on=self.plan.on, caliber=self.caliber)
        key = (child.name, child.birth_date, child.village_id)
        child.likely_duplicate = key in self.duplicate_keys
        return WrittenChild.of(child, key=key)

    def _create_children(self, creates: list[RowPlan]) -> None:
        for batch in chunks(creates):
            children, written = [], []
            for row_plan in batch:
                row = row_plan.row
                child = new_row(
                    Child,
                    id_number=row.id_number,
                    id_number_hash=row.id_hash,
                    id_number_masked=mask_id_number(row.id_number),
                    created_by_id=getattr(self.user, "pk", None),
                )
                written.append(self._apply_row(child, row_plan))
                children.append(child)
            insert_with_history(Child, children, user=self.user, reason=self.reason, when=self.when)
            for row_plan, child, record in zip(batch, children, written, strict=True):
                record.pk = child.pk
                self.written.by_line[row_plan.row.line] = child.pk
                self.written.records[row_plan.row.line] = record
            for record in written:
                record.just_created = True
            self.written.created.extend(written)
            # Their links right after them: with a write-behind, the database stores this chunk's
            # links while the next chunk is worked out.
            self._link_new_children(batch)

    def _link_new_children(self, creates: list[RowPlan]) -> None:
        links = []
        for row_plan in creates:
            child_id = self.written.by_line[row_plan.row.line]
            for role, state in row_plan.targets.items():
                if state is not None:
                    links.append(_new_link(row_plan, child_id, role, state))
        insert_with_history(ChildAdult, links, user=self.user, reason=self.reason, when=self.when)

    def _update_children(self, updates: list[RowPlan]) -> None:
        by_pk = {row_plan.child.pk: row_plan for row_plan in updates}
        for chunk in chunks(sorted(by_pk)):
            children = list(Child.objects.filter(pk__in=chunk).select_for_update().order_by("pk"))
            for child in children:
                row_plan = by_pk[child.pk]
                record = self._apply_row(child, row_plan)
                self.written.updated.append(record)
                self.written.by_line[row_plan.row.line] = child.pk
                self.written.records[row_plan.row.line] = record
                child.version += 1
            bulk.upsert(Child, children, CHILD_UPDATE_FIELDS)
            bulk.history(Child, children, kind="~", user=self.user, reason=self.reason, when=self.when)

    # --- links ----------------------------------------------------------------------------------

    def _write_links(self, updates: list[RowPlan]) -> None:
        """The links of existing children that the file changes (new children's: _link_new_children)."""
        new, changes = [], {}
        for row_plan in updates:
            child_id = self.written.by_line[row_plan.row.line]
            current = self.plan.links.get(child_id, {})
            for role in row_plan.link_changes:
                state, link = row_plan.targets[role], current.get(role)
                if link is not None:
                    changes[link.pk] = (state, row_plan.relations.get(role, link.relation))
                elif state is not None:
                    new.append(_new_link(row_plan, child_id, role, state))
        changed, removed = [], []
        for chunk in chunks(sorted(changes)):
            for link in ChildAdult.objects.filter(pk__in=chunk).select_for_update().order_by("pk"):
                state, relation = changes[link.pk]
                if state is None:
                    removed.append(link)
                else:
                    link.adult_id, link.relation = state.pk, relation
                    changed.append(link)
        bulk.history(ChildAdult, removed, kind="-", user=self.user, reason=self.reason, when=self.when)
        bulk.delete_rows(ChildAdult, [link.pk for link in removed])
        insert_with_history(ChildAdult, new, user=self.user, reason=self.reason, when=self.when)
        bulk.upsert(ChildAdult, changed, LINK_UPDATE_FIELDS)
        bulk.history(ChildAdult, changed, kind="~", user=self.user, reason=self.reason, when=self.when)

    # --- siblings outside the file --------------------------------------------------------------

    def _reassess_siblings(self) -> None:
        """Children not in the file whose father, mother, guardian or carer the file changed."""
        changed_pks = [state.pk for state in self.plan.changed_adults() if not state.is_new]
        in_file = set(self.written.by_line.values())
        child_ids: set[int] = set()
        for chunk in chunks(changed_pks):
            links = ChildAdult.objects.filter(adult_id__in=chunk).values_list("child_id", flat=True)
            child_ids.update(pk for pk in links if pk not in in_file)
        if not child_ids:
            return
        links = load_links(sorted(child_ids))
        wanted = {link.adult_id for roles in links.values() for link in roles.values()}
        self.plan.adults.update(load_adults(pks=wanted - set(self.plan.adults), hashes=set()))
        reason = f"{self.reason}（同户成年人信息变更）"
        for chunk in chunks(sorted(child_ids)):
            children = list(Child.objects.filter(pk__in=chunk).select_for_update().order_by("pk"))
            for child in children:
                roles = links.get(child.pk, {})
                facts_links = [
                    SimpleNamespace(adult=self._adult_of(link.adult_id), role=role, relation=link.relation)
                    for role, link in sorted(roles.items())
                ]
                apply_assessment(child, child_facts(child, facts_links), on=self.plan.on, caliber=self.caliber)
                child.version += 1
                self.written.siblings.append(WrittenChild.of(child))
            bulk.upsert(Child, children, CHILD_UPDATE_FIELDS)
            bulk.history(Child, children, kind="~", user=self.user, reason=reason, when=self.when)


def _new_link(row_plan: RowPlan, child_id: int, role: str, state: AdultState):
    relation = row_plan.relations.get(role, PARENT_RELATIONS.get(role, ""))
    return new_row(ChildAdult, child_id=child_id, adult_id=state.pk, role=role, relation=relation)


def _matched(child: ChildRow, keys: tuple[str, ...]) -> WrittenChild:
    """An unchanged row's child, as stored (for the agreement its row may sign)."""
    values = dict(zip(keys, child.values, strict=True))
    return WrittenChild(
        child.pk,
        child.town_id,
        child.village_id,
        values.get("name", ""),
        values.get("birth_date"),
        child.roster_status,
        values.get("living_arrangement", ""),
        values.get("schooling", ""),
        values.get("family_economy", ""),
    )


def _empty_child(key: str):
    return None if key in ("birth_date", "boarding") else ""


def _adult_input(state: AdultState) -> AdultInput:
    return AdultInput(**{name: state.value(name) for name in ADULT_FIELDS})


def _duplicate_keys_within(plan: Plan, row_plans: list[RowPlan]) -> set[tuple]:
    """(name, birth date, village) keys that two rows of the file share with different ID numbers."""
    name, born = plan.child_keys.index("name"), plan.child_keys.index("birth_date")
    ids_by_key: dict[tuple, set[str]] = {}
    for row_plan in row_plans:
        row = row_plan.row
        ids_by_key.setdefault((row.values[name], row.values[born], row.village_id), set()).add(row.id_hash)
    return {key for key, ids in ids_by_key.items() if len(ids) > 1}


def import_reason(file_name: str) -> str:
    return f"{SOURCE}（{file_name}）" if file_name else SOURCE
