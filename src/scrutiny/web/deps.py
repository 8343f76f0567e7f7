"""What routes share: the per-request store, the search parameters and their reading.

A store connection is opened inside the (synchronous) route that uses it and closed when it
returns: SQLite connections belong to the thread that opened them, and FastAPI runs a sync
route and a sync dependency on possibly different worker threads.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Annotated

from fastapi import Query, Request

from scrutiny.store.base import SearchFilters, Store
from scrutiny.web.jobs import JobQueue
from scrutiny.web.service import Analyser, Settings

MAX_PARAM = 2_000  # characters of one filter value; the store caps queries the same way


def settings(request: Request) -> Settings:
    value: Settings = request.app.state.settings
    return value


def analyser(request: Request) -> Analyser:
    value: Analyser = request.app.state.analyser
    return value


@contextmanager
def store_at(path: str) -> Iterator[Store]:
    from scrutiny.store import open_store

    opened = open_store(path)
    try:
        yield opened
    finally:
        opened.close()


def store(request: Request) -> AbstractContextManager[Store]:
    return store_at(settings(request).store_path)


def jobs(request: Request) -> JobQueue:
    value: JobQueue = request.app.state.jobs
    return value


Param = Annotated[str | None, Query(max_length=MAX_PARAM)]


@dataclass(frozen=True)
class SearchParams:
    """A search as it arrives in a URL: the same names on the API and the search page."""

    q: str
    filters: SearchFilters

    @property
    def is_empty(self) -> bool:
        return not self.q.strip() and self.filters.is_empty()


def search_params(
    q: Annotated[str, Query(max_length=MAX_PARAM)] = "",
    entity: Param = None,
    type: Param = None,  # the public parameter name, as on the command line
    technique: Param = None,
    signal: Param = None,
    date_from: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    date_to: Annotated[str | None, Query(alias="to", max_length=40)] = None,
    source: Param = None,
    language: Annotated[str | None, Query(max_length=20)] = None,
) -> SearchParams:
    """Read the query string; empty values mean "no filter" (an HTML form sends them)."""

    def given(value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    filters = SearchFilters(
        entity=given(entity),
        entity_type=given(type),
        technique=given(technique),
        signal=given(signal),
        date_from=given(date_from),
        date_to=given(date_to),
        source=given(source),
        language=given(language),
    )
    return SearchParams(q=q, filters=filters)


# URL parameter name of each filter field, for building links back to the search page.
FILTER_PARAMS = {
    "entity": "entity",
    "entity_type": "type",
    "technique": "technique",
    "signal": "signal",
    "date_from": "from",
    "date_to": "to",
    "source": "source",
    "language": "language",
}
