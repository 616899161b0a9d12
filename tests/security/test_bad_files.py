"""Issue 8 line 5: every file of the bad-input corpus (tests/security/badfiles.py) goes through the real
roster import — the upload job's validation, then its commit when the file was accepted — and the
national export reader; each is refused or handled within 10 s, with a Chinese message naming what
is wrong, with nothing written that should not be, and with a worker's peak memory under 512 MB.

Each import runs in a forked copy of the test process (on PostgreSQL it shares the test's connection
and transaction; on SQLite it has its own copy of the in-memory database), so a crash, a hang or a
runaway allocation cannot take the test run down: an address-space limit makes allocations fail past
1 GB more, and a child still running after 60 s is killed. The memory figure is the growth of the
resident set during the import (VmHWM, reset at the start, less the resident set then) added to a
worker's own footprint (150 MB; this test process holds about 110 MB when it forks).
"""

from __future__ import annotations

import json
import os
import resource
import signal
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from agreements.models import Agreement
from qidong_care.audit.models import AuditEvent
from registry.models import Adult, Child, ChildAdult, ImportJob
from registry.national.workbook import NationalFileRefused, read_sheet
from registry.roster.jobs import import_job_commit, import_job_confirm, import_job_start, import_job_validate
from registry.roster.safety import RosterFileRefused, _XmlWatch

from .badfiles import CORPUS, BadFile

SECONDS = 10
PEAK_MB = 512
WORKER_MB = 150  # a worker with Django and the app loaded (this test process at the fork: about 110 MB)
KILL_AFTER = 60  # a child still running then has hung
RUNAWAY_MB = 1024  # address space a child may add before allocations fail
Status = ImportJob.Status
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def corpus_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("badfiles")


@pytest.fixture(scope="module")
def made(corpus_folder):
    """Files made once for the module: name → path."""
    paths: dict[str, Path] = {}

    def make(bad: BadFile) -> Path:
        if bad.name not in paths:
            folder = corpus_folder / bad.name
            folder.mkdir()
            paths[bad.name] = bad.make(folder)
        return paths[bad.name]

    return make


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def written() -> dict[str, int]:
    """What an import could write: archive rows, their history, agreements, and audit of data changes."""
    models = {"children": Child, "adults": Adult, "links": ChildAdult, "agreements": Agreement}
    counts = {name: model.objects.count() for name, model in models.items()}
    counts.update({f"{name} history": model.history.count() for name, model in models.items()})
    changes = (AuditEvent.Kind.CREATE, AuditEvent.Kind.UPDATE, AuditEvent.Kind.DELETE)
    counts["audit of data changes"] = AuditEvent.objects.filter(kind__in=changes).count()
    return counts


def _memory_line(field: str) -> int:
    """A VmXXX figure of /proc/self/status, in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def _run_job(path: Path, user) -> dict:
    """The web upload's path: the job is created, validated, and committed when it validated."""
    job = import_job_start(user=user, upload=SimpleUploadedFile(path.name, path.read_bytes()))
    import_job_validate(job_id=job.pk)
    job.refresh_from_db()
    if job.status == Status.VALIDATED:
        import_job_confirm(job=job, user=user)
        import_job_commit(job_id=job.pk)
        job.refresh_from_db()
    summary = job.result or job.preview or {}
    warnings = [warning["message"] for warning in summary.get("warnings", [])]
    errors = summary.get("errors", [])
    return {
        "status": job.status,
        "message": job.message,
        "errors": errors,
        "warnings": warnings,
        "created": job.created,
    }


def _read_national(path: Path) -> dict:
    try:
        rows = read_sheet(SimpleUploadedFile(path.name, path.read_bytes()))
    except NationalFileRefused as refused:
        return {"refused": refused.message}
    return {"refused": "", "rows": len(rows)}


def _child_measures(path: Path, user) -> dict:
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
    start_kb = _memory_line("VmRSS")
    limit = _memory_line("VmSize") * 1024 + RUNAWAY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    before = written()
    started = time.perf_counter()
    job = _run_job(path, user)
    job_seconds = time.perf_counter() - started
    after = written()
    started = time.perf_counter()
    national = _read_national(path)
    return {
        **job,
        "seconds": job_seconds,
        "national": national,
        "national_seconds": time.perf_counter() - started,
        "before": before,
        "after": after,
        "peak_mb": _memory_line("VmHWM") / 1024,
        "grown_mb": (_memory_line("VmHWM") - start_kb) / 1024,
    }


def in_forked_worker(path: Path, user) -> dict:
    """Run the import in a fork; its measures come back as JSON through a pipe."""
    connection.ensure_connection()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        os.close(reader)
        try:
            outcome = _child_measures(path, user)
        except BaseException as error:  # noqa: BLE001 — reported to the parent, which fails the test
            outcome = {"crash": f"{type(error).__name__}: {error}"}
        with os.fdopen(writer, "w") as out:
            json.dump(outcome, out, default=str)
        os._exit(0)
    os.close(writer)
    deadline = time.monotonic() + KILL_AFTER
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        time.sleep(0.02)
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail(f"the import of {path.name} was still running after {KILL_AFTER} s")
    with os.fdopen(reader) as received:
        text = received.read()
    assert os.WIFEXITED(status) and text, f"the worker died importing {path.name} (status {status})"
    return json.loads(text)


@pytest.mark.parametrize("bad", CORPUS, ids=str)
def test_a_bad_file_is_refused_or_handled(bad: BadFile, made, request):
    user = request.getfixturevalue(bad.user)
    outcome = in_forked_worker(made(bad), user)
    assert "crash" not in outcome, outcome.get("crash")
    assert outcome["seconds"] < SECONDS and outcome["national_seconds"] < SECONDS, outcome
    assert WORKER_MB + outcome["grown_mb"] < PEAK_MB, outcome
    assert outcome["status"] != Status.FAILED, outcome["message"]  # never the "unexpected error" page
    if bad.refusal:
        assert outcome["status"] == Status.REFUSED, outcome
        assert bad.refusal in outcome["message"], outcome["message"]
        if bad.national:
            assert bad.refusal in outcome["national"]["refused"], outcome["national"]
    else:
        assert outcome["status"] == Status.COMMITTED, outcome
    if bad.warning:
        assert any(bad.warning in warning for warning in outcome["warnings"]), outcome["warnings"]
    if bad.rejection:
        messages = " ".join(error["message"] for error in outcome["errors"])
        assert bad.rejection in messages, outcome["errors"]
    expected = dict(outcome["before"])
    if bad.created:
        assert outcome["created"] == bad.created, outcome
        assert outcome["after"]["children"] == expected["children"] + bad.created
    else:
        assert outcome["after"] == expected, "a refused or rejected file wrote something"


FAR_CELL = b'<row r="3"><c r="XFD3" t="n"><v>1</v></c></row>'
DEEP_ROW = b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>'
NO_REFERENCES = b"<row>" + b"<c><v>1</v></c>" * 200 + b"</row>"
DOCTYPE = b'<!DOCTYPE x [<!ENTITY a "b">]>'


@pytest.mark.parametrize(
    ("xml", "expected"),
    [(FAR_CELL, (0, 16_384)), (DEEP_ROW, (1_048_576, 0)), (NO_REFERENCES, (1, 200))],
    ids=["far-column", "deep-row", "cells-without-references"],
)
def test_the_sheet_extent_is_measured_wherever_the_stream_is_cut(xml, expected):
    """The check sees the XML in chunks of inflated bytes: a reference cut in two is still read."""
    for cut in range(1, len(xml)):
        watch = _XmlWatch("xl/worksheets/sheet1.xml")
        watch(b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>' + xml[:cut])
        watch(xml[cut:] + b"</sheetData></worksheet>")
        watch.finish()
        assert watch.extent == expected, cut


def test_a_dtd_is_found_wherever_the_stream_is_cut():
    for cut in range(1, len(DOCTYPE)):
        watch = _XmlWatch("xl/sharedStrings.xml")
        with pytest.raises(RosterFileRefused, match="DTD"):
            watch(b'<?xml version="1.0"?>' + DOCTYPE[:cut])
            watch(DOCTYPE[cut:] + b"<sst/>")
            watch.finish()


def test_the_national_reader_reads_the_first_visible_sheet(made):
    hidden = next(bad for bad in CORPUS if bad.name == "hidden-roster-sheet")
    rows = read_sheet(SimpleUploadedFile("全国导出.xlsx", made(hidden).read_bytes()))
    assert len(rows) == 2 and rows[0][3] == "儿童姓名"  # the visible sheet: its header and one child


@pytest.mark.parametrize("name", ["zip-bomb-real-1gb", "billion-laughs-in-sheet", "1048576-rows-undeclared"])
def test_the_admin_import_of_regions_refuses_a_bad_xlsx_before_reading_it(name, made, login, admin_user):
    """django-import-export's admin import reads .xlsx with openpyxl: it gets the same file check."""
    from django.urls import reverse
    from import_export.formats.base_formats import XLSX

    from registry.admin import RegionAdmin
    from registry.models import Region

    bad = next(bad for bad in CORPUS if bad.name == name)
    formats = RegionAdmin.get_import_formats(RegionAdmin(Region, None))
    xlsx = next(index for index, file_format in enumerate(formats) if issubclass(file_format, XLSX))
    regions = Region.objects.count()
    upload = SimpleUploadedFile("区划.xlsx", made(bad).read_bytes())
    response = login(admin_user).post(
        reverse("admin:registry_region_import"), {"format": str(xlsx), "resource": "0", "import_file": upload}
    )
    assert response.status_code == 200 and bad.refusal in response.content.decode()
    assert Region.objects.count() == regions
