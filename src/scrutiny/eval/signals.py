"""Scoring the ``signals`` analyzer on its gold set (tests/data/signals_gold.jsonl).

Each gold line is one sentence (or short passage) with the signals *in the author's voice* as
``{kind, start, end}``. Signals the analyzer records inside a direct quote (``quoted: true``) or
under someone else's speech verb (``reported: true``) are the speaker's, not the author's, and are
left out of the score, as the gold leaves them out.

A predicted signal matches a gold signal of the same kind when their spans overlap by at least one
character; precision counts predictions that match some gold signal, recall gold signals matched
by some prediction. Lines carry ``split``: ``dev`` (looked at while writing the rules) or ``test``
(written and labelled before the rules were run on it, never tuned on); both are reported, never
pooled into one number. Dev lines with ``was_test`` were an earlier test split, scored blind once
and then used for error analysis (docs/accuracy.md gives both results).

``signals_command`` is the click command ``scrutiny eval signals``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from scrutiny.model import Document
from scrutiny.pipeline import Pipeline

KINDS = ("threat", "call_to_action", "dehumanization")
DEFAULT_GOLD = Path(__file__).resolve().parents[3] / "tests" / "data" / "signals_gold.jsonl"


class GoldFormatError(ValueError):
    """A gold line that is not valid JSON or whose spans do not fit its text."""


@dataclass(frozen=True, slots=True)
class Signal:
    kind: str
    start: int
    end: int

    def matches(self, other: Signal) -> bool:
        return self.kind == other.kind and self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class GoldLine:
    text: str
    source: str
    split: str
    signals: tuple[Signal, ...]


@dataclass(frozen=True, slots=True)
class Score:
    """Counts for one kind on one split, with precision/recall/F1 derived from them."""

    predicted: int
    correct_predicted: int
    gold: int
    found_gold: int

    @property
    def precision(self) -> float:
        return self.correct_predicted / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.found_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(
            self.predicted + other.predicted,
            self.correct_predicted + other.correct_predicted,
            self.gold + other.gold,
            self.found_gold + other.found_gold,
        )


EMPTY = Score(0, 0, 0, 0)


def load_gold(path: Path = DEFAULT_GOLD) -> list[GoldLine]:
    lines: list[GoldLine] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip():
            lines.append(_parse_line(raw, number))
    return lines


def _parse_line(raw: str, number: int) -> GoldLine:
    try:
        data: dict[str, Any] = json.loads(raw)
        text = str(data["text"])
        signals = tuple(
            Signal(str(s["kind"]), int(s["start"]), int(s["end"])) for s in data["signals"]
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise GoldFormatError(f"line {number}: {exc}") from exc
    for s in signals:
        if s.kind not in KINDS or not 0 <= s.start < s.end <= len(text):
            raise GoldFormatError(f"line {number}: bad signal {s}")
    return GoldLine(text, str(data.get("source", "")), str(data.get("split", "dev")), signals)


def default_pipeline() -> Pipeline:
    from scrutiny.analyzers.entities import EntityAnalyzer
    from scrutiny.analyzers.language import LanguageAnalyzer
    from scrutiny.analyzers.parse import ParseAnalyzer
    from scrutiny.analyzers.quotes import QuoteAnalyzer
    from scrutiny.analyzers.signals import SignalAnalyzer

    return Pipeline(
        [LanguageAnalyzer(), ParseAnalyzer(), EntityAnalyzer(), QuoteAnalyzer(), SignalAnalyzer()]
    )


def predict(text: str, pipeline: Pipeline) -> tuple[Signal, ...]:
    """The signals the analyzer attributes to the author of ``text``."""
    analysis = pipeline.analyze(Document.from_text(text))
    return tuple(
        Signal(a.label, a.span.start, a.span.end)
        for a in analysis.layer("signal")
        if not (a.attrs.get("quoted") or a.attrs.get("reported"))
    )


def score_line(gold: Sequence[Signal], predicted: Sequence[Signal], kind: str) -> Score:
    g = [s for s in gold if s.kind == kind]
    p = [s for s in predicted if s.kind == kind]
    return Score(
        predicted=len(p),
        correct_predicted=sum(any(x.matches(y) for y in g) for x in p),
        gold=len(g),
        found_gold=sum(any(y.matches(x) for x in p) for y in g),
    )


def evaluate(
    lines: Iterable[GoldLine], pipeline: Pipeline | None = None
) -> dict[str, dict[str, Score]]:
    """Scores by split (``dev``, ``test``) and kind, plus an ``all`` row per split."""
    pipe = pipeline or default_pipeline()
    table: dict[str, dict[str, Score]] = {}
    for line in lines:
        predicted = predict(line.text, pipe)
        row = table.setdefault(line.split, {k: EMPTY for k in (*KINDS, "all")})
        for kind in KINDS:
            s = score_line(line.signals, predicted, kind)
            row[kind] += s
            row["all"] += s
    return table


def format_table(table: dict[str, dict[str, Score]]) -> str:
    out = [
        "| split | kind | gold | predicted | precision | recall | F1 |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for split in sorted(table):
        for kind, s in table[split].items():
            out.append(
                f"| {split} | {kind} | {s.gold} | {s.predicted} | {s.precision:.2f} "
                f"| {s.recall:.2f} | {s.f1:.2f} |"
            )
    return "\n".join(out)


@click.command(name="signals")
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_GOLD,
    show_default=True,
    help="JSON-lines gold file of labelled sentences.",
)
@click.option("--errors", is_flag=True, help="Also list the lines the analyzer gets wrong.")
def signals_command(gold: Path, errors: bool) -> None:
    """Precision/recall/F1 of the signals analyzer on its gold set, by split and kind."""
    try:
        lines = load_gold(gold)
    except GoldFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    pipeline = default_pipeline()
    click.echo(format_table(evaluate(lines, pipeline)))
    if errors:
        for line in lines:
            _echo_errors(line, predict(line.text, pipeline))


def _echo_errors(line: GoldLine, predicted: Sequence[Signal]) -> None:
    missed = [g for g in line.signals if not any(g.matches(p) for p in predicted)]
    spurious = [p for p in predicted if not any(p.matches(g) for g in line.signals)]
    for tag, items in (("MISSED", missed), ("SPURIOUS", spurious)):
        for s in items:
            click.echo(
                f"{tag} [{line.split}] {s.kind}: {line.text[s.start : s.end]!r} | {line.text}"
            )
