"""Time expressions normalised to ISO 8601 / TimeML values: the ``timex`` layer.

The grammar and calendar live in ``timex.rules``; this module is the plugin around them. It reads
the document date (the anchor for "yesterday", "last year", "on Monday") from
``Document.published`` and answers the grammar's questions about words from the spaCy parse the
``parse`` analyzer left in ``state.scratch["spacy"]``. docs/timex.md has the conventions.
"""

from __future__ import annotations

import bisect
from typing import Any, ClassVar

from scrutiny.analyzers.timex.rules import Hints, find_timexes, parse_anchor
from scrutiny.pipeline import AnalysisState

_PLURAL_NOUN_TAGS = frozenset({"NNS", "NNPS"})
_MODIFIER_TAGS = frozenset({"DT", "PRP$", "POS"})
_FUTURE_MODALS = frozenset({"will", "shall", "'ll", "’ll", "wo"})
# Plural nouns a year may modify without counting them ("the 2016 elections").
_YEAR_NOUNS = frozenset(
    {"election", "elections", "poll", "polls", "game", "games", "olympics", "season", "seasons"}
)
_DAY_PARTS = frozenset({"morning", "afternoon", "evening", "night", "noon", "midnight"})
# How far up the dependency tree to look for the verb whose tense dates an expression.
_MAX_HEAD_STEPS = 8


class SpacyHints(Hints):
    """Answers from the spaCy ``Doc`` over the same text (token offsets are text offsets)."""

    def __init__(self, text: str, doc: Any) -> None:
        super().__init__(text)
        self._doc = doc
        self._starts = [token.idx for token in doc]
        dates = sorted((e.start_char, e.end_char) for e in doc.ents if e.label_ == "DATE")
        self._date_starts = [start for start, _ in dates]
        self._date_ends = [end for _, end in dates]
        self._tenses: dict[int, int] = {}

    def _token_at(self, pos: int) -> Any | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        if i < 0:
            return None
        token = self._doc[i]
        return token if pos < token.idx + len(token.text) else None

    def _token_after(self, pos: int) -> Any | None:
        i = bisect.bisect_left(self._starts, pos)
        while i < len(self._starts) and self._doc[i].is_space:
            i += 1
        return self._doc[i] if i < len(self._starts) else None

    def is_adverb(self, start: int) -> bool:
        token = self._token_at(start)
        return token is not None and token.pos_ == "ADV"

    def is_date_entity(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._date_starts, start) - 1
        return i >= 0 and self._date_ends[i] >= end

    def counts_things(self, start: int, end: int) -> bool:
        after = self._token_after(end)
        if after is None or after.tag_ not in _PLURAL_NOUN_TAGS or after.lower_ in _YEAR_NOUNS:
            return False
        first = self._token_at(start)
        before = first.nbor(-1) if first is not None and first.i > 0 else None
        # "the 2016 protests" names events of a year; "2016 protesters" counts people.
        return before is None or before.tag_ not in _MODIFIER_TAGS

    def names_a_kind(self, start: int) -> bool:
        token = self._token_at(start)
        if token is None or token.dep_ != "compound" or token.head.i != token.i + 1:
            return False
        if token.head.lower_ in _DAY_PARTS:
            return False
        before = token.nbor(-1) if token.i > 0 else None
        return before is None or before.tag_ not in _MODIFIER_TAGS

    def year_opens_sentence(self, start: int, end: int) -> bool:
        token = self._token_at(start)
        after = self._token_after(end)
        if token is None or after is None or not token.is_sent_start:
            return False
        return bool(after.pos_ in ("AUX", "VERB") or after.text == ":")

    def tense_at(self, pos: int) -> int:
        token = self._token_at(pos)
        if token is None:
            return 0
        verb = self._governing_verb(token)
        if verb is None:
            return 0
        if verb.i not in self._tenses:
            self._tenses[verb.i] = _tense_of(verb)
        return self._tenses[verb.i]

    @staticmethod
    def _governing_verb(token: Any) -> Any | None:
        for _ in range(_MAX_HEAD_STEPS):
            if token.pos_ in ("VERB", "AUX"):
                return token
            if token.head is token:
                return None
            token = token.head
        return None


def _tense_of(verb: Any) -> int:
    """-1 for past ("said", "has said"), 1 for future ("will say"), 0 for present or unknown."""
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    if any(a.lower_ in _FUTURE_MODALS for a in auxes):
        return 1
    if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
        return -1
    if verb.tag_ == "VBN" and any(a.lemma_ == "have" for a in auxes):
        return -1
    return 0


class TimexAnalyzer:
    """Finds dates, durations, sets and temporal references and normalises their values."""

    name: ClassVar[str] = "timex"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[tuple[str, ...]] = ("sentence",)
    produces: ClassVar[tuple[str, ...]] = ("timex",)
    languages: ClassVar[tuple[str, ...] | None] = ("en",)

    def analyze(self, state: AnalysisState) -> None:
        text = state.text
        doc = state.scratch.get("spacy")
        hints = SpacyHints(text, doc) if doc is not None else Hints(text)
        anchor = parse_anchor(state.document.published)
        for timex in find_timexes(text, anchor, hints):
            state.add(
                "timex",
                timex.start,
                timex.end,
                timex.label,
                confidence=timex.confidence,
                attrs={"value": timex.value, "anchored": timex.anchored},
            )
