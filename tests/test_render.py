"""The terminal report shows hostile text literally: no markup, no escape sequences from it."""

from __future__ import annotations

from rich.console import Console

from scrutiny.model import Analysis, Document
from scrutiny.render import report, snippet_text
from scrutiny.store.base import SNIPPET_END, SNIPPET_START


def render(analysis: Analysis) -> str:
    console = Console(record=True, width=100, force_terminal=True, color_system="truecolor")
    report(analysis, console)
    return console.export_text(styles=False)


def test_document_markup_and_escapes_are_not_interpreted() -> None:
    hostile = "[bold red]FAKE HEADER[/] \x1b[2J\x1b[31mred\x07 [link=file:///etc/passwd]x[/link]"
    doc = Document.from_text(hostile, title="[blink]title[/blink]\x1b]0;owned\x07", author="a\x1bb")
    out = render(Analysis(doc, ()))
    assert "[bold red]FAKE HEADER[/]" in out
    assert "[blink]title[/blink]" in out
    assert "[link=file:///etc/passwd]x[/link]" in out
    assert "\x1b" not in out and "\x07" not in out


def test_snippet_markers_become_highlights_and_lines_join() -> None:
    text = snippet_text(f"…the {SNIPPET_START}Putin{SNIPPET_END} regime in its\ncontinued decay…")
    assert text.plain == "…the Putin regime in its continued decay…"
    highlighted = [text.plain[s.start : s.end] for s in text.spans if s.style]
    assert highlighted == ["Putin"]
