"""Scoring the ``events`` analyzer on its gold set (tests/data/events_gold.jsonl).

Each gold line is one *window* of a document (the seed example or a PTC article, named by its
path under the shared directory) in which every event of the documented type set was annotated:
the trigger word, the type, the modality, the calendar date (or null) and the participants by
role. The analyzer runs over the whole document, so that dates inherited from earlier text are
available, and only events whose trigger starts inside the window are scored.

Measures (docs/events.md):

- *trigger identification*: a predicted event matches a gold event when their trigger spans
  overlap (one-to-one, in text order); *trigger classification* also needs the same type;
- *argument*: a predicted participant is correct when its event matched a gold event and that
  event has a participant with the same role whose span overlaps it;
- *date accuracy*: over identified events, how often the predicted calendar date equals the gold
  one (both null counts as equal; ``*_REF`` values are not calendar dates and count as null);
  also reported over the identified events whose gold date is not null;
- *modality accuracy*: over identified events.

Lines carry ``split``: ``dev`` (looked at while writing the rules) or ``test`` (annotated before
the analyzer was run on it, never tuned on). ``events_command`` is ``scrutiny eval events``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import click

from scrutiny.model import Annotation, Document
from scrutiny.pipeline import Pipeline

DEFAULT_GOLD = Path(__file__).resolve().parents[3] / "tests" / "data" / "events_gold.jsonl"
DEFAULT_SHARED = "../shared"
SPLITS = ("dev", "test")


class GoldFormatError(ValueError):
    """A gold line that cannot be read."""


@dataclass(frozen=True, slots=True)
class Arg:
    role: str
    start: int
    end: int

    def matches(self, other: Arg) -> bool:
        return self.role == other.role and self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Event:
    type: str
    start: int
    end: int
    modality: str
    date: str | None
    args: tuple[Arg, ...] = ()

    def overlaps(self, other: Event) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class GoldWindow:
    doc: str
    split: str
    start: int
    end: int
    events: tuple[Event, ...]


@dataclass(slots=True)
class Tally:
    """Counts summed over windows; the rates are computed at the end."""

    gold: int = 0
    predicted: int = 0
    identified: int = 0
    classified: int = 0
    gold_args: int = 0
    predicted_args: int = 0
    correct_args: int = 0
    dates_right: int = 0
    gold_dated: int = 0
    gold_dated_right: int = 0
    modality_right: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for f in fields(self):
            if f.name != "errors":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        self.errors.extend(other.errors)


def f1(correct_p: int, predicted: int, correct_r: int, gold: int) -> tuple[float, float, float]:
    p = correct_p / predicted if predicted else 0.0
    r = correct_r / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


# ----------------------------------------------------------------------------- gold


def load_gold(path: Path = DEFAULT_GOLD) -> list[GoldWindow]:
    windows: list[GoldWindow] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if raw.strip():
            windows.append(_parse_line(raw, number))
    return windows


def _parse_line(raw: str, number: int) -> GoldWindow:
    try:
        data: dict[str, Any] = json.loads(raw)
        events = tuple(_parse_event(e) for e in data["events"])
        window = GoldWindow(
            str(data["doc"]), str(data["split"]), int(data["start"]), int(data["end"]), events
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise GoldFormatError(f"line {number}: {exc}") from exc
    if window.split not in SPLITS or not 0 <= window.start < window.end:
        raise GoldFormatError(f"line {number}: bad split or window")
    for e in events:
        if not window.start <= e.start < e.end <= window.end:
            raise GoldFormatError(f"line {number}: event at {e.start} outside its window")
    return window


def _parse_event(data: dict[str, Any]) -> Event:
    args = tuple(Arg(str(a["role"]), int(a["start"]), int(a["end"])) for a in data["args"])
    date = data.get("date")
    return Event(
        str(data["type"]),
        int(data["start"]),
        int(data["end"]),
        str(data["modality"]),
        None if date is None else str(date),
        args,
    )


# ----------------------------------------------------------------------------- prediction


def default_pipeline() -> Pipeline:
    from scrutiny.analyzers.entities import EntityAnalyzer
    from scrutiny.analyzers.events import EventAnalyzer
    from scrutiny.analyzers.language import LanguageAnalyzer
    from scrutiny.analyzers.parse import ParseAnalyzer
    from scrutiny.analyzers.timex import TimexAnalyzer

    return Pipeline(
        [LanguageAnalyzer(), ParseAnalyzer(), EntityAnalyzer(), TimexAnalyzer(), EventAnalyzer()]
    )


def calendar_date(value: object) -> str | None:
    """The event date as a calendar value; vague references (``PAST_REF``...) are not one."""
    if not isinstance(value, str) or not value or value.endswith("_REF"):
        return None
    return value


def from_annotation(a: Annotation) -> Event:
    args = tuple(
        Arg(str(p["role"]), int(p["start"]), int(p["end"]))
        for p in a.attrs.get("participants") or ()
    )
    return Event(
        a.label,
        a.span.start,
        a.span.end,
        str(a.attrs.get("modality", "asserted")),
        calendar_date(a.attrs.get("date")),
        args,
    )


def predict(text: str, pipeline: Pipeline) -> list[Event]:
    analysis = pipeline.analyze(Document.from_text(text))
    return [from_annotation(a) for a in analysis.layer("event")]


# ----------------------------------------------------------------------------- scoring


def score_window(window: GoldWindow, predicted: Sequence[Event], text: str = "") -> Tally:
    """Compare the predicted events that start inside ``window`` with its gold events."""
    inside = [p for p in predicted if window.start <= p.start < window.end]
    tally = Tally(gold=len(window.events), predicted=len(inside))
    tally.gold_args = sum(len(g.args) for g in window.events)
    tally.predicted_args = sum(len(p.args) for p in inside)
    used: set[int] = set()
    for g in window.events:
        k = _first_unused_overlap(g, inside, used)
        if k is None:
            tally.errors.append(f"missed {g.type} {_quote(text, g)}")
            continue
        used.add(k)
        _score_pair(tally, g, inside[k], text)
    for k, p in enumerate(inside):
        if k not in used:
            tally.errors.append(f"spurious {p.type} {_quote(text, p)}")
    return tally


def _first_unused_overlap(g: Event, predicted: Sequence[Event], used: set[int]) -> int | None:
    for k, p in enumerate(predicted):
        if k not in used and p.overlaps(g):
            return k
    return None


def _score_pair(tally: Tally, g: Event, p: Event, text: str) -> None:
    tally.identified += 1
    tally.classified += g.type == p.type
    tally.correct_args += sum(any(a.matches(b) for b in g.args) for a in p.args)
    tally.dates_right += g.date == p.date
    if g.date is not None:
        tally.gold_dated += 1
        tally.gold_dated_right += g.date == p.date
    tally.modality_right += g.modality == p.modality
    if g.type != p.type:
        tally.errors.append(f"type {p.type} for {g.type} {_quote(text, g)}")
    if g.date != p.date:
        tally.errors.append(f"date {p.date} for {g.date} {_quote(text, g)}")
    if g.modality != p.modality:
        tally.errors.append(f"modality {p.modality} for {g.modality} {_quote(text, g)}")
    for a in g.args:
        if not any(a.matches(b) for b in p.args):
            tally.errors.append(f"missed {a.role} {text[a.start : a.end]!r} {_quote(text, g)}")
    for b in p.args:
        if not any(b.matches(a) for a in g.args):
            tally.errors.append(f"wrong {b.role} {text[b.start : b.end]!r} {_quote(text, g)}")


def _quote(text: str, e: Event) -> str:
    if not text:
        return f"@{e.start}"
    left = max(0, e.start - 30)
    context = text[left : e.end + 30].replace("\n", " ")
    return f"@{e.start} …{context}…"


def evaluate(
    windows: Iterable[GoldWindow], shared: Path, pipeline: Pipeline | None = None
) -> dict[str, Tally]:
    """One tally per split; each document is analysed once however many windows it has."""
    pipeline = pipeline or default_pipeline()
    tallies = {split: Tally() for split in SPLITS}
    cache: dict[str, tuple[str, list[Event]]] = {}
    for w in windows:
        if w.doc not in cache:
            text = (shared / w.doc).read_text(encoding="utf-8")
            cache[w.doc] = (text, predict(text, pipeline))
        text, predicted = cache[w.doc]
        tallies[w.split].add(score_window(w, predicted, text))
    return tallies


def format_table(tallies: dict[str, Tally]) -> str:
    rows = [
        "| split | gold | trigger P / R / F1 (typed F1) | argument P / R / F1 | date acc "
        "(dated gold) | modality acc |",
        "|---|---|---|---|---|---|",
    ]
    for split, t in tallies.items():
        if not t.gold:
            continue
        tp, tr, tf = f1(t.identified, t.predicted, t.identified, t.gold)
        _, _, typed = f1(t.classified, t.predicted, t.classified, t.gold)
        ap, ar, af = f1(t.correct_args, t.predicted_args, t.correct_args, t.gold_args)
        n = max(t.identified, 1)
        dated = f"{t.gold_dated_right}/{t.gold_dated}"
        rows.append(
            f"| {split} | {t.gold} | {tp:.2f} / {tr:.2f} / {tf:.2f} ({typed:.2f}) | "
            f"{ap:.2f} / {ar:.2f} / {af:.2f} | {t.dates_right / n:.2f} ({dated}) | "
            f"{t.modality_right / n:.2f} |"
        )
    return "\n".join(rows)


@click.command(name="events")
@click.option(
    "--gold",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=DEFAULT_GOLD,
    show_default=True,
    help="The gold windows (JSON Lines).",
)
@click.option(
    "--shared",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_SHARED,
    envvar="SCRUTINY_SHARED",
    show_default=True,
    help="Directory the gold document paths are relative to.",
)
@click.option("--errors", is_flag=True, help="Also list misses, spurious events and mismatches.")
def events_command(gold: Path, shared: Path, errors: bool) -> None:
    """Score the events analyzer: trigger, argument, date and modality (dev and test)."""
    try:
        windows = load_gold(gold)
    except GoldFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        tallies = evaluate(windows, shared)
    except OSError as exc:
        raise click.ClickException(f"cannot read a gold document: {exc}") from exc
    click.echo(format_table(tallies))
    if errors:
        for split, t in tallies.items():
            for line in t.errors:
                click.echo(f"{split}: {line}")
