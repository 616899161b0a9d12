"""Loading the county's real divisions (统计用区划代码) from registry/data/, idempotently."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from .models import Region, RegionLevel

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTY_CODE = "320681"
COUNTY_NAME = "启东市"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _rows(filename: str) -> list[dict[str, str]]:
    with open(DATA_DIR / filename, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _upsert(code: str, name: str, level: str, parent: Region | None, result: LoadResult) -> Region:
    region = Region.objects.filter(code=code).first()
    if region is None:
        result.created += 1
        region = Region(code=code, name=name, level=level, parent=parent)
        region._change_reason = "导入统计用区划代码"
        region.save()
        return region
    # An administrator's rename or retirement stands: only structure is repaired.
    if region.level != level or region.parent_id != (parent.pk if parent else None):
        region.level, region.parent = level, parent
        region._change_reason = "导入统计用区划代码"
        region.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return region


@transaction.atomic
def regions_load(*, data_dir: Path = DATA_DIR) -> LoadResult:
    """启东市 (county), its 9 towns and 9 parks (level town), and its 339 villages (level village)."""
    result = LoadResult()
    county = _upsert(COUNTY_CODE, COUNTY_NAME, RegionLevel.COUNTY, None, result)
    towns = {}
    for row in _rows("nantong-streets.csv"):
        if row["areaCode"] == COUNTY_CODE:
            towns[row["code"]] = _upsert(row["code"], row["name"], RegionLevel.TOWN, county, result)
    for row in _rows("qidong-villages.csv"):
        _upsert(row["code"], row["name"], RegionLevel.VILLAGE, towns[row["streetCode"]], result)
    return result
