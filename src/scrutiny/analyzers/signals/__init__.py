"""The ``signals`` analyzer: threats, calls to action and dehumanisation, with target and actor.

Owns the ``signal`` layer. Rules over the spaCy parse live in :mod:`.threats`, :mod:`.calls` and
:mod:`.dehumanization`; this module decides *whose voice* a finding is in and records it:

* Signals in the author's voice are recorded as they are.
* Reported speech ("the minister warned that …", "protesters urged …") is not the author's
  threat or call and is not recorded at all (docs/signals.md explains the choice).
* Inside a direct quote a threat, appeal or metaphor is the speaker's: it is recorded with
  ``quoted: true`` and the quote's speaker as actor. Bare imperatives inside quotes are dialogue
  ("Get out!"), not appeals to the reader, and are dropped.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Any, ClassVar

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from scrutiny.analyzers.signals.calls import find_calls
from scrutiny.analyzers.signals.dehumanization import find_dehumanization
from scrutiny.analyzers.signals.targets import (
    SECOND_PERSON,
    Finding,
    is_question,
    is_reported,
    phrase_bounds,
)
from scrutiny.analyzers.signals.threats import find_threats
from scrutiny.model import Annotation
from scrutiny.pipeline import AnalysisState

KINDS = ("threat", "call_to_action", "dehumanization")
# Sentences longer than this are run-ons or garbage (tables, 1 MB lines): skip, don't parse-walk.
MAX_SENTENCE_TOKENS = 200
REPORTED_DISCOUNT = 0.75


class SignalAnalyzer:
    """Threats, calls to action and dehumanising metaphors (labels: see :data:`KINDS`)."""

    name: ClassVar[str] = "signals"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[tuple[str, ...]] = ("sentence", "entity", "mention", "quote")
    produces: ClassVar[tuple[str, ...]] = ("signal",)
    languages: ClassVar[tuple[str, ...] | None] = ("en",)

    def analyze(self, state: AnalysisState) -> None:
        doc = state.scratch.get("spacy")
        if not isinstance(doc, Doc):
            return
        quotes = _QuoteIndex(state.layer("quote"))
        kept: list[tuple[Finding, dict[str, Any]]] = []
        for sent in doc.sents:
            if len(sent) > MAX_SENTENCE_TOKENS:
                continue
            voiced = [(f, _voice(f, quotes, sent)) for f in _sentence_findings(sent)]
            kept.extend(_dedupe([(f, v) for f, v in voiced if v is not None]))
        records = [(f, {**_participants(state, f, v), **v}) for f, v in kept]
        _resolve_persons([attrs for _, attrs in records])
        for finding, attrs in records:
            state.add(
                "signal",
                finding.start,
                finding.end,
                finding.kind,
                confidence=finding.confidence,
                attrs=attrs,
            )


def _sentence_findings(sent: SpacySpan) -> list[Finding]:
    found = find_calls(sent) + find_dehumanization(sent)
    if not is_question(sent):
        found += find_threats(sent)
    return [f for f in found if f.end > f.start]


class _QuoteIndex:
    """Quote spans sorted by start, for logarithmic "is this offset quoted" lookups."""

    def __init__(self, quotes: list[Annotation]) -> None:
        self.quotes = sorted(quotes, key=lambda q: q.span.start)
        self.starts = [q.span.start for q in self.quotes]

    def at(self, start: int, end: int) -> Annotation | None:
        i = bisect_right(self.starts, start) - 1
        # Quotes do not nest, so only the last one starting before ``start`` can contain it.
        if i >= 0 and self.quotes[i].span.end >= end:
            return self.quotes[i]
        return None


def _voice(finding: Finding, quotes: _QuoteIndex, sent: SpacySpan) -> dict[str, Any] | None:
    """``quoted``/``speaker`` attrs, or None when the finding is reported speech or dialogue."""
    named_by_other = bool(finding.extra.pop("reported", False))
    quote = quotes.at(finding.start, finding.end)
    if quote is not None:
        if finding.subtype == "imperative":
            return None
        speakers = list(quote.attrs.get("speakers") or [])
        return {
            "quoted": True,
            "quote": quote.id,
            "speaker": speakers[0] if speakers else None,
            "speaker_text": quote.attrs.get("speaker_text"),
        }
    head = _head_token(sent, finding)
    reported = named_by_other or (head is not None and is_reported(head))
    if not reported:
        return {"quoted": False}
    if finding.kind != "dehumanization":
        return None
    # A reported slur ("he called the protesters scum") still puts the words on the page.
    finding.confidence = round(finding.confidence * REPORTED_DISCOUNT, 4)
    return {"quoted": False, "reported": True}


def _head_token(sent: SpacySpan, finding: Finding) -> Token | None:
    span = sent.doc.char_span(finding.start, finding.end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _participants(state: AnalysisState, f: Finding, voice: dict[str, Any]) -> dict[str, Any]:
    target_text, target = _who(state, f.target)
    actor_text, actor = _who(state, f.actor)
    self_named = f.actor is not None and _self_identified(f.actor) is not None
    if voice.get("quoted") and voice.get("speaker_text"):
        # The quote's "we" is its speaker, not the author of the document.
        actor = voice.get("speaker") or actor
        actor_text = voice.get("speaker_text") or actor_text
    return {
        "subtype": f.subtype,
        "rule": f.rule,
        **f.extra,
        "cue": f.cue,
        "target": target,
        "target_text": target_text,
        "actor": actor,
        "actor_text": actor_text,
        "self_named": self_named and actor is not None,
    }


def _who(state: AnalysisState, token: Token | None) -> tuple[str | None, str | None]:
    """Surface text and entity id of the participant a token stands for."""
    if token is None:
        return None, None
    start, end = _self_identified(token) or phrase_bounds(token)
    entities = state.entities_at(start, end)
    return state.text[start:end], entities[0] if entities else None


def _self_identified(token: Token) -> tuple[int, int] | None:
    # "We, Hizb ut Tahrir Kyrgyzstan, urge …": the apposition names who "we" are.
    for c in token.children:
        if c.dep_ == "appos":
            return phrase_bounds(c)
    return None


def _resolve_persons(records: list[dict[str, Any]]) -> None:
    """Tie the author's "we" and the addressee's "you" to the entities the text names for them.

    A statement names itself once ("We, X, urge …") and its addressee in its appeals ("urge the
    government of Y to …"); its other "we will …" and "your actions will …" mean the same parties.
    Only the author's own voice is resolved: a quote's "we" and "you" are the speaker's.
    """
    own = [r for r in records if not r.get("quoted")]
    author = next((r["actor"] for r in own if r["actor"] and r.get("self_named")), None)
    # Before the first appeal, "you" is the first appeal's addressee; after it, the latest one's.
    addressee = next((r["target"] for r in own if r["rule"] == "urge" and r["target"]), None)
    for r in own:
        if r["rule"] == "urge" and r["target"]:
            addressee = r["target"]
        if author and r["actor"] is None and (r["actor_text"] or "").lower() == "we":
            r["actor"] = author
        if addressee and r["target"] is None and _second_person(r["target_text"]):
            r["target"] = addressee
    for r in records:
        r.pop("self_named", None)


def _second_person(text: str | None) -> bool:
    return text is not None and text.split(" ", 1)[0].lower() in SECOND_PERSON


def _dedupe(found: list[tuple[Finding, dict[str, Any]]]) -> list[tuple[Finding, dict[str, Any]]]:
    """One signal per kind and overlapping span: the most confident (then the longest) wins.

    Called per sentence, so the pairwise check stays small on long documents.
    """
    ranked = sorted(found, key=lambda p: (-p[0].confidence, p[0].start - p[0].end, p[0].start))
    kept: list[tuple[Finding, dict[str, Any]]] = []
    for f, v in ranked:
        if not any(k.kind == f.kind and k.start < f.end and f.start < k.end for k, _ in kept):
            kept.append((f, v))
    return sorted(kept, key=lambda p: (p[0].start, p[0].end, p[0].kind))
