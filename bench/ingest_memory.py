"""Peak memory of reading a very large JSON Lines file or mailbox, record by record.

    python bench/ingest_memory.py --format jsonl --gb 5
    python bench/ingest_memory.py --format mbox --gb 1

Writes a file of the given size into a temporary folder (real PTC paragraphs, one document per
record), then reads every document from it with ``scrutiny.ingest.iter_documents`` as
``scrutiny add`` does, and prints documents, seconds and the peak resident memory of this
process (before writing, after writing, after reading). Needs free disk space of the given size.
Only ingest is measured: analysing gigabytes takes hours, and its memory is per document anyway.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from scrutiny import ingest
from scrutiny.errors import IngestError


def peak_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def paragraphs(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.glob("article*.txt"))[:300]:
        found += [p for p in path.read_text(encoding="utf-8").split("\n\n") if len(p) > 200]
    if not found:
        sys.exit(f"no article*.txt files in {folder}")
    return found


def record(fmt: str, i: int, text: str) -> bytes:
    if fmt == "jsonl":
        line = {"text": text, "title": f"record {i}", "url": f"https://example.org/{i}"}
        return (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
    head = f"From writer{i}@example.org Thu Mar  4 10:00:00 2021\nSubject: message {i}\n\n"
    # mbox escapes "From " at the start of any body line, or it would start a new message.
    body = ("\n" + text).replace("\nFrom ", "\n>From ")[1:]
    return (head + body + "\n\n").encode("utf-8")


def write(path: Path, fmt: str, size: int, texts: list[str]) -> int:
    n = written = 0
    with path.open("wb") as out:
        while written < size:
            data = record(fmt, n, texts[n % len(texts)])
            out.write(data)
            written += len(data)
            n += 1
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=Path("../shared/data/ptc/train-articles"))
    parser.add_argument("--format", choices=["jsonl", "mbox"], default="jsonl")
    parser.add_argument("--gb", type=float, default=5.0)
    args = parser.parse_args()

    texts = paragraphs(args.articles)
    start_mb = peak_mb()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"corpus.{args.format}"
        t0 = time.perf_counter()
        records = write(path, args.format, int(args.gb * 1e9), texts)
        written = time.perf_counter() - t0
        after_write = peak_mb()
        t0 = time.perf_counter()
        docs = errors = 0
        for item in ingest.iter_documents([path]):
            if isinstance(item, IngestError):
                errors += 1
            else:
                docs += 1
        elapsed = time.perf_counter() - t0
        size = path.stat().st_size
    print(f"{args.format}: {size / 1e9:.2f} GB, {records:,} records written in {written:.0f} s")
    print(f"read {docs:,} documents ({errors} errors) in {elapsed:.0f} s")
    print(
        f"peak RSS: {start_mb:.0f} MB at start, {after_write:.0f} MB after writing,"
        f" {peak_mb():.0f} MB after reading"
    )


if __name__ == "__main__":
    main()
