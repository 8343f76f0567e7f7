"""Cross-document views: corpus entities, their co-occurrence graph and tracked claims.

This module owns both the API routes (``/api/v1/entities``, ``/graph``, ``/claims``) and the
pages (``/entities``, ``/entities/{id}``, ``/claims``) over what the store links across
documents (docs/store.md). Everything is read-only; merging and splitting entities stay on the
command line for now.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from fastapi.templating import Jinja2Templates

from scrutiny.store.base import CorpusEntity, EntityEdge, Store
from scrutiny.web import deps

api = APIRouter(
    prefix="/api/v1", tags=["corpus"], dependencies=[Depends(HTTPBearer(auto_error=False))]
)
pages = APIRouter(include_in_schema=False)
RELATED = 30  # entities listed as "named together with" on an entity page
Name = Annotated[str, Query(max_length=200)]
MAX_ENTITY_ID = 2**62  # SQLite integers are 64-bit; larger ids are simply unknown


def entity_details(store: Store, entity_id: int) -> dict[str, Any]:
    """An entity, the documents naming it (with evidence) and the entities named with it."""
    entity, members = store.corpus_entity(entity_id)
    nodes, edges = store.entity_graph(entity=entity_id, limit=RELATED)
    return {
        "entity": entity,
        "documents": members,
        "related": _related(entity_id, nodes, edges),
    }


def _related(
    entity_id: int, nodes: list[CorpusEntity], edges: list[EntityEdge]
) -> list[tuple[CorpusEntity, EntityEdge]]:
    by_id = {n.id: n for n in nodes}
    out = []
    for edge in edges:
        other = edge.target if edge.source == entity_id else edge.source
        if other in by_id:
            out.append((by_id[other], edge))
    return sorted(out, key=lambda pair: (-pair[1].weight, pair[0].name))


# --- API -------------------------------------------------------------------------------------


@api.get(
    "/entities", summary="Corpus entities matching a name (any spelling), most documents first"
)
def list_entities(
    request: Request, q: Name = "", limit: Annotated[int, Query(ge=1, le=500)] = 20
) -> dict[str, Any]:
    with deps.store(request) as store:
        return {"entities": [asdict(e) for e in store.corpus_entities(q, limit=limit)]}


@api.get("/entities/{entity_id}", summary="One corpus entity: documents, evidence, related")
def get_entity(
    request: Request, entity_id: Annotated[int, Path(ge=1, le=MAX_ENTITY_ID)]
) -> dict[str, Any]:
    with deps.store(request) as store:
        found = entity_details(store, entity_id)
    return {
        "entity": asdict(found["entity"]),
        "documents": [asdict(m) for m in found["documents"]],
        "related": [
            {"entity": asdict(node), "weight": edge.weight, "documents": list(edge.documents)}
            for node, edge in found["related"]
        ],
    }


@api.get("/graph", summary="Entity co-occurrence graph: nodes, and edges weighted by documents")
def graph(
    request: Request,
    entity: Annotated[int | None, Query(ge=1, le=MAX_ENTITY_ID)] = None,
    min_weight: Annotated[int, Query(ge=1)] = 1,
    limit: Annotated[int, Query(ge=1, le=5_000)] = 500,
) -> dict[str, Any]:
    with deps.store(request) as store:
        nodes, edges = store.entity_graph(entity=entity, min_weight=min_weight, limit=limit)
    return {"nodes": [asdict(n) for n in nodes], "edges": [asdict(e) for e in edges]}


@api.get("/claims", summary="Claims repeated across documents, with their first appearance")
def claims(
    request: Request,
    min_documents: Annotated[int, Query(ge=1, le=1_000)] = 2,
    limit: Annotated[int, Query(ge=1, le=500)] = 20,
) -> dict[str, Any]:
    with deps.store(request) as store:
        clusters = store.claim_clusters(min_documents=min_documents, limit=limit)
    return {"clusters": [asdict(c) for c in clusters]}


# --- pages -----------------------------------------------------------------------------------


def _page(request: Request, template: str, **context: Any) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, template, context)


@pages.get("/entities")
def entities_page(request: Request, q: Name = "") -> Response:
    with deps.store(request) as store:
        found = store.corpus_entities(q, limit=100)
    return _page(request, "entities.html", nav="entities", q=q, entities=found)


@pages.get("/entities/{entity_id}")
def entity_page(
    request: Request, entity_id: Annotated[int, Path(ge=1, le=MAX_ENTITY_ID)]
) -> Response:
    with deps.store(request) as store:
        found = entity_details(store, entity_id)
    return _page(request, "entity.html", nav="entities", **found)


@pages.get("/claims")
def claims_page(
    request: Request, min_documents: Annotated[int, Query(ge=1, le=1_000)] = 2
) -> Response:
    with deps.store(request) as store:
        clusters = store.claim_clusters(min_documents=min_documents, limit=50)
    return _page(
        request, "claims.html", nav="claims", clusters=clusters, min_documents=min_documents
    )
