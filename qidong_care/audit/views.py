"""The audit administrator's viewer: the audit log with filters, pages and an .xlsx export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from qidong_care.accounts.roles import Capability

from .export import events_workbook
from .filters import AuditEventFilter
from .models import AuditEvent
from .services import audit_record

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_auditor(request) -> None:
    if not request.user.can(Capability.VIEW_AUDIT):
        raise PermissionDenied("只有审计管理员可以查看审计日志。")


def _query_string(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _back_to_list(request):
    return redirect(f"{reverse('audit:event_list')}?{_query_string(request)}")


@require_GET
def event_list(request):
    _require_auditor(request)
    filterset = AuditEventFilter(request.GET, queryset=AuditEvent.objects.all())
    events = filterset.qs if filterset.is_valid() else AuditEvent.objects.none()
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page, "query_string": _query_string(request)}
    return render(request, "audit/event_list.html", context)


@require_GET
def event_export(request):
    """The filtered events as .xlsx; the export is itself an audit event."""
    _require_auditor(request)
    filterset = AuditEventFilter(request.GET, queryset=AuditEvent.objects.all())
    if not filterset.is_valid():
        messages.error(request, "筛选条件有误，请修改后再导出。")
        return _back_to_list(request)
    events = filterset.qs
    total = events.count()
    if total > EXPORT_MAX_ROWS:
        messages.error(request, f"符合条件的记录有 {total} 条，超过单次导出上限 {EXPORT_MAX_ROWS} 条，请缩小时间范围。")
        return _back_to_list(request)
    content, rows = events_workbook(events.iterator(chunk_size=2000))
    filters = {key: value for key, value in request.GET.items() if value and key != "page"}
    audit_record(
        kind=AuditEvent.Kind.EXPORT,
        object_type="audit.auditevent",
        object_label="审计日志导出",
        detail={"rows": rows, "filters": filters},
    )
    response = HttpResponse(content, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response
