"""Whose name goes on history rows written outside a web request (jobs, commands, imports)."""

import functools
from contextlib import contextmanager
from types import SimpleNamespace

from simple_history.models import HistoricalRecords


@contextmanager
def acting_user(user):
    """Inside, history rows name `user` when no request is being served (the web request's user,
    set by simple-history's middleware, always wins)."""
    if user is None or getattr(HistoricalRecords.context, "request", None) is not None:
        yield
        return
    HistoricalRecords.context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        del HistoricalRecords.context.request


def attributed(service):
    """Run a keyword-only service that takes `user=` under `acting_user(user)`."""

    @functools.wraps(service)
    def wrapper(*args, **kwargs):
        with acting_user(kwargs.get("user")):
            return service(*args, **kwargs)

    return wrapper
