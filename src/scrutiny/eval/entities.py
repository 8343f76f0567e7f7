"""Scoring cross-document entity resolution on gold pairs (tests/data/entity_pairs_gold.jsonl).

Each gold line pairs two document entities from different documents (PTC training articles and
the seed example, named by their path under the shared directory) and says whether they are one
real-world entity. A gold entity is named by (document, a surface name it has there, type group)
rather than by an entity id, so the gold outlives changes to the entity analyzer.

The documents are analysed with the default pipeline and added, in path order, to a temporary
SQLite store, which links their entities as it would in use. A gold entity maps to the document
entity of its type group whose name or aliases include its surface name, and through the store's
links to a corpus entity. A pair is predicted *same* when both map to one corpus entity; an
unmapped entity (the tagger missed it, or typed it into another group) makes its pairs *different*.
Pairwise precision, recall and F1 are over the *same* pairs, per split.

Lines carry ``split``: ``dev`` (errors looked at while changing :mod:`scrutiny.corpus.resolve`)
or ``test`` (labelled before any system output was seen, never tuned on). ``entities_command`` is
``scrutiny eval entities``.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from scrutiny.corpus.resolve import TYPE_GROUPS
from scrutiny.model import Analysis, Document
from scrutiny.pipeline import Pipeline
from scrutiny.store.sqlite import SQLiteStore

DEFAULT_GOLD = Path(__file__).resolve().parents[3] / "tests" / "data" / "entity_pairs_gold.jsonl"
DEFAULT_SHARED = "../shared"
SPLITS = ("dev", "test")
GROUPS = frozenset(TYPE_GROUPS.values())
# A corpus entity is looked up by the names of its members; a common name ("Trump") may be
# shared by many corpus entities, all of which must be seen to find the right member.
LOOKUP_LIMIT = 1_000


class GoldFormatError(ValueError):
    """A gold line that cannot be read."""


@dataclass(frozen=True, slots=True)
class GoldEntity:
    doc: str  # path under the shared directory
    name: str  # a surface name the entity has in that document
    group: str  # type group (scrutiny.corpus.resolve.TYPE_GROUPS values)

    def __str__(self) -> str:
        return f"{self.name!r} ({self.group}, {Path(self.doc).stem})"


@dataclass(frozen=True, slots=True)
class GoldPair:
    split: str
    a: GoldEntity
    b: GoldEntity
    same: bool
    note: str = ""


@dataclass(frozen=True, slots=True)
class Link:
    """Where resolution put one gold entity: its corpus entity, with confidence and evidence."""

    corpus_entity: int
    confidence: float
    evidence: tuple[str, ...]


@dataclass(slots=True)
class Tally:
    pairs: int = 0
    gold_same: int = 0
    predicted_same: int = 0
    correct_same: int = 0
    unmapped: int = 0  # pairs with an entity the analysis did not produce
    errors: list[str] = field(default_factory=list)

    def scores(self) -> tuple[float, float, float]:
        p = self.correct_same / self.predicted_same if self.predicted_same else 0.0
        r = self.correct_same / self.gold_same if self.gold_same else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ----------------------------------------------------------------------------- gold


def load_gold(path: Path = DEFAULT_GOLD) -> list[GoldPair]:
    pairs: list[GoldPair] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip():
            pairs.append(_parse_line(raw, number))
    return pairs


def _parse_line(raw: str, number: int) -> GoldPair:
    try:
        data: dict[str, Any] = json.loads(raw)
        pair = GoldPair(
            str(data["split"]),
            _parse_entity(data["a"]),
            _parse_entity(data["b"]),
            _parse_bool(data["same"]),
            str(data.get("note", "")),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise GoldFormatError(f"line {number}: {exc}") from exc
    if pair.split not in SPLITS:
        raise GoldFormatError(f"line {number}: split must be one of {', '.join(SPLITS)}")
    if pair.a.doc == pair.b.doc:
        raise GoldFormatError(f"line {number}: a pair must span two documents")
    return pair


def _parse_entity(data: dict[str, Any]) -> GoldEntity:
    entity = GoldEntity(str(data["doc"]), str(data["name"]), str(data["group"]))
    if entity.group not in GROUPS:
        raise ValueError(f"unknown type group {entity.group!r}")
    if not entity.name.strip():
        raise ValueError("empty entity name")
    return entity


def _parse_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"'same' must be true or false, not {value!r}")
    return value


# ----------------------------------------------------------------------------- linking


def link_gold(
    pairs: Sequence[GoldPair], shared: Path, pipeline: Pipeline | None = None
) -> dict[GoldEntity, Link]:
    """Analyse the gold documents into a fresh store; where each gold entity was linked."""
    pipeline = pipeline or Pipeline.default()
    docs = sorted({e.doc for p in pairs for e in (p.a, p.b)})
    wanted: dict[str, list[GoldEntity]] = {}
    for e in {e for p in pairs for e in (p.a, p.b)}:
        wanted.setdefault(e.doc, []).append(e)
    links: dict[GoldEntity, Link] = {}
    with (
        tempfile.TemporaryDirectory(prefix="scrutiny-eval-") as tmp,
        SQLiteStore.open(Path(tmp) / "gold.db") as store,
    ):
        analyses: dict[str, Analysis] = {}
        for doc in docs:
            text = (shared / doc).read_text(encoding="utf-8")
            analyses[doc] = pipeline.analyze(Document.from_text(text, title=doc))
            store.add(analyses[doc])
        for doc, entities in wanted.items():
            links.update(_links_in(store, analyses[doc], entities))
    return links


def _links_in(
    store: SQLiteStore, analysis: Analysis, entities: Iterable[GoldEntity]
) -> dict[GoldEntity, Link]:
    out: dict[GoldEntity, Link] = {}
    for gold in entities:
        entity = _document_entity(analysis, gold)
        if entity is None:
            continue
        link = _corpus_link(store, analysis.document.id, entity)
        if link is not None:
            out[gold] = link
    return out


def _document_entity(analysis: Analysis, gold: GoldEntity) -> tuple[str, list[str]] | None:
    """The (id, names) of the document entity carrying the gold surface name, if any.

    An entity whose own name is the surface name wins over one that has it only as an alias.
    """
    found: tuple[str, list[str]] | None = None
    for e in analysis.layer("entity"):
        if TYPE_GROUPS.get(e.label) != gold.group:
            continue
        names = [str(e.attrs.get("name") or ""), *map(str, e.attrs.get("aliases") or [])]
        if names[0] == gold.name:
            return e.id, names
        if found is None and gold.name in names:
            found = (e.id, names)
    return found


def _corpus_link(store: SQLiteStore, doc_id: str, entity: tuple[str, list[str]]) -> Link | None:
    entity_id, names = entity
    for name in dict.fromkeys(n for n in names if n):
        for candidate in store.corpus_entities(name, limit=LOOKUP_LIMIT):
            _, members = store.corpus_entity(candidate.id)
            for m in members:
                if m.doc_id == doc_id and m.entity_id == entity_id:
                    return Link(candidate.id, m.confidence, m.evidence)
    return None


# ----------------------------------------------------------------------------- scoring


def score(pairs: Iterable[GoldPair], links: dict[GoldEntity, Link]) -> dict[str, Tally]:
    tallies = {split: Tally() for split in SPLITS}
    for pair in pairs:
        t = tallies[pair.split]
        a, b = links.get(pair.a), links.get(pair.b)
        predicted = a is not None and b is not None and a.corpus_entity == b.corpus_entity
        t.pairs += 1
        t.gold_same += pair.same
        t.predicted_same += predicted
        t.correct_same += pair.same and predicted
        t.unmapped += a is None or b is None
        if predicted != pair.same:
            t.errors.append(_describe(pair, a, b))
    return tallies


def _describe(pair: GoldPair, a: Link | None, b: Link | None) -> str:
    kind = "missed merge" if pair.same else "false merge"
    return f"{kind}: {pair.a} ~ {pair.b} [{pair.note}]  {_side(a)} | {_side(b)}"


def _side(link: Link | None) -> str:
    if link is None:
        return "unmapped"
    return f"#{link.corpus_entity} {link.confidence:.2f} {'; '.join(link.evidence)}"


def format_table(tallies: dict[str, Tally]) -> str:
    rows = [
        "| split | pairs | gold same | predicted same | P | R | F1 | with unmapped entity |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for split, t in tallies.items():
        if t.pairs:
            p, r, f = t.scores()
            rows.append(
                f"| {split} | {t.pairs} | {t.gold_same} | {t.predicted_same} | {p:.3f} | "
                f"{r:.3f} | {f:.3f} | {t.unmapped} |"
            )
    return "\n".join(rows)


@click.command(name="entities")
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_GOLD,
    show_default=True,
    help="The gold pairs (JSON Lines).",
)
@click.option(
    "--shared",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_SHARED,
    envvar="SCRUTINY_SHARED",
    show_default=True,
    help="Directory the gold document paths are relative to.",
)
@click.option(
    "--split",
    "only",
    type=click.Choice(SPLITS),
    help="Show one split only; every gold document is still analysed, so scores do not change.",
)
@click.option("--errors", is_flag=True, help="Also list the wrongly merged and missed pairs.")
def entities_command(gold: Path, shared: Path, only: str | None, errors: bool) -> None:
    """Score cross-document entity resolution: pairwise P/R/F1 on gold pairs (dev and test)."""
    try:
        pairs = load_gold(gold)
    except GoldFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        links = link_gold(pairs, shared)
    except OSError as exc:
        raise click.ClickException(f"cannot read a gold document: {exc}") from exc
    tallies = score((p for p in pairs if only in (None, p.split)), links)
    click.echo(format_table(tallies))
    if errors:
        for split, t in tallies.items():
            for line in t.errors:
                click.echo(f"{split}: {line}")
