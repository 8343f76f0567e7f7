"""Offices and relations of entities: the ``role`` layer.

This module owns the ``role`` layer (docs/layers.md, docs/roles.md). It reads the spaCy
dependency parse left in ``state.scratch["spacy"]`` and the ``entity``/``mention`` layers, and
finds who holds which office or stands in which relation, from three kinds of construction:

* copulas: "Bakiev was president of Kyrgyzstan", "he is imam of ..." (the holder may be a
  pronoun the ``entities`` analyzer linked), relative clauses ("X, who is the son of Y") and
  "served as" / "was elected" phrases;
* appositions: "X, the president of Y", "the president of Y, X", "his son X";
* titles before a name: "the present President Atambayev", "acting FBI director Andrew McCabe".

What counts as a role is decided by the head noun of the phrase against the documented lexicon
in ``roles.lexicon`` (WordNet is not available); precision comes before recall, so vague nouns
("head", "member", every kinship word) need an *of*-complement, and negated, modal, conditional
or interrogative copulas are skipped. Each role is reported once per holder, with the number of
times the text states it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from scrutiny.analyzers.roles.lexicon import (
    DOTLESS,
    FIXED_HEADS,
    FIXED_OF,
    LEXICON,
    MODIFIERS,
    OFFICE,
    PARTY_WORDS,
    QUALIFIERS,
    TITLE,
    VERB_QUALIFIERS,
    RoleWord,
    expand,
    word_set,
)
from scrutiny.pipeline import AnalysisState

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_TIME_PREPOSITIONS = frozenset({"at", "on", "during", "in", "by"})
_TIME_NOUNS = frozenset({"time", "period", "moment", "point"})
_DEMONSTRATIVES = frozenset({"that", "those"})
# Prepositions that introduce what a role is *of*: "spokesman for", "ambassador to", "imam at".
_OF_PREPOSITIONS = frozenset({"of", "for", "to", "at"})
# What a role can be of: a "World War II partner" is not a partner *of* the war.
_OF_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC", "LOC"})
# Role nouns whose "at X" is a venue, not what the role is of ("a speaker at the conference").
_NOT_AT = frozenset({"speaker", "member", "head", "leader", "chair"})
_COPULAS = frozenset({"be", "become", "remain"})
# Verbs whose "as X" names a role their subject holds: "served as ambassador".
_AS_VERBS = word_set(
    """serve work act remain continue elect appoint name confirm install swear choose select
    designate reappoint reelect function"""
)
# Verbs whose object predicate names a role: "was elected president", "appointed him minister".
_OPRD_VERBS = word_set(
    "elect appoint name make choose select crown install reelect designate reappoint"
)
_RELATIVES = frozenset({"who", "that", "which"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
# "If he is president" claims nothing; "When he was president" presupposes it, so it counts.
_CONDITIONS = frozenset({"if", "unless", "whether"})
_NEGATIVE_DETERMINERS = frozenset({"no", "neither"})
# Children that end a role phrase: what follows them is about something else.
_PHRASE_BREAKS = frozenset({"relcl", "appos", "acl", "punct", "advcl", "parataxis", "ccomp"})
# Words that cannot end a phrase: "and", "of", "the".
_DANGLING = frozenset({"CCONJ", "ADP", "DET", "SCONJ"})
_DASHES = frozenset({"-", "–", "—", "‐"})
_APPOSITION_MARKS = frozenset({",", "(", "-", "–", "—", ":"})
_HYPHEN_SUFFIXES = frozenset({"elect", "designate"})
_HYPHEN_PREFIXES = frozenset({"ex", "vice", "co", "deputy"})
_ARTICLES = ("the ", "a ", "an ")
# Longest run of words before a name that can be its title ("former Trump campaign chairman").
MAX_TITLE_TOKENS = 8
# How many "of X" levels an apposition may climb to reach its role noun (parser quirk).
MAX_CLIMB = 3
MAX_OF_CHARS = 80

CONFIDENCE = {
    "copula": 0.85,
    "relative": 0.8,
    "apposition": 0.8,
    "title": 0.8,
    "apposition_before": 0.75,
    "inverse_copula": 0.75,
    "as": 0.75,
    "predicate": 0.75,
    "apposition_climb": 0.65,
    "pronoun": 0.6,
}


@dataclass(frozen=True, slots=True)
class Found:
    """One role before it becomes an annotation: token bounds are inclusive."""

    holder: str
    first: int
    last: int
    label: str
    role: str
    of: str | None
    when: str | None
    rule: str
    confidence: float


class _Mentions:
    """Token-level view of the ``mention`` layer: which tokens are names, pronouns, and whose."""

    def __init__(self, state: AnalysisState, doc: Doc) -> None:
        self.state = state
        self.labels = {e.id: e.label for e in state.layer("entity")}
        self.name_tokens: dict[int, str] = {}
        self.plural_pronouns: set[int] = set()
        self.person_names: list[tuple[int, int, str]] = []
        for m in state.layer("mention"):
            span = doc.char_span(m.span.start, m.span.end, alignment_mode="expand")
            entity = m.attrs.get("entity")
            if span is None or len(span) == 0 or not entity:
                continue
            if m.attrs.get("kind") == "pronoun":
                if len(m.attrs.get("entities") or ()) > 1:
                    self.plural_pronouns.add(span.start)
                continue
            for i in range(span.start, span.end):
                self.name_tokens[i] = str(entity)
            if self.labels.get(str(entity)) == "PERSON":
                self.person_names.append((span.start, span.end, str(entity)))

    def ids(self, token: Token) -> list[str]:
        return self.state.entities_at(token.idx, token.idx + len(token.text))

    def entity(self, token: Token) -> tuple[str, bool] | None:
        """The one entity a token names or refers to, and whether through a pronoun."""
        if token.i in self.plural_pronouns:
            return None
        ids = self.ids(token)
        if len(ids) != 1:
            return None
        return ids[0], token.i not in self.name_tokens

    def label(self, entity: str) -> str | None:
        return self.labels.get(entity)


class _Sentences:
    """Sentence bounds by token, computed once (``Token.sent`` rescans the sentence each time)."""

    def __init__(self, doc: Doc) -> None:
        self.starts: list[int] = [0] * len(doc)
        self.questions: set[int] = set()
        for sent in doc.sents:
            self.starts[sent.start : sent.end] = [sent.start] * len(sent)
            # A question asks whether someone holds a role; it does not say so.
            if any(t.text == "?" for t in sent[-2:]):
                self.questions.add(sent.start)

    def start(self, i: int) -> int:
        return self.starts[i]

    def question(self, i: int) -> bool:
        return self.starts[i] in self.questions


def role_word(token: Token) -> tuple[str, RoleWord] | None:
    """The lexicon entry of a singular role noun (or title abbreviation), if it is one."""
    if token.pos_ in {"VERB", "AUX", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "PUNCT", "NUM"}:
        return None
    if token.tag_ in {"NNS", "NNPS"}:
        return None
    if token.lower_ in DOTLESS and not token.text.istitle():
        return None  # "DR Congo", "GEN Z"
    word = expand(token.lower_)
    entry = LEXICON.get(word)
    return (word, entry) if entry else None


def _qualifier(token: Token) -> str | None:
    word = token.lower_
    if word == "ex" and _hyphen_follows(token):
        return "former"
    if token.pos_ not in {"ADJ", "ADV", "VERB", "NOUN", "PROPN"}:
        return None
    return QUALIFIERS.get(word)


def _hyphen_follows(token: Token) -> bool:
    doc = token.doc
    return (
        token.i + 1 < len(doc)
        and not token.whitespace_
        and doc[token.i + 1].text in _DASHES
        and not doc[token.i + 1].whitespace_
    )


def _is_hyphen(token: Token) -> bool:
    doc = token.doc
    return (
        token.text in _DASHES
        and token.i > 0
        and not doc[token.i - 1].whitespace_
        and (not token.whitespace_)
    )


class _Finder:
    """Runs every rule over one parsed document."""

    def __init__(self, state: AnalysisState, doc: Doc) -> None:
        self.doc = doc
        self.mentions = _Mentions(state, doc)
        self.sentences = _Sentences(doc)

    def run(self) -> list[Found]:
        found: list[Found] = []
        for token in self.doc:
            if token.lemma_ in _COPULAS and token.pos_ in {"AUX", "VERB"}:
                found.extend(self._copula(token))
            if token.lemma_ in _AS_VERBS or token.lemma_ in _OPRD_VERBS:
                found.extend(self._as_or_predicate(token))
            if token.dep_ == "appos":
                found.extend(self._apposition(token))
        for start, end, entity in self.mentions.person_names:
            found.extend(self._titles(start, end, entity))
        return found

    # -- copulas and role-naming verbs --------------------------------------------------------

    def _copula(self, verb: Token) -> Iterator[Found]:
        if _hedged(verb) or self.sentences.question(verb.i):
            return
        subject, rule = _subject(verb)
        for predicate in verb.children:
            if predicate.dep_ not in {"attr", "acomp", "oprd"} or _negated(predicate):
                continue
            if (
                subject is not None
                and role_word(subject)
                and predicate.i in self.mentions.name_tokens
            ):
                # "The president of Kyrgyzstan is Atambayev."
                found = self._role(subject, predicate, "inverse_copula", verb)
                if found is not None:
                    yield found
                continue
            if subject is None:
                continue
            for head in _coordinated_roles(predicate):
                found = self._role(head, subject, rule, verb)
                if found is not None:
                    yield found

    def _as_or_predicate(self, verb: Token) -> Iterator[Found]:
        if _hedged(verb) or self.sentences.question(verb.i):
            return
        holder, _ = _subject(verb)
        if verb.lemma_ in _OPRD_VERBS:
            # "Benedict XVI appointed him (as) bishop": the object holds the role, not the subject.
            holder = next((c for c in verb.children if c.dep_ == "dobj"), holder)
        if holder is None:
            return
        for child in verb.children:
            if child.dep_ == "oprd" and verb.lemma_ in _OPRD_VERBS:
                found = self._role(child, holder, "predicate", verb)
                if found is not None:
                    yield found
            if child.dep_ == "prep" and child.lower_ == "as" and verb.lemma_ in _AS_VERBS:
                for obj in child.children:
                    found = self._role(obj, holder, "as", verb) if obj.dep_ == "pobj" else None
                    if found is not None:
                        yield found

    # -- appositions ---------------------------------------------------------------------------

    def _apposition(self, appos: Token) -> Iterator[Found]:
        head = appos.head
        names = self.mentions.name_tokens
        if (
            head.i in names
            and appos.i > head.i
            and role_word(appos)
            and _marked_apposition(head, appos)
        ):
            for noun in _coordinated_roles(appos):
                found = self._role(noun, head, "apposition", None)
                if found is not None:
                    yield found
            return
        if appos.i not in names or appos.i < head.i:
            return
        role = head if role_word(head) else _glued_role(head)
        if role is not None:
            found = self._role(role, appos, "apposition_before", None)
            if found is not None:
                yield found
            return
        climbed = self._climb(head)
        if climbed is not None:
            found = self._role(climbed, appos, "apposition_climb", None)
            if found is not None:
                yield found

    def _climb(self, token: Token) -> Token | None:
        """The role noun an apposed name belongs to when the parser hung it on "of X".

        In "the president of Kyrgyzstan, Almazbek Atambayev" the name is parsed as apposed to
        Kyrgyzstan; climb to "president" only from a named place or organisation: in "a supporter
        of the terrorist organization, Hamas" the name really is apposed to its object.
        """
        for _ in range(MAX_CLIMB):
            named = self.mentions.name_tokens.get(token.i)
            if named is None or self.mentions.label(named) == "PERSON":
                return None
            if token.dep_ != "pobj" or token.head.dep_ != "prep":
                return None
            token = token.head.head
            if role_word(token):
                return token
        return None

    # -- titles before names -------------------------------------------------------------------

    def _titles(self, start: int, end: int, entity: str) -> Iterator[Found]:
        """Titles before one name, rightmost first: "Supreme Leader Ayatollah Khamenei" has two."""
        doc = self.doc
        name_start = start
        # The entity layer may keep a title inside the name ("Imam Ali Khan").
        while name_start < end - 1 and _inner_title(doc[name_start]):
            name_start += 1
        first = start
        sentence_start = self.sentences.start(start)
        while (
            first > sentence_start
            and name_start - first < MAX_TITLE_TOKENS
            and self._title_part(doc[first - 1])
        ):
            first -= 1
        first = _attached_from(doc, first, name_start, end)
        # A run cannot open with "of" or "'s" once what they hung on was cut off.
        while first < name_start and (doc[first].pos_ in _DANGLING or doc[first].tag_ == "POS"):
            first += 1
        spans = self._title_spans(first, name_start)
        for k, (lo, head, hi) in enumerate(spans):
            # Qualifiers and possessors before the first title belong to the first title only.
            found = self._phrase(
                holder=(entity, False),
                head=doc[head],
                lo=first if k == len(spans) - 1 else lo,
                hi=hi,
                rule="title",
                context=None,
            )
            if found is not None:
                yield found

    def _title_spans(self, first: int, name_start: int) -> list[tuple[int, int, int]]:
        """(start, head, end) of each title in a run, right to left, ends inclusive."""
        spans: list[tuple[int, int, int]] = []
        hi = name_start - 1
        while hi >= first:
            found = _title_head(self.doc, first, hi + 1)
            if found is None:
                break
            head, end = found
            lo = _role_start(self.doc, first, head, self.mentions.name_tokens)
            spans.append((lo, head, end))
            hi = lo - 1
            if hi < first or role_word(self.doc[hi]) is None:
                break
        return spans

    def _title_part(self, token: Token) -> bool:
        if token.i in self.mentions.name_tokens:
            entity = self.mentions.name_tokens[token.i]
            # Another person's name can only be a possessor: "Trump adviser", "Trump's son".
            return self.mentions.label(entity) != "PERSON" or _possessor_like(token)
        if role_word(token) or _qualifier(token) or _is_hyphen(token):
            return True
        word = token.lower_
        if word in MODIFIERS or word in _HYPHEN_SUFFIXES or token.tag_ in {"PRP$", "POS"}:
            return True
        if word == "of":
            return token.i > 0 and role_word(token.doc[token.i - 1]) is not None
        if token.pos_ == "NOUN" and token.is_lower and token.dep_ in {"compound", "nmod"}:
            return True
        return token.pos_ == "PROPN" and token.is_title and token.dep_ in {"compound", "nmod"}

    # -- building a role from its head noun ----------------------------------------------------

    def _role(
        self, head: Token, holder_token: Token, rule: str, verb: Token | None
    ) -> Found | None:
        if not role_word(head) or _negated(head):
            return None
        holder = self.mentions.entity(holder_token)
        if holder is None:
            holder = self._named_apposition(holder_token)
        if holder is None:
            return None
        lo = _phrase_start(head, verb)
        hi = head.i + _suffix_length(head)
        return self._phrase(holder=holder, head=head, lo=lo, hi=hi, rule=rule, context=verb)

    def _named_apposition(self, token: Token) -> tuple[str, bool] | None:
        # "The president, Atambayev, is the son of ..." makes the apposed name the subject.
        for child in token.children:
            if child.dep_ == "appos" and child.i in self.mentions.name_tokens:
                return self.mentions.entity(child)
        return None

    def _phrase(
        self,
        *,
        holder: tuple[str, bool],
        head: Token,
        lo: int,
        hi: int,
        rule: str,
        context: Token | None,
    ) -> Found | None:
        entry = role_word(head)
        if entry is None:
            return None
        key, word = entry
        entity, via_pronoun = holder
        if not self._can_hold(entity, head, word):
            return None
        doc = self.doc
        start = _role_start(doc, lo, head.i, self.mentions.name_tokens)
        if any(t.tag_ == "WP$" for t in doc[lo:start]):
            return None  # "X, whose son ...": the son is somebody else
        prep = _of_preposition(head, key) if rule != "title" else None
        if prep is not None and prep.lower_ == "at" and not self._names_object(prep):
            # "at" introduces places as often as employers ("the spokesman at the center of the
            # scandal"); only a name makes it the role's "of" ("imam at Al-Sarakhsi Mosque").
            prep = None
        named = self._name_and_of(key, word, (lo, start, hi), prep, rule, entity)
        if named is None:
            return None
        role, of = named
        last = max(hi, _phrase_end(prep)) if prep is not None else hi
        when = _when_in(doc, lo, head.i) or (_verb_when(context) if context is not None else None)
        confidence = CONFIDENCE[rule]
        if via_pronoun:
            confidence = min(confidence, CONFIDENCE["pronoun"])
        first, last = _trim(doc, lo, last)
        return Found(entity, first, last, word.label, role, of, when, rule, confidence)

    def _name_and_of(
        self,
        key: str,
        word: RoleWord,
        bounds: tuple[int, int, int],
        prep: Token | None,
        rule: str,
        holder: str,
    ) -> tuple[str, str | None] | None:
        """The normalised role and what it is of; None when a vague role is of nothing."""
        lo, start, hi = bounds
        role = _role_text(self.doc, start, hi, self.mentions.name_tokens) or key
        fixed = _fixed_office(prep) if key in FIXED_HEADS else None
        if fixed is not None:
            # "the US secretary of state": the office is "secretary of state", the US its "of".
            role, prep = f"{role} of {fixed}", None
        nationality = rule == "title" and word.bare
        of = self._of(lo, start, prep, exclude=holder, nationality=nationality)
        if of is None and not (word.bare or fixed) and not _title_stands_alone(rule, word, role):
            return None
        return role, of

    def _can_hold(self, entity: str, head: Token, word: RoleWord) -> bool:
        if self.mentions.label(entity) not in word.holders:
            return False
        # A role noun inside another name is part of that name: "Justice Department".
        return self.mentions.name_tokens.get(head.i, entity) == entity

    def _of(
        self, lo: int, start: int, prep: Token | None, exclude: str, *, nationality: bool
    ) -> str | None:
        """Whose or what's role it is: "of X", else a possessor or a named modifier before the
        role words ``[start, ...)`` of the phrase ``[lo, ...)``. A nationality ("Russian") only
        counts when ``nationality`` allows it: "Russian President X" is Russia's president, but
        "a Chilean bishop" is not Chile's and "a British member" is no member of Britain."""
        if prep is not None:
            obj = next(c for c in prep.children if c.dep_ == "pobj")
            return self._reference(obj, exclude) or self._apposed(obj, exclude) or _plain_text(obj)
        for token in self.doc[lo:start]:
            if token.dep_ == "poss" or token.tag_ == "PRP$":
                ref = self._reference(token, exclude)
                if ref is not None:
                    return ref
                if token.pos_ not in {"PRON", "DET"}:
                    return _plain_text(token, drop_possessive=True)
        for token in reversed(self.doc[lo:start]):
            if token.i in self.mentions.name_tokens and token.lower_ not in PARTY_WORDS:
                ref = self._reference(token, exclude)
                if ref is None:
                    continue
                if self.mentions.label(ref) != "NORP" or (nationality and token.text[:1].isupper()):
                    return ref
        return None

    def _names_object(self, prep: Token) -> bool:
        return any(c.dep_ == "pobj" and c.i in self.mentions.name_tokens for c in prep.children)

    def _apposed(self, token: Token, exclude: str) -> str | None:
        # "the wife of the Greek hero Perseus": the hero has a name.
        for child in token.children:
            if child.dep_ in {"appos", "compound"} and child.i > token.i:
                ref = self._reference(child, exclude)
                if ref is not None:
                    return ref
        return None

    def _reference(self, token: Token, exclude: str) -> str | None:
        if token.i in self.mentions.plural_pronouns:
            return None
        ids = [
            e
            for e in self.mentions.ids(token)
            if e != exclude and self.mentions.label(e) in _OF_TYPES
        ]
        return ids[0] if ids else None


def _title_stands_alone(rule: str, word: RoleWord, role: str) -> bool:
    """Before a name, an honorific needs no "of", nor does a vague office that a modifier
    narrows ("Supreme Leader", "Press Secretary"); "Leader X" or "son X" alone says too little."""
    if rule != "title":
        return False
    return word.label == TITLE or (word.label == OFFICE and " " in role)


# -- parse helpers (module-level: they need no document state) -------------------------------


def _subject(verb: Token) -> tuple[Token | None, str]:
    """The subject of a verb, seen through relative pronouns and coordinated verbs."""
    current = verb
    for _ in range(MAX_CLIMB):
        subjects = [c for c in current.children if c.dep_ in _SUBJECTS]
        if subjects:
            # A parenthetical clause can leave two subjects on one verb; the nearer one is its own.
            before = [s for s in subjects if s.i < current.i]
            subject = before[-1] if before else subjects[0]
            if subject.lower_ in _RELATIVES and current.dep_ == "relcl":
                return current.head, "relative"
            if subject.lower_ in _RELATIVES:
                return None, "copula"
            return subject, "copula"
        if current.dep_ != "conj":
            break
        current = current.head
    return None, "copula"


def _hedged(verb: Token) -> bool:
    """Negated, modal, infinitival or conditional: no claim that a role is held."""
    for child in verb.children:
        if child.dep_ == "neg":
            return True
        if child.dep_ in {"aux", "auxpass"} and (child.tag_ == "MD" or child.lower_ == "to"):
            return True
        if child.dep_ == "mark" and child.lower_ in _CONDITIONS:
            return True
    return False


def _negated(token: Token) -> bool:
    return any(
        c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ in _NEGATIVE_DETERMINERS)
        for c in token.children
    )


def _coordinated_roles(token: Token) -> list[Token]:
    """A role noun and the role nouns coordinated with it ("president and party leader")."""
    roles = [token]
    for child in token.children:
        if child.dep_ == "conj" and role_word(child):
            roles.append(child)
    return roles


def _glued_role(token: Token) -> Token | None:
    """The role noun of "vice-president" when the parser made "vice" the head of the phrase."""
    doc = token.doc
    if token.lower_ in _HYPHEN_PREFIXES and _hyphen_follows(token) and token.i + 2 < len(doc):
        role = doc[token.i + 2]
        return role if role_word(role) else None
    return None


def _marked_apposition(name: Token, appos: Token) -> bool:
    # A real apposition is set off by punctuation; without it the parser may have glued two
    # noun phrases together ("Trump adviser").
    doc = name.doc
    return any(doc[i].text in _APPOSITION_MARKS for i in range(name.i + 1, appos.left_edge.i + 1))


def _inner_title(token: Token) -> bool:
    # Inside a name only lexicon words can be a title: "Imam Ali Khan", not "Tony" of "Tony Blair".
    return role_word(token) is not None or token.lower_ in MODIFIERS or _is_hyphen(token)


def _possessor_like(token: Token) -> bool:
    doc = token.doc
    nxt = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return token.dep_ in {"poss", "compound", "amod", "nmod"} or (
        nxt is not None and nxt.tag_ == "POS"
    )


def _attached_from(doc: Doc, first: int, name_start: int, end: int) -> int:
    """Drop words before a name that hang elsewhere in the parse ("told the minister Bakiev")."""
    lo = first
    for i in range(lo, name_start):
        head = doc[i].head.i
        if not (lo <= head < end) and doc[i].tag_ != "POS":
            first = i + 1
    return first


def _title_head(doc: Doc, first: int, name_start: int) -> tuple[int, int] | None:
    """The rightmost role noun of a title run and the last token of its title."""
    for i in range(name_start - 1, first - 1, -1):
        if role_word(doc[i]):
            end = _title_end(doc, i, name_start)
            return None if end is None else (i, end)
    return None


def _title_end(doc: Doc, head: int, name_start: int) -> int | None:
    """Where a title ends: after "-elect" and "of State", before a first name the entity layer
    left out ("Governor Alejandro García Padilla"); None if anything else follows the head."""
    j = head + 1
    if j + 1 < name_start and _is_hyphen(doc[j]) and doc[j + 1].lower_ in _HYPHEN_SUFFIXES:
        j += 2
    if j < name_start and doc[j].lower_ == "of":
        j += 1
        while j < name_start and (doc[j].is_title or doc[j].lower_ == "the"):
            j += 1
        if not doc[j - 1].is_title:
            return None
    end = j - 1
    for token in doc[j:name_start]:
        if not (token.pos_ == "PROPN" and token.is_title and token.head.i >= name_start):
            return None
    return end


def _phrase_start(head: Token, verb: Token | None) -> int:
    """First token of a role phrase: its determiner and modifiers, never the verb before it."""
    lo = head.i
    for child in head.lefts:
        if child.dep_ not in {"punct", "cc", "appos", "relcl"}:
            lo = min(lo, child.left_edge.i)
    if _prefixed_in_law(head):
        lo = min(lo, head.i - 4)
    doc = head.doc
    # "ex-president", "vice-chairman": the parser often tears the prefix off the noun.
    while lo >= 2 and _is_hyphen(doc[lo - 1]) and doc[lo - 2].lower_ in _HYPHEN_PREFIXES:
        lo -= 2
    if verb is not None and verb.i < head.i:
        lo = max(lo, verb.i + 1)
    return lo


def _prefixed_in_law(head: Token) -> bool:
    doc = head.doc
    if head.lower_ != "law" or head.i < 4:
        return False
    parts = [t.lower_ for t in doc[head.i - 3 : head.i]]
    return parts == ["-", "in", "-"]


def _suffix_length(head: Token) -> int:
    """Tokens of "-elect", "-designate" or "-in-law" glued to the role noun."""
    doc = head.doc
    i = head.i
    if i + 2 < len(doc) and _hyphen_follows(head) and doc[i + 2].lower_ in _HYPHEN_SUFFIXES:
        return 2
    glued = [t.lower_ for t in doc[i + 1 : i + 5]]
    if glued == ["-", "in", "-", "law"] and _hyphen_follows(head):
        return 4
    return 0


def _of_preposition(head: Token, key: str) -> Token | None:
    """The "of X" / "for X" / "to X" / "at X" of a role noun, unless X is a time.

    "a speaker at the conference" holds no office of the conference, "the speaker of the House"
    does; so some nouns do not take "at"."""
    allowed = _OF_PREPOSITIONS - {"at"} if key in _NOT_AT else _OF_PREPOSITIONS
    for child in head.rights:
        if child.dep_ in {"cc", "conj", "appos"}:
            # "member and mother of two sons": what follows the coordination is the conjunct's;
            # "its prefect Cardinal X, for ...": what follows the name is about the name.
            return None
        if child.dep_ != "prep" or child.lower_ not in allowed:
            continue
        obj = next((c for c in child.children if c.dep_ == "pobj"), None)
        if obj is None or obj.pos_ not in {"NOUN", "PROPN", "PRON", "NUM"}:
            continue  # "editor at large of ..."
        if obj.ent_type_ in {"DATE", "TIME"} or obj.lemma_ in _TIME_NOUNS:
            return None
        return child
    return None


def _fixed_office(prep: Token | None) -> str | None:
    """The object of an "of" that is part of the office's name: "chief of staff"."""
    if prep is None or prep.lower_ != "of":
        return None
    obj = next(c for c in prep.children if c.dep_ == "pobj")
    words = [t.lower_ for t in obj.subtree if t.dep_ != "det"]
    text = " ".join(words)
    return text if text in FIXED_OF else None


def _phrase_end(token: Token) -> int:
    """Last token of a phrase, leaving out clauses and appositions hung on it."""
    last = token.i
    stack = [token]
    while stack:
        current = stack.pop()
        last = max(last, current.i)
        stack.extend(c for c in current.children if _same_phrase(c))
    return last


def _same_phrase(child: Token) -> bool:
    if child.dep_ == "appos":
        # "the Greek hero Perseus" is one phrase; ", Perseus," is an aside.
        doc = child.doc
        return not any(doc[i].is_punct for i in range(child.head.i + 1, child.i))
    if child.dep_ in _PHRASE_BREAKS:
        return False
    if child.dep_ != "conj" or child.pos_ == "PROPN":
        # "of Security, Police, and Fire Professionals of America" is one name.
        return True
    # "and the sole supplier of ...", "and author of ...": a second description.
    return role_word(child) is None and not any(
        c.dep_ in {"det", "poss", "prep"} for c in child.children
    )


def _plain_text(token: Token, *, drop_possessive: bool = False) -> str | None:
    """A phrase's words without its leading article, when no entity stands for it."""
    doc = token.doc
    lo = token.left_edge.i
    hi = _phrase_end(token)
    if drop_possessive and hi > lo and doc[hi].tag_ == "POS":
        hi -= 1
    lo, hi = _trim(doc, lo, hi)
    text = doc[lo : hi + 1].text.strip()
    for article in _ARTICLES:
        if text.lower().startswith(article):
            text = text[len(article) :]
            break
    if not text or len(text) > MAX_OF_CHARS:
        return None
    return " ".join(text.split())


def _role_start(doc: Doc, lo: int, head: int, names: dict[int, str]) -> int:
    """First word of the role itself: the modifiers that narrow it ("Deputy Prime", "campaign")."""
    start = head
    while start - 1 >= lo and _role_modifier(doc[start - 1], doc[start], names):
        start -= 1
    while start < head and _is_hyphen(doc[start]):
        glued = doc[start - 1]
        start += 1
        # "ex-" went to ``when``; the "term" of "two-term" is half of a word left out.
        if _qualifier(glued) is None and start < head:
            start += 1
    return start


def _role_text(doc: Doc, start: int, hi: int, names: dict[int, str]) -> str:
    """The normalised role, lowercase except names inside it ("secretary of Homeland Security")."""
    words: list[str] = []
    for token in doc[start : hi + 1]:
        text = token.text
        lower = expand(token.lower_)
        if lower in LEXICON or lower in MODIFIERS or token.i not in names or token.is_lower:
            text = lower
        words.append(text + (token.whitespace_ and " "))
    # "Vice-President" and "Vice President" are one office.
    return "".join(words).strip().replace("vice-", "vice ")


def _role_modifier(token: Token, right: Token, names: dict[int, str]) -> bool:
    word = expand(token.lower_)
    if token.i in names and not (word in MODIFIERS and _lone_name(token, names)):
        return False
    if token.tag_ in {"POS", "PRP$", "DT"} or _qualifier(token):
        return False
    if word in MODIFIERS or _is_hyphen(token) or word == "in":
        return True
    if role_word(token):
        # Two titles in a row ("Supreme Leader Ayatollah") are two roles, not one.
        return role_word(right) is None
    # A plain noun narrows the role only when the parse hangs it on the role ("school board
    # member"), not on the name after it ("the crafty Cardinal X", mis-tagged as a noun).
    return (
        token.pos_ == "NOUN"
        and token.is_lower
        and token.dep_ in {"compound", "nmod"}
        and token.head.i == right.i
    )


def _lone_name(token: Token, names: dict[int, str]) -> bool:
    # NER sometimes takes "Supreme" of "Supreme Leader" for a one-word organisation.
    entity = names[token.i]
    return names.get(token.i - 1) != entity and names.get(token.i + 1) != entity


def _when_in(doc: Doc, lo: int, head: int) -> str | None:
    """A qualifier inside the role phrase or on the role noun ("then", "now" after it)."""
    for token in doc[lo:head]:
        value = _qualifier(token)
        if value is not None:
            return value
    for child in doc[head].children:
        if child.dep_ in {"advmod", "amod"} and child.lower_ in VERB_QUALIFIERS:
            return VERB_QUALIFIERS[child.lower_]
        if child.dep_ == "prep" and child.lower_ in _TIME_PREPOSITIONS and _that_time(child):
            return "at that time"  # "he was president at the time"
    return None


def _verb_when(verb: Token) -> str | None:
    """Time adverbials on the copula: "on that time he was ...", "he is now ..."."""
    if verb.lemma_ == "act":
        return "acting"
    for child in verb.children:
        # Sentence-initial "Then" sequences events; only "was then" means "at that time".
        sequencing = child.lower_ == "then" and child.i < verb.i
        if child.dep_ == "advmod" and child.lower_ in VERB_QUALIFIERS and not sequencing:
            return VERB_QUALIFIERS[child.lower_]
        if child.dep_ == "prep" and child.lower_ in _TIME_PREPOSITIONS and _that_time(child):
            return "at that time"
    return None


def _that_time(prep: Token) -> bool:
    for obj in prep.children:
        if obj.dep_ != "pobj" or obj.lemma_ not in _TIME_NOUNS:
            continue
        dets = [c.lower_ for c in obj.children if c.dep_ == "det"]
        others = [c for c in obj.children if c.dep_ not in {"det", "punct"}]
        if others:
            return False
        if any(d in _DEMONSTRATIVES for d in dets):
            return True
        return dets == ["the"] and obj.lemma_ == "time"
    return False


def _trim(doc: Doc, lo: int, hi: int) -> tuple[int, int]:
    """Drop punctuation at both ends and words that lead nowhere at the end ("faculty of")."""
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    while hi > lo and (
        ((doc[hi].is_punct or doc[hi].is_space) and doc[hi].text not in _DASHES)
        or doc[hi].pos_ in _DANGLING
    ):
        hi -= 1
    return lo, hi


def _best(found: Iterable[Found]) -> list[tuple[Found, int]]:
    """One finding per distinct role of a holder, with how many times the text states it.

    "President Trump" forty times in an article is one role; the most confident statement of it
    (the earliest among equals) is kept as the evidence.
    """
    best: dict[tuple[str, str, str, str | None, str | None], Found] = {}
    count: dict[tuple[str, str, str, str | None, str | None], set[tuple[int, int]]] = {}
    for f in sorted(found, key=lambda f: (f.first, f.last)):
        key = (f.holder, f.label, f.role, f.of, f.when)
        count.setdefault(key, set()).add((f.first, f.last))
        if key not in best or f.confidence > best[key].confidence:
            best[key] = f
    kept = sorted(best.items(), key=lambda item: (item[1].first, item[1].last))
    return [(f, len(count[key])) for key, f in kept]


class RoleAnalyzer:
    """Offices, relations and titles of entities, with the evidence phrase as the span."""

    name: ClassVar[str] = "roles"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[tuple[str, ...]] = ("entity", "mention", "sentence")
    produces: ClassVar[tuple[str, ...]] = ("role",)
    languages: ClassVar[tuple[str, ...] | None] = ("en",)

    def analyze(self, state: AnalysisState) -> None:
        doc = state.scratch.get("spacy")
        if doc is None or len(doc) == 0 or not state.layer("entity"):
            return
        for f, occurrences in _best(_Finder(state, doc).run()):
            start = doc[f.first].idx
            end = doc[f.last].idx + len(doc[f.last].text)
            attrs: dict[str, Any] = {
                "entity": f.holder,
                "role": f.role,
                "of": f.of,
                "when": f.when,
                "rule": f.rule,
                "occurrences": occurrences,
            }
            state.add("role", start, end, f.label, confidence=f.confidence, attrs=attrs)
