"""Timing the roster import at province scale (issue 4, line 8), for the benchmark harness.

    from bench.roster_bench import roster_benchmark, import_export_benchmark
    figures = roster_benchmark(rows=100_000)       # needs a migrated database with regions loaded
    figures = import_export_benchmark(rows=5_000)  # django-import-export alone (also inside the above)

Entry points (names kept stable for `make bench`):

- `roster_benchmark(rows=100_000, path=None, compare_rows=5_000)` generates (or reuses) a roster of
  `rows` rows, times django-import-export on its first `compare_rows` rows (rolled back), then the real
  service (registry.roster.service.roster_import) twice: the first run creates every child, the second
  re-imports the same file (everything unchanged). Returns a dict: `rows`, `file_mb`,
  `generated_seconds`, `create` and `reimport` (each: `seconds`, `cpu_seconds`, `rows_per_second`,
  `ms_per_row`, the result's counts, `queries`, `peak_memory_mb`, `child_peak_memory_mb`),
  `import_export` (see below) and
  `ratio_per_row` (import-export's time per row ÷ ours, new rows; target ≥ 10).
- `import_export_benchmark(rows=5_000, path=None)`: django-import-export's ordinary per-row import
  (a plain ModelResource for the Child table alone, matching on the ID number's keyed hash) of the
  first `rows` rows of the same file, inside a transaction that is rolled back, so the database is
  left as it was. The rows are read and normalised by our reader beforehand (not timed), so
  import-export gets clean values and does less than ours: no adults, links, agreements, rules.
  Returns `rows`, `seconds`, `cpu_seconds`, `rows_per_second`, `ms_per_row`, `queries`.
- `peak_memory_mb()`: the process's peak resident memory since the last `reset_peak_memory()`.

Run it in a fresh process on an archive without these children (e.g. a new database) for figures
comparable with the targets: created < 60 s, unchanged < 30 s, memory < 1 GB (PostgreSQL, 2 cores).
`cpu_seconds` is this process's own CPU time: on a machine shared with other work it shows what the
wall-clock time would be without the competition (the database server's time is not in it).
"""

from __future__ import annotations

import contextlib
import resource
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from .roster_file import SCREENING_DATE, make_roster_file

COMPARE_ROWS = 5_000


def reset_peak_memory() -> None:
    """Start measuring the peak anew (Linux: clear_refs 5 resets the high-water mark)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_memory_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def _measured(figures: dict):
    """Wall and CPU seconds and the queries run (counted by a wrapper: Django's query log would keep
    the text of every bulk statement); `rows` in `figures` afterwards gives the per-row figures."""
    from django.db import connection

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    reset_peak_memory()
    cpu, started = _cpu_seconds(), time.perf_counter()
    with connection.execute_wrapper(count):
        yield
    seconds = time.perf_counter() - started
    rows = figures.get("rows") or 0
    figures.update(
        seconds=round(seconds, 2),
        cpu_seconds=round(_cpu_seconds() - cpu, 2),
        rows_per_second=round(rows / seconds) if seconds else None,
        ms_per_row=round(1000 * seconds / rows, 3) if rows else None,
        queries=queries,
        peak_memory_mb=round(peak_memory_mb()),
        # The forked row-checking child (registry/roster/parallel.py), pages shared with the parent
        # included: most of it is the parent's memory seen twice, not memory of its own.
        child_peak_memory_mb=round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
    )


def timed_import(path: Path, *, on: date, dry_run: bool = False) -> dict:
    from registry.roster.service import roster_import

    figures: dict = {}
    with _measured(figures):
        result = roster_import(path=path, user=None, dry_run=dry_run, on=on)
        figures.update((key, value) for key, value in result.as_json().items() if key != "errors")
    return figures


def _child_dataset(path: Path, rows: int, on: date):
    """The first `rows` valid rows as a tablib Dataset of Child fields (normalised by our validator)."""
    import tablib

    from qidong_care.core.crypto import blind_index
    from registry.roster.places import ImportScope, RegionIndex
    from registry.roster.reading import RosterReader
    from registry.roster.validate import RowValidator
    from registry.rules.idnumber import mask_id_number

    dataset = None
    with RosterReader(path) as reader:
        validator = RowValidator(reader.layout, RegionIndex.load(), ImportScope(), on)
        dataset = tablib.Dataset(
            headers=[*validator.child_keys, "id_number", "id_number_hash", "id_number_masked", "village", "town"]
        )
        for line, cells in reader.rows():
            row, _ = validator(line, cells)
            if row is None:
                continue
            values = ["" if value is None else value for value in row.values]
            identity = [row.id_number, blind_index(row.id_number), mask_id_number(row.id_number)]
            dataset.append([*values, *identity, row.village_id, row.town_id])
            if len(dataset) >= rows:
                break
    return dataset


def _child_resource():
    from import_export import resources

    from registry.models import Child

    class ChildResource(resources.ModelResource):
        """A plain ModelResource for the Child table, as an administrator would declare it."""

        class Meta:
            model = Child
            import_id_fields = ("id_number_hash",)

    return ChildResource()


def import_export_benchmark(
    *, rows: int = COMPARE_ROWS, path: str | Path | None = None, on: date = SCREENING_DATE
) -> dict:
    """django-import-export's per-row import of the first `rows` rows of the file; rolled back."""
    from django.db import transaction

    path = _roster_path(path, rows, on=on)
    dataset = _child_dataset(path, rows, on)
    resource_ = _child_resource()
    figures: dict = {"rows": len(dataset)}
    with transaction.atomic():
        with _measured(figures):
            result = resource_.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
        transaction.set_rollback(True)
    figures["created"] = result.totals.get("new", 0)
    return figures


def _roster_path(path: str | Path | None, rows: int, *, on: date) -> Path:
    if path is None:
        path = Path(tempfile.gettempdir()) / f"roster-bench-{rows}.xlsx"
    path = Path(path)
    if not path.exists():
        make_roster_file(path, rows, on=on)
    return path


def roster_benchmark(
    *,
    rows: int = 100_000,
    path: str | Path | None = None,
    on: date = SCREENING_DATE,
    compare_rows: int = COMPARE_ROWS,
) -> dict:
    """Generate (or reuse) a roster of `rows` rows; import-export on its first rows (rolled back);
    import it, import it again; the figures (see the module's docstring)."""
    target = Path(path) if path is not None else Path(tempfile.gettempdir()) / f"roster-bench-{rows}.xlsx"
    generated = None
    if not target.exists():
        started = time.perf_counter()
        make_roster_file(target, rows, on=on)
        generated = round(time.perf_counter() - started, 1)
    compared = import_export_benchmark(rows=min(compare_rows, rows), path=target, on=on) if compare_rows else None
    first = timed_import(target, on=on)
    second = timed_import(target, on=on)
    ratio = None
    if compared and compared["ms_per_row"] and first["ms_per_row"]:
        ratio = round(compared["ms_per_row"] / first["ms_per_row"], 1)
    return {
        "rows": rows,
        "file_mb": round(target.stat().st_size / 1e6, 1),
        "generated_seconds": generated,
        "import_export": compared,
        "create": first,
        "reimport": second,
        "ratio_per_row": ratio,
    }
