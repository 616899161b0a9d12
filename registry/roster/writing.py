"""Writing a plan: adults, children and their links in bulk, inside the caller's one transaction.

For every child created or changed: verdict and quality from the pure rules (facts built from the
rows, no per-row queries), history rows whose reason names the import, a dynamic update (动态更新,
通知 三.2) for the day, the likely-duplicate flag; then `archive_changed` once for all of them.
Children outside the file whose adults changed (siblings) are reassessed too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.utils import timezone

from ..assessment import apply_assessment, child_facts
from ..models import Adult, Child, ChildAdult
from ..rules.idnumber import mask_id_number
from ..services import AdultInput, archive_changed, record_archive_update, set_adult_facts
from . import bulk
from .columns import PARENT_RELATIONS, ROLES
from .family import ADULT_FIELDS, AdultState
from .planning import CREATE, UPDATE, LinkRow, Plan, RowPlan, _chunks, load_adults, load_links

SOURCE = "花名册导入"
CHILD_UPDATE_FIELDS = bulk.update_fields_of(Child)
ADULT_UPDATE_FIELDS = bulk.update_fields_of(Adult)
LINK_UPDATE_FIELDS = ["adult", "relation"]


@dataclass
class Written:
    created: list[Child] = field(default_factory=list)
    updated: list[Child] = field(default_factory=list)
    siblings: list[Child] = field(default_factory=list)
    by_line: dict[int, Child] = field(default_factory=dict)

    @property
    def changed(self) -> list[Child]:
        return [*self.created, *self.updated, *self.siblings]


class PlanWriter:
    def __init__(self, plan: Plan, *, user, reason: str, progress: Callable[[str], None] | None = None):
        self.plan, self.user, self.reason = plan, user, reason
        self.when = timezone.now()
        self.progress = progress or (lambda stage: None)
        self.written = Written()

    def write(self) -> Written:
        self.progress("写入成年人")
        self._write_adults()
        self.progress("写入儿童档案")
        creates, updates = self.plan.by_action(CREATE), self.plan.by_action(UPDATE)
        self._write_children(creates, updates)
        self.progress("写入监护关系")
        self._write_links(creates + updates)
        self.progress("重新评估同户儿童")
        self._reassess_siblings()
        self.progress("标记疑似重复")
        flag_likely_duplicates([*self.written.created, *self.written.updated])
        changed = self.written.changed
        record_archive_update(changed, on=self.plan.on)
        archive_changed(changed, source=SOURCE, user=self.user)
        return self.written

    # --- adults ---------------------------------------------------------------------------------

    def _write_adults(self) -> None:
        new, changed = [], []
        for state in self.plan.changed_adults():
            adult = _adult_after(state)
            state.written = adult
            (new if state.is_new else changed).append(adult)
        bulk.insert(Adult, new)
        bulk.upsert(Adult, changed, ADULT_UPDATE_FIELDS)
        bulk.history(Adult, new, kind="+", user=self.user, reason=self.reason, when=self.when)
        bulk.history(Adult, changed, kind="~", user=self.user, reason=self.reason, when=self.when)

    def _adult_of(self, adult_id: int) -> Adult:
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

    def _apply_row(self, child: Child, row_plan: RowPlan) -> None:
        row = row_plan.row
        for key, value in zip(self.plan.child_keys, row.values, strict=True):
            setattr(child, key, value if value is not None else _empty_child(key))
        child.village_id, child.town_id = row.village_id, row.town_id
        current = self.plan.links.get(child.pk, {}) if child.pk else {}
        facts = child_facts(child, self._facts_links(row_plan, current), agreement_signed_on=row.agreement_signed_on)
        apply_assessment(child, facts, on=self.plan.on)

    def _write_children(self, creates: list[RowPlan], updates: list[RowPlan]) -> None:
        new = []
        for row_plan in creates:
            row = row_plan.row
            child = Child(
                id_number=row.id_number,
                id_number_hash=row.id_hash,
                id_number_masked=mask_id_number(row.id_number),
                created_by=self.user,
            )
            self._apply_row(child, row_plan)
            new.append(child)
            self.written.by_line[row.line] = child
        changed = []
        for row_plan in updates:
            child = row_plan.child
            self._apply_row(child, row_plan)
            child.version += 1
            changed.append(child)
            self.written.by_line[row_plan.row.line] = child
        mark_duplicates_within(new + changed)
        bulk.insert(Child, new)
        bulk.upsert(Child, changed, CHILD_UPDATE_FIELDS)
        bulk.history(Child, new, kind="+", user=self.user, reason=self.reason, when=self.when)
        bulk.history(Child, changed, kind="~", user=self.user, reason=self.reason, when=self.when)
        self.written.created, self.written.updated = new, changed

    # --- links ----------------------------------------------------------------------------------

    def _write_links(self, row_plans: list[RowPlan]) -> None:
        new, changed, removed = [], [], []
        for row_plan in row_plans:
            child = self.written.by_line[row_plan.row.line]
            current = self.plan.links.get(child.pk, {}) if row_plan.child is not None else {}
            roles = row_plan.link_changes if row_plan.child is not None else row_plan.targets
            for role in roles:
                state, link = row_plan.targets[role], current.get(role)
                if state is None:
                    if link is not None:
                        removed.append(_link(child, link, role, link.adult_id, link.relation))
                    continue
                relation = row_plan.relations.get(role, link.relation if link else PARENT_RELATIONS.get(role, ""))
                if link is None:
                    new.append(ChildAdult(child=child, adult_id=state.after().pk, role=role, relation=relation))
                else:
                    changed.append(_link(child, link, role, state.after().pk, relation))
        if removed:
            ChildAdult.objects.filter(pk__in=[link.pk for link in removed]).delete()
        bulk.insert(ChildAdult, new)
        bulk.upsert(ChildAdult, changed, LINK_UPDATE_FIELDS)
        for kind, links in (("+", new), ("~", changed), ("-", removed)):
            bulk.history(ChildAdult, links, kind=kind, user=self.user, reason=self.reason, when=self.when)

    # --- siblings outside the file --------------------------------------------------------------

    def _reassess_siblings(self) -> None:
        """Children not in the file whose father, mother, guardian or carer the file changed."""
        changed_pks = [state.adult.pk for state in self.plan.changed_adults() if not state.is_new]
        in_file = {child.pk for child in self.written.by_line.values()}
        child_ids: set[int] = set()
        for chunk in _chunks(changed_pks):
            links = ChildAdult.objects.filter(adult_id__in=chunk).values_list("child_id", flat=True)
            child_ids.update(pk for pk in links if pk not in in_file)
        if not child_ids:
            return
        links = load_links(sorted(child_ids))
        wanted = {link.adult_id for roles in links.values() for link in roles.values()}
        extra, _ = load_adults(pks=wanted - set(self.plan.adults), hashes=set())
        self.plan.adults.update(extra)
        siblings = []
        for chunk in _chunks(sorted(child_ids)):
            for child in Child.objects.filter(pk__in=chunk).select_for_update().order_by("pk"):
                roles = links.get(child.pk, {})
                facts_links = [
                    SimpleNamespace(adult=self._adult_of(link.adult_id), role=role, relation=link.relation)
                    for role, link in sorted(roles.items())
                ]
                apply_assessment(child, child_facts(child, facts_links), on=self.plan.on)
                child.version += 1
                siblings.append(child)
        reason = f"{self.reason}（同户成年人信息变更）"
        bulk.upsert(Child, siblings, CHILD_UPDATE_FIELDS)
        bulk.history(Child, siblings, kind="~", user=self.user, reason=reason, when=self.when)
        self.written.siblings = siblings


def _empty_child(key: str):
    return None if key in ("birth_date", "boarding") else ""


def _link(child: Child, link: LinkRow, role: str, adult_id: int, relation: str) -> ChildAdult:
    return ChildAdult(pk=link.pk, child=child, adult_id=adult_id, role=role, relation=relation, created_at=link.created_at)


def _adult_after(state: AdultState) -> Adult:
    """The adult as written: identity, hashes, masks and the resolved work place set as the survey
    form sets them (registry.services.set_adult_facts)."""
    adult = state.after()
    data = AdultInput(**{name: state.value(name) for name in ADULT_FIELDS})
    set_adult_facts(adult, data)
    if not state.is_new:
        adult.version = (state.adult.version or 0) + 1
    return adult


def mark_duplicates_within(children: list[Child]) -> None:
    """Same name, birth date and village, another ID number, within the file (set before writing)."""
    groups: dict[tuple, set[str]] = {}
    for child in children:
        groups.setdefault((child.name, child.birth_date, child.village_id), set()).add(child.id_number_hash)
    for child in children:
        child.likely_duplicate = len(groups[(child.name, child.birth_date, child.village_id)]) > 1


def flag_likely_duplicates(children: list[Child]) -> None:
    """Flag, in bulk, both sides of every pair with the same name, birth date and village and another
    ID number (flagged to staff, never merged), against the whole archive."""
    keys = {(child.name, child.birth_date, child.village_id) for child in children}
    if not keys:
        return
    names = sorted({name for name, _, _ in keys})
    found: dict[tuple, set[int]] = {}
    for chunk in _chunks(names):
        rows = Child.objects.filter(name__in=chunk).values_list("pk", "name", "birth_date", "village_id")
        for pk, name, born, village_id in rows:
            if (name, born, village_id) in keys:
                found.setdefault((name, born, village_id), set()).add(pk)
    flagged = sorted(pk for pks in found.values() if len(pks) > 1 for pk in pks)
    for chunk in _chunks(flagged):
        Child.objects.filter(pk__in=chunk, likely_duplicate=False).update(likely_duplicate=True)
    flagged_set = set(flagged)
    for child in children:
        if child.pk in flagged_set:
            child.likely_duplicate = True


def import_reason(file_name: str) -> str:
    return f"{SOURCE}（{file_name}）" if file_name else SOURCE
