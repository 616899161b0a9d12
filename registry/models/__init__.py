from ..national.models import ColumnMapping, NationalMatch, ReconciliationLine, ReconciliationRun  # noqa: F401
from .adults import Adult, ChildAdult
from .children import ArchiveUpdate, Child, ChildQuerySet
from .imports import ImportJob
from .regions import Region, RegionLevel, RegionQuerySet

__all__ = [
    "Adult",
    "ArchiveUpdate",
    "Child",
    "ChildAdult",
    "ChildQuerySet",
    "ImportJob",
    "Region",
    "RegionLevel",
    "RegionQuerySet",
]
