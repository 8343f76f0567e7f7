"""The SQLite store: one file, full-text search with FTS5, schema migrations, all-or-nothing adds.

This module owns every SQL statement scrutiny runs against SQLite. The schema lives in numbered
files under ``migrations/``, applied in order and tracked by ``PRAGMA user_version``. Writes use
explicit ``BEGIN IMMEDIATE`` transactions (the connection runs in autocommit mode, so Python's
sqlite3 never opens or commits one behind our back); reads of one analysis share one read
transaction, so they see a single snapshot even while another process writes. docs/store.md
describes the tables and the guarantees.
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from scrutiny.errors import NotFound, StoreError
from scrutiny.model import Analysis, Annotation, Document, Span, check_spans
from scrutiny.store.base import (
    SNIPPET_END,
    SNIPPET_START,
    DocumentSummary,
    SearchHit,
    Term,
    parse_doc_id,
    parse_query,
)

APPLICATION_ID = 1396920917  # "SCRU", set by migration 0001
MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 5_000  # how long a writer waits for another process's write to finish
SNIPPET_TOKENS = 16
MAX_SEARCH_LIMIT = 1_000
# bm25 column weights: a word in the title says more about the document than one in the text.
TITLE_WEIGHT, TEXT_WEIGHT = 5.0, 1.0
_TEXT_COLUMN = 1  # snippets come from the text only: it is normalised, the title need not be

_MIGRATION_NAME = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")
_MARKERS = re.compile(f"[{SNIPPET_START}{SNIPPET_END}]")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """The packaged migrations in order; their numbers must run 1, 2, 3... without gaps."""
    folder = resources.files("scrutiny.store").joinpath("migrations")
    found = sorted(
        (int(m.group(1)), entry.name, entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir()
        if (m := _MIGRATION_NAME.fullmatch(entry.name))
    )
    for expected, (version, name, _) in enumerate(found, start=1):
        if version != expected:
            raise StoreError(
                f"store migrations are out of sequence at {name} (expected {expected})"
            )
    return [Migration(v, n, sql) for v, n, sql in found]


def split_statements(sql: str) -> Iterator[str]:
    """The statements of a script, one at a time.

    Splitting at every ``;`` and asking SQLite whether the text so far is complete keeps
    trigger bodies and semicolons inside comments or strings whole, without a parser of ours.
    """
    *pieces, tail = sql.split(";")
    pending = ""
    for piece in pieces:
        pending += piece + ";"
        if sqlite3.complete_statement(pending):
            yield pending
            pending = ""
    rest = (pending + tail).strip()
    # A trailing comment is fine; trailing code means the last statement lacks its ";".
    if rest and not all(line.strip().startswith("--") for line in rest.splitlines()):
        raise StoreError(f"incomplete SQL statement in migration: {rest[:60]!r}")


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dumps(value: Any) -> str:
    # default=str: a metadata value JSON cannot hold (a datetime) is kept as its text rather
    # than costing the whole document.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


class SQLiteStore:
    """A :class:`scrutiny.store.base.Store` in one SQLite file (or in memory)."""

    def __init__(self, conn: sqlite3.Connection, location: str) -> None:
        self._conn = conn
        self.location = location

    # --- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path) -> SQLiteStore:
        """Open (creating if needed) and migrate the database at ``path`` or ``":memory:"``."""
        location = str(path)
        try:
            conn = sqlite3.connect(location, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {location}: {exc}") from exc
        try:
            _configure(conn, in_memory=location == MEMORY)
            _require_fts5(conn)
            migrate(conn, load_migrations(), location=location)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot open store {location}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        conn.row_factory = sqlite3.Row
        return cls(conn, location)

    def close(self) -> None:
        # Lets SQLite refresh the statistics its planner uses; cheap when nothing changed. A
        # closed or read-only connection has nothing to optimise.
        with suppress(sqlite3.Error):
            self._conn.execute("PRAGMA optimize")
        self._conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        with self._errors():
            return _user_version(self._conn)

    # --- writing ---------------------------------------------------------------------------

    def add(self, analysis: Analysis) -> bool:
        _check_storable(analysis)
        with self._errors():
            if self.has(analysis.document.id):
                return False  # the common re-add costs a read, not a write lock
            with self._write():
                seq = self._insert_document(analysis)
                if seq is None:
                    return False  # another process stored it since the check above
                self._insert_annotations(seq, analysis.annotations)
                self._insert_entities(seq, analysis)
                self._insert_provenance(seq, analysis.provenance)
        return True

    def delete(self, doc_id: str) -> bool:
        # A full id only: a destructive command must not act on a guess from a prefix.
        with self._errors(), self._write():
            cur = self._conn.execute("DELETE FROM documents WHERE id = ?", (doc_id.strip(),))
            return cur.rowcount > 0

    def _insert_document(self, analysis: Analysis) -> int | None:
        doc = analysis.document
        cur = self._conn.execute(
            "INSERT INTO documents (id, title, author, published, source, media_type, meta,"
            " text, language, chars, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING",
            (
                doc.id,
                doc.title,
                doc.author,
                doc.published,
                doc.source,
                doc.media_type,
                _dumps(dict(doc.meta)),
                doc.text,
                analysis.language,
                len(doc.text),
                _now(),
            ),
        )
        return cur.lastrowid if cur.rowcount == 1 else None

    def _insert_annotations(self, seq: int, annotations: Sequence[Annotation]) -> None:
        self._conn.executemany(
            "INSERT INTO annotations (doc, ord, id, layer, char_start, char_end, label,"
            " confidence, analyzer, version, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    seq,
                    ordinal,
                    a.id,
                    a.layer,
                    a.span.start,
                    a.span.end,
                    a.label,
                    a.confidence,
                    a.analyzer,
                    a.version,
                    _dumps(dict(a.attrs)),
                )
                for ordinal, a in enumerate(annotations)
            ),
        )

    def _insert_entities(self, seq: int, analysis: Analysis) -> None:
        self._conn.executemany(
            "INSERT INTO entities (doc, entity_id, name, type, aliases) VALUES (?, ?, ?, ?, ?)",
            (
                (
                    seq,
                    e.id,
                    str(e.attrs.get("name") or analysis.document.slice(e.span)),
                    e.label,
                    _dumps(list(e.attrs.get("aliases") or [])),
                )
                for e in analysis.layer("entity")
            ),
        )

    def _insert_provenance(self, seq: int, provenance: Mapping[str, Mapping[str, str]]) -> None:
        self._conn.executemany(
            "INSERT INTO provenance (doc, layer, analyzer, version) VALUES (?, ?, ?, ?)",
            (
                (seq, layer, str(info.get("analyzer", "")), str(info.get("version", "")))
                for layer, info in provenance.items()
            ),
        )

    # --- reading ---------------------------------------------------------------------------

    def has(self, doc_id: str) -> bool:
        with self._errors():
            row = self._conn.execute(
                "SELECT 1 FROM documents WHERE id = ?", (doc_id.strip(),)
            ).fetchone()
        return row is not None

    def count(self) -> int:
        with self._errors():
            (n,) = self._conn.execute("SELECT count(*) FROM documents").fetchone()
        return int(n)

    def get(self, doc_id: str) -> Analysis:
        with self._errors(), self._read():
            return self._load(self._find(doc_id))

    def iter_analyses(self) -> Iterator[Analysis]:
        # The list of keys is read first and each analysis loaded on demand, so memory stays flat
        # and the caller may write to the store between items.
        with self._errors():
            seqs = [r[0] for r in self._conn.execute("SELECT seq FROM documents ORDER BY seq")]
        for seq in seqs:
            with self._errors(), self._read():
                row = self._conn.execute("SELECT * FROM documents WHERE seq = ?", (seq,)).fetchone()
                if row is None:
                    continue  # deleted since the list was read
                analysis = self._load(row)
            yield analysis

    def documents(self, *, limit: int = 100, offset: int = 0) -> list[DocumentSummary]:
        if limit <= 0:
            return []  # SQLite reads a negative LIMIT as "no limit"
        with self._errors():
            rows = self._conn.execute(
                "SELECT id, title, source, published, language, chars, added FROM documents"
                " ORDER BY seq DESC LIMIT ? OFFSET ?",
                (limit, max(0, offset)),
            ).fetchall()
        return [DocumentSummary(**dict(r)) for r in rows]

    def search(self, query: str, *, limit: int = 20) -> list[SearchHit]:
        terms = parse_query(query)
        if not terms or limit <= 0:
            return []
        limit = min(limit, MAX_SEARCH_LIMIT)
        with self._errors():
            hits = self._match(fts5_query(terms, "AND"), limit)
            if not hits and len(terms) > 1:
                # No document has every word: show those with some, still ranked by bm25, rather
                # than nothing. A quoted phrase stays one term, so it is never split up.
                hits = self._match(fts5_query(terms, "OR"), limit)
        return hits

    def _match(self, match: str, limit: int) -> list[SearchHit]:
        rows = self._conn.execute(
            "SELECT d.id, d.title, d.source,"
            " snippet(documents_fts, ?, ?, ?, '…', ?) AS snippet,"
            " bm25(documents_fts, ?, ?) AS rank"
            " FROM documents_fts JOIN documents AS d ON d.seq = documents_fts.rowid"
            " WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
            (
                _TEXT_COLUMN,
                SNIPPET_START,
                SNIPPET_END,
                SNIPPET_TOKENS,
                TITLE_WEIGHT,
                TEXT_WEIGHT,
                match,
                limit,
            ),
        ).fetchall()
        # bm25() is lower for better matches; the interface promises a score that grows.
        return [
            SearchHit(r["id"], r["title"], r["source"], r["snippet"] or "", -float(r["rank"]))
            for r in rows
        ]

    def _row_by_id(self, doc_id: str) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self._conn.execute(
            "SELECT * FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        return row

    def _find(self, doc_id: str) -> sqlite3.Row:
        exact = self._row_by_id(doc_id.strip())
        if exact is not None:
            return exact  # any stored id, even one not shaped like ours
        wanted = parse_doc_id(doc_id)
        if not wanted.is_prefix:
            row = self._row_by_id(wanted.value)  # the bare or upper-case spelling of an id
            if row is None:
                raise NotFound(f"no stored document has id {wanted.value}")
            return row
        # Every id starting with the prefix sorts between it and prefix + "g" (ids are lower-case
        # hex), so the unique index answers with a short range scan.
        rows = self._conn.execute(
            "SELECT * FROM documents WHERE id >= ? AND id < ? ORDER BY id LIMIT 3",
            (wanted.value, wanted.value + "g"),
        ).fetchall()
        if not rows:
            raise NotFound(f"no stored document id starts with {wanted.value}")
        if len(rows) > 1:
            shown = ", ".join(r["id"][:19] + "…" for r in rows)
            raise StoreError(
                f"ambiguous id prefix {wanted.value}: matches {shown}; give more digits"
            )
        found: sqlite3.Row = rows[0]
        return found

    def _load(self, row: sqlite3.Row) -> Analysis:
        seq = row["seq"]
        document = Document(
            id=row["id"],
            text=row["text"],
            title=row["title"],
            author=row["author"],
            published=row["published"],
            source=row["source"],
            media_type=row["media_type"],
            meta=json.loads(row["meta"]),
        )
        annotations = tuple(
            Annotation(
                id=a["id"],
                layer=a["layer"],
                span=Span(a["char_start"], a["char_end"]),
                label=a["label"],
                analyzer=a["analyzer"],
                version=a["version"],
                confidence=a["confidence"],
                attrs=json.loads(a["attrs"]),
            )
            for a in self._conn.execute(
                "SELECT * FROM annotations WHERE doc = ? ORDER BY ord", (seq,)
            )
        )
        provenance = {
            p["layer"]: {"analyzer": p["analyzer"], "version": p["version"]}
            for p in self._conn.execute(
                "SELECT layer, analyzer, version FROM provenance WHERE doc = ? ORDER BY rowid",
                (seq,),
            )
        }
        return Analysis(document, annotations, provenance)

    # --- transactions and errors -----------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock up front, so two writers queue on busy_timeout instead
        # of one failing with SQLITE_BUSY halfway through its inserts.
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    @contextmanager
    def _read(self) -> Iterator[None]:
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            if self._conn.in_transaction:
                self._conn.execute("COMMIT")

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(f"store {self.location}: {exc}") from exc


# --- module helpers -------------------------------------------------------------------------


def fts5_query(terms: Iterable[Term], operator: str) -> str:
    """An FTS5 MATCH expression that matches the terms literally.

    Every term becomes one double-quoted string (a phrase when it has several words), so no
    character the user typed is read as FTS5 syntax; ``"`` is doubled as FTS5 requires, though
    parse_query never lets one through.
    """
    quoted = ('"' + " ".join(words).replace('"', '""') + '"' for words in terms)
    return f" {operator} ".join(quoted)


def _check_storable(analysis: Analysis) -> None:
    doc = analysis.document
    if _MARKERS.search(doc.text):
        # Normalised text never holds them; a Document built by hand might, and would let the
        # text forge snippet highlights.
        raise StoreError(
            f"{doc.id}: text holds control characters; build documents with Document.from_text"
        )
    try:
        check_spans(doc, analysis.annotations)
    except ValueError as exc:
        raise StoreError(f"{doc.id}: {exc}") from exc
    for a in analysis.annotations:
        if not math.isfinite(a.confidence):
            # SQLite stores NaN as NULL, which could not be read back as a confidence.
            raise StoreError(f"{doc.id}: annotation {a.id} has confidence {a.confidence}")


def _user_version(conn: sqlite3.Connection) -> int:
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    return int(version)


def _configure(conn: sqlite3.Connection, *, in_memory: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not in_memory:
        # WAL lets readers (the CLI, the web UI) work while a batch is being added; NORMAL is
        # durable against a crash of the process, only the last commits can be lost on power loss.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")


def _require_fts5(conn: sqlite3.Connection) -> None:
    try:
        conn.execute("CREATE VIRTUAL TABLE temp.fts5_probe USING fts5(x)")
        conn.execute("DROP TABLE temp.fts5_probe")
    except sqlite3.OperationalError as exc:
        raise StoreError(
            f"this Python's SQLite ({sqlite3.sqlite_version}) lacks the FTS5 extension, which"
            " the store needs for search; use a Python built with FTS5 (most are)"
        ) from exc


def migrate(conn: sqlite3.Connection, migrations: Sequence[Migration], *, location: str) -> int:
    """Bring the database up to the newest migration; return the resulting schema version."""
    _check_owner(conn, location)
    latest = len(migrations)
    current = _user_version(conn)
    if current > latest:
        raise StoreError(
            f"store {location} has schema version {current}, newer than this scrutiny"
            f" understands ({latest}); upgrade scrutiny to open it"
        )
    for migration in migrations[current:]:
        _apply(conn, migration, location)
    return _user_version(conn)


def _check_owner(conn: sqlite3.Connection, location: str) -> None:
    # Never add our tables to someone else's database because it was named by mistake.
    (app_id,) = conn.execute("PRAGMA application_id").fetchone()
    if app_id == APPLICATION_ID:
        return
    # Migration 0001 sets our id in the transaction that creates the first table, so a file
    # with tables and no id of ours was made by something else.
    (tables,) = conn.execute("SELECT count(*) FROM sqlite_schema").fetchone()
    if app_id != 0 or tables:
        raise StoreError(f"{location} is an SQLite database of another application, not a store")


def _apply(conn: sqlite3.Connection, migration: Migration, location: str) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have applied it while this one waited for the lock.
        if _user_version(conn) < migration.version:
            for statement in split_statements(migration.sql):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {migration.version:d}")
        conn.execute("COMMIT")
    except BaseException as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise StoreError(
                f"cannot migrate store {location} to version {migration.version}"
                f" ({migration.name}): {exc}"
            ) from exc
        raise
