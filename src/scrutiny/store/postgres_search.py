"""Full-text search and facets in the PostgreSQL store: tsvector, GIN, ts_rank, ts_headline.

This module owns the PostgreSQL reading of :func:`scrutiny.store.base.parse_query` terms and of
:class:`scrutiny.store.base.SearchFilters`, with the same semantics as the SQLite store: every
term must match (a quoted phrase as adjacent words), else any term does; the title counts five
times a word of the text; snippets mark matches with ``SNIPPET_START``/``SNIPPET_END``. The
user's words only ever travel as query parameters, never as SQL or tsquery syntax.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from scrutiny.store.base import (
    FACETS,
    SNIPPET_END,
    SNIPPET_START,
    Facets,
    SearchFilters,
    SearchHit,
    Term,
    parse_query,
)
from scrutiny.store.postgres_db import SEARCH_CONFIG, PgConnection

MAX_SEARCH_LIMIT = 1_000
FILTER_SNIPPET_CHARS = 200  # a hit found by filters alone has no matched words to show
MAX_FACET_DOCS = 10_000  # facets count at most this many matching documents
MAX_RANKED = 5_000  # search ranks at most this many matching documents, the newest
FACET_VALUES = 20
SNIPPET_WORDS = 16
# ts_rank weights for D, C, B, A: the text is weighted D and the title A (migration 0001), so a
# title word counts five times a text word, as in the SQLite store's bm25 weights.
RANK_WEIGHTS = "{0.2, 0.2, 0.2, 1.0}"
HEADLINE_OPTIONS = (
    f"StartSel={SNIPPET_START}, StopSel={SNIPPET_END}, MaxWords={SNIPPET_WORDS},"
    " MinWords=8, ShortWord=0, MaxFragments=1, FragmentDelimiter=…"
)

_FACET_SQL = {
    "language": "SELECT d.language AS value, count(*) AS n FROM m JOIN documents AS d"
    " ON d.seq = m.seq WHERE d.language IS NOT NULL GROUP BY d.language",
    "year": "SELECT substr(d.published, 1, 4) AS value, count(*) AS n FROM m JOIN documents AS d"
    " ON d.seq = m.seq WHERE d.published ~ '^[0-9]{4}' GROUP BY 1",
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
class Sql:
    """A piece of SQL with its ``?`` parameters."""

    sql: str
    params: tuple[Any, ...] = ()


def tsquery(terms: list[Term], operator: str) -> Sql:
    """A tsquery matching the terms literally, joined by ``&&`` or ``||``.

    Each term goes through ``phraseto_tsquery`` as a parameter, so the user's text is parsed
    and stemmed like the documents were, its words must stand next to each other, and nothing
    in it can be tsquery syntax.
    """
    one = f"phraseto_tsquery('{SEARCH_CONFIG}', ?)"
    return Sql(f" {operator} ".join([one] * len(terms)), tuple(" ".join(t) for t in terms))


def where(filters: SearchFilters | None) -> Sql:
    """Search filters as conditions on ``d`` (documents), each starting with `` AND``."""
    if filters is None or filters.is_empty():
        return Sql("")
    if any("\x00" in (getattr(filters, f) or "") for f in filters.__dataclass_fields__):
        # PostgreSQL text cannot hold NUL, so nothing stored can equal or contain such a value.
        return Sql(" AND false")
    parts: list[Sql] = []
    f = filters
    if f.entity:
        typed = " AND e.type = ?" if f.entity_type else ""
        name = f.entity.strip()
        parts.append(
            Sql(
                "EXISTS (SELECT 1 FROM entities AS e WHERE e.doc = d.seq AND (lower(e.name) ="
                " lower(?) OR EXISTS (SELECT 1 FROM json_array_elements_text(e.aliases::json)"
                f" AS j (v) WHERE lower(j.v) = lower(?))){typed})",
                (name, name, *([f.entity_type] if f.entity_type else [])),
            )
        )
    elif f.entity_type:
        parts.append(
            Sql(
                "EXISTS (SELECT 1 FROM entities AS e WHERE e.doc = d.seq AND e.type = ?)",
                (f.entity_type,),
            )
        )
    for layer, label in (("technique", f.technique), ("signal", f.signal)):
        if label:
            parts.append(
                Sql(
                    "EXISTS (SELECT 1 FROM annotations AS a WHERE a.doc = d.seq AND a.layer = ?"
                    " AND a.label = ?)",
                    (layer, label),
                )
            )
    # Byte order ("C"), whatever the database's collation, so that "2015-03" + U+FFFF is above
    # every date in March 2015 and the prefix's upper bound is inclusive.
    if f.date_from:
        parts.append(Sql('d.published COLLATE "C" >= ?', (f.date_from.strip(),)))
    if f.date_to:
        parts.append(Sql('d.published COLLATE "C" < ?', (f.date_to.strip() + "\uffff",)))
    if f.source:
        parts.append(Sql("strpos(d.source, ?) > 0", (f.source,)))
    if f.language:
        parts.append(Sql("d.language = ?", (f.language.strip().lower(),)))
    return Sql("".join(f" AND {p.sql}" for p in parts), tuple(v for p in parts for v in p.params))


def search(
    conn: PgConnection, query: str, limit: int, filters: SearchFilters | None
) -> list[SearchHit]:
    terms = parse_query(query)
    cond = where(filters)
    if limit <= 0 or (not terms and not cond.sql):
        return []
    limit = min(limit, MAX_SEARCH_LIMIT)
    if not terms:
        return _filtered(conn, cond, limit)
    hits = _match(conn, tsquery(terms, "&&"), cond, limit)
    if not hits and len(terms) > 1:
        # No document has every term: show those with some, still ranked; a quoted phrase stays
        # one term, so it is never split up.
        hits = _match(conn, tsquery(terms, "||"), cond, limit)
    return hits


def _match(conn: PgConnection, q: Sql, cond: Sql, limit: int) -> list[SearchHit]:
    # Ranked first, headlined after the LIMIT: ts_headline re-parses a document's whole text,
    # so it runs for the hits shown only. Where the headline sits in the text says whether words
    # were cut before or after it, to be marked with an ellipsis as FTS5's snippet() does.
    # ts_rank reads each candidate's whole tsvector, so only the newest MAX_RANKED matches are
    # ranked: a query matching most of a big corpus costs what one matching that many does.
    rows = conn.execute(
        "WITH q AS (SELECT " + q.sql + " AS query),"
        " matched AS (SELECT d.seq, d.search FROM documents AS d, q"
        " WHERE d.search @@ q.query" + cond.sql + f" ORDER BY d.seq DESC LIMIT {MAX_RANKED}),"
        f" top AS (SELECT m.seq, ts_rank('{RANK_WEIGHTS}', m.search, q.query) AS score"
        " FROM matched AS m, q ORDER BY score DESC, m.seq LIMIT ?)"
        " SELECT d.id, d.title, d.source, top.score, h.snippet,"
        " left(d.text, p.at - 1) !~ '[[:alnum:]]' AS at_start,"
        " substr(d.text, p.at + length(h.plain)) !~ '[[:alnum:]]' AS at_end"
        " FROM top JOIN documents AS d ON d.seq = top.seq CROSS JOIN q,"
        f" LATERAL (SELECT s AS snippet, translate(s, ?, '') AS plain FROM"
        f" ts_headline('{SEARCH_CONFIG}', d.text, q.query, ?) AS s) AS h,"
        " LATERAL (SELECT strpos(d.text, h.plain) AS at) AS p"
        " ORDER BY top.score DESC, top.seq",
        (*q.params, *cond.params, limit, SNIPPET_START + SNIPPET_END, HEADLINE_OPTIONS),
    ).fetchall()
    return [
        SearchHit(
            r["id"],
            r["title"],
            r["source"],
            ("" if r["at_start"] else "…") + (r["snippet"] or "") + ("" if r["at_end"] else "…"),
            float(r["score"]),
        )
        for r in rows
    ]


def _filtered(conn: PgConnection, cond: Sql, limit: int) -> list[SearchHit]:
    rows = conn.execute(
        "SELECT d.id, d.title, d.source, left(d.text, ?) AS snippet FROM documents AS d"
        " WHERE true" + cond.sql + " ORDER BY d.seq DESC LIMIT ?",
        (FILTER_SNIPPET_CHARS, *cond.params, limit),
    ).fetchall()
    return [SearchHit(r["id"], r["title"], r["source"], r["snippet"], 0.0) for r in rows]


def facets(conn: PgConnection, query: str, filters: SearchFilters | None) -> Facets:
    terms = parse_query(query)
    cond = where(filters)
    if not terms and not cond.sql:
        return {name: [] for name in FACETS}
    if terms:
        seqs = _seqs(conn, _facet_base(tsquery(terms, "&&"), cond))
        if len(terms) > 1 and not seqs:
            seqs = _seqs(conn, _facet_base(tsquery(terms, "||"), cond))
    else:
        base = f"SELECT d.seq FROM documents AS d WHERE true{cond.sql} LIMIT {MAX_FACET_DOCS}"
        seqs = _seqs(conn, Sql(base, cond.params))
    # The matches are read once and handed to each facet's count as an array: as a subquery,
    # the text search ran again for each of the six facets.
    return {name: _facet(conn, name, seqs) for name in FACETS}


def _facet_base(q: Sql, cond: Sql) -> Sql:
    return Sql(
        f"SELECT d.seq FROM documents AS d WHERE d.search @@ ({q.sql}){cond.sql}"
        f" LIMIT {MAX_FACET_DOCS}",
        (*q.params, *cond.params),
    )


def _seqs(conn: PgConnection, q: Sql) -> list[int]:
    return [int(r[0]) for r in conn.execute(q.sql, q.params)]


def _facet(conn: PgConnection, name: str, seqs: list[int]) -> list[tuple[str, int]]:
    rows = conn.execute(
        f"WITH m (seq) AS (SELECT unnest(?::bigint[])) {_FACET_SQL[name]}"
        " ORDER BY n DESC, value LIMIT ?",
        (seqs, FACET_VALUES),
    ).fetchall()
    return [(str(r["value"]), int(r["n"])) for r in rows]
