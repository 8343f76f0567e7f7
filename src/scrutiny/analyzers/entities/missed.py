"""Names the model missed: untagged runs of proper nouns that a cue types, and surname echoes.

A run of capitalised proper nouns is only kept when something says what it is (a head noun, a
title, a surname ending, "city of"), and with lower confidence than the model's own entities:
precision matters more than recall here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrutiny.analyzers.entities.lexicon import (
    EXCLAMATIONS,
    HEAD_NOUNS,
    NAME_PARTICLES,
    OFFICE_TITLES,
    ORG_LEAD_WORDS,
    PERSON_TITLES,
    SURNAME_ENDING,
)
from scrutiny.analyzers.entities.names import letters_only, parse_person
from scrutiny.analyzers.entities.spans import (
    Mention,
    head_cue,
    is_name_word,
    lower,
    place_context,
    span_root,
    taken_tokens,
    titled_name,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Typed = tuple[str, float, str, int]  # (label, confidence, rule, start of the name)


def untagged_names(doc: Doc, taken: list[bool], model: list[Mention]) -> list[Mention]:
    """Runs of capitalised proper nouns outside ``taken`` tokens, kept when a cue types them."""
    places = {m.start: m for m in model if m.label in {"GPE", "LOC"}}
    found = []
    for start, end in _join_of_phrases(doc, _runs(doc, taken)):
        typed = _type_run(doc, start, end)
        if typed is None:
            continue
        label, confidence, rule, name_start = typed
        m = Mention(name_start, end, label, confidence, "parser", [rule])
        if label == "ORG":
            _absorb_place_head(doc, m, places.get(end))
        found.append(m)
    return found


def _runs(doc: Doc, taken: list[bool]) -> list[tuple[int, int]]:
    """Maximal runs of name words, with lower-case particles and hyphens inside them."""
    runs: list[tuple[int, int]] = []
    i, n = 0, len(doc)
    while i < n:
        if taken[i] or not is_name_word(doc[i]):
            i += 1
            continue
        start = end = j = i
        while j < n and not taken[j] and (j == start or not doc[j].is_sent_start):
            if is_name_word(doc[j]):
                end = j + 1
            elif not _inner_joiner(doc[j]):
                break
            j += 1
        runs.append((start, end))
        i = max(end, i + 1)
    return runs


def _inner_joiner(token: Token) -> bool:
    """A hyphen or a particle the tagger reads as part of a name: "Hizb ut Tahrir"."""
    text = token.text
    if text == "-" and token.whitespace_ == "":
        return True
    return token.pos_ == "PROPN" and text.islower() and text in NAME_PARTICLES


def _join_of_phrases(doc: Doc, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join "Administration" + "of" + "President": an organisation head with its "of" part."""
    joined: list[tuple[int, int]] = []
    for start, end in runs:
        if joined:
            prev_start, prev_end = joined[-1]
            gap = [t.lower_ for t in doc[prev_end:start]]
            cue = HEAD_NOUNS.get(lower(doc[prev_end - 1]))
            org_head = cue is not None and cue[0] == "ORG"
            # "Media Office of Hizb ut Tahrir" is two names: the "of" part names its own body.
            own_name = lower(doc[start]) in ORG_LEAD_WORDS
            if gap in (["of"], ["of", "the"]) and org_head and not own_name:
                joined[-1] = (prev_start, end)
                continue
        joined.append((start, end))
    return joined


def _type_run(doc: Doc, start: int, end: int) -> Typed | None:
    """How a run is typed, by the first cue that fires, or None when nothing types it."""
    words = [lower(t) for t in doc[start:end]]
    names = [w for w, t in zip(words, doc[start:end], strict=True) if _plain_name(w, t)]
    if not names or letters_only(doc[start:end].text) in EXCLAMATIONS:
        return None
    cue = head_cue(doc, start, end)
    if cue is not None and (end - start > 1 or words[0] in ORG_LEAD_WORDS):
        return cue[0], 0.6, "head-noun", start
    if titled_name(doc, start, end):
        return "PERSON", 0.6, "title", start
    after_office = _after_office_title(words)
    if after_office is not None and end - (start + after_office) >= 2:
        # "Police Chief U. Renee Hall": the name after an office title, without the title.
        return "PERSON", 0.5, "office-title", start + after_office
    if 2 <= len(names) <= 3 and SURNAME_ENDING.search(names[-1]) and _title_case(doc, start, end):
        return "PERSON", 0.55, "surname-ending", start
    root = span_root(doc, start, end)
    if len(names) > 1 and root.dep_ == "appos" and root.head.lower_ in {"we", "us"}:
        return "ORG", 0.5, "we-appos", start  # "We, X, urge ...": a group names itself
    if place_context(doc, start, end):
        return "GPE", 0.5, "place-noun", start
    return None


def _after_office_title(words: list[str]) -> int | None:
    """Offset of the first word after the last office title, when only names follow it."""
    last = max((i for i, w in enumerate(words) if w in OFFICE_TITLES), default=None)
    if last is None or any(w in ("of", "the") for w in words[last + 1 :]):
        return None
    return last + 1


def _plain_name(word: str, token: Token) -> bool:
    return is_name_word(token) and word not in PERSON_TITLES and word not in OFFICE_TITLES


def _title_case(doc: Doc, start: int, end: int) -> bool:
    """Every name word is Capitalised (not ALL CAPS, which headlines use for anything)."""
    return all(
        t.text[:1].isupper() and not t.text.isupper() for t in doc[start:end] if is_name_word(t)
    )


def _absorb_place_head(doc: Doc, m: Mention, nxt: Mention | None) -> None:
    """ "Hizb ut Tahrir Kyrgyzstan": a place name the organisation name leans on is its part."""
    if nxt is None or not nxt.label or not nxt.start <= doc[m.end - 1].head.i < nxt.end:
        return
    if doc[m.end - 1].dep_ == "compound":
        m.end = nxt.end
        nxt.label = ""  # absorbed into m
        m.fixes.append("org-place-suffix")


def surname_echoes(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A lone untagged proper noun equal to the surname of a full PERSON name in the text."""
    surnames = set()
    for m in mentions:
        if m.label == "PERSON" and m.end - m.start > 1:
            name = parse_person(doc[m.start : m.end].text)
            if name.surname and len(name.words) > 1:
                surnames.add(name.surname)
    if not surnames:
        return []
    taken = taken_tokens(doc, mentions)
    found = []
    for i, token in enumerate(doc):
        if taken[i] or not is_name_word(token) or lower(token) not in surnames:
            continue
        neighbours = (doc[i - 1] if i else None, doc[i + 1] if i + 1 < len(doc) else None)
        if any(n is not None and is_name_word(n) for n in neighbours):
            continue  # part of a longer name we could not type
        found.append(Mention(i, i + 1, "PERSON", 0.5, "parser", ["surname-echo"]))
    return found
