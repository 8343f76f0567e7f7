"""The ``events`` analyzer: who did what to whom, when and where (the ``event`` layer).

It owns the ``event`` layer (docs/layers.md, docs/events.md). Candidates come from the trigger
vocabulary in ``events.types``; the dependency parse the ``parse`` analyzer left in
``state.scratch["spacy"]`` decides whether a candidate is used as an event (a predicate verb, a
noun heading a phrase in a sentence that has a verb) and supplies its participants
(``events.arguments``) and modality (``events.modality``). Dates come from the ``timex`` layer
(``events.dating``); participants link to the ``entity`` layer through the ``mention`` layer.
One pass over the tokens, no re-parse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from scrutiny.analyzers.events.arguments import (
    EntityLookup,
    Participant,
    noun_arguments,
    verb_arguments,
)
from scrutiny.analyzers.events.dating import DateIndex, EventDate
from scrutiny.analyzers.events.modality import modality, noun_modality
from scrutiny.analyzers.events.types import (
    AGENT_SHARING_VERBS,
    CHARGE_NOUNS,
    LIGHT_VERBS,
    NOUN_TRIGGERS,
    OBJECT_TRIGGERS,
    PARTICLE_TRIGGERS,
    PASSIVE_TRIGGERS,
    PERSON_NOUNS,
    PERSON_OBJECT_TRIGGERS,
    PERSONAL_PRONOUNS,
    TYPES,
    VERB_TRIGGERS,
    VERBAL_MODIFIERS,
    VERBAL_TYPES,
    EventType,
)
from scrutiny.pipeline import AnalysisState

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

__all__ = ["EventAnalyzer"]

# Confidence that a candidate is an event, by the evidence that made it one.
_VERB_CONFIDENCE, _LIGHT_CONFIDENCE, _NOUN_CONFIDENCE = 0.8, 0.75, 0.6
_NO_PARTICIPANT_PENALTY = 0.15
# Nouns that head the content of another event ("accused of extortion", "sentenced to death")
# are not events of their own.
_CONTENT_PREPS = frozenset({"of", "to", "with", "for"})
# "a press release", "a news conference" are documents, not events.
_DOCUMENT_MODIFIERS = frozenset({"press", "news"})
_MAX_UP = 8
_SHARES_AGENT = LIGHT_VERBS | AGENT_SHARING_VERBS
# Verbs whose *for*/*of* phrase is a suspected crime: "wanted for murder", "suspected of".
_CONTENT_VERBS = frozenset({"want", "seek", "suspect", "investigate"})
# Links a noun may climb to reach the charge it names: "charges of homicide", "crimes, including
# kidnapping, rape and murder".
_CONTENT_DEPS = frozenset({"pobj", "prep", "conj", "appos", "compound", "amod"})
_MAX_CONTENT_STEPS = 5


@dataclass(frozen=True, slots=True)
class _Candidate:
    token: Token
    etype: EventType
    light_verb: Token | None = None
    consumes: int | None = None  # index of an object noun this verb trigger already covers


class EventAnalyzer:
    """Events with typed triggers, participants, a date, a modality and a confidence."""

    name: ClassVar[str] = "events"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[tuple[str, ...]] = ("sentence", "entity", "mention", "timex")
    produces: ClassVar[tuple[str, ...]] = ("event",)
    languages: ClassVar[tuple[str, ...] | None] = ("en",)

    def analyze(self, state: AnalysisState) -> None:
        doc = state.scratch.get("spacy")
        if doc is None or len(doc) == 0:
            return
        types_of = {e.id: e.label for e in state.layer("entity")}

        def lookup(start: int, end: int) -> tuple[str | None, str | None]:
            ids = state.entities_at(start, end)
            return (ids[0], types_of.get(ids[0])) if ids else (None, None)

        dates = DateIndex(doc, state.text, state.layer("timex"))
        # Sentence by sentence: Token.sent walks the sentence each time it is asked, which is
        # quadratic on a very long one.
        for sent in doc.sents:
            candidates = _candidates(sent)
            consumed = {c.consumes for c in candidates if c.consumes is not None}
            for cand in candidates:
                if not _covered(cand, consumed):
                    _add_event(state, cand, sent, lookup, dates)


def _covered(cand: _Candidate, consumed: set[int]) -> bool:
    """A noun already counted as the object of a verb trigger ("passed a law")."""
    return cand.light_verb is None and cand.token.pos_ == "NOUN" and cand.token.i in consumed


def _candidates(sent: Span) -> list[_Candidate]:
    found: list[_Candidate] = []
    has_verb = any(t.pos_ in ("VERB", "AUX") for t in sent)
    for token in sent:
        if token.pos_ == "VERB":
            cand = _verb_candidate(token)
        elif token.pos_ == "NOUN" and has_verb:
            cand = _noun_candidate(token, sent)
        else:
            cand = None
        if cand is not None:
            found.append(cand)
    return found


def _verb_candidate(token: Token) -> _Candidate | None:
    if token.dep_ in ("amod", "compound"):
        return None  # "the arrested man" describes a person; the arrest is narrated elsewhere
    lemma = token.lemma_.lower()
    children = list(token.children)
    for child in children:
        name = PARTICLE_TRIGGERS.get((lemma, child.lower_))
        # The particle must follow the verb closely: "calls all military ... on the basis of"
        # is not "calls on".
        if name is not None and child.dep_ in ("prt", "prep") and 0 < child.i - token.i <= 2:
            return _Candidate(token, TYPES[name])
    passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in children)
    for obj in children:
        if obj.dep_ not in ("dobj", "nsubjpass"):
            continue
        obj_lemma = obj.lemma_.lower()
        for verb, nouns, name in OBJECT_TRIGGERS:
            if verb == lemma and obj_lemma in nouns:
                return _Candidate(token, TYPES[name], consumes=obj.i)
        person_type = PERSON_OBJECT_TRIGGERS.get(lemma)
        if person_type is not None and _is_person(obj):
            return _Candidate(token, TYPES[person_type])
    if lemma in PASSIVE_TRIGGERS:
        with_prep = any(c.dep_ == "prep" and c.lower_ == "with" for c in children)
        if passive or (lemma == "charge" and with_prep):
            return _Candidate(token, TYPES[PASSIVE_TRIGGERS[lemma]])
        return None
    name = VERB_TRIGGERS.get(lemma)
    return _Candidate(token, TYPES[name]) if name is not None else None


def _is_person(token: Token) -> bool:
    if token.pos_ == "PROPN":
        return token.ent_type_ in ("PERSON", "NORP")
    return token.lower_ in PERSONAL_PRONOUNS or token.lemma_.lower() in PERSON_NOUNS


def _noun_candidate(token: Token, sent: Span) -> _Candidate | None:
    lemma = token.lemma_.lower()
    name = NOUN_TRIGGERS.get(lemma) or NOUN_TRIGGERS.get(token.lower_)
    if name is None or token.dep_ == "compound":
        return None
    if any(c.dep_ == "compound" and c.lower_ in _DOCUMENT_MODIFIERS for c in token.children):
        return None
    head = token.head
    if token.dep_ == "pobj" and head.lower_ in _CONTENT_PREPS and _takes_content(head.head):
        return None
    if _names_a_charge(token) or _medium_of_statement(token, name):
        return None
    if name in VERBAL_TYPES and any(c.lower_ in VERBAL_MODIFIERS for c in token.children):
        name = "criticism"
    light = None
    if token.dep_ in ("dobj", "nsubjpass") and head.lemma_.lower() in _SHARES_AGENT:
        light = head
    return _Candidate(token, TYPES[name], light_verb=light)


def _names_a_charge(token: Token) -> bool:
    """Whether the noun is what someone is charged with or wanted for (docs/events.md)."""
    for _ in range(_MAX_CONTENT_STEPS):
        if token.dep_ not in _CONTENT_DEPS or token.head is token:
            return False
        token = token.head
        if token.pos_ == "NOUN" and token.lemma_.lower() in CHARGE_NOUNS:
            return True
    return False


def _medium_of_statement(token: Token, name: str) -> bool:
    """ "said in a statement": the noun is the form of the saying, not a second event."""
    head = token.head
    if name != "statement" or token.dep_ != "pobj" or head.lower_ != "in":
        return False
    verb = head.head
    return verb.pos_ == "VERB" and VERB_TRIGGERS.get(verb.lemma_.lower()) == "statement"


def _takes_content(verb: Token) -> bool:
    """Whether a verb's *for*/*of*/*with* phrase names a charge: "arrested for murder", "wanted
    for murder", "had a warrant for murder" (the parse often hangs *for* on the verb)."""
    if verb.pos_ != "VERB":
        return False
    if verb.lemma_.lower() in _CONTENT_VERBS or _verb_candidate(verb) is not None:
        return True
    return any(c.dep_ == "dobj" and c.lemma_.lower() in CHARGE_NOUNS for c in verb.children)


def _add_event(
    state: AnalysisState,
    cand: _Candidate,
    sent: Span,
    lookup: EntityLookup,
    dates: DateIndex,
) -> None:
    token, etype = cand.token, cand.etype
    if token.pos_ == "VERB":
        participants = verb_arguments(token, etype, lookup)
        mood = modality(token, sent)
        clause = token.head if token.dep_ in ("xcomp", "conj") else token
        confidence = _VERB_CONFIDENCE
    else:
        participants = noun_arguments(token, etype, lookup, cand.light_verb)
        mood = noun_modality(token, cand.light_verb or _governing_verb(token), sent)
        clause = cand.light_verb or token
        confidence = _LIGHT_CONFIDENCE if cand.light_verb is not None else _NOUN_CONFIDENCE
    if not participants:
        confidence -= _NO_PARTICIPANT_PENALTY
    date = dates.date_of(token, clause, sent.start_char)
    start, end = token.idx, token.idx + len(token.text)
    state.add(
        "event",
        start,
        end,
        etype.name,
        confidence=confidence,
        attrs=_attrs(token, etype, mood, participants, date),
    )


def _governing_verb(token: Token) -> Token | None:
    for _ in range(_MAX_UP):
        if token.head is token:
            return None
        token = token.head
        if token.pos_ in ("VERB", "AUX"):
            return token
    return None


def _attrs(
    token: Token,
    etype: EventType,
    mood: str,
    participants: list[Participant],
    date: EventDate | None,
) -> dict[str, Any]:
    return {
        "trigger": token.lemma_.lower(),
        "pos": "verb" if token.pos_ == "VERB" else "noun",
        "cameo": etype.cameo,
        "cameo_label": etype.cameo_label,
        "modality": mood,
        "participants": [p.to_attrs() for p in participants],
        "date": date.value if date else None,
        "date_source": date.source if date else None,
        "date_timex": date.timex if date else None,
        "date_via": date.via if date else None,
        "date_confidence": date.confidence if date else None,
    }
