"""Who signs a child's agreement, read from the child's links (registry.ChildAdult).

通知 二.2 and DOMAIN.md: the away parent or parents (or, when no parent is away, the guardian)
entrust the child to the entrusted carer, witnessed by the village committee. When no separate
carer is recorded, the guardian who looks after the child is the carer.
"""

from dataclasses import dataclass, field

from registry.choices import AdultRole, ParentStatus
from registry.models import Adult, Child, ChildAdult, Region

PRINCIPAL_ROLES = (AdultRole.FATHER, AdultRole.MOTHER, AdultRole.GUARDIAN)


def carer_id_from(adult_by_role: dict[str, int]) -> int | None:
    """The carer's adult id from {role: adult id}: the carer link, else the guardian."""
    return adult_by_role.get(AdultRole.CARER) or adult_by_role.get(AdultRole.GUARDIAN)


def principal_ids_from(adult_by_role: dict[str, int], away_ids: set[int]) -> list[int]:
    """The away parents (father first); else the guardian; never the carer themself."""
    carer_id = carer_id_from(adult_by_role)
    parents = [adult_by_role.get(role) for role in (AdultRole.FATHER, AdultRole.MOTHER)]
    away = [pk for pk in parents if pk and pk in away_ids and pk != carer_id]
    if away:
        return away[:2]
    guardian = adult_by_role.get(AdultRole.GUARDIAN)
    return [guardian] if guardian and guardian != carer_id else []


def witness_name_for(village: Region) -> str:
    """The village committee as it signs: 亚光村委会 → 亚光村村民委员会, 幸福一村居委会 → 幸福一村居民委员会."""
    name = village.name
    if name.endswith("村委会"):
        return name.removesuffix("委会") + "村民委员会"
    if name.endswith("居委会"):
        return name.removesuffix("居委会") + "居民委员会"
    return name


@dataclass
class Parties:
    """The parties of a child's agreement as the archive stands now (for forms and the print)."""

    principals: list[Adult] = field(default_factory=list)
    carer: Adult | None = None
    links: dict[str, ChildAdult] = field(default_factory=dict)

    def relation_of(self, adult: Adult | None) -> str:
        """How `adult` is related to the child, in words (父亲, 外祖母 …)."""
        if adult is None:
            return ""
        for role, link in self.links.items():
            if link.adult_id == adult.pk:
                if link.relation:
                    return link.get_relation_display()
                return AdultRole(role).label
        return ""


def links_by_role(child: Child) -> dict[str, ChildAdult]:
    links = getattr(child, "_prefetched_objects_cache", {}).get("links")
    if links is None:
        links = child.links.select_related("adult")
    return {link.role: link for link in links}


def parties_of(child: Child) -> Parties:
    links = links_by_role(child)
    adult_by_role = {role: link.adult_id for role, link in links.items()}
    adults = {link.adult_id: link.adult for link in links.values()}
    away_ids = {pk for pk, adult in adults.items() if adult.status == ParentStatus.AWAY}
    carer_id = carer_id_from(adult_by_role)
    return Parties(
        principals=[adults[pk] for pk in principal_ids_from(adult_by_role, away_ids)],
        carer=adults.get(carer_id) if carer_id else None,
        links=links,
    )


def principal_candidates(child: Child) -> list[ChildAdult]:
    """The child's parents and guardian, who may sign as principal (the carer excluded)."""
    links = links_by_role(child)
    carer_id = carer_id_from({role: link.adult_id for role, link in links.items()})
    return [links[role] for role in PRINCIPAL_ROLES if role in links and links[role].adult_id != carer_id]
