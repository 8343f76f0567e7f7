"""Near-duplicates, re-worded versions and shared passages, found through the store."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import PTC, SEED, wind_back
from pg_server import BACKENDS, open_backend
from pg_server import pg_server as pg_server  # the session fixture, found by pytest here
from scrutiny.model import Analysis, Document
from scrutiny.store.base import Store
from scrutiny.store.sqlite import SQLiteStore

ARTICLES = sorted((PTC / "train-articles").glob("article*.txt"))


def _analysis(text: str, title: str) -> Analysis:
    return Analysis(Document.from_text(text, title=title, source=f"{title}.txt"), (), {})


def _reworded(text: str) -> str:
    """Same vocabulary, different order: every line's sentences reversed, words in threes moved."""
    rng = random.Random(5)
    lines = []
    for line in text.split("\n"):
        words = line.split()
        chunks = [words[i : i + 3] for i in range(0, len(words), 3)]
        rng.shuffle(chunks)
        lines.append(" ".join(w for c in chunks for w in c))
    return "\n".join(lines)


@pytest.fixture(params=BACKENDS)
def corpus(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Store, dict[str, Analysis]]]:
    seed = SEED.read_text(encoding="utf-8")
    paragraph = max(seed.split("\n"), key=len)
    docs = {
        "seed": _analysis(seed, "seed"),
        "edited": _analysis(
            seed.replace("Atambayev", "Atambaev").replace("Muslims", "believers"), "edited"
        ),
        "reworded": _analysis(_reworded(seed), "reworded"),
        "host": _analysis(ARTICLES[0].read_text(encoding="utf-8") + "\n" + paragraph, "host"),
    }
    for i, path in enumerate(ARTICLES[1:16]):
        docs[f"other{i}"] = _analysis(path.read_text(encoding="utf-8"), f"other{i}")
    with open_backend(request.param, request, tmp_path / "s.db") as store:
        for a in docs.values():
            assert store.add(a)
        yield store, docs


def test_similar_finds_copies_and_rewordings_and_nothing_else(
    corpus: tuple[Store, dict[str, Analysis]],
) -> None:
    store, docs = corpus
    found = {s.title: s for s in store.similar(docs["seed"].document.id)}
    assert set(found) == {"edited", "reworded"}
    assert found["edited"].relation == "near-duplicate"
    assert found["edited"].shingles > 0.5
    assert found["reworded"].relation == "re-worded"
    assert found["reworded"].shingles < 0.5 < found["reworded"].words
    # Symmetric, and the unrelated articles find nothing.
    assert {s.title for s in store.similar(docs["edited"].document.id)} >= {"seed"}
    assert store.similar(docs["other3"].document.id) == []


def test_similar_respects_limit_and_prefix(
    corpus: tuple[Store, dict[str, Analysis]],
) -> None:
    store, docs = corpus
    prefix = docs["seed"].document.id[:20]
    assert len(store.similar(prefix, limit=1)) == 1
    assert store.similar(prefix, limit=0) == []


def test_shared_passage_is_aligned_in_both_documents(
    corpus: tuple[Store, dict[str, Analysis]],
) -> None:
    store, docs = corpus
    host = docs["host"].document
    shared = [p for p in store.shared_passages(host.id) if p.other_title == "seed"]
    assert len(shared) == 1
    p = shared[0]
    seed = docs["seed"].document.text
    assert host.text[p.start : p.end] == seed[p.other_start : p.other_end]
    assert p.similarity == 1.0
    # The copy and the rewording repeat seed paragraphs too, but the unrelated articles do not.
    assert {s.other_title for s in store.shared_passages(docs["other2"].document.id)} == set()


def test_only_passages_take_the_candidate_places(
    corpus: tuple[Store, dict[str, Analysis]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The seed's own band keys, as a whole document, match its near-copy too; they have no
    # passage and must not take the one place left.
    for store_module in ("sqlite", "postgres"):
        monkeypatch.setattr(f"scrutiny.store.{store_module}.MAX_CANDIDATES", 1)
    store, docs = corpus
    assert len(store.shared_passages(docs["seed"].document.id)) == 1


def test_deleting_a_document_removes_its_fingerprints(
    corpus: tuple[Store, dict[str, Analysis]],
) -> None:
    store, docs = corpus
    assert store.delete(docs["edited"].document.id)
    assert "edited" not in {s.title for s in store.similar(docs["seed"].document.id)}
    leftovers = store._conn.execute(  # type: ignore[attr-defined]
        "SELECT count(*) FROM lsh_bands WHERE doc NOT IN (SELECT seq FROM documents)"
    ).fetchone()
    assert tuple(leftovers) == (0,)


def test_documents_stored_before_fingerprints_are_fingerprinted_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    seed = SEED.read_text(encoding="utf-8")
    with SQLiteStore.open(path) as store:
        store.add(_analysis(seed, "seed"))
        store.add(_analysis(seed.replace("Atambayev", "Atambaev"), "edited"))
    # Take the file back to schema version 1, as a store made before migration 0002 was.
    tables = ("lsh_bands", "passages", "fingerprints")
    tables += ("entity_links", "corpus_keys", "corpus_entities", "entity_decisions")
    tables += ("claim_bands", "claim_prints", "event_roles", "entity_pairs")
    wind_back(path, 1, *(f"DROP TABLE {table}" for table in tables))
    with SQLiteStore.open(path) as store:
        seed_id = Document.from_text(seed).id
        assert [s.title for s in store.similar(seed_id)] == ["edited"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_document_without_words_has_no_similar_documents(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    with open_backend(backend, request, tmp_path / "s.db") as store:
        a = _analysis("!!! ??? …", "punctuation")
        b = _analysis("??? !!! …", "punctuation too")
        store.add(a)
        store.add(b)
        assert store.similar(a.document.id) == []
        assert store.shared_passages(a.document.id) == []
