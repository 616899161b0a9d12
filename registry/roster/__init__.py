"""Excel rosters (花名册, ROSTER.md): import with preview and error report, export, at province scale.

Public entry points: `roster_import` (service.py), `roster_export` (export.py), `write_error_report`
(report.py); `RosterFileRefused` (safety.py) for files refused before parsing.
"""
