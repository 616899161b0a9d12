"""The project's URLs, plus stand-ins for list pages other engineers are building right now
(registry:child_list, agreements:coverage, visits:…), so that the links behind every figure can be
tested. A stand-in is only added while the real page is missing."""

from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from qidong_care.urls import urlpatterns as project_patterns

PAGES = {
    "registry": ["child_list"],
    "agreements": ["coverage"],
    "visits": ["my_month", "referral_list"],
}


def _stand_in(request):
    return HttpResponse("stand-in list")


def _missing(namespace: str) -> bool:
    for name in PAGES[namespace]:
        try:
            reverse(f"{namespace}:{name}", urlconf="qidong_care.urls")
        except NoReverseMatch:
            return True
    return False


def _patterns():
    patterns = list(project_patterns)
    for namespace, names in PAGES.items():
        if not _missing(namespace):
            continue
        patterns = [p for p in patterns if getattr(p, "namespace", None) != namespace]
        stand_ins = [path(f"{name}/", _stand_in, name=name) for name in names]
        patterns.append(path(f"stand-in/{namespace}/", include((stand_ins, namespace))))
    return patterns


urlpatterns = _patterns()
