"""Every URL of the project × every role (issue 8.4): who gets which status, for records inside and
outside the role's scope, from one table.

The table has one row per URL name. It must name every URL the project has: a new page fails
`test_every_url_answers_every_role_as_the_table_says` until someone decides here who may open it.

Columns: anonymous, then the roles of tests/access.py ROLE_FIXTURES. A cell is a status for every
record, or "in/out": the status for a record in the role's scope, then for one outside it. The records
are tests/security/world.py's: 汇龙镇 (亚光村, the director's village) and 南阳镇. For the town staff
(汇龙镇) and the director "in" is 汇龙镇's record, for the outsider (南阳镇 staff) it is 南阳镇's; the
bureau and the inspector see the whole county (both records are requested: one status covers both);
the three administrators see no child at all (one record is requested).

Statuses: 200 page; 302 redirect (anonymous → login; a form posted empty; nothing to print);
400 a form posted empty that re-renders as invalid; 403 the role lacks the capability (通知 and
等保 三权分立: roles.py), checked first, so that every refusal is audited as 越权访问; 404 a record
outside the role's scope (another town's child, someone else's import job or notification).
Views that only take POST are sent a GET (405) and then an empty POST, or the data below.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from registry.models import Region
from tests.access import ROLE_FIXTURES, Probe, probe_mismatches, url_names, users_by_role

from .world import World, build_world

COLUMNS = ("anonymous", *ROLE_FIXTURES)
# anonymous, town_staff, outsider, director, bureau, inspector, admin_user, security_admin, auditor


@dataclass(frozen=True)
class Row:
    argument: str  # the record in the URL (see `arguments`), "?name" for one in the query string, or ""
    cells: tuple  # one per COLUMNS


def row(argument: str, *cells) -> Row:
    assert len(cells) == len(COLUMNS), argument
    return Row(argument, cells)


S = "200/404"  # a page of a record: 200 in the role's scope, 404 outside it
SR = "302/404"  # a form posted empty (or nothing to do): back with a message in scope, 404 outside
SB = "400/404"  # a form posted empty that re-renders with errors in scope, 404 outside
X = 403
ADMIN_ONLY = (302, X, X, X, X, X, 200, X, X)  # the administrator's pages (系统管理)
NOBODY = (302, X, X, X, X, X, X, X, X)  # open to no role (e.g. deleting through the admin)
READERS = (302, 200, 200, 200, 200, 200, X, X, X)  # the roles that read children's records
EDITORS = (302, 200, 200, 200, X, X, X, X, X)  # ... and write them (not the bureau or inspector)
REPORTS = (302, 200, 200, X, 200, 200, X, X, X)  # Capability.VIEW_REPORTS
COUNTY = (302, X, X, X, 200, 200, X, X, X)  # the county-wide weekly report
IMPORTERS = (302, 200, 200, X, X, X, 200, X, X)  # Capability.IMPORT_ROSTER
TOWN_STAFF = (302, 200, 200, X, X, X, X, X, X)  # the town staff only (their towns' activities)
EVERYONE = (302, 200, 200, 200, 200, 200, 200, 200, 200)  # any logged-in user
LOGGED_IN_302 = (302, 302, 302, 302, 302, 302, 302, 302, 302)


def admin_model(prefix: str, *, changelist: int, add: int, change: int, delete: int = X) -> dict[str, Row]:
    """The five rows of a model registered in the admin: the administrator's statuses (others 403).
    The object pages take the model's record (ARGUMENTS key: the model's admin name)."""
    record = prefix.removeprefix("admin:")

    def admin(argument: str, status: int) -> Row:
        return row(argument, 302, X, X, X, X, X, status, X, X)

    return {
        f"{prefix}_changelist": admin("", changelist),
        f"{prefix}_add": admin("", add),
        f"{prefix}_history": admin(record, change),
        f"{prefix}_delete": admin(record, delete),
        f"{prefix}_change": admin(record, change),
    }


TABLE: dict[str, Row] = {
    # name: row(argument, anonymous, town_staff, outsider, director, bureau, inspector, admin_user, security, auditor)
    "home": row("", *EVERYONE),
    "healthz": row("", 200, 200, 200, 200, 200, 200, 200, 200, 200),
    "login": row("", 200, 302, 302, 302, 302, 302, 302, 302, 302),
    "logout": row("", *LOGGED_IN_302),
    "password_change": row("", *EVERYONE),
    "password_change_done": row("", *EVERYONE),
    # 安全管理员 (三权分立): unlock and reset, nothing else; an empty unlock goes back with a message.
    "accounts:lockouts": row("", 302, X, X, X, X, X, X, 200, X),
    "accounts:unlock": row("", 302, X, X, X, X, X, X, 302, X),
    "accounts:password_reset": row("", 302, X, X, X, X, X, X, 400, X),
    # --- the Django admin: the administrator's, and no child model in it for anybody ---------------
    "admin:index": row("", *ADMIN_ONLY),
    "admin:login": row("", 302, X, X, X, X, X, 302, X, X),
    "admin:logout": row("", 302, X, X, X, X, X, 302, X, X),
    "admin:password_change": row("", *ADMIN_ONLY),
    "admin:password_change_done": row("", *ADMIN_ONLY),
    "admin:autocomplete": row("", *NOBODY),
    "admin:jsi18n": row("", *ADMIN_ONLY),
    "admin:view_on_site": row("view_on_site", 302, X, X, X, X, X, 404, X, X),
    "admin:app_list": row("app_label", *ADMIN_ONLY),
    **admin_model("admin:auth_group", changelist=X, add=X, change=X),
    **admin_model("admin:axes_accessattempt", changelist=X, add=X, change=X),
    **admin_model("admin:axes_accesslog", changelist=X, add=X, change=X),
    **admin_model("admin:axes_accessfailurelog", changelist=X, add=X, change=X),
    **admin_model("admin:django_celery_results_taskresult", changelist=X, add=X, change=X),
    **admin_model("admin:django_celery_results_groupresult", changelist=X, add=X, change=X),
    **admin_model("admin:registry_region", changelist=200, add=200, change=200),
    "admin:registry_region_process_import": row("", 302, X, X, X, X, X, 200, X, X),
    "admin:registry_region_import": row("", *ADMIN_ONLY),
    "admin:registry_region_export": row("", *ADMIN_ONLY),
    "admin:registry_region_simple_history": row("region_version", *ADMIN_ONLY),
    **admin_model("admin:accounts_user", changelist=200, add=200, change=200),
    "admin:accounts_user_process_import": row("", 302, X, X, X, X, X, 200, X, X),
    "admin:accounts_user_import": row("", *ADMIN_ONLY),
    "admin:accounts_user_export": row("", *ADMIN_ONLY),
    "admin:auth_user_password_change": row("user_pk", *NOBODY),  # resets belong to the security admin
    # Children's records are not in the administrator's admin (三权分立): every page 403.
    **admin_model("admin:agreements_agreement", changelist=X, add=X, change=X),
    "admin:agreements_agreement_simple_history": row("agreement_version", *NOBODY),
    **admin_model("admin:visits_visit", changelist=X, add=X, change=X),
    **admin_model("admin:visits_referral", changelist=X, add=X, change=X),
    **admin_model("admin:visits_activity", changelist=X, add=X, change=X),
    # --- registry: lists, the archive, survey entry, field checks, exits, reveals -----------------
    "registry:child_list": row("", *READERS),
    "registry:suspected_list": row("", *READERS),
    "registry:child_create": row("", *EDITORS),
    "registry:adult_lookup": row("", *EDITORS),
    "registry:child_detail": row("child", 302, S, S, S, 200, 200, X, X, X),
    "registry:child_edit": row("child", 302, S, S, S, X, X, X, X, X),
    "registry:child_field_check": row("child", 302, SR, SR, SR, X, X, X, X, X),  # on the roster: nothing to check
    "registry:child_exit": row("child", 302, S, S, S, X, X, X, X, X),
    # The inspector reads archives but may not reveal full numbers.
    "registry:child_reveal": row("child", 302, S, S, S, 200, X, X, X, X),
    # Roster import: one's own jobs only (the outsider's job is 404 to the 汇龙镇 staff and back).
    "registry:import_start": row("", *IMPORTERS),
    "registry:import_template": row("", *IMPORTERS),
    "registry:roster_export": row("?town", 302, S, S, X, 200, X, X, X, X),  # one town's roster
    "registry:import_detail": row("import_job", 302, S, S, X, X, X, 404, X, X),
    "registry:import_progress": row("import_job", 302, S, S, X, X, X, 404, X, X),
    "registry:import_confirm": row("import_job", 302, SR, SR, X, X, X, 404, X, X),  # already imported
    "registry:import_report": row("import_job", 302, S, S, X, X, X, 404, X, X),
    # Reconciliation with the national system: runs by town, lines by town.
    "registry:reconcile_list": row("", 302, 200, 200, X, 200, 200, 200, X, X),
    "registry:reconcile_run": row("", *IMPORTERS),
    "registry:reconcile_report": row("run", 302, S, S, X, 200, 200, 200, X, X),
    "registry:reconcile_export": row("run", 302, S, S, X, 200, X, X, X, X),
    "registry:reconcile_line": row("line", 302, S, S, X, 200, 200, X, X, X),
    "registry:reconcile_confirm": row("line", 302, SR, SR, X, X, X, X, X, X),
    "registry:reconcile_reject": row("line", 302, SR, SR, X, X, X, X, X, X),
    "registry:reconcile_mapping_list": row("", *IMPORTERS),
    "registry:reconcile_mapping_new": row("", *IMPORTERS),
    "registry:reconcile_mapping_edit": row("mapping", *IMPORTERS),
    # --- agreements -----------------------------------------------------------------------------
    "agreements:coverage": row("", *READERS),
    "agreements:list": row("", *READERS),
    "agreements:list_export": row("", 302, 200, 200, X, 200, X, X, X, X),
    "agreements:print_village": row("village", 302, SR, SR, SR, X, X, X, X, X),  # every agreement valid
    "agreements:child_agreement": row("child", 302, S, S, S, 200, 200, X, X, X),
    "agreements:sign": row("child", 302, S, S, S, X, X, X, X, X),
    "agreements:upload_scan": row("child", 302, S, S, S, X, X, X, X, X),
    "agreements:scan": row("child", 302, S, S, S, 200, 200, X, X, X),
    "agreements:scan_version": row("scan_version", 302, S, S, S, 200, 200, X, X, X),
    "agreements:mark_resign": row("child", 302, S, S, S, X, X, X, X, X),
    "agreements:end": row("child", 302, S, S, S, X, X, X, X, X),
    "agreements:print": row("child", 302, S, S, S, X, X, X, X, X),
    # --- notifications: one's own --------------------------------------------------------------
    "notifications:list": row("", *EVERYONE),
    "notifications:open": row("notification", 302, SR, SR, 404, 404, 404, 404, 404, 404),
    "notifications:read_all": row("", *LOGGED_IN_302),
    # --- the administrator's job list, the auditor's audit log ----------------------------------
    "core:job_list": row("", *ADMIN_ONLY),
    "audit:event_list": row("", 302, X, X, X, X, X, X, X, 200),
    "audit:event_export": row("", 302, X, X, X, X, X, X, X, 200),
    # --- visits, referrals, activities ----------------------------------------------------------
    "visits:my_month": row("", *READERS),
    "visits:child_visits": row("child", 302, S, S, S, 200, 200, X, X, X),
    "visits:visit_create": row("child", 302, S, S, S, X, X, X, X, X),
    "visits:visit_detail": row("visit", 302, S, S, S, 200, 200, X, X, X),
    "visits:photo": row("photo", 302, S, S, S, 200, 200, X, X, X),
    "visits:coverage": row("", *READERS),
    "visits:month_grid": row("?village", 302, S, S, S, 200, 200, X, X, X),  # one village's year
    # Referrals carry violence and guardianship findings: not the inspector (no restricted data).
    "visits:referral_list": row("", 302, 200, 200, 200, 200, X, X, X, X),
    "visits:referral_detail": row("referral", 302, S, S, S, 200, X, X, X, X),
    "visits:referral_transition": row("referral", 302, SB, SB, SB, X, X, X, X, X),
    "visits:referral_parents": row("referral", 302, SB, SB, SB, X, X, X, X, X),
    "visits:referral_report_pdf": row("referral", 302, S, S, S, 200, X, X, X, X),
    "visits:activity_list": row("", *READERS),
    "visits:activity_create": row("", *TOWN_STAFF),
    "visits:activity_child_search": row("", *TOWN_STAFF),
    "visits:activity_detail": row("activity", 302, S, S, S, 200, 200, X, X, X),
    "visits:activity_edit": row("activity", 302, S, S, "403/404", X, X, X, X, X),
    # --- reports: dashboards, the weekly report, campaigns, spot checks -------------------------
    "reports:dashboard": row("", *REPORTS),
    "reports:town_dashboard": row("town", 302, S, S, X, 200, 200, X, X, X),
    "reports:weekly_list": row("", *COUNTY),
    "reports:weekly_detail": row("week", *COUNTY),
    "reports:weekly_export": row("week", *COUNTY),
    "reports:weekly_circular": row("week", *COUNTY),
    "reports:campaign_list": row("", *REPORTS),
    "reports:campaign_create": row("", 302, X, X, X, 200, X, X, X, X),
    "reports:campaign_detail": row("campaign", *REPORTS),
    "reports:campaign_edit": row("campaign", 302, X, X, X, 200, X, X, X, X),
    "reports:spotcheck_list": row("", 302, X, X, X, X, 200, X, X, X),
    "reports:spotcheck_problems": row("", *READERS),
    "reports:spotcheck_mark": row("spot_check", 302, X, X, X, X, 302, X, X, X),
    "reports:spotcheck_resolve": row("spot_check", 302, SR, SR, SR, X, X, X, X, X),
}

# Query strings and POST data that make a request meaningful (an empty one would be a 404 or 400
# for reasons that have nothing to do with access).
QUERY = {"registry:adult_lookup": "?role=father"}
POST_DATA = {"registry:child_reveal": {"field": "id_number"}}

TOWN_RECORDS = ("child", "village", "town", "visit", "photo", "referral", "activity", "import_job")
TOWN_RECORDS += ("run", "line", "spot_check", "notification")


def arguments(world: World, argument: str, town: str) -> list:
    """The URL arguments of `argument` for the records of `town` ("huilong" or "nanyang")."""
    records = world.town[town]
    if argument in TOWN_RECORDS:
        return [getattr(records, argument).pk]
    huilong = world.town["huilong"]
    region = Region.objects.get(pk=huilong.town.pk)
    return {
        "scan_version": lambda: [records.child.pk, records.scan_history_id],
        "week": lambda: [world.week],
        "campaign": lambda: [world.campaign.pk],
        "mapping": lambda: [world.mapping.pk],
        "user_pk": lambda: [huilong.import_job.user_id],
        "app_label": lambda: ["accounts"],
        "view_on_site": lambda: [ContentType.objects.get_for_model(Region).pk, region.pk],
        "region_version": lambda: [region.pk, region.history.latest("history_id").history_id],
        "agreement_version": lambda: [huilong.agreement.pk, huilong.agreement.history.first().history_id],
        "auth_group": lambda: [world.group.pk],
        "axes_accessattempt": lambda: [world.attempt.pk],
        "axes_accesslog": lambda: [world.access_log.pk],
        "axes_accessfailurelog": lambda: [world.failure_log.pk],
        "django_celery_results_taskresult": lambda: [world.task_result.pk],
        "django_celery_results_groupresult": lambda: [world.group_result.pk],
        "registry_region": lambda: [region.pk],
        "accounts_user": lambda: [huilong.import_job.user_id],
        "agreements_agreement": lambda: [huilong.agreement.pk],
        "visits_visit": lambda: [huilong.visit.pk],
        "visits_referral": lambda: [huilong.referral.pk],
        "visits_activity": lambda: [huilong.activity.pk],
    }[argument]()


# The town whose records are "in" the role's scope (the other town's are "out").
HOME_TOWN = {"outsider": "nanyang"}
SCOPED_ROLES = ("town_staff", "outsider", "director")
# Roles sent both towns' records: the scoped ones, and the county-wide ones (who must see both).
BOTH_TOWNS_ROLES = (*SCOPED_ROLES, "bureau", "inspector")


def expected_by_town(role: str, cell) -> dict[str, int]:
    """{town: status} for one cell: "in/out" splits by the role's home town; a number is for both."""
    if isinstance(cell, int):
        return {"huilong": cell, "nanyang": cell}
    assert role in SCOPED_ROLES, f"{role} sees the whole county or no child: one status, not {cell}"
    inside, outside = (int(part) for part in cell.split("/"))
    home = HOME_TOWN.get(role, "huilong")
    return {town: inside if town == home else outside for town in ("huilong", "nanyang")}


def probes_for(world: World, role: str) -> list[Probe]:
    probes = []
    for name, spec in TABLE.items():
        by_town = expected_by_town(role, spec.cells[COLUMNS.index(role)])
        record = spec.argument.removeprefix("?")
        per_town = record in (*TOWN_RECORDS, "scan_version") and role in BOTH_TOWNS_ROLES
        towns = ("huilong", "nanyang") if per_town else ("huilong",)
        for town in towns:
            args = arguments(world, record, town) if record else []
            if spec.argument.startswith("?"):  # the record goes in the query string: ?village=<pk>
                url = f"{reverse(name)}{spec.argument}={args[0]}"
            else:
                url = reverse(name, args=args) + QUERY.get(name, "")
            label = f"{name} ({town})" if len(towns) > 1 else name
            probes.append(Probe(label, url, frozenset({by_town[town]}), POST_DATA.get(name)))
    return probes


def table_mismatches() -> list[str]:
    names, rows = set(url_names()), set(TABLE)
    missing = [f"{name}: no row in TABLE (decide who may open it)" for name in sorted(names - rows)]
    return missing + [f"{name}: a row for a URL that no longer exists" for name in sorted(rows - names)]


def stub_pdf_rendering(monkeypatch) -> None:
    """Access is decided before a document is drawn; WeasyPrint takes about half a second a document,
    and the documents have their own tests (tests/agreements, tests/visits, tests/reports)."""
    pdf = b"%PDF-1.7 stub"
    monkeypatch.setattr("agreements.views.printing.render_agreements_pdf", lambda *args, **kwargs: pdf)
    monkeypatch.setattr("visits.views.referrals.education_report_pdf", lambda *args, **kwargs: pdf)
    monkeypatch.setattr("reports.views.weekly.weekly_circular_pdf", lambda *args, **kwargs: pdf)


def test_every_url_answers_every_role_as_the_table_says(db, request, client, settings, tmp_path, monkeypatch):
    assert not table_mismatches(), "\n".join(table_mismatches())
    settings.MEDIA_ROOT = tmp_path / "media"
    stub_pdf_rendering(monkeypatch)
    users = {"anonymous": None, **users_by_role(request)}
    world = build_world(town_staff=users["town_staff"], outsider=users["outsider"])
    probes = {role: probes_for(world, role) for role in COLUMNS}
    problems = probe_mismatches(client, users=users, probes=probes)
    assert not problems, f"{len(problems)} requests answered otherwise than the table says:\n" + "\n".join(problems)
