"""Baseline models for the two PTC tasks: honest, reproducible floors to measure analyzers against.

- :class:`SpanTagger` (span identification): a logistic regression over hashed features of each
  token, its neighbours within ±2 tokens on the same line, how often the word recurs in the
  article and a few facts about its sentence (one sentence a line in the corpus). Tokens are
  tagged in/out of a technique span (IO tagging); spans are grown from confident tokens
  (probability ≥ ``high``) over neighbouring tokens above ``low``, bridging one-token gaps.
- :class:`TechniqueClassifier` (technique classification): TF-IDF word 1-2-grams and character
  2-5-grams of the span text, plus a handful of dense facts (length, whether the span's text recurs
  in the article — the signal of ``Repetition`` — and ``?``/``!``), fed to a multinomial logistic
  regression. A span listed twice in a template gets its best label, then its second best.

Both train in well under a minute on the 308 training articles, use one core, and are
deterministic: fixed solvers and seeds, and inputs sorted by article id. The hyper-parameters
below were picked by 5-fold cross-validation (docs/accuracy.md).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction import FeatureHasher
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from scrutiny.eval.ptc import Article, CharSpan, TcLine

SEED = 13

# Words (with inner apostrophes: "don't", "Trump’s") or single non-space symbols. No nested
# quantifiers, so no catastrophic backtracking on hostile input.
_TOKEN = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
_SHAPE_UPPER = re.compile(r"[A-Z]")
_SHAPE_LOWER = re.compile(r"[a-z]")
_SHAPE_DIGIT = re.compile(r"\d")
_SHAPE_RUN = re.compile(r"(.)\1{2,}")
_SENTENCE_MARKS = frozenset('!?"“”')
_WINDOW = (-2, -1, 1, 2)


def tokenize(text: str) -> list[CharSpan]:
    """Character spans of the tokens of ``text``."""
    return [m.span() for m in _TOKEN.finditer(text)]


def _shape(word: str) -> str:
    s = _SHAPE_DIGIT.sub("d", _SHAPE_LOWER.sub("x", _SHAPE_UPPER.sub("X", word[:20])))
    return _SHAPE_RUN.sub(r"\1\1", s)


# ----------------------------------------------------------------------------- span identification


@dataclass(frozen=True, slots=True)
class SiConfig:
    """Hyper-parameters of :class:`SpanTagger` (chosen by 5-fold CV)."""

    c: float = 0.3
    high: float = 0.3
    low: float = 0.1
    max_gap: int = 1
    n_features: int = 2**20


@dataclass(frozen=True, slots=True)
class _Line:
    """Per-line facts shared by the tokens of one line (the corpus has one sentence a line)."""

    first: int  # index of the line's first token
    length: int
    marks: frozenset[str]


class _ArticleTokens:
    """Tokens of one text with what their features need: lowercase forms, lines, counts."""

    def __init__(self, text: str) -> None:
        self.size = len(text)
        self.spans = tokenize(text)
        self.words = [text[s:e] for s, e in self.spans]
        self.lower = [w.lower() for w in self.words]
        self.counts = Counter(self.lower)
        breaks = [i for i, ch in enumerate(text) if ch == "\n"]
        self.line = [bisect_right(breaks, s) for s, _ in self.spans]
        self.lines = self._lines()

    def _lines(self) -> dict[int, _Line]:
        members: dict[int, list[int]] = defaultdict(list)
        for i, ln in enumerate(self.line):
            members[ln].append(i)
        return {
            ln: _Line(idx[0], len(idx), frozenset(self.lower[i] for i in idx) & _SENTENCE_MARKS)
            for ln, idx in members.items()
        }

    def features(self, i: int) -> dict[str, float]:
        low, word = self.lower[i], self.words[i]
        f: dict[str, float] = {"bias": 1.0, f"w={low}": 1.0, f"shape={_shape(word)}": 1.0}
        f[f"suf={low[-3:]}"] = 1.0
        for d in _WINDOW:
            j = i + d
            same_line = 0 <= j < len(self.lower) and self.line[j] == self.line[i]
            f[f"w{d:+d}={self.lower[j] if same_line else '<pad>'}"] = 1.0
        prev = self.lower[i - 1] if i > 0 else ""
        nxt = self.lower[i + 1] if i + 1 < len(self.lower) else ""
        f[f"bi-={prev}|{low}"] = 1.0
        f[f"bi+={low}|{nxt}"] = 1.0
        if word.isalpha() and len(word) > 3:
            # Repeated content words are what the Repetition technique is made of.
            f[f"rep={min(self.counts[low], 5)}"] = 1.0
        line = self.lines[self.line[i]]
        f[f"slen={min(line.length // 10, 5)}"] = 1.0
        f[f"spos={min((i - line.first) // 5, 6)}"] = 1.0
        for mark in sorted(line.marks):  # fixed order: set order varies between runs
            f[f"s_has={mark}"] = 1.0
        if self.line[i] == 0:
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
    tokens: Sequence[CharSpan], proba: NDArray[np.float64], high: float, low: float, max_gap: int
) -> list[CharSpan]:
    """Spans of tokens above ``low`` (bridging ≤ ``max_gap`` tokens) holding one above ``high``.

    Hysteresis rather than one threshold: a run of weak tokens alone is noise, but next to a
    confident token it is usually the rest of the same phrase.
    """
    spans: list[CharSpan] = []
    on = [i for i, p in enumerate(proba) if p >= low]
    k = 0
    while k < len(on):
        j = k
        while j + 1 < len(on) and on[j + 1] - on[j] - 1 <= max_gap:
            j += 1
        first, last = on[k], on[j]
        if float(proba[first : last + 1].max()) >= high:
            spans.append((tokens[first][0], tokens[last][1]))
        k = j + 1
    return spans


class SpanTagger:
    """Token-level span identification baseline (see the module docstring)."""

    def __init__(self, config: SiConfig | None = None) -> None:
        self.config = config or SiConfig()
        self._hasher = FeatureHasher(n_features=self.config.n_features, alternate_sign=False)
        self._model: LogisticRegression | None = None

    def fit(self, articles: Sequence[Article]) -> SpanTagger:
        ordered = sorted(articles, key=lambda a: a.id)
        tokens = [_ArticleTokens(a.text) for a in ordered]
        labels = [y for a, toks in zip(ordered, tokens, strict=True) for y in toks.inside(a.spans)]
        if len(set(labels)) < 2:
            raise ValueError("span tagger needs tokens both inside and outside technique spans")
        # A generator: the feature dicts of a whole corpus would take a gigabyte at once.
        matrix = self._hasher.transform(f for toks in tokens for f in toks.all_features())
        model = LogisticRegression(C=self.config.c, solver="liblinear", random_state=SEED)
        model.fit(matrix, labels)
        self._model = model
        return self

    def predict(self, text: str) -> list[CharSpan]:
        if self._model is None:
            raise RuntimeError("SpanTagger.predict before fit")
        toks = _ArticleTokens(text)
        if not toks.spans:
            return []
        proba = self._model.predict_proba(self._hasher.transform(toks.all_features()))[:, 1]
        cfg = self.config
        return grow_spans(toks.spans, proba, cfg.high, cfg.low, cfg.max_gap)


# ----------------------------------------------------------------------------- classification


@dataclass(frozen=True, slots=True)
class TcConfig:
    """Hyper-parameters of :class:`TechniqueClassifier` (chosen by 5-fold CV)."""

    c: float = 5.0
    max_iter: int = 3000


def _dense(text: str, start: int, end: int) -> list[float]:
    span = text[start:end]
    key = span.strip().lower()
    # How often the span's own text occurs in the article: > 1 is what Repetition means.
    occurrences = text.lower().count(key) if key else 0
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


class TechniqueClassifier:
    """Technique classification baseline over gold spans (see the module docstring)."""

    def __init__(self, config: TcConfig | None = None) -> None:
        self.config = config or TcConfig()
        self._words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self._chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True
        )
        self._model: LogisticRegression | None = None

    def _matrix(self, rows: Sequence[tuple[str, int, int]], *, fit: bool) -> csr_matrix:
        spans = [text[s:e] for text, s, e in rows]
        if fit:
            words, chars = self._words.fit_transform(spans), self._chars.fit_transform(spans)
        else:
            words, chars = self._words.transform(spans), self._chars.transform(spans)
        dense = csr_matrix(
            np.array([_dense(*r) for r in rows], dtype=np.float64).reshape(len(rows), -1)
        )
        return hstack([words, chars, dense]).tocsr()

    def fit(self, articles: Sequence[Article]) -> TechniqueClassifier:
        rows: list[tuple[str, int, int]] = []
        labels: list[str] = []
        for a in sorted(articles, key=lambda a: a.id):
            for t in a.techniques:
                rows.append((a.text, t.start, t.end))
                labels.append(t.label)
        if len(set(labels)) < 2:
            raise ValueError("technique classifier needs at least two labels in its training data")
        model = LogisticRegression(C=self.config.c, max_iter=self.config.max_iter)
        model.fit(self._matrix(rows, fit=True), labels)
        self._model = model
        return self

    def rank(self, text: str, spans: Sequence[CharSpan]) -> list[list[str]]:
        """For each span, every known label from most to least probable."""
        if self._model is None:
            raise RuntimeError("TechniqueClassifier.rank before fit")
        if not spans:
            return []
        proba = self._model.predict_proba(self._matrix([(text, s, e) for s, e in spans], fit=False))
        classes = [str(c) for c in self._model.classes_]
        # Stable order on ties (mergesort) keeps predictions reproducible.
        return [[classes[k] for k in np.argsort(-row, kind="mergesort")] for row in proba]

    def predict_template(
        self, texts: Mapping[str, str], template: Sequence[TcLine]
    ) -> list[TcLine]:
        """Fill a TC template; the n-th line naming one span gets that span's n-th best label."""
        by_article: dict[str, list[CharSpan]] = defaultdict(list)
        for line in template:
            by_article[line.article_id].append((line.start, line.end))
        ranked: dict[tuple[str, int, int], list[str]] = {}
        for aid, spans in by_article.items():
            unique = sorted(set(spans))
            for span, labels in zip(unique, self.rank(texts[aid], unique), strict=True):
                ranked[(aid, *span)] = labels
        seen: Counter[tuple[str, int, int]] = Counter()
        out: list[TcLine] = []
        for line in template:
            key = (line.article_id, line.start, line.end)
            labels = ranked[key]
            out.append(
                TcLine(line.article_id, labels[seen[key] % len(labels)], line.start, line.end)
            )
            seen[key] += 1
        return out
