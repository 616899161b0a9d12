"""The history of one child's archive for its page: who changed what, when, old → new.

Built from django-simple-history (`diff_against`) over the child, its links (father, mother,
guardian, carer) and the adults linked now, in a fixed number of queries whatever their number.
Records one save wrote (same user and reason, seconds apart) make one entry with several items.
Encrypted values (ID numbers, phones, health) are shown as "已修改", never with their values.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import models

from .models import Adult, Child, ChildAdult, Region

HISTORY_LIMIT = 50  # the most recent entries shown on the archive page
MERGE_WINDOW = timedelta(seconds=5)  # one save writes a few records (facts, then the verdict): one entry

CHILD_FIELDS = (
    "name",
    "id_number",
    "gender",
    "birth_date",
    "ethnicity",
    "village",
    "household_type",
    "household_address",
    "current_address",
    "health",
    "disability_type",
    "disability_level",
    "schooling",
    "school",
    "grade",
    "boarding",
    "living_arrangement",
    "family_economy",
    "contact_frequency",
    "director_name",
    "director_phone",
    "notes",
    "national_child_no",
    "verdict",
    "roster_status",
    "field_check",
    "field_check_verdict",
    "field_check_note",
    "exit_reason",
    "exit_date",
    "exit_note",
    "likely_duplicate",
)
ADULT_FIELDS = ("name", "id_number", "phone", "health", "status", "work_place", "departed_on")
LINK_FIELDS = ("adult", "relation")
SENSITIVE = frozenset({"id_number", "phone", "director_phone", "health", "disability_type", "disability_level"})
RESTRICTED = frozenset({"health", "disability_type", "disability_level"})  # Capability.VIEW_RESTRICTED only

ACTIONS = {
    "Child": {"+": "建立", "~": "修改", "-": "删除"},
    "ChildAdult": {"+": "登记", "~": "更换", "-": "移除"},
    "Adult": {"+": "新建成年人档案", "~": "修改", "-": "删除"},
}


@dataclass
class FieldChange:
    label: str
    old: str = ""
    new: str = ""
    sensitive: bool = False  # shown as "已修改" without values


@dataclass
class HistoryItem:
    """What one record (or a few of one object from one save) changed."""

    at: datetime
    kind: str  # "Child", "ChildAdult", "Adult"
    history_type: str  # "+", "~", "-"
    subject: str
    changes: list[FieldChange]
    user_id: int | None
    who: str
    reason: str
    adult_id: int | None = None

    @property
    def action(self) -> str:
        return ACTIONS[self.kind].get(self.history_type, "修改")


@dataclass
class HistoryEntry:
    """One save: who, when, why, and the items it changed."""

    at: datetime
    who: str
    reason: str
    items: list[HistoryItem] = field(default_factory=list)
    user_id: int | None = None


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "系统"
    return user.get_full_name() or user.username


def _shown(value: Any, model_field: models.Field, names: dict[int, str]) -> str:
    if value is None or value == "":
        return "（空）"
    if isinstance(model_field, models.ForeignKey):
        return names.get(value, str(value))
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _changes(new, old, fields: Iterable[str], model: type[models.Model], names: dict[int, str]) -> list[FieldChange]:
    delta = new.diff_against(old, included_fields=list(fields))
    result = []
    for change in delta.changes:
        model_field = model._meta.get_field(change.field)
        label = str(model_field.verbose_name)
        if change.field in SENSITIVE:
            result.append(FieldChange(label, sensitive=True))
        else:
            old, new_value = _shown(change.old, model_field, names), _shown(change.new, model_field, names)
            result.append(FieldChange(label, old, new_value))
    return result


def _items_of(records: list, fields: tuple[str, ...], model, subject, names: dict[int, str]) -> list[HistoryItem]:
    """The items of one object's records (oldest first), each with its changes against the last."""
    items, previous = [], None
    for record in records:
        changed = previous is not None and record.history_type == "~"
        changes = _changes(record, previous, fields, model, names) if changed else []
        if not changed or changes:
            items.append(
                HistoryItem(
                    at=record.history_date,
                    kind=model.__name__,
                    history_type=record.history_type,
                    subject=subject(record),
                    changes=changes,
                    user_id=record.history_user_id,
                    who=_who(record),
                    reason=record.history_change_reason or "",
                    adult_id=_adult_of(record, model),
                )
            )
        previous = record
    return items


def _adult_of(record, model) -> int | None:
    if model is ChildAdult:
        return record.adult_id
    return record.id if model is Adult else None


def _same_save(entry: HistoryEntry, item: HistoryItem) -> bool:
    return entry.user_id == item.user_id and entry.reason == item.reason and item.at - entry.at <= MERGE_WINDOW


def _fold(items: list[HistoryItem]) -> list[HistoryItem]:
    """Items of one object within one save become one (a save writes the facts, then the verdict)."""
    folded: list[HistoryItem] = []
    for item in items:
        last = next((f for f in folded if (f.kind, f.subject) == (item.kind, item.subject)), None)
        if last is None or item.history_type == "-":
            folded.append(item)
            continue
        by_label = {change.label: change for change in last.changes}
        for change in item.changes:
            if change.label in by_label:
                by_label[change.label].new = change.new
            else:
                last.changes.append(change)
    for item in folded:
        item.changes = [c for c in item.changes if c.sensitive or c.old != c.new]
    return [i for i in folded if i.changes or i.history_type != "~"]


def _entries(items: list[HistoryItem]) -> list[HistoryEntry]:
    """Oldest first: consecutive items of one save form one entry."""
    entries: list[HistoryEntry] = []
    pending: list[HistoryItem] = []
    for item in sorted(items, key=lambda i: i.at):
        if entries and _same_save(entries[-1], item):
            pending.append(item)
            entries[-1].at = item.at
            continue
        if entries:
            entries[-1].items = _fold(pending)
        entries.append(HistoryEntry(at=item.at, who=item.who, reason=item.reason, user_id=item.user_id))
        pending = [item]
    if entries:
        entries[-1].items = _fold(pending)
    for entry in entries:
        # A new adult linked in the same save shows once, as "登记父亲：…".
        linked = {i.adult_id for i in entry.items if i.kind == "ChildAdult" and i.history_type == "+"}
        entry.items = [
            i for i in entry.items if not (i.kind == "Adult" and i.history_type == "+" and i.adult_id in linked)
        ]
    return [entry for entry in entries if entry.items]


def archive_history(
    child: Child, *, adult_roles: dict[int, list[str]], restricted: bool, limit: int = HISTORY_LIMIT
) -> list[HistoryEntry]:
    """Newest first. `adult_roles` maps the ids of the adults linked now to their role labels;
    `restricted` (Capability.VIEW_RESTRICTED) decides whether health changes appear at all."""
    skip = set() if restricted else RESTRICTED
    child_fields = tuple(f for f in CHILD_FIELDS if f not in skip)
    adult_fields = tuple(f for f in ADULT_FIELDS if f not in skip)
    order = ("history_date", "history_id")
    child_records = list(Child.history.filter(id=child.pk).select_related("history_user").order_by(*order))
    link_records = list(ChildAdult.history.filter(child_id=child.pk).select_related("history_user").order_by(*order))
    adult_records = list(Adult.history.filter(id__in=adult_roles).select_related("history_user").order_by(*order))

    region_names = dict(Region.objects.filter(pk__in={r.village_id for r in child_records}).values_list("pk", "name"))
    adult_ids = {r.adult_id for r in link_records} | set(adult_roles)
    adult_names = dict(Adult.objects.filter(pk__in=adult_ids).values_list("pk", "name"))
    role_labels = dict(ChildAdult._meta.get_field("role").flatchoices)

    items = _items_of(child_records, child_fields, Child, lambda r: "儿童档案", region_names)
    for records in _by_object(link_records).values():
        items += _items_of(
            records,
            LINK_FIELDS,
            ChildAdult,
            lambda r: f"{role_labels.get(r.role, r.role)}：{adult_names.get(r.adult_id, '（已删除）')}",
            adult_names,
        )
    for adult_id, records in _by_object(adult_records).items():
        subject = f"{'、'.join(adult_roles[adult_id])}：{records[-1].name}"
        items += _items_of(records, adult_fields, Adult, lambda r, s=subject: s, {})
    entries = _entries(items)
    entries.reverse()
    return entries[:limit]


def _by_object(records: Iterable) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for record in records:
        grouped.setdefault(record.id, []).append(record)
    return grouped
