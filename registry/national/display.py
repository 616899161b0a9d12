"""How report lines show: field labels, masked IDs and phones unless revealed, restricted health data
only for those who may see it, and the link to the child's archive."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from qidong_care.accounts.roles import Capability

from ..rules.idnumber import mask_id_number, mask_phone
from .form import FIELDS_BY_KEY
from .models import LineKind, ReconciliationLine

RESTRICTED_TEXT = "（受限信息）"


@dataclass
class Viewer:
    reveal: bool = False
    restricted: bool = False
    archives: bool = False

    @classmethod
    def of(cls, user, *, reveal: bool = False) -> Viewer:
        return cls(
            reveal=reveal and user.can(Capability.REVEAL_PERSONAL_DATA),
            restricted=user.can(Capability.VIEW_RESTRICTED),
            archives=user.can(Capability.VIEW_CHILDREN),
        )

    def show(self, key: str, value: str) -> str:
        sensitive = FIELDS_BY_KEY[key].sensitive if key in FIELDS_BY_KEY else ""
        if not value:
            return ""
        if sensitive == "restricted" and not self.restricted:
            return RESTRICTED_TEXT
        if sensitive == "id" and not self.reveal:
            return mask_id_number(value)
        if sensitive == "phone" and not self.reveal:
            return mask_phone(value)
        return value


@dataclass
class DiffRow:
    label: str
    ours: str
    theirs: str


@dataclass
class LineRow:
    line: ReconciliationLine
    id_number: str
    child_url: str | None
    diffs: list[DiffRow] = field(default_factory=list)
    confirm_url: str | None = None


def child_url(child_id: int | None) -> str | None:
    """The child's archive page (registry:child_detail), once the archive pages are installed."""
    if child_id is None:
        return None
    try:
        return reverse("registry:child_detail", args=[child_id])
    except NoReverseMatch:
        return None


def line_row(line: ReconciliationLine, viewer: Viewer) -> LineRow:
    """`line` comes with its child (select_related) when revealing, for the full ID number."""
    id_number = line.id_number_masked
    if viewer.reveal:
        full_id = line.national.get("id_number", "") or (line.child.id_number if line.child_id else "")
        id_number = full_id or id_number
    diffs = [
        DiffRow(
            FIELDS_BY_KEY[d["field"]].header, viewer.show(d["field"], d["ours"]), viewer.show(d["field"], d["theirs"])
        )
        for d in line.diffs
    ]
    confirm = None
    if line.kind == LineKind.LIKELY and line.is_open and viewer.archives:
        confirm = reverse("registry:reconcile_line", args=[line.pk])
    return LineRow(
        line=line,
        id_number=id_number,
        child_url=child_url(line.child_id) if viewer.archives else None,
        diffs=diffs,
        confirm_url=confirm,
    )
