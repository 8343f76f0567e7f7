"""Within-document entities: merging name mentions that denote the same thing.

Input is the list of name mentions from ``_mentions``; output is one ``Cluster`` per entity.
Types are settled first (``_types``), then person names merge by name compatibility and other
names by spelling, acronym and place suffix. docs/entities.md states every rule.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from scrutiny.analyzers.entities.lexicon import TITLES
from scrutiny.analyzers.entities.names import (
    Gender,
    Match,
    PersonName,
    clean_surface,
    compatible,
    initials,
    is_acronym,
    lookup_keys,
    one_word_match,
    parse_person,
    surface_key,
    type_key,
)
from scrutiny.analyzers.entities.spans import Mention, lower, text_of
from scrutiny.analyzers.entities.types import retype_surnames, vote_types

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Confidence factor for a short name attached to one of several people it could denote.
AMBIGUITY_PENALTY = 0.7


@dataclass(slots=True, eq=False)
class Cluster:
    """One entity: its type, its name mentions in document order, and what backs it."""

    label: str
    mentions: list[Mention]
    agreement: float = 1.0  # share of type evidence behind ``label``
    gender: Gender | None = None
    forms: list[PersonName] = field(default_factory=list)  # person names of 2+ words
    one_word: PersonName | None = None  # the name of a person only ever named by one word
    rivals: dict[int, list[Cluster]] = field(default_factory=dict)  # mention start -> others
    starts: list[int] = field(default_factory=list)  # sorted mention starts, for recency

    def __post_init__(self) -> None:
        self.starts = sorted(m.start for m in self.mentions)

    @property
    def first(self) -> int:
        return self.starts[0]

    def add(self, m: Mention) -> None:
        self.mentions.append(m)
        insort(self.starts, m.start)

    def last_before(self, position: int) -> int | None:
        i = bisect_left(self.starts, position)
        return self.starts[i - 1] if i else None


def build_entities(doc: Doc, mentions: list[Mention]) -> list[Cluster]:
    """Group name mentions into entities, ordered by first mention."""
    retype_surnames(doc, mentions)
    shares = vote_types(doc, mentions)
    people = cluster_people(doc, [m for m in mentions if m.label == "PERSON"])
    others = cluster_names(doc, [m for m in mentions if m.label != "PERSON"])
    clusters = people + others
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
        c.agreement = min(shares.get(surface_key(text_of(doc, m)), 1.0) for m in c.mentions)
        for m in c.mentions:
            m.label = c.label
    clusters.sort(key=lambda c: c.first)
    return clusters


def cluster_people(doc: Doc, mentions: list[Mention]) -> list[Cluster]:
    """Merge person mentions: full names first, then one-word names onto them.

    A one-word name compatible with several people goes to the one mentioned most recently
    before it (or next after it), with lower confidence and the others recorded as rivals.
    """
    parsed = [(m, _person_name(doc, m)) for m in mentions]
    parsed = [(m, n) for m, n in parsed if n.words]
    clusters: list[Cluster] = []
    by_word: dict[str, list[Cluster]] = defaultdict(list)
    for m, name in parsed:
        if len(name.words) > 1:
            _place_full_name(m, name, clusters, by_word)
    singles: dict[str, list[Cluster]] = defaultdict(list)
    for m, name in parsed:
        if len(name.words) == 1:
            _place_one_word(m, name, clusters, by_word, singles)
    return clusters


def _person_name(doc: Doc, m: Mention) -> PersonName:
    """The mention's name read with the titles just before it ("Mr" in "Mr Smith").

    OntoNotes keeps titles out of PERSON spans, but "Mr" still says Smith is a surname and a
    man, which decides between "John Smith" and "Jane Smith".
    """
    start = m.start
    while start > 0 and start > m.start - 3 and lower(doc[start - 1]) in TITLES:
        if not doc[start - 1].text[:1].isupper():
            break
        start -= 1
    return parse_person(clean_surface(doc[start : m.end].text))


def _place_full_name(
    m: Mention, name: PersonName, clusters: list[Cluster], by_word: dict[str, list[Cluster]]
) -> None:
    candidates = _unique(c for w in lookup_keys(name) for c in by_word.get(w, ()))
    fits = [c for c in candidates if all(compatible(name, f) for f in c.forms)]
    if not fits:
        target = Cluster("PERSON", [m], forms=[name], gender=name.gender)
        clusters.append(target)
    else:
        target = _nearest(fits, m.start)
        if len(fits) > 1:
            _mark_ambiguous(target, m, fits)
        target.add(m)
        if name not in target.forms:
            target.forms.append(name)  # distinct forms only, so checks stay per name, not mention
        target.gender = target.gender or name.gender
    for w in lookup_keys(name):
        if target not in by_word[w]:
            by_word[w].append(target)


def _place_one_word(
    m: Mention,
    name: PersonName,
    clusters: list[Cluster],
    by_word: dict[str, list[Cluster]],
    singles: dict[str, list[Cluster]],
) -> None:
    found: dict[Match, list[Cluster]] = {"surname": [], "given": []}
    for c in _unique(c for w in lookup_keys(name) for c in by_word.get(w, ())):
        kinds = [one_word_match(name, f) for f in c.forms]
        if kinds and all(k is not None for k in kinds):
            found["surname" if "surname" in kinds else "given"].append(c)
    # A surname reading beats a given-name one: "Page" is Mr Page before it is Page Smith.
    fits = found["surname"] or found["given"]
    keys = lookup_keys(name)
    if not fits:
        near = _unique(c for k in keys for c in singles.get(k, ()))
        fits = [c for c in near if c.one_word and compatible(name, c.one_word)]
    if not fits:
        c = Cluster("PERSON", [m], gender=name.gender, one_word=name)
        for k in keys:
            singles[k].append(c)
        clusters.append(c)
        return
    target = _nearest(fits, m.start)
    if len(fits) > 1:
        _mark_ambiguous(target, m, fits)
    target.add(m)
    target.gender = target.gender or name.gender


def _unique(items: Iterable[Cluster]) -> list[Cluster]:
    return list(dict.fromkeys(items))


def _nearest(fits: list[Cluster], position: int) -> Cluster:
    """The cluster mentioned last before ``position``, else the one mentioned first after it."""
    before = [(last, c) for c in fits if (last := c.last_before(position)) is not None]
    if before:
        return max(before, key=lambda pair: pair[0])[1]
    return min(fits, key=lambda c: c.first)


def _mark_ambiguous(target: Cluster, m: Mention, fits: list[Cluster]) -> None:
    target.rivals[m.start] = [c for c in fits if c is not target]
    m.confidence *= AMBIGUITY_PENALTY
    m.fixes.append("ambiguous-alias")


def cluster_names(doc: Doc, mentions: list[Mention]) -> list[Cluster]:
    """Merge non-person mentions by spelling key, acronym and organisation + place suffix."""
    groups: dict[tuple[str, str], Cluster] = {}
    owner: dict[int, Cluster] = {}
    for m in mentions:
        key = (m.label, type_key(text_of(doc, m), m.label))
        c = groups.get(key)
        if c is None:
            c = groups[key] = Cluster(m.label, [m])
        else:
            c.add(m)
        owner[m.start] = c
    clusters = list(groups.values())
    parent = {c: c for c in clusters}

    def find(c: Cluster) -> Cluster:
        while parent[c] is not c:
            c = parent[c]
        return c

    def union(a: Cluster, b: Cluster) -> None:
        ra, rb = find(a), find(b)
        if ra is not rb:
            parent[rb] = ra

    for a, b in _acronym_pairs(doc, mentions, owner, groups):
        union(a, b)
    for a, b in _place_suffix_pairs(groups):
        union(a, b)
    merged: list[Cluster] = []
    for c in clusters:
        root = find(c)
        if root is c:
            merged.append(root)
        else:
            for m in c.mentions:
                root.add(m)
    for c in merged:
        c.label = _majority_label(c)
    return merged


def _acronym_pairs(
    doc: Doc,
    mentions: list[Mention],
    owner: dict[int, Cluster],
    groups: dict[tuple[str, str], Cluster],
) -> list[tuple[Cluster, Cluster]]:
    pairs: list[tuple[Cluster, Cluster]] = []
    # "Islamic State (ISIS)": an acronym in brackets right after a name abbreviates it.
    by_start = {m.start: m for m in mentions}
    for m in mentions:
        inner = by_start.get(m.end + 1)
        if inner is None or inner.end >= len(doc) or doc[m.end].text != "(":
            continue
        closed = doc[inner.end].text == ")" and is_acronym(text_of(doc, inner))
        if closed and owner[inner.start] is not owner[m.start]:
            pairs.append((owner[m.start], owner[inner.start]))
    # "US" and "United States" both in the text: the initials of the long name.
    long_forms: dict[tuple[str, str], list[Cluster]] = defaultdict(list)
    for (label, _key), c in groups.items():
        for letters in initials(max((text_of(doc, x) for x in c.mentions), key=len)):
            long_forms[(label, letters)].append(c)
    for (label, _key), c in groups.items():
        text = text_of(doc, c.mentions[0])
        if is_acronym(text):
            matches = long_forms.get((label, text.replace(".", "")), [])
            if len(matches) == 1 and matches[0] is not c:
                pairs.append((matches[0], c))
    return pairs


def _place_suffix_pairs(
    groups: dict[tuple[str, str], Cluster],
) -> list[tuple[Cluster, Cluster]]:
    """ "Hizb ut Tahrir Kyrgyzstan" is "Hizb ut Tahrir" when "Kyrgyzstan" is a place here."""
    places = {key for (label, key) in groups if label in {"GPE", "LOC"}}
    pairs = []
    for (label, key), c in groups.items():
        words = key.split(" ")
        if label != "ORG" or len(words) < 3:
            continue
        for cut in (1, 2):
            prefix, suffix = " ".join(words[:-cut]), " ".join(words[-cut:])
            shorter = groups.get(("ORG", prefix))
            if suffix in places and shorter is not None:
                pairs.append((c, shorter))
                break
    return pairs


def _majority_label(c: Cluster) -> str:
    counts: dict[str, int] = defaultdict(int)
    for m in c.mentions:
        counts[m.label] += 1
    return max(counts, key=lambda label: (counts[label], label == c.label))


def canonical(doc: Doc, c: Cluster) -> Mention:
    """The mention whose text names the entity best: the fullest name without titles."""
    if c.label == "PERSON":

        def rank(m: Mention) -> tuple[int, int, int]:
            name = parse_person(text_of(doc, m))
            return (len(name.words), -len(name.titles), -m.start)
    else:

        def rank(m: Mention) -> tuple[int, int, int]:
            text = text_of(doc, m)
            return (len(text.split(" ")), len(text), -m.start)

    return max(c.mentions, key=rank)


def aliases(doc: Doc, c: Cluster) -> list[str]:
    """Distinct surface names of the entity in order of first use."""
    seen: list[str] = []
    for m in c.mentions:
        text = text_of(doc, m)
        if text not in seen:
            seen.append(text)
    return seen
