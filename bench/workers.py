"""Speed-up of the analysis from one worker process to several, measured in one run.

    python bench/workers.py --articles ../shared/data/ptc/train-articles --n 80 --workers 2

Analyses the same PTC articles with the ``process`` engine and 1 worker, then with N workers,
and prints documents per second and the parallel efficiency (speed-up / N). Each timing starts
its pool, so it includes one model load (a few seconds, in parallel across workers). It asserts
nothing; on a machine with fewer free cores than workers the efficiency says more about the
machine than about scrutiny.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from scrutiny.engine import run
from scrutiny.model import Document


def timed(docs: list[Document], workers: int) -> float:
    t0 = time.perf_counter()
    results = list(run(docs, "process", workers))
    elapsed = time.perf_counter() - t0
    if len(results) != len(docs):
        sys.exit("the engine lost documents")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=Path("../shared/data/ptc/train-articles"))
    parser.add_argument("--n", type=int, default=80)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    files = sorted(args.articles.glob("article*.txt"))[: args.n]
    docs = [Document.from_text(p.read_text(encoding="utf-8")) for p in files]
    one = timed(docs, 1)
    many = timed(docs, args.workers)
    speedup = one / many
    print(f"{len(docs)} PTC articles, {os.cpu_count()} CPUs on this machine")
    print("| workers | seconds | docs/s |")
    print("|---:|---:|---:|")
    print(f"| 1 | {one:.1f} | {len(docs) / one:.2f} |")
    print(f"| {args.workers} | {many:.1f} | {len(docs) / many:.2f} |")
    print(f"\nspeed-up {speedup:.2f}x, efficiency {speedup / args.workers:.0%}")


if __name__ == "__main__":
    main()
