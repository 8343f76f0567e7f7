"""Time to add the n-th document to a store, and search latency, on a synthetic corpus.

    python bench/add_time.py --articles ../shared/data/ptc/train-articles --n 10000
    python bench/add_time.py --n 1000 --db postgresql://me@/bench   # an empty database
    python bench/add_time.py --n 1000 --backend postgresql          # a throwaway server

A few real PTC articles are analysed once by the full pipeline; the corpus is made of variants
of them: each variant gets a unique closing line (so it is a new document) and its entities are
renamed from a pool (so cross-document resolution meets many distinct people and places, not the
same few again and again). Only ``store.add`` is timed, which is what grows with the corpus if
anything does, both in wall time and in the CPU time of this process (the steadier of the two on
a shared machine). Prints a markdown table for docs/benchmarks.md; it asserts nothing.

The store is a new SQLite file in a temporary directory unless ``--db`` names one: an SQLite path
or a ``postgresql://`` URL (give an empty store: the documents are added to what is there; to add
more to a store this script filled with N documents, give ``--first N``).
``--backend postgresql`` without ``--db`` starts a throwaway server from Debian's binaries with
tests/pg_server.py (unix socket, fsync off), and stops it at the end. With a server on this
machine the CPU time of its backend process is read from /proc too: on a loaded machine wall
time mostly measures waiting for a core, and client plus server CPU is the steadier sum.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scrutiny.model import Analysis, Annotation, Document
from scrutiny.pipeline import Pipeline
from scrutiny.store import open_store, resolve_location
from scrutiny.store.base import Store

SEED = 11
WINDOW = 100  # adds averaged around each checkpoint


def base_analyses(folder: Path, k: int) -> list[Analysis]:
    files = sorted(folder.glob("article*.txt"))[:k]
    if not files:
        sys.exit(f"no article*.txt files in {folder}")
    pipeline = Pipeline.default()
    return [pipeline.analyze(Document.from_text(f.read_text(encoding="utf-8"))) for f in files]


def name_pool(bases: list[Analysis], rng: random.Random) -> list[str]:
    names = sorted({str(e.attrs.get("name")) for a in bases for e in a.layer("entity")})
    given = ["Aibek", "Nurlan", "Maria", "Jean", "Olga", "Omar", "Li", "Ana", "Tomas", "Sara"]
    # A few thousand distinct names: real ones, and recombinations of their words.
    words = sorted({w for n in names for w in n.split() if w[:1].isupper()})
    made = {f"{rng.choice(given)} {rng.choice(words)}" for _ in range(5_000)}
    return names + sorted(made)


def variant(base: Analysis, i: int, pool: list[str], rng: random.Random) -> Analysis:
    text = f"{base.document.text}\n\nSynthetic variant {i}, ref {rng.getrandbits(64):x}."
    doc = Document.from_text(text, title=f"{base.document.title} ({i})", source=f"synthetic/{i}")
    assert doc.text.startswith(base.document.text), "appending must keep every offset"
    renamed = {e.id: rng.choice(pool) for e in base.layer("entity") if rng.random() < 0.5}

    def rename(a: Annotation) -> Annotation:
        if a.layer != "entity" or a.id not in renamed:
            return a
        name = renamed[a.id]
        return dataclasses.replace(a, attrs={**a.attrs, "name": name, "aliases": [name]})

    return Analysis(doc, tuple(rename(a) for a in base.annotations), base.provenance)


@contextmanager
def location(db: str | None, backend: str) -> Iterator[str]:
    """The store to fill: ``db``, else a new SQLite file or a throwaway PostgreSQL server."""
    if db is not None:
        yield db
    elif backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield str(Path(tmp) / "b.db")
    else:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        import pg_server

        bindir = pg_server.find_bindir()
        if bindir is None:
            sys.exit(pg_server.PACKAGE_HINT)
        server = pg_server.start(bindir)
        try:
            yield server.create_database()
        finally:
            pg_server.stop(server)


def store_bytes(store: Store, where: str) -> int:
    """The size of the store on disk: its file, or its PostgreSQL database."""
    resolved = resolve_location(where)
    if not resolved.startswith("postgresql://"):
        return Path(resolved).stat().st_size
    conn = store._conn  # type: ignore[attr-defined]  # the PostgreSQL store's connection
    return int(conn.execute("SELECT pg_database_size(current_database())").fetchone()[0])


def backend_cpu(store: Store) -> float | None:
    """Seconds of CPU the PostgreSQL backend serving ``store`` has used, if it runs here."""
    conn = getattr(store, "_conn", None)
    info = getattr(getattr(conn, "raw", None), "info", None)
    if info is None:
        return None
    try:
        with open(f"/proc/{info.backend_pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def progress(
    store: Store, n: int, times: list[float], cpu: list[float], bases: list[Analysis], queries: int
) -> None:
    """One line on standard error: the last adds and a search, so a run of hours shows its trend
    (and leaves numbers) before it ends. Its own random queries leave the corpus unchanged."""
    window, on_cpu = times[-WINDOW:], cpu[-WINDOW:]
    words = [w for a in bases for w in a.document.text.split() if w.isalpha() and len(w) > 4]
    rng = random.Random(n)
    latencies = []
    for _ in range(queries):
        start = time.perf_counter()
        store.search(f"{rng.choice(words)} {rng.choice(words)}", limit=20)
        latencies.append(time.perf_counter() - start)
    print(
        f"{n:,} stored: add median {statistics.median(window) * 1e3:.1f} ms,"
        f" p95 {percentile(window, 0.95) * 1e3:.1f} ms,"
        f" median CPU {statistics.median(on_cpu) * 1e3:.1f} ms;"
        f" search p50 {percentile(latencies, 0.5) * 1e3:.1f} ms,"
        f" p95 {percentile(latencies, 0.95) * 1e3:.1f} ms",
        file=sys.stderr,
        flush=True,
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=Path("../shared/data/ptc/train-articles"))
    parser.add_argument("--base", type=int, default=40, help="real articles analysed")
    parser.add_argument("--n", type=int, default=10_000, help="documents added")
    parser.add_argument(
        "--first",
        type=int,
        default=0,
        help="number of the first variant: past the count of a store filled before, to add more",
    )
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--db", help="store location: SQLite path or postgresql:// URL")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--every",
        type=int,
        default=0,
        help="also print a progress line every this many adds (with search latency), for long runs",
    )
    args = parser.parse_args()

    rng = random.Random(SEED)
    t0 = time.perf_counter()
    bases = base_analyses(args.articles, args.base)
    analysed = time.perf_counter() - t0
    pool = name_pool(bases, rng)
    if args.first:
        rng.seed(SEED + args.first)  # the same pool of names, but not the renames of the first run
    times: list[float] = []
    cpu: list[float] = []
    with location(args.db, args.backend) as where, open_store(where) as store:
        backend = "postgresql" if resolve_location(where).startswith("postgresql://") else "sqlite"
        server_cpu = [backend_cpu(store)]  # the backend's total so far, then after each add
        for i in range(args.first, args.first + args.n):
            a = variant(bases[i % len(bases)], i, pool, rng)
            start, start_cpu = time.perf_counter(), time.process_time()
            store.add(a)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            server_cpu.append(backend_cpu(store))
            if args.every and (i + 1) % args.every == 0:
                progress(store, i + 1, times, cpu, bases, args.queries)
        words = [w for a in bases for w in a.document.text.split() if w.isalpha() and len(w) > 4]
        latencies = []
        for _ in range(args.queries):
            query = f"{rng.choice(words)} {rng.choice(words)}"
            start = time.perf_counter()
            store.search(query, limit=20)
            latencies.append(time.perf_counter() - start)
        size, stored = store_bytes(store, where), store.count()

    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}; {args.base} articles analysed in {analysed:.0f} s;"
        f" store: {backend}"
    )
    print()
    print("| documents in store | add, median wall (ms) | p95 wall (ms) | median CPU (ms) |")
    print("|---:|---:|---:|---:|")
    checkpoints = [c for c in (WINDOW, 1_000, 10_000, 100_000, 1_000_000) if c <= args.n]
    for c in checkpoints:
        window = times[max(0, c - WINDOW) : c]
        median, p95 = statistics.median(window) * 1e3, percentile(window, 0.95) * 1e3
        on_cpu = statistics.median(cpu[max(0, c - WINDOW) : c]) * 1e3
        print(f"| {args.first + c:,} | {median:.1f} | {p95:.1f} | {on_cpu:.1f} |")
    print()
    for name, series in (("wall", times), ("CPU", cpu)):
        first, last = statistics.median(series[:WINDOW]), statistics.median(series[-WINDOW:])
        print(f"median {name} add time, last {WINDOW} / first {WINDOW}: {last / first:.2f}")
    spent = [c for c in server_cpu if c is not None]
    if len(spent) == len(server_cpu) == args.n + 1:
        # Clock ticks are too coarse for one add: the mean over each checkpoint's window instead.
        shown = ", ".join(
            f"{(spent[c] - spent[c - WINDOW]) / WINDOW * 1e3:.1f} ms at {c:,}" for c in checkpoints
        )
        print(f"server backend CPU per add, mean over the {WINDOW} adds before: {shown}")
    p50, p95 = percentile(latencies, 0.5) * 1e3, percentile(latencies, 0.95) * 1e3
    print(
        f"search over {stored:,} documents, {args.queries} two-word queries: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms; store file {size / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()
