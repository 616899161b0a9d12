import pytest

from agreements.demo import seed_demo_agreements
from agreements.models import Agreement, AgreementStatus
from agreements.selectors import agreement_coverage_for
from registry.models import Child
from tests.agreements.conftest import TODAY, YAGUANG
from tests.factories import make_child

pytestmark = pytest.mark.django_db


def test_demo_agreements_cover_about_80_percent_with_a_few_lapsed_and_run_twice_safely(town_staff):
    for i in range(40):
        make_child(YAGUANG, user=town_staff, name=f"演示{i}")
    signed = seed_demo_agreements()
    assert seed_demo_agreements() == 0
    coverage = agreement_coverage_for(Child.objects.all(), on=TODAY)
    assert signed == Agreement.objects.count() == 32
    assert (
        coverage.needing == 40
        and coverage.to_resign == Agreement.objects.filter(status=AgreementStatus.TO_RESIGN).count()
    )
    assert 2 <= coverage.to_resign <= 8 and 0.6 <= coverage.ratio <= 0.8
