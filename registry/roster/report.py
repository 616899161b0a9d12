"""The error report (ROSTER.md): the rejected rows as they were written, with a column 错误原因, so a
clerk can fix them and import the report itself (the extra column is ignored on import)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import xlsxwriter

from .columns import REASON_HEADER
from .normalize import neutralise
from .reading import RosterReader
from .validate import RowError


class SheetWriter:
    """XlsxWriter in constant memory: strings stay text (never a formula), dates stay dates."""

    def __init__(self, out: str | Path, sheet_name: str):
        self.workbook = xlsxwriter.Workbook(
            str(out), {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
        )
        self.sheet = self.workbook.add_worksheet(sheet_name)
        self.date_format = self.workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.bold = self.workbook.add_format({"bold": True})
        self.line = 0

    def header(self, headers: Iterable[str], widths: dict[int, int] | None = None) -> None:
        for col, text in enumerate(headers):
            self.sheet.write_string(self.line, col, neutralise(str(text)), self.bold)
        for col, width in (widths or {}).items():
            self.sheet.set_column(col, col, width)
        self.sheet.freeze_panes(self.line + 1, 0)
        self.line += 1

    def row(self, values: Iterable[object]) -> None:
        for col, value in enumerate(values):
            self.cell(col, value)
        self.line += 1

    def cell(self, col: int, value: object) -> None:
        if value is None or value == "":
            return
        if isinstance(value, datetime | date):
            self.sheet.write_datetime(self.line, col, value, self.date_format)
        elif isinstance(value, bool):
            self.sheet.write_string(self.line, col, "是" if value else "否")
        elif isinstance(value, int | float):
            self.sheet.write_number(self.line, col, value)
        elif isinstance(value, time | timedelta):
            self.sheet.write_string(self.line, col, str(value))
        else:
            self.sheet.write_string(self.line, col, neutralise(str(value)))

    def close(self) -> None:
        self.workbook.close()


def reasons_by_row(errors: Iterable[RowError]) -> dict[int, str]:
    reasons: dict[int, list[str]] = defaultdict(list)
    for error in errors:
        reasons[error.row].append(f"{error.column}：{error.message}" if error.column else error.message)
    return {row: "；".join(texts) for row, texts in reasons.items()}


def write_error_report(*, source: str | Path, errors: Iterable[RowError], out: str | Path) -> int:
    """Write the rows of `source` that have errors, with 错误原因, to `out`; returns how many rows."""
    reasons = reasons_by_row(errors)
    with RosterReader(source) as reader:
        headers = list(reader.layout.headers)
        while headers and not headers[-1]:
            headers.pop()
        width = len(headers)
        writer = SheetWriter(out, "错误报告")
        writer.header([*headers, REASON_HEADER], {width: 60})
        written = 0
        for line, cells in reader.rows():
            if line in reasons:
                padded = list(cells[:width]) + [""] * max(width - len(cells), 0)
                writer.row([*padded, reasons[line]])
                written += 1
        writer.close()
    return written
