"""Pages of the reconciliation with the national system (通知 二.3): runs, the report per town, the
export for upload, and the confirmation of likely matches. Mapping pages: mapping_views.py."""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from ..models import Region
from .compare import COMPARED_KEYS, our_values, same_value
from .display import Viewer, child_url, line_row
from .export import upload_export
from .form import NATIONAL_FIELDS
from .forms import AUTO, BUILTIN, ExportForm, RunForm
from .mapping import HEADERS_SESSION_KEY, candidates, choose_mapping, likely_headers, mapped_rows, mapping_used
from .models import ColumnMapping, LineKind, Resolution
from .selectors import (
    can_read,
    can_run,
    get_line_for_user,
    get_run_for_user,
    lines_visible_to,
    runs_visible_to,
    town_ids_of,
)
from .services import likely_match_confirm, likely_match_reject, reconciliation_run
from .workbook import NationalFileRefused, read_sheet

PAGE_SIZE = 50
# Column heads of the per-town table (the full labels show on hover and in the tabs).
SHORT_LABELS = {
    LineKind.MISSING_HERE: "本系统缺",
    LineKind.MISSING_NATIONALLY: "需录入全国",
    LineKind.FIELD_DIFF: "信息不一致",
    LineKind.NATIONAL_ACTIVE: "全国在册本系统不在册",
    LineKind.NATIONAL_EXITED: "全国已退出",
    LineKind.LIKELY: "疑似同一",
}
NO_MAPPING_MESSAGE = (
    "没有找到与该文件表头相符的列对应关系：请设置一次（保存后，以后上传同样表头的文件会自动使用），再重新上传。"
)


def reconcile_list(request):
    if not can_read(request.user):
        raise PermissionDenied("您的角色不能查看全国系统比对。")
    page = Paginator(runs_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    towns = town_ids_of(request.user)
    rows = [(run, findings_at_run_time(run, towns)) for run in page]
    context = {"page": page, "rows": rows, "can_run": can_run(request.user)}
    return render(request, "registry/national/run_list.html", context)


def findings_at_run_time(run, towns: set[int] | None) -> int:
    """The run's findings in the user's towns as counted when it ran (progress shows from run to run)."""
    return sum(
        sum(kinds.values()) for town, kinds in run.town_counts.items() if towns is None or (town and int(town) in towns)
    )


def _apply_mapping(form: RunForm, sheet):
    chosen = form.chosen_mapping()
    if chosen == AUTO:
        return choose_mapping(sheet, ColumnMapping.objects.all())
    saved = [] if chosen == BUILTIN else [chosen]
    applied = candidates(sheet, saved)[0]
    return applied if applied.complete else None


def reconcile_run(request):
    """Upload a national export and compare it with the archive of the chosen scope."""
    if not can_run(request.user):
        raise PermissionDenied("您的角色不能进行全国系统比对。")
    form = RunForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            sheet = read_sheet(upload)
        except NationalFileRefused as refused:
            form.add_error("file", refused.message)
        else:
            applied = _apply_mapping(form, sheet)
            if applied is None:
                request.session[HEADERS_SESSION_KEY] = likely_headers(sheet)[:100]
                messages.warning(
                    request,
                    "没有找到与该文件表头相符的列对应关系：请设置一次（保存后以后上传会自动使用），再重新上传。",
                )
                return redirect("registry:reconcile_mapping_new")
            try:
                run = reconciliation_run(
                    user=request.user,
                    town=form.cleaned_data["town"],
                    rows=mapped_rows(sheet, applied),
                    file_name=upload.name,
                    mapping_name=applied.name,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                mapping_used(applied)
                return redirect("registry:reconcile_report", pk=run.pk)
    return render(request, "registry/national/run_form.html", {"form": form})


def _town_table(lines, kinds):
    """[(town, {kind: open count}, total)] for the lines the user sees."""
    counts = lines.filter(resolution=Resolution.OPEN).order_by().values("town_id", "kind").annotate(n=Count("*"))
    by_town: dict = {}
    for row in counts:
        by_town.setdefault(row["town_id"], {})[row["kind"]] = row["n"]
    towns = Region.objects.in_bulk([pk for pk in by_town if pk is not None])
    table = []
    for town_id, kind_counts in sorted(by_town.items(), key=lambda item: towns[item[0]].code if item[0] else "~"):
        cells = [kind_counts.get(kind, 0) for kind, _, _ in kinds]
        table.append({"town": towns.get(town_id), "town_id": town_id, "cells": cells, "total": sum(cells)})
    return table


def reconcile_report(request, pk: int):
    """The run's findings per town and kind; a POST with reveal shows full IDs and phones (audited)."""
    run = get_run_for_user(request, pk)
    reveal = request.method == "POST" and request.POST.get("reveal") == "1"
    if reveal:
        if not request.user.can(Capability.REVEAL_PERSONAL_DATA):
            raise PermissionDenied("您的角色不能查看完整身份证号码和电话。")
        audit_record(kind=AuditEvent.Kind.REVEAL, user=request.user, obj=run, detail={"what": "全国系统比对结果"})
    lines = lines_visible_to(request.user, run)
    kinds = [(value, label, SHORT_LABELS[value]) for value, label in LineKind.choices]
    table = _town_table(lines, kinds)
    town_id = request.GET.get("town") or ""
    if town_id.isdigit():
        lines = lines.filter(town_id=int(town_id))
    kind_counts = _kind_counts(table, kinds)
    kind = request.GET.get("kind")
    if kind not in LineKind.values:
        kind = next((value for value, _, total in kind_counts if total), LineKind.MISSING_HERE)
    related = ["town", "village", "child"] if reveal else ["town", "village"]
    shown = lines.filter(kind=kind).select_related(*related)
    shown = shown.order_by("resolution", "town__code", "village__code", "row_number", "name", "pk")
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    viewer = Viewer.of(request.user, reveal=reveal)
    context = {
        "run": run,
        "kinds": kinds,
        "kind": kind,
        "kind_label": LineKind(kind).label,
        "kind_counts": kind_counts,
        "table": table,
        "town_id": town_id,
        "page": page,
        "rows": [line_row(line, viewer) for line in page],
        "viewer": viewer,
        "query_string": f"kind={kind}&town={town_id}",
        "can_export": request.user.can(Capability.EXPORT_ROSTER),
        "can_reveal": request.user.can(Capability.REVEAL_PERSONAL_DATA),
        "export_form": ExportForm(initial={"town": town_id or None}),
    }
    return render(request, "registry/national/report.html", context)


def _kind_counts(table, kinds):
    totals = [sum(row["cells"][i] for row in table) for i in range(len(kinds))]
    return [(value, label, total) for (value, label, _), total in zip(kinds, totals, strict=True)]


@require_POST
def reconcile_export(request, pk: int):
    """The children to add or update in the national system, as an .xlsx in the form's columns."""
    run = get_run_for_user(request, pk)
    if not request.user.can(Capability.EXPORT_ROSTER):
        raise PermissionDenied("您的角色不能导出名单。")
    form = ExportForm(request.POST)
    form.is_valid()
    reveal = bool(form.cleaned_data.get("reveal"))
    if reveal and not request.user.can(Capability.REVEAL_PERSONAL_DATA):
        raise PermissionDenied("您的角色不能导出完整身份证号码和电话。")
    lines = lines_visible_to(request.user, run)
    if form.cleaned_data.get("town"):
        lines = lines.filter(town_id=form.cleaned_data["town"])
    name, content, _ = upload_export(
        user=request.user,
        run=run,
        lines=lines,
        reveal=reveal,
        restricted=request.user.can(Capability.VIEW_RESTRICTED),
    )
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def reconcile_line(request, pk: int):
    """A likely match side by side: the national row and our child, to confirm or reject."""
    line = get_line_for_user(request, pk)
    viewer = Viewer.of(request.user)
    national = line.national
    child = line.child
    ours = our_values(child, child.links.select_related("adult")) if child else {}
    rows = [
        (
            f.header,
            viewer.show(f.key, national.get(f.key, "")),
            viewer.show(f.key, ours.get(f.key, "")),
            _differs(f.key, line, ours.get(f.key, ""), national.get(f.key, "")),
        )
        for f in NATIONAL_FIELDS
        if f.key in national or f.key in ours
    ]
    context = {
        "line": line,
        "rows": rows,
        "child_url": child_url(line.child_id),
        "can_decide": line.kind == LineKind.LIKELY
        and line.is_open
        and can_run(request.user)
        and request.user.can(Capability.EDIT_CHILDREN),
    }
    return render(request, "registry/national/line.html", context)


def _differs(key: str, line, ours: str, theirs: str) -> bool:
    if key in ("town", "village"):
        return line.child is not None and getattr(line, f"{key}_id") != getattr(line.child, f"{key}_id")
    return key in COMPARED_KEYS and not same_value(key, ours, theirs)


def _decide(request, pk: int, decide, done: str):
    line = get_line_for_user(request, pk, write=True)
    try:
        decide(user=request.user, line=line)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(f"{_report_url(line)}?kind={LineKind.LIKELY}")


def _report_url(line) -> str:
    return reverse("registry:reconcile_report", args=[line.run_id])


@require_POST
def reconcile_confirm(request, pk: int):
    return _decide(request, pk, likely_match_confirm, "已确认为同一儿童，以后比对会自动对应。")


@require_POST
def reconcile_reject(request, pk: int):
    return _decide(request, pk, likely_match_reject, "已确认不是同一儿童，以后比对不会再提示。")
