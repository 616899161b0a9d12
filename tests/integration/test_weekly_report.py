"""The weekly report (reports) on real agreements, visits and referrals: the figures the agreements
and visits apps give, through reports/sources.py, match a hand count (tests/integration/dataset.py)."""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from agreements.models import AgreementStatus
from visits.choices import Finding, ReferralStatus
from visits.models import Referral

from .dataset import REPORT_DAY, sign

HUILONG, NANYANG = "320681100", "320681106"
pytestmark = pytest.mark.django_db


def weekly_json() -> dict:
    out = StringIO()
    call_command("weekly_report", "--week", "2026-W48", "--json", stdout=out)
    return json.loads(out.getvalue())


def figures(row: dict) -> tuple:
    keys = ("active", "unverified", "agreement_coverage", "visit_coverage", "referrals_open", "referrals_overdue")
    return tuple(row[key] for key in keys)


def test_the_data_set_is_what_the_hand_count_assumes(county):
    assert county["h2"].agreement.status == AgreementStatus.TO_RESIGN  # the carer changed after signing
    assert county["h4"].agreement.status == AgreementStatus.SIGNED  # lapsed on 11-20, the nightly job not run
    assert {(r.child.name, r.trigger, r.status) for r in Referral.objects.select_related("child")} == {
        ("甲三", Finding.ALONE, ReferralStatus.PENDING),
        ("甲四", Finding.HARDSHIP, ReferralStatus.PENDING),
        ("乙三", Finding.ALONE, ReferralStatus.REPORTED),
    }


def test_the_weekly_report_counts_agreements_visits_and_referrals_per_town(county):
    data = weekly_json()
    assert data["week"] == "2026-W48"
    towns = {town["code"]: town for town in data["towns"]}
    # 汇龙镇: 4 on the roster (h1–h4), h5 待核实; valid agreement h1 only; director visits h1, h2, h4;
    # referrals h3 (police, 待报告 since 11-25, overdue) and h4 (assistance, within 10 working days).
    assert figures(towns[HUILONG]) == (4, 1, 0.25, 0.75, 2, 1)
    # 南阳镇: n1–n3; agreement n1; visit n1; n3's police referral reported in time (open, not overdue).
    assert figures(towns[NANYANG]) == (3, 0, 0.3333, 0.3333, 1, 0)
    others = [town for code, town in towns.items() if code not in (HUILONG, NANYANG)]
    assert others and all(figures(town) == (0, 0, None, None, 0, 0) for town in others)


def test_the_county_total_is_computed_from_the_summed_counts(county):
    total = weekly_json()["total"]
    assert figures(total) == (7, 1, round(2 / 7, 4), round(4 / 7, 4), 3, 1)


def test_the_stored_week_keeps_its_figures_when_an_agreement_is_signed_later(county):
    before = weekly_json()
    sign(county["h3"], user=None, signed_on=REPORT_DAY, valid_until=date(2027, 11, 29))
    assert weekly_json() == before
