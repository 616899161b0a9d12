"""The benchmark's tests: the seeder and the harness on a tiny N (PostgreSQL only: the seeder bulk-
loads with COPY), and the query counts of the pages (both databases)."""

import pytest
from django.db import connection

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bench seeder bulk-loads with PostgreSQL's COPY"
)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """A tiny bench archive, seeded once for the module (TRUNCATE and VACUUM need autocommit, so
    outside the tests' transactions); emptied again afterwards, with the seeder's marker table."""
    from bench.seed import MARKER, SEEDED_TABLES, seed

    with django_db_blocker.unblock():
        info = seed(children=300, log=lambda *args: None)
    yield info
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(SEEDED_TABLES)} RESTART IDENTITY CASCADE")
        cursor.execute(f"DROP TABLE IF EXISTS {MARKER}")
