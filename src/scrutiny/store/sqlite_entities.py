"""The stored side of cross-document entity resolution: links, keys, and people's decisions.

:class:`EntityIndex` runs inside the store's transactions (it never begins or commits one); what
links to what is decided by :mod:`scrutiny.corpus.resolve`. Only the document being added is
read and written, plus the corpus entities its keys point at. Its SQL is portable (see
:mod:`scrutiny.store.dbapi`), so the SQLite and the PostgreSQL store share this one index.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from itertools import combinations
from typing import Any

from scrutiny.corpus.resolve import Match, Profile, best_match, merged, name_words, profile_of
from scrutiny.corpus.resolve import fold as fold_word
from scrutiny.errors import NotFound, StoreError
from scrutiny.model import Analysis
from scrutiny.store.base import CorpusEntity, EntityEdge, EntityMember
from scrutiny.store.dbapi import Connection, chunked

MAX_QUERY_LIMIT = 1_000
MAX_GRAPH_EDGES = 100_000
# A document linking more entities than this is a list (a directory, a roll of names), not a
# context: its entities are not paired in the graph, which would take n² pairs from it. It is
# listed in crowded_documents when added; the migrations that made entity_pairs and
# crowded_documents count with this number too.
MAX_PAIRED_LINKS = 200


def _paired(doc: str) -> str:
    """SQL true when the document ``doc`` (a column or ``?``) pairs its entities."""
    return f"NOT EXISTS (SELECT 1 FROM crowded_documents AS c WHERE c.doc = {doc})"


# The documents of an entity (the parameter) that pair their entities, with each other entity
# they name, as (x, y, doc) with x < y.
_PAIRS_AROUND = (
    "SELECT CASE WHEN a.corpus_entity < b.corpus_entity THEN a.corpus_entity"
    " ELSE b.corpus_entity END AS x,"
    " CASE WHEN a.corpus_entity < b.corpus_entity THEN b.corpus_entity"
    " ELSE a.corpus_entity END AS y, a.doc AS doc FROM entity_links AS a"
    " JOIN entity_links AS b ON b.doc = a.doc AND b.corpus_entity != a.corpus_entity"
    f" WHERE a.corpus_entity = ? AND {_paired('a.doc')}"
)
# For one entity (first two parameters), each other entity and the number of events both take
# part in (agent, patient or place), in the documents that pair their entities.
_EVENTS_AROUND = (
    "SELECT other, count(*) AS n FROM (SELECT DISTINCT lb.corpus_entity AS other,"
    " ra.doc, ra.event_id FROM entity_links AS la"
    " JOIN event_roles AS ra ON ra.doc = la.doc AND ra.entity_id = la.entity_id"
    " JOIN event_roles AS rb ON rb.doc = ra.doc AND rb.event_id = ra.event_id"
    " JOIN entity_links AS lb ON lb.doc = rb.doc AND lb.entity_id = rb.entity_id"
    f" WHERE la.corpus_entity = ? AND lb.corpus_entity != ? AND {_paired('la.doc')}) AS shared"
    " GROUP BY other"
)
EDGE_EVIDENCE = 10  # documents listed per edge; the weight counts them all


@lru_cache(maxsize=1 << 16)
def full_fold(name: str) -> str:
    """The key a person's decision about a name is stored under."""
    return " ".join(fold_word(w) for w in name_words(name))


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class _Candidate:
    id: int
    type: str
    profile: Profile
    members: int  # documents linking it: of equally good candidates, the most mentioned wins


class _Pool:
    """The candidates of one document's linking, read for all its entities in one query (not one
    query each: a round trip each on a server), then kept as the database has them while the
    document's own entities create corpus entities, grow them and link to them."""

    def __init__(self, fetch: Callable[[list[str]], list[Any]]) -> None:
        self._fetch = fetch
        self._by_key: dict[str, set[int]] = {}
        self._entities: dict[int, _Candidate] = {}
        self._linked: set[int] = set()

    def load(self, keys: Iterable[str]) -> None:
        missing = sorted(set(keys) - self._by_key.keys())
        for k in missing:
            self._by_key[k] = set()
        for row in self._fetch(missing) if missing else ():
            self._by_key[row["key"]].add(row["id"])
            # An entity already held is as current as the database's row: both saw every write.
            self._entities.setdefault(row["id"], _candidate(row))

    def candidates(self, keys: set[str]) -> list[_Candidate]:
        self.load(keys)
        ids = set().union(*(self._by_key[k] for k in keys))
        return [self._entities[i] for i in sorted(ids)]

    def profile(self, cid: int) -> Profile:
        return self._entities[cid].profile

    def created(self, candidate: _Candidate, keys: set[str]) -> None:
        self._entities[candidate.id] = candidate
        self._filed(candidate.id, keys)

    def grown(self, cid: int, profile: Profile, keys: set[str]) -> None:
        self._entities[cid] = replace(self._entities[cid], profile=profile)
        self._filed(cid, keys)

    def linked(self, cid: int) -> None:
        """Count the document in once, however many of its entities link to ``cid``."""
        if cid not in self._linked:
            self._linked.add(cid)
            c = self._entities[cid]
            self._entities[cid] = replace(c, members=c.members + 1)

    def _filed(self, cid: int, keys: set[str]) -> None:
        # Keys not loaded yet are read from the database when asked for, new rows included.
        for k in keys:
            if k in self._by_key:
                self._by_key[k].add(cid)


class EntityIndex:
    """Corpus entities in one connection (SQLite with :class:`sqlite3.Row` rows, or PostgreSQL)."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        # Whether anyone has merged or split by hand: read once a document, because almost no
        # corpus has such decisions and asking for each entity would cost three queries.
        self._any_decisions = True

    # --- linking ---------------------------------------------------------------------------

    def link_document(self, seq: int, analysis: Analysis) -> None:
        """Link each resolvable entity of the stored document ``seq`` to a corpus entity."""
        roles: dict[str, list[str]] = {}
        for r in analysis.layer("role"):
            holder, role = r.attrs.get("entity"), r.attrs.get("role")
            if isinstance(holder, str) and isinstance(role, str):
                roles.setdefault(holder, []).append(role)
        self._any_decisions = (
            self._conn.execute("SELECT 1 FROM entity_decisions LIMIT 1").fetchone() is not None
        )
        found = []
        for e in analysis.layer("entity"):
            names = [str(e.attrs.get("name") or ""), *map(str, e.attrs.get("aliases") or [])]
            profile = profile_of(e.label, names, roles.get(e.id, ()))
            if profile is not None:
                found.append((e.id, e.label, profile))
        pool = _Pool(self._candidate_rows)
        pool.load(set().union(*(profile.keys() for _, _, profile in found)))
        linked = [
            self._link(seq, entity_id, label, profile, pool) for entity_id, label, profile in found
        ]
        self._insert_event_roles(seq, analysis)
        if len(linked) > MAX_PAIRED_LINKS:
            self._conn.execute("INSERT INTO crowded_documents (doc) VALUES (?)", (seq,))
        self._count_documents(linked, +1)
        self._count_pairs(seq, linked, +1)

    def index_events(self, seq: int, analysis: Analysis) -> None:
        """Record which of the already linked document's entities take part in which of its
        events (for a store made before events were kept), and count them into its pairs."""
        self._insert_event_roles(seq, analysis)
        if self._conn.execute(f"SELECT {_paired('?')}", (seq,)).fetchone()[0]:
            self._conn.executemany(
                "UPDATE entity_pairs SET events = events + ? WHERE x = ? AND y = ?",
                ((n, x, y) for (x, y), n in sorted(self._event_pairs(seq).items())),
            )

    def unlink_document(self, doc_id: str) -> None:
        """Take the document ``doc_id``, about to be deleted, out of the entities' document
        counts and the pair counts."""
        rows = self._conn.execute(
            "SELECT l.doc, l.corpus_entity FROM entity_links AS l"
            " JOIN documents AS d ON d.seq = l.doc WHERE d.id = ?",
            (doc_id,),
        ).fetchall()
        if rows:
            linked = [int(r[1]) for r in rows]
            self._count_documents(linked, -1)
            self._count_pairs(int(rows[0][0]), linked, -1)

    def _insert_event_roles(self, seq: int, analysis: Analysis) -> None:
        rows = {
            (seq, v.id, p["entity"], str(p.get("role") or ""))
            for v in analysis.layer("event")
            for p in v.attrs.get("participants") or ()
            if isinstance(p, dict) and isinstance(p.get("entity"), str)
        }
        self._conn.executemany(
            "INSERT INTO event_roles (doc, event_id, entity_id, role) VALUES (?, ?, ?, ?)"
            " ON CONFLICT DO NOTHING",
            sorted(rows),
        )

    def _event_pairs(self, seq: int) -> Counter[tuple[int, int]]:
        """For each pair of corpus entities, the events of document ``seq`` both take part in."""
        by_event: dict[str, set[int]] = {}
        for event, cid in self._conn.execute(
            "SELECT r.event_id, l.corpus_entity FROM event_roles AS r JOIN entity_links AS l"
            " ON l.doc = r.doc AND l.entity_id = r.entity_id WHERE r.doc = ?",
            (seq,),
        ):
            by_event.setdefault(event, set()).add(int(cid))
        return Counter(pair for cids in by_event.values() for pair in combinations(sorted(cids), 2))

    def _count_documents(self, linked: list[int], step: int) -> None:
        """Add ``step`` once to the document count of each corpus entity in ``linked``, the links
        of one document (an entity it names twice is still one document)."""
        self._conn.executemany(
            "UPDATE corpus_entities SET docs = docs + ? WHERE id = ?",
            ((step, cid) for cid in sorted(set(linked))),
        )

    def _count_pairs(self, seq: int, linked: list[int], step: int) -> None:
        """Add ``step`` times document ``seq`` to the counts of every pair among its links
        ``linked``: once to their documents, once for each event to their events."""
        if len(linked) > MAX_PAIRED_LINKS:
            return
        pairs = list(combinations(sorted(set(linked)), 2))
        events = self._event_pairs(seq)
        self._conn.executemany(
            "INSERT INTO entity_pairs (x, y, docs, events) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (x, y) DO UPDATE SET docs = entity_pairs.docs + excluded.docs,"
            " events = entity_pairs.events + excluded.events",
            ((x, y, step, step * events[(x, y)]) for x, y in pairs),
        )
        if step < 0:
            self._conn.executemany(
                "DELETE FROM entity_pairs WHERE x = ? AND y = ? AND docs <= 0", pairs
            )

    def _recount(self, ids: Iterable[int]) -> None:
        """Count again the documents of ``ids``, whose links a merge or split moved, and every
        pair with one of them."""
        ids = sorted(set(ids))
        marks = ",".join("?" * len(ids))
        self._conn.execute(
            "UPDATE corpus_entities SET docs = (SELECT count(DISTINCT l.doc)"
            " FROM entity_links AS l WHERE l.corpus_entity = corpus_entities.id)"
            f" WHERE id IN ({marks})",
            ids,
        )
        self._conn.execute(
            f"DELETE FROM entity_pairs WHERE x IN ({marks}) OR y IN ({marks})", (*ids, *ids)
        )
        for cid in ids:
            # A pair of two of ``ids`` is counted from both ends, to the same numbers.
            self._conn.execute(
                "INSERT INTO entity_pairs (x, y, docs) SELECT x, y, count(DISTINCT doc)"
                f" FROM ({_PAIRS_AROUND}) AS pairs GROUP BY x, y ON CONFLICT (x, y) DO NOTHING",
                (cid,),
            )
            rows = self._conn.execute(_EVENTS_AROUND, (cid, cid)).fetchall()
            self._conn.executemany(
                "UPDATE entity_pairs SET events = ? WHERE x = ? AND y = ?",
                ((int(n), min(cid, other), max(cid, other)) for other, n in rows),
            )

    def _link(
        self, seq: int, entity_id: str, entity_type: str, profile: Profile, pool: _Pool
    ) -> int:
        candidates = pool.candidates(profile.keys() | self._merged_keys(profile))
        forced = self._decided(profile, "merge", candidates)
        forbidden = self._decided(profile, "split", candidates)
        if forced:
            cid = min(forced)
            found: tuple[int, Match] | None = (cid, Match(1.0, ("merged by hand",)))
        else:
            found = best_match(
                profile, [(c.id, c.profile, c.members) for c in candidates], forbidden
            )
        if found is None:
            cid = self._create(entity_type, profile, pool)
            match = Match(1.0, ("first seen",))
        else:
            cid, match = found
            self._absorb(cid, pool.profile(cid), profile, pool)
        self._conn.execute(
            "INSERT INTO entity_links (doc, entity_id, corpus_entity, confidence, evidence)"
            " VALUES (?, ?, ?, ?, ?)",
            (seq, entity_id, cid, round(match.score, 3), _dumps(list(match.evidence))),
        )
        pool.linked(cid)
        return cid

    def _candidate_rows(self, keys: list[str]) -> list[Any]:
        """Corpus entities under any of ``keys``, each row with the key it was found under."""
        rows: list[Any] = []
        for chunk in chunked(keys):
            rows += self._conn.execute(
                "SELECT k.key, c.id, c.type, c.grp, c.names, c.roles, c.docs AS members"
                " FROM corpus_keys AS k JOIN corpus_entities AS c ON c.id = k.corpus_entity"
                f" WHERE k.key IN ({','.join('?' * len(chunk))})",
                chunk,
            ).fetchall()
        return rows

    def _merged_keys(self, profile: Profile) -> set[str]:
        """Keys of the names a person merged with one of this profile's names."""
        partners = self._partners(profile, "merge")
        return {f"{profile.group}:n:{p}" for p in partners}

    def _partners(self, profile: Profile, kind: str) -> set[str]:
        if not self._any_decisions:
            return set()
        mine = sorted({full_fold(n) for n in profile.names} - {""})
        if not mine:
            return set()
        marks = ",".join("?" * len(mine))
        rows = self._conn.execute(
            f"SELECT a, b FROM entity_decisions WHERE kind = ? AND grp = ?"
            f" AND (a IN ({marks}) OR b IN ({marks}))",
            (kind, profile.group, *mine, *mine),
        ).fetchall()
        return {r["b"] if r["a"] in mine else r["a"] for r in rows}

    def _decided(self, profile: Profile, kind: str, candidates: list[_Candidate]) -> frozenset[int]:
        partners = self._partners(profile, kind)
        return frozenset(
            c.id for c in candidates if partners & {full_fold(n) for n in c.profile.names}
        )

    def _create(self, entity_type: str, profile: Profile, pool: _Pool | None = None) -> int:
        row = self._conn.execute(
            "INSERT INTO corpus_entities (type, grp, names, roles) VALUES (?, ?, ?, ?)"
            " RETURNING id",
            (
                entity_type,
                profile.group,
                _dumps(list(profile.names)),
                _dumps(sorted(profile.roles)),
            ),
        ).fetchone()
        cid = int(row[0])
        keys = self._add_keys(cid, profile)
        if pool is not None:
            pool.created(_Candidate(cid, entity_type, profile, 0), keys)
        return cid

    def _absorb(self, cid: int, current: Profile, new: Profile, pool: _Pool | None = None) -> None:
        combined = merged(current, new)
        if combined != current:
            self._conn.execute(
                "UPDATE corpus_entities SET names = ?, roles = ? WHERE id = ?",
                (_dumps(list(combined.names)), _dumps(sorted(combined.roles)), cid),
            )
            keys = self._add_keys(cid, new)
            if pool is not None:
                pool.grown(cid, combined, keys)

    def _add_keys(self, cid: int, profile: Profile) -> set[str]:
        keys = profile.keys() | {f"{profile.group}:n:{full_fold(n)}" for n in profile.names}
        self._conn.executemany(
            "INSERT INTO corpus_keys (key, corpus_entity) VALUES (?, ?) ON CONFLICT DO NOTHING",
            ((k, cid) for k in sorted(keys)),
        )
        return keys

    def prune(self) -> None:
        """Drop corpus entities no document mentions any more (after a delete)."""
        self._conn.execute(
            "DELETE FROM corpus_entities WHERE id NOT IN (SELECT corpus_entity FROM entity_links)"
        )

    # --- reading ---------------------------------------------------------------------------

    def find(self, query: str, limit: int) -> list[CorpusEntity]:
        limit = max(0, min(limit, MAX_QUERY_LIMIT))
        words = name_words(query)
        keys: list[str] = []
        if words:
            # Any key of the query's words: a surname finds every person of that name, a full
            # name also its spelling variants; the names themselves are checked after.
            full = " ".join(fold_word(w) for w in words)
            keys = [f"{g}:n:{full}" for g in _GROUPS]
            keys += [f"{g}:f:{full.replace(' ', '')}" for g in _GROUPS if g != "person"]
            keys.append(f"person:f:{fold_word(words[-1])}")
        keyed = (
            " AND c.id IN (SELECT corpus_entity FROM corpus_keys"
            f" WHERE key IN ({','.join('?' * len(keys))}))"
            if keys
            else ""  # every entity, the biggest first from the (docs, id) index
        )
        rows = self._conn.execute(
            "SELECT c.id, c.type, c.grp, c.names, c.roles, c.docs AS members"
            f" FROM corpus_entities AS c WHERE c.docs > 0{keyed}"
            " ORDER BY c.docs DESC, c.id LIMIT ?",
            (*keys, limit),
        ).fetchall()
        return [_entity(r) for r in rows]

    def links_of(self, doc_id: str) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT l.entity_id, l.corpus_entity FROM entity_links AS l"
            " JOIN documents AS d ON d.seq = l.doc WHERE d.id = ? ORDER BY l.entity_id",
            (doc_id,),
        ).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def get(self, cid: int) -> tuple[CorpusEntity, list[EntityMember]]:
        summary = self.get_summary(cid)
        rows = self._conn.execute(
            "SELECT d.id AS doc_id, d.title, d.published, l.entity_id, e.name, e.type,"
            " l.confidence, l.evidence FROM entity_links AS l"
            " JOIN documents AS d ON d.seq = l.doc"
            " JOIN entities AS e ON e.doc = l.doc AND e.entity_id = l.entity_id"
            " WHERE l.corpus_entity = ? ORDER BY d.seq, l.entity_id",
            (cid,),
        ).fetchall()
        members = [
            EntityMember(
                r["doc_id"],
                r["title"],
                r["published"],
                r["entity_id"],
                r["name"],
                r["type"],
                r["confidence"],
                tuple(json.loads(r["evidence"])),
            )
            for r in rows
        ]
        return summary, members

    def graph(
        self, entity: int | None, min_weight: int, limit: int
    ) -> tuple[list[CorpusEntity], list[EntityEdge]]:
        limit = max(0, min(limit, MAX_GRAPH_EDGES))
        if entity is None:
            least = max(1, min_weight)
            low, high = self._tiers(least, limit)
            rows = self._conn.execute(
                "SELECT x, y, docs AS w, events FROM entity_pairs WHERE tier BETWEEN ? AND ?"
                " AND docs >= ? ORDER BY docs DESC, x, y LIMIT ?",
                (low, high, least, limit),
            ).fetchall()
        else:
            rows = self._conn.execute(
                "SELECT x, y, docs AS w, events FROM entity_pairs WHERE x = ? AND docs >= ?"
                " UNION ALL SELECT x, y, docs AS w, events FROM entity_pairs"
                " WHERE y = ? AND docs >= ?"
                " ORDER BY w DESC, x, y LIMIT ?",
                (entity, max(1, min_weight), entity, max(1, min_weight), limit),
            ).fetchall()
        ids = sorted({r["x"] for r in rows} | {r["y"] for r in rows} | _maybe(entity))
        nodes = {i: self.get_summary(i) for i in ids}
        edges = []
        for r in rows:
            x, y = r["x"], r["y"]
            rare, other = (x, y) if nodes[x].documents <= nodes[y].documents else (y, x)
            edges.append(EntityEdge(x, y, r["w"], self._shared_documents(rare, other), r["events"]))
        return list(nodes.values()), edges

    def _tiers(self, min_weight: int, limit: int) -> tuple[int, int]:
        """The tiers (digits of a pair's document count) that hold the ``limit`` heaviest pairs
        of at least ``min_weight`` documents: from the top down to the first that completes the
        number, or to the tier of ``min_weight``. Those are read whole and sorted: at 129,000
        documents the 500 heaviest of 21 million pairs read the 953 of the top tier; asking for
        more pairs than have ten documents reads those of one to nine, most of them."""
        low = len(str(min_weight))
        high = self._conn.execute("SELECT max(tier) FROM entity_pairs").fetchone()[0]
        if high is None or high < low:
            return low, low
        have = 0
        for tier in range(int(high), low, -1):
            have += self._conn.execute(
                "SELECT count(*) FROM (SELECT 1 FROM entity_pairs WHERE tier = ? LIMIT ?) AS t",
                (tier, limit - have),
            ).fetchone()[0]
            if have >= limit:
                return tier, int(high)
        return low, int(high)

    def _shared_documents(self, rare: int, other: int) -> tuple[str, ...]:
        # The first documents in order of the index, not all of them sorted: an edge between
        # two much-mentioned entities is in thousands. Walked from the end with fewer documents,
        # since most edges join a hub in thousands of documents to an entity in a few.
        rows = self._conn.execute(
            "SELECT d.id FROM documents AS d WHERE d.seq IN (SELECT DISTINCT a.doc"
            " FROM entity_links AS a JOIN entity_links AS b ON b.doc = a.doc"
            f" AND b.corpus_entity = ? WHERE a.corpus_entity = ? AND {_paired('b.doc')}"
            " ORDER BY a.doc LIMIT ?) ORDER BY d.seq",
            (other, rare, EDGE_EVIDENCE),
        ).fetchall()
        return tuple(r[0] for r in rows)

    def get_summary(self, cid: int) -> CorpusEntity:
        row = self._conn.execute(
            "SELECT c.id, c.type, c.grp, c.names, c.roles, c.docs AS members"
            " FROM corpus_entities AS c WHERE c.id = ?",
            (cid,),
        ).fetchone()
        if row is None:
            raise NotFound(f"no corpus entity {cid}")
        return _entity(row)

    # --- people's decisions ----------------------------------------------------------------

    def merge(self, keep: int, other: int) -> CorpusEntity:
        if keep == other:
            raise StoreError("cannot merge an entity with itself")
        a, _ = self.get(keep)
        b, _ = self.get(other)
        pa, pb = _profile_of_entity(self._row(keep)), _profile_of_entity(self._row(other))
        if pa.group != pb.group:
            raise StoreError(f"cannot merge a {pa.group} with a {pb.group}")
        self._decide("merge", pa.group, a.name, b.name)
        self._conn.execute(
            "UPDATE entity_links SET corpus_entity = ?, confidence = 1.0, evidence = ?"
            " WHERE corpus_entity = ?",
            (keep, _dumps(["merged by hand"]), other),
        )
        self._recount((keep, other))
        self._conn.execute(
            "INSERT INTO corpus_keys (key, corpus_entity)"
            " SELECT key, ? FROM corpus_keys WHERE corpus_entity = ? ON CONFLICT DO NOTHING",
            (keep, other),
        )
        self._absorb(keep, pa, pb)
        self._conn.execute("DELETE FROM corpus_entities WHERE id = ?", (other,))
        return self.get(keep)[0]

    def split(self, cid: int, name: str) -> CorpusEntity:
        entity, members = self.get(cid)
        target = full_fold(name)
        moving = [m for m in members if full_fold(m.name) == target]
        if not moving:
            raise NotFound(f"corpus entity {cid} has no member called {name!r}")
        if len(moving) == len(members):
            raise StoreError(f"every member of corpus entity {cid} is called {name!r}")
        group = _profile_of_entity(self._row(cid)).group
        staying = {m.name for m in members} - {m.name for m in moving}
        for other in sorted(staying):
            self._decide("split", group, name, other)
        new = self._create(moving[0].type, Profile(group, (moving[0].name,)))
        for m in moving:
            self._conn.execute(
                "UPDATE entity_links SET corpus_entity = ?, confidence = 1.0, evidence = ?"
                " WHERE corpus_entity = ? AND entity_id = ?"
                " AND doc = (SELECT seq FROM documents WHERE id = ?)",
                (new, _dumps(["split by hand"]), cid, m.entity_id, m.doc_id),
            )
        self._recount((cid, new))
        # The old entity's remembered names must not keep the split-off name.
        kept = tuple(n for n in entity.names if full_fold(n) != target) or (entity.name,)
        self._conn.execute(
            "UPDATE corpus_entities SET names = ? WHERE id = ?", (_dumps(list(kept)), cid)
        )
        self._conn.execute(
            "DELETE FROM corpus_keys WHERE corpus_entity = ? AND key = ?",
            (cid, f"{group}:n:{target}"),
        )
        return self.get(new)[0]

    def _decide(self, kind: str, group: str, x: str, y: str) -> None:
        a, b = sorted((full_fold(x), full_fold(y)))
        if a and b and a != b:
            self._conn.execute(
                "INSERT INTO entity_decisions (kind, grp, a, b, made) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (grp, a, b) DO UPDATE SET kind = excluded.kind, made = excluded.made",
                (kind, group, a, b, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
            )

    def _row(self, cid: int) -> Any:
        row = self._conn.execute(
            "SELECT id, type, grp, names, roles FROM corpus_entities WHERE id = ?", (cid,)
        ).fetchone()
        if row is None:
            raise NotFound(f"no corpus entity {cid}")
        return row


_GROUPS = ("person", "organisation", "place", "group")


def _maybe(value: int | None) -> set[int]:
    return set() if value is None else {value}


def _profile_of_entity(row: Any) -> Profile:
    return _parsed_profile(row["grp"], row["names"], row["roles"])


@lru_cache(maxsize=1 << 14)
def _parsed_profile(group: str, names: str, roles: str) -> Profile:
    # The same popular corpus entities are candidates for document after document; their stored
    # JSON only changes when a new name or role is absorbed, which changes the cache key too.
    return Profile(group, tuple(json.loads(names)), frozenset(json.loads(roles)))


def _candidate(row: Any) -> _Candidate:
    return _Candidate(row["id"], row["type"], _profile_of_entity(row), row["members"])


def _entity(row: Any) -> CorpusEntity:
    names = tuple(json.loads(row["names"]))
    return CorpusEntity(
        row["id"],
        names[0] if names else "",
        row["type"],
        names,
        tuple(json.loads(row["roles"])),
        row["members"],
    )
