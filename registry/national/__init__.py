"""Reconciliation with the national children's welfare information system (全国儿童福利信息系统).

通知 二.3: "认真对照全国儿童福利信息系统，边摸排边更新". The national system has no API: staff move
data in and out of it as Excel files. This package reads its export through a column mapping,
compares it with the archive per town, remembers identities across the two systems, and writes
the children to add or update in the national form's columns and codes.
"""
