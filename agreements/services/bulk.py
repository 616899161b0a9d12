"""Agreements changed for many children at once: the archive-change hook (a roster import may pass
thousands of children) and the roster's 委托照护协议签订日期 column. A handful of queries per
2,000 children, never one per child."""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from registry.choices import AdultRole, ExitReason, ParentStatus, RosterStatus
from registry.models import Child, ChildAdult, Region

from ..models import Agreement, AgreementStatus
from . import lifecycle
from .history import history_bulk_create, history_bulk_create_for
from .lifecycle import LAPSED_REASON, default_valid_until
from .parties import carer_id_from, principal_ids_from, witness_name_for

CHUNK = 2000
CARER_CHANGED = "委托照护人变更"


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _adults_by_role(child_ids: list[int], roles: Iterable[str]) -> tuple[dict[int, dict[str, int]], set[int]]:
    """{child id: {role: adult id}} for the given roles, and the ids of adults who are away."""
    by_child: dict[int, dict[str, int]] = defaultdict(dict)
    away: set[int] = set()
    links = ChildAdult.objects.filter(child_id__in=child_ids, role__in=list(roles))
    for child_id, role, adult_id, status in links.values_list("child_id", "role", "adult_id", "adult__status"):
        by_child[child_id][role] = adult_id
        if status == ParentStatus.AWAY:
            away.add(adult_id)
    return by_child, away


# --- the archive-change hook (settings.ARCHIVE_CHANGE_HANDLERS) --------------------------------------


def _end_for_exits(rows: list[dict]) -> dict[int, str]:
    """An exited child's agreement is ended, not deleted (DOMAIN.md). One update per (reason, date)."""
    groups: dict[tuple[str, date | None], list[int]] = defaultdict(list)
    for row in rows:
        groups[(row["child__exit_reason"], row["child__exit_date"])].append(row["pk"])
    reasons: dict[int, str] = {}
    for (exit_reason, exit_date), pks in groups.items():
        label = ExitReason(exit_reason).label if exit_reason in ExitReason.values else "其他"
        text = f"儿童退出在册名单（{label}）"
        Agreement.objects.filter(pk__in=pks).update(
            status=AgreementStatus.ENDED,
            ended_on=exit_date or lifecycle.today(),
            end_reason=text,
            version=F("version") + 1,
        )
        reasons.update(dict.fromkeys(pks, text))
    return reasons


def _resign_for_carer_change(rows: list[dict], *, source: str) -> dict[int, str]:
    """A signed agreement whose carer is no longer the child's carer must be signed again (需重签)."""
    if not rows:
        return {}
    by_child, _ = _adults_by_role([row["child_id"] for row in rows], (AdultRole.CARER, AdultRole.GUARDIAN))
    pks = [row["pk"] for row in rows if carer_id_from(by_child.get(row["child_id"], {})) != row["carer_id"]]
    if not pks:
        return {}
    Agreement.objects.filter(pk__in=pks, status=AgreementStatus.SIGNED).update(
        status=AgreementStatus.TO_RESIGN, resign_reason=CARER_CHANGED, version=F("version") + 1
    )
    return dict.fromkeys(pks, f"{CARER_CHANGED}（{source}）" if source else CARER_CHANGED)


def _apply_archive_rules(child_ids: list[int], *, source: str, user) -> tuple[int, int]:
    fields = ("pk", "child_id", "status", "carer_id", "child__roster_status", "child__exit_reason", "child__exit_date")
    rows = list(Agreement.objects.filter(child_id__in=child_ids).exclude(status=AgreementStatus.ENDED).values(*fields))
    exited = [row for row in rows if row["child__roster_status"] == RosterStatus.EXITED]
    staying = [row for row in rows if row["child__roster_status"] != RosterStatus.EXITED]
    signed = [row for row in staying if row["status"] == AgreementStatus.SIGNED]
    ended = _end_for_exits(exited) if exited else {}
    resign = _resign_for_carer_change(signed, source=source)
    if ended or resign:
        history_bulk_create([*ended, *resign], user=user, reasons={**ended, **resign})
    return len(ended), len(resign)


def agreements_on_archive_change(children: Iterable[Child], *, source: str = "", user=None) -> dict[str, int]:
    """Called by registry.services.archive_changed inside its transaction with the changed children:
    a changed carer makes a signed agreement 需重签; an exit ends the agreement (已终止). A child a
    roster import has just created (`just_created`) is skipped: its only agreement was signed from its
    adults as they are now."""
    ids = sorted({child.pk for child in children if child.pk is not None and not getattr(child, "just_created", False)})
    ended = to_resign = 0
    for chunk in _chunks(ids):
        e, r = _apply_archive_rules(chunk, source=source, user=user)
        ended, to_resign = ended + e, to_resign + r
    return {"ended": ended, "to_resign": to_resign}


# --- the roster's 委托照护协议签订日期 column ----------------------------------------------------------

ROSTER_FIELDS = [
    "status",
    "principal",
    "second_principal",
    "carer",
    "witness_region",
    "witness_name",
    "signed_on",
    "valid_from",
    "valid_until",
    "scan",
    "scan_content_type",
    "scan_uploaded_at",
    "resign_reason",
    "ended_on",
    "end_reason",
    "version",
    "updated_at",
]


ROSTER_REASON = "花名册导入：委托照护协议签订日期"
CURRENT_FIELDS = ("pk", "child_id", "status", "signed_on", "version", "scan", "scan_content_type", "scan_uploaded_at")


def _is_new_signing(current: dict | None, signed_on: date) -> bool:
    """The roster names a signing we do not have yet (a re-imported file changes nothing)."""
    if current is None or current["status"] == AgreementStatus.UNSIGNED or current["signed_on"] is None:
        return True
    return signed_on > current["signed_on"]


def _roster_values(
    child, signed_on: date, *, roles: dict[str, int], away: set[int], names: dict, valid_until: date, on: date
) -> dict:
    """The agreement's fields as the roster's date and the child's links make them (`valid_until`:
    the usual period from `signed_on`; `on`: today)."""
    principals = principal_ids_from(roles, away)
    lapsed = valid_until < on
    return {
        "child_id": child.pk,
        "status": AgreementStatus.TO_RESIGN if lapsed else AgreementStatus.SIGNED,
        "principal_id": principals[0] if principals else None,
        "second_principal_id": principals[1] if len(principals) > 1 else None,
        "carer_id": carer_id_from(roles),
        "witness_region_id": child.village_id,
        "witness_name": names[child.village_id],
        "signed_on": signed_on,
        "valid_from": signed_on,
        "valid_until": valid_until,
        "resign_reason": LAPSED_REASON if lapsed else "",
    }


def _resigned(values: dict, current: dict) -> Agreement:
    """The child's agreement written over with a later signing (matched on the child)."""
    agreement = Agreement(**values, version=current["version"] + 1)
    if current["signed_on"] == values["signed_on"]:  # the same paper: its scan stays
        agreement.scan = current["scan"]
        agreement.scan_content_type, agreement.scan_uploaded_at = (
            current["scan_content_type"],
            current["scan_uploaded_at"],
        )
    return agreement


def _insert_new(rows: list[dict], *, user) -> None:
    """First agreements of children (most of a new roster): streamed in with their "+" history rows."""
    from registry.roster.inserts import insert_with_history, new_row  # the registry's bulk writer

    history_user = user if getattr(user, "is_authenticated", False) else None
    agreements = [new_row(Agreement, **values) for values in rows]
    insert_with_history(Agreement, agreements, user=history_user, reason=ROSTER_REASON, when=timezone.now())


def _write_over(agreements: list[Agreement], *, user) -> None:
    Agreement.objects.bulk_create(
        agreements, batch_size=500, update_conflicts=True, unique_fields=["child"], update_fields=ROSTER_FIELDS
    )
    saved = list(Agreement.objects.filter(child_id__in=[agreement.child_id for agreement in agreements]))
    history_bulk_create_for(saved, user=user, reason=ROSTER_REASON, created=False)


@dataclass
class NewChildren:
    """What a roster import knows of the children it has just created, so that signing their
    agreements reads nothing back: {child id: {role: adult id}}, the ids of adults who are away,
    and the villages (Region) by id."""

    roles: dict[int, dict[str, int]]
    away: set[int]
    villages: dict[int, Region]


def _sign_chunk(items: list[tuple[Child, date]], *, user, new: NewChildren | None = None) -> int:
    """Sign a chunk; `new` describes children an import has just created (no agreement yet, adults
    known): then nothing is read from the database."""
    ids = [child.pk for child, _ in items]
    existing = (
        {}
        if new
        else {row["child_id"]: row for row in Agreement.objects.filter(child_id__in=ids).values(*CURRENT_FIELDS)}
    )
    fresh = [(child, signed_on) for child, signed_on in items if _is_new_signing(existing.get(child.pk), signed_on)]
    if not fresh:
        return 0
    if new:
        roles, away, villages = new.roles, new.away, [new.villages[child.village_id] for child, _ in fresh]
    else:
        roles, away = _adults_by_role([child.pk for child, _ in fresh], AdultRole.values)
        villages = Region.objects.filter(pk__in={child.village_id for child, _ in fresh})
    names = {region.pk: witness_name_for(region) for region in villages}
    # A roster carries a few signing dates for thousands of children: each period worked out once.
    on, valid_until = lifecycle.today(), {signed_on: default_valid_until(signed_on) for _, signed_on in fresh}
    inserted, changed = [], []
    for child, signed_on in fresh:
        values = _roster_values(
            child,
            signed_on,
            roles=roles.get(child.pk, {}),
            away=away,
            names=names,
            valid_until=valid_until[signed_on],
            on=on,
        )
        current = existing.get(child.pk)
        if current is None:
            inserted.append(values)
        else:
            changed.append(_resigned(values, current))
    _insert_new(inserted, user=user)
    if changed:
        _write_over(changed, user=user)
    return len(fresh)


@transaction.atomic
def agreements_sign_from_roster(pairs: list[tuple[Child, date]], *, user) -> int:
    """Record the roster's signing dates (ROSTER.md, 委托照护协议签订日期): principal = the away parents
    (else the guardian), carer = the child's carer (else guardian), witness = the village committee,
    valid for the usual period from the date. Returns how many agreements were created or updated;
    importing the same file again changes nothing. Exited and non-left-behind children are skipped:
    they need no agreement."""
    return _sign(pairs, user=user, new=None)


def agreements_sign_new_children(pairs: list[tuple[Child, date]], *, user, new: NewChildren) -> int:
    """The same for children a roster import has just created, inside the import's transaction and
    without a query of its own (so its inserts can go out behind the import's, registry.roster.inserts)."""
    return _sign(pairs, user=user, new=new)


def _sign(pairs: list[tuple[Child, date]], *, user, new: NewChildren | None) -> int:
    on = lifecycle.today()
    latest: dict[int, tuple[Child, date]] = {}
    for child, signed_on in pairs:
        if child.pk is None or signed_on is None or signed_on > on:
            continue
        if child.roster_status in (RosterStatus.EXITED, RosterStatus.NOT_LEFT_BEHIND):
            continue
        latest[child.pk] = (child, signed_on)
    return sum(_sign_chunk([latest[pk] for pk in chunk], user=user, new=new) for chunk in _chunks(sorted(latest)))
