"""Planning an import against the current database: each valid row becomes a create, an update
(with the fields it changes) or unchanged; rows the user may not write become rejected.

Existing children, their links and adults are loaded by keyed hash in chunks (a handful of queries
for any number of rows); everything else is plain Python. Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .family import AdultResolver, AdultState
from .places import ImportScope, RegionIndex
from .snapshots import CHUNK, AdultRow, ChildRow, LinkRow, load_adults, load_children, load_links
from .validate import AdultEntry, ParsedRow, RowError

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass(slots=True, eq=False)
class RowPlan:
    row: ParsedRow
    child: ChildRow | None  # the existing child, None for a new one
    targets: dict[str, AdultState | None] = field(default_factory=dict)  # role → adult (None: role emptied)
    relations: dict[str, str] = field(default_factory=dict)
    child_changes: list[str] = field(default_factory=list)  # child field keys (and "village")
    link_changes: list[str] = field(default_factory=list)  # roles whose adult or relation changes
    action: str = ""

    def adult_changes(self) -> list[tuple[str, str]]:
        """(role, field) of the adults of this row whose facts the import changes."""
        return [
            (role, name)
            for role, state in self.targets.items()
            if state is not None and not state.is_new
            for name in state.changed_fields()
        ]


@dataclass
class Plan:
    on: date
    child_keys: tuple[str, ...]
    roles: tuple[str, ...]
    rows: list[RowPlan]
    resolver: AdultResolver
    links: dict[int, dict[str, LinkRow]]  # existing child id → role → link
    adults: dict[int, AdultRow]  # loaded adults by pk
    rejected: list[RowError] = field(default_factory=list)
    villages: dict[int, Any] = field(default_factory=dict)  # Region by id (RegionIndex.by_id)

    def by_action(self, action: str) -> list[RowPlan]:
        return [plan for plan in self.rows if plan.action == action]

    def changed_adults(self) -> list[AdultState]:
        return [state for state in self.resolver.all if state.is_new or state.changed_fields()]

    def agreement_pairs(self, children: dict[int, object]) -> list[tuple[object, date]]:
        """(child, 委托照护协议签订日期) of every accepted row that gives a date; `children` maps each
        row's line to its written (or existing) child. For agreements.services.agreements_sign_from_roster."""
        return [
            (children[plan.row.line], plan.row.agreement_signed_on)
            for plan in self.rows
            if plan.row.agreement_signed_on is not None and plan.row.line in children
        ]


def _same(stored: Any, new: Any) -> bool:
    return (stored if stored is not None else "") == (new if new is not None else "")


def _child_changes(child: ChildRow, row: ParsedRow, keys: tuple[str, ...]) -> list[str]:
    changes = []
    if child.values != row.values:
        changes = [key for key, old, new in zip(keys, child.values, row.values, strict=True) if not _same(old, new)]
    if child.village_id != row.village_id:
        changes.append("village")
    return changes


def _link_differs(plan: RowPlan, role: str, link: LinkRow | None) -> bool:
    state = plan.targets[role]
    if state is None or link is None:
        return state is not link
    if state.is_new or state.adult.pk != link.adult_id:
        return True
    return role in plan.relations and link.relation != plan.relations[role]


def _link_changes(plan: RowPlan, current: dict[str, LinkRow]) -> list[str]:
    """Roles whose adult (or relation) the row changes, or empties."""
    return [role for role in plan.targets if _link_differs(plan, role, current.get(role))]


class Planner:
    def __init__(self, *, rows: list[ParsedRow], child_keys, roles, scope: ImportScope, regions: RegionIndex, on):
        self.rows, self.child_keys, self.roles = rows, tuple(child_keys), tuple(roles)
        self.scope, self.regions, self.on = scope, regions, on

    def build(self, *, progress: Callable[[int, int], None] | None = None) -> Plan:
        existing = load_children([row.id_hash for row in self.rows], self.child_keys)
        links = load_links([child.pk for child in existing.values()])
        linked = {link.adult_id for roles in links.values() for link in roles.values()}
        hashes = {entry.id_hash for row in self.rows for entry in row.adults.values() if entry.id_hash}
        adults = load_adults(pks=linked, hashes=hashes)
        by_hash = {adult.id_number_hash: adult for adult in adults.values() if adult.id_number_hash}
        resolver = AdultResolver(by_hash, adults)
        plan = Plan(self.on, self.child_keys, self.roles, [], resolver, links, adults, villages=self.regions.by_id)
        for number, row in enumerate(self.rows, start=1):
            self._plan_row(plan, row, existing.get(row.id_hash))
            if progress is not None and number % CHUNK == 0:
                progress(number, len(self.rows))
        for row_plan in plan.rows:
            if row_plan.action == "":
                row_plan.action = _action(row_plan)
        return plan

    def _family(self, plan: Plan, child: ChildRow | None) -> dict[str, AdultRow]:
        if child is None:
            return {}
        return {role: plan.adults[link.adult_id] for role, link in plan.links.get(child.pk, {}).items()}

    def _plan_row(self, plan: Plan, row: ParsedRow, child: ChildRow | None) -> None:
        if child is not None and not self.scope.allows_ids(town_id=child.town_id, village_id=child.village_id):
            town = self.regions.by_id.get(child.town_id)
            where = town.name if town else "其他区域"
            message = f"该儿童已在{where}建档，不在您负责的区域内，不能修改；请联系市民政局或系统管理员"
            plan.rejected.append(RowError(row.line, "公民身份号码", "unknown_region", message))
            return
        family = self._family(plan, child)
        if child is not None and child.is_exited:
            self._plan_exited(plan, row, child, family)
            return
        row_plan = RowPlan(row=row, child=child)
        row_states: list[AdultState] = []
        for role in self.roles:
            entry = row.adults[role]
            state = plan.resolver.resolve(entry, line=row.line, family=family, row_states=row_states)
            row_plan.targets[role] = state
            if "relation" in entry.fields:
                row_plan.relations[role] = entry.relation
            if state is not None:
                row_states.append(state)
        if child is not None:
            row_plan.child_changes = _child_changes(child, row, self.child_keys)
            row_plan.link_changes = _link_changes(row_plan, plan.links.get(child.pk, {}))
        plan.rows.append(row_plan)

    def _plan_exited(self, plan: Plan, row: ParsedRow, child: ChildRow, family: dict[str, AdultRow]) -> None:
        """An exited child's archive is read-only (DOMAIN.md): the same row is unchanged, a different
        one is rejected. Its adults are compared, never merged, so the row writes nothing."""
        links = plan.links.get(child.pk, {})
        same = not _child_changes(child, row, self.child_keys) and all(
            _entry_matches(row.adults[role], family.get(role), links.get(role)) for role in self.roles
        )
        if same:
            plan.rows.append(RowPlan(row=row, child=child, action=UNCHANGED))
            return
        when = child.exit_date.isoformat() if child.exit_date else ""
        message = (
            f"该儿童已于{when}退出在册名单（{child.exit_label}），档案只读，导入不能修改；"
            "如确需修改，请在儿童档案中处理"
        )
        plan.rejected.append(RowError(row.line, "公民身份号码", "exited", message))


def _entry_matches(entry: AdultEntry, adult: AdultRow | None, link: LinkRow | None) -> bool:
    """Whether the row says exactly what is stored about the adult in this role."""
    if entry.is_empty or adult is None:
        return entry.is_empty and adult is None
    if entry.id_hash and entry.id_hash != adult.id_number_hash:
        return False
    if "relation" in entry.fields and link is not None and link.relation != entry.relation:
        return False
    names = [name for name in entry.fields if name not in ("relation", "id_number")]
    return all(_same(getattr(adult, name), getattr(entry, name)) for name in names)


def _action(plan: RowPlan) -> str:
    if plan.child is None:
        return CREATE
    if plan.child_changes or plan.link_changes or plan.adult_changes():
        return UPDATE
    return UNCHANGED
