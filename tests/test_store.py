"""The stores: exact round trips, safe search, all-or-nothing adds, migrations, locations.

Tests taking the ``store`` fixture run against SQLite and PostgreSQL (tests/pg_server.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import SEED, analyze_with
from pg_server import BACKENDS, open_backend
from pg_server import pg_server as pg_server  # the session fixture, found by pytest here
from scrutiny.errors import NotFound, StoreError
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.store import (
    DB_NAME,
    SNIPPET_END,
    SNIPPET_START,
    open_store,
    parse_query,
    resolve_location,
)
from scrutiny.store.base import Store, parse_doc_id
from scrutiny.store.sqlite import (
    Migration,
    SQLiteStore,
    _apply,
    _require_fts5,
    fts5_query,
    load_migrations,
    migrate,
    split_statements,
)

ARREST = (
    "In the beginning of 2015, the government arrested Rashod Qori Kamalov, the son of Rafik "
    "Kamalov. Madumarov, then Deputy Prime Minister, was accused of extortion.\n\nNobody has "
    "been released."
)
PROTEST = "Café owners in Bishkek protested against the new taxes on Monday; the police watched."


def _find(text: str, needle: str) -> Span:
    at = text.index(needle)
    return Span(at, at + len(needle))


def make_analysis(text: str, *, title: str | None = None, **meta: Any) -> Analysis:
    """A small hand-built analysis with every kind of attrs the store has to keep."""
    doc = Document.from_text(
        text, title=title, source="test.txt", published="2015-03-01", meta=meta
    )
    whole = Span(0, len(doc.text))
    anns = [
        Annotation("l1", "language", whole, "en", "language", "1.0", 0.99),
        Annotation("s1", "sentence", whole, "sentence", "parse", "3.8"),
    ]
    first_word = _find(doc.text, doc.text.split()[0])
    anns.append(
        Annotation(
            "e1",
            "entity",
            first_word,
            "ORG",
            "entities",
            "0.1",
            0.75,
            {"name": doc.slice(first_word), "aliases": [doc.slice(first_word), "Alias"]},
        )
    )
    anns.append(
        Annotation(
            "m1",
            "mention",
            first_word,
            "ORG",
            "entities",
            "0.1",
            0.5,
            {"entity": "e1", "kind": "name", "nested": {"list": [1, 2.5, None, True]}},
        )
    )
    provenance = {
        "language": {"analyzer": "language", "version": "1.0"},
        "sentence": {"analyzer": "parse", "version": "3.8"},
        "entity": {"analyzer": "entities", "version": "0.1"},
        "mention": {"analyzer": "entities", "version": "0.1"},
    }
    return Analysis(doc, tuple(anns), provenance)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    with open_backend(request.param, request, tmp_path / "test.db") as s:
        yield s


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[SQLiteStore]:
    with SQLiteStore.open(tmp_path / "test.db") as s:
        yield s


def _rows(store: Any, sql: str, *params: object) -> list[tuple[Any, ...]]:
    # Both backends' connections take "?" placeholders (the PostgreSQL one translates them).
    return [tuple(r) for r in store._conn.execute(sql, params).fetchall()]


def _fts_intact(store: Any) -> None:
    if isinstance(store, SQLiteStore):
        # Raises if the external-content index disagrees with the documents table.
        store._conn.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")
    else:  # PostgreSQL's tsvector is a generated column: every stored row has its own
        assert _rows(store, "SELECT count(*) FROM documents WHERE search IS NULL") == [(0,)]


# --- round trips --------------------------------------------------------------------------------


def test_store_satisfies_the_protocol(store: Store) -> None:
    assert isinstance(store, Store)


def test_get_returns_exactly_what_was_added(store: Store) -> None:
    a = make_analysis(ARREST, title="Arrest", origin="wire", tags=["a", "b"])
    assert store.add(a) is True
    back = store.get(a.document.id)
    assert back == a
    assert back.to_dict() == a.to_dict()
    assert [x.id for x in back.annotations] == ["l1", "s1", "e1", "m1"]


def test_get_reads_only_the_layers_asked_for(store: Store) -> None:
    a = make_analysis(ARREST)
    store.add(a)
    layers = sorted({x.layer for x in a.annotations})
    wanted = (layers[0], "no such layer")
    part = store.get(a.document.id, layers=wanted)
    assert part.document == a.document
    assert part.annotations == tuple(x for x in a.annotations if x.layer in wanted)
    assert part.provenance == {k: v for k, v in a.provenance.items() if k in wanted}
    assert part.layer(layers[0]) and not part.layer(layers[1])
    nothing = store.get(a.document.id, layers=())
    assert nothing.annotations == () and nothing.provenance == {}


def test_annotation_order_is_kept_not_sorted(store: Store) -> None:
    a = make_analysis(ARREST)
    shuffled = Analysis(a.document, tuple(reversed(a.annotations)), a.provenance)
    store.add(shuffled)
    assert [x.id for x in store.get(a.document.id).annotations] == ["m1", "e1", "s1", "l1"]


def test_real_analysis_round_trips(store: Store) -> None:
    a = analyze_with(SEED.read_text(encoding="utf-8"))
    assert len(a.layer("sentence")) > 10
    store.add(a)
    back = store.get(a.document.id)
    assert back.to_dict() == a.to_dict()
    assert back == a
    hits = store.search("Narymbaev extortion")
    assert [h.id for h in hits] == [a.document.id]
    assert f"{SNIPPET_START}extortion{SNIPPET_END}" in hits[0].snippet


def test_re_adding_is_a_no_op(store: Store) -> None:
    a = make_analysis(ARREST)
    assert store.add(a) is True
    assert store.add(a) is False
    # Another analysis of the same text (different findings) does not replace the stored one.
    other = Analysis(a.document, a.annotations[:1], {})
    assert store.add(other) is False
    assert store.count() == 1
    assert store.get(a.document.id) == a


def test_entities_and_provenance_tables_are_filled(store: Store) -> None:
    a = make_analysis(ARREST)
    store.add(a)
    assert _rows(store, "SELECT entity_id, name, type, aliases FROM entities") == [
        ("e1", "In", "ORG", '["In","Alias"]')
    ]
    assert len(_rows(store, "SELECT * FROM provenance")) == 4
    assert _rows(store, "SELECT language, chars FROM documents") == [("en", len(ARREST))]


# --- ids ----------------------------------------------------------------------------------------


def test_get_by_prefix(store: Store) -> None:
    a = make_analysis(ARREST)
    store.add(a)
    digest = a.document.id.removeprefix("sha256:")
    for given in (digest[:6], "sha256:" + digest[:10], digest.upper()[:12], f"  {digest}  "):
        assert store.get(given).document.id == a.document.id


def test_unknown_and_malformed_ids(store: Store) -> None:
    store.add(make_analysis(ARREST))
    with pytest.raises(NotFound):
        store.get("sha256:" + "0" * 64)
    with pytest.raises(NotFound):
        store.get("000000")
    with pytest.raises(StoreError, match="too short"):
        store.get("abc")
    with pytest.raises(StoreError, match="not a document id"):
        store.get("'; DROP TABLE documents; --")
    assert store.count() == 1


def test_ambiguous_prefix(store: Store) -> None:
    for tail in ("1", "2"):
        doc = Document(id="sha256:abcdef" + tail * 58, text=f"text {tail}")
        store.add(Analysis(doc, ()))
    with pytest.raises(StoreError, match="ambiguous id prefix"):
        store.get("abcdef")
    assert store.get("abcdef1").document.text == "text 1"


def test_parse_doc_id() -> None:
    full = "sha256:" + "a" * 64
    assert parse_doc_id(full.upper().replace("SHA256:", "sha256:")).value == full
    assert parse_doc_id("a" * 64).is_prefix is False
    assert parse_doc_id("abcdef").is_prefix is True
    for bad in ("", "sha256:", "xyzxyzxyz", "a" * 65, "abc def"):
        with pytest.raises(StoreError):
            parse_doc_id(bad)


# --- delete, listing ----------------------------------------------------------------------------


def test_delete_removes_everything(store: Store) -> None:
    a, b = make_analysis(ARREST), make_analysis(PROTEST)
    store.add(a)
    store.add(b)
    assert store.delete(a.document.id) is True
    assert store.delete(a.document.id) is False
    assert not store.has(a.document.id)
    assert store.search("extortion") == []
    assert [h.id for h in store.search("protested")] == [b.document.id]
    left = {t: len(_rows(store, f"SELECT * FROM {t}")) for t in ("annotations", "entities")}
    assert left == {"annotations": 4, "entities": 1}  # only b's rows remain
    assert len(_rows(store, "SELECT * FROM provenance")) == 4
    _fts_intact(store)
    assert store.get(b.document.id) == b


def test_documents_lists_newest_first(store: Store) -> None:
    analyses = [make_analysis(f"Document number {i} about taxes.", title=f"T{i}") for i in range(5)]
    for a in analyses:
        store.add(a)
    listed = store.documents()
    assert [d.title for d in listed] == ["T4", "T3", "T2", "T1", "T0"]
    first = listed[-1]
    assert first.source == "test.txt" and first.published == "2015-03-01"
    assert first.language == "en" and first.chars == len(analyses[0].document.text)
    assert first.added.endswith("Z") and first.added[:2] == "20"
    assert [d.title for d in store.documents(limit=2, offset=1)] == ["T3", "T2"]
    assert store.documents(limit=0) == [] and store.documents(limit=-1) == []
    assert store.count() == 5
    assert [a.document.id for a in store.iter_analyses()] == [a.document.id for a in analyses]


def test_iteration_tolerates_deletes_meanwhile(store: Store) -> None:
    a, b = make_analysis(ARREST), make_analysis(PROTEST)
    store.add(a)
    store.add(b)
    seen = []
    for analysis in store.iter_analyses():
        seen.append(analysis.document.id)
        store.delete(b.document.id)
    assert seen == [a.document.id]


# --- search -------------------------------------------------------------------------------------


@pytest.fixture
def corpus(store: Store) -> Store:
    store.add(make_analysis(ARREST, title="Arrests in Kyrgyzstan"))
    store.add(make_analysis(PROTEST, title="Protest"))
    store.add(make_analysis("The minister said the prime target was inflation.", title="Econ"))
    return store


def _titles(store: Store, query: str) -> list[str | None]:
    return [h.title for h in store.search(query)]


def test_words_are_anded_and_stemmed(corpus: Store) -> None:
    assert _titles(corpus, "arrests Kamalov") == ["Arrests in Kyrgyzstan"]
    assert _titles(corpus, "cafe") == ["Protest"]  # diacritics folded
    assert _titles(corpus, "PROTESTING") == ["Protest"]  # case folded, porter stem


def test_quoted_phrase_is_exact(corpus: Store) -> None:
    assert sorted(map(str, _titles(corpus, "prime minister"))) == ["Arrests in Kyrgyzstan", "Econ"]
    assert _titles(corpus, '"prime minister"') == ["Arrests in Kyrgyzstan"]
    assert _titles(corpus, "“prime minister”") == ["Arrests in Kyrgyzstan"]


def test_snippet_marks_matches(corpus: Store) -> None:
    (hit,) = corpus.search("extortion")
    assert f"{SNIPPET_START}extortion{SNIPPET_END}" in hit.snippet
    assert hit.snippet.count(SNIPPET_START) == hit.snippet.count(SNIPPET_END) == 1
    assert len(hit.snippet.split()) <= 18  # about 16 tokens, plus ellipses


def test_snippet_marks_cut_text_with_ellipses(store: Store) -> None:
    filler = " ".join(f"word{i}" for i in range(40))
    store.add(make_analysis(f"Opening needle {filler} middle haystack {filler} closing."))
    (start,) = store.search("opening")
    assert start.snippet.startswith(f"{SNIPPET_START}Opening{SNIPPET_END}")
    assert start.snippet.endswith("…")
    (middle,) = store.search("haystack")
    assert middle.snippet.startswith("…") and middle.snippet.endswith("…")


def test_or_fallback_when_no_document_has_every_word(corpus: Store) -> None:
    titles = _titles(corpus, "extortion unicorn")
    assert titles == ["Arrests in Kyrgyzstan"]
    # A phrase stays whole in the fallback: its words are not searched on their own.
    assert _titles(corpus, '"minister prime" unicorn') == []


def test_ranking_prefers_more_and_title_matches(store: Store) -> None:
    for i in range(4):  # so that "taxes" is rare enough for bm25 to weigh it
        store.add(make_analysis(f"Unrelated filler document number {i}."))
    store.add(make_analysis("Taxes were discussed once, among many other things here."))
    store.add(make_analysis("Taxes, taxes, taxes: the taxes debate is all about taxes."))
    store.add(make_analysis("A debate about other matters entirely.", title="Taxes"))
    hits = store.search("taxes")
    assert len(hits) == 3
    assert hits[0].title == "Taxes"
    assert hits[1].snippet.startswith(f"{SNIPPET_START}Taxes{SNIPPET_END}, {SNIPPET_START}")
    assert hits[0].score > hits[1].score > hits[2].score


HOSTILE_QUERIES = [
    "",
    "   ",
    "!!! ??? ...",
    '"',
    '""',
    '"unbalanced quote',
    'a" b" "c',
    "NEAR(extortion arrested, 2)",
    "extortion AND NOT arrested",
    "-extortion",
    "extort*",
    "title:extortion",
    "^extortion",
    "(extortion",
    "extortion OR",
    "'; DROP TABLE documents; --",
    "\x00\x02\x03",
    "مرحبا بالعالم 🙂",
    "x" * 1_000_000,
    " ".join(["extortion"] * 5_000),
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=range(len(HOSTILE_QUERIES)))
def test_hostile_queries_never_raise(corpus: Store, query: str) -> None:
    hits = corpus.search(query)
    assert isinstance(hits, list)
    assert corpus.count() == 3


def test_operators_are_words(corpus: Store) -> None:
    assert _titles(corpus, "extortion AND NOT arrested") == ["Arrests in Kyrgyzstan"]
    assert _titles(corpus, "-extortion") == ["Arrests in Kyrgyzstan"]
    assert _titles(corpus, "title:extortion") == ["Arrests in Kyrgyzstan"]  # "title" via OR
    assert corpus.search("!!! ???") == []
    assert corpus.search("extortion", limit=0) == []


def test_parse_query() -> None:
    assert parse_query('Deputy "prime minister" NEAR(x)') == [
        ("Deputy",),
        ("prime", "minister"),
        ("NEAR",),
        ("x",),
    ]
    assert parse_query('"unbalanced phrase') == [("unbalanced",), ("phrase",)]
    assert parse_query('a "b c" "d') == [("a",), ("b", "c"), ("d",)]
    assert parse_query("x x X") == [("x",), ("X",)]
    assert parse_query("snake_case-word") == [("snake",), ("case",), ("word",)]
    assert parse_query("...") == [] and parse_query('""') == []
    assert len(parse_query(" ".join(f"w{i}" for i in range(500)))) == 32


def test_fts5_query_quotes_every_term() -> None:
    assert fts5_query([("a",), ("b", "c")], "AND") == '"a" AND "b c"'
    assert fts5_query([('x"y',)], "OR") == '"x""y"'


def test_large_and_unusual_documents(store: Store) -> None:
    big = ("word " * 200_000) + "needle"
    rtl = "‏שלום עולם‎ 🙂 مرحبا \u202edesrever\u202c"
    for text in (big, rtl, "!!!", "x"):
        a = Analysis(Document.from_text(text), ())
        assert store.add(a)
        assert store.get(a.document.id) == a
    assert len(store.search("needle")) == 1
    assert len(store.search("שלום")) == 1


# --- atomicity ----------------------------------------------------------------------------------


def test_failure_midway_leaves_nothing(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = make_analysis(PROTEST)
    store.add(earlier)
    failing = make_analysis(ARREST)

    def explode(self: Any, seq: int, analysis: Analysis) -> None:
        # Runs after the document row and its annotations were inserted.
        assert _rows(self, "SELECT count(*) FROM annotations WHERE doc = ?", seq) == [(4,)]
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(type(store), "_insert_entities", explode)
    with pytest.raises(RuntimeError, match="disk on fire"):
        store.add(failing)
    monkeypatch.undo()

    assert not store.has(failing.document.id)
    assert store.count() == 1
    assert store.search("extortion") == []
    assert len(_rows(store, "SELECT * FROM annotations")) == 4
    assert len(_rows(store, "SELECT * FROM entities")) == 1
    _fts_intact(store)
    assert store.get(earlier.document.id) == earlier
    assert store.add(failing) is True  # nothing half-stored blocks a retry


def test_database_error_midway_is_a_store_error(store: Store) -> None:
    a = make_analysis(ARREST)
    duplicate_ids = Analysis(a.document, (*a.annotations, a.annotations[0]), a.provenance)
    with pytest.raises(StoreError, match=r"(?i)unique"):
        store.add(duplicate_ids)
    assert store.count() == 0
    assert _rows(store, "SELECT count(*) FROM annotations") == [(0,)]
    assert not store._conn.in_transaction  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "bad",
    [
        Analysis(Document(id="sha256:" + "1" * 64, text="forged \x02highlight\x03"), ()),
        Analysis(
            Document.from_text("short"),
            (Annotation("x1", "x", Span(0, 99), "x", "x", "1"),),
        ),
        Analysis(
            Document.from_text("short"),
            (Annotation("x1", "x", Span(0, 1), "x", "x", "1", float("nan")),),
        ),
    ],
    ids=["markers", "span", "nan"],
)
def test_unstorable_analyses_are_refused(store: Store, bad: Analysis) -> None:
    with pytest.raises(StoreError):
        store.add(bad)
    assert store.count() == 0


# --- schema and migrations ----------------------------------------------------------------------


def test_version_zero_database_is_migrated_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "old.db"
    sqlite3.connect(path).close()  # an empty database: user_version 0
    with SQLiteStore.open(path) as s:
        assert s.schema_version == len(load_migrations()) >= 1
        s.add(make_analysis(ARREST))

    def must_not_run(*args: object) -> None:
        raise AssertionError("migration re-applied")

    monkeypatch.setattr("scrutiny.store.sqlite._apply", must_not_run)
    with SQLiteStore.open(path) as s:
        assert s.count() == 1


def test_later_migrations_apply_in_order_and_once(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.db", isolation_level=None)
    shipped = load_migrations()
    n = len(shipped)
    extra = Migration(n + 1, "9998_extra.sql", "CREATE TABLE extra (x); -- trailing; comment\n")
    steps = [*shipped, extra]
    assert migrate(conn, steps, location="m.db") == n + 1
    assert migrate(conn, steps, location="m.db") == n + 1  # "table extra already exists" if re-run
    # What a second process finds after waiting for the first one's migration lock: no-op.
    _apply(conn, extra, "m.db")
    bad = Migration(n + 2, "9999_bad.sql", "CREATE TABLE fine (x);\nCREATE TABLE (;")
    with pytest.raises(StoreError, match=r"9999_bad\.sql"):
        migrate(conn, [*steps, bad], location="m.db")
    assert conn.execute("PRAGMA user_version").fetchone() == (n + 1,)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema")}
    assert "extra" in names and "fine" not in names
    conn.close()


def test_every_cascade_of_the_schema_follows_an_index(tmp_path: Path) -> None:
    # SQLite finds the child rows of a deleted parent by its foreign-key column: without an index
    # starting with that column it reads the whole child table, once per deleted parent row.
    with SQLiteStore.open(tmp_path / "s.db") as store:
        conn = store._conn
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")]
        unindexed = []
        for table in tables:
            leading = {
                conn.execute(f"PRAGMA index_info('{index[1]}')").fetchone()[2]
                for index in conn.execute(f"PRAGMA index_list('{table}')")
            }
            leading |= {r[1] for r in conn.execute(f"PRAGMA table_info('{table}')") if r[5] == 1}
            for fk in conn.execute(f"PRAGMA foreign_key_list('{table}')"):
                if fk[3] not in leading:
                    unindexed.append(f"{table}.{fk[3]}")
    assert tables and not unindexed


def test_version_6_keeps_every_band_key_and_deletes_them_with_their_document(
    tmp_path: Path,
) -> None:
    conn = sqlite3.connect(tmp_path / "v5.db", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    shipped = load_migrations()
    assert migrate(conn, shipped[:5], location="v5.db") == 5
    signature = bytes(512)
    conn.executemany(
        "INSERT INTO documents (seq, id, media_type, text, chars, added)"
        " VALUES (?, ?, 'text/plain', 'x', 1, '2026-01-01T00:00:00Z')",
        [(1, "sha256:1"), (2, "sha256:2")],
    )
    conn.executemany(
        "INSERT INTO passages (id, doc, char_start, char_end, signature) VALUES (?, ?, 0, 1, ?)",
        [(1, 1, signature), (2, 2, signature)],
    )
    bands = [(-5, 1, 1, None), (7, 3, 1, 1), (7, 3, 2, 2), (9, 2, 2, None)]
    conn.executemany("INSERT INTO lsh_bands (key, kind, doc, passage) VALUES (?, ?, ?, ?)", bands)
    conn.executemany(
        "INSERT INTO claim_prints (id, doc, claim_id, cluster, similarity, signature)"
        " VALUES (?, ?, ?, 1, 1.0, ?)",
        [(1, 1, "c1", signature), (2, 2, "c1", signature)],
    )
    claim_bands = [(3, 1), (4, 1), (3, 2)]
    conn.executemany("INSERT INTO claim_bands (key, print) VALUES (?, ?)", claim_bands)

    assert migrate(conn, shipped, location="v5.db") == len(shipped) >= 6
    assert sorted(conn.execute("SELECT key, kind, doc, passage FROM lsh_bands")) == sorted(bands)
    assert sorted(conn.execute("SELECT key, print FROM claim_bands")) == sorted(claim_bands)
    conn.execute("DELETE FROM documents WHERE seq = 1")
    assert sorted(conn.execute("SELECT key, kind, doc, passage FROM lsh_bands")) == sorted(
        b for b in bands if b[2] == 2
    )
    assert list(conn.execute("SELECT key, print FROM claim_bands")) == [(3, 2)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    SQLiteStore.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="schema version 99, newer"):
        SQLiteStore.open(path)


def test_foreign_and_broken_files_are_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE users (name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="another application"):
        SQLiteStore.open(other)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match=r"junk\.db"):
        SQLiteStore.open(junk)


def test_missing_fts5_is_explained() -> None:
    class NoFts5:
        def execute(self, sql: str) -> None:
            raise sqlite3.OperationalError("no such module: fts5")

    with pytest.raises(StoreError, match="FTS5"):
        _require_fts5(NoFts5())  # type: ignore[arg-type]


def test_connection_settings(sqlite_store: SQLiteStore) -> None:
    assert _rows(sqlite_store, "PRAGMA journal_mode") == [("wal",)]
    assert _rows(sqlite_store, "PRAGMA foreign_keys") == [(1,)]
    assert _rows(sqlite_store, "PRAGMA busy_timeout")[0][0] >= 1000


def test_write_ahead_log_shrinks_back_after_a_long_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small limit, so a handful of documents outgrow it.
    monkeypatch.setattr("scrutiny.store.sqlite.WAL_SIZE_LIMIT_BYTES", 256 * 1024)
    path = tmp_path / "s.db"
    wal = tmp_path / "s.db-wal"
    body = " ".join(f"Word{i} and more words about Bishkek." for i in range(3_000))
    with SQLiteStore.open(path) as writer:
        reader = sqlite3.connect(path, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM documents").fetchall()  # holds a snapshot
        for i in range(8):
            writer.add(make_analysis(f"{body} Document {i}."))
        held = wal.stat().st_size
        reader.execute("COMMIT")
        reader.close()
        assert held > 4 * 256 * 1024  # the reader kept every page in the log
        # What the next autocheckpoint does once the reader has gone; the write after it
        # starts the log again from its beginning.
        _rows(writer, "PRAGMA wal_checkpoint(PASSIVE)")
        writer.add(make_analysis(PROTEST))
        assert wal.stat().st_size <= 256 * 1024
        assert writer.count() == 9


def test_two_connections_see_each_other(tmp_path: Path) -> None:
    with SQLiteStore.open(tmp_path / "s.db") as writer, SQLiteStore.open(tmp_path / "s.db") as r:
        a = make_analysis(ARREST)
        writer.add(a)
        assert r.get(a.document.id) == a
        assert r.add(a) is False


def test_split_statements_keeps_trigger_bodies_whole() -> None:
    sql = (
        "CREATE TABLE t (x); -- a; comment\n"
        "CREATE TRIGGER g AFTER INSERT ON t BEGIN SELECT 1; SELECT 2; END;\n"
    )
    parts = list(split_statements(sql))
    assert len(parts) == 2 and parts[1].strip().endswith("END;")
    with pytest.raises(StoreError, match="incomplete"):
        list(split_statements("CREATE TABLE t (x)"))


def test_closed_store_raises_store_error(tmp_path: Path) -> None:
    s = SQLiteStore.open(tmp_path / "c.db")
    s.close()
    with pytest.raises(StoreError):
        s.count()


# --- locations ----------------------------------------------------------------------------------


def test_default_location_is_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store() as s:
        s.add(make_analysis(ARREST))
    assert (tmp_path / "scrutiny-data" / DB_NAME).is_file()


def test_location_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_location(str(tmp_path)) == str(tmp_path / DB_NAME)
    assert resolve_location(tmp_path / "new-dir") == str(tmp_path / "new-dir" / DB_NAME)
    assert (tmp_path / "new-dir").is_dir()
    assert resolve_location(tmp_path / "sub" / "x.sqlite") == str(tmp_path / "sub" / "x.sqlite")
    assert resolve_location("sqlite:///rel.db") == "rel.db"
    assert resolve_location(f"sqlite:///{tmp_path}/abs.db") == f"{tmp_path}/abs.db"
    assert resolve_location("sqlite://") == ":memory:"
    assert resolve_location(":memory:") == ":memory:"
    assert resolve_location("") == str(Path("scrutiny-data") / DB_NAME)
    with open_store("sqlite://") as s:
        assert s.add(make_analysis(ARREST)) and s.count() == 1


def test_postgresql_urls_are_one_spelling() -> None:
    for url in ("postgresql://user@host/db", "postgres://user@host/db"):
        assert resolve_location(url) == "postgresql://user@host/db"
    assert resolve_location("postgresql+psycopg://h/d?sslmode=require") == (
        "postgresql://h/d?sslmode=require"
    )


def test_unreachable_server_is_a_store_error_without_the_password() -> None:
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match="cannot connect") as caught:
        open_store("postgresql://me:s3cret@/db?host=/nonexistent-socket-dir&connect_timeout=2")
    assert "s3cret" not in str(caught.value)


def test_unknown_scheme_and_unwritable_place(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unknown store location"):
        open_store("mysql://host/db")
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        open_store(blocker / "below" / "x.db")
