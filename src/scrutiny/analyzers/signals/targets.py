"""Syntactic helpers shared by the signal rules: who a clause is about, who speaks, whose voice.

Owns the notion of a *finding* (a signal before it becomes an annotation) and the tests every rule
asks of the parse: is this token a person or group, is it the addressee, is the clause reported
speech, is it a question. All tests look at grammar and role words only, never at which group is
named, so the rules treat every group alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from scrutiny.analyzers.identity import CLASSES
from scrutiny.analyzers.signals import lexicon as lx

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
SECOND_PERSON = frozenset({"you", "your", "yours", "yourself", "yourselves"})
FIRST_PERSON = frozenset({"we", "i", "us", "our"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
PARTITIVES = frozenset({"all", "any", "each", "many", "most", "one", "some"})
# Every religion's believers and every nation's people, all alike: the tagger knows "Muslims" as
# a named group (NORP) but not "atheists", and no group may be more or less human to the rules.
GROUP_NOUNS = frozenset(
    term.lower()
    for cls in ("Qbelievers", "Qnationals", "Qreligious", "Qnationality")
    for term in CLASSES[cls]
)


@dataclass(slots=True)
class Finding:
    """One signal found by a rule, in document offsets, before it is recorded."""

    kind: str
    start: int
    end: int
    subtype: str
    cue: str
    confidence: float
    target: Token | None = None
    actor: Token | None = None
    # The construction that matched (``urge``, ``harsh_outcome``, ``predicate`` …), for audits.
    rule: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def subtree_bounds(token: Token, *, stop: Token | None = None) -> tuple[int, int]:
    """Character range of ``token``'s subtree, cut before ``stop``'s subtree and end punctuation."""
    tokens = [t for t in token.subtree if stop is None or not _under(t, stop)]
    while len(tokens) > 1 and (tokens[-1].is_punct or tokens[-1].is_space):
        tokens.pop()
    # A leading "And"/"But" or punctuation joins the clause to the text; it is not evidence.
    while len(tokens) > 1 and (tokens[0].is_punct or tokens[0].is_space or tokens[0].dep_ == "cc"):
        tokens.pop(0)
    return tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)


def _under(token: Token, ancestor: Token) -> bool:
    return token == ancestor or ancestor in token.ancestors


def phrase_bounds(token: Token) -> tuple[int, int]:
    """The noun phrase a token heads, without relative clauses or trailing prepositions."""
    left = token.left_edge
    keep = [t for t in token.rights if t.dep_ in {"compound", "amod", "appos", "nummod"}]
    right = max([token, *[t.right_edge for t in keep]], key=lambda t: t.i)
    for t in token.rights:
        if t.dep_ == "prep" and t.lower_ == "of":
            right = max(right, t.right_edge, key=lambda x: x.i)
    return left.idx, right.idx + len(right.text)


def children(token: Token, *deps: str) -> Iterator[Token]:
    return (c for c in token.children if c.dep_ in deps)


def subject(token: Token) -> Token | None:
    """The subject of a verb, looking through xcomp/conj chains ("we want to urge")."""
    current: Token | None = token
    for _ in range(4):
        if current is None:
            return None
        for c in current.children:
            if c.dep_ in SUBJECTS:
                return c
        if current.dep_ in {"xcomp", "conj"} and current.head != current:
            current = current.head
        else:
            return None
    return None


def is_second_person(token: Token | None) -> bool:
    if token is None:
        return False
    return token.lower_ in SECOND_PERSON or any(
        c.lower_ in SECOND_PERSON for c in token.children if c.dep_ == "poss"
    )


def mentions_second_person(token: Token) -> bool:
    """Whether the addressee appears anywhere in the phrase ("the results of your actions")."""
    return any(t.lower_ in SECOND_PERSON for t in token.subtree)


def is_first_person(token: Token | None) -> bool:
    return token is not None and token.lower_ in {"we", "i"}


def is_own_side(token: Token | None) -> bool:
    """The author or people the author claims: "we", "our fighters", "my brothers"."""
    if token is None:
        return False
    return is_first_person(token) or any(
        c.dep_ == "poss" and c.lower_ in {"our", "my"} for c in token.children
    )


def defined_by_conduct(token: Token) -> bool:
    """A class picked out by what its members do: "any company that cooperates with …"."""
    quantified = any(c.dep_ == "det" and c.lower_ in {"any", "every"} for c in token.children)
    return quantified and any(c.dep_ == "relcl" for c in token.children)


def is_human(token: Token | None, entity_types: frozenset[str] = lx.HUMAN_ENTITY_TYPES) -> bool:
    """A pronoun, a role noun, a named person/group or a "who" clause: the phrase names people."""
    if token is None:
        return False
    if token.lower_ in lx.HUMAN_PRONOUNS or token.lower_ in SECOND_PERSON:
        return True
    if token.ent_type_ in entity_types or token.lemma_.lower() in lx.HUMAN_NOUNS:
        return True
    # "every last one of them", "some of the protesters": a part of people is people.
    if token.lower_ in PARTITIVES:
        of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        if of is not None and any(is_human(o, entity_types) for o in of.children):
            return True
    # "the atheists", "a Jew": a group word as the head noun, not as a modifier ("Jewish groups").
    if token.lower_ in GROUP_NOUNS and token.dep_ not in {"amod", "compound"}:
        return True
    # "every traitor who …", "those who collaborate": a who-clause only modifies people.
    return any(
        c.dep_ == "relcl" and any(g.lower_ in {"who", "whom"} for g in c.children)
        for c in token.children
    )


def is_negated(token: Token) -> bool:
    return any(c.dep_ == "neg" for c in token.children) or any(
        c.dep_ == "det" and c.lower_ == "no" for c in token.children
    )


def has_future(token: Token) -> bool:
    """A "will"/"shall" auxiliary on the verb or on the clause that governs it."""
    current: Token | None = token
    for _ in range(3):
        if current is None:
            return False
        if any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in current.children):
            return True
        # "we will not rest until they are eliminated": the until-clause is in the same future.
        until = current.dep_ == "advcl" and any(c.lower_ == "until" for c in current.children)
        current = current.head if current.dep_ in {"xcomp", "conj"} or until else None
    return False


def is_question(sent: SpacySpan) -> bool:
    return sent.text.rstrip().rstrip("\"'”’)»").endswith("?")


def conditional_clause(token: Token) -> Token | None:
    """The "if"/"unless" clause attached to a verb, if any."""
    for c in token.children:
        if c.dep_ == "advcl" and any(
            m.dep_ == "mark" and m.lower_ in {"if", "unless"} for m in c.children
        ):
            return c
    return None


def is_reported(token: Token) -> bool:
    """Whether the clause sits under a speech or thought verb of someone other than the author.

    "The minister warned that X would face consequences": the threat is the minister's, and the
    text only reports it. A first-person reporter ("we say that …") keeps the author's voice.
    """
    current = token
    for _ in range(6):
        head = current.head
        if head == current:
            return False
        if current.dep_ == "acl" and head.lemma_.lower() in lx.REPORT_NOUNS:
            return True
        if current.dep_ in {"ccomp", "parataxis", "xcomp", "advcl"} and (
            head.lemma_.lower() in lx.REPORT_VERBS
        ):
            # An imperative ("Don't say you were not warned") has no reporter but the author.
            reporter = subject(head)
            return reporter is not None and not is_first_person(reporter)
        current = head
    return False
