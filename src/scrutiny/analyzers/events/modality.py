"""Whether an event is asserted, denied or only hypothetical, read from the dependency parse.

A narrated event differs from one that is negated ("did not arrest"), announced for the future
("will be closed"), wished, planned, threatened, asked about or put under a condition. Only the
first is something that happened; timelines keep the others but mark them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

ASSERTED, DENIED, HYPOTHETICAL = "asserted", "denied", "hypothetical"

_MODALS = frozenset("will would shall should may might can could must 'll ’ll wo ca ought".split())
_CONDITIONS = frozenset("if unless whether lest".split())
# Verbs whose infinitive complement has not (yet) happened: "threatened to kill".
_INTENT = frozenset(
    """threaten plan want intend try seek vow promise hope aim prepare attempt wish expect
    urge call ask demand order need decide agree propose offer pledge""".split()
)
# Verbs whose complement is denied: "refused to release", "denied that he arrested".
_NEGATIVE = frozenset("refuse fail deny decline".split())
# Verbs whose infinitive complement did happen: "started to prepare", "managed to escape".
_IMPLICATIVE = frozenset("start begin continue manage go keep resume".split())
# Verbs whose object event has not (yet) happened: "considering an appeal", "extradition has
# been requested".
_PROSPECTIVE = frozenset(
    """consider weigh plan seek request demand propose await prepare threaten want contemplate
    discuss""".split()
)
# How many clause levels to climb: far enough for "plans to try to arrest", bounded on
# pathological parses.
_MAX_LEVELS = 6


def modality(verb: Token, sent: Span) -> str:
    """The modality of the clause headed by ``verb`` (a verb, or the verb governing a noun) in
    the sentence ``sent``."""
    token = verb
    shared_only = False
    for _ in range(_MAX_LEVELS):
        own = _own_modality(token, shared_only)
        if own is not None:
            return own
        parent = token.head
        if parent is token:
            break
        dep = token.dep_
        if dep == "conj":
            # Coordinated verbs share auxiliaries ("will arrest and jail"), and a negation only
            # across "or": "did not arrest or charge him", but "did not know ... and said".
            token, shared_only = parent, not _joined_by_or(parent)
            continue
        shared_only = False
        if dep in ("xcomp", "ccomp") and parent.pos_ in ("VERB", "AUX"):
            lemma = parent.lemma_.lower()
            if lemma in _NEGATIVE:
                return DENIED
            if lemma in _INTENT and _is_infinitive(token):
                return HYPOTHETICAL
            if dep == "xcomp" and lemma in _IMPLICATIVE:
                token = parent
                continue
            if dep == "xcomp":
                token = parent
                continue
        break
    return _question_or_asserted(sent)


def noun_modality(noun: Token, governor: Token | None, sent: Span) -> str:
    """The modality of an event noun, read from the verb that governs it (if any)."""
    if any(c.dep_ == "det" and c.lower_ == "no" for c in noun.children):
        return DENIED
    if governor is None:
        return ASSERTED
    if noun.dep_ in ("dobj", "nsubjpass") and governor.lemma_.lower() in _PROSPECTIVE:
        return HYPOTHETICAL
    return modality(governor, sent)


def _own_modality(token: Token, shared_only: bool = False) -> str | None:
    """What the words attached to this very clause say, or None when they say nothing.

    With ``shared_only``, only what a coordinated verb passes on to its conjuncts counts.
    """
    negated = False
    for child in token.children:
        dep, low = child.dep_, child.lower_
        if dep in ("aux", "auxpass") and (child.tag_ == "MD" or low in _MODALS):
            return HYPOTHETICAL
        if dep == "mark" and low in _CONDITIONS:
            return HYPOTHETICAL
        if dep == "neg" or (dep == "advmod" and low == "never"):
            negated = True
    if shared_only:
        return None
    if _is_imperative(token):
        return HYPOTHETICAL
    if negated:
        return DENIED
    if _is_infinitive(token) and token.dep_ not in ("xcomp", "ccomp", "conj"):
        # "possibilities ... to attack you", "in order to accuse": purposes, not facts.
        return HYPOTHETICAL
    return None


def _joined_by_or(first: Token) -> bool:
    return any(c.dep_ == "cc" and c.lower_ in ("or", "nor") for c in first.children)


def _is_infinitive(token: Token) -> bool:
    return any(c.dep_ == "aux" and c.tag_ == "TO" for c in token.children)


def _is_imperative(token: Token) -> bool:
    """A root base-form verb without a subject: "Take your time!"."""
    if token.dep_ != "ROOT" or token.tag_ != "VB":
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass", "expl", "aux") for c in token.children)


def _question_or_asserted(sent: Span) -> str:
    # A question asks whether something happened; it does not say that it did.
    last = sent[-1]
    while last.is_space and last.i > sent.start:
        last = last.nbor(-1)
    return HYPOTHETICAL if last.text == "?" else ASSERTED
