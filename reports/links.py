"""Links from a figure to the list behind it. Pages of other apps are linked by URL name; a page
not installed yet gives no link (the figure still shows)."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse


def url_or_blank(name: str, *args, **params) -> str:
    try:
        base = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    return f"{base}?{query}" if query else base


def child_list(**params) -> str:
    """registry:child_list with its filters: status, missing=1, errors=1, town, village, verdict."""
    return url_or_blank("registry:child_list", **params)


def town_links(town_id: int) -> dict[str, str]:
    """The lists behind each column of a town's weekly row (the lists show today's children)."""
    return {
        "active": child_list(status="active", town=town_id),
        "unverified": child_list(status="suspected", town=town_id),
        "missing_info": child_list(status="active", missing=1, town=town_id),
        "errors": child_list(status="active", errors=1, town=town_id),
        "exits": child_list(status="exited", town=town_id),
        "updates": url_or_blank("reports:town_dashboard", town_id),
        "agreement_coverage": url_or_blank("agreements:coverage", town=town_id),
        "visit_coverage": url_or_blank("visits:my_month", town=town_id),
        "referrals_open": url_or_blank("visits:referral_list", town=town_id),
        "referrals_overdue": url_or_blank("visits:referral_list", town=town_id, overdue=1),
        "spot_check_problems": url_or_blank("reports:spotcheck_problems", town=town_id),
    }
