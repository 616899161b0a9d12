"""The archive page of one child (一人一档, 通知 二.3): everything in one place, and the reveal of
one full ID number or phone (audited)."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST

from qidong_care.accounts.roles import Capability
from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from ..choices import DisabilityLevel, DisabilityType, Health
from ..history import archive_history
from ..models import Child
from ..rules.eligibility import FLAG_DE_FACTO_UNSUPPORTED, FLAG_LABELS
from ..rules.idnumber import mask_phone
from ..rules.quality import ERROR_LABELS, MISSING_LABELS
from ..scope import get_child_for_user
from ..selectors import adults_on_archive, likely_duplicates_of
from .access import require_capability


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value)) if value else ""


def restricted_facts(child: Child) -> list[tuple[str, str]]:
    """Health and disability, for Capability.VIEW_RESTRICTED only."""
    return [
        ("健康状况", _label(Health.choices, child.health)),
        ("残疾类别", _label(DisabilityType.choices, child.disability_type)),
        ("残疾等级", _label(DisabilityLevel.choices, child.disability_level)),
    ]


def archive_sections(request, child: Child) -> list[dict]:
    """Sections other apps add to the archive page (settings.ARCHIVE_SECTIONS): each entry is
    "module.function(request, child)" returning {"template": ..., **context} or None."""
    sections = []
    for path in settings.ARCHIVE_SECTIONS:
        section = import_string(path)(request, child)
        if section:
            sections.append(section)
    return sections


@require_capability(Capability.VIEW_CHILDREN)
def child_detail(request, pk: int):
    user = request.user
    child = get_child_for_user(request, pk)
    restricted = user.can(Capability.VIEW_RESTRICTED)
    adults = adults_on_archive(user, child)
    flags = [(flag, FLAG_LABELS.get(flag, flag)) for flag in child.verdict_flags]
    context = {
        "child": child,
        "adults": adults,
        "duplicates": likely_duplicates_of(user, child),
        "history": archive_history(
            child, adult_roles={entry.adult.pk: entry.role_labels for entry in adults}, restricted=restricted
        ),
        "missing": [MISSING_LABELS.get(code, code) for code in child.missing_items],
        "errors": [ERROR_LABELS.get(code, code) for code in child.error_items],
        "flags": flags,
        "de_facto_unsupported": any(flag == FLAG_DE_FACTO_UNSUPPORTED for flag, _label in flags),
        "director_phone_masked": mask_phone(child.director_phone),
        "restricted": restricted,
        "restricted_facts": restricted_facts(child) if restricted else [],
        "can_edit": user.can(Capability.EDIT_CHILDREN) and not child.is_exited,
        "can_reveal": user.can(Capability.REVEAL_PERSONAL_DATA),
        "archive_sections": archive_sections(request, child),
    }
    audit_record(kind=AuditEvent.Kind.VIEW, obj=child, request=request)
    return render(request, "registry/child_detail.html", context)


REVEALABLE = {
    "id_number": "儿童身份证号码",
    "director_phone": "儿童主任联系电话",
    "adult_id_number": "身份证号码",
    "adult_phone": "联系电话",
}


def _revealed_value(child: Child, field: str, adult_pk: str) -> tuple[str, str]:
    """(what, full value) of one field of the child or of an adult linked to it; 404 otherwise."""
    if field in ("id_number", "director_phone"):
        return REVEALABLE[field], getattr(child, field)
    if field not in REVEALABLE or not adult_pk.isdigit():
        raise Http404("没有这一项。")
    link = child.links.select_related("adult").filter(adult_id=int(adult_pk)).first()
    if link is None:
        raise Http404("该成年人与这名儿童无关联。")
    value = link.adult.id_number if field == "adult_id_number" else link.adult.phone
    return f"{link.get_role_display()}{link.adult.name}的{REVEALABLE[field]}", value


@require_POST
@require_capability(Capability.VIEW_CHILDREN)
@require_capability(Capability.REVEAL_PERSONAL_DATA)
def child_reveal(request, pk: int):
    """The full value, as an htmx fragment; written to the audit trail (who, when, which record)."""
    child = get_child_for_user(request, pk)
    field, adult_pk = request.POST.get("field", ""), request.POST.get("adult", "")
    what, value = _revealed_value(child, field, adult_pk)
    audit_record(
        kind=AuditEvent.Kind.REVEAL,
        obj=child,
        request=request,
        detail={"field": field, "what": what, "adult": adult_pk},
    )
    context = {"child": child, "what": what, "value": value}
    if request.htmx:
        return render(request, "registry/_revealed.html", context)
    return render(request, "registry/revealed_page.html", context)
