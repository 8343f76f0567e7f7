"""Throughput of the full analysis against bare spaCy with the same model, measured in one run.

    python bench/throughput.py --articles ../shared/data/ptc/train-articles --n 200

Prints a markdown table for docs/benchmarks.md. This is a benchmark, not a test: it asserts
nothing and its numbers depend on the machine; only the ratio is comparable across machines.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

import spacy

from scrutiny.analyzers._nlp import MODEL_PACKAGE, load_model
from scrutiny.model import Document
from scrutiny.pipeline import Pipeline


def load_texts(folder: Path, n: int) -> list[str]:
    files = sorted(folder.glob("article*.txt"))[:n]
    if not files:
        sys.exit(f"no article*.txt files in {folder}")
    return [f.read_text(encoding="utf-8") for f in files]


def timed(fn: object, rounds: int) -> float:
    """Best wall time of ``rounds`` runs: the least disturbed by other work on the machine."""
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return best


def five_kb_document(texts: list[str]) -> str:
    """About 5 KB of real article text, cut at a line end."""
    joined = "\n".join(texts)
    cut = joined.rfind("\n", 0, 5_000)
    return joined[: cut if cut > 0 else 5_000]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=Path("../shared/data/ptc/train-articles"))
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    texts = load_texts(args.articles, args.n)
    docs = [Document.from_text(t) for t in texts]
    words = sum(len(t.split()) for t in texts)
    bare = spacy.load(MODEL_PACKAGE)
    pipeline = Pipeline.default()

    # Warm both up so that model loading and lazy initialisation are not timed.
    load_model()
    list(bare.pipe(texts[:5]))
    for d in docs[:5]:
        pipeline.analyze(d)

    t_bare = timed(lambda: list(bare.pipe(texts)), args.rounds)
    t_full = timed(lambda: [pipeline.analyze(d) for d in docs], args.rounds)

    sample = Document.from_text(five_kb_document(texts))
    latencies = []
    for _ in range(7):
        t0 = time.perf_counter()
        pipeline.analyze(sample)
        latencies.append(time.perf_counter() - t0)

    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, analyzers: {', '.join(pipeline.names)}"
    )
    print(f"corpus: {len(texts)} PTC articles, {words:,} words; best of {args.rounds} rounds\n")
    print("| pipeline | seconds | docs/s | words/s |")
    print("|---|---:|---:|---:|")
    for name, t in (
        ("bare spaCy (same model, nlp.pipe)", t_bare),
        ("scrutiny full analysis", t_full),
    ):
        print(f"| {name} | {t:.2f} | {len(texts) / t:.1f} | {words / t:,.0f} |")
    print(f"\nratio full / bare (throughput): **{t_bare / t_full:.2f}x** (target >= 0.5x)")
    print(
        f"warm latency, one {len(sample.text):,}-character document: median "
        f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms "
        f"(target < 1 s)"
    )


if __name__ == "__main__":
    main()
