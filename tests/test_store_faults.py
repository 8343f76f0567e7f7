"""The store under faults (a locked file, a full disk) and its backup and restore."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import PTC, SEED
from scrutiny.errors import StoreError
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.store import sqlite as sqlite_store
from scrutiny.store.sqlite import SQLiteStore, restore


def _analysis(i: int, words: int = 40) -> Analysis:
    text = f"Document {i}. " + " ".join(f"word{i}x{j}" for j in range(words)) + " Atambayev spoke."
    at = text.index("Atambayev")
    entity = Annotation(
        "e1", "entity", Span(at, at + 9), "PERSON", "t", "1", 1.0, {"name": "Atambayev"}
    )
    sentence = Annotation("s1", "sentence", Span(0, len(text)), "sentence", "t", "1")
    return Analysis(Document.from_text(text, title=f"d{i}"), (sentence, entity), {})


def _complete(path: Path) -> bool:
    """Every stored document has its annotations, entity rows and fingerprint."""
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT count(*) FROM documents AS d WHERE"
            " (SELECT count(*) FROM annotations AS a WHERE a.doc = d.seq) != 2"
            " OR NOT EXISTS (SELECT 1 FROM entity_links AS l WHERE l.doc = d.seq)"
            " OR NOT EXISTS (SELECT 1 FROM fingerprints AS f WHERE f.doc = d.seq)"
        ).fetchone() == (0,)


@pytest.fixture()
def fast_timeout(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(sqlite_store, "BUSY_TIMEOUT_MS", 300)
    yield


def test_a_locked_store_fails_cleanly_and_works_when_released(
    tmp_path: Path, fast_timeout: None
) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore.open(path) as store:
        store.add(_analysis(0))
        blocker = sqlite3.connect(path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            with pytest.raises(StoreError, match="locked"):
                store.add(_analysis(1))
            assert store.count() == 1  # reading still works under WAL
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        assert store.add(_analysis(1))
        assert store.count() == 2
    assert _complete(path)


def test_a_full_disk_stops_the_batch_with_nothing_half_stored(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    with SQLiteStore.open(path) as store:
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        # The file may not grow past a few more pages: SQLite's own "database or disk is full".
        store._conn.execute(f"PRAGMA max_page_count = {pages + 12}")
        added = 0
        with pytest.raises(StoreError, match="full"):
            for i in range(1_000):
                store.add(_analysis(i, words=400))
                added += 1
        assert 0 < added < 1_000
        assert store.count() == added
    assert _complete(path)
    with SQLiteStore.open(path) as store:  # a bigger disk: the batch goes on
        assert store.add(_analysis(added, words=400))


def test_a_locked_store_ends_a_cli_batch_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    SQLiteStore.open(path).close()
    blocker = sqlite3.connect(path, isolation_level=None, timeout=1)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        files = [str(p) for p in sorted((PTC / "train-articles").glob("article*.txt"))[:2]]
        out = subprocess.run(
            [sys.executable, "-m", "scrutiny", "--db", str(path), "add", *files],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert out.returncode == 3 and "Traceback" not in out.stderr
    assert "locked" in out.stderr


def test_backup_and_restore_round_trip(tmp_path: Path) -> None:
    original = tmp_path / "live.db"
    with SQLiteStore.open(original) as store:
        for i in range(5):
            store.add(_analysis(i))
        store.backup(tmp_path / "copy.db")
        with pytest.raises(StoreError, match="exists"):
            store.backup(tmp_path / "copy.db")
        expected = list(store.iter_analyses())
        entities = store.corpus_entities("Atambayev")
    target = tmp_path / "restored" / "scrutiny.db"
    assert restore(tmp_path / "copy.db", target) == 5
    with SQLiteStore.open(target) as restored:
        assert list(restored.iter_analyses()) == expected
        assert restored.corpus_entities("Atambayev") == entities
    with pytest.raises(StoreError, match="replace"):
        restore(tmp_path / "copy.db", target)
    (tmp_path / "junk.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError):
        restore(tmp_path / "junk.db", tmp_path / "other.db")


def test_backup_and_restore_commands(tmp_path: Path) -> None:
    db = tmp_path / "live"
    run = [sys.executable, "-m", "scrutiny"]
    assert subprocess.run([*run, "--db", str(db), "add", str(SEED)], check=False).returncode == 0
    copy = tmp_path / "backup.db"
    out = subprocess.run(
        [*run, "--db", str(db), "backup", str(copy)], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0 and "backed up 1 documents" in out.stdout
    fresh = tmp_path / "fresh"
    out = subprocess.run(
        [*run, "--db", str(fresh), "restore", str(copy)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "restored 1 documents" in out.stdout
    listed = subprocess.run(
        [*run, "--db", str(fresh), "search", "Narymbaev"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Dangers of Cooperating" in listed.stdout
