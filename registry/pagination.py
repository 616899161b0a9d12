"""Pagination of the child list at province scale.

The page itself is cheap (PostgreSQL walks the villages in code order and sorts each one's children,
registry.filters.SORTS), but "共 N 名" is a COUNT(*) over every child in scope: over a million
children for the bureau, 100 ms or more on two cores, on every page. Large counts are therefore
kept in the cache for a minute, shared by every user with the same scope and filters (the count
query's SQL is the key); counts under LARGE_COUNT are always exact, so a town's or a village's
list shows an edit at once.
"""

import hashlib
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Paginator

LARGE_COUNT = 10_000
COUNT_SECONDS = 60


def count_cache_key(queryset) -> str:
    sql, params = queryset.order_by().query.sql_with_params()
    digest = hashlib.sha256(f"{sql}|{params!r}".encode()).hexdigest()[:32]
    return f"list-count:{queryset.model._meta.label_lower}:{digest}"


class CachedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        key = count_cache_key(self.object_list)
        found = cache.get(key)
        if found is not None:
            return found
        counted = self.object_list.count()
        if counted >= LARGE_COUNT:
            cache.set(key, counted, COUNT_SECONDS)
        return counted
