"""FollowTheMoney entities of a stored corpus, for Aleph and the other FtM tools.

Each document becomes an ``Article``; each person, organisation and place a ``Person``,
``Organization`` or ``Address`` whose id comes from its corpus entity, so one person named in
many documents is one FtM entity (written once per document as a fragment with that document's
names and roles; FtM tools merge fragments by id); each mention a ``Mention`` tying the name in a
document to the entity; each event an ``Event`` with its participants and the article as proof.
Ids are stable: the same store exports the same ids, and a document's entities keep theirs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scrutiny.model import Analysis
from scrutiny.store.base import Store

NAMESPACE = "scrutiny"
SCHEMA_OF_TYPE = {
    "PERSON": "Person",
    "ORG": "Organization",
    "FAC": "Organization",
    "GPE": "Address",
    "LOC": "Address",
}
_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def ftm_entities(store: Store) -> Iterator[dict[str, Any]]:
    """Every stored analysis as FtM entity dicts (``model.get_proxy`` reads each back)."""
    for analysis in store.iter_analyses():
        yield from document_entities(analysis, store.entity_links(analysis.document.id))


def document_entities(analysis: Analysis, links: dict[str, int]) -> Iterator[dict[str, Any]]:
    """The FtM entities of one analysis; ``links`` maps its entities to corpus entities."""
    from followthemoney import model

    doc = analysis.document
    article = model.make_entity("Article")
    article.make_id(NAMESPACE, "document", doc.id)
    article.add("title", doc.title)
    article.add("bodyText", doc.text)
    article.add("author", doc.author)
    article.add("language", analysis.language)
    if doc.published and _DATE.match(doc.published):
        article.add("publishedAt", doc.published[:10])
    if doc.source:
        article.add("sourceUrl" if "://" in doc.source else "fileName", doc.source)
    yield article.to_dict()

    ids: dict[str, str] = {}
    roles: dict[str, list[str]] = {}
    for r in analysis.layer("role"):
        if isinstance(r.attrs.get("entity"), str) and isinstance(r.attrs.get("role"), str):
            roles.setdefault(r.attrs["entity"], []).append(r.attrs["role"])
    for e in analysis.layer("entity"):
        schema = SCHEMA_OF_TYPE.get(e.label)
        if schema is None:
            continue
        entity = model.make_entity(schema)
        if e.id in links:
            entity.make_id(NAMESPACE, "entity", str(links[e.id]))
        else:  # not resolved across documents: an entity of this document alone
            entity.make_id(NAMESPACE, "entity", doc.id, e.id)
        name = str(e.attrs.get("name") or doc.slice(e.span))
        entity.add("name", name)
        entity.add("alias", [a for a in e.attrs.get("aliases") or [] if a != name])
        if schema == "Address":
            entity.add("full", name)
        if schema == "Person":
            entity.add("position", sorted(set(roles.get(e.id, []))))
        ids[e.id] = str(entity.id)
        yield entity.to_dict()

        mention = model.make_entity("Mention")
        mention.make_id(NAMESPACE, "mention", doc.id, e.id)
        mention.add("name", name)
        mention.add("resolved", entity.id)
        mention.add("document", article.id)
        mention.add("detectedSchema", schema)
        yield mention.to_dict()

    for v in analysis.layer("event"):
        event = model.make_entity("Event")
        event.make_id(NAMESPACE, "event", doc.id, v.id)
        event.add("name", f"{v.label}: {doc.slice(v.span)}")
        date = v.attrs.get("date")
        if isinstance(date, str) and _DATE.fullmatch(date):
            event.add("date", date)
        participants = [p for p in v.attrs.get("participants") or () if isinstance(p, dict)]
        event.add("involved", [ids[p["entity"]] for p in participants if p.get("entity") in ids])
        event.add(
            "location", [str(p.get("text")) for p in participants if p.get("role") == "place"]
        )
        event.add("proof", article.id)
        yield event.to_dict()
