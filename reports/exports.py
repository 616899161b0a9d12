"""The weekly report as an Excel workbook and as a printable circular (通报, PDF). Both hold town
figures, no personal data; both are audited all the same (who exported which week)."""

import io

import xlsxwriter
from django.template.loader import render_to_string
from django.utils import timezone

from registry.choices import ExitReason

from .selectors import WeekView

COLUMNS = [
    ("town_code", "区划代码"),
    ("town_name", "镇（街道、园区）"),
    ("active", "在册留守儿童"),
    ("new", "本周新增"),
    ("exits", "本周退出"),
    ("updates", "动态更新（人）"),
    ("zero_update", "动态更新为零"),
    ("missing_info", "信息缺失"),
    ("errors", "信息错误"),
    ("agreement_coverage", "委托照护协议覆盖率"),
    ("visit_coverage", "本月走访覆盖率"),
    ("referrals_open", "未办结转介"),
    ("referrals_overdue", "逾期转介"),
    ("unverified", "待核实"),
    ("spot_check_problems", "抽查问题"),
]


def _cell(sheet, row: int, col: int, value, formats: dict) -> None:
    if isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "", formats["text"])
    elif isinstance(value, float):
        sheet.write_number(row, col, value, formats["percent"])
    elif isinstance(value, int):
        sheet.write_number(row, col, value, formats["text"])
    elif value is None:
        sheet.write_string(row, col, "—", formats["text"])
    else:  # write_string never makes a formula of a value (ROSTER.md)
        sheet.write_string(row, col, str(value), formats["text"])


def _write_rows(sheet, view: WeekView, formats: dict) -> None:
    for col, (_, title) in enumerate(COLUMNS):
        sheet.write_string(2, col, title, formats["header"])
    rows = [*view.rows, view.total]
    for offset, row in enumerate(rows, start=3):
        red = {key: formats["red_" + key] for key in ("text", "percent")} if row.zero_update else formats
        for col, (name, _) in enumerate(COLUMNS):
            _cell(sheet, offset, col, getattr(row, name), red)


def _write_exits(book, view: WeekView, formats: dict) -> None:
    sheet = book.add_worksheet("退出原因")
    sheet.write_string(0, 0, "镇（街道、园区）", formats["header"])
    for col, reason in enumerate(ExitReason, start=1):
        sheet.write_string(0, col, str(reason.label), formats["header"])
    for offset, row in enumerate([*view.rows, view.total], start=1):
        sheet.write_string(offset, 0, row.town_name, formats["text"])
        for col, reason in enumerate(ExitReason, start=1):
            sheet.write_number(offset, col, row.exits_by_reason.get(reason.value, 0), formats["text"])
    sheet.set_column(0, 0, 22)


def weekly_xlsx(view: WeekView) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    formats = {
        "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}),
        "text": book.add_format({"border": 1}),
        "percent": book.add_format({"border": 1, "num_format": "0.0%"}),
        "red_text": book.add_format({"border": 1, "bg_color": "#F8D7DA"}),
        "red_percent": book.add_format({"border": 1, "bg_color": "#F8D7DA", "num_format": "0.0%"}),
    }
    sheet = book.add_worksheet("周报")
    sheet.write_string(0, 0, f"启东市农村留守儿童信息周报 {view.week.title}", book.add_format({"bold": True}))
    sheet.write_string(1, 0, f"生成时间：{timezone.localtime(view.report.computed_at):%Y-%m-%d %H:%M}")
    _write_rows(sheet, view, formats)
    sheet.set_column(0, 0, 12)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, len(COLUMNS) - 1, 11)
    sheet.freeze_panes(3, 2)
    _write_exits(book, view, formats)
    book.close()
    return buffer.getvalue()


def weekly_circular_pdf(view: WeekView, *, base_url: str) -> bytes:
    """通报 of one week (通知 三.2): the figures, and the towns with zero updates named for follow-up."""
    from weasyprint import HTML

    html = render_to_string("reports/circular.html", {"view": view, "printed_at": timezone.localtime()})
    return HTML(string=html, base_url=base_url).write_pdf()
