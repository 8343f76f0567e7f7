"""Cross-document views: corpus entities, their co-occurrence graph and tracked claims.

This module owns both the API routes (``/api/v1/entities``, ``/graph``, ``/claims``) and the
pages (``/entities``, ``/entities/{id}``, ``/graph``, ``/claims``) over what the store links
across documents (docs/store.md). It only reads: merging and splitting entities is
``curation.py``, the timeline ``events.py``. The graph page draws in the browser
(static/graph.js) from JSON the page carries, and lists the same edges as a table.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from fastapi.templating import Jinja2Templates

from scrutiny.corpus.dossier import dossier_documents
from scrutiny.corpus.graph import to_json
from scrutiny.store.base import CorpusEntity, EntityEdge, Store
from scrutiny.timeline import date_key
from scrutiny.web import deps
from scrutiny.web.schema import ERROR_RESPONSES

api = APIRouter(
    prefix="/api/v1",
    tags=["corpus"],
    dependencies=[Depends(HTTPBearer(auto_error=False))],
    responses=ERROR_RESPONSES,
)
pages = APIRouter(include_in_schema=False)
RELATED = 30  # entities listed as "named together with" on an entity page
# Documents on one entity page: each is read whole for its mentions, roles and events, so an
# entity named in 1,400 documents took 7 s to show them all.
PAGE_DOCUMENTS = 100
Name = Annotated[str, Query(max_length=200)]
MAX_ENTITY_ID = 2**62  # SQLite integers are 64-bit; larger ids are simply unknown
EntityId = Annotated[int, Path(ge=1, le=MAX_ENTITY_ID)]
MAX_WEIGHT = 1_000_000  # a minimum of shared documents; past the corpus size it finds nothing
# Edges the graph page draws by default: past a few hundred a force layout is a hairball, and
# its cost in the browser grows with the square of the nodes.
GRAPH_EDGES = 150
MAX_GRAPH_PAGE_EDGES = 600
# Entity types with a colour of their own on the graph (classes g0..g7 in app.css); every
# other type shares the last colour.
GRAPH_TYPES = ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW")
OTHER_TYPES = len(GRAPH_TYPES)


def entity_details(store: Store, entity_id: int) -> dict[str, Any]:
    """An entity, the documents naming it (with evidence) and the entities named with it."""
    entity, members = store.corpus_entity(entity_id)
    nodes, edges = store.entity_graph(entity=entity_id, limit=RELATED)
    return {
        "entity": entity,
        "documents": members,
        "related": _related(entity_id, nodes, edges),
    }


def entity_page_context(store: Store, entity_id: int, page: int = 1) -> dict[str, Any]:
    """The entity page: :func:`entity_details` plus what the documents of one page
    (PAGE_DOCUMENTS of them, oldest first) say about it (roles over time, mentions and events
    per document) and what a person may merge into it."""
    found = entity_details(store, entity_id)
    members = found["documents"]
    doc_ids = list(dict.fromkeys(m.doc_id for m in members))
    shown = set(doc_ids[(page - 1) * PAGE_DOCUMENTS : page * PAGE_DOCUMENTS])
    on_page = [m for m in members if m.doc_id in shown]
    dossier = dossier_documents(store, on_page)
    return {
        **found,
        "documents": on_page,
        "dossier": {d["id"]: d for d in dossier},
        "roles_over_time": roles_over_time(dossier),
        "events": sum(len(d["events"]) for d in dossier),
        "member_names": sorted({m.name for m in members}, key=str.casefold),
        "candidates": merge_candidates(store, found["entity"]),
        "page": page,
        "pages": -(-len(doc_ids) // PAGE_DOCUMENTS),
        "first_shown": (page - 1) * PAGE_DOCUMENTS + 1,
        "shown": len(shown),
        "total_documents": len(doc_ids),
    }


def roles_over_time(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each role a document gives the entity, once per document, by the document's date
    (undated documents last, in the order they were added)."""
    rows = []
    for doc in documents:
        seen = set()
        for role in doc["roles"]:
            key = (role["role"], role["when"])
            if key in seen:
                continue
            seen.add(key)
            rows.append(
                {**role, "doc_id": doc["id"], "title": doc["title"], "published": doc["published"]}
            )
    return sorted(rows, key=lambda r: date_key(r["published"]))


def merge_candidates(store: Store, entity: CorpusEntity, limit: int = 10) -> list[CorpusEntity]:
    """Other entities of the same type going by one of its names: what a person most likely
    wants to merge (the automatic linking keeps apart what it is unsure of)."""
    out: dict[int, CorpusEntity] = {}
    for name in entity.names[:5]:
        for other in store.corpus_entities(name, limit=limit):
            if other.id != entity.id and other.type == entity.type:
                out.setdefault(other.id, other)
    return sorted(out.values(), key=lambda e: (-e.documents, e.id))[:limit]


def type_colour(entity_type: str) -> int:
    """The colour class (``g<n>``) of an entity type on the graph."""
    return GRAPH_TYPES.index(entity_type) if entity_type in GRAPH_TYPES else OTHER_TYPES


def graph_data(nodes: list[CorpusEntity], edges: list[EntityEdge]) -> dict[str, Any]:
    """What the graph page draws: ``scrutiny graph --format json`` with a colour per node and
    without the evidence documents of each edge (the table and the entity pages list them)."""
    data = to_json(nodes, edges)
    for node in data["nodes"]:
        node["colour"] = type_colour(node["type"])
    for edge in data["edges"]:
        del edge["documents"]
    return data


def find_entity(store: Store, entity: int | None, name: str) -> CorpusEntity | None:
    """The entity a page is centred on: by number, else the best match for a name."""
    if entity is not None:
        return store.corpus_entity(entity)[0]
    found = store.corpus_entities(name, limit=1) if name.strip() else []
    return found[0] if found else None


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
def get_entity(request: Request, entity_id: EntityId) -> dict[str, Any]:
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
    min_weight: Annotated[int, Query(ge=1, le=MAX_WEIGHT)] = 1,
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
    request: Request, entity_id: EntityId, page: Annotated[int, Query(ge=1, le=1_000_000)] = 1
) -> Response:
    with deps.store(request) as store:
        context = entity_page_context(store, entity_id, page)
    return _page(request, "entity.html", nav="entities", **context)


@pages.get("/graph")
def graph_page(
    request: Request,
    q: Name = "",
    entity: Annotated[int | None, Query(ge=1, le=MAX_ENTITY_ID)] = None,
    min_weight: Annotated[int, Query(ge=1, le=MAX_WEIGHT)] = 1,
    limit: Annotated[int, Query(ge=1, le=MAX_GRAPH_PAGE_EDGES)] = GRAPH_EDGES,
) -> Response:
    """The co-occurrence graph, whole or around one entity (by number, or a name in ``q``)."""
    with deps.store(request) as store:
        centre = find_entity(store, entity, q)
        unknown = centre is None and bool(q.strip())
        nodes: list[CorpusEntity] = []
        edges: list[EntityEdge] = []
        if not unknown:  # an unknown name draws nothing rather than, silently, everything
            around = centre.id if centre is not None else None
            nodes, edges = store.entity_graph(entity=around, min_weight=min_weight, limit=limit)
    by_id = {n.id: n for n in nodes}
    types = sorted({n.type for n in nodes}, key=lambda t: (type_colour(t), t))
    return _page(
        request,
        "graph.html",
        nav="graph",
        q=centre.name if centre is not None else q,
        centre=centre,
        unknown=unknown,
        min_weight=min_weight,
        limit=limit,
        data=graph_data(nodes, edges),
        legend=[(t, type_colour(t)) for t in types],
        edges=[(by_id[e.source], by_id[e.target], e) for e in edges],
    )


@pages.get("/claims")
def claims_page(
    request: Request, min_documents: Annotated[int, Query(ge=1, le=1_000)] = 2
) -> Response:
    with deps.store(request) as store:
        clusters = store.claim_clusters(min_documents=min_documents, limit=50)
    return _page(
        request, "claims.html", nav="claims", clusters=clusters, min_documents=min_documents
    )
