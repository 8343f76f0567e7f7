"""The persuasion-technique models: span identification, technique classification, their artifact.

- :class:`SpanTagger` (SI): a logistic regression over 2^20 hashed features of each token
  (:class:`~.features.Tokens`); tokens are tagged in/out of a technique span and spans are grown
  from confident tokens over weaker neighbours (:func:`~.features.grow_spans`).
- :class:`TechniqueClassifier` (TC): hashed word 1-2-grams and character 2-5-grams of the span text
  (2^23 columns, of which only those seen in training are stored), weighted by sublinear TF-IDF,
  plus :func:`~.features.dense_facts`, into a multinomial logistic regression over the 14 labels.
- :class:`TechniqueModel`: both plus the rules of :mod:`.rules`, reading masked text
  (:mod:`scrutiny.analyzers.identity`) and answering in original offsets; saved as a compressed
  ``.npz`` of plain arrays (no pickle) and a JSON description (``meta.json``).

scikit-learn fits the weights; prediction is numpy over the stored arrays (feature hashing uses
scikit-learn's murmurhash), and the cross-validation in :mod:`scrutiny.eval.cv` predicts through
the very same methods, so the reported scores are those of the shipped code path.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from scrutiny.analyzers.identity import Masked, mask
from scrutiny.analyzers.techniques.features import (
    DENSE_FEATURES,
    CharSpan,
    Tokens,
    dense_facts,
    grow_spans,
)
from scrutiny.analyzers.techniques.rules import rule_label, rule_precision, rule_spans

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

    from scrutiny.eval.ptc import Article

SEED = 13
FORMAT = 1
MODEL_DIR = Path(__file__).with_name("model")
ARRAYS = "techniques.npz"
META = "meta.json"

Floats = NDArray[np.float32]


# ----------------------------------------------------------------------------- span identification


@dataclass(frozen=True, slots=True)
class SiConfig:
    """Hyper-parameters of :class:`SpanTagger` (chosen by 5-fold CV, docs/accuracy.md)."""

    c: float = 0.3
    high: float = 0.3
    low: float = 0.1
    max_gap: int = 1
    n_features: int = 2**20


@lru_cache(maxsize=4)
def _token_hasher(n_features: int) -> Any:
    from sklearn.feature_extraction import FeatureHasher

    return FeatureHasher(n_features=n_features, alternate_sign=False)


class SpanTagger:
    """Token in/out tagger: weights over hashed token features, and the span-growing thresholds."""

    def __init__(self, config: SiConfig, weights: Floats, bias: float) -> None:
        self.config = config
        self.weights = weights
        self.bias = bias

    @classmethod
    def fit(cls, texts: Sequence[tuple[str, Sequence[CharSpan]]], config: SiConfig) -> SpanTagger:
        """Fit on (masked text, gold spans in that text) pairs, in the order given."""
        from sklearn.linear_model import LogisticRegression

        tokens = [Tokens(text) for text, _ in texts]
        labels = [y for (_, gold), t in zip(texts, tokens, strict=True) for y in t.inside(gold)]
        if len(set(labels)) < 2:
            raise ValueError("span tagger needs tokens both inside and outside technique spans")
        hasher = _token_hasher(config.n_features)
        # A generator: the feature dicts of a whole corpus would take a gigabyte at once.
        matrix = hasher.transform(f for t in tokens for f in t.all_features())
        model = LogisticRegression(C=config.c, solver="liblinear", random_state=SEED)
        model.fit(matrix, labels)
        weights = np.asarray(model.coef_[0], dtype=np.float32)
        return cls(config, weights, float(model.intercept_[0]))

    def predict(self, text: str) -> list[tuple[int, int, float]]:
        """(start, end, best token probability) of the spans found in (masked) ``text``."""
        tokens = Tokens(text)
        if not tokens.spans:
            return []
        matrix = _token_hasher(self.config.n_features).transform(tokens.all_features())
        proba = 1.0 / (1.0 + np.exp(-(matrix @ self.weights + self.bias)))
        cfg = self.config
        return grow_spans(tokens.spans, proba, cfg.high, cfg.low, cfg.max_gap, tokens.line)

    def arrays(self) -> dict[str, NDArray[Any]]:
        # Only the hashed features seen in training have weights: store them sparsely.
        idx = np.flatnonzero(self.weights).astype(np.int32)
        return {
            "si_index": idx,
            "si_weight": self.weights[idx],
            "si_bias": np.array([self.bias]),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, NDArray[Any]], config: SiConfig) -> SpanTagger:
        weights = np.zeros(config.n_features, dtype=np.float32)
        weights[arrays["si_index"]] = arrays["si_weight"]
        return cls(config, weights, float(arrays["si_bias"][0]))


# ----------------------------------------------------------------------------- classification


@dataclass(frozen=True, slots=True)
class TcConfig:
    """Hyper-parameters of :class:`TechniqueClassifier` (chosen by 5-fold CV)."""

    c: float = 5.0
    max_iter: int = 3000
    # Wide enough that character n-grams rarely collide; only columns seen in training are kept.
    n_features: int = 2**23
    char_min_df: int = 2


@lru_cache(maxsize=4)
def _ngram_hashers(n_features: int) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import HashingVectorizer

    common: dict[str, Any] = {"n_features": n_features, "alternate_sign": False, "norm": None}
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), **common)
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), **common)
    return words, chars


@dataclass(frozen=True, slots=True)
class _Block:
    """One TF-IDF block: the hashed columns kept and their idf."""

    columns: NDArray[np.int32]
    idf: Floats

    def select(self, counts: csr_matrix) -> csr_matrix:
        """``counts[:, columns]``, without scipy's column map as wide as all 2^23 hashed columns.

        Same entries in the same order (columns are sorted), so the same floats downstream.
        """
        from scipy.sparse import csr_matrix

        csr = counts.tocsr()
        csr.sum_duplicates()
        pos = np.searchsorted(self.columns, csr.indices)
        pos = np.minimum(pos, max(len(self.columns) - 1, 0))
        keep = self.columns[pos] == csr.indices if len(self.columns) else pos < 0
        rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
        shape = (csr.shape[0], len(self.columns))
        return csr_matrix((csr.data[keep], (rows[keep], pos[keep])), shape=shape)

    def weigh(self, counts: csr_matrix) -> csr_matrix:
        from scipy.sparse import diags
        from sklearn.preprocessing import normalize

        kept = self.select(counts).astype(np.float32)
        kept.data = 1.0 + np.log(kept.data)  # sublinear tf
        weighted = kept @ diags(self.idf)
        return normalize(weighted, norm="l2", copy=False)

    @classmethod
    def fit(cls, counts: csr_matrix, min_df: int) -> _Block:
        csr = counts.tocsr()
        csr.sum_duplicates()
        # A CSR matrix's indices are column numbers, one per non-zero: their counts are the dfs.
        df = np.bincount(csr.indices, minlength=csr.shape[1])
        columns = np.flatnonzero(df >= min_df).astype(np.int32)
        n = counts.shape[0]
        idf = (np.log((1.0 + n) / (1.0 + df[columns])) + 1.0).astype(np.float32)
        return cls(columns, idf)


class TechniqueClassifier:
    """Label probabilities of spans: softmax over TF-IDF n-grams and dense facts."""

    def __init__(
        self,
        config: TcConfig,
        labels: tuple[str, ...],
        blocks: tuple[_Block, _Block],
        coef: Floats,
        intercept: Floats,
    ) -> None:
        self.config = config
        self.labels = labels
        self.blocks = blocks
        self.coef = coef
        self.intercept = intercept

    @staticmethod
    def _counts(rows: Sequence[tuple[str, int, int]], n_features: int) -> list[csr_matrix]:
        words, chars = _ngram_hashers(n_features)
        spans = [text[s:e] for text, s, e in rows]
        return [words.transform(spans), chars.transform(spans)]

    @staticmethod
    def _dense(rows: Sequence[tuple[str, int, int]]) -> Floats:
        lowered: dict[int, str] = {}
        facts = []
        for text, s, e in rows:
            low = lowered.setdefault(id(text), text.lower())
            facts.append(dense_facts(text, low, s, e))
        return np.array(facts, dtype=np.float32).reshape(len(rows), DENSE_FEATURES)

    def _matrix(self, rows: Sequence[tuple[str, int, int]]) -> csr_matrix:
        from scipy.sparse import csr_matrix, hstack

        counts = self._counts(rows, self.config.n_features)
        parts = [b.weigh(c) for b, c in zip(self.blocks, counts, strict=True)]
        return hstack([*parts, csr_matrix(self._dense(rows))]).tocsr()

    @classmethod
    def fit(
        cls, rows: Sequence[tuple[str, int, int]], labels: Sequence[str], config: TcConfig
    ) -> TechniqueClassifier:
        """Fit on (masked text, start, end) spans and their labels, in the order given."""
        from sklearn.linear_model import LogisticRegression

        if len(set(labels)) < 2:
            raise ValueError("technique classifier needs at least two labels in its training data")
        words, chars = cls._counts(rows, config.n_features)
        blocks = (_Block.fit(words, 1), _Block.fit(chars, config.char_min_df))
        empty = cls(config, (), blocks, np.zeros((0, 0), np.float32), np.zeros(0, np.float32))
        model = LogisticRegression(C=config.c, max_iter=config.max_iter)
        model.fit(empty._matrix(rows), list(labels))
        return cls(
            config,
            tuple(str(c) for c in model.classes_),
            blocks,
            np.asarray(model.coef_, dtype=np.float32),
            np.asarray(model.intercept_, dtype=np.float32),
        )

    def proba(self, rows: Sequence[tuple[str, int, int]]) -> Floats:
        """Label probabilities (columns in :attr:`labels` order) of each span."""
        if not rows:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        scores = self._matrix(rows) @ self.coef.T + self.intercept
        scores = scores - scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return np.asarray(exp / exp.sum(axis=1, keepdims=True), dtype=np.float32)

    def arrays(self) -> dict[str, NDArray[Any]]:
        (w, c) = self.blocks
        return {
            "tc_word_columns": w.columns,
            "tc_word_idf": w.idf,
            "tc_char_columns": c.columns,
            "tc_char_idf": c.idf,
            # Half precision halves the artifact; probabilities move in the fourth decimal.
            "tc_coef": self.coef.astype(np.float16),
            "tc_intercept": self.intercept,
        }

    @classmethod
    def from_arrays(
        cls, arrays: Mapping[str, NDArray[Any]], config: TcConfig, labels: tuple[str, ...]
    ) -> TechniqueClassifier:
        blocks = (
            _Block(arrays["tc_word_columns"], arrays["tc_word_idf"]),
            _Block(arrays["tc_char_columns"], arrays["tc_char_idf"]),
        )
        coef = np.asarray(arrays["tc_coef"], dtype=np.float32)
        return cls(config, labels, blocks, coef, arrays["tc_intercept"])


# ----------------------------------------------------------------------------- the whole model


@dataclass(frozen=True, slots=True)
class Finding:
    """A technique found in a text: original offsets, label and how sure the models are."""

    start: int
    end: int
    label: str
    confidence: float
    si_score: float
    source: str  # "model" or the name of the rule that found the span
    alternatives: tuple[tuple[str, float], ...] = ()


@dataclass(slots=True)
class TechniqueModel:
    """Span identification and classification over masked text, with rules, and its artifact."""

    tagger: SpanTagger
    classifier: TechniqueClassifier
    meta: dict[str, Any] = field(default_factory=dict)
    use_rules: bool = True

    # -- training

    @classmethod
    def fit(
        cls,
        articles: Sequence[Article],
        si_config: SiConfig | None = None,
        tc_config: TcConfig | None = None,
        *,
        use_rules: bool = True,
    ) -> TechniqueModel:
        """Train both models on gold articles (sorted by id first, so input order is irrelevant)."""
        si_cfg, tc_cfg = si_config or SiConfig(), tc_config or TcConfig()
        ordered = sorted(articles, key=lambda a: a.id)
        masked = [mask(a.text) for a in ordered]
        si_rows = [
            (m.text, [_to_masked(m, s, e) for s, e in a.spans])
            for a, m in zip(ordered, masked, strict=True)
        ]
        tc_rows: list[tuple[str, int, int]] = []
        labels: list[str] = []
        for a, m in zip(ordered, masked, strict=True):
            for t in a.techniques:
                tc_rows.append((m.text, *_to_masked(m, t.start, t.end)))
                labels.append(t.label)
        gold = [
            (m.text, [(*_to_masked(m, t.start, t.end), t.label) for t in a.techniques])
            for a, m in zip(ordered, masked, strict=True)
        ]
        tagger = SpanTagger.fit(si_rows, si_cfg)
        classifier = TechniqueClassifier.fit(tc_rows, labels, tc_cfg)
        meta = {
            "format": FORMAT,
            "seed": SEED,
            "labels": list(classifier.labels),
            "si_config": asdict(si_cfg),
            "tc_config": asdict(tc_cfg),
            "use_rules": use_rules,
            "rule_precision": rule_precision(gold),
            "articles": len(ordered),
        }
        return cls(tagger, classifier, meta, use_rules)

    # -- prediction (the shipped path; cross-validation calls exactly these)

    def find_spans(self, text: str) -> list[tuple[int, int, float, str]]:
        """SI: (start, end, score, source) of technique spans in original offsets, sorted."""
        return self._spans(mask(text))

    def _spans(self, m: Masked) -> list[tuple[int, int, float, str]]:
        found = [(s, e, p, "model") for s, e, p in self.tagger.predict(m.text)]
        if self.use_rules:
            found += [
                (s, e, self._rule_confidence(name), name) for s, e, _, name in rule_spans(m.text)
            ]
        out = {(*_to_original(m, s, e), p, src) for s, e, p, src in found}
        return sorted(out)

    def _rule_confidence(self, name: str) -> float:
        # A rule is as sure as it was right on the training corpus; unmeasured rules, half sure.
        precision = self.meta.get("rule_precision", {})
        return float(precision.get(name, 0.5))

    def rank(self, text: str, spans: Sequence[CharSpan]) -> list[list[tuple[str, float]]]:
        """TC: for each span (original offsets), every label with its probability, best first."""
        return self._rank(mask(text), spans)

    def _rank(self, m: Masked, spans: Sequence[CharSpan]) -> list[list[tuple[str, float]]]:
        rows = [(m.text, *_to_masked(m, s, e)) for s, e in spans]
        proba = self.classifier.proba(rows)
        labels = self.classifier.labels
        ranked: list[list[tuple[str, float]]] = []
        for (text, s, e), row in zip(rows, proba, strict=True):
            # Stable order on ties (mergesort) keeps predictions reproducible.
            order = [(labels[k], float(row[k])) for k in np.argsort(-row, kind="mergesort")]
            forced = rule_label(text, s, e) if self.use_rules else None
            if forced is not None:
                # A rule's label goes first; the model's ranking of the rest stays.
                label, name = forced
                rest = [(lab, p) for lab, p in order if lab != label]
                order = [(label, self._rule_confidence(name)), *rest]
            ranked.append(order)
        return ranked

    def analyze(self, text: str) -> list[Finding]:
        """Technique spans of ``text`` with their most probable label, in original offsets."""
        m = mask(text)
        spans = self._spans(m)
        if not spans:
            return []
        findings: list[Finding] = []
        ranked = self._rank(m, [(s, e) for s, e, _, _ in spans])
        for (s, e, score, source), order in zip(spans, ranked, strict=True):
            label, p = order[0]
            alternatives = tuple((lab, round(q, 4)) for lab, q in order[1:3])
            findings.append(Finding(s, e, label, p, score, source, alternatives))
        return _deduplicate(findings)

    # -- artifact

    def save(self, directory: str | Path, extra_meta: Mapping[str, Any] | None = None) -> None:
        """Write ``techniques.npz`` (plain arrays) and ``meta.json``; the same model, same bytes."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        arrays = {**self.tagger.arrays(), **self.classifier.arrays()}
        write_npz(out / ARRAYS, arrays)
        meta = {**self.meta, **(extra_meta or {})}
        (out / META).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, directory: str | Path) -> TechniqueModel:
        d = Path(directory)
        meta = json.loads((d / META).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError(f"{d / META}: unsupported model format {meta.get('format')!r}")
        with np.load(d / ARRAYS, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        tagger = SpanTagger.from_arrays(arrays, SiConfig(**meta["si_config"]))
        labels = tuple(str(x) for x in meta["labels"])
        classifier = TechniqueClassifier.from_arrays(arrays, TcConfig(**meta["tc_config"]), labels)
        return cls(tagger, classifier, meta, bool(meta.get("use_rules", True)))

    def reloaded(self) -> TechniqueModel:
        """This model as it will be after save and load (float16 weights): what CV must score."""
        arrays = {**self.tagger.arrays(), **self.classifier.arrays()}
        tagger = SpanTagger.from_arrays(arrays, self.tagger.config)
        classifier = TechniqueClassifier.from_arrays(
            arrays, self.classifier.config, self.classifier.labels
        )
        return TechniqueModel(tagger, classifier, dict(self.meta), self.use_rules)


def _to_masked(m: Masked, start: int, end: int) -> CharSpan:
    return m.to_masked(start), m.to_masked(end, end=True)


def _to_original(m: Masked, start: int, end: int) -> CharSpan:
    return m.to_original(start), m.to_original(end, end=True)


def _deduplicate(findings: Iterable[Finding]) -> list[Finding]:
    """Overlapping findings of one label merge into one (the union, the higher scores)."""
    by_label: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (f.label, f.start, f.end)):
        group = by_label.setdefault(f.label, [])
        if group and f.start < group[-1].end:
            last = group[-1]
            group[-1] = Finding(
                last.start,
                max(last.end, f.end),
                f.label,
                max(last.confidence, f.confidence),
                max(last.si_score, f.si_score),
                last.source if last.confidence >= f.confidence else f.source,
                last.alternatives,
            )
        else:
            group.append(f)
    return sorted((f for g in by_label.values() for f in g), key=lambda f: (f.start, f.end))


def write_npz(path: Path, arrays: Mapping[str, NDArray[Any]]) -> None:
    """A compressed ``.npz`` that ``np.load(allow_pickle=False)`` reads, with fixed timestamps.

    ``np.savez_compressed`` stamps entries with the current time; fixed ones make retraining on
    the same data produce the same bytes.
    """
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as f:
                np.lib.format.write_array(f, np.asarray(arrays[name]), allow_pickle=False)


@lru_cache(maxsize=1)
def shipped_model() -> TechniqueModel:
    """The model shipped in the package (loaded once per process)."""
    return TechniqueModel.load(MODEL_DIR)
