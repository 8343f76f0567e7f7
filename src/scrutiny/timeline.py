"""Timelines: the ``event`` layer of one or more analyses, in date order.

This module owns the ordering and rendering behind ``scrutiny timeline DOC_OR_QUERY``: it turns
event annotations into :class:`TimelineEntry` rows (participants named by their entity), sorts
them by the start of their date (dated events first, then undated ones in text order; a vague
*recently* counts as undated), and renders them as text lines or as JSON with an ``events``
list. The click command opens the store the way the other commands do and reads DOC_OR_QUERY as
a stored document id (or unique prefix) first, else as a search query over the store.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import click

from scrutiny.model import Analysis, Annotation

__all__ = ["TimelineEntry", "date_key", "entries", "render_json", "render_text", "timeline"]

_SEASON_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
# The start of a TimeML value: a year (digits or X for unknown ones), then month, week, season or
# day; anything after (a time of day, an interval's end) does not move the start.
_VALUE = re.compile(
    r"(?P<year>\d{2}[\dX]{2})"
    r"(?:-(?:(?P<month>\d{2})(?:-(?P<day>\d{2}))?|W(?P<week>\d{2})|(?P<season>SP|SU|FA|WI)))?"
)
_CONTEXT_CHARS = 60
_REF_WORDS = {"PAST_REF": "past (vague)", "PRESENT_REF": "present", "FUTURE_REF": "future"}
_UNDATED = (1, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Participant:
    role: str
    text: str
    entity: str | None
    name: str | None


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event as a timeline shows it."""

    document: str
    event: str
    type: str
    trigger: str
    start: int
    end: int
    date: str | None
    date_source: str | None
    modality: str
    confidence: float
    participants: tuple[Participant, ...]
    context: str

    @property
    def key(self) -> tuple[int, int, int, int]:
        return date_key(self.date)


def date_key(value: str | None) -> tuple[int, int, int, int]:
    """A sort key for the start of a timex value: dated ``(0, y, m, d)`` before undated."""
    if not value:
        return _UNDATED
    m = _VALUE.match(value)
    if m is None:
        return _UNDATED  # PAST_REF and other references are not on the calendar
    year = int(m["year"].replace("X", "0"))
    if m["week"]:
        return _week_key(year, int(m["week"]))
    if m["season"]:
        return (0, year, _SEASON_MONTH[m["season"]], 1)
    month = int(m["month"]) if m["month"] else 1
    day = int(m["day"]) if m["day"] else 1
    return (0, year, month, day)


def _week_key(year: int, week: int) -> tuple[int, int, int, int]:
    try:
        monday = dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        return (0, year, 1, 1)
    return (0, monday.year, monday.month, monday.day)


def entries(analysis: Analysis) -> list[TimelineEntry]:
    """The analysis's events as timeline rows, in text order."""
    text = analysis.document.text
    names = {
        a.id: str(a.attrs.get("name") or text[a.span.start : a.span.end])
        for a in analysis.layer("entity")
    }
    rows = [_entry(analysis.document.id, text, e, names) for e in analysis.layer("event")]
    return sorted(rows, key=lambda r: r.start)


def _entry(doc_id: str, text: str, event: Annotation, names: dict[str, str]) -> TimelineEntry:
    attrs = event.attrs
    participants = tuple(
        Participant(
            str(p.get("role")),
            text[int(p["start"]) : int(p["end"])],
            p.get("entity"),
            names.get(str(p.get("entity"))),
        )
        for p in attrs.get("participants") or ()
        if 0 <= int(p["start"]) <= int(p["end"]) <= len(text)
    )
    date = attrs.get("date")
    return TimelineEntry(
        document=doc_id,
        event=event.id,
        type=event.label,
        trigger=text[event.span.start : event.span.end],
        start=event.span.start,
        end=event.span.end,
        date=str(date) if date else None,
        date_source=attrs.get("date_source"),
        modality=str(attrs.get("modality", "asserted")),
        confidence=event.confidence,
        participants=participants,
        context=_context(text, event.span.start, event.span.end),
    )


def _context(text: str, start: int, end: int) -> str:
    left = max(0, start - _CONTEXT_CHARS)
    right = min(len(text), end + _CONTEXT_CHARS)
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")


def order(rows: Iterable[TimelineEntry]) -> list[TimelineEntry]:
    """Dated events by the start of their date, then undated ones; ties keep text order."""
    # sorted() is stable, so rows from one document keep their text order within a date.
    return sorted(rows, key=lambda r: r.key)


# ----------------------------------------------------------------------------- rendering


def render_text(rows: Sequence[TimelineEntry]) -> str:
    if not rows:
        return "no events"
    return "\n".join(_line(r) for r in rows)


def _line(r: TimelineEntry) -> str:
    date = _REF_WORDS.get(r.date or "", r.date or "undated")
    if r.date and r.date_source and r.date_source != "explicit":
        date += "~"  # inherited from the sentence or paragraph: a guess
    who = ", ".join(f"{p.role}={p.name or p.text}" for p in r.participants)
    mood = "" if r.modality == "asserted" else f" ({r.modality})"
    doc = r.document.removeprefix("sha256:")[:12]
    return f"{date:<17} {r.type:<13} {r.trigger}{mood}  [{who}]  {doc} {r.event}  {r.context}"


def render_json(rows: Sequence[TimelineEntry], documents: Sequence[str]) -> str:
    out: dict[str, Any] = {
        "documents": list(documents),
        "events": [asdict(r) for r in rows],
    }
    return json.dumps(out, ensure_ascii=False, indent=2)


# ----------------------------------------------------------------------------- command


def _analyses(store: Any, doc_or_query: str, limit: int) -> list[Analysis]:
    """The stored document DOC_OR_QUERY names, else the documents a search for it finds."""
    from scrutiny.errors import NotFound, StoreError
    from scrutiny.store.base import parse_doc_id

    try:
        parse_doc_id(doc_or_query)
    except StoreError:
        pass  # not shaped like an id: a query
    else:
        try:
            return [store.get(doc_or_query)]
        except NotFound:
            pass  # hex-looking words ("deadbeef") are still worth searching for
    return [store.get(hit.id) for hit in store.search(doc_or_query, limit=limit)]


@click.command(name="timeline")
@click.argument("doc_or_query")
@click.option(
    "--limit",
    type=click.IntRange(1, 1000),
    default=10,
    show_default=True,
    help="For a query: how many matching documents to take events from.",
)
@click.option("--asserted", is_flag=True, help="Only events the text says happened.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.pass_context
def timeline(ctx: click.Context, doc_or_query: str, limit: int, asserted: bool, fmt: str) -> None:
    """Events of a stored document (id or prefix) or of the documents a query finds, by date."""
    from scrutiny.cli import _store

    if not doc_or_query.strip():
        raise click.UsageError("give a document id or a search query")
    with _store(ctx) as store:
        analyses = _analyses(store, doc_or_query, limit)
    rows = order(r for a in analyses for r in entries(a))
    if asserted:
        rows = [r for r in rows if r.modality == "asserted"]
    if fmt == "json":
        click.echo(render_json(rows, [a.document.id for a in analyses]))
    else:
        click.echo(render_text(rows))
