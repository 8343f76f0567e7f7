"""Dates for events from the ``timex`` layer: explicit in the clause, or inherited from context.

A time expression the parse attaches to the trigger's own clause dates the event explicitly.
Otherwise the event inherits the nearest earlier date of its sentence (unless that date sits in
another clause), then the nearest earlier calendar date of its paragraph (a line of text), with
lower confidence: narratives state a date once and go on ("In 2015 the government arrested X.
He is in prison."). An anaphoric "that time" takes the calendar date it
points back to. Only ``DATE`` and ``REF`` timexes count (durations and sets are not points in
time); vague references (*recently*) are not inherited across sentences, and an explicit date
the timex analyzer could not resolve leaves the event undated rather than wrongly dated.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrutiny.model import Annotation

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

EXPLICIT, SENTENCE, PARAGRAPH = "explicit", "sentence", "paragraph"
# Inherited dates are guesses; these factors scale the timex's own confidence.
_SENTENCE_FACTOR, _PARAGRAPH_FACTOR = 0.7, 0.5
# How far up the tree a timex may sit from the trigger and still date it ("in 2015 ... arrested").
_MAX_STEPS = 6
_ANAPHORS = ("that time", "the time", "then", "that period", "that year", "those days")
_REFS = frozenset({"PAST_REF", "PRESENT_REF", "FUTURE_REF"})
_NOUN_MODIFIER_DEPS = frozenset({"compound", "nummod", "amod", "nmod", "poss"})
# How many earlier timexes to consider when inheriting: bounds the work on a long paragraph.
_MAX_BACK = 12


@dataclass(frozen=True, slots=True)
class EventDate:
    value: str
    source: str  # explicit | sentence | paragraph
    timex: str  # id of the timex annotation the value comes from
    confidence: float
    via: str | None = None  # id of an anaphoric timex ("that time") resolved to ``timex``


class DateIndex:
    """The document's point-in-time timexes, with the tokens each one dates, for fast look-ups."""

    def __init__(self, doc: Doc, text: str, timexes: list[Annotation]) -> None:
        self._text = text
        # Paragraph starts, found once: a search per event would be quadratic on a long line.
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        # Unresolved dates stay in: "on June 8" with no document date still says the event is
        # not dated by whatever came earlier.
        usable = sorted(
            (t for t in timexes if t.label in ("DATE", "REF")), key=lambda t: t.span.start
        )
        self._timexes = usable
        self._starts = [t.span.start for t in usable]
        self._clauses: list[Token | None] = []
        token_starts = [tok.idx for tok in doc]
        # Each timex hangs from the token its root word attaches to; walking up from it finds
        # the clause it modifies.
        self._anchors: dict[int, list[int]] = {}
        for k, t in enumerate(usable):
            first = max(bisect.bisect_right(token_starts, t.span.start) - 1, 0)
            last = max(bisect.bisect_left(token_starts, t.span.end), first + 1)
            chain = _heads(_root(doc, first, last))
            self._clauses.append(chain[-1] if chain[-1].pos_ in ("VERB", "AUX") else None)
            for head in chain:
                self._anchors.setdefault(head.i, []).append(k)

    def date_of(self, trigger: Token, clause: Token, sent_start: int) -> EventDate | None:
        """The date of an event triggered by ``trigger`` in the clause headed by ``clause``, in
        the sentence that starts at character ``sent_start``."""
        for token in (trigger, clause):
            found = self._anchors.get(token.i)
            if found:
                k = found[0]
                return self._resolve(k, EXPLICIT, 1.0) if self._value(k) else None
        start = trigger.idx
        para_start = self._line_starts[bisect.bisect_right(self._line_starts, start) - 1]
        first = bisect.bisect_left(self._starts, start) - 1
        for k in range(first, max(-1, first - _MAX_BACK), -1):
            if self._starts[k] < para_start:
                break
            if self._starts[k] >= sent_start:
                if self._dates_sentence_of(k, trigger):
                    return self._resolve(k, SENTENCE, _SENTENCE_FACTOR)
                continue
            inherited = self._resolve(k, PARAGRAPH, _PARAGRAPH_FACTOR) if self._value(k) else None
            if inherited is not None and inherited.value not in _REFS:
                return inherited
        return None

    def _value(self, k: int) -> str | None:
        value = self._timexes[k].attrs.get("value")
        return str(value) if value else None

    def _dates_sentence_of(self, k: int, trigger: Token) -> bool:
        """An earlier timex of the sentence dates the event unless it sits in another clause
        ("who fled after the riots in 1998, ... was arrested": 1998 dates the flight only)."""
        if self._value(k) is None:
            return False
        clause = self._clauses[k]
        return clause is None or clause is trigger or clause.is_ancestor(trigger)

    def _resolve(self, k: int, source: str, factor: float) -> EventDate:
        t = self._timexes[k]
        value = str(t.attrs["value"])
        if value in _REFS and self._is_anaphor(t):
            # "During that time" points back to the last calendar date before it.
            for j in range(k - 1, max(-1, k - 6), -1):
                earlier = self._timexes[j]
                earlier_value = earlier.attrs.get("value")
                if earlier_value and str(earlier_value) not in _REFS:
                    conf = earlier.confidence * factor * 0.8
                    return EventDate(str(earlier_value), source, earlier.id, round(conf, 4), t.id)
        return EventDate(value, source, t.id, round(t.confidence * factor, 4))

    def _is_anaphor(self, t: Annotation) -> bool:
        words = self._text[t.span.start : t.span.end].lower()
        return words.endswith(_ANAPHORS)


def _root(doc: Doc, first: int, last: int) -> Token:
    """The token of ``doc[first:last]`` whose head lies outside it (the first one if none)."""
    for token in doc[first:last]:
        if not first <= token.head.i < last or token.head is token:
            return token
    return doc[first]


def _heads(token: Token) -> list[Token]:
    """The token and its heads up to the first verb, at most ``_MAX_STEPS`` of them.

    A date that modifies a noun ("a 2015 letter", "his 2012 conviction") dates that noun only.
    """
    chain = [token]
    if token.dep_ in _NOUN_MODIFIER_DEPS and token.head.pos_ in ("NOUN", "PROPN"):
        return [token, token.head]
    for _ in range(_MAX_STEPS):
        if token.pos_ in ("VERB", "AUX") or token.head is token:
            break
        token = token.head
        chain.append(token)
    return chain
