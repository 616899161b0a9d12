"""Writes to care agreements (通知 二.2). Import from here: agreements.services.<name>."""

from .bulk import (
    NewChildren,
    agreements_on_archive_change,
    agreements_sign_from_roster,
    agreements_sign_new_children,
)
from .lifecycle import (
    AgreementConcurrentEditError,
    agreement_end,
    agreement_mark_resign,
    agreement_of,
    agreement_sign,
    agreement_upload_scan,
    agreements_mark_lapsed,
    default_valid_until,
)
from .parties import Parties, parties_of, principal_candidates, witness_name_for

__all__ = [
    "NewChildren",
    "AgreementConcurrentEditError",
    "Parties",
    "agreement_end",
    "agreement_mark_resign",
    "agreement_of",
    "agreement_sign",
    "agreement_upload_scan",
    "agreements_mark_lapsed",
    "agreements_on_archive_change",
    "agreements_sign_from_roster",
    "agreements_sign_new_children",
    "default_valid_until",
    "parties_of",
    "principal_candidates",
    "witness_name_for",
]
