"""Who issued a document: the ``signature`` layer.

Two kinds of evidence, both rule-based:

- ``block``: the closing signature of a statement or press release, the last one to four short,
  name-like lines after the body ("Media Office of Hizb ut Tahrir / in Kyrgyzstan", "— John Smith,
  Spokesman", "Issued by the Press Office"). The span is the text inside any markdown emphasis and
  after a signer prefix ("Signed:", "Issued by", a dash), and may cover line breaks.
- ``self_identification``: first-person plural self-naming in the body ("We, Hizb ut Tahrir
  Kyrgyzstan, urge …", "We at Amnesty International believe …", "We, the undersigned, …").
  The span is the name.

``attrs["name"]`` is the issuer's name with whitespace normalised and ``attrs["entity"]`` the id of
the entity a mention inside the span refers to (an organisation preferably), or None. News articles
end with a sentence and carry bylines at the top, so they rarely get a block; see docs/quotes.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from scrutiny.model import Annotation
from scrutiny.pipeline import AnalysisState

# Only the end of a document can hold its closing block; looking at a bounded tail keeps huge
# inputs cheap.
TAIL_CHARS = 1_500
MAX_BLOCK_LINES = 4
MAX_LINE_CHARS = 100
MAX_LINE_WORDS = 14
# Trailing lines that are metadata under a signature (dates, web addresses) rather than a name.
MAX_META_LINES = 3
# A signature closes a body of text; a few title-case lines alone are a heading or a list.
MIN_BODY_WORDS = 20


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


CONFIDENCE_ORG = 0.9
CONFIDENCE_OTHER_ENTITY = 0.75
CONFIDENCE_NO_ENTITY = 0.6
CONFIDENCE_SELF = 0.8

# Lower-case words that belong inside proper names ("Media Office of Hizb ut Tahrir in Kyrgyzstan").
CONNECTORS = _wordset(
    "of in for and at on to the de du des la le el al ut bin ibn van von der y e da di &"
)
# Words that make a short title-case line an issuer rather than, say, a book title: bodies...
ORG_WORDS = _wordset(
    """office press media bureau committee council ministry department secretariat party
    movement front union association centre center embassy agency foundation institute
    organization organisation command government administration presidency commission
    directorate headquarters board federation league coalition alliance network leadership
    team staff editors editorial"""
)
# ... and the offices of people who sign for them.
TITLE_WORDS = _wordset(
    """spokesman spokeswoman spokesperson secretary chairman chairwoman chair director president
    representative head leader coordinator"""
)
# Lower-case words allowed when a self-naming describes a group ("We, the people of Syria,").
_GROUP_WORDS = _wordset("people members youth sons daughters students scholars citizens")
# "We, Mr. Speaker, believe" addresses someone; it names nobody on the writer's side.
_HONORIFICS = _wordset("mr mr. mrs mrs. ms ms. dr dr. sir madam madame lord lady")
_PRONOUNS = _wordset("i we us you he she it they them me our ours your this that these those all")
# One self-naming is evidence enough; repeats add nothing and hostile text can hold thousands.
MAX_SELF_IDENTIFICATIONS = 10

_WORD = re.compile(r"[^\W\d_][\w'’.&-]*|\d[\w'’.&-]*")
_SIGNER_PREFIX = re.compile(
    r"^(?:[—–-]{1,2}\s*|(?:signed|issued|released|published)(?:\s+by)?\s*:?\s+)", re.IGNORECASE
)
_META_LINE = re.compile(
    r"(?:https?://|www\.|^[\W\d_]*$"
    r"|^\s*(?:tel|phone|fax|e-?mail|web|ref|no|date)\b\s*[.:]"
    r"|^\W*(?:advertisement|comments?|read more|share|subscribe|sponsored|related)\W*$)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.\w+")
_DATE_WORDS = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d|\d\s+(?:jan|feb|mar|apr"
    r"|may|jun|jul|aug|sep|oct|nov|dec)|\b(?:AH|CE|AD|H)\b\.?\s*$|\d{4}\s*(?:AH|CE|H)\b",
    re.IGNORECASE,
)
_SELF_NAMING = re.compile(
    r"\b(?:[Ww]e(?:[ \t]*,[ \t]*|[ \t]+(?:at|in)[ \t]+)|us[ \t]*,[ \t]*(?=the\b))(?=[^\W\d_])"
)
_SELF_MAX_CHARS = 90


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the tail: where its name-like content lies once markup is stripped."""

    start: int
    end: int
    text: str
    signed: bool  # had a signer prefix ("Signed:", "Issued by", a dash)


@dataclass(frozen=True, slots=True)
class Found:
    """A signature candidate before entities are looked up.

    ``strict`` candidates ("We at <name>") count only if the name is clearly an organisation.
    """

    label: str
    start: int
    end: int
    name: str
    strict: bool = False


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _inner(text: str, start: int, end: int) -> Line:
    """The line ``text[start:end]`` without emphasis markers and a signer prefix."""
    seg = text[start:end]
    lo = len(seg) - len(seg.lstrip(" \t*_#>"))
    hi = max(lo, len(seg.rstrip(" \t*_")))
    prefix = _SIGNER_PREFIX.match(seg, lo, hi)
    if prefix:
        lo = prefix.end()
    return Line(start + lo, start + hi, seg[lo:hi], prefix is not None)


def _is_meta(line: str) -> bool:
    # The "@" test first keeps the e-mail pattern off long lines that cannot match it.
    if "@" in line and _EMAIL.search(line):
        return True
    return bool(_META_LINE.search(line) or _DATE_WORDS.search(line))


def _name_like(line: Line) -> bool:
    """Short, no final punctuation, and title case apart from connectors ("of", "ut", "in")."""
    text = line.text
    words = _words(text)
    if not words or len(text) > MAX_LINE_CHARS or len(words) > MAX_LINE_WORDS:
        return False
    if text[-1] in ".!?;:,\"”'’)" or text.lstrip()[:1] in "#@(\"“'‘":
        return False
    lower = [w for w in words if w[:1].islower() and w.lower() not in CONNECTORS]
    return len(lower) <= 1 and any(w[:1].isupper() for w in words)


def _lines_before(text: str, end: int, floor: int) -> Iterable[tuple[int, int]]:
    """Line extents ending at or before ``end``, last line first, not reaching below ``floor``."""
    while end > floor:
        start = text.rfind("\n", floor, end) + 1 or floor
        yield start, end
        end = start - 1


def find_block(text: str) -> tuple[Found, list[Line]] | None:
    """The closing signature block of ``text`` and its lines, if it has one."""
    end = len(text.rstrip())
    floor = max(0, end - TAIL_CHARS)
    block: list[Line] = []
    meta = 0
    for start, stop in _lines_before(text, end, floor):
        raw = text[start:stop]
        if not raw.strip():
            if block:
                break  # a blank line closes the block off from the body
            continue
        line = _inner(text, start, stop)
        if not block and meta < MAX_META_LINES and _is_meta(raw):
            meta += 1
            continue
        if len(block) >= MAX_BLOCK_LINES or _is_meta(raw) or not _name_like(line):
            break
        block.append(line)
    if not block:
        return None
    block.reverse()
    body = text[max(0, block[0].start - TAIL_CHARS) : block[0].start]
    if not any(ch in body for ch in ".!?") or len(_words(body)) < MIN_BODY_WORDS:
        return None
    first, last = block[0], block[-1]
    name = _issuer_name(block)
    return Found("block", first.start, last.end, name), block


def _issuer_name(block: Sequence[Line]) -> str:
    """The line group naming the issuing body; wrapped lines ("… Tahrir / in Kyrgyzstan") join."""
    groups: list[list[str]] = []
    prev_last = ""
    for line in block:
        words = _words(line.text)
        continues = words[0].lower() in CONNECTORS or prev_last.lower() in CONNECTORS
        if groups and continues:
            groups[-1].append(line.text.strip())
        else:
            groups.append([line.text.strip()])
        prev_last = words[-1]
    names = [" ".join(" ".join(g).split()) for g in groups]
    bodies = [n for n in names if _has_word(n, ORG_WORDS)]
    return bodies[-1] if bodies else ", ".join(names)


def _has_word(text: str, words: frozenset[str]) -> bool:
    return any(w.lower() in words for w in _words(text))


def _has_issuer_word(text: str) -> bool:
    return _has_word(text, ORG_WORDS) or _has_word(text, TITLE_WORDS)


def _self_name(text: str, start: int, via_comma: bool) -> tuple[int, int] | None:
    """The name after "We," / "We at": capitalised words and connectors, closed by a comma."""
    window = text[start : start + _SELF_MAX_CHARS]
    if via_comma:
        cut = window.find(",")
        if cut <= 0 or any(ch in window[:cut] for ch in '.!?;:\n"“”()'):
            return None
        segment = window[:cut]
    else:
        words = []
        for m in re.finditer(r"\S+", window):
            w = m.group(0).rstrip(",")
            if not (w[:1].isupper() or w.lower() in CONNECTORS):
                break
            words.append(m)
            if m.group(0).endswith(","):
                break
        while words and words[-1].group(0).lower() in CONNECTORS:
            words.pop()
        if not words:
            return None
        segment = window[: words[-1].end()].rstrip(",.;:!?")
    if not _acceptable_self_name(segment.split()):
        return None
    return start, start + len(segment.rstrip())


def _acceptable_self_name(words: list[str]) -> bool:
    if not words or len(words) > 10:
        return False
    if [w.lower() for w in words] == ["the", "undersigned"]:
        return True
    body = words[1:] if words[0].lower() == "the" else words
    if words[0].lower() in _HONORIFICS or any(w.lower() in _PRONOUNS for w in words):
        return False
    if not body or (words[0].lower() != "the" and not body[0][:1].isupper()):
        return False
    lower = [w for w in body if w[:1].islower() and w.lower() not in CONNECTORS]
    if any(w.lower() not in _GROUP_WORDS for w in lower) or len(lower) > 2:
        return False
    return any(w[:1].isupper() for w in body)


def find_self_identifications(text: str) -> list[Found]:
    """The first "We, <name>," / "We at <name>" / "us, the <name>," self-naming of each name."""
    out: list[Found] = []
    seen: set[str] = set()
    for m in _SELF_NAMING.finditer(text):
        if len(out) >= MAX_SELF_IDENTIFICATIONS:
            break
        via_comma = "," in m.group(0)
        span = _self_name(text, m.end(), via_comma)
        if span is None:
            continue
        if via_comma and not text.startswith(",", span[1]):
            continue
        name = " ".join(text[span[0] : span[1]].split())
        if name.lower() in seen:
            continue
        seen.add(name.lower())
        out.append(Found("self_identification", span[0], span[1], name, strict=not via_comma))
    return out


class _Entities:
    """Mentions and entities of the document, for linking a signature to its issuer."""

    def __init__(self, annotations: Iterable[Annotation]) -> None:
        self.mentions: list[Annotation] = []
        self.entities: dict[str, Annotation] = {}
        for a in annotations:
            if a.layer == "mention":
                self.mentions.append(a)
            elif a.layer == "entity":
                self.entities[a.id] = a

    def _type(self, entity_id: str) -> str | None:
        ent = self.entities.get(entity_id)
        return ent.label if ent is not None else None

    def best(self, found: Found) -> tuple[str | None, bool]:
        """The issuer's entity id and whether it is an organisation."""
        inside = [
            m
            for m in self.mentions
            if found.start <= m.span.start and m.span.end <= found.end and m.attrs.get("entity")
        ]
        by_type: dict[str, list[str]] = {}
        for m in inside:
            ent = str(m.attrs["entity"])
            by_type.setdefault(self._type(ent) or m.label, []).append(ent)
        if "ORG" in by_type:
            return by_type["ORG"][0], True
        named = self._by_name(found.name)
        if named is not None:
            return named, True
        if "PERSON" in by_type:
            return by_type["PERSON"][0], False
        # A place or group counts only when it is the whole name ("Kyrgyzstan"), not a modifier
        # ("Media Office of Hizb ut Tahrir in Kyrgyzstan").
        span_len = max(1, found.end - found.start)
        for m in inside:
            if len(m.span) / span_len >= 0.6:
                return str(m.attrs["entity"]), False
        return None, False

    def _by_name(self, name: str) -> str | None:
        """An organisation whose name or alias occurs in ``name``, when no mention lies inside."""
        padded = f" {' '.join(_words(name)).lower()} "
        best: tuple[int, str] | None = None
        for ent in self.entities.values():
            if ent.label != "ORG":
                continue
            for alias in [ent.attrs.get("name"), *ent.attrs.get("aliases", [])]:
                if not alias:
                    continue
                key = " ".join(_words(str(alias))).lower()
                if key and f" {key} " in padded and (best is None or len(key) > best[0]):
                    best = (len(key), ent.id)
        return best[1] if best else None


class SignatureAnalyzer:
    """The issuing body of a document: closing block and first-person self-naming."""

    name: ClassVar[str] = "signature"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[tuple[str, ...]] = ("entity", "mention", "sentence")
    produces: ClassVar[tuple[str, ...]] = ("signature",)
    languages: ClassVar[tuple[str, ...] | None] = ("en",)

    def analyze(self, state: AnalysisState) -> None:
        text = state.text
        found: list[Found] = []
        block = find_block(text)
        if block is not None and self._names_issuer(block[0], block[1], state):
            found.append(block[0])
        found.extend(find_self_identifications(text))
        if not found:
            return
        entities = _Entities(state.annotations)
        for f in found:
            entity, is_org = entities.best(f)
            if f.strict and not (is_org or _has_issuer_word(f.name)):
                continue
            if f.label == "self_identification":
                confidence = CONFIDENCE_SELF
            elif entity is None:
                confidence = CONFIDENCE_NO_ENTITY
            else:
                confidence = CONFIDENCE_ORG if is_org else CONFIDENCE_OTHER_ENTITY
            state.add(
                "signature",
                f.start,
                f.end,
                f.label,
                confidence=confidence,
                attrs={"name": f.name, "entity": entity},
            )

    @staticmethod
    def _names_issuer(found: Found, lines: Sequence[Line], state: AnalysisState) -> bool:
        """A block must name an office or organisation, or be signed by a named person.

        Short title-case closings of news pages ("The Best of Jacob G. Hornberger", a caption)
        fail this test; press-release signatures pass it.
        """
        if _has_issuer_word(found.name):
            return True
        signed = any(line.signed for line in lines)
        labels = {
            m.label
            for m in state.layer("mention")
            if found.start <= m.span.start and m.span.end <= found.end
        }
        return "ORG" in labels or (signed and "PERSON" in labels)
