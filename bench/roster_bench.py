"""Timing the roster import at province scale (issue 4, line 8), for the benchmark harness.

    from bench.roster_bench import roster_benchmark
    figures = roster_benchmark(rows=100_000)   # needs a migrated database with regions loaded

Runs the real service (registry.roster.service.roster_import) twice on a generated file: the first
run creates every child, the second re-imports the same file (everything unchanged). Returns the
seconds of each, rows per second, and the process's peak memory. Run it in a fresh process (e.g.
`python manage.py shell -c "..."`) on an empty archive for figures comparable with the targets:
created < 60 s, unchanged < 30 s, memory < 1 GB (PostgreSQL, 2 cores).
"""

from __future__ import annotations

import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from .roster_file import SCREENING_DATE, make_roster_file


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def timed_import(path: Path, *, on: date, dry_run: bool = False) -> dict:
    from registry.roster.service import roster_import

    started = time.perf_counter()
    result = roster_import(path=path, user=None, dry_run=dry_run, on=on)
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 1),
        "rows_per_second": round(result.rows / seconds) if seconds else None,
        **{key: value for key, value in result.as_json().items() if key != "errors"},
        "peak_memory_mb": round(peak_memory_mb()),
    }


def roster_benchmark(*, rows: int = 100_000, path: str | Path | None = None, on: date = SCREENING_DATE) -> dict:
    """Generate (or reuse) a roster of `rows` rows, import it, import it again; the figures."""
    if path is None:
        path = Path(tempfile.gettempdir()) / f"roster-bench-{rows}.xlsx"
    path = Path(path)
    if not path.exists():
        started = time.perf_counter()
        make_roster_file(path, rows, on=on)
        generated = round(time.perf_counter() - started, 1)
    else:
        generated = None
    first = timed_import(path, on=on)
    second = timed_import(path, on=on)
    return {"rows": rows, "file_mb": round(path.stat().st_size / 1e6, 1), "generated_seconds": generated,
            "create": first, "reimport": second}  # fmt: skip
