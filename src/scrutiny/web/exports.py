"""Exports over HTTP: every stored analysis as JSON Lines or CSV, and the entity graph as
GraphML or GEXF, in the same formats as ``scrutiny export`` and ``scrutiny graph``.

The analyses stream one at a time from a store opened for the response itself, so an export of a
large corpus holds one analysis in memory, whatever the corpus size.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from fastapi.security import HTTPBearer

from scrutiny.corpus.graph import serialise
from scrutiny.export import CSV_COLUMNS, csv_rows, jsonl_line
from scrutiny.web import deps
from scrutiny.web.corpus import MAX_ENTITY_ID
from scrutiny.web.schema import ERROR_RESPONSES

api = APIRouter(
    prefix="/api/v1",
    tags=["exports"],
    dependencies=[Depends(HTTPBearer(auto_error=False))],
    responses=ERROR_RESPONSES,
)

_MEDIA = {"jsonl": "application/x-ndjson", "csv": "text/csv; charset=utf-8"}
_GRAPH_MEDIA = {"graphml": "application/graphml+xml", "gexf": "application/gexf+xml"}


@api.get(
    "/export",
    summary="Every stored analysis: lossless scrutiny/1 JSON Lines, or CSV with a row per finding",
    response_class=StreamingResponse,
    responses={200: {"description": "The export", "content": {m: {} for m in _MEDIA.values()}}},
)
def export(
    request: Request, format: Annotated[Literal["jsonl", "csv"], Query()] = "jsonl"
) -> StreamingResponse:
    path = deps.settings(request).store_path
    lines = _jsonl(path) if format == "jsonl" else _csv(path)
    headers = {"Content-Disposition": f'attachment; filename="scrutiny.{format}"'}
    return StreamingResponse(lines, media_type=_MEDIA[format], headers=headers)


def _jsonl(path: str) -> Iterator[str]:
    with deps.store_at(path) as store:
        for analysis in store.iter_analyses():
            yield jsonl_line(analysis)


def _csv(path: str) -> Iterator[str]:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    with deps.store_at(path) as store:
        for analysis in store.iter_analyses():
            buffer.seek(0)
            buffer.truncate()
            writer.writerows(csv_rows(analysis))
            yield buffer.getvalue()


@api.get(
    "/graph/export",
    summary="The entity graph as GraphML or GEXF (Gephi, networkx)",
    response_class=Response,
    responses={
        200: {"description": "The graph", "content": {m: {} for m in _GRAPH_MEDIA.values()}}
    },
)
def graph_export(
    request: Request,
    format: Annotated[Literal["graphml", "gexf"], Query()] = "graphml",
    entity: Annotated[int | None, Query(ge=1, le=MAX_ENTITY_ID)] = None,
    min_weight: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    limit: Annotated[int, Query(ge=1, le=5_000)] = 500,
) -> Response:
    with deps.store(request) as store:
        nodes, edges = store.entity_graph(entity=entity, min_weight=min_weight, limit=limit)
    headers = {"Content-Disposition": f'attachment; filename="scrutiny-graph.{format}"'}
    return Response(
        serialise(nodes, edges, format), media_type=_GRAPH_MEDIA[format], headers=headers
    )
