"""The list of children without a valid agreement as an .xlsx file: masked numbers, and no cell
that a spreadsheet could take for a formula (ROSTER.md: =, +, -, @, tab, CR are neutralised)."""

import io
from datetime import date

import xlsxwriter

from .models import AgreementStatus
from .selectors import AgreementState

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

COLUMNS = [
    ("镇（街道、园区）", "town__name", 16),
    ("村（社区）", "village__name", 18),
    ("儿童姓名", "name", 10),
    ("公民身份号码", "id_number_masked", 21),
    ("出生日期", "birth_date", 12),
    ("委托照护人", "carer_name", 10),
    ("协议状态", "agreement_state", 14),
    ("签订日期", "agreement__signed_on", 12),
    ("有效期至", "agreement__valid_until", 12),
    ("需重签原因", "agreement__resign_reason", 20),
]


def safe_cell(value) -> str:
    """Text as it may stand in a cell: a leading formula character gets an apostrophe in front."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell_value(row: dict, key: str):
    value = row.get(key)
    if key == "agreement_state":
        label = AgreementState.LABELS.get(value, "")
        if row.get("agreement__status") == AgreementStatus.SIGNED and value == AgreementState.TO_RESIGN:
            return f"{label}（已到期）"
        return label
    return value


def export_xlsx(rows, *, title: str) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet("委托照护协议")
    bold = workbook.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    sheet.write_string(0, 0, safe_cell(title), workbook.add_format({"bold": True, "font_size": 13}))
    for col, (label, _, width) in enumerate(COLUMNS):
        sheet.write_string(1, col, label, bold)
        sheet.set_column(col, col, width)
    for index, row in enumerate(rows, start=2):
        for col, (_, key, _) in enumerate(COLUMNS):
            sheet.write_string(index, col, safe_cell(cell_value(row, key)))
    sheet.freeze_panes(2, 0)
    workbook.close()
    return buffer.getvalue()
