"""The roster import: one service for the web page, the command line and the demo data.

    result = roster_import(path=..., user=..., dry_run=True)    # the preview: nothing is written
    result = roster_import(path=..., user=..., dry_run=False)   # validated again, then written

A refused file raises RosterFileRefused before anything is read. A commit re-validates against the
database as it is now (the preview may be stale) and writes every accepted row in one transaction:
any failure part-way leaves the database exactly as it was (ROSTER.md, "Behaviour").
"""

from __future__ import annotations

import contextlib
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from qidong_care.audit.models import AuditEvent
from qidong_care.audit.services import audit_record

from .. import assessment
from .inserts import IdsAhead
from .parallel import check_rows
from .places import RegionIndex, import_scope
from .planning import CREATE, UNCHANGED, UPDATE, Plan, Planner
from .preview import Display, preview_of
from .reading import RosterReader
from .validate import RowError, RowValidator
from .writing import WRITE_BEHIND_FROM, PlanWriter, import_reason, most_new_rows

Progress = Callable[[str, int], None]  # (stage in Chinese, percent done)
ERRORS_KEPT = 2000  # errors kept in the result shown on the page; the report and the CLI get all
ANALYZE_AFTER = 10_000  # rows created before PostgreSQL's statistics are refreshed (DESIGN.md)


@dataclass
class ImportResult:
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    siblings_updated: int = 0  # children outside the file whose adults the file changed
    errors: list[RowError] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    preview: dict[str, list[dict]] = field(default_factory=dict)
    seconds: float = 0.0

    def as_json(self) -> dict[str, Any]:
        """ROSTER.md's --json shape."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": [error.as_dict() for error in self.errors],
        }

    def summary(self) -> dict[str, Any]:
        """What an ImportJob keeps: counts, warnings, the preview and the first errors."""
        return {
            **{key: value for key, value in self.as_json().items() if key != "errors"},
            "siblings_updated": self.siblings_updated,
            "errors": [error.as_dict() for error in self.errors[:ERRORS_KEPT]],
            "errors_total": len(self.errors),
            "warnings": self.warnings,
            "preview": self.preview,
            "seconds": round(self.seconds, 1),
        }


def _report(progress: Progress | None) -> Progress:
    if progress is None:
        return lambda stage, percent: None
    return progress


def _read(path: Path, *, user, on: date, progress: Progress, on_open: Callable[[RosterReader], None] | None = None):
    """Check the file, then every row: (parsed rows, errors, warnings, row count, validator, regions).
    `on_open(reader)` runs once the file has passed its checks, before its sheet is read."""
    reader = RosterReader(path)
    if on_open is not None:
        on_open(reader)
    with reader:
        regions = RegionIndex.load()
        validator = RowValidator(reader.layout, regions, import_scope(user), on)
        expected = max(reader.declared_rows, 1)
        checked = check_rows(
            reader, validator, progress=lambda done: progress("校验数据", min(60, 5 + 55 * done // expected))
        )
        warnings = [
            {"row": reader.layout.header_line, "column": "", "message": text} for text in reader.layout.warnings
        ]
    return checked.parsed, checked.errors, warnings, checked.rows, validator, regions


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector off while an import builds millions of acyclic objects: it would walk
    them all again and again (about 15% of the time), and reference counting frees them anyway."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _sign_agreements(pairs, user) -> None:
    """The 委托照护协议签订日期 column creates or updates each child's signed agreement (通知 二.2);
    a date already stored changes nothing, so re-importing a file writes nothing."""
    from agreements.services import agreements_sign_from_roster  # agreements builds on the registry

    if pairs:
        agreements_sign_from_roster(pairs, user=user)


def roster_import(
    *,
    path: str | Path,
    user,
    dry_run: bool,
    on: date | None = None,
    progress: Progress | None = None,
    file_name: str = "",
    on_written: Callable[[ImportResult], None] | None = None,
) -> ImportResult:
    """Validate (and unless `dry_run`, write) a roster file. `on` is the screening date ("today").

    `on_written(result)` runs inside the import's transaction after the writes, so a job record
    saying "committed" and the data it describes are committed together."""
    with _collector_paused():
        return _import(
            path=Path(path),
            user=user,
            dry_run=dry_run,
            on=on,
            progress=progress,
            file_name=file_name,
            on_written=on_written,
        )


def _import(*, path: Path, user, dry_run, on, progress, file_name, on_written) -> ImportResult:
    started = time.perf_counter()
    on, progress = on or assessment.today(), _report(progress)
    file_name = file_name or path.name
    progress("检查文件", 2)
    ahead: list[IdsAhead] = []

    def draw_ids_ahead(reader: RosterReader) -> None:
        """A large file to write: its new rows' ids are drawn while python-calamine reads the sheet
        (it leaves a core free)."""
        declared = reader.facts.declared_rows or 0
        if not dry_run and connection.vendor == "postgresql" and declared >= WRITE_BEHIND_FROM:
            ahead.append(IdsAhead(most_new_rows(declared)))

    parsed, errors, warnings, rows, validator, regions = _read(
        path, user=user, on=on, progress=progress, on_open=draw_ids_ahead
    )
    ids = ahead[0].result() if ahead else None  # before the transaction starts
    result = ImportResult(file_name=file_name, dry_run=dry_run, rows=rows, warnings=warnings)
    planner = Planner(
        rows=parsed,
        child_keys=validator.child_keys,
        roles=validator.roles,
        scope=validator.scope,
        regions=regions,
        on=on,
    )
    display = Display(user, regions)

    def planned(percent: int) -> Callable[[int, int], None]:
        return lambda done, total: progress("比对现有档案", percent + 10 * done // max(total, 1))

    if dry_run:
        plan = planner.build(progress=planned(60))
        _summarise(result, plan, errors, display)
    else:
        with transaction.atomic():
            plan = planner.build(progress=planned(60))
            progress("写入数据库", 75)
            writer = PlanWriter(
                plan, user=user, reason=import_reason(file_name), progress=lambda s: progress(s, 85), ids=ids
            )
            written = writer.write()
            _sign_agreements(plan.agreement_pairs(writer.children_by_line()), user)
            result.siblings_updated = len(written.siblings)
            _summarise(result, plan, errors, display)
            result.seconds = time.perf_counter() - started
            _audit(result, user)
            if on_written is not None:
                on_written(result)
        if result.created >= ANALYZE_AFTER and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE registry_child, registry_adult, registry_childadult")
    result.seconds = time.perf_counter() - started
    progress("完成", 100)
    return result


def _summarise(result: ImportResult, plan: Plan, errors: list[RowError], display: Display) -> None:
    result.created = sum(1 for row in plan.rows if row.action == CREATE)
    result.updated = sum(1 for row in plan.rows if row.action == UPDATE)
    result.unchanged = sum(1 for row in plan.rows if row.action == UNCHANGED)
    result.errors = sorted([*errors, *plan.rejected], key=lambda error: error.row)
    result.rejected = len({error.row for error in result.errors})
    result.warnings.extend(plan.resolver.warnings)
    result.preview = preview_of(plan, display)


def _audit(result: ImportResult, user) -> None:
    audit_record(
        kind=AuditEvent.Kind.IMPORT,
        user=user,
        object_type="registry.roster",
        object_label=result.file_name[:200],
        detail={
            "file": result.file_name,
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "rejected": result.rejected,
            "siblings_updated": result.siblings_updated,
        },
    )
