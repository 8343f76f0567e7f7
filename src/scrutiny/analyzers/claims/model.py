"""The check-worthiness model at run time: sentence features and a logistic score.

This module owns the feature extraction shared by training and scoring (so both see exactly the
same features) and the loader of the shipped weights. The model is a logistic regression over
L2-normalised TF-IDF vectors of word 1-2-grams, character 3-5-grams inside word boundaries and a
few structural markers; its vocabulary, idf and coefficients live in a gzipped JSON file next to
this module, so scoring needs neither scikit-learn nor pickles. See docs/claims.md.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from typing import Any

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = "checkworthy.json.gz"
# Bumped whenever the features change: a model trained on other features must not load.
FEATURE_VERSION = 1
# Character n-grams of words longer than this carry nothing new and cost time on junk text.
MAX_WORD_CHARS = 30
# Enough for any real sentence; keeps scoring bounded on a 1 MB line with no full stop.
MAX_SENTENCE_CHARS = 2_000

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*|[%$€£?!]")
_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")
# A capitalised word that is not the first of the sentence: a cheap stand-in for a name.
_INNER_CAPITAL = re.compile(r"(?<=[^\W_])[ ,;:(]+[A-Z][a-z]+")
_OPINION = re.compile(r"\b(?:I|we)\s+(?:really\s+)?(?:think|believe|feel|hope|guess)\b", re.I)
_MODAL = re.compile(r"\b(?:should|must|ought|need\s+to|have\s+to)\b", re.I)
# Base-form verbs that open exhortations ("Take your time!", "Let us ..."); a list instead of a
# tagger keeps training free of spaCy.
_OPENER_WORDS = """
    take let stop join come go look imagine remember think consider do don't be give help make
    keep support vote fight stand wake open read listen tell ask see act rise refuse beware
"""
_IMPERATIVE_OPENERS = frozenset(_OPENER_WORDS.split())


def _words(text: str) -> list[str]:
    # Digits become 0 so "700,000 jobs" and "9 million" share features with unseen numbers.
    return [_DIGIT.sub("0", w.lower()) for w in _WORD.findall(text)]


def _structure(text: str, words: list[str]) -> list[str]:
    marks = []
    if _DIGIT.search(text):
        marks.append("s:number")
    if _YEAR.search(text):
        marks.append("s:year")
    if _INNER_CAPITAL.search(text):
        marks.append("s:capital")
    if text.rstrip().endswith("?"):
        marks.append("s:question")
    if _OPINION.search(text):
        marks.append("s:opinion")
    if _MODAL.search(text):
        marks.append("s:modal")
    if words and words[0] in _IMPERATIVE_OPENERS:
        marks.append("s:imperative")
    return marks


def term_counts(text: str) -> Counter[str]:
    """Every feature of ``text`` with its count.

    ``w:`` word 1-2-grams, ``c:`` character 3-5-grams of space-padded words, ``s:`` markers.
    """
    text = text[:MAX_SENTENCE_CHARS]
    words = _words(text)
    counts: Counter[str] = Counter()
    counts.update(f"w:{w}" for w in words)
    counts.update(f"w:{a} {b}" for a, b in pairwise(words))
    for w in words:
        padded = f" {w[:MAX_WORD_CHARS]} "
        for n in (3, 4, 5):
            counts.update(f"c:{padded[i : i + n]}" for i in range(len(padded) - n + 1))
    counts.update(_structure(text, words))
    return counts


def weighted(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    """Sublinear tf times idf over the known terms, L2-normalised (unknown terms are dropped)."""
    vec = {t: (1.0 + math.log(c)) * idf[t] for t, c in counts.items() if t in idf}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    if norm == 0.0:
        return {}
    return {t: v / norm for t, v in vec.items()}


@dataclass(frozen=True, slots=True)
class CheckworthyModel:
    """Idf and coefficient per term, an intercept, and where the weights came from."""

    idf: dict[str, float]
    coef: dict[str, float]
    intercept: float
    meta: dict[str, Any]

    def score(self, text: str) -> float:
        """Probability that ``text`` is a check-worthy factual sentence."""
        vec = weighted(term_counts(text), self.idf)
        z = self.intercept + sum(v * self.coef[t] for t, v in vec.items())
        # Clamped so exp never overflows on a pathological input.
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_json(self) -> dict[str, Any]:
        terms = {t: [self.idf[t], self.coef[t]] for t in sorted(self.idf)}
        return {"meta": self.meta, "intercept": self.intercept, "terms": terms}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CheckworthyModel:
        meta = dict(data["meta"])
        if meta.get("feature_version") != FEATURE_VERSION:
            raise ValueError(
                f"model has feature version {meta.get('feature_version')}, code {FEATURE_VERSION}"
            )
        terms: dict[str, list[float]] = data["terms"]
        idf = {t: float(v[0]) for t, v in terms.items()}
        coef = {t: float(v[1]) for t, v in terms.items()}
        return cls(idf, coef, float(data["intercept"]), meta)


def write_model(model: CheckworthyModel, out_dir: Path) -> Path:
    """Write the model so that the same model always gives the same bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / MODEL_FILE
    payload = json.dumps(model.to_json(), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    # mtime=0 and no file name in the header: gzip output then depends on the content only.
    with (
        path.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
    ):
        gz.write(payload.encode("ascii"))
    return path


def read_model(path: Path) -> CheckworthyModel:
    with gzip.open(path, "rt", encoding="ascii") as fh:
        return CheckworthyModel.from_json(json.load(fh))


@lru_cache(maxsize=1)
def shipped_model() -> CheckworthyModel:
    """The model packaged with scrutiny, loaded once per process."""
    return read_model(MODEL_DIR / MODEL_FILE)
