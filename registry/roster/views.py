"""Roster pages: upload → validation in the background (progress polled by htmx) → preview → confirm →
written in one transaction; the error report; the empty template; and the export of the child list."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from ..choices import RosterStatus
from ..models import ImportJob, Region, RegionLevel
from ..scope import visible_regions
from .columns import COLUMNS
from .export import roster_export
from .jobs import import_job_check_worker, import_job_confirm, import_job_start, job_progress
from .report import SheetWriter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_JOBS = 20
SHOWN_ERRORS = 200


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="花名册文件（.xlsx）")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise ValidationError("请上传 Excel 工作簿（.xlsx）。旧版 .xls、CSV 文件请先在 Excel 中另存为 .xlsx。")
        if upload.size > settings.ROSTER_MAX_UPLOAD_BYTES:
            limit = settings.ROSTER_MAX_UPLOAD_BYTES // (1024 * 1024)
            raise ValidationError(f"文件超过 {limit} MB 上限，请拆分后分批导入。")
        return upload


def _require(user, capability: str, message: str) -> None:
    if not user.can(capability):
        raise PermissionDenied(message)


def _own_job(request, pk: int) -> ImportJob:
    """The user's own import job; 404 for anybody else's."""
    _require(request.user, Capability.IMPORT_ROSTER, "您的角色不能导入花名册。")
    return get_object_or_404(ImportJob.objects.select_related("user"), pk=pk, user=request.user)


def import_start(request):
    _require(request.user, Capability.IMPORT_ROSTER, "您的角色不能导入花名册。")
    form = RosterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_start(user=request.user, upload=form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("registry:import_detail", pk=job.pk)
    jobs = ImportJob.objects.filter(user=request.user)[:RECENT_JOBS]
    context = {"form": form, "jobs": jobs, "max_bytes": settings.ROSTER_MAX_UPLOAD_BYTES}
    return render(request, "registry/roster/import_start.html", context, status=400 if form.errors else 200)


def _summary(job: ImportJob) -> dict:
    return job.result if job.status == ImportJob.Status.COMMITTED else job.preview


def import_detail(request, pk: int):
    job = import_job_check_worker(_own_job(request, pk))
    summary = _summary(job)
    errors = summary.get("errors", [])
    context = {
        "job": job,
        "progress": job_progress(job),
        "summary": summary,
        "preview": summary.get("preview", {}),
        "errors": errors[:SHOWN_ERRORS],
        "errors_total": summary.get("errors_total", len(errors)),
        "shown_errors": SHOWN_ERRORS,
        "can_confirm": job.status == ImportJob.Status.VALIDATED and (job.created or job.updated),
    }
    return render(request, "registry/roster/import_detail.html", context)


def import_progress(request, pk: int):
    """The progress bar (htmx polls it); when the job is done, the page reloads to show the outcome."""
    job = import_job_check_worker(_own_job(request, pk))
    if not job.is_running:
        response = HttpResponse("")
        response["HX-Redirect"] = reverse("registry:import_detail", args=[job.pk])
        return response
    return render(request, "registry/roster/_progress.html", {"job": job, "progress": job_progress(job)})


@require_POST
def import_confirm(request, pk: int):
    job = _own_job(request, pk)
    try:
        import_job_confirm(job=job, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.info(request, "已开始写入：系统会按当前数据库重新校验，然后一次性写入全部通过校验的行。")
    return redirect("registry:import_detail", pk=job.pk)


def import_report(request, pk: int):
    """The rejected rows as written, with 错误原因 (personal data: the download is audited)."""
    job = _own_job(request, pk)
    if not job.report:
        raise Http404("该导入没有错误报告。")
    audit_record(
        kind=AuditEvent.Kind.EXPORT,
        obj=job,
        object_label=f"错误报告：{job.original_name}",
        detail={"rows": job.rejected, "file": job.original_name},
    )
    name = f"错误报告-{Path(job.original_name).stem}.xlsx"
    return FileResponse(job.report.open("rb"), as_attachment=True, filename=name, content_type=XLSX)


def import_template(request):
    """An empty roster template: the header row, in the order of ROSTER.md."""
    _require(request.user, Capability.IMPORT_ROSTER, "您的角色不能导入花名册。")
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    writer = SheetWriter(handle.name, "花名册")
    writer.header([column.header for column in COLUMNS], dict.fromkeys(range(len(COLUMNS)), 14))
    writer.close()
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename="花名册模板.xlsx", content_type=XLSX)


def _export_town(request) -> Region | None:
    raw = request.GET.get("town", "")
    if not raw:
        return None
    try:
        town = visible_regions(request.user).filter(level=RegionLevel.TOWN).get(pk=int(raw))
    except (ValueError, Region.DoesNotExist):
        raise Http404("没有找到这个镇（街道、园区），或不在您的负责区域内。") from None
    return town


def roster_export_view(request):
    """The child list's export button: the same filters (town, status), the user's scope."""
    _require(request.user, Capability.EXPORT_ROSTER, "您的角色不能导出花名册。")
    town = _export_town(request)
    status = request.GET.get("status", "")
    if status and status not in RosterStatus.values:
        raise Http404("没有这个在册状态。")
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (FileResponse closes it)
    roster_export(out=handle.name, user=request.user, town=town, statuses=[status] if status else None)
    handle.seek(0)
    name = f"花名册-{town.name if town else '全部'}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX)
