"""The children to add to or update in the national system, in the form's columns, spelling and codes,
so a clerk uploads or types them without reformatting. Masked unless the user reveals; audited."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Font

from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from ..roster.normalize import neutralise
from ..rules.idnumber import mask_id_number, mask_phone
from .compare import our_values, work_place_for_form
from .form import NATIONAL_FIELDS
from .models import LineKind, ReconciliationLine, ReconciliationRun
from .reconcile import children_with_links

ADD_KINDS = (LineKind.MISSING_NATIONALLY,)
UPDATE_KINDS = (LineKind.FIELD_DIFF, LineKind.NATIONAL_ACTIVE, LineKind.NATIONAL_EXITED)
SHEETS = (("需新增", ADD_KINDS), ("需更新", UPDATE_KINDS))
HEADERS = [f.header for f in NATIONAL_FIELDS]


def form_values(values: dict[str, str], *, reveal: bool, restricted: bool) -> list[str]:
    """One child's row in the form's column order; IDs and phones masked unless revealed."""
    cells = []
    for f in NATIONAL_FIELDS:
        value = values.get(f.key, "")
        if f.key.endswith("_work_place"):
            value = work_place_for_form(value)
        if f.sensitive == "id" and not reveal:
            value = mask_id_number(value)
        elif f.sensitive == "phone" and not reveal:
            value = mask_phone(value)
        elif f.sensitive == "restricted" and not restricted:
            value = ""
        cells.append(neutralise(value))  # a cell never starts a formula
    return cells


def export_rows(lines: Iterable[ReconciliationLine], *, reveal: bool, restricted: bool) -> dict[str, list[list[str]]]:
    """Sheet name → rows, each child once, ordered by town, village and name."""
    lines = [line for line in lines if line.child_id and line.is_open]
    children = children_with_links({line.child_id for line in lines})
    sheets: dict[str, list[list[str]]] = {}
    for sheet, kinds in SHEETS:
        ids = {line.child_id for line in lines if line.kind in kinds}
        chosen = sorted((children[pk] for pk in ids), key=lambda c: (c.town.code, c.village.code, c.name, c.pk))
        sheets[sheet] = [
            form_values(our_values(child, child.links.all()), reveal=reveal, restricted=restricted) for child in chosen
        ]
    return sheets


def workbook_bytes(sheets: dict[str, list[list[str]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        sheet.append(HEADERS)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column in sheet.columns:
            for cell in column:
                cell.number_format = "@"  # text: an ID number must never become a number
            sheet.column_dimensions[column[0].column_letter].width = 16
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload_export(
    *, user, run: ReconciliationRun, lines: Iterable[ReconciliationLine], reveal: bool, restricted: bool
) -> tuple[str, bytes, int]:
    """(file name, xlsx bytes, row count) of the children to add or update; the export is audited."""
    sheets = export_rows(lines, reveal=reveal, restricted=restricted)
    count = sum(len(rows) for rows in sheets.values())
    audit_record(
        kind=AuditEvent.Kind.EXPORT,
        user=user,
        obj=run,
        detail={
            "what": "全国系统上报名单（需新增、需更新）",
            "rows": count,
            "added": len(sheets["需新增"]),
            "updated": len(sheets["需更新"]),
            "revealed": reveal,
        },
    )
    name = f"全国系统上报-{run.town.name if run.town_id else '全市'}-{date.today():%Y%m%d}.xlsx"
    return name, workbook_bytes(sheets), count
