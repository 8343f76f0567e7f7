"""The command line as a user runs it: real processes, real exit codes, real stderr."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import SEED

ENV = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}


def scrutiny(
    *args: str, stdin: bytes | None = None, db: Path | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "scrutiny"]
    if db is not None:
        cmd += ["--db", str(db)]
    proc = subprocess.run(
        [*cmd, *args], input=stdin, capture_output=True, env=ENV, timeout=300, check=False
    )
    return subprocess.CompletedProcess(
        proc.args, proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8")
    )


def test_help_lists_commands() -> None:
    out = scrutiny("--help")
    assert out.returncode == 0
    for command in ("analyze", "add", "search", "show", "export", "list"):
        assert command in out.stdout


def test_analyze_text_report_shows_findings() -> None:
    out = scrutiny("analyze", str(SEED), "--no-text")
    assert out.returncode == 0, out.stderr
    for expected in ("Entities", "Rafik Kamalov", "Atambayev", "Quotes", "2015-01/2015-03"):
        assert expected in out.stdout


def test_analyze_json_from_stdin_matches_file() -> None:
    from_file = json.loads(scrutiny("analyze", str(SEED), "--format", "json").stdout)
    piped = scrutiny("analyze", "-", "--format", "json", stdin=SEED.read_bytes())
    assert piped.returncode == 0, piped.stderr
    from_stdin = json.loads(piped.stdout)
    assert from_stdin["document"]["id"] == from_file["document"]["id"]
    assert from_stdin["entities"] == from_file["entities"]


def test_bad_inputs_get_one_line_each_and_the_batch_goes_on(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (tmp_path / "good.txt").write_text("The minister said the talks in Bishkek would resume.\n")
    out = scrutiny("analyze", str(tmp_path), "--format", "jsonl")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert len(out.stdout.strip().splitlines()) == 1  # the good document still came out
    errors = [
        line
        for line in out.stderr.splitlines()
        if line.startswith("scrutiny: ") and ".txt:" in line
    ]
    assert any("empty.txt" in e for e in errors) and any("image.txt" in e for e in errors)
    assert "2 of 3 inputs failed" in out.stderr


def test_missing_file_is_a_clean_error(tmp_path: Path) -> None:
    out = scrutiny("analyze", str(tmp_path / "nope.txt"))
    assert out.returncode == 1
    assert "nope.txt" in out.stderr and "Traceback" not in out.stderr


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("word " * 5_000)
    out = scrutiny("analyze", str(big), "--max-bytes", "1000")
    assert out.returncode == 1
    assert "big.txt" in out.stderr and "limit" in out.stderr


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("store")
    out = scrutiny("add", str(SEED), db=db)
    assert out.returncode == 0, out.stderr
    assert "added 1" in out.stdout
    return db


def test_re_adding_is_a_no_op(store_dir: Path) -> None:
    out = scrutiny("add", str(SEED), db=store_dir)
    assert out.returncode == 0
    assert "added 0, already stored 1" in out.stdout


def test_search_show_and_export(store_dir: Path, tmp_path: Path) -> None:
    found = scrutiny("search", "Narymbaev extortion", "--format", "json", db=store_dir)
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert len(hits) == 1 and "[extortion]" in hits[0]["snippet"]
    doc_id = hits[0]["id"]

    shown = json.loads(scrutiny("show", doc_id[:18], "--format", "json", db=store_dir).stdout)
    direct = json.loads(scrutiny("analyze", str(SEED), "--format", "json").stdout)
    assert shown["entities"] == direct["entities"]

    out = tmp_path / "all.jsonl"
    assert scrutiny("export", "--format", "jsonl", "--out", str(out), db=store_dir).returncode == 0
    assert json.loads(out.read_text().splitlines()[0])["document"]["id"] == doc_id


def test_search_filters_and_facets(store_dir: Path) -> None:
    args = ("search", "extortion", "--entity", "atambayev", "--facets", "--format", "json")
    found = scrutiny(*args, db=store_dir)
    assert found.returncode == 0, found.stderr
    result = json.loads(found.stdout)
    assert len(result["hits"]) == 1
    types = {f["value"]: f["count"] for f in result["facets"]["entity_type"]}
    assert types["PERSON"] == 1 and types["GPE"] == 1
    # A filter nothing meets empties the result; filters alone list documents.
    none = scrutiny("search", "extortion", "--language", "de", "--format", "json", db=store_dir)
    assert json.loads(none.stdout) == []
    listed = scrutiny("search", "--type", "PERSON", db=store_dir)
    assert listed.returncode == 0 and "no matches" not in listed.stdout
    bare = scrutiny("search", db=store_dir)
    assert bare.returncode == 2 and "QUERY" in bare.stderr


def test_entity_dossier_finds_spelling_variants(store_dir: Path) -> None:
    out = scrutiny("entity", "Atambaev", "--format", "json", db=store_dir)
    assert out.returncode == 0, out.stderr
    dossier = json.loads(out.stdout)
    assert dossier["entity"]["name"] == "Atambayev" and dossier["entity"]["type"] == "PERSON"
    (doc,) = dossier["documents"]
    assert doc["mention_count"] >= 1 and doc["links"][0]["evidence"]
    assert any(r["role"].casefold() == "president" for r in doc["roles"])
    text = scrutiny("entity", "Atambayev", db=store_dir)
    assert text.returncode == 0 and "president" in text.stdout
    missing = scrutiny("entity", "Nobody Atall", db=store_dir)
    assert missing.returncode == 1 and "Nobody Atall" in missing.stderr


def test_graph_exports(store_dir: Path, tmp_path: Path) -> None:
    out = scrutiny("graph", "--entity", "Atambaev", db=store_dir)
    assert out.returncode == 0, out.stderr
    graph = json.loads(out.stdout)
    names = {n["name"] for n in graph["nodes"]}
    assert "Atambayev" in names and len(graph["edges"]) == len(names) - 1
    target = tmp_path / "g.graphml"
    written = scrutiny("graph", "--format", "graphml", "--out", str(target), db=store_dir)
    assert written.returncode == 0 and target.read_text().startswith("<?xml")


def test_claims_command_runs_on_a_store(store_dir: Path) -> None:
    tracked = scrutiny("claims", "--tracked", "--format", "json", db=store_dir)
    assert tracked.returncode == 0, tracked.stderr
    assert json.loads(tracked.stdout) == []  # one document repeats nothing
    listed = scrutiny("claims", db=store_dir)
    assert listed.returncode == 0 and "Traceback" not in listed.stderr


def test_export_import_round_trip_and_parquet(store_dir: Path, tmp_path: Path) -> None:
    dump = tmp_path / "all.jsonl"
    assert scrutiny("export", "--format", "jsonl", "--out", str(dump), db=store_dir).returncode == 0
    dump.write_text(dump.read_text() + "not a record\n")
    fresh = tmp_path / "fresh"
    out = scrutiny("import", str(dump), db=fresh)
    assert out.returncode == 1 and "imported 1, already stored 0, failed 1" in out.stdout
    assert "all.jsonl:2:" in out.stderr and "Traceback" not in out.stderr
    doc_id = json.loads(dump.read_text().splitlines()[0])["document"]["id"]
    before = scrutiny("show", doc_id, "--format", "json", db=store_dir).stdout
    assert scrutiny("show", doc_id, "--format", "json", db=fresh).stdout == before
    pq = tmp_path / "pq"
    assert scrutiny("export", "--format", "parquet", "--out", str(pq), db=fresh).returncode == 0
    assert (pq / "documents.parquet").exists() and (pq / "entity.parquet").exists()
    ftm = tmp_path / "aleph.ftm.json"
    out = scrutiny("export", "--format", "ftm", "--out", str(ftm), db=fresh)
    assert out.returncode == 0 and "exported 1 documents" in out.stdout
    schemas = {json.loads(line)["schema"] for line in ftm.read_text().splitlines()}
    assert {"Article", "Person", "Mention"} <= schemas


def test_time_limit_fails_one_document_cleanly(tmp_path: Path) -> None:
    out = scrutiny("analyze", str(SEED), "--max-seconds", "0.1", "--format", "json")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "time limit" in out.stderr and "000_16034c0f2a97500a.txt" in out.stderr


def test_unknown_document_exits_3(store_dir: Path) -> None:
    out = scrutiny("show", "sha256:" + "0" * 64, db=store_dir)
    assert out.returncode == 3
    assert "Traceback" not in out.stderr


def test_similar_lists_copies_and_shared_passages(tmp_path: Path) -> None:
    seed = SEED.read_text(encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(seed.replace("Atambayev", "Atambaev").replace("Muslims", "believers"))
    db = tmp_path / "db"
    assert scrutiny("add", str(SEED), str(copy), db=db).returncode == 0
    analysed = json.loads(scrutiny("analyze", str(SEED), "--format", "json").stdout)
    seed_id = analysed["document"]["id"]

    out = scrutiny("similar", seed_id, "--format", "json", db=db)
    assert out.returncode == 0, out.stderr
    found = json.loads(out.stdout)
    assert [s["relation"] for s in found["similar"]] == ["near-duplicate"]
    assert found["shared_passages"]
    assert all(p["other_id"] != seed_id for p in found["shared_passages"])

    text = scrutiny("similar", seed_id[:20], db=db)
    assert "near-duplicate" in text.stdout and "shared passages" in text.stdout
    assert scrutiny("similar", "sha256:" + "0" * 64, db=db).returncode == 3
