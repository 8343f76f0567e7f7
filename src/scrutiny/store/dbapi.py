"""The little of a DB-API connection that the backend-shared indexes need.

:class:`scrutiny.store.sqlite_entities.EntityIndex` and
:class:`scrutiny.store.sqlite_claims.ClaimIndex` hold the linking and clustering logic once, for
every backend: they write portable SQL (``?`` placeholders, ``ON CONFLICT``, ``RETURNING``) and
read rows by column name or position. An ``sqlite3.Connection`` with ``sqlite3.Row`` rows fits
this protocol as it is; the PostgreSQL store passes an adapter (``scrutiny.store.postgres_db``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
# Far under what one statement may take (SQLite's default limit is 32,766 parameters), so a long
# list of keys costs a few statements and never an error.
PARAMETERS_PER_QUERY = 500


class Rows(Protocol):
    """A cursor after ``execute``: rows index by column name and by position."""

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """Runs ``?``-style statements inside the caller's transaction."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Rows: ...

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> object: ...


def chunked(values: Sequence[T], parameters_each: int = 1) -> Iterator[Sequence[T]]:
    """``values`` in pieces that fit one statement, each value taking ``parameters_each``."""
    step = PARAMETERS_PER_QUERY // parameters_each
    for i in range(0, len(values), step):
        yield values[i : i + step]
