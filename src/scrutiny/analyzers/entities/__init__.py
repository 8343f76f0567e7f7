"""The ``entities`` analyzer: named entities, their name mentions and linked pronouns.

It owns the ``entity`` and ``mention`` layers (docs/layers.md, docs/entities.md). The work is
split by step into the modules of this package: ``mentions`` finds names, ``types`` and
``clusters`` settle their types and merge them into entities, ``pronouns`` links pronouns; this
module turns the result into
annotations with evidence-based confidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from scrutiny.analyzers.entities.clusters import Cluster, aliases, build_entities, canonical
from scrutiny.analyzers.entities.mentions import find_mentions
from scrutiny.analyzers.entities.pronouns import PLURAL, NameSpan, PronounLink, link_pronouns
from scrutiny.analyzers.entities.spans import text_of
from scrutiny.pipeline import AnalysisState

if TYPE_CHECKING:
    from spacy.tokens import Doc


class EntityAnalyzer:
    """OntoNotes-typed entities from spaCy's NER, corrected, alias-merged, with pronoun links."""

    name: ClassVar[str] = "entities"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[tuple[str, ...]] = ("sentence",)
    produces: ClassVar[tuple[str, ...]] = ("entity", "mention")
    languages: ClassVar[tuple[str, ...] | None] = ("en",)

    def analyze(self, state: AnalysisState) -> None:
        doc = state.scratch.get("spacy")
        if doc is None or len(doc) == 0:
            return
        clusters = build_entities(doc, find_mentions(doc))
        ids = [_add_entity(state, doc, c) for c in clusters]
        id_of = {id(c): i for c, i in zip(clusters, ids, strict=True)}
        for c in clusters:
            _add_name_mentions(state, doc, c, id_of)
        names = [NameSpan(m.start, m.end, k) for k, c in enumerate(clusters) for m in c.mentions]
        links = link_pronouns(doc, names, [c.label for c in clusters], [c.gender for c in clusters])
        for link in links:
            _add_pronoun(state, doc, link, clusters, ids)


def entity_confidence(c: Cluster) -> float:
    """Best mention confidence, raised a little by repetition, lowered by type disagreement."""
    best = max(m.confidence for m in c.mentions)
    support = min(0.1, 0.03 * (len(c.mentions) - 1))
    value = (best + support) * (0.75 + 0.25 * c.agreement)
    return round(min(0.99, max(0.05, value)), 4)


def _add_entity(state: AnalysisState, doc: Doc, c: Cluster) -> str:
    best = canonical(doc, c)
    start, end = _chars(doc, best.start, best.end)
    attrs = {"name": text_of(doc, best), "aliases": aliases(doc, c)}
    return state.add("entity", start, end, c.label, confidence=entity_confidence(c), attrs=attrs).id


def _add_name_mentions(state: AnalysisState, doc: Doc, c: Cluster, id_of: dict[int, str]) -> None:
    for m in c.mentions:
        start, end = _chars(doc, m.start, m.end)
        attrs: dict[str, Any] = {"entity": id_of[id(c)], "kind": "name"}
        rivals = c.rivals.get(m.start)
        if rivals:
            attrs["alternatives"] = [id_of[id(r)] for r in rivals]
        if m.fixes:
            attrs["rules"] = list(dict.fromkeys(m.fixes))
        state.add("mention", start, end, c.label, confidence=m.confidence, attrs=attrs)


def _add_pronoun(
    state: AnalysisState,
    doc: Doc,
    link: PronounLink,
    clusters: list[Cluster],
    ids: list[str],
) -> None:
    start, end = _chars(doc, link.token, link.token + 1)
    referents = [ids[k] for k in link.entities]
    attrs: dict[str, Any] = {"entity": referents[0], "kind": "pronoun"}
    if doc[link.token].lower_ in PLURAL:
        attrs["entities"] = referents
    label = clusters[link.entities[0]].label
    state.add("mention", start, end, label, confidence=link.confidence, attrs=attrs)


def _chars(doc: Doc, start: int, end: int) -> tuple[int, int]:
    last = doc[end - 1]
    return doc[start].idx, last.idx + len(last.text)
