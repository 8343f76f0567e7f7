"""Command groups ``scrutiny ptc ...`` and ``scrutiny eval ...``, registered by the main CLI.

``ptc predict`` writes the SemEval-2020 Task 11 submission formats from the technique model;
``eval ptc`` cross-validates it by article and prints (or writes) a Markdown report.
Errors in input files are raised as :class:`~scrutiny.eval.ptc.PtcFormatError` (a
``ScrutinyError``), which the main entry point turns into one line on stderr and exit code 1.
"""

from __future__ import annotations

import shlex
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from scrutiny.eval.cv import CvResult, FoldResult
    from scrutiny.eval.scorers import TcScore

DEFAULT_DATA = "../shared/data/ptc"
F = TypeVar("F", bound=Callable[..., Any])
_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


def _data_option(f: F) -> F:
    option = click.option(
        "--data",
        type=_DIR,
        default=DEFAULT_DATA,
        envvar="SCRUTINY_PTC_DATA",
        show_default=True,
        help="The corpus directory (train-articles/ and the two train-labels-* folders).",
    )
    return option(f)


def _note(message: str) -> None:
    click.echo(message, err=True)


# ----------------------------------------------------------------------------- scrutiny ptc


@click.group(name="ptc")
def ptc() -> None:
    """The propaganda techniques corpus (SemEval-2020 Task 11) and its submission formats."""


@ptc.command()
@click.option("--task", type=click.Choice(["si", "tc"]), required=True, help="si or tc.")
@click.option("--articles", type=_DIR, required=True, help="Directory of article<ID>.txt files.")
@click.option(
    "--template",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="TC only: the template (article_id TAB ? TAB start TAB end).",
)
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), required=True
)
@_data_option
def predict(task: str, articles: Path, template: Path | None, out: Path, data: Path) -> None:
    """Write PTC predictions for the articles in --articles.

    The technique model is trained on the fly on every labelled article under --data (about a
    minute on one core) rather than loaded from the package, so --data decides what it learns.
    si writes "article_id TAB start TAB end" lines; tc fills the template's "?" with a label.
    """
    from scrutiny.analyzers.techniques.model import TechniqueModel
    from scrutiny.eval import ptc as corpus
    from scrutiny.eval.cv import fill_template, predict_si

    if (task == "tc") != (template is not None):
        raise click.UsageError("--template is needed by --task tc, and only by it")
    texts = corpus.read_articles(articles)
    if not texts:
        raise corpus.PtcFormatError(articles, None, "no article<ID>.txt files")
    # Check the template before the minute of training, not after.
    lines = corpus.read_tc(template, template=True) if template is not None else []
    corpus.check_lines(texts, lines, template or articles)
    started = time.perf_counter()
    gold = corpus.load_corpus(data)
    model = TechniqueModel.fit(gold).reloaded()
    if task == "si":
        corpus.write_si(out, predict_si(model, texts))
    else:
        corpus.write_tc(out, fill_template(model, texts, lines))
    elapsed = time.perf_counter() - started
    _note(f"trained on {len(gold)} articles and wrote {out} in {elapsed:.0f} s")


# ----------------------------------------------------------------------------- scrutiny eval


@click.group(name="eval")
def eval_() -> None:
    """Measure scrutiny's models against gold data."""


def _fold_line(i: int, fold: FoldResult) -> str:
    si = fold.si
    return (
        f"| {i + 1} | {fold.articles} | {si.precision:.3f} | {si.recall:.3f} | {si.f1:.3f} "
        f"| {fold.tc.micro.f1:.3f} |"
    )


def _per_label_lines(pooled: TcScore) -> list[str]:
    lines = [
        "Technique classification per label (all held-out predictions pooled):",
        "",
        "| label | gold | P | R | F1 |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, prf in pooled.per_label.items():
        lines.append(
            f"| {label} | {pooled.gold_counts.get(label, 0)} | {prf.precision:.3f} "
            f"| {prf.recall:.3f} | {prf.f1:.3f} |"
        )
    lines.append(f"| **micro** | {sum(pooled.gold_counts.values())} | | | {pooled.micro.f1:.3f} |")
    return lines


def render_markdown(result: CvResult, command: str) -> str:
    """The cross-validation report: per-fold scores, mean ± std, and per-label TC scores."""
    lines = [
        f"Command: `{command}`",
        "",
        f"{result.k}-fold cross-validation by article (seed {result.seed}).",
        "",
        "| fold | articles | SI P | SI R | SI F1 | TC micro-F1 |",
        "|---:|---:|---:|---:|---:|---:|",
        *(_fold_line(i, f) for i, f in enumerate(result.folds)),
    ]
    cells = [
        result.mean_std(lambda f: f.si.precision),
        result.mean_std(lambda f: f.si.recall),
        result.mean_std(lambda f: f.si.f1),
        result.mean_std(lambda f: f.tc.micro.f1),
    ]
    total = sum(f.articles for f in result.folds)
    lines.append(
        f"| mean ± std | {total} | " + " | ".join(f"{m:.3f} ± {s:.3f}" for m, s in cells) + " |"
    )
    lines += ["", *_per_label_lines(result.tc_pooled)]
    return "\n".join(lines) + "\n"


@eval_.command(name="ptc")
@click.option("--folds", "k", type=click.IntRange(min=2), default=5, show_default=True)
@click.option("--seed", type=int, default=13, show_default=True, help="Seed of the fold split.")
@_data_option
@click.option(
    "--markdown",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Also write the report to this Markdown file.",
)
def eval_ptc(k: int, seed: int, data: Path, markdown: Path | None) -> None:
    """Cross-validate the technique model (span identification and technique classification).

    Splits the labelled articles into --folds folds by article, trains on all folds but one and
    scores the held-out one, for each fold in turn.
    """
    from scrutiny.eval.cv import cross_validate
    from scrutiny.eval.ptc import load_corpus

    articles = load_corpus(data)
    if k > len(articles):
        raise click.BadParameter(f"only {len(articles)} articles", param_hint="--folds")
    started = time.perf_counter()

    def progress(i: int, fold: FoldResult) -> None:
        _note(f"fold {i + 1}/{k}: SI F1 {fold.si.f1:.3f}, TC micro-F1 {fold.tc.micro.f1:.3f}")

    result = cross_validate(articles, k=k, seed=seed, progress=progress)
    # The equivalent command with every default spelled out, so the report says how to redo it.
    argv = ["scrutiny", "eval", "ptc", "--folds", str(k), "--seed", str(seed), "--data", str(data)]
    if markdown is not None:
        argv += ["--markdown", str(markdown)]
    report = render_markdown(result, shlex.join(argv))
    click.echo(report, nl=False)
    if markdown is not None:
        markdown.write_text(report, encoding="utf-8")
    _note(f"{k} folds in {time.perf_counter() - started:.0f} s")
