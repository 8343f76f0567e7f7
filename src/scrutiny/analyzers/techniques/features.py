"""What the technique models see of a text: tokens, sentence segments and their features.

Every function here reads *masked* text (:func:`scrutiny.analyzers.identity.mask`), never the
original, so identity terms of one class are indistinguishable to the models by construction.
Sentences are found by a regular expression on the text itself (not by the parser), so training on
the raw corpus and analysing a parsed document featurize the same way.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

CharSpan = tuple[int, int]

# Words (with inner apostrophes: "don't", "Trump’s") or single non-space symbols. No nested
# quantifiers, so no catastrophic backtracking on hostile input.
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
# A sentence ends at . ! ? (and closing quotes) before whitespace and a capital or an opening quote;
# lines always end one. Abbreviations ("Mr. Smith") split too: harmless for features.
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*[ \t]+(?=[\"'“‘(\[]?[A-Z])|\n")
_SHAPE_UPPER = re.compile(r"[A-Z]")
_SHAPE_LOWER = re.compile(r"[a-z]")
_SHAPE_DIGIT = re.compile(r"\d")
_SHAPE_RUN = re.compile(r"(.)\1{2,}")
_NEWLINE = re.compile(r"\n")
_SENTENCE_MARKS = frozenset('!?"“”')
_WINDOW = (-2, -1, 1, 2)


def tokenize(text: str) -> list[CharSpan]:
    """Character spans of the tokens of ``text``."""
    return [m.span() for m in _TOKEN.finditer(text)]


def sentence_starts(text: str) -> list[int]:
    """Offsets where sentences start (the first is 0)."""
    return [0, *(m.end() for m in _SENTENCE_END.finditer(text))]


def shape(word: str) -> str:
    """Xxxx-style shape of a word, runs of one class cut to two ("Qbelievers" -> "Xxx")."""
    s = _SHAPE_DIGIT.sub("d", _SHAPE_LOWER.sub("x", _SHAPE_UPPER.sub("X", word[:20])))
    return _SHAPE_RUN.sub(r"\1\1", s)


@dataclass(frozen=True, slots=True)
class _Sentence:
    """Facts shared by the tokens of one sentence."""

    first: int  # index of the sentence's first token
    length: int
    marks: frozenset[str]


class Tokens:
    """Tokens of one (masked) text with what their features need: forms, sentences, counts."""

    def __init__(self, text: str) -> None:
        self.size = len(text)
        self.spans = tokenize(text)
        self.words = [text[s:e] for s, e in self.spans]
        self.lower = [w.lower() for w in self.words]
        self.counts = Counter(self.lower)
        starts = sentence_starts(text)
        self.sentence = [bisect_right(starts, s) - 1 for s, _ in self.spans]
        breaks = [m.start() for m in _NEWLINE.finditer(text)]
        self.line = [bisect_right(breaks, s) for s, _ in self.spans]
        first_break = text.find("\n")
        self.title_end = first_break if first_break >= 0 else len(text)
        self.sentences = self._sentences()

    def _sentences(self) -> dict[int, _Sentence]:
        members: dict[int, list[int]] = {}
        for i, sid in enumerate(self.sentence):
            members.setdefault(sid, []).append(i)
        return {
            sid: _Sentence(
                idx[0], len(idx), _SENTENCE_MARKS.intersection(self.lower[i] for i in idx)
            )
            for sid, idx in members.items()
        }

    def features(self, i: int) -> dict[str, float]:
        """Hashed-feature names of token ``i`` (all binary)."""
        low, word = self.lower[i], self.words[i]
        f: dict[str, float] = {"bias": 1.0, f"w={low}": 1.0, f"shape={shape(word)}": 1.0}
        f[f"suf={low[-3:]}"] = 1.0
        for d in _WINDOW:
            j = i + d
            same = 0 <= j < len(self.lower) and self.sentence[j] == self.sentence[i]
            f[f"w{d:+d}={self.lower[j] if same else '<pad>'}"] = 1.0
        prev = self.lower[i - 1] if i > 0 else ""
        nxt = self.lower[i + 1] if i + 1 < len(self.lower) else ""
        f[f"bi-={prev}|{low}"] = 1.0
        f[f"bi+={low}|{nxt}"] = 1.0
        if word.isalpha() and len(word) > 3:
            # Repeated content words are what the Repetition technique is made of.
            f[f"rep={min(self.counts[low], 5)}"] = 1.0
        sent = self.sentences[self.sentence[i]]
        f[f"slen={min(sent.length // 10, 5)}"] = 1.0
        f[f"spos={min((i - sent.first) // 5, 6)}"] = 1.0
        for mark in sorted(sent.marks):  # fixed order: set order varies between runs
            f[f"s_has={mark}"] = 1.0
        if self.spans[i][0] < self.title_end:
            f["title"] = 1.0
        return f

    def all_features(self) -> Iterator[dict[str, float]]:
        return (self.features(i) for i in range(len(self.spans)))

    def inside(self, gold: Sequence[CharSpan]) -> list[int]:
        """1 for each token sharing a character with a gold span, else 0."""
        cover = np.zeros(self.size, dtype=bool)
        for s, e in gold:
            cover[s:e] = True
        return [int(cover[s:e].any()) for s, e in self.spans]


def grow_spans(
    tokens: Sequence[CharSpan],
    proba: NDArray[np.floating],
    high: float,
    low: float,
    max_gap: int,
    lines: Sequence[int] | None = None,
) -> list[tuple[int, int, float]]:
    """(start, end, best token probability) of runs above ``low`` holding one above ``high``.

    Runs bridge up to ``max_gap`` weaker tokens, and never a line break when ``lines`` (the line
    number of each token) is given: gold spans almost never cross one (211 of 4,633), while grown
    runs that do swallow the end of one paragraph and the start of the next. Hysteresis rather
    than one threshold: a run of weak tokens alone is noise, but next to a confident token it is
    usually the rest of the phrase.
    """
    spans: list[tuple[int, int, float]] = []
    on = [i for i, p in enumerate(proba) if p >= low]
    k = 0
    while k < len(on):
        j = k
        while (
            j + 1 < len(on)
            and on[j + 1] - on[j] - 1 <= max_gap
            and (lines is None or lines[on[j + 1]] == lines[on[j]])
        ):
            j += 1
        first, last = on[k], on[j]
        best = float(proba[first : last + 1].max())
        if best >= high:
            spans.append((tokens[first][0], tokens[last][1], best))
        k = j + 1
    return spans


DENSE_FEATURES = 8


def dense_facts(text: str, lowered: str, start: int, end: int) -> list[float]:
    """Facts about span ``[start, end)`` of ``text`` that n-grams miss (``lowered``: lower text)."""
    span = text[start:end]
    key = span.strip().lower()
    # How often the span's own text occurs in the article: > 1 is what Repetition means.
    occurrences = lowered.count(key) if key else 0
    words = len(span.split())
    return [
        math.log1p(len(span)),
        math.log1p(words),
        math.log1p(occurrences),
        float(occurrences > 1),
        float("?" in span),
        float("!" in span),
        float(words <= 1),
        float(words >= 10),
    ]
