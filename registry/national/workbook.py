"""Reading the national export's first sheet.

INTERIM: replaced by the roster import's file safety check and reader (registry.roster) once that
lands on main; only the two names below are used by the views.
"""

from __future__ import annotations

from python_calamine import CalamineWorkbook


class NationalFileRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_sheet(upload) -> list[list[object]]:
    try:
        book = CalamineWorkbook.from_filelike(upload)
        return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is refused with one message
        raise NationalFileRefused("无法读取该文件，请上传全国系统导出的 .xlsx 文件。") from exc
