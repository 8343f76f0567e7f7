"""The ``claims`` analyzer: one claim per sentence with factual content, scored and attributed.

It owns the ``claim`` layer (docs/layers.md, docs/claims.md). Each claim carries
``checkworthiness``, the probability from the shipped logistic-regression model (:mod:`.model`,
trained by :mod:`.train`) that the claim is a check-worthy factual statement, and
``attribution`` (:mod:`.attribution`): author, quoted or reported, with the source entity and cue.
A quoted or reported claim's span is the quoted content or the reported content clause; the
model scores exactly that span.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import TYPE_CHECKING, ClassVar

from scrutiny.analyzers.claims.attribution import Quotation, attribute
from scrutiny.analyzers.claims.model import CheckworthyModel, shipped_model
from scrutiny.pipeline import AnalysisState

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan

__all__ = ["ClaimAnalyzer"]

# Shorter sentences ("Take your time!", "He agreed.") are too thin to state a checkable fact.
MIN_WORDS = 4
_TERMINAL = re.compile(r"[.!?…:;\"'”’»)\]]\s*$")


class ClaimAnalyzer:
    """Claims with a check-worthiness score and who makes them (label ``claim``)."""

    name: ClassVar[str] = "claims"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[tuple[str, ...]] = ("sentence", "quote", "entity", "mention")
    produces: ClassVar[tuple[str, ...]] = ("claim",)
    languages: ClassVar[tuple[str, ...] | None] = ("en",)

    def __init__(self, model: CheckworthyModel | None = None) -> None:
        self._model = model

    @property
    def model(self) -> CheckworthyModel:
        # Loaded on first use so that building a pipeline stays cheap.
        if self._model is None:
            self._model = shipped_model()
        return self._model

    def analyze(self, state: AnalysisState) -> None:
        doc = state.scratch.get("spacy")
        if doc is None:
            return
        quotes = _quote_index(state)
        for sent in doc.sents:
            bounds = _trimmed(state.text, sent.start_char, sent.end_char)
            if bounds is None or not _has_factual_shape(state.text, sent, *bounds):
                continue
            found = attribute(state, sent, *bounds, quotes.overlapping(*bounds))
            text = state.text[found.start : found.end]
            attrs = {
                "checkworthiness": round(self.model.score(text), 3),
                "attribution": found.attrs(),
            }
            state.add(
                "claim", found.start, found.end, "claim", confidence=found.confidence, attrs=attrs
            )


class _QuoteIndex:
    """Quotations sorted by start, each with its first speaker, for overlap look-ups."""

    def __init__(self, quotes: list[Quotation]) -> None:
        self._quotes = sorted(quotes)
        self._starts = [q.start for q in self._quotes]
        # Quotes are capped in length by the quote analyzer, but the index must not assume it.
        self._longest = max((q.end - q.start for q in self._quotes), default=0)

    def overlapping(self, start: int, end: int) -> list[Quotation]:
        lo = bisect_left(self._starts, start - self._longest)
        hi = bisect_left(self._starts, end)
        return [q for q in self._quotes[lo:hi] if q.end > start]


def _quote_index(state: AnalysisState) -> _QuoteIndex:
    found = []
    for q in state.layer("quote"):
        speakers = q.attrs.get("speakers") or []
        speaker = str(speakers[0]) if speakers else None
        cue = q.attrs.get("cue")
        found.append(Quotation(q.span.start, q.span.end, speaker, str(cue) if cue else None))
    return _QuoteIndex(found)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    piece = text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    return (start, end) if end > start else None


def _has_factual_shape(text: str, sent: SpacySpan, start: int, end: int) -> bool:
    """At least a few words and a verb, and not a headline, byline or signature line.

    A line of its own without closing punctuation is a title or a signature: it states a topic,
    and scoring it as a sentence of the text would rank labels among claims.
    """
    words = sum(1 for t in sent if t.is_alpha or t.like_num)
    if words < MIN_WORDS or not any(t.pos_ in ("VERB", "AUX") for t in sent):
        return False
    own_line = (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")
    return not (own_line and not _TERMINAL.search(text[start:end]))
