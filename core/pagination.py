"""A paginator for lists that may hold millions of rows (the outbox)."""

from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``), so a page of
    a very large table costs the same as a page of a small one; past the cap, ``capped`` is
    True and only the first ``cap`` rows can be paged through (filters narrow the rest)."""

    cap = 10_000

    @cached_property
    def _counted(self) -> int:
        return self.object_list[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @property
    def capped(self) -> bool:
        return self._counted > self.cap
