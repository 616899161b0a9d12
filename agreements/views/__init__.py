from .child import child_agreement, end, mark_resign, scan, sign, upload_scan
from .coverage import children_export, children_list, coverage
from .printing import print_child, print_village

__all__ = [
    "child_agreement",
    "children_export",
    "children_list",
    "coverage",
    "end",
    "mark_resign",
    "print_child",
    "print_village",
    "scan",
    "sign",
    "upload_scan",
]
