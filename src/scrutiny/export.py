"""Analyses out to files other tools read, and back: scrutiny/1 JSON Lines, CSV, Parquet.

This module owns the formats' exact shape. Exports stream: one analysis at a time is held in
memory, however large the corpus. A JSON Lines export is lossless: each record is the scrutiny/1
view plus the document's metadata and every annotation, so :func:`read_jsonl` rebuilds the very
analysis that was exported (``scrutiny import``), and a corpus moves between stores intact.

CSV cells are made safe for spreadsheets: documents are hostile, and a cell such as
``=HYPERLINK(...)`` would run as a formula where analysts open the file. A text cell starting
with ``= + - @``, a tab, a carriage return or an apostrophe gets one leading apostrophe;
:func:`unguard_cell` removes it again, so programs reading the CSV get the exact text back.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal, TextIO

from scrutiny.errors import IngestError, ScrutinyError
from scrutiny.model import Analysis, Annotation, Document, check_spans

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
    line = json.dumps(export_record(analysis), ensure_ascii=False, default=str)
    for char, escape in _LINE_BREAKS.items():
        if char in line:
            line = line.replace(char, escape)
    return line + "\n"


def export_record(analysis: Analysis) -> dict[str, Any]:
    """The scrutiny/1 view with what it leaves out for brevity: metadata and the annotations."""
    record = analysis.to_dict()
    record["document"]["meta"] = dict(analysis.document.meta)
    record["annotations"] = [a.to_dict() for a in analysis.annotations]
    return record


def read_jsonl(lines: Iterable[str], name: str) -> Iterator[Analysis | ScrutinyError]:
    """The analyses of an export, in order; a bad record yields an error naming its line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield analysis_from_record(json.loads(line))
        except (ValueError, TypeError, KeyError) as exc:
            yield IngestError(f"{name}:{number}", f"not a scrutiny export record: {exc}")


def analysis_from_record(record: Mapping[str, Any]) -> Analysis:
    """The analysis an :func:`export_record` was made from; ``ValueError`` if it cannot be."""
    if not isinstance(record, Mapping) or record.get("schema") != "scrutiny/1":
        raise ValueError("schema is not scrutiny/1")
    if not isinstance(record.get("annotations"), list):
        raise ValueError("no annotations (output of scrutiny analyze, not of scrutiny export)")
    d = record["document"]
    text = d["text"]
    if not isinstance(text, str):
        raise ValueError("document text is not a string")
    expected = Document.from_text(text)
    # The id is the hash of the text: a record whose id and text disagree was altered.
    if expected.text != text or expected.id != d["id"]:
        raise ValueError("document id does not match its text")
    document = Document(
        id=expected.id,
        text=text,
        title=_optional_str(d.get("title")),
        author=_optional_str(d.get("author")),
        published=_optional_str(d.get("published")),
        source=_optional_str(d.get("source")),
        media_type=str(d.get("media_type") or "text/plain"),
        meta=dict(d.get("meta") or {}),
    )
    annotations = tuple(Annotation.from_dict(a) for a in record["annotations"])
    check_spans(document, annotations)
    provenance = {
        str(layer): {"analyzer": str(p["analyzer"]), "version": str(p["version"])}
        for layer, p in dict(record.get("provenance") or {}).items()
    }
    return Analysis(document, annotations, provenance)


def _optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def export_parquet(analyses: Iterable[Analysis], folder: Path) -> int:
    """``documents.parquet`` and one ``<layer>.parquet`` of findings per layer, in ``folder``.

    Findings carry their evidence text and ``attrs`` as a JSON string, so each file is one flat
    table a dataframe library reads directly.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    writers: dict[str, pq.ParquetWriter] = {}

    def write(name: str, schema: pa.Schema, rows: list[dict[str, Any]]) -> None:
        if name not in writers:
            writers[name] = pq.ParquetWriter(folder / f"{name}.parquet", schema)
        writers[name].write_table(pa.Table.from_pylist(rows, schema=schema))

    n = 0
    try:
        for analysis in analyses:
            doc = analysis.document
            write("documents", _document_schema(), [_document_row(analysis)])
            by_layer: dict[str, list[dict[str, Any]]] = {}
            for a in analysis.annotations:
                by_layer.setdefault(a.layer, []).append(_finding_row(doc, a))
            for layer, rows in by_layer.items():
                if not _LAYER_NAME.fullmatch(layer):
                    raise ValueError(f"layer name {layer!r} cannot be a file name")
                write(layer, _finding_schema(), rows)
            n += 1
    finally:
        for w in writers.values():
            w.close()
    return n


_LAYER_NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")


def export_csv_layers(analyses: Iterable[Analysis], folder: Path) -> int:
    """``documents.csv`` and one ``<layer>.csv`` per layer in ``folder``: the Parquet tables as
    CSV, text cells guarded against spreadsheet formulas like the single-file CSV."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[TextIO, Any]] = {}

    def write(name: str, row: dict[str, Any]) -> None:
        if name not in files:
            fh = (folder / f"{name}.csv").open("w", encoding="utf-8", newline="")
            writer = csv.DictWriter(fh, fieldnames=list(row))
            writer.writeheader()
            files[name] = (fh, writer)
        files[name][1].writerow(
            {k: guard_cell(v) if isinstance(v, str) else v for k, v in row.items()}
        )

    n = 0
    try:
        for analysis in analyses:
            write("documents", _document_row(analysis))
            for a in analysis.annotations:
                if not _LAYER_NAME.fullmatch(a.layer):
                    raise ValueError(f"layer name {a.layer!r} cannot be a file name")
                write(a.layer, _finding_row(analysis.document, a))
            n += 1
    finally:
        for fh, _ in files.values():
            fh.close()
    return n


def _document_row(analysis: Analysis) -> dict[str, Any]:
    doc = analysis.document
    return {
        "id": doc.id,
        "title": doc.title,
        "author": doc.author,
        "published": doc.published,
        "source": doc.source,
        "media_type": doc.media_type,
        "language": analysis.language,
        "text": doc.text,
    }


def _finding_row(doc: Document, a: Annotation) -> dict[str, Any]:
    return {
        "doc_id": doc.id,
        "id": a.id,
        "start": a.span.start,
        "end": a.span.end,
        "text": doc.slice(a.span),
        "label": a.label,
        "confidence": a.confidence,
        "analyzer": a.analyzer,
        "version": a.version,
        "attrs": json.dumps(dict(a.attrs), ensure_ascii=False, default=str),
    }


@cache
def _document_schema() -> Any:
    import pyarrow as pa

    text = pa.string()
    return pa.schema(
        [(c, text) for c in ("id", "title", "author", "published", "source", "media_type")]
        + [("language", text), ("text", text)]
    )


@cache
def _finding_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("id", pa.string()),
            ("start", pa.int64()),
            ("end", pa.int64()),
            ("text", pa.string()),
            ("label", pa.string()),
            ("confidence", pa.float64()),
            ("analyzer", pa.string()),
            ("version", pa.string()),
            ("attrs", pa.string()),
        ]
    )


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
