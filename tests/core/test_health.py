import json

import pytest

from qidong_care.core import health


@pytest.mark.django_db
def test_healthz_answers_200_with_database_and_broker_reachable(client):
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is True


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_unreachable_broker(client, monkeypatch):
    monkeypatch.setattr(health, "broker_ok", lambda: (False, "ConnectionRefusedError"))
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["failing"] == ["broker"]
    assert body["database"]["ok"] is True


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_unreachable_database(client, monkeypatch):
    monkeypatch.setattr(health, "database_ok", lambda: (False, "OperationalError"))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["failing"] == ["database"]
