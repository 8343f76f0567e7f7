"""Claim attribution scored on a hand-labelled gold set: ``scrutiny eval claim-attribution``.

The gold file (``tests/data/claims_attribution_gold.jsonl``) holds one sentence a line with the
document it comes from (``seed`` or ``ptc/<article file>``), its attribution ``type`` (author,
quoted, reported), the ``source`` as written in the text (a name, or null when the speaker is
unnamed or impersonal) and a ``split``: ``dev`` sentences were looked at while writing the rules,
``test`` sentences were not. Each gold sentence is matched to the claim of the ``claim`` layer that
overlaps it most; a sentence without a claim counts as predicted ``none``. A source is right when
both are null, or when the gold name and one of the predicted entity's names contain each other.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from scrutiny.model import Analysis, Document

GOLD = Path("tests/data/claims_attribution_gold.jsonl")
DEFAULT_SHARED = "../shared"
SEED_FILE = Path("examples/000_16034c0f2a97500a.txt")
PTC_DIR = Path("data/ptc/train-articles")
TYPES = ("author", "quoted", "reported")
_NON_WORD = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class GoldItem:
    doc: str
    sentence: str
    type: str
    source: str | None
    split: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """One gold sentence with what the analyzer said about it."""

    gold: GoldItem
    type: str
    source_names: tuple[str, ...]
    source_ok: bool


def load_gold(path: Path) -> list[GoldItem]:
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            items.append(
                GoldItem(row["doc"], row["sentence"], row["type"], row["source"], row["split"])
            )
    return items


def document_path(shared: Path, doc: str) -> Path:
    if doc == "seed":
        return shared / SEED_FILE
    if doc.startswith("ptc/"):
        return shared / PTC_DIR / doc.removeprefix("ptc/")
    raise ValueError(f"unknown gold document {doc!r}")


def _norm(name: str) -> str:
    words = _NON_WORD.sub(" ", name.lower().replace("’", "'")).split()
    return " ".join(w for w in words if w != "the")


def source_matches(gold: str | None, names: Sequence[str]) -> bool:
    if gold is None or not names:
        return gold is None and not names
    g = _norm(gold)
    return any(n and (g in n or n in g) for n in map(_norm, names))


def _entity_names(analysis: Analysis, entity_id: object) -> tuple[str, ...]:
    ent = analysis.get(str(entity_id)) if entity_id else None
    if ent is None:
        return ()
    aliases = ent.attrs.get("aliases") or []
    return (str(ent.attrs.get("name", "")), *(str(a) for a in aliases))


def judge(item: GoldItem, analysis: Analysis) -> Outcome:
    """Match ``item`` to the claim overlapping its sentence most and compare attributions."""
    text = analysis.document.text
    start = text.find(item.sentence)
    if start < 0:
        raise ValueError(f"gold sentence not found in {item.doc}: {item.sentence[:60]!r}")
    end = start + len(item.sentence)
    best, overlap = None, 0
    for claim in analysis.layer("claim"):
        shared = min(end, claim.span.end) - max(start, claim.span.start)
        if shared > overlap:
            best, overlap = claim, shared
    if best is None:
        return Outcome(item, "none", (), item.source is None)
    attribution = best.attrs["attribution"]
    names = _entity_names(analysis, attribution.get("source"))
    return Outcome(item, str(attribution["type"]), names, source_matches(item.source, names))


def analyse_gold(items: Sequence[GoldItem], shared: Path) -> list[Outcome]:
    """Run the claim pipeline once per gold document and judge every gold sentence."""
    from scrutiny.analyzers.claims import ClaimAnalyzer
    from scrutiny.analyzers.entities import EntityAnalyzer
    from scrutiny.analyzers.language import LanguageAnalyzer
    from scrutiny.analyzers.parse import ParseAnalyzer
    from scrutiny.analyzers.quotes import QuoteAnalyzer
    from scrutiny.pipeline import Pipeline

    pipeline = Pipeline(
        [LanguageAnalyzer(), ParseAnalyzer(), EntityAnalyzer(), QuoteAnalyzer(), ClaimAnalyzer()]
    )
    analyses: dict[str, Analysis] = {}
    outcomes = []
    for item in items:
        if item.doc not in analyses:
            text = document_path(shared, item.doc).read_text(encoding="utf-8")
            analyses[item.doc] = pipeline.analyze(Document.from_text(text))
        outcomes.append(judge(item, analyses[item.doc]))
    return outcomes


@dataclass(frozen=True, slots=True)
class Scores:
    n: int
    accuracy: float
    per_class: dict[str, tuple[float, float, int]]  # precision, recall, gold count
    source_accuracy: float  # over non-author gold sentences whose type was right
    source_n: int
    end_to_end: float  # type and source right, over non-author gold sentences
    end_to_end_n: int


def score(outcomes: Sequence[Outcome]) -> Scores:
    gold = Counter(o.gold.type for o in outcomes)
    predicted = Counter(o.type for o in outcomes)
    right = Counter(o.type for o in outcomes if o.type == o.gold.type)
    per_class = {
        t: (
            right[t] / predicted[t] if predicted[t] else 0.0,
            right[t] / gold[t] if gold[t] else 0.0,
        )
        for t in TYPES
    }
    others = [o for o in outcomes if o.gold.type != "author"]
    typed = [o for o in others if o.type == o.gold.type]
    return Scores(
        n=len(outcomes),
        accuracy=sum(right.values()) / max(1, len(outcomes)),
        per_class={t: (*per_class[t], gold[t]) for t in TYPES},
        source_accuracy=sum(o.source_ok for o in typed) / max(1, len(typed)),
        source_n=len(typed),
        end_to_end=sum(o.source_ok for o in typed) / max(1, len(others)),
        end_to_end_n=len(others),
    )


def render_markdown(by_split: dict[str, Scores], command: str) -> str:
    lines = [
        "### Claim attribution: gold set",
        "",
        f"Command: `{command}`",
        "",
        "| split | sentences | accuracy | author P / R | quoted P / R | reported P / R "
        "| source acc. (type right) | type + source (non-author) |",
        "|---|---:|---:|---|---|---|---|---|",
    ]
    for split, s in by_split.items():
        cells = [
            f"{s.per_class[t][0]:.2f} / {s.per_class[t][1]:.2f} (n={s.per_class[t][2]})"
            for t in TYPES
        ]
        lines.append(
            f"| {split} | {s.n} | {s.accuracy:.3f} | " + " | ".join(cells) + f" | "
            f"{s.source_accuracy:.2f} (n={s.source_n}) | {s.end_to_end:.2f} (n={s.end_to_end_n}) |"
        )
    return "\n".join([*lines, ""])


def errors(outcomes: Iterable[Outcome]) -> list[str]:
    """One line per wrong type or source, for reading the dev split."""
    out = []
    for o in outcomes:
        if o.type != o.gold.type or (o.gold.type != "author" and not o.source_ok):
            got = o.source_names[0] if o.source_names else None
            out.append(
                f"{o.gold.type:>8} -> {o.type:<8} source {o.gold.source!r} -> {got!r}: "
                f"{o.gold.sentence[:110]}"
            )
    return out


@click.command(name="claim-attribution")
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=str(GOLD),
    show_default=True,
)
@click.option(
    "--shared",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_SHARED,
    show_default=True,
    help="The shared folder holding examples/ and data/ptc/.",
)
@click.option("--show-errors", is_flag=True, help="List the dev split's errors on stderr.")
def attribution_command(gold: Path, shared: Path, show_errors: bool) -> None:
    """Score the attribution of the claim layer on the hand-labelled gold sentences."""
    outcomes = analyse_gold(load_gold(gold), shared)
    splits = sorted({o.gold.split for o in outcomes})
    by_split = {s: score([o for o in outcomes if o.gold.split == s]) for s in splits}
    by_split["all"] = score(outcomes)
    command = f"scrutiny eval claim-attribution --gold {gold} --shared {shared}"
    click.echo(render_markdown(by_split, command))
    if show_errors:
        for line in errors(o for o in outcomes if o.gold.split == "dev"):
            click.echo(line, err=True)
