"""Whose claim a sentence makes: the document's own voice, a direct quote, or reported speech.

This module owns the attribution rules of the ``claim`` layer (docs/claims.md):

* ``quoted``: the claim lies inside a direct quotation of the ``quote`` layer; the source is the
  quote's first speaker.
* ``reported``: the sentence's main verb is a reporting or belief verb with a content clause
  (``X said that …``, ``… , he told reporters``, ``X believes …``), an impersonal construction
  (``it was reported that …``, ``it became known that …``), a claim about oneself (``X claims to
  have …``), the sentence carries an ``according to X`` phrase, or a speech frame is set off by
  commas at its edge or in its middle (``…, reported The Daily Wire.``, ``As X reported, …``,
  ``…, Mr. Kirk said, …``). The source is the entity of X through the ``mention`` layer, or None
  when X is impersonal or names no entity.
* ``author``: everything else, including first-person frames (``I think …``, ``we say that …``),
  which keep their cue.

Everything is read off the spaCy parse the ``parse`` analyzer left in the state; nothing is
re-parsed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, NamedTuple

from scrutiny.analyzers.quotes import CUE_LEMMAS
from scrutiny.pipeline import AnalysisState

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

AttributionType = Literal["author", "quoted", "reported"]


class Quotation(NamedTuple):
    """A direct quote of the ``quote`` layer, reduced to what attribution needs."""

    start: int
    end: int
    speaker: str | None
    cue: str | None


# Fixed confidences of the attribution decision: a quotation mark is hard evidence, a parse-based
# reporting frame can be misparsed, and "author" is the default when nothing else matched.
CONFIDENCE: dict[AttributionType, float] = {"quoted": 0.9, "reported": 0.75, "author": 0.7}

# Beyond the speech verbs of the quote analyzer, belief and disclosure verbs also put a content
# clause in someone else's mouth ("Officials believe the plan will fail").
_BELIEF_WORDS = """
    believe think consider feel allege reveal learn indicate estimate maintain contend
    disclose suspect fear expect
"""
REPORTING_LEMMAS = CUE_LEMMAS | frozenset(_BELIEF_WORDS.split())
# "it became known / it is clear that …": a copula whose complement adjective is the cue.
_COPULAS = frozenset({"be", "become", "remain"})
_KNOWN_ADJECTIVES = frozenset({"know", "known", "report", "reported", "clear", "evident"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_FIRST_PERSON = frozenset({"i", "we"})
# Verbs whose infinitive complement is what the subject asserts about itself: "X claims to have
# video evidence" reports X's claim, though there is no content clause.
_SELF_CLAIM_LEMMAS = frozenset({"claim", "allege", "profess", "purport", "pretend"})
# How a speech frame set off by commas hangs from the sentence's root in the small model's parses:
# "…, Mr. Kirk said, …" (parataxis), "As David reported, …" (advcl), "…, reported X." (conj).
_FRAME_DEPS = frozenset({"parataxis", "advcl", "conj"})
# A frame is the verb with its speaker ("the US embassy in Beijing said in an email"); a longer
# subtree is a clause of its own, not an aside.
MAX_FRAME_TOKENS = 10
# A quotation covering fewer words than this is a phrase inside the author's sentence
# (he called it "a disaster"), not the claim itself.
MIN_QUOTED_WORDS = 4


@dataclass(frozen=True, slots=True)
class Attribution:
    """Who makes a claim, how we know, and which characters hold the claim's content."""

    type: AttributionType
    source: str | None
    cue: str | None
    start: int
    end: int

    def attrs(self) -> dict[str, str | None]:
        return {"type": self.type, "source": self.source, "cue": self.cue}

    @property
    def confidence(self) -> float:
        return CONFIDENCE[self.type]


def attribute(
    state: AnalysisState, sent: SpacySpan, start: int, end: int, quotes: list[Quotation]
) -> Attribution:
    """Attribute the sentence ``sent`` (trimmed to ``[start, end)``) by the first rule that fits.

    ``quotes`` are the quotations overlapping it.
    """
    return (
        _quoted(sent, start, end, quotes)
        or _reported_clause(state, sent, start, end)
        or _according_to(state, sent, start, end)
        or _speech_frame(state, sent, start, end)
        or Attribution("author", None, None, start, end)
    )


def _quoted(sent: SpacySpan, start: int, end: int, quotes: list[Quotation]) -> Attribution | None:
    for q in quotes:
        lo, hi = max(start, q.start), min(end, q.end)
        # Only the tokens inside the overlap are counted, so many quotes in one huge sentence
        # stay linear in its length.
        inside = sent.doc.char_span(lo, hi, alignment_mode="contract")
        words = sum(1 for t in inside or () if not t.is_punct and not t.is_space)
        if words >= MIN_QUOTED_WORDS:
            return Attribution("quoted", q.speaker, q.cue, lo, hi)
    return None


def _main_verbs(sent: SpacySpan) -> list[Token]:
    # The root and verbs coordinated with it ("He smiled and said that …"): a reporting verb deeper
    # down ("we will not err if we say that …") frames a subordinate thought, not the sentence.
    root = sent.root
    return [root, *(c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))]


def _cue_of(verb: Token) -> tuple[str, list[Token]] | None:
    """The cue of a reporting frame and the tokens its content clause may hang from."""
    lemma = verb.lemma_.lower()
    if lemma in REPORTING_LEMMAS:
        return lemma, [verb]
    if lemma in _KNOWN_ADJECTIVES:
        # "it is known that …": the parser may make "known" the root with a passive auxiliary.
        aux = next((c for c in verb.children if c.dep_ == "auxpass"), None)
        if aux is not None:
            return f"{_copula(aux)} {verb.lower_}", [verb]
    if _copula(verb) in _COPULAS:
        for child in verb.children:
            if child.dep_ in ("acomp", "attr") and child.lemma_.lower() in _KNOWN_ADJECTIVES:
                # The parser hangs the clause from either word: "became known [that …]".
                return f"{_copula(verb)} {child.lower_}", [verb, child]
    return None


def _copula(tok: Token) -> str:
    # The small model sometimes leaves "became" unlemmatised when it tags it as an auxiliary.
    return "become" if tok.lower_ in ("became", "becomes") else tok.lemma_.lower()


def _reported_clause(
    state: AnalysisState, sent: SpacySpan, start: int, end: int
) -> Attribution | None:
    for verb in _main_verbs(sent):
        found = _cue_of(verb)
        if found is None:
            continue
        cue, heads = found
        content = next((c for h in heads for c in h.children if c.dep_ == "ccomp"), None)
        span = _clause_chars(content) if content is not None else None
        if span is None and cue in _SELF_CLAIM_LEMMAS and _has_child(verb, "xcomp"):
            # "X claims to have evidence": the infinitive has no subject of its own, so the
            # whole sentence is the claim's content.
            span = (start, end)
        if span is None:
            continue
        subject = _subject(verb)
        if subject is not None and subject.lower_ in _FIRST_PERSON:
            # "I think …", "We say that …": the author frames its own claim; the frame stays in
            # the span because it is part of what the document asserts.
            return Attribution("author", None, cue, start, end)
        return Attribution("reported", _source_of(state, subject), cue, *span)
    return None


def _has_child(tok: Token, dep: str) -> bool:
    return any(c.dep_ == dep for c in tok.children)


def _subject(verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ in _SUBJECTS:
            return child
    # A coordinated verb shares its subject with the first one: "He smiled and said that …".
    if verb.dep_ == "conj":
        return _subject(verb.head)
    return None


def _source_of(state: AnalysisState, subject: Token | None) -> str | None:
    """The entity the subject names or refers to; None for "it", "officials" and the like."""
    if subject is None or subject.lower_ == "it":
        return None
    found = state.entities_at(subject.idx, subject.idx + len(subject.text))
    if not found:
        # "The spokesman of the Ministry": the head names no entity but its phrase does.
        left, right = subject.left_edge, subject.right_edge
        found = state.entities_at(left.idx, right.idx + len(right.text))
    return found[0] if found else None


def _clause_chars(clause: Token) -> tuple[int, int] | None:
    tokens = list(clause.subtree)
    # The complementiser and edge punctuation belong to the frame, not to the claim.
    while tokens and (
        (tokens[0].dep_ == "mark" and tokens[0].head == clause)
        or tokens[0].is_punct
        or tokens[0].is_space
    ):
        tokens.pop(0)
    while tokens and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    if not tokens:
        return None
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _according_to(
    state: AnalysisState, sent: SpacySpan, start: int, end: int
) -> Attribution | None:
    for tok in sent:
        if tok.lower_ != "according":
            continue
        to = next((c for c in tok.children if c.lower_ == "to"), None)
        if to is None and tok.i + 1 < sent.end and tok.nbor().lower_ == "to":
            to = tok.nbor()
        if to is None:
            continue
        obj = next((c for c in to.children if c.dep_ == "pobj"), None)
        return Attribution("reported", _source_of(state, obj), "according to", start, end)
    return None


def _speech_frame(
    state: AnalysisState, sent: SpacySpan, start: int, end: int
) -> Attribution | None:
    """A speech verb set off by commas from the root's clause: "…, X said, …", "As X reported, …".

    The parser hangs such a frame from the root of the reported content; the content is the
    sentence without the frame when the frame is at an edge, else the whole sentence.
    """
    root = sent.root
    for verb in root.children:
        if verb.dep_ not in _FRAME_DEPS or verb.lemma_.lower() not in CUE_LEMMAS:
            continue
        lo, hi = verb.left_edge.i, verb.right_edge.i
        if hi - lo >= MAX_FRAME_TOKENS or _has_child(verb, "ccomp") or _has_child(verb, "cc"):
            continue
        content = _around_frame(sent, lo, hi, start, end)
        if content is None:
            continue
        source = _frame_speaker(verb)
        return Attribution("reported", _source_of(state, source), verb.lemma_.lower(), *content)
    return None


def _around_frame(
    sent: SpacySpan, lo: int, hi: int, start: int, end: int
) -> tuple[int, int] | None:
    """The content's characters around the frame tokens ``lo..hi``; None if it is no aside."""
    doc = sent.doc
    before = [t for t in doc[sent.start : lo] if not t.is_space]
    after = [t for t in doc[hi + 1 : sent.end] if not (t.is_punct or t.is_space)]
    if not before and doc[hi + 1 : sent.end].text.lstrip().startswith(","):
        # "As X reported, …": an opening frame; the claim is what follows its comma.
        rest = [t for t in doc[hi + 1 : sent.end] if not (t.is_punct or t.is_space)]
        return (rest[0].idx, end) if rest else None
    if not before or before[-1].text != ",":
        return None
    if not after:
        # "…, reported The Daily Wire.": a closing frame.
        kept = [t for t in before if not (t.is_punct or t.is_space)]
        return (start, kept[-1].idx + len(kept[-1].text)) if kept else None
    # "…, Mr. Kirk said, …": an inserted frame needs its closing comma too.
    next_tok = doc[hi + 1] if hi + 1 < sent.end else None
    return (start, end) if next_tok is not None and next_tok.text == "," else None


def _frame_speaker(verb: Token) -> Token | None:
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    if subject is not None:
        return subject
    # "…, reported The Daily Wire": the parser takes the inverted speaker for an object.
    return next((c for c in verb.children if c.dep_ == "dobj" and c.i > verb.i), None)
