"""Village names as clerks write them, the roster generator, planning without per-row queries, and
the agreement dates kept per row for the agreements app."""

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from agreements.models import Agreement
from registry.models import Child
from registry.roster.places import ImportScope, village_forms
from registry.roster.planning import Planner
from registry.roster.service import _read
from registry.roster.writing import PlanWriter
from tests.conftest import SAMPLE_DATE


def test_village_forms_rank_the_usual_short_form_above_a_bare_stem():
    assert village_forms("临江村委会") == {"临江村委会": 0, "临江村": 1, "临江村民委员会": 1, "临江": 2}
    forms = village_forms("幸福一村居委会")
    assert forms["幸福一村社区"] == 1 and forms["幸福一村"] == 2 and forms["幸福一村居委会"] == 0
    assert village_forms("庙港村委会（新）")["庙港村(新)"] == 1
    # 曹家镇村委会 and 曹家镇村居委会 (合作镇): "曹家镇村" is the usual short form of the first only.
    assert village_forms("曹家镇村委会")["曹家镇村"] == 1 and village_forms("曹家镇村居委会")["曹家镇村"] == 2


def test_generated_rosters_import_cleanly(db, rows, write, run):
    result = run(write(rows(200, seed=7)))
    assert (result.created, result.rejected) == (200, 0), result.errors[:3]


def plan_queries(path) -> int:
    parsed, _, _, _, validator, regions = _read(path, user=None, on=SAMPLE_DATE, progress=lambda *a: None)
    planner = Planner(
        rows=parsed,
        child_keys=validator.child_keys,
        roles=validator.roles,
        scope=ImportScope(),
        regions=regions,
        on=SAMPLE_DATE,
    )
    with CaptureQueriesContext(connection) as queries:
        planner.build()
    return len(queries)


@pytest.mark.parametrize("existing", [False, True])
def test_planning_reads_in_bulk_whatever_the_number_of_rows(db, rows, write, run, existing):
    small, large = write(rows(5, seed=3), name="small.xlsx"), write(rows(50, seed=4), name="large.xlsx")
    if existing:
        run(small)
        run(large)
    assert plan_queries(small) == plan_queries(large) <= 4


def test_new_children_are_signed_by_the_writer_and_the_others_paired_with_their_dates(db, rows, write, run):
    data = rows(3)
    data[1]["委托照护协议签订日期"] = ""
    run(write(data[:1], name="first.xlsx"))  # row 2's child exists already: unchanged, still paired
    Agreement.objects.all().delete()
    parsed, _, _, _, validator, regions = _read(write(data), user=None, on=SAMPLE_DATE, progress=lambda *a: None)
    plan = Planner(
        rows=parsed,
        child_keys=validator.child_keys,
        roles=validator.roles,
        scope=ImportScope(),
        regions=regions,
        on=SAMPLE_DATE,
    ).build()
    with transaction.atomic():
        writer = PlanWriter(plan, user=None, reason="测试")
        writer.write()
        pairs = plan.agreement_pairs(writer.children_by_line())
        signed_by_writer = list(Agreement.objects.values_list("child__name", "signed_on"))
    assert [(child.name, str(signed)) for child, signed in pairs] == [
        (data[0]["儿童姓名"], data[0]["委托照护协议签订日期"]),
    ]
    assert [(name, str(signed)) for name, signed in signed_by_writer] == [
        (data[2]["儿童姓名"], data[2]["委托照护协议签订日期"]),
    ]


@override_settings(DEBUG=True, DEMO_PASSWORD="Demo-pass-2026")
def test_seed_demo_imports_the_sample_roster_once(db, monkeypatch, capsys):
    monkeypatch.setattr("registry.assessment.today", lambda: SAMPLE_DATE)
    call_command("seed_demo")
    assert Child.objects.count() == 300 and "新增 300" in capsys.readouterr().out
    history = Child.history.count()
    call_command("seed_demo")
    assert "未变 300" in capsys.readouterr().out and Child.history.count() == history
