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
import re
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from scrutiny.corpus import fingerprint as fp
from scrutiny.errors import NotFound, StoreError
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.store.base import (
    FACETS,
    SNIPPET_END,
    SNIPPET_START,
    ClaimCluster,
    CorpusEntity,
    DocumentSummary,
    EntityEdge,
    EntityMember,
    Facets,
    SearchFilters,
    SearchHit,
    SharedPassage,
    SimilarDocument,
    Term,
    parse_doc_id,
    parse_query,
)
from scrutiny.store.records import MAX_CANDIDATES, layer_filter, passage_pairs_sql
from scrutiny.store.records import Prints as _Prints
from scrutiny.store.records import blob as _blob
from scrutiny.store.records import check_storable as _check_storable
from scrutiny.store.records import dumps as _dumps
from scrutiny.store.records import now as _now
from scrutiny.store.records import signature as _signature
from scrutiny.store.records import similarity as _similarity
from scrutiny.store.sqlite_claims import ClaimIndex, claim_prints
from scrutiny.store.sqlite_entities import EntityIndex

APPLICATION_ID = 1396920917  # "SCRU", set by migration 0001
MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 5_000  # how long a writer waits for another process's write to finish
# A reader that stays open while a batch is added (a long export, a slow client) holds off the
# checkpoints, so the write-ahead log grows with the batch: to 18 GB over a 100k-document load.
# SQLite cannot shrink it while that reader lasts, but with a limit it cuts the file back to this
# size at the next reset instead of keeping it at its largest for good.
WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024
SNIPPET_TOKENS = 16
MAX_SEARCH_LIMIT = 1_000
FILTER_SNIPPET_CHARS = 200  # a hit found by filters alone has no matched words to show
# Facets count at most this many matching documents, so a broad query stays fast on a big corpus.
MAX_FACET_DOCS = 10_000
FACET_VALUES = 20
_DOC_SHINGLES, _DOC_WORDS, _PASSAGE = 1, 2, 3
# SQLite drops duplicate pairs as they come, so the limit stops the join early. The document's
# own keys are the outer loop, read by doc (see similar()).
_PASSAGE_PAIRS_SQL = passage_pairs_sql(
    "SELECT DISTINCT mb.passage AS mine, ob.passage AS theirs"
    " FROM lsh_bands AS mb INDEXED BY lsh_bands_doc CROSS JOIN lsh_bands AS ob"
    " ON ob.kind = mb.kind AND ob.key = mb.key AND ob.doc != ?"
    " WHERE mb.doc = ? AND mb.kind = ? LIMIT ?"
)
# bm25 column weights: a word in the title says more about the document than one in the text.
TITLE_WEIGHT, TEXT_WEIGHT = 5.0, 1.0
_RANKING = f"bm25({TITLE_WEIGHT}, {TEXT_WEIGHT})"
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


class SQLiteStore:
    """A :class:`scrutiny.store.base.Store` in one SQLite file (or in memory)."""

    def __init__(self, conn: sqlite3.Connection, location: str) -> None:
        self._conn = conn
        self.location = location
        self._entities = EntityIndex(conn)
        self._claims = ClaimIndex(conn)

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
            before = _user_version(conn)
            migrate(conn, load_migrations(), location=location)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot open store {location}: {exc}") from exc
        except BaseException:
            conn.close()
            raise
        conn.row_factory = sqlite3.Row
        store = cls(conn, location)
        store._backfill(before)
        return store

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

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the whole store in a new file at ``target``, taken while others
        may be writing (SQLite's online backup); refuses to overwrite an existing file."""
        path = Path(target)
        if path.exists():
            raise StoreError(f"backup target {path} already exists")
        with self._errors():
            copy = sqlite3.connect(path)
            try:
                self._conn.backup(copy)
            finally:
                copy.close()

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
            # Hashing is CPU work: done before the write lock is taken, not while holding it.
            prints = _Prints.of(analysis.document.text)
            claims = claim_prints(analysis)
            with self._write():
                seq = self._insert_document(analysis)
                if seq is None:
                    return False  # another process stored it since the check above
                self._insert_annotations(seq, analysis.annotations)
                self._insert_entities(seq, analysis)
                self._entities.link_document(seq, analysis)
                self._claims.index_document(seq, claims)
                self._insert_provenance(seq, analysis.provenance)
                self._insert_fingerprints(seq, prints)
        return True

    def delete(self, doc_id: str) -> bool:
        # A full id only: a destructive command must not act on a guess from a prefix.
        with self._errors(), self._write():
            self._entities.unlink_document(doc_id.strip())
            self._claims.unlink_document(doc_id.strip())
            cur = self._conn.execute("DELETE FROM documents WHERE id = ?", (doc_id.strip(),))
            self._entities.prune()
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

    def _insert_fingerprints(self, seq: int, prints: _Prints) -> None:
        whole = prints.whole
        self._conn.execute(
            "INSERT INTO fingerprints (doc, shingles, words) VALUES (?, ?, ?)",
            (seq, _blob(whole.shingles), _blob(whole.words)),
        )
        bands: list[tuple[int, int, int, int | None]] = [
            (key, kind, seq, None)
            for kind, signature in ((_DOC_SHINGLES, whole.shingles), (_DOC_WORDS, whole.words))
            if signature is not None
            for key in fp.band_keys(signature)
        ]
        for passage in prints.passages:
            cur = self._conn.execute(
                "INSERT INTO passages (doc, char_start, char_end, signature) VALUES (?, ?, ?, ?)",
                (seq, passage.start, passage.end, fp.to_bytes(passage.signature)),
            )
            bands.extend((key, _PASSAGE, seq, cur.lastrowid) for key in passage.keys)
        self._conn.executemany(
            "INSERT INTO lsh_bands (key, kind, doc, passage) VALUES (?, ?, ?, ?)", bands
        )

    def _backfill(self, before: int) -> None:
        """Bring documents stored under an older schema up to the corpus indexes added since,
        oldest first, one transaction per document (a crash leaves the rest for next time)."""
        steps: list[tuple[int, str, Callable[[int, Analysis], None]]] = [
            (
                _FINGERPRINTS_VERSION,
                "SELECT seq FROM documents WHERE seq NOT IN (SELECT doc FROM fingerprints)",
                lambda seq, a: self._insert_fingerprints(seq, _Prints.of(a.document.text)),
            ),
            (
                _CORPUS_ENTITIES_VERSION,
                "SELECT seq FROM documents WHERE seq NOT IN (SELECT doc FROM entity_links)",
                self._entities.link_document,
            ),
            (
                _CLAIM_PRINTS_VERSION,
                "SELECT DISTINCT doc FROM annotations WHERE layer = 'claim'",
                lambda seq, a: self._claims.index_document(seq, claim_prints(a)),
            ),
            (
                _EVENT_ROLES_VERSION,
                "SELECT DISTINCT doc FROM annotations WHERE layer = 'event'"
                " AND doc NOT IN (SELECT doc FROM event_roles)",
                self._entities.index_events,
            ),
        ]
        for version, pending, index in steps:
            if before >= version:
                continue
            with self._errors():
                seqs = [r[0] for r in self._conn.execute(f"{pending} ORDER BY 1")]
                for seq in seqs:
                    row = self._conn.execute("SELECT * FROM documents WHERE seq = ?", (seq,))
                    analysis = self._load(row.fetchone())
                    with self._write():
                        index(seq, analysis)

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

    def get(self, doc_id: str, *, layers: Collection[str] | None = None) -> Analysis:
        with self._errors(), self._read():
            return self._load(self._find(doc_id), layers)

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

    def search(
        self, query: str, *, limit: int = 20, filters: SearchFilters | None = None
    ) -> list[SearchHit]:
        terms = parse_query(query)
        where = _Where.of(filters)
        if limit <= 0 or (not terms and where.empty):
            return []
        limit = min(limit, MAX_SEARCH_LIMIT)
        with self._errors():
            if not terms:
                return self._filtered(where, limit)
            hits = self._match(fts5_query(terms, "AND"), where, limit)
            if not hits and len(terms) > 1:
                # No document has every word: show those with some, still ranked by bm25, rather
                # than nothing. A quoted phrase stays one term, so it is never split up.
                hits = self._match(fts5_query(terms, "OR"), where, limit)
        return hits

    def _match(self, match: str, where: _Where, limit: int) -> list[SearchHit]:
        # Ordered by FTS5's own rank column, FTS5 sorts the matches itself and SQLite stops after
        # ``limit`` rows, so only the hits shown get a snippet. Ordered by a bm25() expression,
        # SQLite made a snippet (re-reading the document's text) for every match before sorting:
        # p95 88-118 -> 42-44 ms over 300 two-word queries at 100,000 documents, the same hits.
        rows = self._conn.execute(
            "SELECT d.id, d.title, d.source,"
            " snippet(documents_fts, ?, ?, ?, '…', ?) AS snippet, documents_fts.rank AS rank"
            " FROM documents_fts JOIN documents AS d ON d.seq = documents_fts.rowid"
            f" WHERE documents_fts MATCH ? AND documents_fts.rank MATCH ?{where.sql}"
            " ORDER BY documents_fts.rank LIMIT ?",
            (
                _TEXT_COLUMN,
                SNIPPET_START,
                SNIPPET_END,
                SNIPPET_TOKENS,
                match,
                _RANKING,
                *where.params,
                limit,
            ),
        ).fetchall()
        # bm25() is lower for better matches; the interface promises a score that grows.
        return [
            SearchHit(r["id"], r["title"], r["source"], r["snippet"] or "", -float(r["rank"]))
            for r in rows
        ]

    def _filtered(self, where: _Where, limit: int) -> list[SearchHit]:
        rows = self._conn.execute(
            "SELECT d.id, d.title, d.source, substr(d.text, 1, ?) AS snippet FROM documents AS d"
            f" WHERE 1{where.sql} ORDER BY d.seq DESC LIMIT ?",
            (FILTER_SNIPPET_CHARS, *where.params, limit),
        ).fetchall()
        return [SearchHit(r["id"], r["title"], r["source"], r["snippet"], 0.0) for r in rows]

    def facets(self, query: str, *, filters: SearchFilters | None = None) -> Facets:
        terms = parse_query(query)
        where = _Where.of(filters)
        if not terms and where.empty:
            return {name: [] for name in FACETS}
        with self._errors(), self._read():
            if terms:
                seqs = self._seqs(*self._facet_base(fts5_query(terms, "AND"), where))
                if len(terms) > 1 and not seqs:
                    seqs = self._seqs(*self._facet_base(fts5_query(terms, "OR"), where))
            else:
                base = f"SELECT d.seq FROM documents AS d WHERE 1{where.sql} LIMIT {MAX_FACET_DOCS}"
                seqs = self._seqs(base, where.params)
            # The matches are read once and handed to each facet's count as a JSON array: as a
            # subquery, the full-text match ran again for each of the six facets.
            matched = json.dumps(seqs)
            return {name: self._facet(name, matched) for name in FACETS}

    def _facet_base(self, match: str, where: _Where) -> tuple[str, tuple[Any, ...]]:
        return (
            "SELECT d.seq FROM documents_fts JOIN documents AS d ON d.seq = documents_fts.rowid"
            f" WHERE documents_fts MATCH ?{where.sql} LIMIT {MAX_FACET_DOCS}",
            (match, *where.params),
        )

    def _seqs(self, sql: str, params: Sequence[Any]) -> list[int]:
        return [int(r[0]) for r in self._conn.execute(sql, params)]

    def _facet(self, name: str, matched: str) -> list[tuple[str, int]]:
        rows = self._conn.execute(
            f"WITH m(seq) AS (SELECT value FROM json_each(?)) {_FACET_SQL[name]}"
            " ORDER BY n DESC, value LIMIT ?",
            (matched, FACET_VALUES),
        ).fetchall()
        return [(str(r["value"]), int(r["n"])) for r in rows]

    def corpus_entities(self, query: str = "", *, limit: int = 20) -> list[CorpusEntity]:
        with self._errors(), self._read():
            return self._entities.find(query, limit)

    def entity_links(self, doc_id: str) -> dict[str, int]:
        with self._errors(), self._read():
            return self._entities.links_of(doc_id.strip())

    def corpus_entity(self, entity: int) -> tuple[CorpusEntity, list[EntityMember]]:
        with self._errors(), self._read():
            return self._entities.get(entity)

    def claim_clusters(self, *, min_documents: int = 2, limit: int = 20) -> list[ClaimCluster]:
        with self._errors(), self._read():
            return self._claims.clusters(min_documents, limit)

    def entity_graph(
        self, *, entity: int | None = None, min_weight: int = 1, limit: int = 500
    ) -> tuple[list[CorpusEntity], list[EntityEdge]]:
        with self._errors(), self._read():
            return self._entities.graph(entity, min_weight, limit)

    def merge_entities(self, keep: int, other: int) -> CorpusEntity:
        with self._errors(), self._write():
            return self._entities.merge(keep, other)

    def split_entity(self, entity: int, name: str) -> CorpusEntity:
        with self._errors(), self._write():
            return self._entities.split(entity, name)

    def similar(self, doc_id: str, *, limit: int = 10) -> list[SimilarDocument]:
        if limit <= 0:
            return []
        with self._errors(), self._read():
            seq = self._find(doc_id)["seq"]
            own = self._signatures(seq)
            if own is None:
                return []
            # This document's keys, read by doc, are the outer loop: offered the (kind, key, doc)
            # index, SQLite's planner would walk every key of a kind (50 million rows at 100,000
            # documents) and look each up among this document's or filter it by doc.
            candidates = self._conn.execute(
                "SELECT o.doc, count(*) AS shared FROM lsh_bands AS m INDEXED BY lsh_bands_doc"
                " CROSS JOIN lsh_bands AS o ON o.kind = m.kind AND o.key = m.key AND o.doc != m.doc"
                " WHERE m.doc = ? AND m.kind IN (?, ?)"
                " GROUP BY o.doc ORDER BY shared DESC, o.doc LIMIT ?",
                (seq, _DOC_SHINGLES, _DOC_WORDS, MAX_CANDIDATES),
            ).fetchall()
            found = []
            for cand in candidates:
                found.extend(self._compare(own, cand["doc"]))
        found.sort(key=lambda s: (-max(s.shingles, s.words), s.id))
        return found[:limit]

    def _signatures(self, seq: int) -> tuple[fp.Signature | None, fp.Signature | None] | None:
        row = self._conn.execute(
            "SELECT shingles, words FROM fingerprints WHERE doc = ?", (seq,)
        ).fetchone()
        if row is None:
            return None
        return _signature(row["shingles"]), _signature(row["words"])

    def _compare(
        self, own: tuple[fp.Signature | None, fp.Signature | None], seq: int
    ) -> list[SimilarDocument]:
        other = self._signatures(seq)
        if other is None:
            return []
        shingles = _similarity(own[0], other[0])
        words = _similarity(own[1], other[1])
        relation = fp.relation(shingles, words)
        if relation is None:
            return []
        row = self._conn.execute(
            "SELECT id, title, source FROM documents WHERE seq = ?", (seq,)
        ).fetchone()
        return [SimilarDocument(row["id"], row["title"], row["source"], shingles, words, relation)]

    def shared_passages(self, doc_id: str) -> list[SharedPassage]:
        with self._errors(), self._read():
            seq = self._find(doc_id)["seq"]
            rows = self._conn.execute(
                _PASSAGE_PAIRS_SQL,
                (seq, seq, _PASSAGE, MAX_CANDIDATES),
            ).fetchall()
        found = []
        for r in rows:
            score = fp.similarity(fp.from_bytes(r["mine"]), fp.from_bytes(r["theirs"]))
            if score >= fp.PASSAGE_MATCH:
                found.append(
                    SharedPassage(
                        r["start"],
                        r["end"],
                        r["other_id"],
                        r["other_title"],
                        r["other_start"],
                        r["other_end"],
                        score,
                    )
                )
        found.sort(key=lambda p: (p.start, -p.similarity, p.other_id, p.other_start))
        return found

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

    def _load(self, row: sqlite3.Row, layers: Collection[str] | None = None) -> Analysis:
        seq = row["seq"]
        only, wanted = layer_filter(layers)
        params = (seq, *wanted)
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
                f"SELECT * FROM annotations WHERE doc = ?{only} ORDER BY ord", params
            )
        )
        provenance = {
            p["layer"]: {"analyzer": p["analyzer"], "version": p["version"]}
            for p in self._conn.execute(
                f"SELECT layer, analyzer, version FROM provenance WHERE doc = ?{only}"
                " ORDER BY rowid",
                params,
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

_FINGERPRINTS_VERSION = 2  # the migration that added fingerprints
_CORPUS_ENTITIES_VERSION = 3  # the migration that added cross-document entities
_CLAIM_PRINTS_VERSION = 4  # the migration that added claim tracking
_EVENT_ROLES_VERSION = 5  # the migration that added event participants

# Each facet counts distinct matching documents (m) per value.
_FACET_SQL = {
    "language": "SELECT d.language AS value, count(*) AS n FROM m JOIN documents AS d"
    " ON d.seq = m.seq WHERE d.language IS NOT NULL GROUP BY d.language",
    "year": "SELECT substr(d.published, 1, 4) AS value, count(*) AS n FROM m JOIN documents AS d"
    " ON d.seq = m.seq WHERE d.published GLOB '[0-9][0-9][0-9][0-9]*' GROUP BY value",
    "entity_type": "SELECT e.type AS value, count(DISTINCT e.doc) AS n FROM m JOIN entities AS e"
    " ON e.doc = m.seq GROUP BY e.type",
    "entity": "SELECT e.name AS value, count(DISTINCT e.doc) AS n FROM m JOIN entities AS e"
    " ON e.doc = m.seq GROUP BY e.name",
    "technique": "SELECT a.label AS value, count(DISTINCT a.doc) AS n FROM m JOIN annotations"
    " AS a ON a.doc = m.seq AND a.layer = 'technique' GROUP BY a.label",
    "signal": "SELECT a.label AS value, count(DISTINCT a.doc) AS n FROM m JOIN annotations"
    " AS a ON a.doc = m.seq AND a.layer = 'signal' GROUP BY a.label",
}


@dataclass(frozen=True)
class _Where:
    """Search filters as SQL conditions on ``d`` (documents), each starting with `` AND``."""

    sql: str
    params: tuple[Any, ...]

    @property
    def empty(self) -> bool:
        return not self.sql

    @classmethod
    def of(cls, filters: SearchFilters | None) -> _Where:
        if filters is None or filters.is_empty():
            return cls("", ())
        parts: list[str] = []
        params: list[Any] = []

        def add(sql: str, *values: Any) -> None:
            parts.append(sql)
            params.extend(values)

        f = filters
        if f.entity:
            typed = " AND e.type = ?" if f.entity_type else ""
            add(
                "EXISTS (SELECT 1 FROM entities AS e WHERE e.doc = d.seq AND (e.name = ? COLLATE"
                " NOCASE OR EXISTS (SELECT 1 FROM json_each(e.aliases) AS j WHERE j.value = ?"
                f" COLLATE NOCASE)){typed})",
                f.entity.strip(),
                f.entity.strip(),
                *([f.entity_type] if f.entity_type else []),
            )
        elif f.entity_type:
            add(
                "EXISTS (SELECT 1 FROM entities AS e WHERE e.doc = d.seq AND e.type = ?)",
                f.entity_type,
            )
        for layer, label in (("technique", f.technique), ("signal", f.signal)):
            if label:
                add(
                    "EXISTS (SELECT 1 FROM annotations AS a WHERE a.doc = d.seq AND a.layer = ?"
                    " AND a.label = ?)",
                    layer,
                    label,
                )
        if f.date_from:
            add("d.published >= ?", f.date_from.strip())
        if f.date_to:
            # "2015-03" must include 2015-03-31T23:59: compare against the prefix's upper bound.
            add("d.published < ?", f.date_to.strip() + "\uffff")
        if f.source:
            add("instr(d.source, ?) > 0", f.source)
        if f.language:
            add("d.language = ?", f.language.strip().lower())
        return cls("".join(f" AND {p}" for p in parts), tuple(params))


def fts5_query(terms: Iterable[Term], operator: str) -> str:
    """An FTS5 MATCH expression that matches the terms literally.

    Every term becomes one double-quoted string (a phrase when it has several words), so no
    character the user typed is read as FTS5 syntax; ``"`` is doubled as FTS5 requires, though
    parse_query never lets one through.
    """
    quoted = ('"' + " ".join(words).replace('"', '""') + '"' for words in terms)
    return f" {operator} ".join(quoted)


def _user_version(conn: sqlite3.Connection) -> int:
    (version,) = conn.execute("PRAGMA user_version").fetchone()
    return int(version)


def restore(backup: str | Path, target: str | Path, *, replace: bool = False) -> int:
    """Copy the store ``backup`` (made by :meth:`SQLiteStore.backup`) to ``target``; return how
    many documents it holds. The backup is checked first (a scrutiny store, intact), and an
    existing store at ``target`` is only overwritten with ``replace``."""
    source, dest = Path(backup), Path(target)
    if not source.is_file():
        raise StoreError(f"no backup at {source}")
    if dest.exists() and not replace:
        raise StoreError(f"{dest} exists; restoring over it needs --replace")
    with SQLiteStore.open(source) as store:
        with store._errors():
            (ok,) = store._conn.execute("PRAGMA integrity_check").fetchone()
        if ok != "ok":
            raise StoreError(f"backup {source} is damaged: {ok}")
        n = store.count()
        dest.parent.mkdir(parents=True, exist_ok=True)
        with store._errors():
            copy = sqlite3.connect(dest)
            try:
                store._conn.backup(copy)
            finally:
                copy.close()
    return n


def _configure(conn: sqlite3.Connection, *, in_memory: bool) -> None:
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not in_memory:
        # WAL lets readers (the CLI, the web UI) work while a batch is being added; NORMAL is
        # durable against a crash of the process, only the last commits can be lost on power loss.
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute(f"PRAGMA journal_size_limit = {WAL_SIZE_LIMIT_BYTES}")


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
