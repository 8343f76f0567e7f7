"""The entity-resolution gold pairs and their scorer (scrutiny eval entities)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scrutiny.analyzers.entities import EntityAnalyzer
from scrutiny.analyzers.language import LanguageAnalyzer
from scrutiny.analyzers.parse import ParseAnalyzer
from scrutiny.eval.entities import (
    DEFAULT_GOLD,
    GoldEntity,
    GoldFormatError,
    GoldPair,
    Link,
    entities_command,
    link_gold,
    load_gold,
    score,
)
from scrutiny.pipeline import Pipeline


def test_gold_has_both_splits_and_hard_negatives() -> None:
    pairs = load_gold(DEFAULT_GOLD)
    assert len(pairs) >= 300
    assert {p.split for p in pairs} == {"dev", "test"}
    assert sum(p.same for p in pairs) > 100 and sum(not p.same for p in pairs) > 100
    # The split is by pair of documents: no document pair has lines in both splits.
    split_of: dict[frozenset[str], str] = {}
    for p in pairs:
        key = frozenset((p.a.doc, p.b.doc))
        assert split_of.setdefault(key, p.split) == p.split
    # Namesakes are in it: different people who share a surname.
    assert any(not p.same and p.a.name.split()[-1] == p.b.name.split()[-1] == "Bush" for p in pairs)


def _line(tmp_path: Path, record: dict[str, object]) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def test_bad_gold_lines_are_reported_with_their_number(tmp_path: Path) -> None:
    a = {"doc": "x.txt", "name": "Kim", "group": "person"}
    good: dict[str, object] = {"split": "dev", "same": True, "a": a, "b": {**a, "doc": "y.txt"}}
    assert len(load_gold(_line(tmp_path, good))) == 1
    bad_lines: list[dict[str, object]] = [
        {**good, "split": "train"},
        {**good, "same": "yes"},
        {**good, "b": a},  # one document
        {**good, "b": {**a, "doc": "y.txt", "group": "DATE"}},
        {"split": "dev"},
    ]
    for bad in bad_lines:
        with pytest.raises(GoldFormatError, match="line 1"):
            load_gold(_line(tmp_path, bad))


def test_pairs_are_scored_by_shared_corpus_entity() -> None:
    def e(doc: str, name: str) -> GoldEntity:
        return GoldEntity(doc, name, "person")

    kim, un, il = e("a", "Kim Jong Un"), e("b", "Kim Jong-un"), e("c", "Kim Jong Il")
    lost = e("d", "Kim")
    pairs = [
        GoldPair("dev", kim, un, True),
        GoldPair("dev", kim, il, False),
        GoldPair("dev", un, il, False),
        GoldPair("test", kim, lost, True),
    ]
    links = {kim: Link(1, 1.0, ()), un: Link(1, 0.9, ("same name",)), il: Link(1, 0.6, ())}
    dev, test = score(pairs, links).values()
    assert (dev.gold_same, dev.predicted_same, dev.correct_same) == (1, 3, 1)
    precision, recall, _ = dev.scores()
    assert precision == pytest.approx(1 / 3) and recall == 1.0
    assert len(dev.errors) == 2 and all(x.startswith("false merge") for x in dev.errors)
    assert (test.unmapped, test.scores()) == (1, (0.0, 0.0, 0.0))
    assert "unmapped" in test.errors[0]


def test_gold_documents_are_analysed_into_a_store_and_linked(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Robert S. Mueller III met reporters in Washington on Monday.", encoding="utf-8"
    )
    (tmp_path / "b.txt").write_text(
        "Bob Mueller said nothing. The FBI declined to comment.", encoding="utf-8"
    )
    pairs = [
        GoldPair(
            "dev",
            GoldEntity("a.txt", "Robert S. Mueller III", "person"),
            GoldEntity("b.txt", "Bob Mueller", "person"),
            True,
        ),
        GoldPair(
            "test",
            GoldEntity("a.txt", "Washington", "place"),
            GoldEntity("b.txt", "Nobody Here", "person"),
            False,
        ),
    ]
    pipeline = Pipeline([LanguageAnalyzer(), ParseAnalyzer(), EntityAnalyzer()])
    links = link_gold(pairs, tmp_path, pipeline)
    mueller = links[pairs[0].a]
    assert links[pairs[0].b].corpus_entity == mueller.corpus_entity
    assert "short form of the given name" in links[pairs[0].b].evidence
    assert pairs[1].b not in links  # no such entity in b.txt
    dev, test = score(pairs, links).values()
    assert dev.scores() == (1.0, 1.0, 1.0) and test.unmapped == 1


def test_command_reports_a_table_and_rejects_bad_gold(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = CliRunner().invoke(entities_command, ["--gold", str(bad), "--shared", str(tmp_path)])
    assert result.exit_code == 1 and "line 1" in result.output
