"""Time to add the n-th document to a store, and search latency, on a synthetic corpus.

    python bench/add_time.py --articles ../shared/data/ptc/train-articles --n 10000

A few real PTC articles are analysed once by the full pipeline; the corpus is made of variants
of them: each variant gets a unique closing line (so it is a new document) and its entities are
renamed from a pool (so cross-document resolution meets many distinct people and places, not the
same few again and again). Only ``store.add`` is timed, which is what grows with the corpus if
anything does, both in wall time and in the CPU time of this process (the steadier of the two on
a shared machine). Prints a markdown table for docs/benchmarks.md; it asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from scrutiny.model import Analysis, Annotation, Document
from scrutiny.pipeline import Pipeline
from scrutiny.store.sqlite import SQLiteStore

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


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=Path("../shared/data/ptc/train-articles"))
    parser.add_argument("--base", type=int, default=40, help="real articles analysed")
    parser.add_argument("--n", type=int, default=10_000, help="documents added")
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    rng = random.Random(SEED)
    t0 = time.perf_counter()
    bases = base_analyses(args.articles, args.base)
    analysed = time.perf_counter() - t0
    pool = name_pool(bases, rng)
    times: list[float] = []
    cpu: list[float] = []
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore.open(Path(tmp) / "b.db") as store:
        for i in range(args.n):
            a = variant(bases[i % len(bases)], i, pool, rng)
            start, start_cpu = time.perf_counter(), time.process_time()
            store.add(a)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        words = [w for a in bases for w in a.document.text.split() if w.isalpha() and len(w) > 4]
        latencies = []
        for _ in range(args.queries):
            query = f"{rng.choice(words)} {rng.choice(words)}"
            start = time.perf_counter()
            store.search(query, limit=20)
            latencies.append(time.perf_counter() - start)
        size = (Path(tmp) / "b.db").stat().st_size

    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}; {args.base} articles analysed in {analysed:.0f} s"
    )
    print()
    print("| documents in store | add, median wall (ms) | p95 wall (ms) | median CPU (ms) |")
    print("|---:|---:|---:|---:|")
    checkpoints = [c for c in (WINDOW, 1_000, 10_000, 100_000, 1_000_000) if c <= args.n]
    for c in checkpoints:
        window = times[max(0, c - WINDOW) : c]
        median, p95 = statistics.median(window) * 1e3, percentile(window, 0.95) * 1e3
        on_cpu = statistics.median(cpu[max(0, c - WINDOW) : c]) * 1e3
        print(f"| {c:,} | {median:.1f} | {p95:.1f} | {on_cpu:.1f} |")
    print()
    for name, series in (("wall", times), ("CPU", cpu)):
        first, last = statistics.median(series[:WINDOW]), statistics.median(series[-WINDOW:])
        print(f"median {name} add time, last {WINDOW} / first {WINDOW}: {last / first:.2f}")
    p50, p95 = percentile(latencies, 0.5) * 1e3, percentile(latencies, 0.95) * 1e3
    print(
        f"search over {args.n:,} documents, {args.queries} two-word queries: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms; store file {size / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()
