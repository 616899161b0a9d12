"""Escalation (通知 二.4): findings on a visit or in an archive open referrals to the police, the
education department or civil-affairs assistance. The rules are plain functions in `rules`; this
module applies them to stored children, in bulk.

`referrals_on_archive_change` is registered in settings.ARCHIVE_CHANGE_HANDLERS: the registry calls it
inside the transaction of every archive write (survey form, visit, roster import, exit, field check).
"""

from collections.abc import Iterable, Sequence

from django.conf import settings
from django.db.models import Max

from registry.assessment import today
from registry.choices import AdultRole, RosterStatus
from registry.models import Child, ChildAdult

from ..choices import ReferralSource, ReferralStatus
from .rules import Deadlines, findings_from_archive

# Children whose archive findings are escalated: on the roster, or suspected and not yet checked.
# A child screened out (非留守) or exited is not this programme's to refer.
ESCALATED_STATUSES = (RosterStatus.ACTIVE, RosterStatus.SUSPECTED)
CHUNK = 2000  # ids per IN (…) query: SQLite's limit on parameters


def deadlines_from_settings() -> Deadlines:
    return Deadlines(
        police_hours=settings.REFERRAL_POLICE_HOURS,
        education_working_days=settings.REFERRAL_EDUCATION_WORKING_DAYS,
        assistance_working_days=settings.REFERRAL_ASSISTANCE_WORKING_DAYS,
    )


def source_from_reason(reason: str) -> str:
    """The registry passes the reason of the write ("在线录入", "花名册导入…", "走访更新", "实地核实")."""
    if "导入" in reason:
        return ReferralSource.IMPORT
    if "走访" in reason:
        return ReferralSource.VISIT
    return ReferralSource.ARCHIVE


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def children_with_incapable_guardian(child_ids: Sequence[int]) -> set[int]:
    """Children whose 监护人 has a status meaning no guardianship capacity (one query per chunk)."""
    incapable = list(settings.LEFT_BEHIND_INCAPABLE_STATUSES)
    found: set[int] = set()
    for part in chunks(child_ids):
        found.update(
            ChildAdult.objects.filter(
                child_id__in=part, role=AdultRole.GUARDIAN, adult__status__in=incapable
            ).values_list("child_id", flat=True)
        )
    return found


def _findings_of(row, *, on, guardian_incapable: bool = False) -> list[str]:
    return findings_from_archive(
        living_arrangement=row.living_arrangement,
        schooling=row.schooling,
        family_economy=row.family_economy,
        birth_date=row.birth_date,
        on=on,
        guardian_incapable=guardian_incapable,
    )


def already_handled(pairs: Sequence[tuple[Child, str]]) -> set[tuple[int, str]]:
    """(child, finding) pairs whose last referral is closed and whose archive has shown the finding
    ever since: the archive still says what was handled (a 低保 family stays 低保), so saving it again
    must not reopen it. If the archive left the state and came back (独居 → 与照护人 → 独居), it is a new
    finding. An incapable guardian lives in the adults' records: once closed, only a visit reopens it.
    Two queries, for the few children with a closed referral."""
    from ..models import Referral

    child_ids = sorted({child.pk for child, _ in pairs})
    closed: dict[tuple[int, str], object] = {}
    for part in chunks(child_ids):
        rows = (
            Referral.objects.filter(status=ReferralStatus.CLOSED, child_id__in=part, trigger__in={f for _, f in pairs})
            .values("child_id", "trigger")
            .annotate(last=Max("closed_at"))
        )
        closed.update({(row["child_id"], row["trigger"]): row["last"] for row in rows})
    if not closed:
        return set()
    since = min(closed.values())
    left: set[tuple[int, str]] = set()
    history = Child.history.filter(id__in=sorted({pk for pk, _ in closed}), history_date__gt=since)
    for row in history.only("id", "history_date", "living_arrangement", "schooling", "family_economy", "birth_date"):
        present = set(_findings_of(row, on=row.history_date.date()))
        for (child_id, trigger), closed_at in closed.items():
            if child_id == row.id and row.history_date > closed_at and trigger not in present:
                left.add((child_id, trigger))
    return set(closed) - left


def archive_findings(children: Sequence[Child]) -> list[tuple[Child, str]]:
    """(child, finding) for every escalated finding the archives show and that is not already handled."""
    candidates = [child for child in children if child.pk and child.roster_status in ESCALATED_STATUSES]
    if not candidates:
        return []
    incapable = children_with_incapable_guardian([child.pk for child in candidates])
    on = today()
    pairs = [
        (child, finding)
        for child in candidates
        for finding in _findings_of(child, on=on, guardian_incapable=child.pk in incapable)
    ]
    if not pairs:
        return []
    handled = already_handled(pairs)
    return [(child, finding) for child, finding in pairs if (child.pk, finding) not in handled]


def referrals_on_archive_change(children: Sequence[Child], *, source: str, user=None) -> list:
    """Open a referral for each finding the changed archives show (独居, 辍学, 低保/特困, guardian
    incapable), unless one for the same child and finding is still open. Bulk: a handful of queries
    whatever the number of children (a roster import passes thousands)."""
    from ..services.referrals import referrals_open

    return referrals_open(archive_findings(children), source=source_from_reason(source), user=user)
