"""The audit log as an .xlsx workbook (text cells only: nothing in it is ever run as a formula)."""

from collections.abc import Iterable
from io import BytesIO

import xlsxwriter
from django.utils import timezone

from .models import AuditEvent

HEADERS = ("时间", "用户名", "IP 地址", "事件", "对象类型", "对象编号", "对象说明", "结果", "详情")
WIDTHS = (20, 16, 16, 14, 22, 12, 30, 8, 60)


def event_row(event: AuditEvent) -> tuple[str, ...]:
    return (
        timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
        event.username,
        event.ip_address or "",
        event.get_kind_display(),
        event.object_type,
        event.object_id,
        event.object_label,
        "成功" if event.success else "失败",
        event.detail_text,
    )


def events_workbook(events: Iterable[AuditEvent]) -> tuple[bytes, int]:
    """The workbook's bytes and the number of events written."""
    buffer = BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    sheet = book.add_worksheet("审计日志")
    bold = book.add_format({"bold": True})
    for column, (title, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, title, bold)
    rows = 0
    for rows, event in enumerate(events, start=1):
        for column, value in enumerate(event_row(event)):
            sheet.write_string(rows, column, value)
    book.close()
    return buffer.getvalue(), rows
