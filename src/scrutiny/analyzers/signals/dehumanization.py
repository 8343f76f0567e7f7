"""Dehumanisation rules: a vermin, disease, animal, filth or sub-human metaphor applied to people.

The metaphor must be predicated of people ("they are rats"), name them ("these parasites",
"savages who threatened violence", "called the protesters scum") or be made of them ("an
infestation of migrants", "a plague of foreigners"). Literal uses ("rats in the sewer", "the
virus spread", "a plague of locusts") have no human in those positions and are left alone.
"""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from scrutiny.analyzers.signals import lexicon as lx
from scrutiny.analyzers.signals.targets import (
    Finding,
    children,
    is_human,
    is_negated,
    phrase_bounds,
    subject,
)

CONFIDENCE = {
    "predicate": 0.85,
    "of": 0.8,
    "named": 0.8,
    "simile": 0.7,
    "member_of": 0.65,
    "demonstrative": 0.6,
    "noun": 0.6,
}
_NAMING_VERBS = frozenset({"brand", "call", "consider", "label", "name", "treat"})


def find_dehumanization(sent: SpacySpan) -> list[Finding]:
    lemmas = {t.lemma_.lower() for t in sent}
    literal = bool(lemmas & lx.LITERAL_CONTEXT)
    found: list[Finding] = []
    for token in sent:
        kind = _metaphor(token)
        if kind is None or is_negated(token):
            continue
        finding = _predicated(token) or _of_people(token) or _named(token) or _simile(token)
        if finding is None and (not literal or token.lemma_.lower() in lx.HUMAN_ONLY_METAPHORS):
            finding = _referring(token) or _member_of(token)
        if finding is not None:
            finding.subtype = kind
            found.append(finding)
    return found


def _metaphor(token: Token) -> str | None:
    lemma = token.lemma_.lower()
    kind = lx.METAPHORS.get(lemma) or lx.METAPHORS.get(token.lower_)
    # Part of a name ("Michael Savage", "the Black Plague") is not a metaphor for anyone.
    if kind is None or token.ent_type_:
        return None
    # The tagger reads a rare predicate noun as an adjective ("they are vermin/JJ").
    predicate = token.pos_ == "ADJ" and token.dep_ in {"acomp", "attr"}
    if (
        token.pos_ not in {"NOUN", "PROPN"}
        and not predicate
        and lemma not in lx.HUMAN_ONLY_METAPHORS
    ):
        return None
    # "wild animals", "Animal rights": a literal modifier or the noun used as a modifier.
    if token.dep_ in {"compound", "amod"} and lemma not in lx.HUMAN_ONLY_METAPHORS:
        return None
    if any(c.lower_ == "wild" for c in token.children):
        return None
    return kind


def _predicated(token: Token) -> Finding | None:
    """Predication: "they are rats", "the refugees are a cancer", "they are nothing but filth"."""
    base = _conj_root(_exclusive(token))
    if base.dep_ not in {"attr", "acomp"}:
        return None
    root = base.head
    subj = subject(root)
    if subj is None or not _people(subj) or root.lemma_.lower() != "be":
        return None
    return _finding(token, "predicate", subj)


def _exclusive(token: Token) -> Token:
    # "nothing but filth", "no more than animals": the predicate is the quantifier, the metaphor
    # hangs under it.
    prep = token.head
    if token.dep_ == "pobj" and prep.lower_ in {"but", "than"} and prep.head.dep_ == "attr":
        return prep.head
    return token


def _simile(token: Token) -> Finding | None:
    """Simile: "they are swarming across the border like rats", "they spread like a plague"."""
    prep = token.head
    if token.dep_ != "pobj" or prep.lower_ not in {"like", "as"} or prep.dep_ != "prep":
        return None
    verb = prep.head
    if verb.pos_ not in {"VERB", "AUX"} or verb.lemma_.lower() in _NAMING_VERBS:
        return None
    subj = subject(verb)
    if subj is None or not _people(subj):
        return None
    finding = _finding(token, "simile", subj)
    finding.start = min(finding.start, prep.idx)
    return finding


def _member_of(token: Token) -> Finding | None:
    """A metaphor for a group of people: "the rest of the neocon scum", "a pack of rats"."""
    prep = token.head
    if token.dep_ != "pobj" or prep.lower_ != "of":
        return None
    whole = prep.head
    if whole.lemma_.lower() not in lx.COLLECTIVE_NOUNS:
        return None
    return _finding(token, "member_of", token)


def _of_people(token: Token) -> Finding | None:
    """Made of people: "an infestation of migrants", "a plague of foreigners"."""
    for prep in children(token, "prep"):
        if prep.lower_ not in {"of", "by"}:
            continue
        obj = next(children(prep, "pobj"), None)
        if obj is not None and _people(obj):
            return _finding(token, "of", obj)
    return None


def _named(token: Token) -> Finding | None:
    """Naming: "he called the protesters scum", "they treat them as animals"."""
    base = _conj_root(token)
    verb = base.head
    if base.dep_ == "pobj" and verb.dep_ == "prep" and verb.lower_ == "as":
        verb = verb.head
    if (
        base.dep_ not in {"oprd", "dobj", "pobj", "attr"}
        or verb.lemma_.lower() not in _NAMING_VERBS
    ):
        return None
    obj = next((c for c in children(verb, "dobj") if c != base), None)
    if obj is None or not _people(obj):
        return None
    finding = _finding(token, "named", obj)
    # "He called the protesters scum": the name is the namer's; only an imperative or a
    # first-person namer ("we should call them vermin") makes it the author's.
    namer = subject(verb)
    if namer is not None and namer.lower_ not in {"i", "we"}:
        finding.extra["reported"] = True
    return finding


def _referring(token: Token) -> Finding | None:
    """The metaphor used as the name of people: "these parasites", "savages who …"."""
    human_only = token.lemma_.lower() in lx.HUMAN_ONLY_METAPHORS
    has_who = is_human(token) and token.lower_ not in lx.HUMAN_PRONOUNS
    demonstrative = any(c.lower_ in {"these", "those"} for c in children(token, "det"))
    plural = token.tag_ in {"NNS", "NNPS"} or token.lower_ == "vermin"
    if human_only and token.pos_ in {"NOUN", "PROPN"}:
        return _finding(token, "noun", token)
    if has_who:
        return _finding(token, "named", token)
    if demonstrative and plural and token.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj"}:
        return _finding(token, "demonstrative", token)
    return None


def _people(token: Token) -> bool:
    return is_human(token, lx.PEOPLE_ENTITY_TYPES)


def _conj_root(token: Token) -> Token:
    while token.dep_ == "conj" and token.head != token:
        token = token.head
    return token


def _conj_of(token: Token, deps: set[str]) -> bool:
    return token.dep_ == "conj" and _conj_root(token).dep_ in deps


def _finding(token: Token, rule: str, target: Token) -> Finding:
    start, end = phrase_bounds(token) if token.pos_ in {"NOUN", "PROPN"} else _word(token)
    confidence = CONFIDENCE[rule]
    return Finding("dehumanization", start, end, "", token.text, confidence, target, None, rule)


def _word(token: Token) -> tuple[int, int]:
    return token.idx, token.idx + len(token.text)
