"""The PostgreSQL connection under the server store: opening, migrations, transactions, errors.

This module owns how scrutiny talks to a PostgreSQL server (psycopg 3): every object lives in
the schema ``scrutiny``; the numbered scripts in ``migrations_pg/`` are applied in order, each in
one transaction that also records its number in ``scrutiny.schema_migrations``, under an advisory
lock so two processes opening a new database never both migrate it. :class:`PgConnection` gives
the backend-shared indexes (:mod:`scrutiny.store.dbapi`) the ``?`` placeholders and name-or-
position rows they are written for.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import psycopg
from psycopg.rows import RowMaker

from scrutiny.errors import StoreError

SCHEMA = "scrutiny"
SEARCH_CONFIG = "scrutiny.search"  # the text search configuration made by migration 0001
# Advisory lock keys (any fixed 64-bit numbers; "SCRU" and "SCRW" in ASCII). Migrating and
# writing take different locks so a reader's open never waits for a long batch of adds.
MIGRATE_LOCK = 0x53435255
WRITE_LOCK = 0x53435257
CONNECT_TIMEOUT_S = 10
ANALYZE_AFTER_ROWS = 500  # rows changed in a table before closing the store re-analyses it

_MIGRATION_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


class Row:
    """One result row, read by column name (``row["id"]``) or position (``row[0]``)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: Sequence[Any]) -> None:
        self._index = index
        self._values = values

    def __getitem__(self, key: int | str) -> Any:
        return self._values[self._index[key] if isinstance(key, str) else key]

    def keys(self) -> list[str]:
        return list(self._index)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def _row_factory(cursor: psycopg.Cursor[Any]) -> RowMaker[Row]:
    names = [c.name for c in cursor.description or ()]
    index = {name: i for i, name in enumerate(names)}

    def make(values: Sequence[Any]) -> Row:
        return Row(index, values)

    return make


@lru_cache(maxsize=512)
def to_pyformat(sql: str) -> str:
    """``?`` placeholders as psycopg's ``%s``; a literal ``%`` is doubled so it stays one."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConnection:
    """A psycopg connection in autocommit mode, speaking the ``?`` dialect of the shared SQL.

    Transactions are explicit (``BEGIN``/``COMMIT`` through :meth:`write` and :meth:`read`),
    as in the SQLite store, so nothing is ever committed behind the store's back.
    """

    def __init__(self, conn: psycopg.Connection[Row]) -> None:
        self.raw = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Row]:
        return self.raw.execute(to_pyformat(sql), parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> object:
        params = list(seq_of_parameters)
        if not params:
            return None
        with self.raw.cursor() as cur:
            cur.executemany(to_pyformat(sql), params)
        return None

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE

    @contextmanager
    def write_lock(self, key: int = WRITE_LOCK) -> Iterator[None]:
        """One read-committed transaction holding the advisory lock ``key`` (the write lock).

        Writers queue on the lock, as SQLite's ``BEGIN IMMEDIATE`` makes them, so resolving a
        document's entities and claims against the corpus never races another adder; read
        committed (not repeatable read) because each statement must see what the writer before
        us committed while we waited. Readers never wait for it.
        """
        self.raw.execute("BEGIN")
        try:
            self.raw.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
            yield
            self.raw.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    @contextmanager
    def read(self) -> Iterator[None]:
        """A read-only snapshot: the queries of one call agree even while others write."""
        self.raw.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        try:
            yield
        finally:
            if self.in_transaction:
                self._rollback()

    def _rollback(self) -> None:
        if not self.raw.closed and self.in_transaction:
            self.raw.execute("ROLLBACK")

    def close(self) -> None:
        self.raw.close()

    def refresh_statistics(self) -> None:
        """ANALYZE the store's tables that changed a lot since their statistics were taken.

        The equivalent of SQLite's ``PRAGMA optimize`` at close: after a batch of adds the
        planner would otherwise join the grown tables on the estimates of empty ones until
        autovacuum comes round (claim clusters ten times slower on 300 documents).
        """
        rows = self.execute(
            "SELECT quote_ident(relname) FROM pg_stat_user_tables WHERE schemaname = ?"
            " AND n_mod_since_analyze > ? AND n_mod_since_analyze > n_live_tup / 10",
            (SCHEMA, ANALYZE_AFTER_ROWS),
        ).fetchall()
        for (table,) in rows:
            self.raw.execute(f"ANALYZE {SCHEMA}.{table}".encode())


def connect(url: str) -> PgConnection:
    """Connect to ``url`` with the store's settings; ``StoreError`` if the server says no."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    try:
        raw = psycopg.connect(
            conninfo,
            autocommit=True,
            row_factory=_row_factory,
            connect_timeout=CONNECT_TIMEOUT_S,
            application_name="scrutiny",
        )
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to {redact(url)}: {exc}") from exc
    # The store's schema first; public second, where an unaccent installed by an admin lives.
    try:
        raw.execute(f"SET search_path TO {SCHEMA}, public")
    except psycopg.Error as exc:
        raw.close()
        raise StoreError(f"cannot use {redact(url)}: {exc}") from exc
    return PgConnection(raw)


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1:***@", url)


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The packaged PostgreSQL migrations in order; numbers run 1, 2, 3... without gaps."""
    folder = resources.files("scrutiny.store").joinpath("migrations_pg")
    found = sorted(
        (int(m.group(1)), entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if (m := _MIGRATION_NAME.fullmatch(entry.name))
    )
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise StoreError(f"migrations_pg out of sequence at {name} (expected {expected})")
    return [Migration(v, n, sql) for v, n, sql in found]


def migrate(conn: PgConnection, migrations: Sequence[Migration], *, location: str) -> int:
    """Bring the schema up to the newest migration; return the resulting version."""
    with conn.write_lock(MIGRATE_LOCK):
        current = _prepare_schema(conn, location)
    latest = len(migrations)
    if current > latest:
        raise StoreError(
            f"store {location} has schema version {current}, newer than this scrutiny"
            f" understands ({latest}); upgrade scrutiny to open it"
        )
    for migration in migrations[current:]:
        _apply(conn, migration, location)
    return schema_version(conn)


def schema_version(conn: PgConnection) -> int:
    return int(scalar(conn.execute("SELECT coalesce(max(version), 0) FROM schema_migrations")))


def scalar(cursor: psycopg.Cursor[Row]) -> Any:
    """The first column of the first row of a query that always returns one."""
    row = cursor.fetchone()
    if row is None:
        raise StoreError("the database returned no row where one was certain")
    return row[0]


def _prepare_schema(conn: PgConnection, location: str) -> int:
    """Create our schema and version table if the database has neither; the current version."""
    if scalar(conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname = ?", (SCHEMA,))):
        table = f"{SCHEMA}.schema_migrations"
        if not scalar(conn.execute("SELECT to_regclass(?) IS NOT NULL", (table,))):
            # Never add our tables to a schema something else made.
            raise StoreError(f"{location}: schema {SCHEMA!r} exists but is not a scrutiny store")
        return schema_version(conn)
    conn.execute(f"CREATE SCHEMA {SCHEMA}")
    conn.execute(
        "CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,"
        " applied timestamptz NOT NULL DEFAULT now())"
    )
    return 0


def _apply(conn: PgConnection, migration: Migration, location: str) -> None:
    try:
        with conn.write_lock(MIGRATE_LOCK):
            # Another process may have applied it while this one waited for the lock.
            if schema_version(conn) < migration.version:
                conn.raw.execute(migration.sql.encode())  # a script: no parameters, many statements
                conn.execute(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    (migration.version, migration.name),
                )
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot migrate store {location} to version {migration.version}"
            f" ({migration.name}): {exc}"
        ) from exc
