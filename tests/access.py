"""Access tests in one call: who gets which status on which URL (issue 8, 三权分立 and scope).

    from tests.access import ROLE_FIXTURES, assert_access, child_data_urls, users_by_role

    def test_children_pages(request, client, child):
        users = users_by_role(request)
        urls = [(reverse("registry:child_detail", args=[child.pk]), "GET")]
        assert_access(client, users=users, urls=urls, expected={"town_staff": 200, "outsider": 404, "admin_user": 403})

`expected` maps a role (a key of `users`) to a status or a set of statuses. Every mismatch is
collected and reported at once, as a table. Method "AUTO" sends GET, and POST when the view
answers 405 (state-changing views are @require_POST).
"""

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatch

from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

# The conftest fixture names, one per role (plus the outsider: town staff of another town).
ROLE_FIXTURES = (
    "town_staff",
    "outsider",
    "director",
    "bureau",
    "inspector",
    "admin_user",
    "security_admin",
    "auditor",
)
# Roles that may not read children's records at all (等保 2.0 三权分立).
NO_CHILD_DATA_ROLES = ("admin_user", "security_admin", "auditor")
# Apps whose pages show or change children's records.
CHILD_DATA_NAMESPACES = ("registry", "agreements", "visits", "reports")
# The administrator imports rosters (DOMAIN.md: 系统管理员 — users, regions, Excel roster import), so
# the import and reconciliation pages are the only child-data pages the admin role may open.
ADMIN_ROSTER_ROUTES = ("registry:import*", "registry:reconcile*")
# Denied: 403 for a role lacking the capability; 404 where the URL names a record, which is
# outside the scope of a role that sees no children at all.
DENIED = frozenset({403})
DENIED_RECORD = frozenset({403, 404})

Expected = int | Collection[int]


def users_by_role(request, names: Iterable[str] = ROLE_FIXTURES) -> dict:
    """{fixture name: user} for the role fixtures of tests/conftest.py."""
    return {name: request.getfixturevalue(name) for name in names}


def status_of(client: Client, url: str, method: str, data: Mapping | None = None) -> int:
    method = method.upper()
    if method == "AUTO":
        status = client.get(url).status_code
        return client.post(url, data or {}).status_code if status == 405 else status
    return getattr(client, method.lower())(url, data or {}).status_code


def _allowed(expected: Expected) -> frozenset[int]:
    return frozenset({expected}) if isinstance(expected, int) else frozenset(expected)


def access_mismatches(
    client: Client,
    *,
    users: Mapping[str, object],
    urls: Iterable[tuple[str, str]],
    expected: Mapping[str, Expected],
    data: Mapping | None = None,
) -> list[str]:
    """Lines "role METHOD url: got N, expected {..}" for every request that answered otherwise."""
    urls = list(urls)
    problems = []
    for role, wanted in expected.items():
        client.force_login(users[role])
        allowed = _allowed(wanted)
        for url, method in urls:
            got = status_of(client, url, method, data)
            if got not in allowed:
                problems.append(f"{role} {method} {url}: got {got}, expected {sorted(allowed)}")
    client.logout()
    return problems


def assert_access(
    client: Client,
    *,
    users: Mapping[str, object],
    urls: Iterable[tuple[str, str]],
    expected: Mapping[str, Expected],
    data: Mapping | None = None,
) -> None:
    problems = access_mismatches(client, users=users, urls=urls, expected=expected, data=data)
    assert not problems, "unexpected statuses:\n" + "\n".join(problems)


# --- walking the URLconf ------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"
    url: str
    has_arguments: bool


def _sample(converter_name: str, argument: str, values: Mapping[str, object]) -> str:
    if argument in values:
        return str(values[argument])
    return {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}.get(converter_name, "x")


def _walk(resolvers, prefix: str, namespace: str | None):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            if namespace and entry.namespace:
                inner = f"{namespace}:{entry.namespace}"
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), prefix + str(entry.pattern), entry


def routes(
    namespaces: Iterable[str],
    *,
    values: Mapping[str, object] | None = None,
    urlconf=None,
    exclude: Iterable[str] = (),
) -> list[Route]:
    """Every named URL under `namespaces` but those whose name matches a pattern of `exclude`
    (fnmatch, e.g. "registry:import*"), built with `values` for its arguments (by argument name;
    otherwise 1 for int, "x" for str). Regex routes are skipped."""
    values = values or {}
    wanted, skipped = tuple(namespaces), tuple(exclude)
    found = []
    for name, route, _pattern in _walk(get_resolver(urlconf).url_patterns, "", None):
        if name.split(":")[0] not in wanted or route.startswith("^"):
            continue
        if any(fnmatch(name, pattern) for pattern in skipped):
            continue
        url, has_arguments = "/" + route, False
        while "<" in url:
            start, end = url.index("<"), url.index(">")
            converter, _, argument = url[start + 1 : end].rpartition(":")
            url = url[:start] + _sample(converter or "str", argument, values) + url[end + 1 :]
            has_arguments = True
        found.append(Route(name, url, has_arguments))
    return found


def url_names(urlconf=None) -> list[str]:
    """The name ("namespace:name") of every named URL pattern of the project, regex routes included."""
    return [name for name, _route, _pattern in _walk(get_resolver(urlconf).url_patterns, "", None)]


def child_data_urls(
    *, values: Mapping[str, object] | None = None, urlconf=None, exclude: Iterable[str] = ()
) -> list[Route]:
    """Every page of the apps that hold children's records (see `routes` for `exclude`)."""
    return routes(CHILD_DATA_NAMESPACES, values=values, urlconf=urlconf, exclude=exclude)


def assert_refused_to(client: Client, *, users: Mapping[str, object], pages: Iterable[Route]) -> None:
    """Each user is refused each route: 403, or 403/404 where the route names a record."""
    problems = []
    for route in pages:
        expected = dict.fromkeys(users, DENIED_RECORD if route.has_arguments else DENIED)
        problems += access_mismatches(client, users=users, urls=[(route.url, "AUTO")], expected=expected)
    assert not problems, "child data reachable by a role that may not read it:\n" + "\n".join(problems)


# --- a whole table of requests, role by role ----------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One request of a table: `label` names it in the report (e.g. "registry:child_detail, 南阳镇")."""

    label: str
    url: str
    expected: frozenset[int]
    data: Mapping | None = None


def _session_ended(client: Client) -> bool:
    cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return cookie is None or not cookie.value


def probe_mismatches(
    client: Client, *, users: Mapping[str, object | None], probes: Mapping[str, list[Probe]]
) -> list[str]:
    """Send each role's probes (method "AUTO"; a user of None is anonymous), logged in once per role
    and again after a probe that logged out; "role label url: got N, expected {..}" per mismatch. A view
    that raises counts as a 500 in the report rather than stopping the table."""
    problems, raising = [], client.raise_request_exception
    client.raise_request_exception = False
    for role, role_probes in probes.items():
        user = users[role]
        client.logout()
        if user is not None:
            client.force_login(user)
        for probe in role_probes:
            got = status_of(client, probe.url, "AUTO", probe.data)
            if got not in probe.expected:
                problems.append(f"{role} {probe.label} {probe.url}: got {got}, expected {sorted(probe.expected)}")
            if user is not None and _session_ended(client):
                client.force_login(user)
    client.logout()
    client.raise_request_exception = raising
    return problems
