"""The registry's pages: lists, the archive page, survey entry, field checks and exits."""

from .archive import child_detail, child_reveal
from .lists import child_list, suspected_list
from .survey import adult_lookup, child_create, child_edit
from .workflows import child_exit, child_field_check

__all__ = [
    "adult_lookup",
    "child_create",
    "child_detail",
    "child_edit",
    "child_exit",
    "child_field_check",
    "child_list",
    "child_reveal",
    "suspected_list",
]
