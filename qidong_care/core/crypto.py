"""Encryption at rest of personal information (AES-256-GCM) and keyed hashes for look-ups.

Ciphertext format: "<key id>:<base64(nonce | ciphertext+tag)>". The key id names the key of
FIELD_ENCRYPTION_KEYS that sealed the value, so keys can be rotated: new values use the first key,
old values stay readable while their key is still listed, and `rotate_encryption_keys` re-seals them.
"""

import base64
import hashlib
import hmac
import os
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12


class DecryptionError(ValueError):
    pass


def _decode_key(raw: str, what: str) -> bytes:
    try:
        key = base64.b64decode(raw.strip(), validate=True)
    except ValueError:
        raise ImproperlyConfigured(f"{what} is not valid base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{what} must decode to 32 bytes, not {len(key)}")
    return key


@cache
def _keyring(spec: str) -> tuple[tuple[str, AESGCM], ...]:
    ring = []
    for part in spec.split(","):
        key_id, sep, raw = part.strip().partition(":")
        if not sep or not key_id or ":" in raw:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS must be 'id:base64key' pairs separated by commas")
        ring.append((key_id, AESGCM(_decode_key(raw, f"FIELD_ENCRYPTION_KEYS[{key_id}]"))))
    return tuple(ring)


def keyring() -> tuple[tuple[str, AESGCM], ...]:
    return _keyring(settings.FIELD_ENCRYPTION_KEYS)


@cache
def _hash_key(spec: str) -> bytes:
    return _decode_key(spec, "FIELD_HASH_KEY")


def encrypt(plaintext: str) -> str:
    key_id, aead = keyring()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = aead.encrypt(nonce, plaintext.encode(), key_id.encode())
    return f"{key_id}:{base64.b64encode(nonce + sealed).decode()}"


def decrypt(token: str) -> str:
    key_id, sep, body = token.partition(":")
    if not sep:
        raise DecryptionError("not an encrypted value")
    for candidate_id, aead in keyring():
        if candidate_id == key_id:
            blob = base64.b64decode(body)
            try:
                return aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], key_id.encode()).decode()
            except Exception as exc:
                raise DecryptionError(f"value sealed with key {key_id} does not open") from exc
    raise DecryptionError(f"key {key_id} is not in FIELD_ENCRYPTION_KEYS")


def sealed_with_current_key(token: str) -> bool:
    return token.partition(":")[0] == keyring()[0][0]


@cache
def _keyed_hash(spec: str) -> hmac.HMAC:
    """The HMAC with its key already mixed in: copying it is cheaper than keying anew (a roster
    import hashes hundreds of thousands of values)."""
    return hmac.new(_hash_key(spec), digestmod=hashlib.sha256)


def blind_index(value: str) -> str:
    """A keyed hash (HMAC-SHA256) of a normalised value: equal values find each other, nothing leaks."""
    if not value:
        return ""
    digest = _keyed_hash(settings.FIELD_HASH_KEY).copy()
    digest.update(value.encode())
    return digest.hexdigest()[:40]
