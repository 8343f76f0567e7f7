"""Participants of an event from the dependency parse: agent, patient and place.

For a verb trigger the agent is its subject (or the *by* phrase of a passive), the patient its
object (or the subject of a passive); coordinated verbs and infinitive complements borrow the
subject of the verb they hang from ("the government arrests many Muslims or oppresses them",
"the government tried to accuse"). For a noun trigger, the *of* phrase and a possessive fill the
role its type gives them ("the arrest of X", "X's escape"), and *by* names the agent. A place is
a GPE, LOC or FAC entity in an *in*/*at* phrase (or *from*/*into* for movement) on the trigger or
its object. Each participant is the noun phrase around the argument's head, linked to the entity
a mention there denotes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrutiny.analyzers.events.types import EventType

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

AGENT, PATIENT, PLACE = "agent", "patient", "place"
PLACE_TYPES = frozenset({"GPE", "LOC", "FAC"})
_PLACE_PREPS = frozenset({"in", "at", "near", "inside", "outside"})
_MOVE_PREPS = frozenset({"from", "into", "to"})
_NESTED_PLACE_PREPS = frozenset({"of", "in", "at"})
_MOVE_TYPES = frozenset({"escape", "deportation", "release", "meeting"})
_RELATIVES = frozenset({"who", "that", "which", "whom"})
# Words a noun phrase may keep on the left of its head: "the Kyrgyz government", "9 people".
_LEFT_DEPS = frozenset({"det", "amod", "compound", "nummod", "poss", "nmod", "quantmod", "case"})
_MAX_CONJ = 8
_MAX_SUBJECT_STEPS = 5
# "Wednesday's hearing": a possessive that is a date is no participant.
_TIME_TYPES = frozenset({"DATE", "TIME"})

# (start, end) in characters -> (entity id or None, entity type or None)
EntityLookup = Callable[[int, int], tuple[str | None, str | None]]


@dataclass(frozen=True, slots=True)
class Participant:
    role: str
    start: int
    end: int
    entity: str | None
    text: str

    def to_attrs(self) -> dict[str, object]:
        return {
            "role": self.role,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "entity": self.entity,
        }


def _participant(role: str, token: Token, entity: str | None) -> Participant:
    # Span.text joins only the phrase's tokens; Doc.text would rebuild the whole text per call.
    span = phrase(token)
    return Participant(role, span.start_char, span.end_char, entity, span.text)


def phrase(token: Token) -> Span:
    """The noun phrase ``token`` heads, without clauses and appositions."""
    if token.lower_ in _RELATIVES and token.head.dep_ == "relcl" and token.head.head is not token:
        token = token.head.head  # "the man who arrested X": the agent is the man, not "who"
    left = right = token.i
    for child in reversed(list(token.lefts)):
        if child.dep_ not in _LEFT_DEPS:
            break
        left = min(left, child.left_edge.i)
    for child in token.rights:
        if child.dep_ not in ("compound", "flat", "case"):
            break
        right = child.i
    return token.doc[left : right + 1]


def _with_conjuncts(token: Token) -> Iterator[Token]:
    yield token
    for k, conj in enumerate(token.conjuncts):
        if k >= _MAX_CONJ:
            break
        if conj.i > token.i:
            yield conj


def _subject(verb: Token) -> Token | None:
    """The verb's subject, borrowed from the governing verb for conjuncts, complements and
    purposes ("tried to commit provocations in order to accuse"), or from the noun an infinitive
    hangs on ("the administration's order to deport them", "the agency had discretion to
    deport")."""
    token = verb
    for _ in range(_MAX_SUBJECT_STEPS):
        for child in token.children:
            if child.dep_ in ("nsubj", "nsubjpass"):
                return child
        if token.head is token:
            return None
        infinitive = any(c.dep_ == "aux" and c.tag_ == "TO" for c in token.children)
        if token.dep_ in ("conj", "xcomp") or (token.dep_ == "advcl" and infinitive):
            token = token.head
            continue
        if token.dep_ == "acl" and infinitive and token.head.pos_ == "NOUN":
            noun = token.head
            owner = next((c for c in noun.children if c.dep_ == "poss"), None)
            if owner is not None:
                return owner
            if noun.dep_ == "dobj":
                token = noun.head
                continue
            if noun.dep_ == "pobj" and noun.head.head.pos_ in ("VERB", "AUX"):
                token = noun.head.head  # "commit provocations in order to accuse"
                continue
            return None
        # "people arrested by police": the head of a participle is its patient, not a subject.
        return None
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.dep_ in ("acl",) and verb.tag_ == "VBN"
    )


def verb_arguments(verb: Token, etype: EventType, lookup: EntityLookup) -> list[Participant]:
    found: list[Participant] = []

    def add(role: str, head: Token) -> None:
        for tok in _with_conjuncts(head):
            if tok.pos_ in ("NOUN", "PROPN", "PRON", "NUM", "X"):
                found.append(_participant(role, tok, lookup(tok.idx, tok.idx + len(tok))[0]))

    passive = _is_passive(verb)
    subject = _subject(verb)
    if subject is not None:
        role = PATIENT if passive else etype.subject_role
        add(role, subject)
    for child in verb.children:
        if child.dep_ == "dobj" and etype.object_role is not None:
            add(etype.object_role, child)
        elif child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    add(AGENT, pobj)
    if passive and verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN", "PRON"):
        add(PATIENT, verb.head)
    found.extend(places(verb, etype, lookup))
    return found


def noun_arguments(
    noun: Token, etype: EventType, lookup: EntityLookup, light_verb: Token | None
) -> list[Participant]:
    found: list[Participant] = []

    def add(role: str, head: Token) -> None:
        for tok in _with_conjuncts(head):
            if tok.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
                found.append(_participant(role, tok, lookup(tok.idx, tok.idx + len(tok))[0]))

    for child in noun.children:
        if child.dep_ == "poss" and _is_participant_possessive(child, light_verb):
            add(etype.possessor_role, child)
        elif child.dep_ == "prep" and child.lower_ in ("of", "against", "by"):
            role = AGENT if child.lower_ == "by" else etype.of_role
            if child.lower_ == "against":
                role = PATIENT
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    add(role, pobj)
    if light_verb is not None and not any(p.role == AGENT for p in found):
        subject = _subject(light_verb)
        if subject is not None and not _is_passive(light_verb):
            add(AGENT, subject)
    found.extend(places(noun, etype, lookup))
    return found


def _is_participant_possessive(poss: Token, light_verb: Token | None) -> bool:
    if poss.ent_type_ in _TIME_TYPES:
        return False  # "Wednesday's hearing"
    # "they expressed their dissatisfaction": the pronoun repeats the light verb's subject.
    return not (light_verb is not None and poss.pos_ == "PRON")


def places(trigger: Token, etype: EventType, lookup: EntityLookup) -> list[Participant]:
    """Named places in a locative phrase on the trigger, or on one of its arguments."""
    preps = _PLACE_PREPS | (_MOVE_PREPS if etype.name in _MOVE_TYPES else frozenset())
    for host in _place_hosts(trigger):
        for child in host.children:
            if child.dep_ != "prep" or child.lower_ not in preps:
                continue
            for pobj in child.children:
                if pobj.dep_ != "pobj":
                    continue
                hit = _place_in(pobj, lookup)
                if hit is not None:
                    return [hit]
    return []


def _place_hosts(trigger: Token) -> list[Token]:
    """Where a locative phrase of the event may hang: the trigger, and (the parse often attaches
    it there) an argument: "arrested by police in Moscow", "the escape of some Muslims from the
    prison"; for an event noun that is an object, its verb: "provoked unrests in Nookat"."""
    hosts = [trigger]
    for child in trigger.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            hosts.append(child)
        elif child.dep_ == "agent" or (child.dep_ == "prep" and child.lower_ == "of"):
            hosts.extend(g for g in child.children if g.dep_ == "pobj")
    if trigger.pos_ == "NOUN" and trigger.dep_ == "dobj" and trigger.head is not trigger:
        hosts.append(trigger.head)
    return hosts


def _place_in(pobj: Token, lookup: EntityLookup) -> Participant | None:
    # "in Nookat city", or one phrase further: "in the north of Kyrgyzstan", "from the prison in
    # Bishkek", "at his home in Florida".
    candidates = [pobj]
    for child in pobj.children:
        if child.dep_ == "compound":
            candidates.append(child)
        elif child.dep_ == "prep" and child.lower_ in _NESTED_PLACE_PREPS:
            candidates.extend(g for g in child.children if g.dep_ == "pobj")
    for tok in candidates:
        entity, label = lookup(tok.idx, tok.idx + len(tok))
        if label in PLACE_TYPES:
            return _participant(PLACE, tok, entity)
    return None
