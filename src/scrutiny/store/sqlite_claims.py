"""The stored side of claim tracking: claim signatures, their band keys, and the clusters.

:class:`ClaimIndex` runs inside the store's transactions, on SQLite or PostgreSQL (portable SQL,
see :mod:`scrutiny.store.dbapi`; the one dialect difference is ``ClaimIndex.CHECKWORTHINESS``).
A new document's claims are compared only with the earlier claims sharing an LSH band key, and
join the cluster of the most similar one (estimated Jaccard of content-word stems >=
``CLAIM_MATCH``, same numbers); the other documents are never revisited. Each cluster's number
of documents and first dates are kept in ``claim_clusters``, so the clusters are ranked without
counting their claims.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from scrutiny.corpus import fingerprint as fp
from scrutiny.model import Analysis
from scrutiny.store.base import ClaimCluster, TrackedClaim
from scrutiny.store.dbapi import Connection, chunked

MAX_CLUSTERS = 1_000
# Only a cluster's first claims are indexed by band key: a claim repeated in thousands of
# documents is still found through them, and a new claim's lookup stays bounded however often
# the claims it resembles were repeated.
REPRESENTATIVES = 8
MAX_CLAIMS_SHOWN = 50  # per cluster; ``documents`` counts them all
# The day of a claim whose document has no published date: after every dated one.
UNDATED = "9999"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_of(text: str) -> str:
    return " ".join(sorted(set(_NUMBER.findall(text))))


@dataclass(frozen=True)
class ClaimPrint:
    """A claim of the document being added, hashed before the write lock is taken."""

    claim_id: str
    numbers: str
    signature: fp.Signature


def claim_prints(analysis: Analysis) -> list[ClaimPrint]:
    out = []
    for a in analysis.layer("claim"):
        text = analysis.document.slice(a.span)
        signature = fp.claim_signature(text)
        if signature is not None:
            out.append(ClaimPrint(a.id, numbers_of(text), signature))
    return out


class ClaimIndex:
    """Tracked claims in one connection (SQLite with :class:`sqlite3.Row` rows, or PostgreSQL)."""

    # The SQL reading a claim annotation's checkworthiness (a JSON number) out of ``a.attrs``.
    CHECKWORTHINESS = "json_extract(a.attrs, '$.checkworthiness')"

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def index_document(self, seq: int, prints: list[ClaimPrint]) -> None:
        if not prints:
            return
        keyed = [(p, fp.band_keys(p.signature)) for p in prints]
        candidates, earlier = self._earlier(seq, [keys for _, keys in keyed])
        published, added = self._conn.execute(
            "SELECT nullif(published, ''), added FROM documents WHERE seq = ?", (seq,)
        ).fetchone()
        joined: set[int] = set()
        for n, (p, keys) in enumerate(keyed):
            cluster, similarity = _best_cluster(p, [earlier[i] for i in candidates.get(n, ())])
            # Only a cluster's first claims are found again, through their band keys, and
            # compared with later ones: the others keep no signature (512 bytes a claim, 12% of
            # a store where claims are repeated thousands of times).
            representative = cluster is None or self._size(cluster) < REPRESENTATIVES
            row = self._conn.execute(
                "INSERT INTO claim_prints"
                " (doc, claim_id, cluster, similarity, numbers, signature, day)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (
                    seq,
                    p.claim_id,
                    cluster or 0,
                    similarity,
                    p.numbers,
                    fp.to_bytes(p.signature) if representative else b"",
                    published or UNDATED,
                ),
            ).fetchone()
            pid = int(row[0])
            joined.add(pid if cluster is None else cluster)
            if cluster is None:  # a claim seen for the first time starts its own cluster
                self._conn.execute("UPDATE claim_prints SET cluster = ? WHERE id = ?", (pid, pid))
            if representative:
                self._conn.executemany(
                    "INSERT INTO claim_bands (key, print) VALUES (?, ?)",
                    ((k, pid) for k in keys),
                )
        self._count_document(joined, published, added)

    def _count_document(self, clusters: set[int], published: str | None, added: str) -> None:
        """Count the document once in each cluster one of its claims joined, and let its dates
        move the clusters' first-seen dates earlier."""
        # A NULL date compares as unknown, so the CASEs keep the stored date (or take the new one
        # when none is stored).
        self._conn.executemany(
            "INSERT INTO claim_clusters (cluster, docs, published, added) VALUES (?, 1, ?, ?)"
            " ON CONFLICT (cluster) DO UPDATE SET docs = claim_clusters.docs + 1,"
            " published = CASE WHEN claim_clusters.published IS NULL"
            " OR excluded.published < claim_clusters.published"
            " THEN excluded.published ELSE claim_clusters.published END,"
            " added = CASE WHEN excluded.added < claim_clusters.added"
            " THEN excluded.added ELSE claim_clusters.added END",
            [(cluster, published, added) for cluster in sorted(clusters)],
        )

    def unlink_document(self, doc_id: str) -> None:
        """Count the clusters of a document's claims again without it; called before the
        document is deleted (its claim prints go with it)."""
        self._conn.execute(
            "UPDATE claim_clusters SET (docs, published, added) = ("
            " SELECT count(DISTINCT cp.doc), min(nullif(d.published, '')),"
            " coalesce(min(d.added), '')"
            " FROM claim_prints AS cp JOIN documents AS d ON d.seq = cp.doc"
            " WHERE cp.cluster = claim_clusters.cluster AND d.id <> ?)"
            " WHERE cluster IN (SELECT cp.cluster FROM claim_prints AS cp"
            " JOIN documents AS d ON d.seq = cp.doc WHERE d.id = ?)",
            (doc_id, doc_id),
        )
        self._conn.execute("DELETE FROM claim_clusters WHERE docs = 0")

    def _earlier(
        self, seq: int, keys_of: list[list[int]]
    ) -> tuple[dict[int, set[int]], dict[int, _Earlier]]:
        """For the n-th claim of a document, the other documents' claims sharing one of its band
        keys; and those claims. Read for all the claims at once, in two queries rather than one a
        claim (a round trip each on a server); the database pairs claims with keys, so a repeated
        claim sharing all its keys with the new one comes back once, not once a key."""
        pairs = sorted({(n, k) for n, keys in enumerate(keys_of) for k in keys})
        candidates: dict[int, set[int]] = {}
        for chunk in chunked(pairs, parameters_each=2):
            values = ", ".join(["(?, ?)"] * len(chunk))
            rows = self._conn.execute(
                f"WITH wanted (n, key) AS (VALUES {values}) SELECT DISTINCT wanted.n, b.print"
                " FROM wanted JOIN claim_bands AS b ON b.key = wanted.key",
                [v for pair in chunk for v in pair],
            )
            for n, pid in rows:
                candidates.setdefault(n, set()).add(pid)
        earlier: dict[int, _Earlier] = {}
        for ids in chunked(sorted(set().union(*candidates.values()))):
            for pid, cluster, numbers, signature in self._conn.execute(
                "SELECT id, cluster, numbers, signature FROM claim_prints"
                f" WHERE id IN ({','.join('?' * len(ids))}) AND doc != ?",
                (*ids, seq),
            ):
                earlier[pid] = _Earlier(pid, cluster, numbers, fp.from_bytes(bytes(signature)))
        return {n: {i for i in ids if i in earlier} for n, ids in candidates.items()}, earlier

    def _size(self, cluster: int) -> int:
        row = self._conn.execute(
            "SELECT count(*) FROM"
            " (SELECT 1 FROM claim_prints WHERE cluster = ? LIMIT ?) AS counted",
            (cluster, REPRESENTATIVES),
        ).fetchone()
        return int(row[0])

    def clusters(self, min_documents: int, limit: int) -> list[ClaimCluster]:
        limit = max(0, min(limit, MAX_CLUSTERS))
        rows = self._conn.execute(
            "SELECT cluster, docs, published, added FROM claim_clusters WHERE docs >= ?"
            " ORDER BY docs DESC, cluster LIMIT ?",
            (max(1, min_documents), limit),
        ).fetchall()
        return [
            ClaimCluster(
                r["cluster"],
                r["docs"],
                str(r["published"] or r["added"] or ""),
                tuple(self._claims(r["cluster"])),
            )
            for r in rows
        ]

    def _claims(self, cluster: int) -> Iterator[TrackedClaim]:
        """The first MAX_CLAIMS_SHOWN claims of a cluster: oldest published first, undated last,
        the earliest stored first among those of one day."""
        # The oldest claims come first in the (cluster, day, doc, id) index: only those shown
        # are read, however many documents repeat the claim.
        rows = self._conn.execute(
            "SELECT d.id, d.title, d.source, d.published, a.char_start, a.char_end,"
            " substr(d.text, a.char_start + 1, a.char_end - a.char_start) AS text,"
            f" {self.CHECKWORTHINESS} AS cw, cp.similarity"
            " FROM claim_prints AS cp JOIN documents AS d ON d.seq = cp.doc"
            " JOIN annotations AS a ON a.doc = cp.doc AND a.id = cp.claim_id"
            " WHERE cp.cluster = ? ORDER BY cp.day, cp.doc, cp.id LIMIT ?",
            (cluster, MAX_CLAIMS_SHOWN),
        )
        for r in rows:
            cw = r["cw"]
            yield TrackedClaim(
                r["id"],
                r["title"],
                r["source"],
                r["published"],
                r["char_start"],
                r["char_end"],
                r["text"],
                float(cw) if isinstance(cw, int | float) else None,
                r["similarity"],
            )


@dataclass(frozen=True)
class _Earlier:
    """A claim stored before, as a candidate for a new one's cluster."""

    id: int
    cluster: int
    numbers: str
    signature: fp.Signature


def _best_cluster(p: ClaimPrint, candidates: list[_Earlier]) -> tuple[int | None, float]:
    """The cluster of the most similar earlier claim with the same numbers (the earliest stored
    wins a tie), with its similarity; ``(None, 1.0)`` if none is close enough."""
    best: tuple[int | None, float] = (None, 1.0)
    best_score = 0.0
    for c in sorted(candidates, key=lambda c: c.id):
        if c.numbers != p.numbers:
            continue
        score = fp.similarity(p.signature, c.signature)
        if score >= fp.CLAIM_MATCH and score > best_score:
            best, best_score = (c.cluster, round(score, 3)), score
    return best
