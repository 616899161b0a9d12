"""Reads of agreement coverage (通知 二.2: 委托照护协议签订 … 全覆盖) for pages, reports and the home page.

Needing an agreement = on the roster (roster_status active). Each such child is in one state on a date:
  valid      — signed, and the date lies within its validity;
  to_resign  — 需重签 (carer changed, marked by staff) or signed but lapsed (the nightly job may not
               have run yet: the figures never depend on it);
  unsigned   — everything else: no agreement, 未签订, or ended.
Counts are one grouped query with Count('*') over (group, state); no Python loops over children.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When

from registry.choices import RosterStatus
from registry.models import Child

from .models import AgreementStatus


class AgreementState:
    VALID = "valid"
    TO_RESIGN = "to_resign"
    UNSIGNED = "unsigned"
    LABELS = {VALID: "已签订（有效）", TO_RESIGN: "需重签", UNSIGNED: "未签订"}


@dataclass(frozen=True)
class AgreementCoverage:
    needing: int = 0
    signed_valid: int = 0
    to_resign: int = 0

    @property
    def ratio(self) -> float:
        """Coverage: children with a valid signed agreement ÷ children needing one (goal 1.0)."""
        return self.signed_valid / self.needing if self.needing else 1.0

    @property
    def unsigned(self) -> int:
        return self.needing - self.signed_valid - self.to_resign

    @property
    def missing(self) -> int:
        """Children without a valid agreement: the to-do (unsigned + to re-sign)."""
        return self.needing - self.signed_valid

    @property
    def percent(self) -> str:
        return f"{self.ratio * 100:.1f}%"

    def __add__(self, other: "AgreementCoverage") -> "AgreementCoverage":
        return AgreementCoverage(
            self.needing + other.needing, self.signed_valid + other.signed_valid, self.to_resign + other.to_resign
        )


def valid_q(on: date) -> Q:
    return Q(agreement__status=AgreementStatus.SIGNED, agreement__valid_from__lte=on, agreement__valid_until__gte=on)


def to_resign_q(on: date) -> Q:
    return Q(agreement__status=AgreementStatus.TO_RESIGN) | Q(
        agreement__status=AgreementStatus.SIGNED, agreement__valid_until__lt=on
    )


def state_expression(on: date) -> Case:
    return Case(
        When(valid_q(on), then=Value(AgreementState.VALID)),
        When(to_resign_q(on), then=Value(AgreementState.TO_RESIGN)),
        default=Value(AgreementState.UNSIGNED),
        output_field=CharField(),
    )


def with_agreement_state(children: QuerySet[Child], *, on: date) -> QuerySet[Child]:
    """Children needing an agreement, each annotated with `agreement_state` on `on`."""
    return children.filter(roster_status=RosterStatus.ACTIVE).annotate(agreement_state=state_expression(on))


def agreement_coverage_by(children: QuerySet[Child], key: str | None, *, on: date) -> dict:
    """{value of `key` (e.g. "town_id", "village_id"), or None: AgreementCoverage} in one query."""
    fields = ["agreement_state", *([key] if key else [])]
    rows = with_agreement_state(children.order_by(), on=on).values(*fields).annotate(n=Count("*"))
    counts: dict = {}
    for row in rows:
        group, state, n = (row[key] if key else None), row["agreement_state"], row["n"]
        add = AgreementCoverage(
            needing=n,
            signed_valid=n if state == AgreementState.VALID else 0,
            to_resign=n if state == AgreementState.TO_RESIGN else 0,
        )
        counts[group] = counts.get(group, AgreementCoverage()) + add
    return counts


def agreement_coverage_by_town(*, on: date) -> dict[int, AgreementCoverage]:
    """{town region id: AgreementCoverage} over the whole county (towns with nobody needing one absent)."""
    return agreement_coverage_by(Child.objects.all(), "town_id", on=on)


def agreement_coverage_by_village(children: QuerySet[Child], *, on: date) -> dict[int, AgreementCoverage]:
    return agreement_coverage_by(children, "village_id", on=on)


def agreement_coverage_for(children: QuerySet[Child], *, on: date) -> AgreementCoverage:
    """The coverage of any scoped set of children (a user's scope, a town, one village)."""
    return agreement_coverage_by(children, None, on=on).get(None, AgreementCoverage())


def children_without_valid_agreement(children: QuerySet[Child], *, on: date) -> QuerySet[Child]:
    """Children on the roster with no valid signed agreement on `on` (to sign or to re-sign)."""
    return with_agreement_state(children, on=on).exclude(agreement_state=AgreementState.VALID)


def children_in_state(children: QuerySet[Child], state: str, *, on: date) -> QuerySet[Child]:
    """Children needing an agreement in one state; "" = all of them, "missing" = without a valid one."""
    annotated = with_agreement_state(children, on=on)
    if state == "missing":
        return annotated.exclude(agreement_state=AgreementState.VALID)
    if state in AgreementState.LABELS:
        return annotated.filter(agreement_state=state)
    return annotated


def agreement_todo_count(user, *, on: date) -> int:
    """Children in the user's scope who need an agreement signed or re-signed (home page, reports)."""
    return children_without_valid_agreement(Child.objects.visible_to(user), on=on).count()
