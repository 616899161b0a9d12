"""The printed agreement: one child's, or every unsigned one of a village (a director's visit round).
Printing is audited; numbers are masked unless the user may reveal them and asks to."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record
from registry.models import Child

from ..printing import agreement_document, agreement_of_loaded, children_for_print, render_agreements_pdf
from ..selectors import children_without_valid_agreement
from ..services.lifecycle import today
from .access import child_to_manage, require, village_in_scope


def _reveal(request) -> bool:
    """Full numbers on paper only on an explicit request by a user who may reveal them."""
    return request.GET.get("reveal") == "1" and request.user.can(Capability.REVEAL_PERSONAL_DATA)


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)
    return response


def _audit_print(obj, *, reveal: bool, detail: dict) -> None:
    audit_record(kind=AuditEvent.Kind.PRINT, obj=obj, detail={**detail, "revealed": reveal})
    if reveal:
        audit_record(kind=AuditEvent.Kind.REVEAL, obj=obj, detail={**detail, "fields": ["公民身份号码", "联系电话"]})


@require_GET
def print_child(request, child_pk: int):
    child_to_manage(request, child_pk)
    child = children_for_print(Child.objects.visible_to(request.user)).get(pk=child_pk)
    reveal = _reveal(request)
    document = agreement_document(child, agreement_of_loaded(child), reveal=reveal)
    content = render_agreements_pdf([document], title=f"{child.name}的委托照护协议书")
    _audit_print(child, reveal=reveal, detail={"document": "委托照护协议书"})
    return _pdf(content, f"委托照护协议书-{child.name}.pdf")


@require_GET
def print_village(request, village_pk: int):
    village = village_in_scope(request, village_pk)
    require(request.user, Capability.MANAGE_AGREEMENTS, "您的角色不能打印委托照护协议。")
    children = Child.objects.visible_to(request.user).filter(village=village)
    pending = children_for_print(children_without_valid_agreement(children, on=today())).order_by("name", "pk")
    pending = list(pending)
    if not pending:
        messages.info(request, f"{village.name}没有待签订或需重签的委托照护协议。")
        return redirect("agreements:coverage")
    reveal = _reveal(request)
    documents = [agreement_document(child, agreement_of_loaded(child), reveal=reveal) for child in pending]
    content = render_agreements_pdf(documents, title=f"{village.name}待签订委托照护协议书")
    _audit_print(
        village,
        reveal=reveal,
        detail={"document": "委托照护协议书（整村打印）", "count": len(pending), "children": [c.pk for c in pending]},
    )
    return _pdf(content, f"委托照护协议书-{village.name}-{len(pending)}份.pdf")
