"""Roster tests: the sample roster, generated files, and an import helper that fixes "today" at the
sample's screening date (ROSTER.md: its ages are reckoned from 2026-11-28)."""

from pathlib import Path

import pytest

from bench.roster_file import HEADERS, roster_rows, write_roster
from registry.roster.service import roster_import
from tests.conftest import SAMPLE_DATE

SAMPLE = Path(__file__).resolve().parents[2] / "registry" / "roster" / "samples" / "roster-sample.xlsx"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rows():
    """rows(n, seed=1) → a list of realistic rows (header text → value) to change and write."""
    return lambda n, seed=1: list(roster_rows(n, seed=seed, on=SAMPLE_DATE))


@pytest.fixture
def write(tmp_path):
    """write(rows, name="r.xlsx", headers=None, title_rows=()) → the path of a new roster file."""

    def _write(data, name="roster.xlsx", headers=None, title_rows=()):
        return write_roster(tmp_path / name, data, headers=headers or HEADERS, title_rows=title_rows)

    return _write


@pytest.fixture
def run():
    """run(path, user=None, dry_run=False) → the ImportResult, with today fixed at SAMPLE_DATE."""

    def _run(path, user=None, *, dry_run=False, on=SAMPLE_DATE):
        return roster_import(path=path, user=user, dry_run=dry_run, on=on)

    return _run


def errors_by_code(result) -> dict[str, list]:
    found: dict[str, list] = {}
    for error in result.errors:
        found.setdefault(error.code, []).append(error)
    return found
