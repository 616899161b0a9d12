"""Exporting the roster in the template (ROSTER.md), plus the computed columns 留守类型, 判定依据,
在册状态, 信息缺失项, 信息错误项. An exported file imports back unchanged.

ID numbers and phones are exported in full only to users who may reveal them (masked otherwise, and
a masked file cannot be imported over real data); health and disability only to users who may see
restricted data (the columns are left out otherwise, so a re-import leaves them alone). Reads in
chunks with one query per chunk for the adults, writes in constant memory, and is audited.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db.models import QuerySet

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from ..choices import RosterStatus, Verdict
from ..models import Child, ChildAdult, Region
from ..rules.idnumber import mask_id_number, mask_phone
from ..rules.quality import ERROR_LABELS, MISSING_LABELS
from .columns import COLUMNS, COMPUTED_HEADERS, RESTRICTED_KEYS, ROLE_FIELDS, ROLES, choice_label
from .report import SheetWriter
from .snapshots import chunks

ADULT_CHOICES = {"status": "parent_status", "relation": "relation", "health": "health"}


@dataclass(frozen=True)
class ExportRights:
    reveal: bool  # full ID numbers and phones
    restricted: bool  # health and disability

    @classmethod
    def of(cls, user) -> ExportRights:
        if user is None:  # the command line, run by the server's administrator
            return cls(reveal=True, restricted=True)
        return cls(reveal=user.can(Capability.REVEAL_PERSONAL_DATA), restricted=user.can(Capability.VIEW_RESTRICTED))


def export_columns(rights: ExportRights) -> list:
    return [column for column in COLUMNS if rights.restricted or column.key not in RESTRICTED_KEYS]


def export_queryset(*, user, town: Region | None = None, statuses: list[str] | None = None) -> QuerySet:
    children = Child.objects.visible_to(user) if user is not None else Child.objects.all()
    if town is not None:
        children = children.filter(town=town)
    if statuses:
        children = children.filter(roster_status__in=statuses)
    return children.select_related("town", "village").order_by("town__code", "village__code", "name", "pk")


class _Row:
    """One child's cells, keyed by column key."""

    def __init__(self, child: Child, links: dict[str, ChildAdult], rights: ExportRights, number: int):
        self.child, self.links, self.rights, self.number = child, links, rights, number

    def id_number(self, value: str, masked: str = "") -> str:
        return value if self.rights.reveal else (masked or mask_id_number(value))

    def phone(self, value: str, masked: str = "") -> str:
        return value if self.rights.reveal else (masked or mask_phone(value))

    def child_value(self, column) -> object:
        child, key = self.child, column.key
        special = {
            "seq": self.number,
            "town": child.town.name,
            "village": child.village.name,
            "id_number": self.id_number(child.id_number, child.id_number_masked),
            "director_phone": self.phone(child.director_phone),
            "agreement_signed_on": "",  # kept by the agreements app
        }
        if key in special:
            return special[key]
        value = getattr(child, key)
        if column.choices or key == "boarding":
            return choice_label(column.choices or "bool", value)
        return value

    def adult_value(self, role: str, name: str) -> object:
        link = self.links.get(role)
        if link is None:
            return ""
        adult = link.adult
        if name == "relation":
            return choice_label("relation", link.relation)
        if name == "id_number":
            return self.id_number(adult.id_number, adult.id_number_masked) if adult.id_number_hash else ""
        if name == "phone":
            return self.phone(adult.phone, adult.phone_masked) if adult.phone_hash else ""
        value = getattr(adult, name)
        return choice_label(ADULT_CHOICES[name], value) if name in ADULT_CHOICES else value

    def cells(self, columns: list) -> list[object]:
        values = []
        for column in columns:
            role, _, name = column.key.partition("_")
            if role in ROLES and name in ROLE_FIELDS[role]:
                values.append(self.adult_value(role, name))
            else:
                values.append(self.child_value(column))
        return [*values, *self.computed()]

    def computed(self) -> list[str]:
        child = self.child
        return [
            labels_of(Verdict, child.verdict),
            "；".join(child.verdict_reasons or []),
            labels_of(RosterStatus, child.roster_status),
            "、".join(MISSING_LABELS.get(code, code) for code in child.missing_items or []),
            "、".join(ERROR_LABELS.get(code, code) for code in child.error_items or []),
        ]


def labels_of(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value or ""))


def _children_with_links(children: QuerySet) -> Iterator[tuple[Child, dict[str, ChildAdult]]]:
    """Children in order, each with its links and adults: one query per chunk of 2,000 children."""
    batch: list[Child] = []
    for child in children.iterator(chunk_size=2000):
        batch.append(child)
        if len(batch) == 2000:
            yield from _with_links(batch)
            batch = []
    yield from _with_links(batch)


def _with_links(batch: list[Child]) -> Iterator[tuple[Child, dict[str, ChildAdult]]]:
    if not batch:
        return
    links: dict[int, dict[str, ChildAdult]] = {}
    for chunk in chunks([child.pk for child in batch]):
        for link in ChildAdult.objects.filter(child_id__in=chunk).select_related("adult"):
            links.setdefault(link.child_id, {})[link.role] = link
    for child in batch:
        yield child, links.get(child.pk, {})


def roster_export(
    *, out: str | Path, user, town: Region | None = None, statuses: list[str] | None = None, via: str = "网页"
) -> int:
    """Write the roster of the children `user` may see (optionally one town, some statuses) to `out`;
    returns the number of children written. `user` None: the command line (everything, in full)."""
    rights = ExportRights.of(user)
    columns = export_columns(rights)
    writer = SheetWriter(out, "花名册")
    writer.header([column.header for column in columns] + list(COMPUTED_HEADERS))
    count = 0
    for count, (child, links) in enumerate(
        _children_with_links(export_queryset(user=user, town=town, statuses=statuses)), start=1
    ):
        writer.row(_Row(child, links, rights, count).cells(columns))
    writer.close()
    audit_record(
        kind=AuditEvent.Kind.EXPORT,
        user=user,
        object_type="registry.roster",
        object_label=f"花名册导出（{town.name if town else '全部可见区域'}）",
        detail={
            "rows": count,
            "town": town.name if town else "",
            "statuses": statuses or [],
            "masked": not rights.reveal,
            "restricted_included": rights.restricted,
            "via": via,
            **({} if user is not None else {"username": "命令行"}),
        },
    )
    return count
