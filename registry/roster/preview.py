"""What the preview shows of a plan: rows to create, rows to update with each changed field as
old → new, and the rejected rows' errors. ID numbers and phones are masked unless the user may
reveal them; health and disability are only shown to users allowed to see restricted data."""

from __future__ import annotations

from datetime import date
from typing import Any

from qidong_care.accounts.roles import Capability

from ..rules.idnumber import mask_id_number, mask_phone
from .columns import BY_KEY, CHOICE, RESTRICTED_KEYS, ROLE_LABELS, choice_label
from .family import FIELD_LABELS
from .places import RegionIndex
from .planning import CREATE, UPDATE, Plan, RowPlan

PREVIEW_LIMIT = 200  # rows of each kind shown on the page; the error report holds every error
ADULT_CHOICES = {"health": "health", "status": "parent_status"}


class Display:
    """Turns stored values into what the preview shows to one user."""

    def __init__(self, user, regions: RegionIndex):
        self.reveal = user is not None and user.can(Capability.REVEAL_PERSONAL_DATA)
        self.restricted = user is not None and user.can(Capability.VIEW_RESTRICTED)
        self.regions = regions

    def _format(self, value: Any) -> str:
        if value in (None, ""):
            return "（空）"
        if isinstance(value, date):
            return value.isoformat()
        return str(value)

    def id_number(self, value: str) -> str:
        return self._format(value if self.reveal else mask_id_number(value))

    def phone(self, value: str) -> str:
        return self._format(value if self.reveal else mask_phone(value))

    def child_value(self, key: str, value: Any) -> str:
        column = BY_KEY[key]
        if key in RESTRICTED_KEYS and not self.restricted:
            return "（不可见）"
        if key == "director_phone":
            return self.phone(value)
        if column.kind == CHOICE or key == "boarding":
            return self._format(choice_label(column.choices or "bool", value))
        return self._format(value)

    def adult_value(self, name: str, value: Any) -> str:
        if name == "id_number":
            return self.id_number(value)
        if name == "phone":
            return self.phone(value)
        if name == "health" and not self.restricted:
            return "（不可见）"
        if name in ADULT_CHOICES:
            return self._format(choice_label(ADULT_CHOICES[name], value))
        return self._format(value)

    def village(self, village_id: int | None) -> str:
        region = self.regions.by_id.get(village_id)
        if region is None:
            return "（空）"
        town = self.regions.by_id.get(region.parent_id)
        return f"{town.name if town else ''}{region.name}"

    def person(self, adult) -> str:
        if adult is None:
            return "（无）"
        number = adult.id_number
        return f"{adult.name}（{self.id_number(number)}）" if number else adult.name or "（未填姓名）"


def _change(field: str, old: str, new: str) -> dict[str, str]:
    return {"field": field, "old": old, "new": new}


def row_changes(plan: Plan, row_plan: RowPlan, display: Display) -> list[dict[str, str]]:
    """Each change an update makes, as {field, old, new} in Chinese."""
    child, row = row_plan.child, row_plan.row
    changes = []
    values = dict(zip(plan.child_keys, row.values, strict=True))
    stored = dict(zip(plan.child_keys, child.values, strict=True))
    for key in row_plan.child_changes:
        if key == "village":
            changes.append(_change("村（社区）", display.village(child.village_id), display.village(row.village_id)))
        else:
            old, new = display.child_value(key, stored[key]), display.child_value(key, values[key])
            changes.append(_change(BY_KEY[key].header, old, new))
    current = plan.links.get(child.pk, {})
    for role in row_plan.link_changes:
        link, state = current.get(role), row_plan.targets[role]
        old_adult = plan.adults.get(link.adult_id) if link else None
        new_adult = state.after() if state is not None else None
        if old_adult is not None and new_adult is not None and old_adult.pk == new_adult.pk:
            relation = BY_KEY[f"{role}_relation"]
            old, new = choice_label("relation", link.relation), choice_label("relation", row_plan.relations[role])
            changes.append(_change(relation.header, old or "（空）", new or "（空）"))
        else:
            changes.append(_change(ROLE_LABELS[role], display.person(old_adult), display.person(new_adult)))
    for role, name in row_plan.adult_changes():
        state = row_plan.targets[role]
        if role in row_plan.link_changes:
            continue
        label = f"{ROLE_LABELS[role]}{FIELD_LABELS[name]}"
        old = display.adult_value(name, getattr(state.adult, name))
        changes.append(_change(label, old, display.adult_value(name, state.value(name))))
    return changes


def preview_of(plan: Plan, display: Display, *, limit: int = PREVIEW_LIMIT) -> dict[str, list[dict]]:
    creates, updates = [], []
    for row_plan in plan.rows:
        row = row_plan.row
        if row_plan.action == CREATE and len(creates) < limit:
            creates.append(
                {
                    "row": row.line,
                    "name": row.name,
                    "id_number": display.id_number(row.id_number),
                    "village": display.village(row.village_id),
                }
            )
        elif row_plan.action == UPDATE and len(updates) < limit:
            updates.append(
                {
                    "row": row.line,
                    "name": row.name,
                    "id_number": display.id_number(row.id_number),
                    "village": display.village(row.village_id),
                    "changes": row_changes(plan, row_plan, display),
                }
            )
    return {"create": creates, "update": updates}
