"""Reading a roster with python-calamine: find the header (title rows may stand above it), map the
columns by their header text (any order; unknown columns ignored with a warning), and yield the
rows with their line numbers as Excel shows them. The file is checked (safety.check_file) first."""

from __future__ import annotations

import contextlib
import ctypes
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from .columns import (
    BY_KEY,
    COLUMNS,
    COMPUTED_HEADERS,
    DATE,
    HEADER_INDEX,
    MONTH_DATE,
    REASON_HEADER,
    REQUIRED_KEYS,
    header_key,
)
from .safety import MAX_COLUMNS, RosterFileRefused, check_file, too_many_rows_message

HEADER_SEARCH_ROWS = 30  # title rows above the header: a few, never many
EPOCH_1904 = date(1904, 1, 1)
LAST_1904_SERIAL = 71_588  # 2099-12-31 in the 1904 system; 20150304-style numbers are far above


@dataclass
class Layout:
    """Where the header is and which column holds what."""

    sheet_name: str
    header_line: int  # 1-based
    positions: dict[str, int]  # column key → index in the row
    headers: list[str]  # the header row as written (for the error report)
    warnings: list[str] = field(default_factory=list)

    def has(self, key: str) -> bool:
        return key in self.positions


def _find_header(rows: list[list]) -> tuple[int, dict[str, int], list[str]] | None:
    for index, cells in enumerate(rows):
        positions = {}
        for position, cell in enumerate(cells):
            column = HEADER_INDEX.get(header_key(cell))
            if column is not None and column.key not in positions:
                positions[column.key] = position
        if "name" in positions and "id_number" in positions:
            return index, positions, [str(cell).strip() if cell is not None else "" for cell in cells]
    return None


def hidden_sheets(workbook: CalamineWorkbook) -> list[str]:
    """Sheets the clerk cannot see in Excel (hidden or "very hidden"): never imported."""
    return [sheet.name for sheet in workbook.sheets_metadata if sheet.visible != SheetVisibleEnum.Visible]


def _layout(workbook: CalamineWorkbook) -> tuple[Layout, object]:
    hidden = hidden_sheets(workbook)
    for name in workbook.sheet_names:
        if name in hidden:
            continue
        sheet = workbook.get_sheet_by_name(name)
        head = []
        for cells in sheet.iter_rows():
            head.append(cells)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        found = _find_header(head)
        if found is None:
            continue
        index, positions, headers = found
        layout = Layout(name, index + 1, positions, headers)
        missing = [BY_KEY[key].header for key in REQUIRED_KEYS if key not in positions]
        if missing:
            raise RosterFileRefused(f"表头缺少必填列：{'、'.join(missing)}。请使用花名册模板的列名。")
        # The export's computed columns and the error report's 错误原因 come back silently.
        known = {header_key(text) for text in [*(c.header for c in COLUMNS), *COMPUTED_HEADERS, REASON_HEADER]}
        unknown = [text for text in headers if text and header_key(text) not in known]
        if unknown:
            layout.warnings.append(f"以下列不在花名册模板中，已忽略：{'、'.join(unknown)}")
        if hidden:
            layout.warnings.append(f"以下隐藏的工作表未导入：{'、'.join(hidden)}（如需导入，请先在 Excel 中取消隐藏）")
        return layout, sheet
    also = f"（隐藏的工作表“{'、'.join(hidden)}”不导入，如需导入请先取消隐藏）" if hidden else ""
    raise RosterFileRefused(
        "找不到花名册的表头行（应包含“儿童姓名”“公民身份号码”等列名）。请使用花名册模板，表头写在数据上方的一行。"
        + also
    )


def _return_freed_memory() -> None:
    """Hand the parsed sheet's memory back to the system (glibc keeps freed heap pages otherwise),
    so that a large import's peak is the sheet or the plan, not both."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _has_data(cells: list, positions: list[int]) -> bool:
    """A row with nothing but its 序号 (a pre-numbered empty template row) is no row."""
    width = len(cells)
    for position in positions:
        if position < width:
            cell = cells[position]
            if cell not in ("", None) and not (isinstance(cell, str) and not cell.strip()):
                return True
    return False


def _dates_from_1904(cells: list, positions: list[int]) -> None:
    """A bare day number in a date column of a 1904 workbook counts from 1904-01-01: read in the 1900
    system it would move the date 4 years (date cells come right from python-calamine already)."""
    width = len(cells)
    for position in positions:
        value = cells[position] if position < width else None
        if type(value) in (int, float) and 1 <= value <= LAST_1904_SERIAL:
            cells[position] = EPOCH_1904 + timedelta(days=int(value))


class MergedCells:
    """Merged cells below the header read as the clerk sees them: a 镇 or 村 merged down over its
    children's rows gives every row its value (a reader finds it in the top-left cell only).

    Merged ranges never overlap in Excel, so at most one per column is open at a time; more is no
    spreadsheet (and would make every row's work grow)."""

    def __init__(self, ranges, *, below: int):
        starts: dict[int, list[tuple[int, int, int]]] = {}
        for (first_row, first_col), (last_row, last_col) in ranges:
            if first_row > below and (last_row > first_row or last_col > first_col):
                starts.setdefault(first_row, []).append((last_row, first_col, last_col))
        self.starts = starts
        self.open: list[tuple[int, int, int, object]] = []  # (last row, first col, last col, value)

    def __bool__(self) -> bool:
        return bool(self.starts or self.open)

    def fill(self, index: int, cells: list) -> None:
        width = len(cells)
        for last_row, first_col, last_col in self.starts.pop(index, ()):
            value = cells[first_col] if first_col < width else ""
            self.open.append((last_row, first_col, last_col, value))
        if len(self.open) > MAX_COLUMNS:
            raise RosterFileRefused("文件中的合并单元格相互重叠，结构异常，已拒绝。请取消合并单元格后再导入。")
        self.open = [entry for entry in self.open if entry[0] >= index]
        for _, first_col, last_col, value in self.open:
            for col in range(first_col, min(last_col + 1, width)):
                if cells[col] in ("", None):
                    cells[col] = value


class RosterReader:
    """`with RosterReader(path) as reader: for line, cells in reader.rows(): ...`"""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.facts = check_file(self.path)
        self.workbook: CalamineWorkbook | None = None
        self.layout: Layout | None = None
        self._sheet = None

    def __enter__(self) -> RosterReader:
        try:
            self.workbook = CalamineWorkbook.from_path(str(self.path))
            self.layout, self._sheet = _layout(self.workbook)
        except CalamineError as error:
            self.close()
            raise RosterFileRefused(
                f"无法读取该 Excel 文件（{type(error).__name__}），请在 Excel 中另存为 .xlsx 后再导入。"
            )
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()
            self.workbook, self._sheet = None, None
            _return_freed_memory()

    @property
    def declared_rows(self) -> int:
        """Rows below the header as the sheet's data range says (for progress)."""
        end = self._sheet.end if self._sheet is not None else None
        return max((end[0] + 1 if end else 0) - self.layout.header_line, 0)

    def _date_positions(self) -> list[int]:
        return [position for key, position in self.layout.positions.items() if BY_KEY[key].kind in (DATE, MONTH_DATE)]

    def rows(self) -> Iterator[tuple[int, list]]:
        """(line, cells) of every non-empty row below the header; refuses past the row limit."""
        limit = settings.ROSTER_MAX_ROWS
        header_index = self.layout.header_line - 1
        meaningful = [position for key, position in self.layout.positions.items() if key != "seq"]
        dates = self._date_positions() if self.facts.date1904 else []
        merged = MergedCells(self._sheet.merged_cell_ranges or [], below=header_index)
        count = 0
        for index, cells in enumerate(self._sheet.iter_rows()):
            if index <= header_index:
                continue
            if merged:
                merged.fill(index, cells)
            if not _has_data(cells, meaningful):
                continue
            if dates:
                _dates_from_1904(cells, dates)
            count += 1
            if count > limit:
                raise RosterFileRefused(too_many_rows_message())
            yield index + 1, cells
