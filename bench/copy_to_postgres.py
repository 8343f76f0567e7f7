"""Copy a filled SQLite store into an empty PostgreSQL store, row for row, to benchmark reads there.

    python bench/copy_to_postgres.py /tmp/b/s100k.db postgresql://me@/bench

Filling a PostgreSQL store through ``add`` runs at about 500 documents a minute here, so 100,000
documents would take hours; the two stores hold the same tables with the same columns, so the rows
of an SQLite store filled by ``bench/add_time.py`` are copied with COPY instead, and the result is
the store those adds would have made (a test checks the copy reads back the same). The target is
opened as a store first, so its schema is the current one; its indexes are dropped during the copy
and made again after, foreign keys are not checked row by row (the source had them), and the
identity counters are moved past the copied ids so later adds go on from there. It needs a
superuser connection (for ``session_replication_role``) and an empty store; both stores must be at
the same schema version. Only for benchmarks: stores are moved between machines with
``scrutiny backup`` (SQLite) or pg_dump.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from pathlib import Path

from scrutiny.store.postgres import PostgresStore
from scrutiny.store.sqlite import SQLiteStore

BATCH = 10_000
# Columns only the PostgreSQL store has, made from what SQLite keeps instead: SQLite orders a
# document's provenance by rowid, PostgreSQL by ord.
MADE = {("provenance", "ord"): "row_number() OVER (PARTITION BY doc ORDER BY rowid) - 1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="SQLite store")
    parser.add_argument("target", help="postgresql:// URL of an empty database or store")
    args = parser.parse_args()
    with SQLiteStore.open(args.source) as source:
        version = source.schema_version  # brings the source up to date first
    with PostgresStore.open(args.target) as target:
        copy(args.source, target, version)


def copy(source_path: Path, target: PostgresStore, version: int) -> None:
    pg = target._conn.raw  # the psycopg connection under the store's
    src = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True)
    if pg.execute("SELECT count(*) FROM documents").fetchone()[0]:
        sys.exit("the target store is not empty")
    sqlite_version = src.execute("PRAGMA user_version").fetchone()[0]
    if sqlite_version != version:
        sys.exit(f"source at schema {sqlite_version}, expected {version}")
    tables = [
        r[0]
        for r in pg.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'scrutiny'"
            " AND table_type = 'BASE TABLE' AND table_name != 'schema_migrations'"
        )
    ]
    indexes = [
        (r[0], r[1])
        for r in pg.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes AS i WHERE i.schemaname = 'scrutiny'"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conname = i.indexname)"
        )
    ]
    with pg.transaction():
        pg.execute("SET LOCAL session_replication_role = replica")  # no foreign-key triggers
        for name, _ in indexes:
            pg.execute(f'DROP INDEX scrutiny."{name}"')
        for table in tables:
            copy_table(src, pg, table)
        for name, definition in indexes:
            started = time.perf_counter()
            pg.execute(definition)
            print(f"index {name}: {time.perf_counter() - started:.0f} s", flush=True)
        for table, column in pg.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'scrutiny' AND is_identity = 'YES'"
        ).fetchall():
            pg.execute(
                f"SELECT setval(pg_get_serial_sequence('scrutiny.{table}', '{column}'),"
                f" coalesce((SELECT max({column}) FROM scrutiny.{table}), 0) + 1, false)"
            )
    pg.execute("ANALYZE")


def copy_table(src: sqlite3.Connection, pg: object, table: str) -> None:
    columns = [
        r[0]
        for r in pg.execute(  # type: ignore[attr-defined]
            "SELECT column_name FROM information_schema.columns WHERE table_schema = 'scrutiny'"
            " AND table_name = %s AND is_generated = 'NEVER' ORDER BY ordinal_position",
            (table,),
        )
    ]
    listed = ", ".join(columns)
    read = ", ".join(MADE.get((table, c), c) for c in columns)
    started, rows = time.perf_counter(), 0
    with pg.cursor().copy(f"COPY {table} ({listed}) FROM STDIN") as out:  # type: ignore[attr-defined]
        cursor = src.execute(f"SELECT {read} FROM {table}")
        while batch := cursor.fetchmany(BATCH):
            for row in batch:
                out.write_row(row)
            rows += len(batch)
    print(f"{table}: {rows:,} rows in {time.perf_counter() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
