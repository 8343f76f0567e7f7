"""How the PostgreSQL store sends many rows at once: COPY, multi-row INSERTs, row by row.

``PgConnection.executemany`` picks the way by the statement and the number of rows; whichever it
picks, the table must end up as if each row had been inserted by itself, in order.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

psycopg = pytest.importorskip("psycopg", reason="the PostgreSQL store needs psycopg[binary]")

from pg_server import PgServer  # noqa: E402
from pg_server import pg_server as pg_server  # noqa: E402  (the session fixture, for pytest)
from scrutiny.store import postgres_db  # noqa: E402
from scrutiny.store.postgres_db import PgConnection, connect  # noqa: E402


@pytest.fixture()
def conn(pg_server: PgServer) -> Iterator[PgConnection]:
    c = connect(pg_server.create_database())
    c.execute(
        "CREATE TABLE t (n bigint GENERATED ALWAYS AS IDENTITY, k bigint PRIMARY KEY,"
        " label text, score double precision, data bytea)"
    )
    yield c
    c.close()


def _rows(conn: PgConnection) -> list[tuple[object, ...]]:
    return [tuple(r) for r in conn.execute("SELECT n, k, label, score, data FROM t ORDER BY n")]


ROWS = [
    (i, f"ünï\tcode {i}\n\\", i / 3 if i % 4 else None, bytes([i % 256, 0, 255]) if i % 3 else None)
    for i in range(250)
]


@pytest.mark.parametrize("count", [1, postgres_db.COPY_FROM_ROWS - 1, 250])
def test_plain_inserts_keep_values_and_order(conn: PgConnection, count: int) -> None:
    conn.executemany("INSERT INTO t (k, label, score, data) VALUES (?, ?, ?, ?)", ROWS[:count])
    # The identity follows the order the rows were given in, as one INSERT per row would.
    expected = [(n, *row) for n, row in enumerate(ROWS[:count], start=1)]
    assert _rows(conn) == expected


@pytest.mark.parametrize("count", [3, postgres_db.ROWS_PER_INSERT * 2 + 7])
def test_on_conflict_do_nothing_skips_duplicates_across_and_within_statements(
    conn: PgConnection, count: int
) -> None:
    conn.execute("INSERT INTO t (k, label) VALUES (?, ?)", (1, "first"))
    keys = [(k % (count - 1), f"row {i}") for i, k in enumerate(range(1, count + 1))]
    conn.executemany("INSERT INTO t (k, label) VALUES (?, ?) ON CONFLICT DO NOTHING", keys)
    stored = {r[1]: r[2] for r in _rows(conn)}
    first_of = {}
    for k, label in keys:
        first_of.setdefault(k, label)
    first_of[1] = "first"
    assert stored == first_of


def test_do_update_still_applies_row_after_row(conn: PgConnection) -> None:
    conn.executemany(
        "INSERT INTO t (k, label) VALUES (?, ?)"
        " ON CONFLICT (k) DO UPDATE SET label = excluded.label",
        [(1, "a"), (2, "b"), (1, "c")],  # one statement could not touch k = 1 twice
    )
    assert {r[1]: r[2] for r in _rows(conn)} == {1: "c", 2: "b"}


def test_a_bad_row_fails_the_whole_batch(conn: PgConnection) -> None:
    rows = [(i, f"row {i}", None, None) for i in range(40)]
    rows[30] = (30, "nul \x00 in text", None, None)  # PostgreSQL text cannot hold NUL
    with pytest.raises(psycopg.Error), conn.write_lock():
        conn.executemany("INSERT INTO t (k, label, score, data) VALUES (?, ?, ?, ?)", rows)
    assert _rows(conn) == []


def _paragraph(topic: str, n: int) -> str:
    return " ".join(f"{topic}{i} word{n}x{i}" for i in range(20)) + "."


def test_passages_inserted_in_several_statements_keep_their_ids(
    pg_server: PgServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from scrutiny.model import Analysis, Document
    from scrutiny.store import postgres

    shared = [_paragraph("shared", n) for n in range(5)]
    own = [_paragraph(f"own{k}", n) for k in range(2) for n in range(3)]
    texts = ["\n\n".join([*own[:3], *shared]), "\n\n".join([*shared[::-1], *own[3:]])]
    found = []
    for per_insert in (postgres.PASSAGES_PER_INSERT, 2):
        monkeypatch.setattr(postgres, "PASSAGES_PER_INSERT", per_insert)
        with postgres.PostgresStore.open(pg_server.create_database()) as store:
            docs = [Document.from_text(t, title=f"d{i}") for i, t in enumerate(texts)]
            for d in docs:
                store.add(Analysis(d, ()))
            found.append(store.shared_passages(docs[0].id))
    # Each of the five shared paragraphs is found at its place in both documents.
    assert len(found[0]) == 5 and found[1] == found[0]
    for p in found[0]:
        assert texts[0][p.start : p.end] == texts[1][p.other_start : p.other_end]
