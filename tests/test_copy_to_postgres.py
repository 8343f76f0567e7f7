"""bench/copy_to_postgres.py: a PostgreSQL store copied from an SQLite one reads the same.

The PostgreSQL numbers at 100,000 documents in docs/benchmarks.md are read from such a copy, so
a column or table the copy missed, or an identity counter left behind, must show here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="the PostgreSQL store needs psycopg[binary]")

from helpers import PTC, ROOT, SEED
from pg_server import PgServer
from pg_server import pg_server as pg_server
from scrutiny.model import Document
from scrutiny.pipeline import default_pipeline
from scrutiny.store.base import Store
from scrutiny.store.postgres import PostgresStore
from scrutiny.store.sqlite import SQLiteStore

sys.path.insert(0, str(ROOT / "bench"))
import copy_to_postgres


def _reads(store: Store) -> dict[str, object]:
    """What a user reads of a store, in a form both stores give alike."""
    docs = store.documents(limit=100)
    first = docs[0].id
    nodes, edges = store.entity_graph(limit=500)
    claims = store.claim_clusters(min_documents=1, limit=100)
    return {
        "documents": [(d.id, d.title) for d in docs],
        "analyses": [store.get(d.id).to_dict() for d in docs],
        "entities": [(e.id, e.name, e.documents) for e in store.corpus_entities(limit=100)],
        "nodes": sorted(n.id for n in nodes),
        "edges": sorted((e.source, e.target, e.weight, e.events) for e in edges),
        "claims": [(c.id, c.documents, c.first_seen) for c in claims],
        "similar": [(s.id, s.relation) for s in store.similar(first)],
        "links": store.entity_links(first),
    }


def test_a_copied_store_reads_the_same_and_takes_new_documents(
    pg_server: PgServer, tmp_path: Path
) -> None:
    pipeline = default_pipeline()
    texts = [SEED.read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted(PTC.glob("train-articles/*.txt"))[:2]]
    texts.append(texts[0] + "\nReprinted.\n")  # added after the copy, to both stores
    analyses = [pipeline.analyze(Document.from_text(t)) for t in texts]
    path, url = tmp_path / "s.db", pg_server.create_database()
    with SQLiteStore.open(path) as source:
        for a in analyses[:-1]:
            source.add(a)
        version = source.schema_version
    with PostgresStore.open(url) as target:
        copy_to_postgres.copy(path, target, version)
    with SQLiteStore.open(path) as source, PostgresStore.open(url) as target:
        before = _reads(source)
        assert before["entities"] and before["claims"] and before["edges"]
        assert _reads(target) == before
        for store in (source, target):
            assert store.add(analyses[-1])
        after = _reads(source)
        assert after != before and _reads(target) == after
