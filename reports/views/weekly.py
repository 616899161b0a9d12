"""Stored weekly reports: the list, one week, its Excel export and its printable circular (通报)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from .. import selectors
from ..access import require_county_reports
from ..exports import weekly_circular_pdf, weekly_xlsx
from ..models import WeeklyReport
from ..weeks import Week


def _stored(request, week: str) -> selectors.WeekView:
    require_county_reports(request.user)
    try:
        Week.parse(week)
    except ValidationError:
        raise Http404("没有这一周。") from None
    return selectors.stored_week(get_object_or_404(WeeklyReport, week=week))


def weekly_list(request):
    require_county_reports(request.user)
    reports = WeeklyReport.objects.all()[:104]
    return render(request, "reports/weekly_list.html", {"reports": reports})


def weekly_detail(request, week: str):
    view = _stored(request, week)
    selectors.with_links(view.rows)
    return render(request, "reports/weekly_detail.html", {"view": view})


def _audited(request, view: selectors.WeekView, kind: str, fmt: str) -> None:
    audit_record(
        kind=kind,
        user=request.user,
        obj=view.report,
        object_label=f"周报 {view.week.label}",
        detail={"format": fmt, "week": view.week.label},
        request=request,
    )


def weekly_export(request, week: str):
    view = _stored(request, week)
    content = weekly_xlsx(view)
    _audited(request, view, AuditEvent.Kind.EXPORT, "xlsx")
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="weekly-report-{view.week.label}.xlsx"'
    return response


def weekly_circular(request, week: str):
    view = _stored(request, week)
    content = weekly_circular_pdf(view, base_url=request.build_absolute_uri("/"))
    _audited(request, view, AuditEvent.Kind.PRINT, "pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="circular-{view.week.label}.pdf"'
    return response
