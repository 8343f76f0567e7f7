"""The timeline: events across the store in date order, whole or around one corpus entity.

This module owns which documents a timeline reads and which of their events it keeps (the API
route ``/api/v1/timeline`` and the page ``/timeline``); turning event annotations into rows and
ordering them (dated first, by the start of their date; undated last, in text order) is
:mod:`scrutiny.timeline`, shared with ``scrutiny timeline``. The store has no index of events,
so a timeline reads analyses: the documents naming the entity, else the newest documents, at
most :data:`MAX_DOCUMENTS` of them.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from fastapi.templating import Jinja2Templates

from scrutiny.model import Analysis
from scrutiny.store.base import CorpusEntity, Store
from scrutiny.timeline import TimelineEntry, entries, order
from scrutiny.web import deps
from scrutiny.web.corpus import MAX_ENTITY_ID, Name, find_entity
from scrutiny.web.schema import ERROR_RESPONSES

log = logging.getLogger("scrutiny.web")
api = APIRouter(
    prefix="/api/v1",
    tags=["corpus"],
    dependencies=[Depends(HTTPBearer(auto_error=False))],
    responses=ERROR_RESPONSES,
)
pages = APIRouter(include_in_schema=False)
MAX_DOCUMENTS = 200  # analyses read for one timeline (a few ms each)
LAYERS = ("entity", "event")  # what a timeline row is made of: the rest is not read
PAGE_EVENTS = 1_000  # rows the page lists; the API's limit goes as far
EventType = Annotated[str | None, Query(max_length=40, description="only events of this type")]


@dataclass(frozen=True)
class Timeline:
    """Events in date order, where they come from, and whether anything was left out."""

    rows: list[TimelineEntry]
    documents: dict[str, Analysis]  # by id: each row's document, for its title and date
    scanned: int
    capped: bool  # more documents qualified than were read


def build(store: Store, centre: CorpusEntity | None) -> Timeline:
    """The events of the documents naming ``centre`` (those naming it as a participant), or
    of the newest documents when there is no centre."""
    wanted = _members(store, centre) if centre is not None else None
    if wanted is not None:
        ids = list(wanted)
    else:
        ids = [d.id for d in store.documents(limit=MAX_DOCUMENTS + 1)]
    capped = len(ids) > MAX_DOCUMENTS
    analyses = {doc_id: store.get(doc_id, layers=LAYERS) for doc_id in ids[:MAX_DOCUMENTS]}
    rows: list[TimelineEntry] = []
    for doc_id, analysis in analyses.items():
        found = _entries(analysis)
        if wanted is not None:
            found = [r for r in found if _names(r, wanted[doc_id])]
        rows.extend(found)
    return Timeline(order(rows), analyses, len(analyses), capped)


def of_type(rows: list[TimelineEntry], event_type: str | None) -> list[TimelineEntry]:
    wanted = (event_type or "").strip()
    return [r for r in rows if r.type == wanted] if wanted else rows


def type_counts(rows: list[TimelineEntry]) -> list[tuple[str, int]]:
    """Event types among the rows, the most frequent first, for narrowing the timeline."""
    return Counter(r.type for r in rows).most_common()


def _members(store: Store, centre: CorpusEntity) -> dict[str, set[str]]:
    """The document-level entity ids the corpus entity stands for, by document."""
    by_doc: dict[str, set[str]] = {}
    for member in store.corpus_entity(centre.id)[1]:
        by_doc.setdefault(member.doc_id, set()).add(member.entity_id)
    return by_doc


def _entries(analysis: Analysis) -> list[TimelineEntry]:
    try:
        return entries(analysis)
    except (KeyError, TypeError, ValueError):
        # An event layer of another shape (an older analyzer, an import) must not take the
        # whole timeline down: that document's events are left out, and the log says why.
        log.warning("events of %s could not be read", analysis.document.id, exc_info=True)
        return []


def _names(row: TimelineEntry, entity_ids: set[str]) -> bool:
    return any(p.entity in entity_ids for p in row.participants)


def row_dict(row: TimelineEntry, analysis: Analysis) -> dict[str, Any]:
    doc = analysis.document
    return {**asdict(row), "title": doc.title, "published": doc.published}


# --- API -------------------------------------------------------------------------------------


@api.get("/timeline", summary="Events across the store in date order (undated last)")
def timeline(
    request: Request,
    entity: Annotated[
        int | None, Query(ge=1, le=MAX_ENTITY_ID, description="corpus entity number")
    ] = None,
    type: EventType = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> dict[str, Any]:
    with deps.store(request) as store:
        centre = find_entity(store, entity, "")
        found = build(store, centre)
    rows = of_type(found.rows, type)
    return {
        "events": [row_dict(r, found.documents[r.document]) for r in rows[:limit]],
        "total": len(rows),
        "documents": found.scanned,
        "capped": found.capped,
    }


# --- page ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Consecutive rows of one year, or the undated ones, for a heading each."""

    title: str
    rows: list[TimelineEntry]


def periods(rows: Iterable[TimelineEntry]) -> list[Period]:
    out: list[Period] = []
    for row in rows:
        dated, year = row.key[0] == 0, row.key[1]
        title = str(year) if dated else "Undated"
        if not out or out[-1].title != title:
            out.append(Period(title, []))
        out[-1].rows.append(row)
    return out


@pages.get("/timeline")
def timeline_page(
    request: Request,
    q: Name = "",
    entity: Annotated[int | None, Query(ge=1, le=MAX_ENTITY_ID)] = None,
    type: EventType = None,
) -> Response:
    """The timeline page; ``q`` names an entity in any spelling, ``entity`` is its number."""
    with deps.store(request) as store:
        centre = find_entity(store, entity, q)
        unknown = centre is None and bool(q.strip())
        found = None if unknown else build(store, centre)
    every = found.rows if found is not None else []
    rows = of_type(every, type)
    templates: Jinja2Templates = request.app.state.templates
    context = {
        "nav": "timeline",
        "q": centre.name if centre is not None else q,
        "centre": centre,
        "unknown": unknown,
        "type": (type or "").strip(),
        "types": type_counts(every),
        "periods": periods(rows[:PAGE_EVENTS]),
        "total": len(rows),
        "shown": min(len(rows), PAGE_EVENTS),
        "found": found,
    }
    return templates.TemplateResponse(request, "timeline.html", context)
