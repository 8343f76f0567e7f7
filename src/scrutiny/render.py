"""The terminal report: what a reader sees of one analysis, with rich.

Document text is untrusted: it only ever reaches the console inside ``rich.text.Text`` objects,
which are never parsed for markup, so a document cannot restyle or spoof the report.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from scrutiny.model import Analysis
from scrutiny.store.base import SNIPPET_END, SNIPPET_START

# Colours per entity type; everything else gets the default style.
TYPE_STYLE = {
    "PERSON": "bold cyan",
    "ORG": "bold magenta",
    "GPE": "bold green",
    "LOC": "green",
    "FAC": "magenta",
    "NORP": "yellow",
}
MAX_TEXT_CHARS = 6_000


def _short(doc_id: str) -> str:
    return doc_id.removeprefix("sha256:")[:12]


def _header(view: dict[str, Any]) -> Panel:
    doc = view["document"]
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim")
    grid.add_column()
    grid.add_row("id", Text(_short(doc["id"])))
    for key in ("source", "author", "published", "language"):
        if doc.get(key):
            grid.add_row(key, Text(str(doc[key])))
    grid.add_row("size", Text(f"{doc['chars']:,} characters, {doc['sentences']} sentences"))
    title = Text(doc["title"] or "(untitled)", style="bold")
    return Panel(grid, title=title, title_align="left")


def _entities(view: dict[str, Any]) -> Table:
    table = Table(title="Entities", title_justify="left", expand=True)
    table.add_column("name", style="bold", ratio=2)
    table.add_column("type", ratio=1)
    table.add_column("also called", ratio=2)
    table.add_column("roles", ratio=3)
    table.add_column("mentions", justify="right")
    for e in view["entities"]:
        aliases = ", ".join(a for a in e["aliases"] if a != e["name"])
        roles = "; ".join(_role(r, view) for r in e["roles"])
        table.add_row(
            Text(e["name"], style=TYPE_STYLE.get(e["type"], "")),
            Text(e["type"]),
            Text(aliases),
            Text(roles),
            Text(str(len(e["mentions"]))),
        )
    return table


def _role(role: dict[str, Any], view: dict[str, Any]) -> str:
    parts = [role["role"]]
    if role.get("of"):
        parts.append(f"of {_entity_name(view, role['of'])}")
    if role.get("when"):
        parts.append(f"({role['when']})")
    return " ".join(parts)


def _entity_name(view: dict[str, Any], ref: str) -> str:
    for e in view["entities"]:
        if e["id"] == ref:
            return str(e["name"])
    return ref


def _quotes(view: dict[str, Any]) -> Table:
    table = Table(title="Quotes", title_justify="left", expand=True)
    table.add_column("speaker", ratio=1)
    table.add_column("quote", ratio=4)
    table.add_column("cue")
    for q in view["quotes"]:
        names = [_entity_name(view, s) for s in q["speakers"]]
        who = ", ".join(names) or q.get("speaker_text") or "?"
        if names and q.get("speaker_text") and q["speaker_text"] not in names:
            who = f"{who} ({q['speaker_text']})"
        table.add_row(Text(who), Text(q["text"], style="italic"), Text(q.get("cue") or ""))
    return table


def _timeline(view: dict[str, Any]) -> Table:
    table = Table(title="Time expressions", title_justify="left")
    table.add_column("value", style="bold")
    table.add_column("type")
    table.add_column("text")
    rows = sorted(view["timexes"], key=lambda t: (t["value"] is None, t["value"] or "", t["start"]))
    for t in rows:
        table.add_row(Text(t["value"] or "unresolved"), Text(t["type"]), Text(t["text"]))
    return table


def _signature(view: dict[str, Any]) -> Text:
    sig = view["signature"]
    line = Text("Issued by: ", style="bold")
    line.append(" ".join(sig["name"].split()) if sig.get("name") else sig["text"])
    line.append(f"  ({sig['kind']}, confidence {sig['confidence']:.2f})", style="dim")
    return line


def highlighted_text(analysis: Analysis, limit: int = MAX_TEXT_CHARS) -> Text:
    """The document text with mentions coloured by type, quotes in italics, dates underlined."""
    text = analysis.document.text
    shown = text[:limit]
    out = Text(shown)
    for q in analysis.layer("quote"):
        out.stylize("italic", q.span.start, min(q.span.end, limit))
    for t in analysis.layer("timex"):
        out.stylize("underline", t.span.start, min(t.span.end, limit))
    for m in analysis.layer("mention"):
        style = TYPE_STYLE.get(m.label)
        if style:
            out.stylize(style, m.span.start, min(m.span.end, limit))
    if len(text) > limit:
        out.append(f"\n… {len(text) - limit:,} more characters", style="dim")
    return out


def report(analysis: Analysis, console: Console, *, show_text: bool = True) -> None:
    view = analysis.to_dict()
    parts: list[Any] = [_header(view)]
    if view["entities"]:
        parts.append(_entities(view))
    if view["quotes"]:
        parts.append(_quotes(view))
    if view["timexes"]:
        parts.append(_timeline(view))
    if view["signature"]:
        parts.append(_signature(view))
    if show_text:
        parts.append(Panel(highlighted_text(analysis), title="Text", title_align="left"))
    console.print(Group(*parts))


def snippet_text(snippet: str) -> Text:
    """A search snippet with its match markers turned into highlighting."""
    out = Text()
    bold = False
    # A snippet is one line of context; the document's line breaks would tear it apart.
    flat = " ".join(snippet.split("\n"))
    for piece in flat.replace(SNIPPET_END, SNIPPET_START).split(SNIPPET_START):
        out.append(piece, style="bold reverse" if bold else "")
        bold = not bold
    return out
