"""What each role sees first: counts in their scope, each linking to the list behind it."""

from urllib.parse import urlencode

from django.urls import reverse

from qidong_care.accounts.roles import Capability
from registry.models import Child
from registry.selectors import status_counts


def _child_list(**params) -> str:
    """The child list filtered as the card says (the filters live in its query string)."""
    return f"{reverse('registry:child_list')}?{urlencode(params)}"


def scope_counts(user) -> list[dict]:
    figures = status_counts(Child.objects.visible_to(user))
    return [
        {"label": "在册留守儿童", "value": figures.active, "url": _child_list(status="active")},
        {"label": "待核实", "value": figures.suspected, "url": _child_list(status="suspected")},
        {"label": "信息缺失", "value": figures.active_missing, "url": _child_list(status="active", missing="1")},
        {"label": "信息错误", "value": figures.active_errors, "url": _child_list(status="active", errors="1")},
    ]


def home_context(user) -> dict:
    context: dict = {"cards": [], "regions": list(user.regions.order_by("code"))}
    if user.can(Capability.VIEW_CHILDREN):
        context["cards"] = scope_counts(user)
    return context
