"""What only the PostgreSQL store has: its migrations, its schema, concurrent adders, the CLI.

The behaviour both stores share is tested against both in test_store.py and its siblings; these
tests need the throwaway server of tests/pg_server.py and skip without PostgreSQL's binaries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

psycopg = pytest.importorskip("psycopg", reason="the PostgreSQL store needs psycopg[binary]")

from helpers import SEED  # noqa: E402
from pg_server import PgServer  # noqa: E402
from pg_server import pg_server as pg_server  # noqa: E402  (the session fixture, for pytest)
from scrutiny.errors import StoreError  # noqa: E402
from scrutiny.model import Analysis, Annotation, Document, Span  # noqa: E402
from scrutiny.store import open_store  # noqa: E402
from scrutiny.store.postgres import PostgresStore  # noqa: E402
from scrutiny.store.postgres_db import load_migrations  # noqa: E402


def scrutiny(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    cmd = [sys.executable, "-m", "scrutiny", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300, check=False)


def _person_doc(i: int, *names: str) -> Analysis:
    who = " and ".join(names)
    text = f"Report {i}: {who} spoke in Bishkek about the budget for the year {2000 + i}."
    doc = Document.from_text(text, title=f"report {i}")
    entities = tuple(
        Annotation(
            f"e{k}",
            "entity",
            Span(text.index(name), text.index(name) + len(name)),
            "PERSON",
            "entities",
            "1",
            0.9,
            {"name": name},
        )
        for k, name in enumerate(names, start=1)
    )
    return Analysis(doc, entities, {})


def _sql(url: str, sql: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        cur = conn.execute(sql.encode())
        return cur.fetchall() if cur.description else []


def test_new_database_is_migrated_once_into_its_own_schema(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = pg_server.create_database()
    _sql(url, "CREATE TABLE public.documents (theirs text)")  # someone else's table, same name
    with open_store(url) as store:
        assert isinstance(store, PostgresStore)
        assert store.schema_version == len(load_migrations()) >= 2
        assert store.add(_person_doc(1, "Almazbek Atambayev"))

    def must_not_run(*args: object) -> None:
        raise AssertionError("migration applied twice")

    monkeypatch.setattr("scrutiny.store.postgres_db._apply", must_not_run)
    with open_store(url) as store:
        assert store.count() == 1
    assert _sql(url, "SELECT count(*) FROM public.documents") == [(0,)]  # left alone
    tables = _sql(url, "SELECT count(*) FROM pg_tables WHERE schemaname = 'scrutiny'")
    assert tables[0][0] >= 12


def test_newer_and_foreign_schemas_are_refused(pg_server: PgServer) -> None:
    url = pg_server.create_database()
    PostgresStore.open(url).close()
    _sql(url, "INSERT INTO scrutiny.schema_migrations (version, name) VALUES (99, 'future')")
    with pytest.raises(StoreError, match="newer than this scrutiny"):
        PostgresStore.open(url)
    other = pg_server.create_database()
    _sql(other, "CREATE SCHEMA scrutiny; CREATE TABLE scrutiny.things (x int)")
    with pytest.raises(StoreError, match="not a scrutiny store"):
        PostgresStore.open(other)


def test_search_folds_accents_and_keeps_short_words(pg_server: PgServer) -> None:
    with PostgresStore.open(pg_server.create_database()) as store:
        doc = Document.from_text("The Café Zürich was closed; it is in the old town.")
        store.add(Analysis(doc, ()))
        assert len(store.search("cafe zurich")) == 1
        # No stop-word list: "it is" is searchable, as in the SQLite store.
        assert len(store.search('"it is"')) == 1


def test_sessions_do_not_compile_plans(pg_server: PgServer) -> None:
    with PostgresStore.open(pg_server.create_database()) as store:
        assert store._conn.execute("SHOW jit").fetchone()[0] == "off"


def test_a_broad_query_ranks_the_newest_matches_only(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def doc(title: str, text: str) -> Analysis:
        return Analysis(Document.from_text(text, title=title), (), {})

    with PostgresStore.open(pg_server.create_database()) as store:
        # The best match (its title and text both say "budget") is the oldest of five.
        store.add(doc("Budget", "The budget, the budget and the budget again."))
        for i in range(4):
            store.add(doc(f"note {i}", f"Note {i} mentions the budget once among other words."))
        assert store.search("budget", limit=2)[0].title == "Budget"
        monkeypatch.setattr("scrutiny.store.postgres_search.MAX_RANKED", 3)
        titles = [h.title for h in store.search("budget", limit=10)]
        assert sorted(titles) == ["note 1", "note 2", "note 3"]


def test_a_pair_count_changes_without_touching_the_pair_indexes(pg_server: PgServer) -> None:
    # Schema 12: with no index on the count itself, raising a pair's count is a HOT update, which
    # writes no index entry; while an index held the count, none of these updates was one.
    url = pg_server.create_database()
    with PostgresStore.open(url) as store:
        for i in range(12):
            assert store.add(_person_doc(i, "Almazbek Atambayev", "Rafik Kamalov"))
    assert _sql(url, "SELECT docs, tier FROM scrutiny.entity_pairs") == [(12, 2)]
    updated = hot = 0
    for _ in range(50):  # the server takes in a closed session's counts shortly after
        ((updated, hot),) = _sql(
            url,
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables"
            " WHERE schemaname = 'scrutiny' AND relname = 'entity_pairs'",
        )
        if updated >= 11:
            break
        time.sleep(0.1)
    assert updated == 11
    assert hot >= 10  # the update from 9 to 10 documents changes the tier


def test_concurrent_adders_never_duplicate_documents_or_entities(pg_server: PgServer) -> None:
    url = pg_server.create_database()  # empty: the four openers also race to migrate it
    docs = [_person_doc(i, "Almazbek Atambayev") for i in range(12)]
    results: list[bool] = []
    errors: list[BaseException] = []

    def adder(order: list[Analysis]) -> None:
        try:
            with PostgresStore.open(url) as store:
                results.extend(store.add(a) for a in order)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    # Four writers add the same twelve documents in different orders, all at once.
    orders = [docs, docs[::-1], docs[3:] + docs[:3], docs[6:] + docs[:6]]
    threads = [threading.Thread(target=adder, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert results.count(True) == 12 and len(results) == 48
    with PostgresStore.open(url) as store:
        assert store.count() == 12
        (person,) = store.corpus_entities("Atambayev")
        assert person.documents == 12


def test_two_connections_see_each_other(pg_server: PgServer) -> None:
    url = pg_server.create_database()
    with PostgresStore.open(url) as writer, PostgresStore.open(url) as reader:
        a = _person_doc(1, "Rafik Kamalov")
        writer.add(a)
        assert reader.get(a.document.id) == a
        assert reader.add(a) is False


def test_text_postgres_cannot_hold_is_a_store_error(pg_server: PgServer) -> None:
    with PostgresStore.open(pg_server.create_database()) as store:
        bad = Analysis(Document(id="sha256:" + "1" * 64, text="fine", title="nul\x00title"), ())
        with pytest.raises(StoreError):
            store.add(bad)
        assert store.count() == 0
        assert store.has("sha256:\x00") is False
        with pytest.raises(StoreError):
            store.get("abc\x00def")
        store.add(Analysis(Document.from_text("fine text"), ()))  # the connection still works
        assert store.count() == 1


def test_closed_store_raises_store_error(pg_server: PgServer) -> None:
    store = PostgresStore.open(pg_server.create_database())
    store.close()
    with pytest.raises(StoreError):
        store.count()


def test_cli_commands_work_on_a_postgresql_store(pg_server: PgServer, tmp_path: Path) -> None:
    url = pg_server.create_database()
    seed = SEED.read_text(encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(seed.replace("Atambayev", "Atambaev").replace("Muslims", "believers"))
    added = scrutiny("--db", url, "add", str(SEED), str(copy))
    assert added.returncode == 0, added.stderr
    assert "added 2" in added.stdout

    search = scrutiny("--db", url, "search", "Narymbaev extortion", "--format", "json")
    assert search.returncode == 0, search.stderr
    found = json.loads(search.stdout)
    assert len(found) == 2 and "[extortion]" in found[0]["snippet"]
    # Only the seed spells it "Atambayev": its id, given as a prefix from here on.
    (seed,) = json.loads(scrutiny("--db", url, "search", "Atambayev", "--format", "json").stdout)
    seed_id = seed["id"][:20]

    dossier = scrutiny("--db", url, "entity", "Atambaev", "--format", "json")
    assert dossier.returncode == 0, dossier.stderr
    entity = json.loads(dossier.stdout)
    assert entity["entity"]["type"] == "PERSON" and len(entity["documents"]) == 2

    similar = scrutiny("--db", url, "similar", seed_id, "--format", "json")
    assert similar.returncode == 0, similar.stderr
    assert [s["relation"] for s in json.loads(similar.stdout)["similar"]] == ["near-duplicate"]

    tracked = scrutiny("--db", url, "claims", "--tracked", "--format", "json")
    assert tracked.returncode == 0, tracked.stderr
    assert json.loads(tracked.stdout), "the copy repeats the seed's claims"

    graph = scrutiny("--db", url, "graph", "--entity", "Atambaev")
    assert graph.returncode == 0, graph.stderr
    nodes = {n["name"] for n in json.loads(graph.stdout)["nodes"]}
    assert any("Atambayev" in n for n in nodes) and len(nodes) > 1

    timeline = scrutiny("--db", url, "timeline", seed_id, "--format", "json")
    assert timeline.returncode == 0, timeline.stderr
    assert "2015-01/2015-03" in timeline.stdout and "arrest" in timeline.stdout
    ftm = tmp_path / "aleph.json"
    exported = scrutiny("--db", url, "export", "--format", "ftm", "--out", str(ftm))
    assert exported.returncode == 0 and "exported 2 documents" in exported.stdout

    listed = scrutiny("--db", url, "list")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr
    backup = scrutiny("--db", url, "backup", str(tmp_path / "b.db"))
    assert backup.returncode != 0 and "pg_dump" in backup.stderr
