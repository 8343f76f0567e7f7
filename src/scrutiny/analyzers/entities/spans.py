"""Mention spans over spaCy tokens and the token tests every entity step shares.

A ``Mention`` is a token range with a type, a confidence and the names of the rules that changed
it. The helpers say whether a token is a name word, what a head noun tells about a name's type,
how to trim a span to the name proper, and which lines are Title Case headlines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scrutiny.analyzers.entities.lexicon import (
    HEAD_NOUNS,
    ORG_LEAD_WORDS,
    PERSON_TITLES,
    PLACE_NOUNS,
    POSTNOMINAL_TITLES,
)
from scrutiny.analyzers.entities.names import clean_surface, fold

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Confidence of a mention the model found and no rule changed, and the most a changed one keeps.
NER_AS_IS = 0.85
NER_CORRECTED = 0.7
# A line needs this many words of four letters or more to count as a Title Case headline.
TITLE_CASE_MIN_WORDS = 6


@dataclass(slots=True)
class Mention:
    """A name mention over tokens ``[start, end)`` of the spaCy ``Doc``."""

    start: int
    end: int
    label: str
    confidence: float
    source: str  # "ner" (the model's entity) or "parser" (a proper-noun run the model missed)
    fixes: list[str] = field(default_factory=list)

    def fix(self, rule: str, label: str | None = None) -> None:
        """Record a correction; a corrected mention is never as sure as an untouched one."""
        if label is not None:
            self.label = label
        self.fixes.append(rule)
        self.confidence = min(self.confidence, NER_CORRECTED)


def text_of(doc: Doc, m: Mention) -> str:
    """A mention's text on one line with single spaces."""
    return clean_surface(doc[m.start : m.end].text)


def lower(token: Token) -> str:
    """The token folded, without a final dot ("Mr." -> "mr")."""
    return fold(token.text).rstrip(".")


def singular(word: str) -> str:
    """English plural to singular for people nouns (the lemmatizer leaves proper nouns alone)."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def is_name_word(token: Token) -> bool:
    """A capitalised proper noun made of letters (hyphens, dots and apostrophes allowed)."""
    text = token.text
    if token.pos_ != "PROPN" or not text[:1].isupper() or len(text) > 40:
        return False
    return any(c.isalpha() for c in text) and all(c.isalpha() or c in "-.'\u2019" for c in text)


def span_root(doc: Doc, start: int, end: int) -> Token:
    """The token of ``[start, end)`` whose syntactic head lies outside it."""
    for t in doc[start:end]:
        if not start <= t.head.i < end or t.head.i == t.i:
            return t
    return doc[end - 1]


def taken_tokens(doc: Doc, mentions: list[Mention]) -> list[bool]:
    """Per token: whether a mention covers it."""
    taken = [False] * len(doc)
    for m in mentions:
        for i in range(m.start, m.end):
            taken[i] = True
    return taken


def trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Narrow a span to the name: no article, punctuation, possessive or line break around it."""
    while start < end and (_edge_junk(doc[start]) or doc[start].lower_ == "the"):
        start += 1
    for i in range(start, end):
        if doc[i].is_space and "\n" in doc[i].text:
            end = i
            break
    while end > start and (_edge_junk(doc[end - 1]) or _function_word(doc[end - 1])):
        end -= 1
    return start, end


def _function_word(token: Token) -> bool:
    """A lower-case preposition, conjunction, article or possessive: "Pier 14 of"."""
    return token.tag_ == "POS" or (
        token.text.islower() and token.pos_ in {"ADP", "CCONJ", "SCONJ", "DET", "PART"}
    )


def _edge_junk(token: Token) -> bool:
    text = token.text
    if token.is_space or text in {"'s", "\u2019s"}:
        return True
    return token.is_punct and not any(c.isalnum() for c in text)


def head_cue(doc: Doc, start: int, end: int) -> tuple[str, frozenset[str]] | None:
    """The (default label, compatible labels) told by a capitalised head noun, if any.

    The head is the last word, or the word before "of" ("Ministry of Foreign Affairs").
    """
    of = next((i for i in range(start + 1, end - 1) if doc[i].lower_ == "of"), end)
    head = doc[of - 1]
    if head.text[:1].isupper() and lower(head) in HEAD_NOUNS:
        return HEAD_NOUNS[lower(head)]
    if lower(doc[start]) in ORG_LEAD_WORDS:
        return "ORG", frozenset({"ORG"})
    return None


def place_context(doc: Doc, start: int, end: int) -> bool:
    """A lower-case place noun next to the name: "Nookat city", "the town of X"."""
    after = doc[end] if end < len(doc) else None
    if after is not None and after.text in PLACE_NOUNS:
        return True
    return start >= 2 and doc[start - 1].lower_ == "of" and doc[start - 2].text in PLACE_NOUNS


def title_case_tokens(doc: Doc) -> list[bool]:
    """Per token: whether its sentence is a Title Case line (a headline, a book list entry).

    In such lines every word is capitalised, so capitals say nothing about names: "The Kennedy
    Autopsy Jacob Hornberger Check Amazon for Pricing". Short lines (a signature, a byline) are
    not counted, since they are mostly names.
    """
    flags = [False] * len(doc)
    for sent in doc.sents:
        words = [t.text for t in sent if t.is_alpha and len(t.text) > 3]
        capitalised = sum(1 for w in words if w[0].isupper())
        if len(words) >= TITLE_CASE_MIN_WORDS and capitalised >= 0.8 * len(words):
            for i in range(sent.start, sent.end):
                flags[i] = True
    return flags


def titled_name(doc: Doc, start: int, end: int) -> bool:
    """A person title next to the name it qualifies: "Ms Geller", "Sheikh Ahmed", "Rafik Qori".

    A title before a name word counts, and a post-nominal one after it; a title at the end of
    adjectives does not ("Swiss Youth Bishop", "U.S. Bishop").
    """
    seen_title = seen_name = False
    for t in doc[start:end]:
        word = lower(t)
        if word in PERSON_TITLES:
            if seen_name and word in POSTNOMINAL_TITLES:
                return True
            seen_title = True
        elif is_name_word(t):
            if seen_title:
                return True
            seen_name = True
    return False
