"""Analyses out to files other tools read: scrutiny/1 JSON Lines, or CSV with one row per finding.

This module owns both formats' exact shape. Exports stream: one analysis at a time is held in
memory, however large the corpus.

CSV cells are made safe for spreadsheets: documents are hostile, and a cell such as
``=HYPERLINK(...)`` would run as a formula where analysts open the file. A text cell starting
with ``= + - @``, a tab, a carriage return or an apostrophe gets one leading apostrophe;
:func:`unguard_cell` removes it again, so programs reading the CSV get the exact text back.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from typing import Any, Literal, TextIO

from scrutiny.model import Analysis

Format = Literal["jsonl", "csv"]
FORMATS: tuple[Format, ...] = ("jsonl", "csv")

CSV_COLUMNS = (
    "doc_id",
    "layer",
    "id",
    "start",
    "end",
    "text",
    "label",
    "confidence",
    "analyzer",
    "version",
    "attrs",
)

# The apostrophe is in the set so that guarding can be undone unambiguously: every cell that
# starts with one after export had one added.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")

# json.dumps leaves these raw inside strings, yet str.splitlines() and many JSON Lines readers
# break lines at them; as \u escapes each record is sure to stay on one line.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}


def export(analyses: Iterable[Analysis], fmt: Format, out: TextIO) -> int:
    """Write ``analyses`` to ``out`` in ``fmt``; return how many documents were written.

    For CSV, open ``out`` with ``newline=""`` as the csv module requires.
    """
    if fmt == "jsonl":
        return _write_jsonl(analyses, out)
    if fmt == "csv":
        return _write_csv(analyses, out)
    raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")


def jsonl_line(analysis: Analysis) -> str:
    """One analysis as one JSON Lines record, newline included."""
    line = json.dumps(analysis.to_dict(), ensure_ascii=False)
    for char, escape in _LINE_BREAKS.items():
        if char in line:
            line = line.replace(char, escape)
    return line + "\n"


def _write_jsonl(analyses: Iterable[Analysis], out: TextIO) -> int:
    n = 0
    for analysis in analyses:
        out.write(jsonl_line(analysis))
        n += 1
    return n


def _write_csv(analyses: Iterable[Analysis], out: TextIO) -> int:
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    n = 0
    for analysis in analyses:
        writer.writerows(csv_rows(analysis))
        n += 1
    return n


def csv_rows(analysis: Analysis) -> list[list[Any]]:
    """The CSV rows of one analysis, one per annotation in the analysis's order."""
    doc = analysis.document
    return [
        [
            guard_cell(doc.id),
            guard_cell(a.layer),
            guard_cell(a.id),
            a.span.start,
            a.span.end,
            guard_cell(doc.slice(a.span)),
            guard_cell(a.label),
            a.confidence,
            guard_cell(a.analyzer),
            guard_cell(a.version),
            guard_cell(json.dumps(dict(a.attrs), ensure_ascii=False, default=str)),
        ]
        for a in analysis.annotations
    ]


def guard_cell(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet could read it as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def unguard_cell(value: str) -> str:
    """Undo :func:`guard_cell` on a text cell read back from an exported CSV."""
    return value[1:] if value.startswith("'") else value
