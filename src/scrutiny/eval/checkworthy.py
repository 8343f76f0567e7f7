"""Held-out evaluation of the check-worthiness model and the ``scrutiny eval checkworthy`` command.

Three measurements, all through the same code path as the shipped model (``train.fit`` with its
pruning and rounding, then ``CheckworthyModel.score``):

* ClaimBuster, seeded stratified k-fold cross-validation: precision, recall and F1 of the
  check-worthy class at probability 0.5, and ROC-AUC.
* Domain shift: the model trained on all of ClaimBuster ranks every CLEF 2020 task 5 sentence
  (other debates and speeches, 1 % positives); average precision of that single ranking.
* Does CLEF help? The last 20 % of the CLEF file (whole debates, the file is in order) is held
  out; its average precision with ClaimBuster alone vs ClaimBuster plus the first 80 % of CLEF.

Needs scikit-learn (for the solver and the metrics), like training.
"""

from __future__ import annotations

import random
import shlex
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from scrutiny.analyzers.claims.train import Dataset, fit, load_claimbuster, load_clef

DEFAULT_DATA = "../shared/data/checkworthy"
CLEF_HOLDOUT = 0.2


@dataclass(frozen=True, slots=True)
class FoldScore:
    precision: float
    recall: float
    f1: float
    auc: float


@dataclass(frozen=True, slots=True)
class CheckworthyReport:
    folds: list[FoldScore]
    clef_ap: float
    clef_base_rate: float
    holdout_ap_claimbuster: float
    holdout_ap_with_clef: float
    holdout_positives: int


def stratified_folds(labels: Sequence[int], k: int, seed: int) -> list[list[int]]:
    """Indices split into ``k`` folds with the class ratio of the whole, shuffled by ``seed``."""
    rng = random.Random(seed)
    folds: list[list[int]] = [[] for _ in range(k)]
    for cls in sorted(set(labels)):
        members = [i for i, y in enumerate(labels) if y == cls]
        rng.shuffle(members)
        for j, i in enumerate(members):
            folds[j % k].append(i)
    return [sorted(f) for f in folds]


def _take(data: Dataset, idx: Sequence[int]) -> Dataset:
    return Dataset([data.texts[i] for i in idx], [data.labels[i] for i in idx])


def score_fold(train: Dataset, test: Dataset) -> FoldScore:
    from sklearn.metrics import precision_recall_fscore_support, roc_auc_score

    model = fit(train)
    probs = [model.score(t) for t in test.texts]
    predicted = [int(p >= 0.5) for p in probs]
    p, r, f, _ = precision_recall_fscore_support(
        test.labels, predicted, average="binary", zero_division=0
    )
    return FoldScore(float(p), float(r), float(f), float(roc_auc_score(test.labels, probs)))


def cross_validate(data: Dataset, k: int, seed: int) -> list[FoldScore]:
    folds = stratified_folds(data.labels, k, seed)
    scores = []
    for i, held in enumerate(folds):
        rest = [j for n, f in enumerate(folds) if n != i for j in f]
        scores.append(score_fold(_take(data, rest), _take(data, held)))
        click.echo(f"fold {i + 1}/{k}: AUC {scores[-1].auc:.3f}", err=True)
    return scores


def average_precision(train: Dataset, test: Dataset) -> float:
    from sklearn.metrics import average_precision_score

    model = fit(train)
    return float(average_precision_score(test.labels, [model.score(t) for t in test.texts]))


def evaluate(data_dir: Path, k: int, seed: int) -> CheckworthyReport:
    cb, clef = load_claimbuster(data_dir), load_clef(data_dir)
    folds = cross_validate(cb, k, seed)
    click.echo("ClaimBuster -> CLEF ...", err=True)
    cut = int(len(clef.texts) * (1 - CLEF_HOLDOUT))
    held = _take(clef, range(cut, len(clef.texts)))
    first = _take(clef, range(cut))
    mixed = Dataset(cb.texts + first.texts, cb.labels + first.labels)
    return CheckworthyReport(
        folds=folds,
        clef_ap=average_precision(cb, clef),
        clef_base_rate=sum(clef.labels) / max(1, len(clef.labels)),
        holdout_ap_claimbuster=average_precision(cb, held),
        holdout_ap_with_clef=average_precision(mixed, held),
        holdout_positives=sum(held.labels),
    )


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def render_markdown(report: CheckworthyReport, command: str) -> str:
    f = report.folds
    lines = [
        "### Check-worthiness model: held-out results",
        "",
        f"Command: `{command}`",
        "",
        f"ClaimBuster, {len(f)}-fold stratified cross-validation (check-worthy class, p >= 0.5):",
        "",
        "| fold | precision | recall | F1 | ROC-AUC |",
        "|---|---|---|---|---|",
    ]
    for i, s in enumerate(f, 1):
        lines.append(f"| {i} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.auc:.3f} |")
    means = [_mean([getattr(s, a) for s in f]) for a in ("precision", "recall", "f1", "auc")]
    lines.append("| **mean** | " + " | ".join(f"**{m:.3f}**" for m in means) + " |")
    lines += [
        "",
        "CLEF CheckThat! 2020 task 5 (average precision of one ranking; chance = base rate):",
        "",
        "| setting | average precision | base rate |",
        "|---|---|---|",
        f"| trained on ClaimBuster, all CLEF sentences | {report.clef_ap:.3f} "
        f"| {report.clef_base_rate:.3f} |",
        f"| ClaimBuster only, last 20 % of CLEF ({report.holdout_positives} positives) "
        f"| {report.holdout_ap_claimbuster:.3f} | |",
        f"| ClaimBuster + first 80 % of CLEF, same held-out 20 % "
        f"| {report.holdout_ap_with_clef:.3f} | |",
        "",
    ]
    return "\n".join(lines)


@click.command(name="checkworthy")
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_DATA,
    envvar="SCRUTINY_CHECKWORTHY_DATA",
    show_default=True,
    help="Directory with claimbuster-2class.csv and clef2020-task5-train.tsv.",
)
@click.option("--folds", "k", type=click.IntRange(min=2), default=5, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True, help="Seed of the fold split.")
@click.option(
    "--markdown",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the report to this Markdown file.",
)
def checkworthy_command(data: Path, k: int, seed: int, markdown: Path | None) -> None:
    """Cross-validate the check-worthiness model and test it on CLEF (needs scikit-learn)."""
    started = time.monotonic()
    report = evaluate(data, k, seed)
    argv = ["scrutiny", "eval", "checkworthy", "--data", str(data), "--folds", str(k)]
    argv += ["--seed", str(seed)]
    text = render_markdown(report, shlex.join(argv))
    click.echo(text)
    if markdown is not None:
        markdown.write_text(text, encoding="utf-8")
    click.echo(f"took {time.monotonic() - started:.0f} s", err=True)
