"""Reads about one document or one entity never read the whole corpus (SQLite query plans).

A read that scans a corpus-sized table, or makes SQLite build a temporary index over one, is
fast on a test store and takes seconds to minutes on a big one (shared passages took 5 s at
1,000 documents that way). SQLite's planner works without statistics on a new store, so the plan
of a small store is the plan of a big one; each SQL statement a read runs is caught with the
connection's trace callback and asked for its plan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest

from helpers import PTC, SEED
from scrutiny.model import Document
from scrutiny.pipeline import default_pipeline
from scrutiny.store.base import SearchFilters
from scrutiny.store.sqlite import SQLiteStore

# Tables that grow with the corpus. Small lookups (the FTS index's own structures) are not here.
CORPUS_TABLES = {
    "documents",
    "annotations",
    "entities",
    "provenance",
    "fingerprints",
    "passages",
    "lsh_bands",
    "corpus_entities",
    "corpus_keys",
    "entity_links",
    "claim_prints",
    "claim_bands",
    "event_roles",
    "entity_pairs",
    "claim_clusters",
}
_SCAN = re.compile(r"^SCAN (\w+)")
# Plans name a table by its alias in the statement.
_ALIAS = re.compile(r"\b(?:FROM|JOIN)\s+(\w+)(?:\s+AS)?\s+(\w+)", re.IGNORECASE)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    pipeline = default_pipeline()
    texts = [SEED.read_text(encoding="utf-8")]
    texts += [p.read_text(encoding="utf-8") for p in sorted(PTC.glob("train-articles/*.txt"))[:3]]
    with SQLiteStore.open(tmp_path_factory.mktemp("plans") / "s.db") as s:
        for text in texts:
            s.add(pipeline.analyze(Document.from_text(text)))
        # The seed again with a line of its own: a copy, so similar and shared passages find one.
        s.add(pipeline.analyze(Document.from_text(texts[0] + "\nReprinted.\n")))
        yield s


def traced(store: SQLiteStore, read: Callable[[], object]) -> list[str]:
    """The SQL statements ``read`` runs on the store's connection."""
    statements: list[str] = []
    store._conn.set_trace_callback(statements.append)
    try:
        read()
    finally:
        store._conn.set_trace_callback(None)
    assert statements, "the read ran no SQL"
    return statements


def corpus_reads(store: SQLiteStore, read: Callable[[], object]) -> list[str]:
    """The steps of the plans of ``read``'s statements that read a corpus table whole."""
    conn = store._conn
    statements = traced(store, read)
    found = []
    for sql in statements:
        if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        tables = {alias: table for table, alias in _ALIAS.findall(sql)}
        for step in (row[3] for row in conn.execute(f"EXPLAIN QUERY PLAN {sql}")):
            scan = _SCAN.match(step)
            # ANY(column) is a skip-scan: every entry of an index, read as if it were a search.
            whole = "AUTOMATIC" in step or "ANY(" in step
            if whole or (scan and tables.get(scan[1], scan[1]) in CORPUS_TABLES):
                found.append(f"{step}  <-  {sql[:300]}")
    return found


READS: dict[str, Callable[[SQLiteStore, str, int], object]] = {
    "get": lambda s, doc, _: s.get(doc),
    "similar": lambda s, doc, _: s.similar(doc),
    "shared passages": lambda s, doc, _: s.shared_passages(doc),
    "entity links": lambda s, doc, _: s.entity_links(doc),
    "search": lambda s, _, __: s.search("Atambayev mosque"),
    # Facets count over what a search matched, reached from the matches, not from every row.
    "facets": lambda s, _, __: s.facets("Atambayev government"),
    "entities matching a name": lambda s, _, __: s.corpus_entities("Atambayev"),
    # Every entity, but the most mentioned come first in an index.
    "most mentioned entities": lambda s, _, __: s.corpus_entities(limit=20),
    "one corpus entity": lambda s, _, entity: s.corpus_entity(entity),
    "graph around one entity": lambda s, _, entity: s.entity_graph(entity=entity),
    # The whole corpus's graph, but its heaviest edges come first in an index: no more is read.
    "corpus graph": lambda s, _, __: s.entity_graph(limit=20),
    # Every cluster, but the biggest come first in an index, as for the graph.
    "claims page": lambda s, _, __: s.claim_clusters(min_documents=1, limit=50),
}


@pytest.mark.parametrize("name", list(READS))
def test_a_read_about_one_thing_reads_no_corpus_table_whole(store: SQLiteStore, name: str) -> None:
    doc, entity = store.documents(limit=1)[0].id, store.corpus_entities(limit=1)[0].id
    assert corpus_reads(store, lambda: READS[name](store, doc, entity)) == []


def _plans(store: SQLiteStore, read: Callable[[], object]) -> list[str]:
    selects = [
        sql for sql in traced(store, read) if sql.lstrip().upper().startswith(("SELECT", "WITH"))
    ]
    return [row[3] for sql in selects for row in store._conn.execute(f"EXPLAIN QUERY PLAN {sql}")]


@pytest.mark.parametrize(
    "filters", [None, SearchFilters(date_from="2000"), SearchFilters(entity="Atambayev")]
)
def test_search_gets_its_hits_in_rank_order_from_the_index(
    store: SQLiteStore, filters: SearchFilters | None
) -> None:
    # A sort of its own would rank every match, and make a snippet of each, to show 20.
    steps = _plans(store, lambda: store.search("Atambayev government", filters=filters))
    assert steps and not [s for s in steps if "TEMP B-TREE FOR ORDER BY" in s]


def test_facets_and_filters_read_annotations_and_entities_from_an_index_alone(
    store: SQLiteStore,
) -> None:
    # Reading the annotation rows themselves means reading every layer with its JSON
    # attributes to count a few techniques: 100 ms and more for 2,000 matching documents; and
    # each entity row is a second read for its name and type.
    technique = SearchFilters(technique="Loaded_Language", signal="threat")
    steps = _plans(store, lambda: store.facets("Atambayev government"))
    steps += _plans(store, lambda: store.search("Atambayev government", filters=technique))
    steps += _plans(store, lambda: store.facets("", filters=SearchFilters(entity_type="PERSON")))
    for alias in ("a", "e"):
        reads = [s for s in steps if s.startswith(f"SEARCH {alias} ")]
        assert reads and all("COVERING INDEX" in s for s in reads), reads


def test_claim_clusters_and_their_oldest_claims_come_in_index_order(store: SQLiteStore) -> None:
    # A sort of their own would read every cluster, or every claim of a cluster repeated in
    # thousands of documents, to show the first few.
    steps = _plans(store, lambda: store.claim_clusters(min_documents=1, limit=50))
    assert steps and not [s for s in steps if "TEMP B-TREE" in s]


def test_similar_and_shared_passages_start_from_the_document_s_own_band_keys(
    store: SQLiteStore,
) -> None:
    # Reading every band key of a kind and looking each up among the document's own is a
    # SEARCH in the plan but reads 50 million rows at 100,000 documents.
    doc = store.documents(limit=1)[0].id
    steps = _plans(store, lambda: store.similar(doc)) + _plans(
        store, lambda: store.shared_passages(doc)
    )
    bands = [s for s in steps if "lsh_bands" in s]
    assert bands and not [s for s in bands if s.endswith("(kind=?)")], bands


def test_facets_match_the_query_once(store: SQLiteStore) -> None:
    statements = traced(store, lambda: store.facets("Atambayev government"))
    assert len([sql for sql in statements if "MATCH" in sql]) == 1


def test_the_check_sees_a_scan_when_there_is_one(store: SQLiteStore) -> None:
    def scanning() -> object:
        return store._conn.execute("SELECT count(*) FROM entity_links WHERE confidence > 2")

    assert corpus_reads(store, scanning)
