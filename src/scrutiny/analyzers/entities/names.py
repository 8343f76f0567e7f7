"""Names as strings: person-name parsing, person-name compatibility and lookup keys.

Pure functions on text, no spaCy: the alias rules of the entities analyzer live here so they can
be tested on synthetic names ("Mr Smith" = "John Smith", "Jane Smith" != "John Smith").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

from scrutiny.analyzers.entities.lexicon import (
    FEMININE_NAMES,
    FEMININE_TITLES,
    MASCULINE_NAMES,
    MASCULINE_TITLES,
    NAME_PARTICLES,
    NAME_SUFFIXES,
    NICKNAMES,
    OFFICE_TITLES,
    PERSON_TITLES,
)

Gender = Literal["m", "f"]
# How a one-word name relates to a fuller one: its surname, its given name, or not at all.
Match = Literal["surname", "given"]

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w\-]+")
_POSSESSIVE = re.compile(r"['\u2019]s?$")
# Arabic article written onto a surname: "al-Assad" and "Assad" are the same surname.
_ARTICLE = re.compile(r"^(?:al|el|as|ad|an|ar|ash|at|az|ul)-(?=\w)")
_LETTERS = re.compile(r"[^a-z]+")
_FUNCTION_WORDS = frozenset({"of", "and", "the", "for", "&", "de", "du", "des", "la", "le"})


def fold(text: str) -> str:
    """Lower case without accents, so "Atambaýev" and "Atambayev" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def letters_only(text: str) -> str:
    """Only the ASCII letters of ``text``, lower-cased ("Insha'Allah" -> "inshaallah")."""
    return _LETTERS.sub("", fold(text))


def clean_surface(text: str) -> str:
    """A mention's text on one line with single spaces, as shown in ``name`` and ``aliases``."""
    return _SPACES.sub(" ", text).strip()


def _word(token: str) -> str:
    """One name word for comparison: folded, without dots, quotes or a possessive."""
    word = _POSSESSIVE.sub("", fold(token))
    return _NOT_WORD.sub("", word).strip("-")


def _is_title(word: str) -> bool:
    return word in PERSON_TITLES or word in OFFICE_TITLES


@dataclass(frozen=True, slots=True)
class PersonName:
    """A person's name split into parts; words are compared folded and without dots.

    A one-word name has ``given`` or ``surname`` set when a title tells which it is ("Rafik Qori"
    after the post-nominal "Qori" is a given name, "Mr Smith" a surname) and only ``single``
    otherwise.
    """

    given: str | None
    middle: tuple[str, ...]
    surname: str | None
    single: str | None
    titles: tuple[str, ...]
    gender: Gender | None
    words: tuple[str, ...] = field(init=False)  # the name words without titles, in order

    def __post_init__(self) -> None:
        parts = (
            (self.single,) if self.single is not None else (self.given, *self.middle, self.surname)
        )
        object.__setattr__(self, "words", tuple(p for p in parts if p))


def _gender(titles: list[str], given: str | None = None) -> Gender | None:
    """Gender told by gendered titles or, failing those, a strongly gendered given name."""
    found = {"m" for t in titles if t in MASCULINE_TITLES}
    found |= {"f" for t in titles if t in FEMININE_TITLES}
    if not found and given:
        found = {"m"} if given in MASCULINE_NAMES else {"f"} if given in FEMININE_NAMES else set()
    if len(found) == 1:
        return "m" if "m" in found else "f"
    return None


def parse_person(text: str) -> PersonName:
    """Split a person's name into titles, given name, middle names and surname."""
    raw = [t for t in _SPACES.split(text.strip()) if _word(t)]
    titles: list[str] = []
    # A leading run of titles ("former Deputy Prime Minister") is never part of the name.
    while raw and _is_title(_word(raw[0])):
        titles.append(_word(raw.pop(0)))
    words: list[str] = []
    originals: list[str] = []
    trailing_title = False
    for token in raw:
        word = _word(token)
        if word in PERSON_TITLES:
            titles.append(word)
            trailing_title = True
        elif word in NAME_SUFFIXES and words:
            continue
        else:
            words.append(word)
            originals.append(token)
            trailing_title = False
    gender = _gender(titles)
    if not words:
        return PersonName(None, (), None, None, tuple(titles), gender)
    if len(words) == 1:
        return _one_word(words[0], titles, bool(titles) and trailing_title, gender)
    # Lower-case particles start a compound surname: "Osama bin Laden" -> surname "bin laden".
    cut = next(
        (i for i in range(1, len(words)) if originals[i].islower() and words[i] in NAME_PARTICLES),
        len(words) - 1,
    )
    given = words[0]
    surname = " ".join(words[cut:])
    gender = gender or _gender([], given)
    return PersonName(given, tuple(words[1:cut]), surname, None, tuple(titles), gender)


def _one_word(word: str, titles: list[str], after_title: bool, gender: Gender | None) -> PersonName:
    if after_title:
        # "Rafik Qori", "Ahmad Haji": a post-nominal title follows the given name.
        return PersonName(word, (), None, None, tuple(titles), gender or _gender([], word))
    if titles:
        # "Mr Smith", "President Atambayev": a leading title goes with the surname.
        return PersonName(None, (), word, None, tuple(titles), gender)
    return PersonName(None, (), None, word, (), gender)


def _same_surname(a: str, b: str) -> bool:
    # "al-Assad" = "Assad"; the last word of a compound surname stands for it ("Zarate").
    a, b = _ARTICLE.sub("", a), _ARTICLE.sub("", b)
    return a == b or a.split(" ")[-1] == b or b.split(" ")[-1] == a


def _same_given(a: str, b: str) -> bool:
    if a == b or NICKNAMES.get(a, a) == NICKNAMES.get(b, b):
        return True
    # An initial matches a given name with that first letter ("J." and "John").
    return (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b))


def _middles_agree(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    if not a or not b:
        return True
    return all(_same_given(x, y) for x, y in zip(a, b, strict=False))


def one_word_match(short: PersonName, full: PersonName) -> Match | None:
    """How a one-word name refers to a name of two or more words, if it can."""
    if short.gender and full.gender and short.gender != full.gender:
        return None
    if full.single is not None or not full.words:
        return None
    if short.surname is not None:
        return "surname" if full.surname and _same_surname(full.surname, short.surname) else None
    if short.given is not None:
        return "given" if full.given and _same_given(full.given, short.given) else None
    word = short.single or ""
    if full.surname and _same_surname(full.surname, word):
        return "surname"
    if full.given == word:
        return "given"
    return None


def _is_suffix(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return 1 < len(short) < len(long) and long[-len(short) :] == short


def compatible(a: PersonName, b: PersonName) -> bool:
    """Whether two person names can denote the same person within one document.

    Titles never block a match; different given names, surnames or gendered titles do.
    """
    if not a.words or not b.words:
        return False
    if a.gender and b.gender and a.gender != b.gender:
        return False
    if len(a.words) == 1 and len(b.words) == 1:
        return _one_word_pair(a, b)
    if len(a.words) == 1:
        return one_word_match(a, b) is not None
    if len(b.words) == 1:
        return one_word_match(b, a) is not None
    # A compound surname written alone ("Garcia Zarate" in "Jose Ines Garcia Zarate").
    if _is_suffix(a.words, b.words) or _is_suffix(b.words, a.words):
        return True
    if not (a.surname and b.surname and a.given and b.given):
        return False
    return (
        _same_surname(a.surname, b.surname)
        and _same_given(a.given, b.given)
        and _middles_agree(a.middle, b.middle)
    )


def _one_word_pair(a: PersonName, b: PersonName) -> bool:
    wa, wb = a.words[0], b.words[0]
    # A known given name and a known surname are different roles even if spelt alike.
    if (a.given and b.surname) or (a.surname and b.given):
        return False
    return wa == wb or _ARTICLE.sub("", wa) == _ARTICLE.sub("", wb)


def lookup_keys(name: PersonName) -> set[str]:
    """Words under which a name can be found by a one-word mention of it.

    Its words, without an Arabic article ("al-assad" -> "assad"), and the last word of a
    compound surname ("bin laden" -> "laden").
    """
    keys = set(name.words)
    if name.surname:
        keys.add(name.surname.split(" ")[-1])
    return keys | {_ARTICLE.sub("", k) for k in keys}


def same_person(a: str, b: str) -> bool:
    """:func:`compatible` on two written names."""
    return compatible(parse_person(a), parse_person(b))


def surface_key(text: str) -> str:
    """A spelling-insensitive key: folded, no leading "the", no dots, hyphens or possessive."""
    key = fold(clean_surface(text))
    key = _POSSESSIVE.sub("", key)
    key = re.sub(r"^the\s+", "", key)
    key = key.replace(".", "").replace("-", " ").replace("\u2010", " ")
    return _SPACES.sub(" ", key).strip()


def type_key(text: str, label: str) -> str:
    """The key two same-type non-person names must share to be one entity.

    Nationality and religion words merge singular and plural ("Muslim" = "Muslims").
    """
    key = surface_key(text)
    if label == "NORP":
        words = key.split(" ")
        last = words[-1]
        if len(last) > 3 and last.endswith("s") and not last.endswith("ss"):
            words[-1] = last[:-1]
        key = " ".join(words)
    return key


def is_acronym(text: str) -> bool:
    """Two to six capital letters, dots allowed ("ISIS", "U.S.")."""
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 6 and letters.isalpha() and letters.isupper()


def initials(text: str) -> set[str]:
    """Acronyms a long name can have: of all its words, or of its content words only."""
    words = [w for w in re.split(r"[\s\-]+", clean_surface(text)) if w]
    if words and words[0].lower() == "the":
        words = words[1:]
    if len(words) < 2:
        return set()
    every = "".join(w[0] for w in words if w[0].isalpha()).upper()
    content = "".join(w[0] for w in words if w.lower() not in _FUNCTION_WORDS and w[0].isalpha())
    return {every, content.upper()}
