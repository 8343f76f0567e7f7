"""Corrections of spaCy's own entities: what to drop, where a name starts and ends, its type.

The small OntoNotes model is fast but errs systematically on the texts we read: religious
phrases taken for people, transliterated vocabulary taken for names, partial person names,
organisations typed by their first word. Each rule records its name in ``Mention.fixes``;
docs/entities.md lists them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrutiny.analyzers.entities.lexicon import (
    EXCLAMATIONS,
    HEAD_NOUNS,
    NAME_LABELS,
    OFFICE_TITLES,
    PERSON_NOUNS,
    RELIGIOUS_GROUPS,
    RELIGIOUS_TERMS,
)
from scrutiny.analyzers.entities.names import fold, letters_only
from scrutiny.analyzers.entities.spans import (
    NER_AS_IS,
    Mention,
    head_cue,
    is_name_word,
    lower,
    place_context,
    singular,
    titled_name,
    trim,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

_STANCE_PREFIXES = ("anti-", "pro-", "non-")
_NAME_DEPS = frozenset({"compound", "flat"})


def model_mentions(doc: Doc, headline: list[bool]) -> list[Mention]:
    """The model's name entities, corrected, in document order."""
    found = [m for e in doc.ents if (m := _from_entity(doc, e.start, e.end, e.label_)) is not None]
    return _extend_persons(doc, found, headline)


def _from_entity(doc: Doc, start: int, end: int, label: str) -> Mention | None:
    if label not in NAME_LABELS:
        return None  # dates, amounts and ordinals are values, not entities
    start, end = trim(doc, start, end)
    if end <= start or not _looks_like_name(doc, start, end):
        return None
    m = Mention(start, end, label, NER_AS_IS, "ner")
    _split_possessive(doc, m)
    text = doc[m.start : m.end].text
    if m.end <= m.start or letters_only(text) in EXCLAMATIONS or fold(text) in RELIGIOUS_TERMS:
        return None
    if fold(text) in RELIGIOUS_GROUPS and label != "NORP":
        m.fix("religious-group", "NORP")
    _trim_member_nouns(doc, m)
    _retype_by_head(doc, m)
    _retype_by_title(doc, m)
    return m if m.end > m.start else None


def _looks_like_name(doc: Doc, start: int, end: int) -> bool:
    text = doc[start:end].text
    if not any(c.isalpha() for c in text) or text[:1] in "@#" or "://" in text:
        return False
    if doc[start].text.lower().startswith(_STANCE_PREFIXES):
        return False  # "anti-Muslim", "pro-Israel" describe a stance, not a group
    cased = [c for c in text if c.isupper() or c.islower()]
    # Scripts without case (Arabic, CJK) cannot be judged by capitals; cased ones must have one.
    return not cased or any(c.isupper() for c in cased)


def _split_possessive(doc: Doc, m: Mention) -> None:
    """A person's possessive inside a PERSON span: "John Allen's Crux" is John Allen.

    The owner is split off when it is a full name (two name words) or when what follows the
    "'s" is no name at all ("Francis's 2015 visit"). Organisation names often hold a possessive
    ("Women's March", "Sheriff's Office") and stay whole.
    """
    if m.label != "PERSON":
        return
    cut = next((i for i in range(m.start + 1, m.end - 1) if doc[i].tag_ == "POS"), None)
    if cut is None or not all(is_name_word(t) for t in doc[m.start : cut]):
        return
    if cut - m.start >= 2 or not any(is_name_word(t) for t in doc[cut + 1 : m.end]):
        m.end = cut
        m.fix("possessive")


def _trim_member_nouns(doc: Doc, m: Mention) -> None:
    """ "Representatives of Security Forces" names members; the organisation is after "of"."""
    if m.end - m.start < 3 or doc[m.start + 1].lower_ != "of":
        return
    head = doc[m.start]
    if head.tag_ in {"NNS", "NNPS"} and singular(lower(head)) in PERSON_NOUNS:
        m.start, m.end = trim(doc, m.start + 2, m.end)
        m.fix("member-noun")


def _retype_by_head(doc: Doc, m: Mention) -> None:
    # One word alone ("Center", "Schools") is too little to overrule the model with.
    if m.end - m.start < 2:
        return
    cue = head_cue(doc, m.start, m.end)
    if cue is not None:
        default, allowed = cue
        if m.label not in allowed:
            m.fix("head-noun", default)
    elif m.label in {"PERSON", "ORG", "NORP"} and place_context(doc, m.start, m.end):
        m.fix("place-noun", "GPE")


def _retype_by_title(doc: Doc, m: Mention) -> None:
    """An honorific or religious title beside name words makes a person ("Ms Geller")."""
    if m.label not in {"ORG", "GPE", "LOC", "FAC", "NORP"} or m.end - m.start < 2:
        return
    tokens = doc[m.start : m.end]
    if head_cue(doc, m.start, m.end) is not None or any(t.lower_ == "of" for t in tokens):
        return  # "Archbishop of Buenos Aires" names a see, "Imam Reza Shrine" a building
    if titled_name(doc, m.start, m.end):
        m.fix("title", "PERSON")


def _extend_persons(doc: Doc, mentions: list[Mention], headline: list[bool]) -> list[Mention]:
    """Grow PERSON spans rightwards over name words the parser joins to them.

    "Rashod Qori" + "Kamalov", or "H.R." + "McMaster" split in two by the model. Spans do not
    grow leftwards: the words before a name are mostly titles and roles ("Special Counsel"),
    which the roles analyzer reads and which OntoNotes keeps out of PERSON spans.
    """
    mentions.sort(key=lambda m: m.start)
    owner = {i: m for m in mentions for i in range(m.start, m.end)}
    for m in mentions:
        if m.label != "PERSON" or headline[m.start]:
            continue
        while m.end < len(doc) and _joins(doc, m.end - 1, m.end):
            other = owner.get(m.end)
            if other is not None and other.label != "PERSON":
                break
            m.end = other.end if other is not None else m.end + 1
            if other is not None:
                other.label = ""  # absorbed into m
            m.fix("extend-person")
    return [m for m in mentions if m.label]


def _joins(doc: Doc, left: int, right: int) -> bool:
    """Whether two adjacent tokens are parts of one person name."""
    a, b = doc[left], doc[right]
    if not (is_name_word(a) and is_name_word(b)) or a.whitespace_ == "":
        return False
    if b.text.isupper() and not a.text.isupper():
        return False  # "Stephen Paddock LEFT": capitals mark emphasis, not a name part
    if lower(b) in OFFICE_TITLES or lower(b) in HEAD_NOUNS or lower(a) in OFFICE_TITLES:
        return False
    linked = a.head.i == b.i or b.head.i == a.i or a.head.i == b.head.i
    return linked and bool({a.dep_, b.dep_} & _NAME_DEPS)
