"""The roster's 委托照护协议签订日期 column signs the child's agreement; re-importing changes nothing."""

from pathlib import Path

from agreements.models import Agreement
from registry.roster.service import roster_import
from tests.conftest import SAMPLE_DATE

SAMPLE = Path(__file__).resolve().parents[2] / "registry" / "roster" / "samples" / "roster-sample.xlsx"


def test_the_agreement_date_column_signs_agreements_once(admin_user, monkeypatch):
    from registry import assessment

    monkeypatch.setattr(assessment, "today", lambda: SAMPLE_DATE)
    first = roster_import(path=SAMPLE, user=admin_user, dry_run=False, on=SAMPLE_DATE)
    signed = Agreement.objects.exclude(signed_on=None).count()
    assert first.created == 300 and signed > 100
    history = Agreement.history.count()
    again = roster_import(path=SAMPLE, user=admin_user, dry_run=False, on=SAMPLE_DATE)
    assert again.unchanged == 300
    assert Agreement.history.count() == history
