"""One child's agreement: the current agreement, its history, and the forms that sign it, upload its
scan, mark it for re-signing and end it (通知 二.2)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record
from registry.models import Child

from ..forms import ReasonForm, ScanForm, SignForm
from ..models import Agreement, AgreementStatus
from ..selectors import AgreementState
from ..services import (
    agreement_end,
    agreement_mark_resign,
    agreement_of,
    agreement_sign,
    agreement_upload_scan,
    default_valid_until,
    parties_of,
    witness_name_for,
)
from ..services.lifecycle import today
from .access import child_to_manage, child_to_read, may_manage


def _state(agreement: Agreement | None) -> str:
    on = today()
    if agreement is None:
        return AgreementState.UNSIGNED
    if agreement.is_valid_on(on):
        return AgreementState.VALID
    lapsed = agreement.status == AgreementStatus.SIGNED and agreement.valid_until and agreement.valid_until < on
    if agreement.status == AgreementStatus.TO_RESIGN or lapsed:
        return AgreementState.TO_RESIGN
    return AgreementState.UNSIGNED


def _sign_initial(child: Child, agreement: Agreement | None) -> dict:
    if agreement is not None and agreement.status == AgreementStatus.SIGNED:
        return {
            "version": agreement.version,
            "signed_on": agreement.signed_on,
            "valid_from": agreement.valid_from,
            "valid_until": agreement.valid_until,
            "principals": [adult.pk for adult in agreement.principals],
            "witness_name": agreement.witness_name,
            "notes": agreement.notes,
        }
    on = today()
    return {
        "version": agreement.version if agreement else 0,
        "signed_on": on,
        "valid_from": on,
        "valid_until": default_valid_until(on),
        "principals": [adult.pk for adult in parties_of(child).principals],
        "witness_name": witness_name_for(child.village),
        "notes": agreement.notes if agreement else "",
    }


def _visible_forms(request, child: Child, agreement: Agreement | None) -> dict[str, bool]:
    manage = may_manage(request.user) and not child.is_exited
    status = agreement.status if agreement else AgreementStatus.UNSIGNED
    return {
        "sign_form": manage,
        "scan_form": manage and status in (AgreementStatus.SIGNED, AgreementStatus.TO_RESIGN),
        "resign_form": manage and status == AgreementStatus.SIGNED,
        "end_form": manage and agreement is not None and status != AgreementStatus.ENDED,
    }


def _page(request, child: Child, agreement: Agreement | None, **forms):
    version = {"version": agreement.version if agreement else 0}
    history = []
    if agreement is not None:
        history = list(agreement.history.select_related("history_user").order_by("-history_date", "-history_id"))
    parties, state = parties_of(child), _state(agreement)
    show = _visible_forms(request, child, agreement)
    open_form = forms.get("open_form", "")
    hidden_errors = []
    if open_form and not show.get(open_form):  # e.g. "already ended": the form is gone, its message is not
        hidden_errors = list(forms[open_form].non_field_errors())
    context = {
        "child": child,
        "agreement": agreement,
        "state": state,
        "state_label": AgreementState.LABELS[state],
        "parties": parties,
        "archive_principals": "、".join(f"{a.name}（{parties.relation_of(a)}）" for a in parties.principals),
        "agreement_principals": "、".join(adult.name for adult in agreement.principals) if agreement else "",
        "carer_relation": parties.relation_of(parties.carer),
        "history": history,
        "can_manage": show["sign_form"],
        "show": show,
        "hidden_errors": hidden_errors,
        "can_reveal": request.user.can(Capability.REVEAL_PERSONAL_DATA),
        "sign_form": forms.get("sign_form") or SignForm(initial=_sign_initial(child, agreement), child=child),
        "scan_form": forms.get("scan_form") or ScanForm(initial=version),
        "resign_form": forms.get("resign_form") or ReasonForm(initial=version, prefix="resign"),
        "end_form": forms.get("end_form") or ReasonForm(initial=version, prefix="end"),
        "open_form": open_form,
    }
    return render(request, "agreements/child_agreement.html", context)


@require_GET
def child_agreement(request, child_pk: int):
    child = child_to_read(request, child_pk)
    return _page(request, child, agreement_of(child))


def _fail(request, child, agreement, form, name: str, exc: ValidationError):
    """Back to the page with the form as typed and the service's Chinese message on each field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
    return _page(request, child, agreement, **{name: form, "open_form": name})


@require_POST
def sign(request, child_pk: int):
    child = child_to_manage(request, child_pk)
    agreement = agreement_of(child)
    form = SignForm(request.POST, child=child)
    if not form.is_valid():
        return _page(request, child, agreement, sign_form=form, open_form="sign_form")
    data = form.cleaned_data
    try:
        agreement_sign(
            user=request.user,
            child=child,
            signed_on=data["signed_on"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            principals=form.principal_adults(),
            witness_name=data["witness_name"],
            notes=data["notes"],
            expected_version=data["version"],
        )
    except ValidationError as exc:
        return _fail(request, child, agreement, form, "sign_form", exc)
    messages.success(request, f"已登记{child.name}的委托照护协议。")
    return redirect("agreements:child_agreement", child_pk=child.pk)


def _existing(child: Child) -> Agreement:
    agreement = agreement_of(child)
    if agreement is None:
        raise Http404("该儿童还没有委托照护协议。")
    return agreement


@require_POST
def upload_scan(request, child_pk: int):
    child = child_to_manage(request, child_pk)
    agreement = _existing(child)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, child, agreement, scan_form=form, open_form="scan_form")
    try:
        agreement_upload_scan(
            user=request.user,
            agreement=agreement,
            upload=form.cleaned_data["scan"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return _fail(request, child, agreement, form, "scan_form", exc)
    messages.success(request, "协议扫描件已上传。")
    return redirect("agreements:child_agreement", child_pk=child.pk)


@require_POST
def mark_resign(request, child_pk: int):
    child = child_to_manage(request, child_pk)
    agreement = _existing(child)
    form = ReasonForm(request.POST, prefix="resign")
    if not form.is_valid():
        return _page(request, child, agreement, resign_form=form, open_form="resign_form")
    try:
        agreement_mark_resign(
            user=request.user,
            agreement=agreement,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return _fail(request, child, agreement, form, "resign_form", exc)
    messages.success(request, "协议已标记为需重签。")
    return redirect("agreements:child_agreement", child_pk=child.pk)


@require_POST
def end(request, child_pk: int):
    child = child_to_manage(request, child_pk)
    agreement = _existing(child)
    form = ReasonForm(request.POST, prefix="end")
    if not form.is_valid():
        return _page(request, child, agreement, end_form=form, open_form="end_form")
    try:
        agreement_end(
            user=request.user,
            agreement=agreement,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        return _fail(request, child, agreement, form, "end_form", exc)
    messages.success(request, "协议已终止（记录保留）。")
    return redirect("agreements:child_agreement", child_pk=child.pk)


def _scan_name(record) -> str:
    """The stored file name: a FileField on the agreement, plain text on its history rows."""
    value = record.scan
    return value if isinstance(value, str) else (value.name or "")


@require_GET
def scan(request, child_pk: int, history_id: int | None = None):
    """The scan of the signed paper: never a public media URL; scoped to the child, audited."""
    child = child_to_read(request, child_pk)
    agreement = _existing(child)
    record = agreement if history_id is None else agreement.history.filter(history_id=history_id).first()
    name = _scan_name(record) if record is not None else ""
    if not name:
        raise Http404("没有找到协议扫描件。")
    try:
        handle = agreement.scan.storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404("扫描件文件不存在，请联系管理员。") from None
    audit_record(
        kind=AuditEvent.Kind.EXPORT,
        obj=child,
        detail={"document": "委托照护协议扫描件", "agreement": agreement.pk, "version": history_id or "current"},
    )
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"委托照护协议扫描件-{child.name}.{name.rsplit('.', 1)[-1]}",
        content_type=record.scan_content_type or "application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
