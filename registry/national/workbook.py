"""Reading the national export: the roster import's file safety check (registry.roster.safety: not a
real .xlsx, encrypted, too large, too many rows, zip bombs, XML entity tricks — refused before
parsing, with a Chinese message) and python-calamine, as the roster import reads its files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.conf import settings
from python_calamine import CalamineError, CalamineWorkbook

from ..roster.reading import hidden_sheets
from ..roster.safety import RosterFileRefused, check_file, too_many_rows_message

NationalFileRefused = RosterFileRefused


def unreadable(error: Exception) -> str:
    return f"无法读取该 Excel 文件（{type(error).__name__}），请在 Excel 中另存为 .xlsx 后再上传。"


TITLE_ROWS = 10  # rows above the header (a title, a date line) allowed beyond the row limit


def _path_of(upload) -> tuple[Path, bool]:
    """A path to the uploaded bytes, and whether it is a temporary copy to remove afterwards."""
    if hasattr(upload, "temporary_file_path"):
        return Path(upload.temporary_file_path()), False
    with tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return Path(handle.name), True


def read_sheet(upload) -> list[list[object]]:
    """The first sheet's rows, row i being the sheet's line i + 1 (as Excel shows it)."""
    path, temporary = _path_of(upload)
    try:
        check_file(path)
        return _rows(path)
    finally:
        if temporary:
            path.unlink(missing_ok=True)


def _first_visible_sheet(book: CalamineWorkbook):
    """The first sheet the clerk can see: a hidden sheet is never read as the export."""
    hidden = hidden_sheets(book)
    visible = [name for name in book.sheet_names if name not in hidden]
    if not visible:
        raise RosterFileRefused("文件中没有可见的工作表（全部被隐藏），请在 Excel 中取消隐藏后再上传。")
    return book.get_sheet_by_name(visible[0])


def _rows(path: Path) -> list[list[object]]:
    try:
        book = CalamineWorkbook.from_path(str(path))
    except CalamineError as error:
        raise RosterFileRefused(
            f"无法读取该 Excel 文件（{type(error).__name__}），请在 Excel 中另存为 .xlsx 后再上传。"
        )
    try:
        sheet = _first_visible_sheet(book)
        rows: list[list[object]] = []  # calamine yields from the sheet's first line, empty lines included
        limit = settings.ROSTER_MAX_ROWS + TITLE_ROWS
        for cells in sheet.iter_rows():
            rows.append(cells)
            if len(rows) > limit:
                raise RosterFileRefused(too_many_rows_message())
        return rows
    except CalamineError as error:
        raise RosterFileRefused(
            f"无法读取该 Excel 文件（{type(error).__name__}），请在 Excel 中另存为 .xlsx 后再上传。"
        )
    finally:
        book.close()
