"""Everything the corpus knows about one entity: its documents, mentions, roles and events.

The command line (``scrutiny entity NAME``) and the web UI show the same dossier, a JSON-ready
dict built from the store: the corpus entity, then per document the link's confidence and
evidence and the findings that refer to the document's entity.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scrutiny.model import Analysis, Annotation
from scrutiny.store.base import CorpusEntity, EntityMember, Store

MAX_MENTIONS = 50  # per document; the count is always complete
LAYERS = ("mention", "role", "event")  # what a dossier reads of each document


def entity_dossier(store: Store, entity: int) -> dict[str, Any]:
    """The dossier of corpus entity ``entity``, documents oldest first."""
    corpus, members = store.corpus_entity(entity)
    return {"entity": entity_summary(corpus), "documents": dossier_documents(store, members)}


def dossier_documents(store: Store, members: list[EntityMember]) -> list[dict[str, Any]]:
    """The dossier's part for the documents of ``members``, in their order; each document is
    read whole, so a caller showing part of a big entity passes that part only."""
    by_doc: dict[str, list[EntityMember]] = {}
    for m in members:
        by_doc.setdefault(m.doc_id, []).append(m)
    return [
        _document(store.get(doc_id, layers=LAYERS), linked) for doc_id, linked in by_doc.items()
    ]


def entity_summary(e: CorpusEntity) -> dict[str, Any]:
    return {
        "id": e.id,
        "name": e.name,
        "type": e.type,
        "names": list(e.names),
        "roles": list(e.roles),
        "documents": e.documents,
    }


def _document(analysis: Analysis, linked: list[EntityMember]) -> dict[str, Any]:
    doc = analysis.document
    ids = {m.entity_id for m in linked}
    mentions = [a for a in analysis.layer("mention") if a.attrs.get("entity") in ids]
    return {
        "id": doc.id,
        "title": doc.title,
        "published": doc.published,
        "source": doc.source,
        "links": [
            {
                "entity": m.entity_id,
                "name": m.name,
                "type": m.type,
                "confidence": m.confidence,
                "evidence": list(m.evidence),
            }
            for m in linked
        ],
        "mention_count": len(mentions),
        "mentions": [_span(analysis, a) for a in mentions[:MAX_MENTIONS]],
        "roles": [
            {**_span(analysis, a), "role": a.attrs.get("role"), "when": a.attrs.get("when")}
            for a in analysis.layer("role")
            if a.attrs.get("entity") in ids
        ],
        "events": [
            {**_span(analysis, a), "type": a.label, "date": a.attrs.get("date")}
            for a in analysis.layer("event")
            if _refers_to(a.attrs, ids)
        ],
    }


def _span(analysis: Analysis, a: Annotation) -> dict[str, Any]:
    return {
        "start": a.span.start,
        "end": a.span.end,
        "text": analysis.document.slice(a.span),
        "analyzer": a.analyzer,
        "confidence": a.confidence,
    }


def _refers_to(value: Any, ids: set[str]) -> bool:
    """Whether an attrs value names one of ``ids`` anywhere inside it (participants, place…)."""
    if isinstance(value, str):
        return value in ids
    if isinstance(value, Mapping):
        return any(_refers_to(v, ids) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_refers_to(v, ids) for v in value)
    return False
