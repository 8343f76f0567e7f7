"""A small corpus for the web tests of cross-document views (test_web_corpus, the browser
tests): three analysed texts sharing entities, with events of known dates and participants."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.pipeline import default_pipeline
from scrutiny.store import open_store

TEXTS = [
    (
        "Angela Merkel met Emmanuel Macron in Berlin on Friday. "
        "Chancellor Angela Merkel said Germany and France would work together.",
        "2019-05-04",
    ),
    (
        "Emmanuel Macron visited Berlin again. Angela Merkel welcomed the French president, "
        "and Merkel thanked Macron for his support.",
        "2020-02-01",
    ),
    ("Boris Johnson spoke in London about Berlin and the European Union.", None),
]


def _entity_at(analysis: Analysis, name: str) -> tuple[int, int, str | None]:
    """Where ``name`` first stands in the text, and the entity its mention there denotes."""
    start = analysis.document.text.index(name)
    end = start + len(name)
    for m in analysis.layer("mention"):
        if m.span.start <= start and end <= m.span.end:
            return start, end, m.attrs.get("entity")
    return start, end, None


def event(
    analysis: Analysis, n: int, trigger: str, label: str, date: str | None, who: str | None
) -> Annotation:
    """An event annotation ``vt<n>`` on the first ``trigger``, with ``who`` as its agent."""
    text = analysis.document.text
    start = text.index(trigger)
    participants = []
    if who is not None:
        s, e, entity = _entity_at(analysis, who)
        participants.append({"role": "agent", "start": s, "end": e, "text": who, "entity": entity})
    attrs = {"trigger": trigger, "participants": participants, "date": date, "modality": "asserted"}
    span = Span(start, start + len(trigger))
    return Annotation(f"vt{n}", "event", span, label, "test", "1.0", 0.8, attrs)


def _with_events(analysis: Analysis, *events: Annotation) -> Analysis:
    # The tests' own events: whatever event analyzer is installed, these are known exactly.
    kept = tuple(a for a in analysis.annotations if a.layer != "event")
    return replace(analysis, annotations=kept + events)


def sample_analyses() -> list[Analysis]:
    """The three texts analysed; events vt1 (2019-05-03) and vt2 (undated) name Merkel, vt3
    (2018) Macron, and the third text's one event is malformed (no participant offsets)."""
    pipeline = default_pipeline()
    a, b, c = (
        pipeline.analyze(Document.from_text(text, title=f"doc {i}", published=published))
        for i, (text, published) in enumerate(TEXTS)
    )
    broken = replace(event(c, 9, "spoke", "statement", None, None), attrs={"participants": [{}]})
    return [
        _with_events(
            a,
            event(a, 1, "met", "meeting", "2019-05-03", "Angela Merkel"),
            event(a, 2, "said", "statement", None, "Angela Merkel"),
        ),
        _with_events(b, event(b, 3, "visited", "meeting", "2018", "Emmanuel Macron")),
        _with_events(c, broken),
    ]


def fill(db: Path, analyses: list[Analysis]) -> None:
    with open_store(db) as store:
        for a in analyses:
            store.add(a)
