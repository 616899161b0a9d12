import time
from pathlib import Path
from tests.conftest import SAMPLE_DATE
from registry.roster.service import roster_import
from registry.models import Child, Adult, ChildAdult

SAMPLE = Path("registry/roster/samples/roster-sample.xlsx")

def test_smoke(db, admin_user):
    r = roster_import(path=SAMPLE, user=admin_user, dry_run=True, on=SAMPLE_DATE)
    print(r.as_json()["rows"], r.created, r.updated, r.unchanged, r.rejected, r.errors[:5], r.warnings[:3])
    r = roster_import(path=SAMPLE, user=admin_user, dry_run=False, on=SAMPLE_DATE)
    print(r.created, r.updated, r.unchanged, r.rejected, Child.objects.count(), Adult.objects.count(), ChildAdult.objects.count())
    from collections import Counter
    print(Counter(Child.objects.values_list("verdict", flat=True)), Counter(Child.objects.values_list("roster_status", flat=True)))
    h = Child.history.count()
    r = roster_import(path=SAMPLE, user=admin_user, dry_run=False, on=SAMPLE_DATE)
    print(r.created, r.updated, r.unchanged, r.rejected, Child.history.count() - h, r.preview["update"][:3])
