"""How much memory the analysis of one document adds, as the per-document memory limit sees it.

    python bench/analysis_memory.py --articles ../shared/data/ptc/train-articles --kb 5 50 200

For each size, a document of PTC articles joined up to that many kilobytes is analysed under
``--max-memory`` budgets in fresh processes (models loaded and warmed on a short text first, as
in a worker), and the smallest budget in MB under which the analysis succeeds is found by
bisection: the growth of the address space (RLIMIT_AS) that the document really needs. Compare
it with the default of ``scrutiny --max-memory``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

TRIAL = """
import sys
from scrutiny.errors import AnalysisMemoryLimit
from scrutiny.model import Document
from scrutiny.pipeline import default_pipeline

pipeline = default_pipeline()
pipeline.analyze(Document.from_text("The minister met Anna Schmidt in Bishkek on Monday."))
text = open(sys.argv[1], encoding="utf-8").read()
try:
    pipeline.analyze(Document.from_text(text), max_memory_mb=float(sys.argv[2]))
except AnalysisMemoryLimit:
    sys.exit(42)  # not 1: a native library that ends the process on a failed allocation uses 1
"""


def fits(path: Path, budget: float) -> bool:
    done = subprocess.run([sys.executable, "-c", TRIAL, str(path), str(budget)], check=False)
    if done.returncode not in (0, 42):
        sys.exit(f"with {budget:g} MB the trial ended with exit code {done.returncode}")
    return done.returncode == 0


def smallest_budget(path: Path, precision: float) -> tuple[float, float]:
    """(lo, hi): the analysis fails with ``lo`` MB and succeeds with ``hi``."""
    lo, hi = 0.0, 1.0
    while not fits(path, hi):
        lo, hi = hi, hi * 2
        if hi > 65536:
            sys.exit("no budget up to 64 GB was enough")
    while hi - lo > max(precision * hi, 0.5):
        middle = (lo + hi) / 2
        lo, hi = (lo, middle) if fits(path, middle) else (middle, hi)
    return lo, hi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=Path, required=True)
    parser.add_argument("--kb", type=int, nargs="+", default=[5, 50])
    parser.add_argument("--precision", type=float, default=0.1, help="relative, of the result")
    parser.add_argument("--out", type=Path, default=Path("analysis_memory.tmp.txt"))
    args = parser.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in sorted(args.articles.glob("article*.txt"))]
    if not texts:
        sys.exit(f"no article*.txt files in {args.articles}")
    print("| document | fails with | succeeds with |")
    print("|---:|---:|---:|")
    for kb in args.kb:
        joined = ""
        for text in texts * (1 + kb * 1024 // max(1, sum(map(len, texts)))):
            if len(joined) >= kb * 1024:
                break
            joined += text + "\n\n"
        args.out.write_text(joined[: kb * 1024], encoding="utf-8")
        try:
            lo, hi = smallest_budget(args.out, args.precision)
        finally:
            args.out.unlink()
        print(f"| {kb} KB | {lo:g} MB | {hi:g} MB |", flush=True)


if __name__ == "__main__":
    main()
