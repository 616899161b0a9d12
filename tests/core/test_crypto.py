"""Encryption at rest (issue 8.7): ID numbers, phones and health details are AES-GCM ciphertext in
the database (history tables too); a keyed hash finds them; keys rotate."""

import base64
import hashlib
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from qidong_care.core import crypto, rotation
from qidong_care.core.rotation import encrypted_columns, keys_rotate
from registry.models import Adult, Child
from tests.conftest import DIRECTOR_VILLAGES
from tests.factories import make_child

NEW_KEY = "k2026:" + base64.b64encode(b"n" * 32).decode()
ROTATED = f"{NEW_KEY},{settings.FIELD_ENCRYPTION_KEYS}"


@pytest.fixture
def child(town_staff):
    return make_child(DIRECTOR_VILLAGES[0], user=town_staff, health="哮喘", disability_type="视力残疾")


def raw(table: str, column: str, pk_column: str, pk) -> str:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)} WHERE {quote(pk_column)} = %s", [pk])
        return cursor.fetchone()[0]


def all_raw_values() -> list[tuple[str, str]]:
    """Every stored ciphertext, named table.column#pk (one name per value, whatever the row order)."""
    quote = connection.ops.quote_name
    values = []
    with connection.cursor() as cursor:
        for target in encrypted_columns():
            for column in target.columns:
                cursor.execute(f"SELECT {quote(target.pk_column)}, {quote(column)} FROM {quote(target.table)}")
                values += [(f"{target.table}.{column}#{pk}", value) for pk, value in cursor.fetchall() if value]
    return values


def test_personal_columns_hold_ciphertext_that_opens(child):
    adult = Adult.objects.filter(links__child=child, phone_hash=crypto.blind_index("13781286570")).first()
    for table, column, pk, plain in [
        ("registry_child", "id_number", child.pk, child.id_number),
        ("registry_child", "health", child.pk, "哮喘"),
        ("registry_child", "disability_type", child.pk, "视力残疾"),
        ("registry_adult", "phone", adult.pk, "13781286570"),
        ("registry_adult", "id_number", adult.pk, adult.id_number),
    ]:
        stored = raw(table, column, "id", pk)
        assert plain not in stored and stored.startswith("dev1:"), (table, column)
        assert crypto.decrypt(stored) == plain


def test_history_tables_hold_ciphertext_too(child):
    history = Child.history.filter(id=child.pk).first()
    stored = raw("registry_historicalchild", "id_number", "history_id", history.history_id)
    assert child.id_number not in stored and crypto.decrypt(stored) == child.id_number


def test_no_plaintext_anywhere_in_encrypted_columns(child):
    values = all_raw_values()
    assert len(values) >= 10
    assert all(crypto.decrypt(value) and ":" in value for _, value in values)
    assert child.id_number not in str(values)


def test_encryption_is_randomised_and_authenticated():
    first, second = crypto.encrypt("320681201504021234"), crypto.encrypt("320681201504021234")
    assert first != second
    key_id, body = first.split(":")
    blob = bytearray(base64.b64decode(body))
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{key_id}:{base64.b64encode(bytes(blob)).decode()}")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"unknown:{body}")


def test_the_keyed_hash_finds_a_child_and_depends_on_the_key(child):
    digest = crypto.blind_index(child.id_number)
    assert digest == crypto.blind_index(child.id_number) and len(digest) == 40
    assert digest != hashlib.sha256(child.id_number.encode()).hexdigest()[:40]
    assert Child.objects.get(id_number_hash=digest) == child
    with override_settings(FIELD_HASH_KEY=base64.b64encode(b"h" * 32).decode()):
        assert crypto.blind_index(child.id_number) != digest


def test_every_encrypted_column_is_found_including_history():
    tables = {c.table: set(c.columns) for c in encrypted_columns()}
    assert {"id_number", "health", "disability_type", "disability_level", "director_phone"} <= tables["registry_child"]
    assert {"id_number", "phone", "health"} <= tables["registry_adult"]
    assert "registry_historicalchild" in tables and "registry_historicaladult" in tables


# --- rotation ----------------------------------------------------------------------------------------


def test_rotation_reseals_everything_with_the_new_key_in_batches(child):
    make_child(DIRECTOR_VILLAGES[1], name="顾小雨", birth=child.birth_date.replace(year=2016))
    before = {name: crypto.decrypt(value) for name, value in all_raw_values()}
    with override_settings(FIELD_ENCRYPTION_KEYS=ROTATED):
        report = keys_rotate(batch_size=2)
        values = all_raw_values()
        assert report.total == len(values) > 10
        assert all(value.startswith("k2026:") for _, value in values)
        assert keys_rotate(batch_size=2).total == 0  # idempotent
    with override_settings(FIELD_ENCRYPTION_KEYS=NEW_KEY):  # the old key is gone: all still opens
        assert {name: crypto.decrypt(value) for name, value in all_raw_values()} == before
        assert Child.objects.get(pk=child.pk).health == "哮喘"


def test_the_command_reports_and_refuses_when_an_old_key_is_missing(child):
    out = StringIO()
    with override_settings(FIELD_ENCRYPTION_KEYS=ROTATED):
        call_command("rotate_encryption_keys", "--batch-size", "3", stdout=out)
    assert "当前密钥：k2026" in out.getvalue() and "registry_child:" in out.getvalue()
    unknown_only = "k2027:" + base64.b64encode(b"z" * 32).decode()
    with (
        override_settings(FIELD_ENCRYPTION_KEYS=unknown_only),
        pytest.raises(CommandError, match="请把旧密钥留在 FIELD_ENCRYPTION_KEYS"),
    ):
        call_command("rotate_encryption_keys", stdout=StringIO())


def test_rotation_never_overwrites_a_value_changed_meanwhile(child, monkeypatch):
    real_decrypt = crypto.decrypt
    changed = []

    def decrypt_while_someone_edits(token: str) -> str:
        plain = real_decrypt(token)
        if plain == "哮喘" and not changed:
            Child.objects.filter(pk=child.pk).update(health="已痊愈")  # saved by a user meanwhile
            changed.append(True)
        return plain

    monkeypatch.setattr(rotation.crypto, "decrypt", decrypt_while_someone_edits)
    with override_settings(FIELD_ENCRYPTION_KEYS=ROTATED):
        keys_rotate()
        assert Child.objects.get(pk=child.pk).health == "已痊愈"
