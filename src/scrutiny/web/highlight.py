"""The document view's building blocks: highlight layers, marked-up text and the findings list.

This module owns how an analysis becomes safe HTML. Document text is hostile, so the markup is
built here from character offsets, and every piece of text (document, labels, attrs) goes
through :func:`markupsafe.escape` before it is joined; nothing from the document ever becomes
markup. Layers are handled generically: whatever layers an analysis holds are drawn, except the
few listed in :data:`HIDDEN_LAYERS`, so a new analyzer shows up without touching the UI.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from scrutiny.model import Analysis, Annotation

# Not drawn on the text: a language covers everything, sentences would colour every character,
# and an entity's span is just its first mention, which the mention layer already draws.
HIDDEN_LAYERS = frozenset({"language", "sentence"})
NOT_MARKED = HIDDEN_LAYERS | {"entity"}
# Layers toggled per label rather than as a whole: a reader wants "people" apart from "places",
# loaded language apart from doubt, threats apart from calls to action.
PER_LABEL_LAYERS = frozenset({"mention", "technique", "signal"})
# Claims are toggled by check-worthiness: the ones worth checking apart from the rest.
CHECKWORTHY = 0.5
# Layers too numerous for the findings panel: their annotations are reachable from the text.
NOT_LISTED = HIDDEN_LAYERS | {"mention"}
COLOURS = 12  # colour classes c0..c11 in app.css
MAX_LISTED = 300  # findings shown per layer; a long document can have thousands of mentions
MAX_TITLE_LINES = 6
EXCERPT_CHARS = 90
# attrs worth a short line under a finding, in order of preference; others stay in the JSON.
_DETAIL_ATTRS = ("name", "role", "value", "speaker_text", "cue", "kind", "when", "target")


@dataclass(frozen=True)
class Toggle:
    """One switchable highlight layer: a layer, or one label of a per-label layer."""

    key: str  # "quote", "mention:PERSON"
    name: str  # what the reader sees: "quote", "PERSON"
    index: int  # stable within one page; the colour is index % COLOURS
    count: int

    @property
    def colour(self) -> int:
        return self.index % COLOURS


@dataclass(frozen=True)
class Finding:
    """One annotation as the findings panel lists it."""

    id: str
    label: str
    start: int
    end: int
    excerpt: str
    detail: str
    tooltip: str


@dataclass(frozen=True)
class FindingGroup:
    layer: str
    findings: list[Finding]
    total: int


def toggle_key(a: Annotation) -> str:
    if a.layer == "claim":
        score = a.attrs.get("checkworthiness")
        worthy = isinstance(score, int | float) and score >= CHECKWORTHY
        return "claim:check-worthy" if worthy else "claim:other claims"
    return f"{a.layer}:{a.label}" if a.layer in PER_LABEL_LAYERS else a.layer


def toggles(annotations: Iterable[Annotation]) -> list[Toggle]:
    """The highlight layers present, in a stable order (layer name, then label)."""
    counts: dict[str, int] = {}
    for a in annotations:
        if a.layer not in NOT_MARKED and a.span.end > a.span.start:
            key = toggle_key(a)
            counts[key] = counts.get(key, 0) + 1
    return [
        Toggle(key=key, name=key.split(":", 1)[-1], index=i, count=counts[key])
        for i, key in enumerate(sorted(counts))
    ]


def tooltip(a: Annotation) -> str:
    """Label, confidence and analyzer: what hovering a finding tells the reader."""
    return f"{a.layer}: {a.label} · confidence {a.confidence:.2f} · {a.analyzer} {a.version}"


def mark_text(text: str, annotations: Sequence[Annotation], keys: dict[str, Toggle]) -> Markup:
    """``text`` as escaped HTML with one ``<span class="m">`` per run of covered characters.

    Overlapping findings are cut at every boundary, so each run knows every finding over it:
    ``data-k`` lists their toggle indexes innermost first (the script colours a run by the first
    visible one), ``data-o``/``data-e`` its offsets (for scrolling to a finding), ``title`` what
    covers it. Without the script, runs keep the colour of their innermost finding.
    """
    marked = [a for a in annotations if toggle_key(a) in keys and a.span.end > a.span.start]
    starts: dict[int, list[Annotation]] = {}
    ends: dict[int, list[Annotation]] = {}
    for a in marked:
        starts.setdefault(a.span.start, []).append(a)
        ends.setdefault(a.span.end, []).append(a)
    cuts = sorted({0, len(text), *starts, *ends})
    active: dict[str, Annotation] = {}
    pieces: list[str] = []
    for lo, hi in pairwise(cuts):
        for a in ends.get(lo, ()):
            active.pop(a.id, None)
        for a in starts.get(lo, ()):
            active[a.id] = a
        piece = escape(text[lo:hi])
        pieces.append(_run(piece, lo, hi, active, keys) if active else str(piece))
    return Markup("".join(pieces))


def _run(
    piece: Markup, lo: int, hi: int, active: dict[str, Annotation], keys: dict[str, Toggle]
) -> str:
    inner_first = sorted(active.values(), key=lambda a: (len(a.span), a.span.start))
    indexes: list[int] = []
    for a in inner_first:
        index = keys[toggle_key(a)].index
        if index not in indexes:
            indexes.append(index)
    lines = [tooltip(a) for a in inner_first[:MAX_TITLE_LINES]]
    if len(inner_first) > MAX_TITLE_LINES:
        lines.append(f"… {len(inner_first) - MAX_TITLE_LINES} more")
    return str(
        Markup(
            '<span class="m c{}" data-k="{}" data-o="{}" data-e="{}" title="{}">{}</span>'
        ).format(indexes[0] % COLOURS, " ".join(map(str, indexes)), lo, hi, "\n".join(lines), piece)
    )


def findings(analysis: Analysis) -> list[FindingGroup]:
    """The annotations worth listing beside the text, grouped by layer in document order."""
    by_layer: dict[str, list[Annotation]] = {}
    for a in analysis.annotations:
        if a.layer not in NOT_LISTED:
            by_layer.setdefault(a.layer, []).append(a)
    text = analysis.document.text
    groups = []
    for layer in sorted(by_layer):
        anns = sorted(by_layer[layer], key=lambda a: (a.span.start, a.span.end))
        shown = [_finding(a, text) for a in anns[:MAX_LISTED]]
        groups.append(FindingGroup(layer=layer, findings=shown, total=len(anns)))
    return groups


def _finding(a: Annotation, text: str) -> Finding:
    excerpt = " ".join(text[a.span.start : a.span.end].split())
    if len(excerpt) > EXCERPT_CHARS:
        excerpt = excerpt[: EXCERPT_CHARS - 1] + "…"
    return Finding(
        id=a.id,
        label=a.label,
        start=a.span.start,
        end=a.span.end,
        excerpt=excerpt,
        detail=_detail(a, excerpt),
        tooltip=tooltip(a),
    )


def _detail(a: Annotation, excerpt: str) -> str:
    parts = []
    for name in _DETAIL_ATTRS:
        value = a.attrs.get(name)
        if value in ("", excerpt, a.label) or isinstance(value, bool):
            continue  # nothing the line above does not already say
        if isinstance(value, str | int | float):
            parts.append(f"{name}: {value}")
    return " · ".join(parts)[:200]


def snippet_markup(snippet: str, start: str, end: str) -> Markup:
    """A search snippet with its match markers as ``<mark>``, everything else escaped."""
    pieces = snippet.replace(end, start).split(start)
    out = [
        str(Markup("<mark>{}</mark>").format(p)) if i % 2 else str(escape(p))
        for i, p in enumerate(pieces)
    ]
    return Markup("".join(out))
