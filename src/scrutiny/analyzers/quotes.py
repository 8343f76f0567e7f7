"""Direct quotations and who said them: the ``quote`` layer.

This module owns two steps. :func:`find_quotations` pairs quotation marks in raw text (no NLP):
straight and curly double quotes, guillemets, German low-high quotes, and single quotes only where
they cannot be apostrophes. :class:`QuoteAnalyzer` then attributes every quotation to a speaker
through the spaCy dependency parse (the subject of an adjacent cue verb such as *say*, *tell*,
*according to*) and the ``mention`` layer (so "They" resolves to the entities it refers to), and
drops scare quotes (short labels like "Kuffar" with no cue verb).

A quote's span is the quoted content *without* the marks, trimmed of surrounding whitespace and of
a trailing comma that belongs to the attribution (``"We will win," he said`` -> ``We will win``).
A quotation never crosses a blank line: a quote that runs over several paragraphs by the
continuation convention (no closing mark at a paragraph's end, an opening mark at the start of the
next) yields one annotation per paragraph, the later ones pointing back with ``attrs["continues"]``.
See docs/quotes.md.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from scrutiny.pipeline import AnalysisState

# A pair further apart than this is an unbalanced mark meeting an unrelated one, not a quotation.
MAX_QUOTE_CHARS = 2_000
# Fewer words than this and no cue verb: a scare quote or a label, not somebody's words.
MIN_UNCUED_WORDS = 4
# How far (in tokens) to look on either side of a quotation for its attribution clause.
LEFT_CONTEXT_TOKENS = 40
RIGHT_CONTEXT_TOKENS = 25
# Words (not punctuation) allowed between a cue verb and the quotation it introduces; short quotes
# must sit closer, otherwise "statements which may "foster hatred"" would count as said.
MAX_CUE_GAP = 6
MAX_SHORT_CUE_GAP = 3
# A quote with no attribution of its own inherits the previous quote's speaker only across a
# short stretch of text ("…," he said. "…").
MAX_INHERIT_GAP_CHARS = 150

CONFIDENCE = {
    "cue": 0.9,
    "cue_no_speaker": 0.7,
    "intro": 0.8,
    "intro_no_cue": 0.6,
    "headline": 0.7,
    "inherited": 0.6,
    "none": 0.4,
}

_CUE_WORDS = """
    say tell state declare add claim ask announce write insist warn note explain accuse deny
    reply respond answer argue stress emphasize emphasise admit acknowledge comment remark observe
    conclude continue tweet post shout scream yell cry exclaim whisper quip joke vow promise pledge
    threaten urge demand confirm assert proclaim recall reiterate report suggest complain lament
    predict testify concede counter retort boast mutter wonder"""
CUE_LEMMAS = frozenset(_CUE_WORDS.split())
# Cue verbs whose object can be the speaker in inverted order ('"…," said the minister'); with
# tell/ask/warn the object is the addressee ("told reporters").
_INVERTIBLE = frozenset({"say", "add", "write", "continue", "declare", "state", "explain", "note"})
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Dependencies through which a cue verb inherits the subject of the verb it hangs from: "went on
# to say", "was quoted as saying", "smiled and said".
_CLIMB_DEPS = frozenset({"xcomp", "pcomp", "prep", "advcl", "conj"})
_NP_RIGHT_DEPS = frozenset({"compound", "flat", "nummod", "poss", "case"})
_RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})

_DOUBLE = frozenset('"“”„«»‟')
_SINGLE = frozenset("'‘’")
_MARK_RE = re.compile("[\"“”„«»‟'‘’]")
# When context cannot tell (a mark between two spaces, or inside a word) the glyph decides.
_OPEN_GLYPHS = frozenset("“„«‟‘")
_CLOSE_GLYPHS = frozenset("”»’")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n[ \t\n]*")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Elisions that start with an apostrophe: '90s, 'em, 'tis, rock 'n' roll.
_ELISION = re.compile(r"\d\d?s?\b|(?:em|tis|twas|n|cause|til|bout|round)\b", re.IGNORECASE)
_SENTENCE_END = frozenset(".!?…")
_TRAILING = frozenset(",.;:!?)]}…")
_LEADING = frozenset("([{")
_STANDALONE_BEFORE = frozenset(":;,—–-([") | _SENTENCE_END
_STANDALONE_AFTER = frozenset(".,;:!?)]—–-…")

OPEN, CLOSE, EITHER = 1, 2, 3


@dataclass(frozen=True, slots=True)
class Quotation:
    """One quotation found by its marks.

    ``start``/``end`` delimit the content; ``close_mark`` is None for a paragraph that ends inside
    a quote continued in the next paragraph. Pieces of one multi-paragraph quote share ``group``.
    """

    start: int
    end: int
    open_mark: int
    close_mark: int | None
    group: int


@dataclass(frozen=True, slots=True)
class _Attribution:
    method: str
    cue: str | None = None
    cue_token: int | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    speakers: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.method != "none"


_UNATTRIBUTED = _Attribution("none")


# --- pairing marks -----------------------------------------------------------------------------


def _is_punct(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _flanking(text: str, i: int) -> tuple[bool, bool]:
    """Whether the mark at ``i`` can open (left-flanking) and close (right-flanking) a quote.

    The CommonMark emphasis rules transfer well: an opening mark touches the word after it, a
    closing one the word before it, and punctuation next to a mark counts as neutral.
    """
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    prev_ws, next_ws = prev.isspace(), nxt.isspace()
    prev_p, next_p = _is_punct(prev), _is_punct(nxt)
    # Unlike emphasis, a quote mark never opens before ",.;:!?)" nor closes after "(".
    left = not next_ws and nxt not in _TRAILING and (not next_p or prev_ws or prev_p)
    right = not prev_ws and prev not in _LEADING and (not prev_p or next_ws or next_p)
    return left, right


def _double_role(text: str, i: int) -> int:
    left, right = _flanking(text, i)
    if left != right:
        return OPEN if left else CLOSE
    ch = text[i]
    if ch in _OPEN_GLYPHS:
        return OPEN
    if ch in _CLOSE_GLYPHS:
        return CLOSE
    # A straight quote inside a word may still open or close; one between spaces is noise.
    return EITHER if left else 0


def _single_role(text: str, i: int) -> int:
    """Single marks count only where an apostrophe is implausible."""
    left, right = _flanking(text, i)
    if left and not right:
        return 0 if _ELISION.match(text, i + 1) else OPEN
    if right and not left:
        # "Muslims' rights" is a possessive; a closing single quote is followed by punctuation or
        # the end of the line, or comes straight after punctuation ("…,' he said").
        after = text[i + 1 : i + 9].lstrip(" \t")[:1]
        if _is_punct(text[i - 1]) or after in ("", "\n") or _is_punct(after):
            return CLOSE
    return 0


class _Paragraphs:
    """Paragraph boundaries (blank lines) and a lookup from offset to paragraph."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.ends: list[int] = []
        for m in _PARAGRAPH_BREAK.finditer(text):
            self.ends.append(m.start())
            self.starts.append(m.end())
        self.ends.append(len(text.rstrip()))
        self.first_char = [s + (len(text[s:e]) - len(text[s:e].lstrip())) for s, e in self.spans()]

    def spans(self) -> Iterable[tuple[int, int]]:
        return zip(self.starts, self.ends, strict=True)

    def index(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1


def _content(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim whitespace and the attribution comma ('"…," he said') from a quote's content."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start and text[end - 1] == ",":
        end -= 1
        while end > start and text[end - 1].isspace():
            end -= 1
    return start, end


class _Pairer:
    """Walks the marks of one family in order and emits quotations as it closes them."""

    def __init__(self, text: str, paragraphs: _Paragraphs) -> None:
        self.text = text
        self.paras = paragraphs
        self.out: list[Quotation] = []
        self._group = 0

    def _emit(self, pieces: Sequence[tuple[int, int | None]]) -> None:
        """Record one quotation: its (open mark, close mark) pieces, one per paragraph."""
        self._group += 1
        for open_mark, close_mark in pieces:
            para_end = self.paras.ends[self.paras.index(open_mark)]
            end = para_end if close_mark is None else close_mark
            start, end = _content(self.text, open_mark + 1, end)
            if _WORD.search(self.text, start, end):
                self.out.append(Quotation(start, end, open_mark, close_mark, self._group))

    def doubles(self, marks: Iterable[int]) -> None:
        text, paras = self.text, self.paras
        pending: int | None = None
        # Open-ended pieces of a multi-paragraph quote, kept until the quote finally closes.
        chain: list[tuple[int, int | None]] = []
        for pos in marks:
            role = _double_role(text, pos)
            if not role:
                continue
            if pending is not None:
                p_old, p_new = paras.index(pending), paras.index(pos)
                if p_new != p_old:
                    continued = p_new == p_old + 1 and pos == paras.first_char[p_new]
                    if (
                        continued
                        and role != CLOSE
                        and paras.ends[p_old] - pending <= MAX_QUOTE_CHARS
                    ):
                        chain.append((pending, None))
                        pending = pos
                        continue
                    pending, chain = None, []
                elif pos - pending > MAX_QUOTE_CHARS:
                    pending, chain = None, []
            if pending is None:
                if role != CLOSE:
                    pending = pos
            elif role != OPEN:
                self._emit([*chain, (pending, pos)])
                pending, chain = None, []
            else:
                # Two openers in a row: the first was a stray mark; a chain cannot survive it.
                pending, chain = pos, []

    def singles(self, marks: Iterable[int]) -> None:
        text, paras = self.text, self.paras
        pending: int | None = None
        for pos in marks:
            role = _single_role(text, pos)
            if pending is not None and (
                paras.index(pos) != paras.index(pending) or pos - pending > MAX_QUOTE_CHARS
            ):
                pending = None
            if role == OPEN:
                pending = pos
            elif role == CLOSE and pending is not None:
                self._emit([(pending, pos)])
                pending = None


def _extent(q: Quotation) -> tuple[int, int]:
    return q.open_mark, (q.close_mark + 1) if q.close_mark is not None else q.end


def find_quotations(text: str) -> list[Quotation]:
    """Every quotation in ``text`` by its marks, in text order; nested ones give the outer only.

    Runs in linear time; an unbalanced mark can swallow at most one paragraph, and never more than
    ``MAX_QUOTE_CHARS`` characters.
    """
    positions = [m.start() for m in _MARK_RE.finditer(text)]
    if not positions:
        return []
    paras = _Paragraphs(text)
    pairer = _Pairer(text, paras)
    pairer.doubles(p for p in positions if text[p] in _DOUBLE)
    doubles = list(pairer.out)
    pairer.out = []
    pairer.singles(p for p in positions if text[p] in _SINGLE)
    # Single quotes inside (or tangled with) a double quote are nested quotes or apostrophes.
    bounds = [_extent(q) for q in doubles]
    starts = [b[0] for b in bounds]
    kept = list(doubles)
    for q in pairer.out:
        lo, hi = _extent(q)
        i = bisect_left(starts, hi)
        if i == 0 or bounds[i - 1][1] <= lo:
            kept.append(q)
    kept.sort(key=lambda q: q.open_mark)
    return kept


# --- attribution -------------------------------------------------------------------------------


def _is_cue(tok: Any) -> bool:
    if tok.lower_ == "according":
        return bool(tok.i + 1 < len(tok.doc) and tok.doc[tok.i + 1].lower_ == "to")
    return bool(tok.tag_.startswith("VB") and tok.lemma_.lower() in CUE_LEMMAS)


def _cue_name(tok: Any) -> str:
    return "according to" if tok.lower_ == "according" else str(tok.lemma_.lower())


class _Attributor:
    """Finds the speaker of each quotation in one parsed document."""

    def __init__(
        self, doc: Any, text: str, quotes: Sequence[Quotation], mentions: AnalysisState
    ) -> None:
        self.doc = doc
        self.text = text
        self.mentions = mentions
        self._extents = [_extent(q) for q in quotes]
        self._extent_starts = [e[0] for e in self._extents]
        self._marks = {q.open_mark for q in quotes} | {
            q.close_mark for q in quotes if q.close_mark is not None
        }

    # token helpers

    def token_at(self, pos: int) -> Any:
        span = self.doc.char_span(pos, pos + 1, alignment_mode="expand")
        return span[0] if span is not None and len(span) else None

    def in_quote(self, tok: Any) -> bool:
        i = bisect_right(self._extent_starts, tok.idx) - 1
        return i >= 0 and tok.idx < self._extents[i][1]

    def _is_break(self, tok: Any) -> bool:
        if tok.is_space:
            return "\n" in tok.text
        # Brackets hold editorial notes ("[emphasis added]"), never the attribution.
        if tok.idx in self._marks or tok.text in {"[", "]"}:
            return True
        return bool(tok.is_punct and tok.text[-1] in _SENTENCE_END)

    def context(self, first: int, step: int, limit: int) -> list[Any]:
        """Tokens from index ``first`` going ``step`` until a sentence end, line end or quote."""
        out: list[Any] = []
        i = first
        while 0 <= i < len(self.doc) and len(out) < limit:
            tok = self.doc[i]
            if self._is_break(tok):
                break
            out.append(tok)
            i += step
        return out

    # speakers

    def _subject(self, cue: Any) -> Any:
        if cue.lower_ == "according":
            for prep in cue.children:
                for obj in prep.children:
                    if obj.dep_ == "pobj":
                        return obj
            return None
        tok = cue
        for _ in range(4):
            subj = next((c for c in tok.children if c.dep_ in _SUBJECT_DEPS), None)
            if subj is not None:
                if subj.lower_ in _RELATIVE_PRONOUNS and tok.dep_ == "relcl":
                    return tok.head
                return subj
            if tok.dep_ not in _CLIMB_DEPS or tok.head.i == tok.i:
                break
            tok = tok.head
        if cue.lemma_.lower() in _INVERTIBLE:
            for c in cue.rights:
                if c.dep_ in {"dobj", "attr", "npadvmod", "oprd"} and c.left_edge.i == cue.i + 1:
                    return c if c.pos_ in {"PROPN", "NOUN"} else None
        return None

    def _noun_phrase(self, head: Any) -> tuple[int, int]:
        """Token range of the speaker's noun phrase, without relative clauses or appositions."""
        lo, hi = head.left_edge.i, head.i + 1
        node = head
        for _ in range(5):  # conjunct chains ("X, Y and Z said") are short in real text
            nxt = None
            for child in node.rights:
                if child.dep_ in _NP_RIGHT_DEPS or (child.dep_ == "prep" and child.lower_ == "of"):
                    hi = max(hi, child.right_edge.i + 1)
                elif child.dep_ == "cc":
                    continue
                elif child.dep_ == "conj":
                    nxt = child
                    break
                else:
                    break
            if nxt is None:
                break
            node, hi = nxt, nxt.i + 1
        return lo, hi

    def _heads(self, head: Any) -> list[Any]:
        heads = [head]
        for child in head.children:
            if child.dep_ == "conj" and len(heads) < 6:
                heads.append(child)
        return heads

    def speaker(self, head: Any, method: str, cue: Any) -> _Attribution:
        speakers: list[str] = []
        for h in self._heads(head):
            for ent in self.mentions.entities_at(h.idx, h.idx + len(h)):
                if ent not in speakers:
                    speakers.append(ent)
        if not speakers:
            # "A researcher with the group, Matthew Collins, said": the name is the apposition.
            for child in head.rights:
                ents = self.mentions.entities_at(child.idx, child.idx + len(child))
                if child.dep_ == "appos" and ents and not self.in_quote(child):
                    head, speakers = child, ents
                    break
        lo, hi = self._noun_phrase(head)
        span = self.doc[lo:hi]
        if any(self.in_quote(t) for t in span):
            span = self.doc[head.i : head.i + 1]
        return _Attribution(
            method,
            _cue_name(cue) if cue is not None else None,
            cue.i if cue is not None else None,
            span.start_char,
            span.end_char,
            tuple(speakers),
        )

    # attribution strategies

    def _adjacent(self, cue: Any, subject: Any, first: int, last: int, short: bool) -> bool:
        """Whether ``cue`` introduces the quote whose marks are tokens ``first``..``last``."""
        between = self.doc[cue.i + 1 : first] if cue.i < first else self.doc[last + 1 : cue.i]
        lo, hi = (subject.left_edge.i, subject.right_edge.i) if subject is not None else (-1, -1)
        # The speaker's own name between quote and cue ('"…," Vladimir Putin said') is no gap.
        words = sum(1 for t in between if not (t.is_punct or t.is_space or lo <= t.i <= hi))
        if words <= (MAX_SHORT_CUE_GAP if short else MAX_CUE_GAP):
            return True
        # A longer stretch is fine when the parser hangs the quote on the cue ("said on Tuesday,
        # in a speech to parliament, that "…"").
        return not short and any(t.head.i == cue.i for t in self.doc[first + 1 : last])

    def by_cue(self, q: Quotation, short: bool) -> _Attribution:
        open_tok = self.token_at(q.open_mark)
        close_tok = self.token_at(q.close_mark) if q.close_mark is not None else None
        end_tok = close_tok if close_tok is not None else self.token_at(q.end - 1)
        if open_tok is None or end_tok is None:
            return _UNATTRIBUTED
        # For a paragraph that ends inside the quote, "last" is just past its content.
        last = end_tok.i if close_tok is not None else end_tok.i + 1
        left = self.context(open_tok.i - 1, -1, LEFT_CONTEXT_TOKENS)
        right = self.context(last + 1, 1, RIGHT_CONTEXT_TOKENS) if close_tok is not None else []
        sides = [left, right]
        if self._prefers_right(q):
            sides.reverse()
        for side in sides:
            for tok in side:
                if not _is_cue(tok):
                    continue
                head = self._subject(tok)
                if head is not None and self.in_quote(head):
                    continue  # the quoted words are the subject: '"X," has written to May'
                if self._adjacent(tok, head, open_tok.i, last, short):
                    if head is None:
                        return _Attribution("cue_no_speaker", _cue_name(tok), tok.i)
                    return self.speaker(head, "cue", tok)
        return self._headline(q, left)

    def _prefers_right(self, q: Quotation) -> bool:
        """'"…," he said' puts the attribution after the quote; 'He said: "…"' before it."""
        if q.close_mark is None:
            return False
        before = self.text[max(0, q.open_mark - 3) : q.open_mark].rstrip()
        comma_in = self.text[q.end : q.close_mark].strip() == ","
        comma_out = self.text[q.close_mark + 1 : q.close_mark + 2] == ","
        return (comma_in or comma_out) and not before.endswith((":", ","))

    def _headline(self, q: Quotation, left: list[Any]) -> _Attribution:
        """'Trump: "I will win"' — a line that starts with a bare name and a colon."""
        if len(left) < 2 or left[0].text != ":" or len(left) > 7 or not _standalone(self.text, q):
            return _UNATTRIBUTED
        name = left[1:]  # nearest first, so name[0] is the head of the name
        at_line_start = name[-1].i == 0 or self._is_break(self.doc[name[-1].i - 1])
        if not at_line_start or not all(t.text[:1].isupper() for t in name):
            return _UNATTRIBUTED
        return self.speaker(name[0], "headline", None)

    def by_introduction(self, q: Quotation) -> _Attribution:
        """A quote opening a sentence or line after 'He added:' or 'She said the following.'"""
        open_tok = self.token_at(q.open_mark)
        if open_tok is None:
            return _UNATTRIBUTED
        i, newlines = open_tok.i - 1, 0
        while i >= 0 and self.doc[i].is_space:
            newlines += self.doc[i].text.count("\n")
            i -= 1
        if i < 0 or newlines > 2 or self.doc[i].text not in {":", "."}:
            return _UNATTRIBUTED
        colon = self.doc[i].text == ":"
        intro = self.context(i - 1, -1, LEFT_CONTEXT_TOKENS)
        if not colon and not any(t.lower_ in {"following", "follows"} for t in intro):
            return _UNATTRIBUTED
        for tok in intro:
            if _is_cue(tok):
                head = self._subject(tok)
                if head is None:
                    return _Attribution("intro_no_cue", _cue_name(tok), tok.i)
                return self.speaker(head, "intro", tok)
        # A bare colon introduces a quote only when the quote stands alone after it; in
        # 'Congressman: "Credible Evidence" Of …' the marks sit inside a headline phrase.
        if colon and _standalone(self.text, q):
            return _Attribution("intro_no_cue")
        return _UNATTRIBUTED

    def cues_between(self, start: int, end: int) -> list[int]:
        span = self.doc.char_span(start, end, alignment_mode="contract")
        return [t.i for t in span if _is_cue(t)] if span is not None else []


def _standalone(text: str, q: Quotation) -> bool:
    """Whether a quotation stands as its own utterance rather than a phrase inside a sentence."""
    i = q.open_mark
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i > 0 and text[i - 1] != "\n" and text[i - 1] not in _STANDALONE_BEFORE:
        return False
    if q.close_mark is None or text[q.end - 1] in _SENTENCE_END:
        return True
    j = q.close_mark + 1
    while j < len(text) and text[j] in " \t":
        j += 1
    return j >= len(text) or text[j] == "\n" or text[j] in _STANDALONE_AFTER


class QuoteAnalyzer:
    """Direct quotes with their speakers and cue verbs (label ``direct``)."""

    name: ClassVar[str] = "quotes"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[tuple[str, ...]] = ("entity", "mention", "sentence")
    produces: ClassVar[tuple[str, ...]] = ("quote",)
    languages: ClassVar[tuple[str, ...] | None] = ("en",)

    def analyze(self, state: AnalysisState) -> None:
        doc = state.scratch.get("spacy")
        quotes = find_quotations(state.text)
        if doc is None or not quotes:
            return
        att = _Attributor(doc, state.text, quotes, state)
        found = [self._attribute(att, state.text, q) for q in quotes]
        found = _share_within_groups(quotes, found)
        keep = _keep(state.text, quotes, found)
        found = _inherit(att, quotes, found, keep)
        previous: dict[int, str] = {}
        for q, a, k in zip(quotes, found, keep, strict=True):
            if not k:
                continue
            ann = state.add(
                "quote",
                q.start,
                q.end,
                "direct",
                confidence=CONFIDENCE[a.method],
                attrs={
                    "speakers": list(a.speakers),
                    "speaker_text": _slice(state.text, a.speaker_start, a.speaker_end),
                    "speaker_start": a.speaker_start,
                    "speaker_end": a.speaker_end,
                    "cue": a.cue,
                    "attribution": a.method,
                    "continues": previous.get(q.group),
                },
            )
            previous[q.group] = ann.id

    @staticmethod
    def _attribute(att: _Attributor, text: str, q: Quotation) -> _Attribution:
        short = len(_WORD.findall(text, q.start, q.end)) < MIN_UNCUED_WORDS
        found = att.by_cue(q, short)
        return found if found.found else att.by_introduction(q)


def _slice(text: str, start: int | None, end: int | None) -> str | None:
    return text[start:end] if start is not None and end is not None else None


def _share_within_groups(
    quotes: Sequence[Quotation], found: list[_Attribution]
) -> list[_Attribution]:
    """Every paragraph of a multi-paragraph quote takes the attribution one of them carries."""
    best: dict[int, _Attribution] = {}
    for q, a in zip(quotes, found, strict=True):
        if a.found and q.group not in best:
            best[q.group] = a
    return [a if a.found else best.get(q.group, a) for q, a in zip(quotes, found, strict=True)]


def _keep(text: str, quotes: Sequence[Quotation], found: Sequence[_Attribution]) -> list[bool]:
    """Attributed quotes stay; the rest only when they stand alone and are long enough."""
    group_found = {q.group for q, a in zip(quotes, found, strict=True) if a.found}
    return [
        q.group in group_found
        or (len(_WORD.findall(text, q.start, q.end)) >= MIN_UNCUED_WORDS and _standalone(text, q))
        for q in quotes
    ]


def _inherit(
    att: _Attributor,
    quotes: Sequence[Quotation],
    found: list[_Attribution],
    keep: Sequence[bool],
) -> list[_Attribution]:
    """'"…," he said. "…"': an unattributed quote after an attributed one shares its speaker."""
    out = list(found)
    last: tuple[Quotation, _Attribution] | None = None
    for i, q in enumerate(quotes):
        if not keep[i]:
            continue
        a = out[i]
        if not a.found and last is not None:
            prev_q, prev_a = last
            gap_start = _extent(prev_q)[1]
            if (
                q.open_mark - gap_start <= MAX_INHERIT_GAP_CHARS
                and prev_a.speaker_start is not None
            ):
                others = [
                    c for c in att.cues_between(gap_start, q.open_mark) if c != prev_a.cue_token
                ]
                if not others:
                    out[i] = a = replace(prev_a, method="inherited")
        if a.found:
            last = (q, a)
    return out
