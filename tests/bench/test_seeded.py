from datetime import date

from django.test.utils import override_settings

from bench.run import bench_users, measure_jobs, measure_pages, table
from bench.seed import seed
from qidong_care.core import crypto
from registry.choices import AdultRole, RosterStatus
from registry.models import Child, ChildAdult
from registry.rules.idnumber import mask_id_number, parse_id_number
from visits.models import Referral, Visit

from .conftest import needs_postgresql

pytestmark = [needs_postgresql]


def test_the_seeded_archive_reads_as_production_data(seeded, db):
    assert Child.objects.count() == 300
    child = Child.objects.filter(roster_status=RosterStatus.ACTIVE).select_related("village").first()
    info = parse_id_number(child.id_number, today=date.today())  # decrypted by the model field
    assert child.id_number_hash == crypto.blind_index(info.number)
    assert child.id_number_masked == mask_id_number(info.number)
    assert child.town_id == child.village.parent_id
    roles = set(ChildAdult.objects.filter(child=child).values_list("role", flat=True))
    assert {AdultRole.FATHER, AdultRole.MOTHER, AdultRole.GUARDIAN} <= roles
    assert child.history.filter(history_type="+").exists()
    assert child.agreement.witness_region_id == child.village_id


def test_children_have_a_visit_a_month_and_some_have_referrals(seeded, db):
    per_child = Visit.objects.values("child_id").order_by().distinct().count()
    assert per_child >= 280  # the newest-born may have none yet
    most = max(Visit.objects.filter(child_id=pk).count() for pk in Child.objects.values_list("pk", flat=True)[:20])
    assert most <= 12
    assert Visit.objects.filter(guardianship="weak").exclude(guardianship_note="").exists()
    assert seeded["rows"]["visits_visit"] == Visit.objects.count()
    assert seeded["rows"]["visits_referral"] == Referral.objects.count()


def test_a_second_seed_of_the_same_size_reuses_the_data(seeded, db):
    first = Child.objects.order_by("pk").values_list("id_number_hash", flat=True).first()
    again = seed(children=300, log=lambda *args: None)
    assert again["seeded_at"] == seeded["seeded_at"]
    assert Child.objects.order_by("pk").values_list("id_number_hash", flat=True).first() == first


def test_the_harness_measures_every_page_and_job_on_a_tiny_archive(seeded, db):
    users = bench_users()
    with override_settings(ROOT_URLCONF="bench.urls"):
        pages = measure_pages(users, repeats=1, warmup=0)
    assert {row["role"] for row in pages} == {"town_staff", "bureau"}
    assert all(row["queries"] > 0 and row["p95_ms"] > 0 for row in pages)
    jobs = measure_jobs()
    assert set(jobs) == {"weekly_report", "age_out", "spot_check_draw"}
    printed = table({"children": 300, "machine": {"cpus": 2, "postgresql": "15"}, "pages": pages, "jobs": jobs})
    assert "county dashboard" in printed and "age_out" in printed
