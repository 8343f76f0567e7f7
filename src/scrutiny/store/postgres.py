"""The PostgreSQL store: the :class:`~scrutiny.store.base.Store` protocol on a database server.

This module owns every statement about documents, their analyses and fingerprints on
PostgreSQL; search lives in :mod:`scrutiny.store.postgres_search`, the connection, migrations
and transactions in :mod:`scrutiny.store.postgres_db`, and entity linking and claim tracking are
the indexes the SQLite store uses too. An add is one transaction holding an advisory write lock
(writers queue, readers never wait), plus ``ON CONFLICT (id) DO NOTHING`` for the same document
added twice at once. Every call runs through :meth:`PgConnection.retry`, so a server restart
costs a reconnection and a rerun of the interrupted transaction, not the batch.
docs/store.md ("PostgreSQL") says how to run one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from functools import partial
from types import TracebackType
from typing import Self, TypeVar

import psycopg

from scrutiny.corpus import fingerprint as fp
from scrutiny.errors import NotFound, StoreError
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.store import postgres_search
from scrutiny.store.base import (
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
    parse_doc_id,
)
from scrutiny.store.postgres_db import (
    PgConnection,
    Row,
    connect,
    load_migrations,
    migrate,
    one_line,
    redact,
    scalar,
    schema_version,
)
from scrutiny.store.records import (
    MAX_CANDIDATES,
    PassagePrint,
    Prints,
    blob,
    check_storable,
    dumps,
    layer_filter,
    now,
    passage_pairs_sql,
    signature,
    similarity,
)
from scrutiny.store.sqlite_claims import ClaimIndex, _Earlier, claim_prints
from scrutiny.store.sqlite_entities import EntityIndex

_DOC_SHINGLES, _DOC_WORDS, _PASSAGE = 1, 2, 3
# PostgreSQL drops duplicate pairs with a hash, which reads every candidate row before the
# limit (3.8 s at 100,000 documents, where a passage has copies in thousands), so each of the
# document's band keys takes at most MAX_CANDIDATES passages first (0.1 s). If any key has that
# many, the limit is reached anyway; if none has, nothing is left out.
_PASSAGE_PAIRS_SQL = passage_pairs_sql(
    "SELECT DISTINCT mb.passage AS mine, ob.passage AS theirs FROM lsh_bands AS mb"
    " CROSS JOIN LATERAL (SELECT o.passage FROM lsh_bands AS o WHERE o.kind = mb.kind"
    " AND o.key = mb.key AND o.doc != ? LIMIT ?) AS ob"
    " WHERE mb.doc = ? AND mb.kind = ? LIMIT ?"
)
PASSAGES_PER_INSERT = 1_000  # 4,000 parameters a statement, far under the protocol's 65,535
_DOCUMENT_COLUMNS = "seq, id, title, author, published, source, media_type, meta, text"

T = TypeVar("T")


class _PgClaimIndex(ClaimIndex):
    # attrs is JSON text; jsonb's "->" gives the number as a number, like SQLite's json_extract.
    CHECKWORTHINESS = "(a.attrs::jsonb -> 'checkworthiness')"

    def _earlier(
        self, seq: int, keys_of: list[list[int]]
    ) -> tuple[dict[int, set[int]], dict[int, _Earlier]]:
        # The same answer as the portable query, whose VALUES list of (claim, key) pairs
        # PostgreSQL joins by scanning all of claim_bands, ten times a document (350 ms at 300
        # documents, growing with the corpus): one bitmap scan of the key index for all keys,
        # a row per earlier claim with the keys it has, paired with the new claims here.
        claims_of: dict[int, set[int]] = {}
        for n, keys in enumerate(keys_of):
            for k in keys:
                claims_of.setdefault(k, set()).add(n)
        if not claims_of:
            return {}, {}
        candidates: dict[int, set[int]] = {}
        for pid, keys in self._conn.execute(
            "SELECT print, array_agg(key) FROM claim_bands WHERE key = ANY(?::bigint[])"
            " GROUP BY print",
            (sorted(claims_of),),
        ):
            for n in set().union(*(claims_of[k] for k in keys)):
                candidates.setdefault(n, set()).add(pid)
        earlier: dict[int, _Earlier] = {}
        for pid, cluster, numbers, sig in self._conn.execute(
            "SELECT id, cluster, numbers, signature FROM claim_prints"
            " WHERE id = ANY(?::bigint[]) AND doc != ?",
            (sorted(set().union(*candidates.values())), seq),
        ):
            earlier[pid] = _Earlier(pid, cluster, numbers, fp.from_bytes(bytes(sig)))
        return {n: {i for i in ids if i in earlier} for n, ids in candidates.items()}, earlier


class PostgresStore:
    """A :class:`scrutiny.store.base.Store` in a PostgreSQL database (schema ``scrutiny``)."""

    def __init__(self, conn: PgConnection, location: str) -> None:
        self._conn = conn
        self.location = location
        self._entities = EntityIndex(conn)
        self._claims = _PgClaimIndex(conn)

    @classmethod
    def open(cls, url: str) -> PostgresStore:
        """Connect to ``url`` (``postgresql://…``) and bring its schema up to date."""
        conn = connect(url)
        try:
            migrate(conn, load_migrations(), location=redact(url))
        except psycopg.Error as exc:  # no right to create the schema, the server went away...
            conn.close()
            raise StoreError(f"cannot open store {redact(url)}: {one_line(exc)}") from exc
        except BaseException:
            conn.close()
            raise
        return cls(conn, redact(url))

    def close(self) -> None:
        # Statistics are an optimisation: no right to ANALYZE, or a closed connection, is fine.
        with suppress(psycopg.Error):
            self._conn.refresh_statistics()
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
        return self._plain(lambda: schema_version(self._conn))

    # --- writing ---------------------------------------------------------------------------

    def add(self, analysis: Analysis) -> bool:
        check_storable(analysis)
        if self.has(analysis.document.id):
            return False  # the common re-add costs a read, not the write lock
        # Hashing is CPU work: done before the write lock is taken, not while holding it.
        prints = Prints.of(analysis.document.text)
        claims = claim_prints(analysis)

        def store() -> bool:
            with self._conn.write_lock():
                seq = self._insert_document(analysis)
                if seq is None:
                    # Another process stored it since the check above (or this one did, in a
                    # transaction whose COMMIT went through but whose answer was lost).
                    return False
                self._insert_annotations(seq, analysis.annotations)
                self._insert_entities(seq, analysis)
                self._entities.link_document(seq, analysis)
                self._claims.index_document(seq, claims)
                self._insert_provenance(seq, analysis.provenance)
                self._insert_fingerprints(seq, prints)
            return True

        with self._errors():
            # Repeating the whole transaction is safe: ON CONFLICT stores the document once.
            return self._conn.retry(store, persistent=True)

    def delete(self, doc_id: str) -> bool:
        # A full id only: a destructive command must not act on a guess from a prefix.
        def delete() -> bool:
            self._entities.unlink_document(doc_id.strip())
            self._claims.unlink_document(doc_id.strip())
            cur = self._conn.execute("DELETE FROM documents WHERE id = ?", (doc_id.strip(),))
            self._entities.prune()
            return cur.rowcount > 0

        return self._write(delete)

    def _insert_document(self, analysis: Analysis) -> int | None:
        doc = analysis.document
        row = self._conn.execute(
            "INSERT INTO documents (id, title, author, published, source, media_type, meta,"
            " text, language, chars, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO NOTHING RETURNING seq",
            (
                doc.id,
                doc.title,
                doc.author,
                doc.published,
                doc.source,
                doc.media_type,
                dumps(dict(doc.meta)),
                doc.text,
                analysis.language,
                len(doc.text),
                now(),
            ),
        ).fetchone()
        return None if row is None else int(row[0])

    def _insert_annotations(self, seq: int, annotations: Sequence[Annotation]) -> None:
        self._conn.executemany(
            "INSERT INTO annotations (doc, ord, id, layer, char_start, char_end, label,"
            " confidence, analyzer, version, attrs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
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
                    dumps(dict(a.attrs)),
                )
                for ordinal, a in enumerate(annotations)
            ],
        )

    def _insert_entities(self, seq: int, analysis: Analysis) -> None:
        self._conn.executemany(
            "INSERT INTO entities (doc, entity_id, name, type, aliases) VALUES (?, ?, ?, ?, ?)",
            [
                (
                    seq,
                    e.id,
                    str(e.attrs.get("name") or analysis.document.slice(e.span)),
                    e.label,
                    dumps(list(e.attrs.get("aliases") or [])),
                )
                for e in analysis.layer("entity")
            ],
        )

    def _insert_provenance(self, seq: int, provenance: Mapping[str, Mapping[str, str]]) -> None:
        self._conn.executemany(
            "INSERT INTO provenance (doc, ord, layer, analyzer, version) VALUES (?, ?, ?, ?, ?)",
            [
                (seq, i, layer, str(info.get("analyzer", "")), str(info.get("version", "")))
                for i, (layer, info) in enumerate(provenance.items())
            ],
        )

    def _insert_fingerprints(self, seq: int, prints: Prints) -> None:
        whole = prints.whole
        self._conn.execute(
            "INSERT INTO fingerprints (doc, shingles, words) VALUES (?, ?, ?)",
            (seq, blob(whole.shingles), blob(whole.words)),
        )
        bands: list[tuple[int, int, int, int | None]] = [
            (key, kind, seq, None)
            for kind, sig in ((_DOC_SHINGLES, whole.shingles), (_DOC_WORDS, whole.words))
            if sig is not None
            for key in fp.band_keys(sig)
        ]
        ids = self._insert_passages(seq, prints.passages)
        for passage in prints.passages:
            pid = ids[passage.start, passage.end]
            bands.extend((key, _PASSAGE, seq, pid) for key in passage.keys)
        self._conn.executemany(
            "INSERT INTO lsh_bands (key, kind, doc, passage) VALUES (?, ?, ?, ?)", bands
        )

    def _insert_passages(
        self, seq: int, passages: Sequence[PassagePrint]
    ) -> dict[tuple[int, int], int]:
        """The passages' ids, by (start, end): paragraphs never overlap, so those are unique.

        A multi-row INSERT for many passages, not one per passage: the ids are matched back by
        span because RETURNING promises no order.
        """
        ids: dict[tuple[int, int], int] = {}
        for i in range(0, len(passages), PASSAGES_PER_INSERT):
            chunk = passages[i : i + PASSAGES_PER_INSERT]
            rows = self._conn.execute(
                "INSERT INTO passages (doc, char_start, char_end, signature) VALUES "
                + ", ".join(["(?, ?, ?, ?)"] * len(chunk))
                + " RETURNING id, char_start, char_end",
                [v for p in chunk for v in (seq, p.start, p.end, fp.to_bytes(p.signature))],
            ).fetchall()
            ids.update({(int(r[1]), int(r[2])): int(r[0]) for r in rows})
        if len(ids) != len(passages):
            raise StoreError(f"store {self.location}: two passages of one document share a span")
        return ids

    # --- reading ---------------------------------------------------------------------------

    def has(self, doc_id: str) -> bool:
        if "\x00" in doc_id:
            return False  # PostgreSQL text cannot hold NUL: no stored id has one
        row = self._plain(
            lambda: self._conn.execute(
                "SELECT 1 FROM documents WHERE id = ?", (doc_id.strip(),)
            ).fetchone()
        )
        return row is not None

    def count(self) -> int:
        return int(
            self._plain(lambda: scalar(self._conn.execute("SELECT count(*) FROM documents")))
        )

    def get(self, doc_id: str, *, layers: Collection[str] | None = None) -> Analysis:
        return self._read(lambda: self._load(self._find(doc_id), layers))

    def iter_analyses(self) -> Iterator[Analysis]:
        # The keys are read first and each analysis loaded on demand, so memory stays flat and
        # the caller may write to the store between items.
        seqs = self._plain(
            lambda: [r[0] for r in self._conn.execute("SELECT seq FROM documents ORDER BY seq")]
        )
        for seq in seqs:
            analysis = self._read(partial(self._load_seq, seq))
            if analysis is not None:  # else deleted since the list was read
                yield analysis

    def _load_seq(self, seq: int) -> Analysis | None:
        row = self._conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE seq = ?", (seq,)
        ).fetchone()
        return None if row is None else self._load(row)

    def documents(self, *, limit: int = 100, offset: int = 0) -> list[DocumentSummary]:
        if limit <= 0:
            return []
        rows = self._plain(
            lambda: self._conn.execute(
                "SELECT id, title, source, published, language, chars, added FROM documents"
                " ORDER BY seq DESC LIMIT ? OFFSET ?",
                (limit, max(0, offset)),
            ).fetchall()
        )
        return [DocumentSummary(*(r[i] for i in range(7))) for r in rows]

    def search(
        self, query: str, *, limit: int = 20, filters: SearchFilters | None = None
    ) -> list[SearchHit]:
        return self._read(lambda: postgres_search.search(self._conn, query, limit, filters))

    def facets(self, query: str, *, filters: SearchFilters | None = None) -> Facets:
        return self._read(lambda: postgres_search.facets(self._conn, query, filters))

    # --- entities and claims across documents ------------------------------------------------

    def corpus_entities(self, query: str = "", *, limit: int = 20) -> list[CorpusEntity]:
        return self._read(lambda: self._entities.find(query, limit))

    def entity_links(self, doc_id: str) -> dict[str, int]:
        return self._read(lambda: self._entities.links_of(doc_id.strip()))

    def corpus_entity(self, entity: int) -> tuple[CorpusEntity, list[EntityMember]]:
        return self._read(lambda: self._entities.get(entity))

    def merge_entities(self, keep: int, other: int) -> CorpusEntity:
        return self._write(lambda: self._entities.merge(keep, other))

    def split_entity(self, entity: int, name: str) -> CorpusEntity:
        return self._write(lambda: self._entities.split(entity, name))

    def entity_graph(
        self, *, entity: int | None = None, min_weight: int = 1, limit: int = 500
    ) -> tuple[list[CorpusEntity], list[EntityEdge]]:
        return self._read(lambda: self._entities.graph(entity, min_weight, limit))

    def claim_clusters(self, *, min_documents: int = 2, limit: int = 20) -> list[ClaimCluster]:
        return self._read(lambda: self._claims.clusters(min_documents, limit))

    # --- near-duplicates -------------------------------------------------------------------

    def similar(self, doc_id: str, *, limit: int = 10) -> list[SimilarDocument]:
        if limit <= 0:
            return []
        found = self._read(lambda: self._similar(doc_id))
        found.sort(key=lambda s: (-max(s.shingles, s.words), s.id))
        return found[:limit]

    def _similar(self, doc_id: str) -> list[SimilarDocument]:
        seq = self._find(doc_id)["seq"]
        row = self._conn.execute(
            "SELECT shingles, words FROM fingerprints WHERE doc = ?", (seq,)
        ).fetchone()
        if row is None:
            return []
        own = signature(row["shingles"]), signature(row["words"])
        rows = self._conn.execute(
            "SELECT d.id, d.title, d.source, f.shingles, f.words FROM ("
            " SELECT o.doc, count(*) AS shared FROM lsh_bands AS m"
            " JOIN lsh_bands AS o ON o.kind = m.kind AND o.key = m.key AND o.doc != m.doc"
            " WHERE m.doc = ? AND m.kind IN (?, ?)"
            " GROUP BY o.doc ORDER BY shared DESC, o.doc LIMIT ?) AS c"
            " JOIN documents AS d ON d.seq = c.doc JOIN fingerprints AS f ON f.doc = c.doc",
            (seq, _DOC_SHINGLES, _DOC_WORDS, MAX_CANDIDATES),
        ).fetchall()
        found = []
        for r in rows:
            shingles = similarity(own[0], signature(r["shingles"]))
            words = similarity(own[1], signature(r["words"]))
            relation = fp.relation(shingles, words)
            if relation is not None:
                found.append(
                    SimilarDocument(r["id"], r["title"], r["source"], shingles, words, relation)
                )
        return found

    def shared_passages(self, doc_id: str) -> list[SharedPassage]:
        rows = self._read(lambda: self._passage_rows(doc_id))
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

    def _passage_rows(self, doc_id: str) -> list[Row]:
        seq = self._find(doc_id)["seq"]
        return self._conn.execute(
            _PASSAGE_PAIRS_SQL,
            (seq, MAX_CANDIDATES, seq, _PASSAGE, MAX_CANDIDATES),
        ).fetchall()

    # --- loading ---------------------------------------------------------------------------

    def _find(self, doc_id: str) -> Row:
        if "\x00" in doc_id:
            parse_doc_id(doc_id)  # raises: NUL is never part of an id
        exact = self._row_by_id(doc_id.strip())
        if exact is not None:
            return exact  # any stored id, even one not shaped like ours
        wanted = parse_doc_id(doc_id)
        if not wanted.is_prefix:
            row = self._row_by_id(wanted.value)  # the bare or upper-case spelling of an id
            if row is None:
                raise NotFound(f"no stored document has id {wanted.value}")
            return row
        # Ids are lower-case hex, so the prefix holds no LIKE wildcard; text_pattern_ops makes
        # this a range scan of the id index.
        rows = self._conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id LIKE ? ORDER BY id LIMIT 3",
            (wanted.value + "%",),
        ).fetchall()
        if not rows:
            raise NotFound(f"no stored document id starts with {wanted.value}")
        if len(rows) > 1:
            shown = ", ".join(r["id"][:19] + "…" for r in rows)
            raise StoreError(
                f"ambiguous id prefix {wanted.value}: matches {shown}; give more digits"
            )
        found: Row = rows[0]
        return found

    def _row_by_id(self, doc_id: str) -> Row | None:
        return self._conn.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()

    def _load(self, row: Row, layers: Collection[str] | None = None) -> Analysis:
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
                "SELECT id, layer, char_start, char_end, label, analyzer, version, confidence,"
                f" attrs FROM annotations WHERE doc = ?{only} ORDER BY ord",
                params,
            )
        )
        provenance = {
            p["layer"]: {"analyzer": p["analyzer"], "version": p["version"]}
            for p in self._conn.execute(
                f"SELECT layer, analyzer, version FROM provenance WHERE doc = ?{only} ORDER BY ord",
                params,
            )
        }
        return Analysis(document, annotations, provenance)

    # --- how each call meets the connection ------------------------------------------------

    def _plain(self, op: Callable[[], T]) -> T:
        """``op``, statements outside a transaction, run again once if the connection was lost."""
        with self._errors():
            return self._conn.retry(op)

    def _read(self, op: Callable[[], T]) -> T:
        """``op`` in one read-only snapshot, run again once if the connection was lost."""

        def snapshot() -> T:
            with self._conn.read():
                return op()

        with self._errors():
            return self._conn.retry(snapshot)

    def _write(self, op: Callable[[], T]) -> T:
        """``op`` in one write transaction, run again once if the connection was lost before
        its COMMIT was sent (after, the server may have applied it: a StoreError says so)."""

        def transaction() -> T:
            with self._conn.write_lock():
                return op()

        with self._errors():
            return self._conn.retry(transaction)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except psycopg.Error as exc:
            raise StoreError(f"store {self.location}: {one_line(exc)}") from exc
