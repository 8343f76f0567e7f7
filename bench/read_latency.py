"""Latency of every read a user makes of a big store: search, listings, entities, graph, claims.

    python bench/read_latency.py /tmp/b/s100k.db
    python bench/read_latency.py postgresql://me@/bench --calls 50

``bench/add_time.py`` fills a store and times search as it grows; this times the other reads
the web UI and the CLI make, on a store already filled (by that script, or a real corpus), so a
query that reads the whole corpus shows up as a slow row here rather than as a slow page for a
user. Documents, words and entities are drawn at random from the store itself. The reads change
nothing. Prints a markdown table for docs/benchmarks.md; it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from add_time import percentile  # the same p95 as the add-time tables
from scrutiny.store import open_store
from scrutiny.store.base import Store

SEED = 5


def timed(call: Callable[[], object], calls: int) -> list[float]:
    seconds = []
    for _ in range(calls):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return seconds


def sample_ids(store: Store, n: int, rng: random.Random) -> list[str]:
    """Ids of documents from all over the store (a page at each of ``n`` random offsets)."""
    total = store.count()
    return [
        page[0].id
        for offset in sorted(rng.randrange(total) for _ in range(n))
        if (page := store.documents(limit=1, offset=offset))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="store location: SQLite path or postgresql:// URL")
    parser.add_argument("--calls", type=int, default=30, help="timed calls of each read")
    args = parser.parse_args()
    rng = random.Random(SEED)

    with open_store(args.db) as store:
        total = store.count()
        ids = sample_ids(store, 20, rng)
        texts = [store.get(i).document.text for i in ids[:5]]
        words = [w for t in texts for w in t.split() if w.isalpha() and len(w) > 4]
        most_mentioned = store.corpus_entities(limit=200)
        names = [e.name for e in most_mentioned]
        entities = [e.id for e in most_mentioned]

        def query() -> str:
            return f"{rng.choice(words)} {rng.choice(words)}"

        reads: list[tuple[str, Callable[[], object]]] = [
            ("count", store.count),
            ("search, two words", lambda: store.search(query(), limit=20)),
            ("facets of a search", lambda: store.facets(query())),
            ("get a document's analysis", lambda: store.get(rng.choice(ids))),
            ("list, first page", lambda: store.documents(limit=20)),
            (
                "list, a page at a random offset",
                lambda: store.documents(limit=20, offset=rng.randrange(total)),
            ),
            ("similar documents", lambda: store.similar(rng.choice(ids))),
            ("shared passages", lambda: store.shared_passages(rng.choice(ids))),
            ("corpus entities, the most mentioned", lambda: store.corpus_entities(limit=20)),
            (
                "corpus entities matching a name",
                lambda: store.corpus_entities(rng.choice(names), limit=20),
            ),
            (
                "one corpus entity and its members",
                lambda: store.corpus_entity(rng.choice(entities)),
            ),
            ("a document's entity links", lambda: store.entity_links(rng.choice(ids))),
            ("entity graph, whole corpus", lambda: store.entity_graph(limit=200)),
            (
                "entity graph around one entity",
                lambda: store.entity_graph(entity=rng.choice(entities), limit=200),
            ),
            ("claims in several documents", lambda: store.claim_clusters(limit=20)),
        ]
        print(f"{total:,} documents in {args.db}; {args.calls} calls of each read")
        print()
        print("| read | p50 (ms) | p95 (ms) | max (ms) |")
        print("|---|---:|---:|---:|")
        for name, call in reads:
            call()  # the first call warms the page cache for this read; it is not counted
            seconds = timed(call, args.calls)
            p50, p95 = statistics.median(seconds) * 1e3, percentile(seconds, 0.95) * 1e3
            print(f"| {name} | {p50:.1f} | {p95:.1f} | {max(seconds) * 1e3:.1f} |", flush=True)


if __name__ == "__main__":
    main()
