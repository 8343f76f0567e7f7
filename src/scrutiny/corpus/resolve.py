"""Cross-document entity resolution: which stored entities of different documents are one.

A document's entity becomes a *profile* (its type group, its name parts folded so that spelling
and transliteration variants meet, its roles); a profile is compared with the corpus entities that
share a blocking key, and linked to the best one that fits, or starts a new corpus entity. The
store keeps the keys, so adding a document looks up its own entities' keys and never revisits the
other documents.

Folding is deliberately coarse (Atambayev = Atambaev = Atambajev; Yanukovych = Yanukovich) and a
second key, the consonant skeleton, catches vowel variants (Mohammed = Muhammad); a skeleton-only
match is weaker evidence. For people the given names decide: different given names never merge
(the within-document rule, docs/entities.md), a surname alone links with lower confidence.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from scrutiny.analyzers.entities.lexicon import NAME_PARTICLES, NAME_SUFFIXES, TITLES

# Types that name the same kind of thing are compared with each other: the tagger often calls one
# place GPE in one article and LOC in the next, or a mosque FAC here and ORG there.
TYPE_GROUPS = {
    "PERSON": "person",
    "ORG": "organisation",
    "FAC": "organisation",
    "GPE": "place",
    "LOC": "place",
    "NORP": "group",
}
MIN_SKELETON = 4  # shorter skeletons ("ln" of Lin, Lina, Olin...) say too little to link on
LINK_THRESHOLD = 0.5
MAX_NAMES = 32  # names and roles remembered per corpus entity, enough to compare and to show
# Longer "names" are tagger runaways over hostile text; comparing them word by word costs seconds.
MAX_NAME_CHARS = 200

# Names recur across a corpus (every article names "Donald Trump"), and linking one document
# compares each of its entities with several corpus entities of up to MAX_NAMES names: the
# per-name work below is cached, bounded, so adding a document does not redo it every time.
_CACHE = 1 << 16
_NONE: frozenset[str] = frozenset()
_NON_LETTER = re.compile(r"[^a-z]+")
_VOWELS = "aeiou"
# Applied in order to a lower-case ASCII word; each pair maps spellings of one sound together.
_FOLDS = (
    ("dzh", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("tch", "ch"),
    ("sch", "sh"),
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("w", "v"),
    ("ou", "u"),
    ("ee", "i"),
)
_GLIDE = re.compile(r"(?<=[aeiou])[yj](?=[aeiou])")  # Atambayev, Atambajev -> Atambaev
_LEADING_GLIDE = re.compile(r"^[yj](?=[aeiou])")  # Yeltsin -> Eltsin
_DOUBLE = re.compile(r"(.)\1+")
# Words that give no letter to an acronym, but "of" may (Department of Justice is DOJ).
_FUNCTION_WORDS = frozenset({"of", "the", "and", "for", "on", "in", "at", "to", "&"})
_ACRONYM = re.compile(r"(?:[A-Z]\.?){2,6}")

# Common English short forms of given names, each with the full names it stands for. People are
# named both ways across articles ("Bob Mueller", "Robert S. Mueller III"); the table is general
# usage, not a list of anyone in particular.
_SHORT_FORMS = {
    "bob": "robert",
    "bobby": "robert",
    "rob": "robert",
    "bill": "william",
    "billy": "william",
    "will": "william",
    "jim": "james",
    "jimmy": "james",
    "mike": "michael",
    "mick": "michael",
    "ted": "theodore edward",
    "teddy": "theodore edward",
    "ed": "edward",
    "eddie": "edward",
    "tom": "thomas",
    "tommy": "thomas",
    "dick": "richard",
    "rick": "richard",
    "rich": "richard",
    "joe": "joseph",
    "dan": "daniel",
    "danny": "daniel",
    "dave": "david",
    "steve": "stephen steven",
    "steven": "stephen",  # a spelling of one name rather than a short form
    "chris": "christopher christine christina",
    "tony": "anthony",
    "andy": "andrew",
    "alex": "alexander alexandra",
    "sam": "samuel samantha",
    "ben": "benjamin",
    "nick": "nicholas",
    "matt": "matthew",
    "pat": "patrick patricia",
    "greg": "gregory",
    "jeff": "jeffrey",
    "ken": "kenneth",
    "larry": "lawrence",
    "jerry": "gerald jerome",
    "tim": "timothy",
    "charlie": "charles",
    "chuck": "charles",
    "hank": "henry",
    "harry": "henry harold",
    "jack": "john",
    "jon": "jonathan",
    "don": "donald",
    "ron": "ronald",
    "liz": "elizabeth",
    "beth": "elizabeth",
    "kate": "katherine kathleen",
    "kathy": "katherine kathleen",
    "sue": "susan",
    "peggy": "margaret",
    "maggie": "margaret",
    "jenny": "jennifer",
}


@lru_cache(maxsize=_CACHE)
def ascii_word(word: str) -> str:
    """Lower-case letters of ``word`` without diacritics ("Ömer" -> "omer")."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_LETTER.sub("", plain)


@lru_cache(maxsize=_CACHE)
def fold(word: str) -> str:
    """A spelling key: transliteration and doubling variants of one word fold to one string."""
    w = ascii_word(word)
    w = _LEADING_GLIDE.sub("", _GLIDE.sub("", w))
    for old, new in _FOLDS:
        w = w.replace(old, new)
    w = w.replace("y", "i")
    return _DOUBLE.sub(r"\1", w)


@lru_cache(maxsize=_CACHE)
def skeleton(word: str) -> str:
    """The consonants of the folded word: vowel variants (Mohammed, Muhammad) share it."""
    return "".join(c for c in fold(word) if c not in _VOWELS)


def _given_forms(folded: str) -> frozenset[str]:
    """A folded given name with the full names it may be short for."""
    return _GIVEN_FORMS.get(folded, frozenset({folded}))


_GIVEN_FORMS = {
    fold(short): frozenset({fold(short), *map(fold, full.split())})
    for short, full in _SHORT_FORMS.items()
}


def name_words(name: str, *, titles: bool = False) -> list[str]:
    """The words of a name without suffixes, particles, a leading article and (unless ``titles``)
    titles. Titles are dropped from people's names only: in "Department of Justice" or "Supreme
    Court" the title word is part of the name.
    """
    return list(_name_words(name, titles))


@lru_cache(maxsize=_CACHE)
def _name_words(name: str, titles: bool) -> tuple[str, ...]:
    words = [w for w in re.split(r"[\s\-‐-―'’.,]+", name) if w]
    kept = [
        w
        for w in words
        if (a := ascii_word(w))
        and (titles or a not in TITLES)
        and a not in NAME_SUFFIXES
        and a not in NAME_PARTICLES
    ]
    if kept and ascii_word(kept[0]) == "the":
        kept = kept[1:]
    return tuple(kept)


def _words(name: str, group: str) -> list[str]:
    return name_words(name, titles=group != "person")


@dataclass(frozen=True)
class Profile:
    """What resolution knows of one entity: of a document, or of a corpus entity so far."""

    group: str
    names: tuple[str, ...]  # distinct surface names, the fullest first
    roles: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.names[0]

    def keys(self) -> set[str]:
        """Blocking keys: a candidate must share one. People by surname, others by full name,
        initials and set of words."""
        out: set[str] = set()
        for n in self.names:
            words = _words(n, self.group)
            if not words:
                continue
            parts = [words[-1]] if self.group == "person" else words
            folded = "".join(fold(w) for w in parts)
            if folded:
                out.add(f"{self.group}:f:{folded}")
            skel = "".join(skeleton(w) for w in parts)
            if len(skel) >= MIN_SKELETON:
                out.add(f"{self.group}:s:{skel}")
            if self.group != "person":
                out.update(f"{self.group}:a:{a}" for a in _initialisms(n) | _acronym(n))
                if bag := _word_bag(n):
                    out.add(f"{self.group}:b:{bag}")
        return out


def profile_of(entity_type: str, names: Iterable[str], roles: Iterable[str] = ()) -> Profile | None:
    """The profile of an entity, or None for types that are not resolved across documents."""
    group = TYPE_GROUPS.get(entity_type)
    distinct = list(
        dict.fromkeys(n.strip() for n in names if n and n.strip() and len(n) <= MAX_NAME_CHARS)
    )
    # A name of titles only ("Archbishop", "Justice") names nobody, whatever the type: typed ORG
    # it is nearly always the tagger's mistake.
    if group is None or not any(name_words(n) for n in distinct):
        return None
    # The fullest name (most name words, then longest) stands for the entity.
    distinct.sort(key=lambda n: (-len(_words(n, group)), -len(n)))
    return Profile(group, tuple(distinct[:MAX_NAMES]), frozenset(r.casefold() for r in roles))


@dataclass(frozen=True)
class Match:
    """How well a document entity fits one corpus entity, and why."""

    score: float
    evidence: tuple[str, ...] = field(default=())


NO_MATCH = Match(0.0)


def compare(doc: Profile, corpus: Profile) -> Match:
    """Whether ``doc`` and ``corpus`` denote one entity: a score in [0, 1] with its evidence."""
    if doc.group != corpus.group:
        return NO_MATCH
    base = _compare_people(doc, corpus) if doc.group == "person" else _compare_names(doc, corpus)
    if base.score == 0.0:
        return base
    shared = sorted(doc.roles & corpus.roles)
    if shared:
        return Match(min(1.0, base.score + 0.1), (*base.evidence, f"shared role: {shared[0]}"))
    return base


def _compare_names(doc: Profile, corpus: Profile) -> Match:
    doc_folds = {_full_fold(n) for n in doc.names} - {""}
    corpus_folds = {_full_fold(n) for n in corpus.names} - {""}
    if doc_folds & corpus_folds:
        exact = {ascii_word(n) for n in doc.names} & {ascii_word(n) for n in corpus.names}
        return Match(0.95, ("same name",) if exact else ("same name, spelt differently",))
    doc_skel = {_full_skeleton(n) for n in doc.names}
    corpus_skel = {_full_skeleton(n) for n in corpus.names}
    if any(len(s) >= MIN_SKELETON + 2 for s in doc_skel & corpus_skel):
        return Match(0.7, ("transliteration variant",))
    if ({_word_bag(n) for n in doc.names} & {_word_bag(n) for n in corpus.names}) - {""}:
        return Match(0.85, ("same words, reordered",))
    if _acronym_of(doc, corpus) or _acronym_of(corpus, doc):
        return Match(0.8, ("acronym",))
    return NO_MATCH


@lru_cache(maxsize=_CACHE)
def _acronym(name: str) -> frozenset[str]:
    """The letters of a name written as an acronym ("FBI", "U.N."), else nothing."""
    compact = name.replace(" ", "")
    return frozenset({compact.replace(".", "").lower()}) if _ACRONYM.fullmatch(compact) else _NONE


@lru_cache(maxsize=_CACHE)
def _initialisms(name: str) -> frozenset[str]:
    """The acronyms a name of capitalised words may go by: DOJ keeps the "of" of Department of
    Justice, FBI drops it; other function words never count (CIA is not Church in America).

    Dropping "of" needs three letters or more: two are too easily met by chance (AP is
    Associated Press, not Archbishop of Philadelphia).
    """
    if _acronym(name):  # "U.S." is an acronym, not a name of two words
        return _NONE
    # Split at spaces and dots only: "Miami-Dade" is one word, not M and D.
    words = [w for w in re.split(r"[\s.,]+", name) if name_words(w, titles=True)]
    spelled = [w for w in words if ascii_word(w) not in _FUNCTION_WORDS or ascii_word(w) == "of"]
    if len(spelled) < 2 or not all(w[0].isupper() for w in spelled if ascii_word(w) != "of"):
        return _NONE
    out = {"".join(ascii_word(w)[0] for w in spelled)}
    content = [w for w in spelled if ascii_word(w) != "of"]
    if len(content) >= 3:
        out.add("".join(ascii_word(w)[0] for w in content))
    return frozenset(out)


def _acronym_of(short: Profile, long: Profile) -> bool:
    """Whether an acronym of ``short`` spells a name of ``long``.

    Only an acronym ``short`` cannot expand itself counts: once "AP" stands beside "Associated
    Press" in one entity, its meaning is known and must not pull in other names with those
    initials. Organisations need three letters (FBI, DOJ), places two (US, UK): a two-letter
    organisation acronym meets a wrong expansion too often (VP, IG, DC).
    """
    shortest = 2 if short.group == "place" else 3
    acronyms = {a for a in set().union(*map(_acronym, short.names)) if len(a) >= shortest}
    acronyms -= set().union(*map(_initialisms, short.names))
    return bool(acronyms & set().union(*map(_initialisms, long.names)))


@lru_cache(maxsize=_CACHE)
def _word_bag(name: str) -> str:
    """The folded content words of a name in sorted order, for names of two or more."""
    words = sorted(
        {fold(w) for w in name_words(name, titles=True) if ascii_word(w) not in _FUNCTION_WORDS}
    )
    words = [w for w in words if w]
    return " ".join(words) if len(words) >= 2 else ""


@lru_cache(maxsize=_CACHE)
def _full_fold(name: str) -> str:
    return "".join(fold(w) for w in name_words(name, titles=True))


@lru_cache(maxsize=_CACHE)
def _full_skeleton(name: str) -> str:
    return "".join(skeleton(w) for w in name_words(name, titles=True))


@dataclass(frozen=True)
class _Person:
    given: str  # folded first given name, "" when only a surname is known
    surname: str
    surname_skeleton: str
    middle: str = ""  # initials of the names between, "" when none is written


@lru_cache(maxsize=_CACHE)
def _person(name: str) -> _Person | None:
    words = name_words(name)
    if not words:
        return None
    given = fold(words[0]) if len(words) > 1 else ""
    middle = "".join(f[0] for w in words[1:-1] if (f := ascii_word(w)))
    return _Person(given, fold(words[-1]), skeleton(words[-1]), middle)


def _compare_people(doc: Profile, corpus: Profile) -> Match:
    ours = [p for p in map(_person, doc.names) if p]
    theirs = [p for p in map(_person, corpus.names) if p]
    ours_full = [p for p in ours if p.given]
    theirs_full = [p for p in theirs if p.given]
    if ours_full and theirs_full:
        # Both sides know a full name: the full names decide. A bare surname shared by both
        # ("Kim" of Kim Jong Un and of Kim Jong Il) proves nothing then.
        return max((_full_names(a, b) for a in ours_full for b in theirs_full), key=_score)
    surname = max((_surnames(a, b) for a in ours for b in theirs), key=_score)
    if surname.score == 0.0:
        return NO_MATCH
    return Match(0.6 * surname.score, (*surname.evidence, "surname only"))


def _score(m: Match) -> float:
    return m.score


def _full_names(a: _Person, b: _Person) -> Match:
    surname = _surnames(a, b)
    if surname.score == 0.0:
        return NO_MATCH
    if a.middle and b.middle and a.middle != b.middle:
        return NO_MATCH  # George H. W. and George W. Bush: namesakes told apart by the middle
    if a.given == b.given:
        return Match(0.95 * surname.score, (*surname.evidence, "same given name"))
    if (len(a.given) == 1 or len(b.given) == 1) and a.given[0] == b.given[0]:
        return Match(0.8 * surname.score, (*surname.evidence, "matching initial"))
    if _given_forms(a.given) & _given_forms(b.given):
        return Match(0.9 * surname.score, (*surname.evidence, "short form of the given name"))
    return NO_MATCH  # different given names: different people, whatever the surname


def _surnames(a: _Person, b: _Person) -> Match:
    if a.surname == b.surname:
        return Match(1.0, ("same surname",))
    if a.surname_skeleton == b.surname_skeleton and len(a.surname_skeleton) >= MIN_SKELETON:
        return Match(0.85, ("surname transliteration variant",))
    return NO_MATCH


def best_match(
    doc: Profile, candidates: Sequence[tuple[int, Profile, int]], forbidden: frozenset[int]
) -> tuple[int, Match] | None:
    """The corpus entity ``doc`` belongs to among (id, profile, members) candidates, if any.

    A surname that fits people with different given names is ambiguous: it goes to the one with
    the most documents, with the confidence halved and the ambiguity stated.
    """
    scored = [
        (m, cid, members)
        for cid, profile, members in candidates
        if cid not in forbidden and (m := compare(doc, profile)).score >= LINK_THRESHOLD
    ]
    if not scored:
        return None
    scored.sort(key=lambda t: (-t[0].score, -t[2], t[1]))
    match, cid, _ = scored[0]
    rivals = [c for m, c, _ in scored[1:] if m.score >= match.score - 0.05]
    if rivals:
        evidence = (*match.evidence, f"ambiguous: {len(rivals) + 1} entities fit")
        match = Match(match.score / 2, evidence)
    return cid, match


def merged(a: Profile, b: Profile) -> Profile:
    """The profile of a corpus entity after ``b``'s names and roles join ``a``'s."""
    names = list(dict.fromkeys((*a.names, *b.names)))
    names.sort(key=lambda n: (-len(_words(n, a.group)), -len(n)))
    return Profile(
        a.group, tuple(names[:MAX_NAMES]), frozenset(sorted(a.roles | b.roles)[:MAX_NAMES])
    )
