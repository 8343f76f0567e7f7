"""Helpers shared by the tests: ``from helpers import analyze_with, SEED``."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from scrutiny.model import Analysis, Document
from scrutiny.pipeline import Analyzer, Pipeline

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "examples" / "000_16034c0f2a97500a.txt"
PTC = SHARED / "data" / "ptc"


def assert_valid_spans(analysis: Analysis) -> None:
    """Every span lies inside the text and every ``text`` in the JSON is its exact slice."""
    text = analysis.document.text
    for a in analysis.annotations:
        assert 0 <= a.span.start <= a.span.end <= len(text), a
    ids = {a.id for a in analysis.annotations}
    assert len(ids) == len(analysis.annotations), "annotation ids must be unique"

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if {"start", "end", "text"} <= node.keys() and isinstance(node["start"], int):
                assert node["text"] == text[node["start"] : node["end"]], node
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    view = analysis.to_dict()
    view["document"].pop("text")
    walk(view)


def analyze_with(text: str, *analyzers: Analyzer, published: str | None = None) -> Analysis:
    """Run ``language`` and ``parse`` plus the given analyzers on ``text``."""
    from scrutiny.analyzers.language import LanguageAnalyzer
    from scrutiny.analyzers.parse import ParseAnalyzer

    doc = Document.from_text(text, published=published)
    return Pipeline([LanguageAnalyzer(), ParseAnalyzer(), *analyzers]).analyze(doc)


# What migrations 10 to 17 changed in tables an older store already had, newest first so that each
# is undone before what it built on. The other migrations since 9 can simply run again.
_LATER_MIGRATIONS = (
    (
        17,
        (
            "DROP INDEX entity_pairs_tier",
            "ALTER TABLE entity_pairs DROP COLUMN tier",
            "CREATE INDEX entity_pairs_weight ON entity_pairs (docs DESC, x, y)",
        ),
    ),
    (
        14,
        (
            "DROP INDEX claim_prints_cluster",
            "ALTER TABLE claim_prints DROP COLUMN day",
            "CREATE INDEX claim_prints_cluster ON claim_prints (cluster, doc)",
        ),
    ),
    (13, ("DROP TABLE crowded_documents",)),
    (12, ("DROP INDEX corpus_entities_docs", "ALTER TABLE corpus_entities DROP COLUMN docs")),
    (10, ("DROP TABLE claim_clusters",)),
)


def wind_back(path: Path, version: int, *statements: str) -> None:
    """Make the SQLite store file at ``path`` look as schema ``version`` made it, so that opening
    it migrates it again: undo what migrations 10 and later changed, run ``statements`` (what
    the caller's older migrations added), and set the version."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for since, undo in _LATER_MIGRATIONS:
            if version < since:
                for sql in undo:
                    conn.execute(sql)
        for sql in statements:
            conn.execute(sql)
        conn.execute(f"PRAGMA user_version = {version:d}")
    finally:
        conn.close()
