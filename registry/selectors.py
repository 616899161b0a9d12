"""Reads of the archive that pages and reports share. Counts group over indexed columns with
Count('*') (DESIGN.md: PostgreSQL then answers from the (town, status) indexes)."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from qidong_care.core.crypto import blind_index

from .choices import AdultRole, Health, RosterStatus
from .models import Adult, Child, ChildAdult
from .scope import in_scope


@dataclass
class StatusCounts:
    active: int = 0
    suspected: int = 0
    not_left_behind: int = 0
    exited: int = 0
    active_missing: int = 0
    active_errors: int = 0


def status_counts_by(children: QuerySet[Child], key: str | None = None) -> dict[object, StatusCounts]:
    """Counts per value of `key` (e.g. "town_id", "village_id"), or one total under None."""
    fields = ["roster_status", "has_missing", "has_errors"] + ([key] if key else [])
    rows = children.order_by().values(*fields).annotate(n=Count("*"))
    result: dict[object, StatusCounts] = defaultdict(StatusCounts)
    for row in rows:
        counts = result[row[key] if key else None]
        status, n = row["roster_status"], row["n"]
        setattr(counts, status, getattr(counts, status) + n)
        if status == RosterStatus.ACTIVE:
            counts.active_missing += n if row["has_missing"] else 0
            counts.active_errors += n if row["has_errors"] else 0
    return result


def status_counts(children: QuerySet[Child]) -> StatusCounts:
    return status_counts_by(children).get(None) or StatusCounts()


# --- lists -----------------------------------------------------------------------------------------

LIST_COLUMNS = (
    "name",
    "id_number_masked",
    "gender",
    "birth_date",
    "village__name",
    "village__code",
    "town__name",
    "verdict",
    "roster_status",
    "has_missing",
    "has_errors",
    "likely_duplicate",
    "updated_at",
    "version",
)


def children_for_list(user) -> QuerySet[Child]:
    """The children a user may see, with only the columns a list shows (no decryption per row)."""
    return Child.objects.visible_to(user).select_related("village", "town").only(*LIST_COLUMNS)


def suspected_children(user) -> QuerySet[Child]:
    """待核实 children awaiting a field check (通知 二.1), oldest first, with their reasons."""
    columns = (*LIST_COLUMNS, "verdict_reasons", "created_at")
    children = Child.objects.visible_to(user).filter(roster_status=RosterStatus.SUSPECTED)
    return children.select_related("village", "town").only(*columns).order_by("created_at", "pk")


# --- the archive page ------------------------------------------------------------------------------


PARENT_ROLES = (AdultRole.FATHER, AdultRole.MOTHER)


@dataclass
class LinkedChild:
    pk: int
    name: str


@dataclass
class AdultOnArchive:
    """One adult of the archive, with every role they play for this child and their other children."""

    adult: Adult
    roles: list[ChildAdult] = field(default_factory=list)
    others: list[LinkedChild] = field(default_factory=list)
    others_out_of_scope: int = 0

    @property
    def role_labels(self) -> list[str]:
        return [link.get_role_display() for link in self.roles]

    @property
    def relation_labels(self) -> list[str]:
        """与儿童关系 of a guardian or carer (a parent's relation goes without saying), once each."""
        labels = [link.get_relation_display() for link in self.roles if link.role not in PARENT_ROLES]
        return list(dict.fromkeys(label for label in labels if label))

    @property
    def health_label(self) -> str:
        return str(dict(Health.choices).get(self.adult.health, self.adult.health))


def adults_on_archive(user, child: Child) -> list[AdultOnArchive]:
    """The child's adults in the order father, mother, guardian, carer; one adult linked in two
    roles appears once. Two queries whatever the number of adults and siblings."""
    order = {role: index for index, role in enumerate(AdultRole.values)}
    links = sorted(child.links.select_related("adult"), key=lambda link: order.get(link.role, 99))
    by_adult: dict[int, AdultOnArchive] = {}
    for link in links:
        by_adult.setdefault(link.adult_id, AdultOnArchive(link.adult)).roles.append(link)
    others = (
        ChildAdult.objects.filter(adult_id__in=by_adult)
        .exclude(child_id=child.pk)
        .order_by("child__name", "child_id")
        .values("adult_id", "child_id", "child__name", "child__town_id", "child__village_id")
    )
    seen: set[tuple[int, int]] = set()
    for row in others:
        if (row["adult_id"], row["child_id"]) in seen:  # a guardian who is also the carer: one child
            continue
        seen.add((row["adult_id"], row["child_id"]))
        entry = by_adult[row["adult_id"]]
        if in_scope(user, town_id=row["child__town_id"], village_id=row["child__village_id"]):
            entry.others.append(LinkedChild(row["child_id"], row["child__name"]))
        else:
            entry.others_out_of_scope += 1
    return list(by_adult.values())


def likely_duplicates_of(user, child: Child) -> list[LinkedChild]:
    """Other children with the same name, birth date and village (another ID number), in scope."""
    if not child.likely_duplicate:
        return []
    others = Child.objects.visible_to(user).filter(
        name=child.name, birth_date=child.birth_date, village_id=child.village_id
    )
    return [LinkedChild(pk, name) for pk, name in others.exclude(pk=child.pk).values_list("pk", "name")]


# --- adults by ID number (survey entry) ------------------------------------------------------------


def adult_by_id_number(number: str) -> Adult | None:
    """The adult already on file with this (normalised) ID number, with `children_count`."""
    if not number:
        return None
    found = Adult.objects.filter(id_number_hash=blind_index(number))
    return found.annotate(children_count=Count("links__child", distinct=True)).first()
