"""Model fields that keep personal information encrypted in the database."""

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Stores `crypto.encrypt(value)`; Python code sees the plain string ('' when empty).

    Not searchable or sortable in SQL: pair it with a blind-index column (crypto.blind_index)
    for exact look-ups, and a masked column for lists.
    """

    description = "Encrypted text (AES-GCM)"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        if not value:
            return ""
        return crypto.decrypt(value)

    def to_python(self, value):
        return "" if value is None else str(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return ""
        return crypto.encrypt(value)
