"""Where the time goes: a pyinstrument profile of the analysis or of adding to a store.

    python bench/hotspots.py analyze --n 40           # Pipeline.analyze over PTC articles
    python bench/hotspots.py add --fill 2000 --n 300  # store.add with 2,000 documents stored

``analyze`` profiles the full pipeline on real articles after a warm-up document. ``add`` builds
the synthetic corpus of bench/add_time.py, fills a SQLite store (not profiled), then profiles the
next adds (the batch before them is timed without the profiler). Prints pyinstrument's call
tree, trimmed to frames over ``--min`` of the time, and the time measured, so a before/after
pair can be compared in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

from pyinstrument import Profiler

sys.path.insert(0, str(Path(__file__).parent))
from add_time import SEED, base_analyses, name_pool, variant
from scrutiny.model import Document
from scrutiny.pipeline import Pipeline
from scrutiny.store.sqlite import SQLiteStore


def profile_analyze(articles: Path, n: int) -> Profiler:
    files = sorted(articles.glob("article*.txt"))[:n]
    docs = [Document.from_text(f.read_text(encoding="utf-8")) for f in files]
    pipeline = Pipeline.default()
    pipeline.analyze(docs[0])
    profiler = Profiler(interval=0.0005)
    start = time.perf_counter()
    with profiler:
        for doc in docs:
            pipeline.analyze(doc)
    print(f"analysed {len(docs)} articles in {time.perf_counter() - start:.2f} s")
    return profiler


def profile_add(articles: Path, base: int, fill: int, n: int) -> Profiler:
    rng = random.Random(SEED)
    bases = base_analyses(articles, base)
    pool = name_pool(bases, rng)
    profiler = Profiler(interval=0.0005)
    with tempfile.TemporaryDirectory() as tmp, SQLiteStore.open(Path(tmp) / "p.db") as store:
        for i in range(fill):
            store.add(variant(bases[i % len(bases)], i, pool, rng))
        made = [variant(bases[i % len(bases)], i, pool, rng) for i in range(fill, fill + 2 * n)]
        # The first n adds are timed without the profiler (its sampling costs time too), the
        # next n profiled.
        start, start_cpu = time.perf_counter(), time.process_time()
        for analysis in made[:n]:
            store.add(analysis)
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        with profiler:
            for analysis in made[n:]:
                store.add(analysis)
    print(
        f"{n} adds with {fill:,} stored: {wall / n * 1e3:.1f} ms wall,"
        f" {cpu / n * 1e3:.1f} ms CPU an add"
    )
    return profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["analyze", "add"])
    parser.add_argument("--articles", type=Path, default=Path("../shared/data/ptc/train-articles"))
    parser.add_argument("--n", type=int, default=40, help="articles analysed or adds profiled")
    parser.add_argument("--base", type=int, default=40, help="add: real articles analysed")
    parser.add_argument("--fill", type=int, default=2000, help="add: documents stored first")
    parser.add_argument("--min", type=float, default=0.02, help="hide frames under this share")
    args = parser.parse_args()
    if args.what == "analyze":
        profiler = profile_analyze(args.articles, args.n)
    else:
        profiler = profile_add(args.articles, args.base, args.fill, args.n)
    options = {"filter_threshold": args.min}
    print(profiler.output_text(time="percent_of_total", processor_options=options))


if __name__ == "__main__":
    main()
