"""The PostgreSQL connection under the server store: opening, migrations, transactions, errors.

This module owns how scrutiny talks to a PostgreSQL server (psycopg 3): every object lives in
the schema ``scrutiny``; the numbered scripts in ``migrations_pg/`` are applied in order, each in
one transaction that also records its number in ``scrutiny.schema_migrations``, under an advisory
lock so two processes opening a new database never both migrate it. :class:`PgConnection` gives
the backend-shared indexes (:mod:`scrutiny.store.dbapi`) the ``?`` placeholders and name-or-
position rows they are written for, and :meth:`PgConnection.retry` is where a connection lost
to a server restart is replaced and the interrupted transaction run again.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, TypeVar

import psycopg
import psycopg.errors
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
# A lost connection (the server restarted, failed over, killed our backend) is reconnected for at
# most this long, pausing between attempts from the first to the longest pause, doubling.
RECONNECT_FOR_S = 30.0
FIRST_PAUSE_S, LONGEST_PAUSE_S = 0.1, 2.0
# What a server says as it goes away or before it is ready; the connection may not be marked
# broken yet when the first of them arrives.
_SERVER_LEAVING = (
    psycopg.errors.AdminShutdown,
    psycopg.errors.CrashShutdown,
    psycopg.errors.CannotConnectNow,
)

# How executemany sends rows (measured on 1,000 and 32 band keys: COPY 3x and 2x faster than
# row by row; a multi-row INSERT fastest for a few rows, slowest of all for a thousand).
COPY_FROM_ROWS = 16
ROWS_PER_INSERT = 100
# An INSERT that COPY can do: a table, its columns, one row of placeholders, nothing after.
_PLAIN_INSERT = re.compile(
    r"\s*INSERT\s+INTO\s+(\w+)\s*\(([\w\s,]+)\)\s*VALUES\s*\((?:\s*\?\s*,)*\s*\?\s*\)\s*",
    re.IGNORECASE,
)
# The one row of placeholders of an INSERT ... VALUES, after ``?`` became ``%s``.
_VALUES = re.compile(r"\bVALUES\s*(\((?:\s*%s\s*,)*\s*%s\s*\))", re.IGNORECASE)

T = TypeVar("T")

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

    def __init__(self, conn: psycopg.Connection[Row], url: str) -> None:
        self.raw = conn
        self.url = url
        self._commit_in_doubt = False  # the connection was lost while COMMIT was on its way
        self._gone = False  # lost, and not replaced yet: the next call tries again

    def retry(self, op: Callable[[], T], *, persistent: bool = False) -> T:
        """Run ``op``; if the connection is lost meanwhile, connect again and run it again.

        ``op`` must be whole transactions (or statements outside one): the server rolls back
        whatever a lost connection had begun, so running ``op`` again from its start stores
        nothing twice. A ``persistent`` op is run again until it succeeds or the server stayed
        out of reach for ``RECONNECT_FOR_S``; it must be harmless to repeat even after a COMMIT
        whose answer was lost (the add: ``ON CONFLICT DO NOTHING``). Any other op is run again
        once, and not at all when the connection was lost during its COMMIT, since the server
        may have applied it: a clear ``StoreError`` says so instead.
        """
        deadline: float | None = None  # counted from the first loss, not from the call
        while True:
            self._commit_in_doubt = False
            try:
                return op()
            except psycopg.Error as exc:
                if not self._lost(exc):
                    raise
                if not persistent and self._commit_in_doubt:
                    raise StoreError(
                        f"lost the connection to {redact(self.url)} while committing; the change"
                        f" may or may not have been applied: {one_line(exc)}"
                    ) from exc
                if deadline is not None and (not persistent or time.monotonic() >= deadline):
                    raise StoreError(
                        f"lost the connection to {redact(self.url)} again after reconnecting:"
                        f" {one_line(exc)}"
                    ) from exc
                if deadline is None:
                    deadline = time.monotonic() + RECONNECT_FOR_S
                self._reconnect(deadline, exc)

    def _lost(self, exc: psycopg.Error) -> bool:
        # A store closed on purpose is not "lost": using it stays an error.
        return self._gone or self.raw.broken or isinstance(exc, _SERVER_LEAVING)

    def _reconnect(self, deadline: float, cause: psycopg.Error) -> None:
        self._gone = True
        with suppress(psycopg.Error):
            self.raw.close()
        pause, last = FIRST_PAUSE_S, one_line(cause)
        while True:
            try:
                self.raw = _open(self.url)
                self._gone = False
                return
            except psycopg.Error as exc:  # still down, shutting down or starting up
                last = one_line(exc)
            left = deadline - time.monotonic()
            if left <= 0:
                raise StoreError(
                    f"lost the connection to {redact(self.url)} and could not reconnect within"
                    f" {RECONNECT_FOR_S:g} s: {last}"
                ) from cause
            time.sleep(min(pause, left))
            pause = min(2 * pause, LONGEST_PAUSE_S)

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Row]:
        return self.raw.execute(to_pyformat(sql), parameters)

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> object:
        """Run ``sql`` once per parameter row, in few round trips.

        Adding a document inserts hundreds of small rows (annotations, band keys); psycopg's
        executemany is a statement per row for the server. Instead a plain ``INSERT INTO t
        (columns) VALUES (?, …)`` of many rows is a COPY, and any other INSERT … VALUES a few
        multi-row INSERTs; the rows go in in the same order with the same outcome (ON CONFLICT
        DO NOTHING skips duplicates within one statement too; DO UPDATE could not touch a row
        twice in one, so it keeps the row-by-row way, as does any other statement).
        """
        params = [tuple(values) for values in seq_of_parameters]
        if not params:
            return None
        plain = _PLAIN_INSERT.fullmatch(sql)
        if plain is not None and len(params) >= COPY_FROM_ROWS:
            table, columns = plain.group(1), plain.group(2)
            with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for one in params:
                    copy.write_row(one)
            return None
        statement = to_pyformat(sql)
        found = None if "DO UPDATE" in sql.upper() else _VALUES.search(statement)
        if found is None:
            with self.raw.cursor() as cur:
                cur.executemany(statement, params)
            return None
        head, row, tail = statement[: found.start(1)], found.group(1), statement[found.end(1) :]
        for start in range(0, len(params), ROWS_PER_INSERT):
            chunk = params[start : start + ROWS_PER_INSERT]
            flat = [value for one in chunk for value in one]
            self.raw.execute(head + ", ".join([row] * len(chunk)) + tail, flat)
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
            try:
                self.raw.execute("COMMIT")
            except psycopg.Error:
                self._commit_in_doubt = True
                raise
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
        if self.raw.closed or not self.in_transaction:
            return
        try:
            self.raw.execute("ROLLBACK")
        except psycopg.OperationalError:
            if not self.raw.broken:
                raise
            # Lost: the server rolled the transaction back as the connection ended.

    def close(self) -> None:
        self._gone = False  # closed on purpose: no reconnecting from here
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
    try:
        return PgConnection(_open(url), url)
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to {redact(url)}: {one_line(exc)}") from exc


def _open(url: str) -> psycopg.Connection[Row]:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://", 1)
    raw = psycopg.connect(
        conninfo,
        autocommit=True,
        row_factory=_row_factory,
        connect_timeout=CONNECT_TIMEOUT_S,
        application_name="scrutiny",
    )
    # The store's schema first; public second, where an unaccent installed by an admin lives.
    # No JIT: it compiles a plan whose estimated cost is high, and the store's reads of a big
    # corpus are such plans that run in milliseconds once started (0.8 s of compiling for a 1.3 s
    # shared-passages read at 30,000 documents; similar documents 134 -> 54 ms without it).
    try:
        raw.execute(f"SET search_path TO {SCHEMA}, public")
        raw.execute("SET jit = off")
    except BaseException:
        raw.close()
        raise
    return raw


def one_line(exc: BaseException) -> str:
    """An error's message on one line: libpq's span several ("server closed the connection...")."""
    return " ".join(str(exc).split())


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
        # This session resolved its search path before another one may have made the schema;
        # setting it again makes unqualified names (every migration's) resolve in the schema.
        conn.execute(f"SET search_path TO {SCHEMA}, public")
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
    return int(
        scalar(conn.execute(f"SELECT coalesce(max(version), 0) FROM {SCHEMA}.schema_migrations"))
    )


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
                    f"INSERT INTO {SCHEMA}.schema_migrations (version, name) VALUES (?, ?)",
                    (migration.version, migration.name),
                )
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot migrate store {location} to version {migration.version}"
            f" ({migration.name}): {exc}"
        ) from exc
