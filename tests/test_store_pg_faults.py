"""The PostgreSQL store when its server goes away: restarted between adds, in the middle of an
add's transaction, under a running ``scrutiny add`` batch, or stopped for good.

These tests restart and stop a server, so they run one of their own (tests/pg_server.py), not
the session's shared one; they skip without PostgreSQL's binaries, like the other PG tests.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

psycopg = pytest.importorskip("psycopg", reason="the PostgreSQL store needs psycopg[binary]")

from helpers import PTC  # noqa: E402
from pg_server import PACKAGE_HINT, PgServer, find_bindir, start, stop  # noqa: E402
from scrutiny.errors import StoreError  # noqa: E402
from scrutiny.model import Analysis, Annotation, Document, Span  # noqa: E402
from scrutiny.store import postgres_db  # noqa: E402
from scrutiny.store.postgres import PostgresStore  # noqa: E402

NAMES = ("Almazbek Atambayev", "Rafik Kamalov", "Sapar Isakov")


@pytest.fixture(scope="module")
def server() -> Iterator[PgServer]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(PACKAGE_HINT)
    own = start(bindir)
    try:
        yield own
    finally:
        stop(own)


def _analysis(i: int) -> Analysis:
    """A document with a person (three names recur, so documents link to shared entities) and a
    claim (repeated with one of two numbers, so claims cluster across documents)."""
    name = NAMES[i % len(NAMES)]
    claim = f"The city budget of Bishkek grew by {10 + i % 2} percent last year, officials said."
    text = f"Report {i}. {name} spoke about the budget on day {i}. {claim}"
    at, c = text.index(name), text.index(claim)
    annotations = (
        Annotation(
            "e1", "entity", Span(at, at + len(name)), "PERSON", "t", "1", 0.9, {"name": name}
        ),
        Annotation(
            "c1", "claim", Span(c, c + len(claim)), "claim", "t", "1", 0.8, {"checkworthiness": 0.8}
        ),
    )
    provenance = {"entity": {"analyzer": "t", "version": "1"}}
    return Analysis(Document.from_text(text, title=f"report {i}"), annotations, provenance)


def _rows(url: str) -> dict[str, int]:
    """Rows in each of the store's tables."""
    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'scrutiny'"
                " AND tablename != 'schema_migrations' ORDER BY tablename"
            )
        ]
        return {
            t: conn.execute(f"SELECT count(*) FROM scrutiny.{t}".encode()).fetchone()[0]
            for t in tables
        }


def _reference(server: PgServer, analyses: list[Analysis]) -> dict[str, int]:
    """The rows the same analyses make when nothing goes wrong."""
    url = server.create_database()
    with PostgresStore.open(url) as store:
        for a in analyses:
            assert store.add(a)
    return _rows(url)


def _check(store: PostgresStore, server: PgServer, url: str, analyses: list[Analysis]) -> None:
    """The store holds exactly ``analyses``, each once and whole, and nothing else."""
    assert store.count() == len(analyses)
    for a in analyses:
        assert store.get(a.document.id) == a
    rows = _rows(url)
    assert rows == _reference(server, analyses)
    assert rows["documents"] == len(analyses) and rows["fingerprints"] == len(analyses)
    mentions = {n: sum(1 for a in analyses if n in a.document.text) for n in NAMES}
    assert {e.name: e.documents for e in store.corpus_entities()} == {
        n: count for n, count in mentions.items() if count
    }


def _on_first_call(method: Callable[..., Any], before: Callable[[], None]) -> Callable[..., Any]:
    """``method``, which runs ``before`` the first time it is called."""
    calls: list[int] = []

    def wrapper(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:
            before()
        return method(*args)

    wrapper.calls = calls  # type: ignore[attr-defined]
    return wrapper


def test_adds_and_reads_go_on_through_a_restart(server: PgServer) -> None:
    url = server.create_database()
    docs = [_analysis(i) for i in range(8)]
    with PostgresStore.open(url) as store:
        for a in docs[:4]:
            assert store.add(a)
        server.restart()
        assert store.add(docs[4])  # the same store object, on a new connection
        server.restart()
        assert store.search("budget Bishkek")  # a read reconnects too
        server.restart()
        assert store.get(docs[0].document.id) == docs[0]
        for a in docs[5:]:
            assert store.add(a)
        assert store.add(docs[0]) is False
        _check(store, server, url, docs)


def test_a_restart_inside_an_add_reruns_its_transaction(server: PgServer) -> None:
    url = server.create_database()
    docs = [_analysis(i) for i in range(6)]
    with PostgresStore.open(url) as store:
        for a in docs[:3]:
            assert store.add(a)
        # The document row and its annotations are written, uncommitted, when the server goes.
        link = _on_first_call(store._entities.link_document, server.restart)
        store._entities.link_document = link  # type: ignore[method-assign]
        assert store.add(docs[3])
        assert len(link.calls) == 2  # type: ignore[attr-defined]  # one lost, one committed
        for a in docs[4:]:
            assert store.add(a)
        _check(store, server, url, docs)


def test_a_connection_lost_while_committing_a_change_is_reported(server: PgServer) -> None:
    url = server.create_database()
    docs = [_analysis(i) for i in range(3)]
    with PostgresStore.open(url) as store:
        for a in docs:
            store.add(a)
        (kamalov,) = store.corpus_entities("Kamalov")
        (isakov,) = store.corpus_entities("Isakov")

        merge, calls = store._entities.merge, []

        def merge_then_lose_the_connection(keep: int, other: int) -> Any:
            calls.append(keep)
            merged = merge(keep, other)
            pid = store._conn.raw.info.backend_pid
            with psycopg.connect(url, autocommit=True) as admin:  # waits until it is gone
                admin.execute("SELECT pg_terminate_backend(%s, 10000)", (pid,))
            return merged

        # The merge's statements succeed; the connection is gone when its COMMIT is sent, so
        # whether it was applied is not known: no silent second try.
        store._entities.merge = merge_then_lose_the_connection  # type: ignore[method-assign]
        with pytest.raises(StoreError, match="while committing") as lost:
            store.merge_entities(kamalov.id, isakov.id)
        assert "\n" not in str(lost.value)
        assert calls == [kamalov.id]
        # The terminated backend rolled the merge back, and the store carries on.
        assert {e.id for e in store.corpus_entities()} >= {kamalov.id, isakov.id}
        assert store.add(_analysis(3))
        _check(store, server, url, [*docs, _analysis(3)])


def test_a_server_that_stays_down_fails_cleanly_and_nothing_is_half_stored(
    server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_db, "RECONNECT_FOR_S", 1.5)
    url = server.create_database()
    docs = [_analysis(i) for i in range(5)]
    with PostgresStore.open(url) as store:
        for a in docs[:3]:
            assert store.add(a)
        link = _on_first_call(store._entities.link_document, server.halt)
        store._entities.link_document = link  # type: ignore[method-assign]
        try:
            started = time.monotonic()
            with pytest.raises(StoreError) as down:
                store.add(docs[3])
            assert time.monotonic() - started < 30
            message = str(down.value)
            assert message.startswith("lost the connection to postgresql://")
            assert "could not reconnect within 1.5 s" in message and "\n" not in message
            with pytest.raises(StoreError, match="lost the connection"):
                store.count()
        finally:
            server.resume()
        # Back up: the half-written document was rolled back; the same store works again.
        assert store.count() == 3 and not store.has(docs[3].document.id)
        assert _rows(url) == _reference(server, docs[:3])
        for a in docs[3:]:
            assert store.add(a)
        _check(store, server, url, docs)


def test_a_connection_lost_on_every_try_ends_the_add_in_time(
    server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgres_db, "RECONNECT_FOR_S", 1.0)
    url = server.create_database()
    with PostgresStore.open(url) as store:
        tries: list[int] = []

        def end_own_session(seq: int, analysis: Analysis) -> None:
            tries.append(seq)  # the server ends every session that gets this far
            store._conn.execute("SELECT pg_terminate_backend(pg_backend_pid())")

        store._entities.link_document = end_own_session  # type: ignore[method-assign]
        with pytest.raises(StoreError, match=r"lost the connection .* again after reconnecting"):
            store.add(_analysis(0))
        assert len(tries) >= 2
        del store._entities.link_document  # the real one again
        assert store.count() == 0
        assert store.add(_analysis(0))
        _check(store, server, url, [_analysis(0)])


def _stored(url: str) -> int:
    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'scrutiny'"
                " AND tablename = 'documents'"
            ).fetchone()
            if not row or not row[0]:
                return 0
            return int(conn.execute("SELECT count(*) FROM scrutiny.documents").fetchone()[0])
    except psycopg.OperationalError:
        return 0


def _complete(url: str) -> bool:
    """Every stored document has its annotations, entity links and fingerprint."""
    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM scrutiny.documents AS d WHERE"
            " NOT EXISTS (SELECT 1 FROM scrutiny.annotations AS a WHERE a.doc = d.seq)"
            " OR NOT EXISTS (SELECT 1 FROM scrutiny.entity_links AS l WHERE l.doc = d.seq)"
            " OR (SELECT count(*) FROM scrutiny.fingerprints AS f WHERE f.doc = d.seq) != 1"
        ).fetchone()
    return row == (0,)


def test_a_cli_batch_survives_a_restart_and_a_rerun_adds_no_duplicates(server: PgServer) -> None:
    url = server.create_database()
    files = [str(p) for p in sorted((PTC / "train-articles").glob("article*.txt"))[:6]]
    command = [sys.executable, "-m", "scrutiny", "--db", url, "add", *files]
    batch = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 300
        while _stored(url) < 1 and batch.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert batch.poll() is None, "the batch ended before the restart: nothing was tested"
        server.restart()
        out, err = batch.communicate(timeout=600)
    finally:
        if batch.poll() is None:
            batch.kill()
            batch.communicate()
    assert "Traceback" not in err
    if batch.returncode != 0:  # allowed: a clean stop, one line, resumable
        assert batch.returncode == 3 and "lost the connection" in err, err
        assert len(err.strip().splitlines()) == 1, err
    else:
        assert "added 6, already stored 0, failed 0" in out, (out, err)
    stored = _stored(url)
    again = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert again.returncode == 0, again.stderr
    assert f"added {6 - stored}, already stored {stored}, failed 0" in again.stdout
    assert _stored(url) == 6 and _complete(url)
