"""Finding the columns of a national-system export: the built-in mapping of the 2016 form (header
names and their synonyms), or a mapping an administrator saved once for another layout."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from .form import FIELDS_BY_KEY, NATIONAL_FIELDS, REQUIRED_KEYS, builtin_columns, header_key
from .models import ColumnMapping
from .rows import NationalRow, national_row

BUILTIN_NAME = "内置：2016年农村留守儿童基本情况登记表"
HEADER_SCAN_ROWS = 10  # title rows above the header are common in exports
# The session keeps the header row of the last upload no mapping fitted, for the mapping editor.
HEADERS_SESSION_KEY = "national_headers"


@dataclass
class AppliedMapping:
    name: str
    header_index: int  # 0-based index of the header row in the sheet
    columns: dict[str, int]  # field key → 0-based column index
    mapping: ColumnMapping | None = None
    headers: list[str] = field(default_factory=list)

    @property
    def missing_required(self) -> list[str]:
        return [key for key in REQUIRED_KEYS if key not in self.columns]

    @property
    def complete(self) -> bool:
        return not self.missing_required


def _texts(row: Sequence[object]) -> list[str]:
    return ["" if cell is None else str(cell) for cell in row]


def saved_columns(mapping: ColumnMapping, headers: Sequence[str]) -> dict[str, int]:
    """The saved mapping applied to a header row: each field's header found by its normalised text."""
    positions: dict[str, int] = {}
    for index, text in enumerate(headers):
        positions.setdefault(header_key(text), index)
    found = {}
    for key, header in mapping.columns.items():
        index = positions.get(header_key(header))
        if key in FIELDS_BY_KEY and index is not None:
            found[key] = index
    return found


def _best_row(sheet: Sequence[Sequence[object]], columns_of) -> tuple[int, dict[str, int]]:
    best_index, best = 0, {}
    for index, row in enumerate(sheet[:HEADER_SCAN_ROWS]):
        columns = columns_of(_texts(row))
        if len(columns) > len(best):
            best_index, best = index, columns
    return best_index, best


def candidates(sheet: Sequence[Sequence[object]], saved: Iterable[ColumnMapping]) -> list[AppliedMapping]:
    """Every mapping applied at its best header row: saved ones (most recently used first), then the built-in."""
    found = []
    for mapping in saved:
        index, columns = _best_row(sheet, lambda headers, m=mapping: saved_columns(m, headers))
        found.append(AppliedMapping(mapping.name, index, columns, mapping=mapping))
    index, columns = _best_row(sheet, builtin_columns)
    found.append(AppliedMapping(BUILTIN_NAME, index, columns))
    for applied in found:
        applied.headers = _texts(sheet[applied.header_index]) if sheet else []
    return found


def choose_mapping(sheet: Sequence[Sequence[object]], saved: Iterable[ColumnMapping]) -> AppliedMapping | None:
    """The complete mapping that finds the most columns (a saved one wins a tie), or None."""
    complete = [applied for applied in candidates(sheet, saved) if applied.complete]
    if not complete:
        return None
    return max(complete, key=lambda applied: len(applied.columns))  # max keeps the first of equals


def likely_headers(sheet: Sequence[Sequence[object]]) -> list[str]:
    """The header row of a file no mapping fits: the row among the first few with the most text cells."""
    rows = [_texts(row) for row in sheet[:HEADER_SCAN_ROWS]]
    if not rows:
        return []
    best = max(rows, key=lambda row: sum(1 for text in row if text.strip()))
    return [text.strip() for text in best if text.strip()]


def suggest_columns(headers: Sequence[str]) -> dict[str, str]:
    """Field key → header, as the built-in synonyms read the row (a starting point for the editor)."""
    return {key: headers[index] for key, index in builtin_columns(list(headers)).items()}


def mapped_rows(sheet: Sequence[Sequence[object]], applied: AppliedMapping) -> list[NationalRow]:
    """The data rows below the header as NationalRows; `row_number` is the line Excel shows (1-based)."""
    rows = []
    for offset, cells in enumerate(sheet[applied.header_index + 1 :], start=applied.header_index + 2):
        raw = {key: cells[index] if index < len(cells) else None for key, index in applied.columns.items()}
        row = national_row(offset, raw)
        if not row.is_empty:
            rows.append(row)
    return rows


def mapping_used(applied: AppliedMapping) -> None:
    if applied.mapping is not None:
        applied.mapping.last_used_at = timezone.now()
        applied.mapping.use_count += 1
        applied.mapping.save(update_fields=["last_used_at", "use_count", "updated_at"])


def mapping_save(*, user, mapping: ColumnMapping | None, name: str, columns: dict[str, str]) -> ColumnMapping:
    """Create or change a saved mapping; every required field needs a column, no column serves two fields."""
    name = name.strip()
    columns = {key: header.strip() for key, header in columns.items() if key in FIELDS_BY_KEY and header.strip()}
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = ["请填写名称，例如“全国系统2024版导出”。"]
    elif ColumnMapping.objects.filter(name=name).exclude(pk=getattr(mapping, "pk", None)).exists():
        errors["name"] = ["已有同名的列对应关系，请换一个名称。"]
    for key in REQUIRED_KEYS:
        if key not in columns:
            errors[key] = [f"“{FIELDS_BY_KEY[key].header}”必须对应文件中的一列。"]
    seen: dict[str, str] = {}
    for f in NATIONAL_FIELDS:
        header = columns.get(f.key)
        if header is None:
            continue
        if header_key(header) in seen:
            errors[f.key] = [f"“{header}”已对应“{seen[header_key(header)]}”，一列只能对应一项。"]
        seen.setdefault(header_key(header), f.header)
    if errors:
        raise ValidationError(errors)
    mapping = mapping or ColumnMapping(created_by=user)
    mapping.name, mapping.columns = name, columns
    mapping.save()
    return mapping
