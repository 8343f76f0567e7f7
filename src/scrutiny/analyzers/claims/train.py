"""Training of the check-worthiness model (needs scikit-learn; scoring does not).

``python -m scrutiny.analyzers.claims.train --data DIR --out DIR`` reads the ClaimBuster file in
``DIR``, fits the logistic regression on the features of :mod:`.model`, drops terms whose weight
is negligible, refits on the kept vocabulary (so the shipped idf/norm are exactly those the
weights were fitted with) and writes the gzipped JSON. The same data and options give the same
bytes: the solver is deterministic, subsamples use a fixed seed, numbers are rounded and the
sha256 of the data is recorded in the model's metadata.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrutiny.analyzers.claims.model import (
    FEATURE_VERSION,
    CheckworthyModel,
    term_counts,
    weighted,
    write_model,
)

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

CLAIMBUSTER = "claimbuster-2class.csv"
CLEF = "clef2020-task5-train.tsv"
SEED = 13
# Terms seen in fewer sentences than this are mostly names and typos of one debate.
MIN_DF = 2
# Inverse regularisation strength; chosen by 5-fold CV on ClaimBuster (docs/accuracy.md, "Claims").
C = 4.0
# Terms whose coefficient is smaller than this move a score by well under a percent: dropping
# them shrinks the shipped file several times over at no measurable cost.
PRUNE_BELOW = 0.05
DIGITS = 5


@dataclass(frozen=True, slots=True)
class Dataset:
    texts: list[str]
    labels: list[int]


def load_claimbuster(data_dir: Path) -> Dataset:
    """ClaimBuster's 2-class file: ``sentence_id,screening,label,text``, label 1 = check-worthy."""
    texts, labels = [], []
    with (data_dir / CLAIMBUSTER).open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            texts.append(row["text"])
            labels.append(int(row["label"]))
    return Dataset(texts, labels)


def load_clef(data_dir: Path) -> Dataset:
    """CLEF CheckThat! 2020 task 5: ``text<TAB>label`` with a header, one sentence a line."""
    texts, labels = [], []
    with (data_dir / CLEF).open(encoding="utf-8") as fh:
        next(fh, None)
        for line in fh:
            # Split at the last tab: the label is last and the text may contain anything.
            text, sep, label = line.rstrip("\n").rpartition("\t")
            if sep and label.strip() in ("0", "1"):
                texts.append(text)
                labels.append(int(label))
    return Dataset(texts, labels)


def data_hash(data_dir: Path, names: Sequence[str] = (CLAIMBUSTER,)) -> str:
    """sha256 over the training files' bytes, in the given order, so a model names its data."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(name.encode("utf-8") + b"\0")
        digest.update((data_dir / name).read_bytes())
    return f"sha256:{digest.hexdigest()}"


def subsample(data: Dataset, n: int, seed: int = SEED) -> Dataset:
    """A seeded random subset of ``n`` sentences (all of them when ``n`` is not smaller)."""
    if n >= len(data.texts):
        return data
    picked = sorted(random.Random(seed).sample(range(len(data.texts)), n))
    return Dataset([data.texts[i] for i in picked], [data.labels[i] for i in picked])


def vocabulary(counts: Sequence[Counter[str]], min_df: int = MIN_DF) -> dict[str, float]:
    """Smoothed idf (scikit-learn's formula) of every term in at least ``min_df`` sentences."""
    df: Counter[str] = Counter()
    for c in counts:
        df.update(c.keys())
    n = len(counts)
    return {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in sorted(df.items()) if d >= min_df}


def design_matrix(counts: Sequence[Counter[str]], idf: dict[str, float]) -> csr_matrix:
    """Rows of :func:`.model.weighted` vectors, columns in sorted-term order."""
    from scipy.sparse import csr_matrix

    column = {t: i for i, t in enumerate(sorted(idf))}
    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for c in counts:
        for t, v in sorted(weighted(c, idf).items()):
            indices.append(column[t])
            data.append(v)
        indptr.append(len(indices))
    return csr_matrix((data, indices, indptr), shape=(len(counts), len(column)))


def _fit_lr(
    counts: Sequence[Counter[str]], labels: Sequence[int], idf: dict[str, float], c: float
) -> Any:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=c, solver="liblinear", random_state=SEED, max_iter=1000)
    lr.fit(design_matrix(counts, idf), list(labels))
    return lr


def fit(
    data: Dataset,
    *,
    c: float = C,
    min_df: int = MIN_DF,
    prune_below: float = PRUNE_BELOW,
    meta: dict[str, object] | None = None,
) -> CheckworthyModel:
    """Fit, prune negligible terms, refit on the kept ones, and round for a stable file."""
    if len(set(data.labels)) != 2:
        raise ValueError("training needs check-worthy and other sentences (labels 1 and 0)")
    counts = [term_counts(t) for t in data.texts]
    idf = vocabulary(counts, min_df)
    first = _fit_lr(counts, data.labels, idf, c)
    terms = sorted(idf)
    kept = {t: idf[t] for t, w in zip(terms, first.coef_[0], strict=True) if abs(w) >= prune_below}
    final = _fit_lr(counts, data.labels, kept, c)
    kept_terms = sorted(kept)
    return CheckworthyModel(
        idf={t: round(kept[t], DIGITS) for t in kept_terms},
        coef={t: round(float(w), DIGITS) for t, w in zip(kept_terms, final.coef_[0], strict=True)},
        intercept=round(float(final.intercept_[0]), DIGITS),
        meta={
            "feature_version": FEATURE_VERSION,
            "c": c,
            "min_df": min_df,
            "prune_below": prune_below,
            "sentences": len(data.texts),
            "positives": sum(data.labels),
            "terms": len(kept_terms),
            **(meta or {}),
        },
    )


def train(data_dir: Path, out_dir: Path, *, limit: int | None = None) -> Path:
    """Train on ClaimBuster (optionally a seeded subsample) and write the model file."""
    data = load_claimbuster(data_dir)
    if limit is not None:
        data = subsample(data, limit)
    meta: dict[str, object] = {
        "data": [CLAIMBUSTER],
        "data_sha256": data_hash(data_dir),
        "limit": limit,
        "seed": SEED,
    }
    return write_model(fit(data, meta=meta), out_dir)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="the checkworthy data directory")
    parser.add_argument("--out", type=Path, required=True, help="directory for the model file")
    parser.add_argument("--limit", type=int, default=None, help="train on a seeded subsample")
    args = parser.parse_args(argv)
    path = train(args.data, args.out, limit=args.limit)
    print(f"wrote {path} ({path.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
