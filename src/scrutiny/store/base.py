"""The store interface every backend implements, and the backend-neutral rules behind it.

This module owns what a caller may rely on whichever database holds the corpus: the result
types, the :class:`Store` protocol, how a user's search text is read (words and "exact
phrases", never query syntax) and how a document id or a prefix of it is read. SQL lives in the
backends (``scrutiny.store.sqlite``, ``scrutiny.store.postgres``), behind this one protocol.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from scrutiny.errors import StoreError
from scrutiny.model import Analysis

# Snippet highlight markers. Normalised document text blanks every C0 control character, so
# these can only come from the store, and a UI can highlight without trusting document markup.
SNIPPET_START = "\x02"
SNIPPET_END = "\x03"

ID_SCHEME = "sha256:"
MIN_PREFIX = 6  # hex digits; shorter prefixes collide too often to name a document

# Bounds that keep one hostile search request cheap whatever the user pastes in.
MAX_QUERY_CHARS = 2_000
MAX_QUERY_TERMS = 32

_HEX = re.compile(r"[0-9a-f]+")
# A word is a run of letters and digits, the same characters the unicode61 tokenizer keeps, so
# what the user typed splits the way the index did; everything else separates words.
_WORD = re.compile(r"[^\W_]+")
_CURLY_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


@dataclass(frozen=True)
class DocumentSummary:
    """One line of a document listing: metadata without the text or the findings."""

    id: str
    title: str | None
    source: str | None
    published: str | None
    language: str | None
    chars: int
    added: str  # ISO 8601 UTC, when the document entered this store


@dataclass(frozen=True)
class SearchHit:
    """A document matching a search, best first.

    ``snippet`` is plain text from the document with each matched term wrapped in
    :data:`SNIPPET_START` and :data:`SNIPPET_END`; ``score`` grows with relevance.
    """

    id: str
    title: str | None
    source: str | None
    snippet: str
    score: float


@dataclass(frozen=True)
class SearchFilters:
    """Conditions every hit must meet besides the query text; ``None`` accepts anything.

    ``entity`` matches a stored entity's name or one of its aliases, ignoring case; with
    ``entity_type`` too, it must be one entity of that type. ``date_from``/``date_to`` are
    inclusive ISO dates (or prefixes: ``2015``, ``2015-03``) compared with ``published``; a
    document whose date is unknown is excluded by a date filter.
    """

    entity: str | None = None
    entity_type: str | None = None
    technique: str | None = None
    signal: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    source: str | None = None  # a part of the source path or URL
    language: str | None = None

    def is_empty(self) -> bool:
        return all(getattr(self, f) in (None, "") for f in self.__dataclass_fields__)


# Facet name → (value, number of matching documents), most frequent first.
Facets = dict[str, list[tuple[str, int]]]
FACETS = ("language", "year", "entity_type", "entity", "technique", "signal")


@dataclass(frozen=True)
class CorpusEntity:
    """One entity across documents: the entities of single documents that denote it, merged.

    ``names`` are the distinct names it goes by, fullest first; ``documents`` counts the
    documents that mention it.
    """

    id: int
    name: str
    type: str
    names: tuple[str, ...]
    roles: tuple[str, ...]
    documents: int


@dataclass(frozen=True)
class EntityMember:
    """A document's entity linked to a corpus entity, with the confidence and the evidence."""

    doc_id: str
    title: str | None
    published: str | None
    entity_id: str
    name: str
    type: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class EntityEdge:
    """Two corpus entities named in the same documents: ``weight`` documents (the first ones
    listed as evidence), of which ``events`` events have both as participants."""

    source: int
    target: int
    weight: int
    documents: tuple[str, ...]  # ids of the first documents, as evidence
    events: int = 0


@dataclass(frozen=True)
class TrackedClaim:
    """One occurrence of a claim: where it stands, and how close it is to the cluster."""

    doc_id: str
    title: str | None
    source: str | None
    published: str | None
    start: int
    end: int
    text: str
    checkworthiness: float | None
    similarity: float  # estimated Jaccard of content-word stems with the claim it joined


@dataclass(frozen=True)
class ClaimCluster:
    """The same claim, verbatim or paraphrased, in several documents; oldest first.

    ``first_seen`` is the earliest published date among them (else the date it was added).
    """

    id: int
    documents: int
    first_seen: str
    claims: tuple[TrackedClaim, ...]


@dataclass(frozen=True)
class SimilarDocument:
    """Another stored document whose text resembles this one's.

    ``shingles`` and ``words`` are estimated Jaccard similarities of the two texts' five-word
    windows and of their content words; ``relation`` reads them (see
    :func:`scrutiny.corpus.fingerprint.relation`): ``duplicate``, ``near-duplicate`` or
    ``re-worded``.
    """

    id: str
    title: str | None
    source: str | None
    shingles: float
    words: float
    relation: str


@dataclass(frozen=True)
class SharedPassage:
    """A paragraph of this document that reappears (maybe edited) in another stored one."""

    start: int
    end: int
    other_id: str
    other_title: str | None
    other_start: int
    other_end: int
    similarity: float


@runtime_checkable
class Store(Protocol):
    """Documents and their analyses, kept across runs. Analyses are immutable once stored."""

    def add(self, analysis: Analysis) -> bool:
        """Store an analysis; ``False`` (and nothing written) if its document id is present.

        All or nothing: if anything fails, nothing of this document remains.
        """

    def has(self, doc_id: str) -> bool:
        """Whether a document with exactly this full id is stored."""

    def get(self, doc_id: str, *, layers: Collection[str] | None = None) -> Analysis:
        """The stored analysis, exactly as added, by full id or unique prefix.

        ``layers`` keeps only those layers' annotations and provenance: a reader that needs a
        few of them skips parsing the rest (a document's 600 annotations take about 8 ms).
        Raises ``NotFound``, or ``StoreError`` when a prefix names several documents.
        """

    def delete(self, doc_id: str) -> bool:
        """Remove a document and everything about it, by full id; ``False`` if absent."""

    def documents(self, *, limit: int = 100, offset: int = 0) -> list[DocumentSummary]:
        """Stored documents, most recently added first."""

    def count(self) -> int:
        """How many documents are stored."""

    def search(
        self, query: str, *, limit: int = 20, filters: SearchFilters | None = None
    ) -> list[SearchHit]:
        """Full-text search; see :func:`parse_query` for how the query is read.

        With filters and no query words, the matching documents come newest first.
        """

    def facets(self, query: str, *, filters: SearchFilters | None = None) -> Facets:
        """Counts of matching documents by each of :data:`FACETS`, for narrowing a search."""

    def corpus_entities(self, query: str = "", *, limit: int = 20) -> list[CorpusEntity]:
        """Corpus entities whose names match ``query`` (spelling variants too), most documents
        first; every corpus entity when the query is empty."""

    def entity_links(self, doc_id: str) -> dict[str, int]:
        """The corpus entity of each linked entity of one stored document (full id)."""

    def corpus_entity(self, entity: int) -> tuple[CorpusEntity, list[EntityMember]]:
        """One corpus entity and its members, oldest document first; NotFound if unknown."""

    def merge_entities(self, keep: int, other: int) -> CorpusEntity:
        """Make ``other`` part of ``keep``; the decision outlives re-analysis of the documents."""

    def split_entity(self, entity: int, name: str) -> CorpusEntity:
        """Move the members called ``name`` out of ``entity`` into a new corpus entity, and
        keep them apart from then on; returns the new entity."""

    def entity_graph(
        self, *, entity: int | None = None, min_weight: int = 1, limit: int = 500
    ) -> tuple[list[CorpusEntity], list[EntityEdge]]:
        """The heaviest ``limit`` co-occurrence edges (around ``entity`` when given) and their
        nodes."""

    def claim_clusters(self, *, min_documents: int = 2, limit: int = 20) -> list[ClaimCluster]:
        """Claims made in at least ``min_documents`` documents, the most widespread first."""

    def iter_analyses(self) -> Iterator[Analysis]:
        """Every stored analysis, in the order they were added."""

    def similar(self, doc_id: str, *, limit: int = 10) -> list[SimilarDocument]:
        """Copies, near-copies and re-worded versions of a stored document, most similar first."""

    def shared_passages(self, doc_id: str) -> list[SharedPassage]:
        """Paragraphs of a stored document found again in other stored documents."""

    def close(self) -> None:
        """Release the connection; the store is unusable afterwards."""

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


# A search term is one word, or the words of a quoted phrase that must appear in that order.
Term = tuple[str, ...]


def parse_query(query: str) -> list[Term]:
    """Read a user's search text as terms: words, and "double-quoted phrases".

    Nothing the user types is query syntax: operators (``AND``, ``NEAR``, ``-``, ``*``,
    ``col:``) are words or separators, an unmatched quote is ignored, and text without any
    letter or digit gives no terms. Duplicates are dropped and the count is capped.
    """
    text = unicodedata.normalize("NFC", query[:MAX_QUERY_CHARS].translate(_CURLY_QUOTES))
    parts = text.split('"')
    # Odd-numbered parts lie between a pair of quotes; with an odd number of quotes the last
    # part follows an unmatched one and is read as plain words.
    balanced = len(parts) % 2 == 1
    terms: list[Term] = []
    for i, part in enumerate(parts):
        words = tuple(_WORD.findall(part))
        in_phrase = i % 2 == 1 and (balanced or i < len(parts) - 1)
        candidates = [words] if in_phrase and words else [(w,) for w in words]
        for term in candidates:
            if term not in terms:
                terms.append(term)
    return terms[:MAX_QUERY_TERMS]


@dataclass(frozen=True)
class IdQuery:
    """A document id as a user gave it: a full id, or a prefix of the hex digest."""

    value: str
    is_prefix: bool


def parse_doc_id(doc_id: str) -> IdQuery:
    """Read ``sha256:<hex>``, ``<hex>``, or a prefix of either with at least 6 hex digits.

    Raises ``StoreError`` for anything else, so a typo never turns into a broad match.
    """
    raw = doc_id.strip()
    digest = raw.lower().removeprefix(ID_SCHEME)
    if _HEX.fullmatch(digest) is None:
        raise StoreError(f"not a document id: {raw[:80]!r}")
    if len(digest) == 64:
        return IdQuery(ID_SCHEME + digest, is_prefix=False)
    if len(digest) > 64:
        raise StoreError(f"not a document id (too long): {raw[:80]!r}")
    if len(digest) < MIN_PREFIX:
        raise StoreError(f"id prefix {raw!r} is too short: give at least {MIN_PREFIX} hex digits")
    return IdQuery(ID_SCHEME + digest, is_prefix=True)
