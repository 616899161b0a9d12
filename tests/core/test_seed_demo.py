import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from qidong_care.accounts.models import User


@override_settings(DEBUG=False)
def test_seed_demo_refuses_to_run_without_debug(db):
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.exists()


@override_settings(DEBUG=True, DEMO_PASSWORD="Demo-pass-2026")
def test_seed_demo_creates_one_user_per_role_with_their_regions(db, client):
    call_command("seed_demo")
    call_command("seed_demo")  # twice: still one of each
    usernames = set(User.objects.values_list("username", flat=True))
    assert {"admin", "auditor", "bureau", "inspector", "town_huilong", "town_nanyang", "director_huilong"} <= usernames
    director = User.objects.get(username="director_huilong")
    assert sorted(director.regions.values_list("name", flat=True)) == ["亚光村委会", "克明村委会"]
    assert {r.parent.name for r in director.regions.all()} == {"汇龙镇"}
    response = client.post("/accounts/login/", {"username": "town_nanyang", "password": "Demo-pass-2026"})
    assert response.status_code == 302 and response["Location"] == "/"
