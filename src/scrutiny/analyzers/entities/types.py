"""One type per name: surnames of people named in full, and a context-weighted type vote.

The small model flips the type of one name between sentences ("Bakiev" PERSON, then GPE). Here
a name that ends a full PERSON name is that person, and every spelling of a name then gets the
type most of its mentions and their contexts support. Rules are listed in docs/entities.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrutiny.analyzers.entities.lexicon import (
    LOCATIVE_PREPOSITIONS,
    OFFICE_TITLES,
    PERSON_NOUNS,
    TITLES,
)
from scrutiny.analyzers.entities.names import is_acronym, parse_person, surface_key
from scrutiny.analyzers.entities.spans import Mention, head_cue, lower, span_root, text_of

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Types a surname may be corrected from: the small model types unfamiliar surnames as places
# and organisations, seldom as dates or laws.
_RETYPABLE = frozenset({"GPE", "LOC", "ORG", "FAC", "NORP", "PRODUCT", "WORK_OF_ART"})


def retype_surnames(doc: Doc, mentions: list[Mention]) -> None:
    """A name that ends a full PERSON name found elsewhere is that person ("Narymbaev")."""
    full: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for m in mentions:
        if m.label == "PERSON":
            words = parse_person(text_of(doc, m)).words
            if len(words) > 1:
                full[words[-1]].append(words)
    if not full:
        return
    for m in mentions:
        if m.label not in _RETYPABLE or not _may_be_person(doc, m):
            continue
        words = parse_person(text_of(doc, m)).words
        if words and any(_ends_alike(words, other) for other in full.get(words[-1], ())):
            m.fix("surname", "PERSON")


def _may_be_person(doc: Doc, m: Mention) -> bool:
    text = doc[m.start : m.end].text
    if is_acronym(text) or head_cue(doc, m.start, m.end) is not None:
        return False  # "UN" is not Kim Jong Un; "Trump Tower" is a building
    return not _after_locative(doc, m.start)


def _ends_alike(words: tuple[str, ...], person: tuple[str, ...]) -> bool:
    n = min(len(words), len(person))
    return words[-n:] == person[-n:] and (n == len(words) or n > 1)


@dataclass(frozen=True, slots=True)
class _Neighbours:
    """Where the other mentions are: by their syntactic head token and by their first token."""

    by_head: dict[int, str]
    by_start: dict[int, Mention]


def vote_types(doc: Doc, mentions: list[Mention]) -> dict[str, float]:
    """Give every spelling of a name one type, by weighted majority; return each key's share.

    Context adds weight: a title before a name or "X was president" backs PERSON; "in X",
    "X, Texas" or "X city" back a place; a coordinated name backs its partner's type.
    """
    groups: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[surface_key(text_of(doc, m))].append(m)
    near = _Neighbours(
        {span_root(doc, m.start, m.end).i: m.label for m in mentions},
        {m.start: m for m in mentions},
    )
    shares: dict[str, float] = {}
    for key, group in groups.items():
        weights: dict[str, float] = defaultdict(float)
        place = "LOC" if any(m.label == "LOC" for m in group) else "GPE"
        for m in group:
            weights[m.label] += 1.0
            for label, weight in _context_votes(doc, m, place, near):
                weights[label] += weight
        if len(weights) < 2:
            continue
        winner = _winner(weights, sum(1 for m in group if m.label == "PERSON"))
        shares[key] = weights[winner] / sum(weights.values())
        for m in group:
            if m.label != winner:
                m.fix("type-vote", winner)
    return shares


def _winner(weights: dict[str, float], person_mentions: int) -> str:
    """The heaviest type; PERSON on a tie, or when the model said PERSON often enough.

    The small model flips a person's surname between PERSON, ORG and GPE from sentence to
    sentence ("Trump" 10 times PERSON, 19 times ORG); a name it reads as a person at least three
    times and for a third of the weight is a person. Ties go to PERSON for the same reason.
    """
    total = sum(weights.values())
    person = weights.get("PERSON", 0.0)
    if person_mentions >= 3 and person >= total / 3:
        return "PERSON"
    best = max(weights.values())
    tied = [label for label, w in weights.items() if w == best]
    return "PERSON" if "PERSON" in tied else tied[0]


def _context_votes(doc: Doc, m: Mention, place: str, near: _Neighbours) -> list[tuple[str, float]]:
    """Type evidence around a mention, whatever the model labelled it."""
    votes: list[tuple[str, float]] = []
    before = doc[m.start - 1] if m.start > 0 else None
    if before is not None and before.text[:1].isupper() and lower(before) in TITLES:
        votes.append(("PERSON", 1.0))
    if _is_said_to_be_person(doc, m):
        votes.append(("PERSON", 1.0))
    if _after_locative(doc, m.start) or _before_region(doc, m, near):
        votes.append((place, 1.0))
    sibling = _coordinated_label(doc, m, near)
    if sibling is not None:
        # "Princeton and Bluefield": coordinated names are usually of one type.
        votes.append((sibling, 0.5))
    return votes


def _is_said_to_be_person(doc: Doc, m: Mention) -> bool:
    """ "Bakiev was president": the name is the subject of "be" with a person noun."""
    root = doc[m.end - 1]
    if root.dep_ not in {"nsubj", "nsubjpass"} or root.head.lemma_ != "be":
        return False
    return any(
        child.dep_ == "attr"
        and (child.lemma_.lower() in PERSON_NOUNS or child.lemma_.lower() in OFFICE_TITLES)
        for child in root.head.children
    )


def _after_locative(doc: Doc, start: int) -> bool:
    """ "in Bluefield", "in nearby Bluefield", "at the Kremlin"."""
    for i in range(start - 1, max(start - 4, -1), -1):
        t = doc[i]
        if t.lower_ in LOCATIVE_PREPOSITIONS:
            return True
        if t.pos_ not in {"ADJ", "DET", "ADV"}:
            return False
    return False


def _before_region(doc: Doc, m: Mention, near: _Neighbours) -> bool:
    """ "Laredo, Texas": a name, a comma and a place closing the phrase is a place itself."""
    if m.end + 1 >= len(doc) or doc[m.end].text != ",":
        return False
    region = near.by_start.get(m.end + 1)
    if region is None or region.label != "GPE":
        return False
    return region.end >= len(doc) or doc[region.end].is_punct or doc[region.end].is_space


def _coordinated_label(doc: Doc, m: Mention, near: _Neighbours) -> str | None:
    head = span_root(doc, m.start, m.end)
    if head.dep_ == "conj" and head.head.i in near.by_head:
        return near.by_head[head.head.i]
    for child in head.children:
        if child.dep_ == "conj" and child.i in near.by_head:
            return near.by_head[child.i]
    return None
