"""The child list (search, filters, sorting, pagination) and the list of 待核实 children."""

from django.core.paginator import Paginator
from django.shortcuts import render

from qidong_care.accounts.roles import Capability

from ..filters import ChildFilter
from ..pagination import CachedCountPaginator
from ..rules.eligibility import FLAG_LABELS
from ..selectors import children_for_list, suspected_children
from .access import query_string_without_page, require_capability

PAGE_SIZE = 25


@require_capability(Capability.VIEW_CHILDREN)
def child_list(request):
    """Filters live in the query string (`?status=active&missing=1`): home-page cards link here."""
    filterset = ChildFilter(request.GET, queryset=children_for_list(request.user), user=request.user)
    page = CachedCountPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filter": filterset,
        "page": page,
        "query_string": query_string_without_page(request),
        "filtered": any(value for key, value in request.GET.items() if key not in ("page", "sort")),
        "can_edit": request.user.can(Capability.EDIT_CHILDREN),
    }
    return render(request, "registry/child_list.html", context)


@require_capability(Capability.VIEW_CHILDREN)
def suspected_list(request):
    """待核实 children for field checks (通知 二.1: 精准排查), with why the rules could not decide."""
    page = Paginator(suspected_children(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query_string": query_string_without_page(request),
        "can_edit": request.user.can(Capability.EDIT_CHILDREN),
        "flag_labels": FLAG_LABELS,
    }
    return render(request, "registry/suspected_list.html", context)
