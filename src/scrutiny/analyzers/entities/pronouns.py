"""Pronoun links: he/she, they and it to a named entity nearby, precision before recall.

Only the pronoun's own sentence (before it) and the sentence before are searched, never across
a quotation boundary, and a pronoun is left unlinked when the nearest plausible antecedent is
not a named entity ("the government ... it"). Links never claim more than 0.7 confidence.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrutiny.analyzers.entities.lexicon import PERSON_NOUNS
from scrutiny.analyzers.entities.names import Gender
from scrutiny.analyzers.entities.spans import span_root

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

MASCULINE = frozenset({"he", "him", "his", "himself"})
FEMININE = frozenset({"she", "her", "hers", "herself"})
PLURAL = frozenset({"they", "them", "their", "theirs", "themselves"})
NEUTER = frozenset({"it", "its", "itself"})
REFLEXIVE = frozenset({"himself", "herself", "themselves", "itself"})
# Subjects that can never be the antecedent of a third-person pronoun.
_NOT_ANTECEDENT = frozenset(
    {
        "i",
        "me",
        "we",
        "us",
        "you",
        "who",
        "whom",
        "which",
        "that",
        "this",
        "these",
        "those",
        "what",
        "one",
        "everyone",
        "someone",
        "anyone",
        "nobody",
        "everybody",
        "somebody",
    }
)
_SUBJECT = frozenset({"nsubj", "nsubjpass"})
_OBJECT = frozenset({"dobj", "attr", "appos", "oprd", "dative"})
# Verbs whose "it" subject is a placeholder for a clause: "it became known that ...".
_RAISING = frozenset({"be", "become", "seem", "appear", "happen", "remain", "turn", "take"})
# Agent-noun endings that (almost) always denote people: activist, gunman, spokeswoman.
_PERSON_SUFFIXES = ("ist", "man", "woman", "person")
_THING_TYPES = frozenset({"ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})
# How far back (in tokens) a pronoun may look, so huge run-on sentences stay linear.
LOOKBACK = 120
# Confidence by the grammatical role of the antecedent: subject, object, anything else.
_RANK_CONFIDENCE = (0.7, 0.6, 0.5)
Candidate = tuple[int, int, int]  # (rank, token position, entity)
_QUOTE_MARK = re.compile('["\u201c\u201d\u00ab\u00bb\n]')


@dataclass(frozen=True, slots=True)
class NameSpan:
    """A name mention over tokens ``[start, end)`` of entity number ``entity``."""

    start: int
    end: int
    entity: int


@dataclass(frozen=True, slots=True)
class PronounLink:
    """Pronoun token ``token`` refers to ``entities`` (more than one for "they")."""

    token: int
    entities: tuple[int, ...]
    confidence: float


def quote_regions(text: str) -> list[tuple[int, int]]:
    """Character ranges inside quotation marks; an unclosed quote ends with its line."""
    regions: list[tuple[int, int]] = []
    opened: int | None = None
    for m in _QUOTE_MARK.finditer(text):
        ch, pos = m.group(), m.start()
        if ch == "\n":
            if opened is not None:
                regions.append((opened, pos))
            opened = None
        elif opened is None and ch not in "\u201d\u00bb":
            opened = pos
        elif opened is not None and ch not in "\u201c\u00ab":
            regions.append((opened, pos + 1))
            opened = None
    if opened is not None:
        regions.append((opened, len(text)))
    return regions


def link_pronouns(
    doc: Doc, names: list[NameSpan], types: list[str], genders: list[Gender | None]
) -> list[PronounLink]:
    """Links for the personal pronouns of ``doc``, in document order."""
    return _Linker(doc, names, types, genders).run()


class _Linker:
    """Walks the pronouns in order; each link found can serve as antecedent for later ones."""

    def __init__(
        self, doc: Doc, names: list[NameSpan], types: list[str], genders: list[Gender | None]
    ) -> None:
        self.doc = doc
        self.types = types
        self.genders = genders
        self.owner: dict[int, int] = {}  # token -> entity of the name covering it
        self.roots: dict[int, int] = {}  # syntactic head token of a name -> its entity
        for n in names:
            for i in range(n.start, n.end):
                self.owner[i] = n.entity
            self.roots[span_root(doc, n.start, n.end).i] = n.entity
        self.resolved: dict[int, tuple[int, ...]] = {}
        self.sent_start, self.window_floor = _sentence_bounds(doc)
        self.region = _token_regions(doc)

    def run(self) -> list[PronounLink]:
        links = []
        for token in self.doc:
            if not _linkable(token):
                continue
            link = self._resolve(token)
            if link is not None:
                self.resolved[token.i] = link.entities
                links.append(link)
        return links

    def _resolve(self, token: Token) -> PronounLink | None:
        word = token.lower_
        if word in MASCULINE:
            return self._person(token, "m")
        if word in FEMININE:
            return self._person(token, "f")
        if word in PLURAL:
            return self._plural(token)
        return self._thing(token)

    def _scan(self, token: Token) -> range:
        """Token positions to search, nearest first: this sentence, then the one before."""
        p = token.i
        floor = self.sent_start[p] if token.lower_ in REFLEXIVE else self.window_floor[p]
        return range(p - 1, max(floor, p - LOOKBACK) - 1, -1)

    def _entity_of(self, t: Token) -> int | None:
        """The entity a token names, directly or through an appositive ("the president, X")."""
        if t.i in self.owner:
            return self.owner[t.i]
        for child in t.children:
            if child.dep_ == "appos" and child.i in self.owner:
                return self.owner[child.i]
        return None

    def _person(self, token: Token, gender: Gender) -> PronounLink | None:
        here: list[Candidate] = []
        before: list[Candidate] = []
        other_gender: set[int] = set()  # referred to by "she" nearby, so not "he" (and back)
        seen_subject = False
        for i in self._scan(token):
            t = self.doc[i]
            if self.region[i] != self.region[token.i]:
                continue
            entity = self._person_at(t, gender)
            if entity is not None and self.genders[entity] in (None, gender):
                pool = here if self.sent_start[i] == self.sent_start[token.i] else before
                pool.append((_rank(t), i, entity))
            elif not (here or before) and not seen_subject and _unnamed_person_subject(t):
                return None  # "the officer ... he": the nearest subject is a person, unnamed
            elif i in self.resolved and t.lower_ in (FEMININE if gender == "m" else MASCULINE):
                other_gender.update(self.resolved[i])
            seen_subject = seen_subject or t.dep_ in _SUBJECT
        pool = _choose_pool(token, here, before)
        pool = [c for c in pool if c[2] not in other_gender]
        if not pool:
            return None
        rank, _, entity = min(pool, key=lambda c: (c[0], -c[1]))
        rivals = {e for r, _, e in pool if r == rank and e != entity}
        confidence = _RANK_CONFIDENCE[rank] - (0.1 if rivals else 0.0)
        return PronounLink(token.i, (entity,), confidence)

    def _person_at(self, t: Token, gender: Gender) -> int | None:
        """The person a name or an earlier linked pronoun of the same gender at ``t`` denotes.

        Gender is not learnt from links for the whole text: one wrong "his" would then block
        every later "she" for that person.
        """
        if t.i in self.roots and self.types[self.roots[t.i]] == "PERSON":
            return self.roots[t.i]
        linked = self.resolved.get(t.i)
        same = MASCULINE if gender == "m" else FEMININE
        if linked is not None and len(linked) == 1 and t.lower_ in same:
            return linked[0]
        return None

    def _subjects(self, token: Token) -> list[Token]:
        """Third-person subjects before the pronoun in its window, nearest first."""
        found = []
        for i in self._scan(token):
            t = self.doc[i]
            same_quote = self.region[i] == self.region[token.i]
            if t.dep_ in _SUBJECT and same_quote and t.lower_ not in _NOT_ANTECEDENT:
                found.append(t)
        return found

    def _plural(self, token: Token) -> PronounLink | None:
        """ "they" names the nearest plural subject: a coordination, a plural noun, a group."""
        for t in self._subjects(token):
            word = t.lower_
            if word in PLURAL:
                linked = self.resolved.get(t.i)
                return PronounLink(token.i, linked, 0.6) if linked else None
            if word in MASCULINE or word in FEMININE or word in NEUTER:
                continue
            group = _coordinated(t)
            if len(group) == 1 and t.tag_ not in {"NNS", "NNPS"}:
                continue  # singular; a named organisation is "it" more often than "they"
            named = [e for g in group if (e := self._entity_of(g)) is not None]
            if not named:
                return None  # "9 people escaped ... they": the group has no name
            entities = tuple(dict.fromkeys(named))
            confidence = 0.6 if len(named) == len(group) else 0.5
            return PronounLink(token.i, entities, confidence)
        return None

    def _thing(self, token: Token) -> PronounLink | None:
        """ "it" names the nearest singular subject when that is a named organisation/place."""
        if _expletive(token):
            return None
        for t in self._subjects(token):
            word = t.lower_
            if word in NEUTER:
                linked = self.resolved.get(t.i)
                return PronounLink(token.i, linked, 0.6) if linked else None
            if word in MASCULINE or word in FEMININE or word in PLURAL:
                continue
            entity = self._entity_of(t)
            if entity is not None and self.types[entity] not in _THING_TYPES:
                continue
            if len(_coordinated(t)) > 1 or t.tag_ in {"NNS", "NNPS"}:
                continue
            if entity is None:
                return None  # "the government ... it": unnamed, so no link
            return PronounLink(token.i, (entity,), 0.6)
        return None


def _choose_pool(token: Token, here: list[Candidate], before: list[Candidate]) -> list[Candidate]:
    """This sentence's candidates, else the previous sentence's.

    A subject pronoun ("..., he added") skips names buried in a phrase of its own sentence
    ("an interview with John Allen's Crux") when the previous sentence offers candidates: it
    continues the topic, not the last possessive.
    """
    if token.dep_ in _SUBJECT:
        salient = [c for c in here if c[0] < 2]
        return salient or before or here
    return here or before


def _linkable(token: Token) -> bool:
    word = token.lower_
    if token.pos_ != "PRON" or not (
        word in MASCULINE or word in FEMININE or word in PLURAL or word in NEUTER
    ):
        return False
    # "He"/"His" capitalised inside a sentence is the divine pronoun, not a person in the text.
    return not (token.text[0].isupper() and not token.is_sent_start and word in MASCULINE)


def _rank(t: Token) -> int:
    dep = t.head.dep_ if t.dep_ == "conj" else t.dep_
    if dep in _SUBJECT:
        return 0
    return 1 if dep in _OBJECT else 2


def _unnamed_person_subject(t: Token) -> bool:
    """A singular common noun for a person as subject: "the officer", "a nationalist"."""
    if t.dep_ not in _SUBJECT or t.tag_ != "NN":
        return False
    word = t.lower_
    return word in PERSON_NOUNS or word.endswith(_PERSON_SUFFIXES)


def _coordinated(t: Token) -> list[Token]:
    """The subject and everything coordinated with it ("Atambayev and leaders")."""
    group, todo = [t], [t]
    while todo and len(group) < 12:
        for child in todo.pop().children:
            if child.dep_ == "conj":
                group.append(child)
                todo.append(child)
    return group


def _expletive(t: Token) -> bool:
    """ "it" standing for a clause: "it became known that", "it is necessary to"."""
    if t.dep_ == "expl":
        return True
    if t.lower_ != "it" or t.dep_ not in _SUBJECT or t.head.lemma_ not in _RAISING:
        return False
    return any(c.dep_ in {"ccomp", "xcomp", "csubj"} for c in t.head.children)


def _sentence_bounds(doc: Doc) -> tuple[list[int], list[int]]:
    """Per token: the start of its sentence, and the start of the sentence before that."""
    starts = [0] * len(doc)
    floors = [0] * len(doc)
    previous = 0
    for sent in doc.sents:
        for i in range(sent.start, sent.end):
            starts[i] = sent.start
            floors[i] = previous
        previous = sent.start
    return starts, floors


def _token_regions(doc: Doc) -> list[int]:
    """Per token: the number of the quotation it lies in, or -1 outside quotations."""
    regions = quote_regions(doc.text)
    begins = [r[0] for r in regions]
    out = []
    for t in doc:
        k = bisect_right(begins, t.idx) - 1
        out.append(k if k >= 0 and t.idx < regions[k][1] else -1)
    return out
