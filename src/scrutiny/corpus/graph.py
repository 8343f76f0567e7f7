"""The entity graph: corpus entities as nodes, documents naming two of them as weighted edges.

An edge's ``weight`` is the number of documents naming both; ``events`` counts the events in
which both take part (as agent, patient or place), the event-participation side of the graph.

The store answers which entities co-occur (``Store.entity_graph``); this module turns that into
a :class:`networkx.Graph` and writes it as GraphML or GEXF for Gephi and similar tools, or as the
JSON the web UI draws. Each edge keeps the ids of the documents it rests on, as evidence.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from scrutiny.store.base import CorpusEntity, EntityEdge

if TYPE_CHECKING:
    import networkx as nx

FORMATS = ("json", "graphml", "gexf")


def to_networkx(nodes: list[CorpusEntity], edges: list[EntityEdge]) -> nx.Graph[int]:
    """An undirected graph; list-valued attributes become text, which GraphML and GEXF need."""
    import networkx as nx

    g: nx.Graph[int] = nx.Graph()
    for n in nodes:
        g.add_node(
            n.id,
            label=n.name,
            type=n.type,
            documents=n.documents,
            names="; ".join(n.names),
        )
    for e in edges:
        g.add_edge(
            e.source,
            e.target,
            weight=e.weight,
            events=e.events,
            documents=" ".join(e.documents),
        )
    return g


def to_json(nodes: list[CorpusEntity], edges: list[EntityEdge]) -> dict[str, Any]:
    return {
        "nodes": [
            {"id": n.id, "name": n.name, "type": n.type, "documents": n.documents} for n in nodes
        ],
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "weight": e.weight,
                "events": e.events,
                "documents": list(e.documents),
            }
            for e in edges
        ],
    }


def serialise(nodes: list[CorpusEntity], edges: list[EntityEdge], fmt: str) -> bytes:
    """The graph in ``fmt`` (one of :data:`FORMATS`) as UTF-8 bytes."""
    if fmt == "json":
        import json

        return json.dumps(to_json(nodes, edges), ensure_ascii=False, indent=2).encode()
    import networkx as nx

    g = to_networkx(nodes, edges)
    buffer = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(g, buffer, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(g, buffer, encoding="utf-8")
    else:
        raise ValueError(f"unknown graph format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return buffer.getvalue()
