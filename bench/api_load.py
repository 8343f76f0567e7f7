"""The REST API under load: concurrent clients against `scrutiny serve` on loopback.

    python bench/api_load.py --articles ../shared/data/ptc/train-articles --duration 120

A temporary store is filled with ``--n`` PTC articles (analysed once, here), a write token is
made for each client, and `scrutiny serve` is started on a free loopback port with the server's
own default rate limit (or ``--rate``/``--burst``). Each client, a thread with its own
connection, then loops until the time is up over a mix of requests: full-text search with
facets, a stored analysis by id, and the upload of a short new text (analysed while the request
waits). A client refused with 429 waits as ``Retry-After`` says, as a polite client would.

Prints requests, answers by status and the p50/p95/p99 latency of the 2xx answers per kind, as
markdown (for docs/benchmarks.md). It asserts nothing; an answer other than 2xx or 429 is an
error, printed loudly on standard error with the tail of the server's log.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from scrutiny.model import Document
from scrutiny.pipeline import default_pipeline
from scrutiny.store import open_store
from scrutiny.web.tokens import TokenStore, token_file

KINDS = ("search", "get", "upload")
WORD_RE = re.compile(r"\b[A-Z][a-z]{3,}\b")


@dataclass
class Record:
    """What the clients saw, merged after they stop."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, status: str, seconds: float) -> None:
        with self.lock:
            # Latency of answers that did the work: a 429 is quick and would flatter the rest.
            if status.startswith("2"):
                self.latencies[kind].append(seconds)
            self.statuses[kind][status] += 1


@dataclass(frozen=True)
class Corpus:
    ids: list[str]
    words: list[str]
    paragraphs: list[str]


def build_store(db: Path, articles: Path, n: int) -> Corpus:
    files = sorted(articles.glob("article*.txt"))[:n]
    if not files:
        sys.exit(f"no article*.txt files in {articles}")
    texts = [f.read_text(encoding="utf-8") for f in files]
    pipeline = default_pipeline()
    store = open_store(db)
    try:
        for text, f in zip(texts, files, strict=True):
            store.add(pipeline.analyze(Document.from_text(text, title=f.stem)))
        ids = [d.id for d in store.documents(limit=n)]
    finally:
        store.close()
    # Search words people would type: capitalised words that recur across the articles.
    counts = Counter(w for t in texts for w in set(WORD_RE.findall(t)))
    words = [w for w, c in counts.most_common(300) if c >= 2]
    paragraphs = [p for t in texts for p in t.split("\n") if 200 <= len(p) <= 1_500]
    return Corpus(ids, words, paragraphs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server(db: Path, port: int, rate: str | None, burst: int | None, log: Path) -> Iterator[str]:
    command = [str(Path(sys.executable).with_name("scrutiny")), "--db", str(db), "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if rate is not None:
        command += ["--rate", rate]
    if burst is not None:
        command += ["--burst", str(burst)]
    with log.open("w") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wait_ready(base: str, token: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    headers = {"Authorization": f"Bearer {token}"}
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/documents?limit=1", headers=headers).status_code == 200:
                # Load the models now, so that the first timed upload does not pay for it.
                warm = {"text": "The minister spoke in Paris on Monday."}
                httpx.post(f"{base}/api/v1/analyze", json=warm, headers=headers, timeout=120)
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    sys.exit("the server did not start; see its log")


def one_request(
    http: httpx.Client, kind: str, corpus: Corpus, rng: random.Random, tag: str
) -> httpx.Response:
    if kind == "search":
        q = " ".join(rng.sample(corpus.words, rng.choice((1, 1, 2))))
        return http.get("/api/v1/search", params={"q": q, "limit": 20})
    if kind == "get":
        return http.get(f"/api/v1/documents/{rng.choice(corpus.ids)}")
    # A new document each time: a real paragraph with a line of its own, so it is analysed.
    text = f"{rng.choice(corpus.paragraphs)}\n\nFiled as {tag}.\n"
    return http.post("/api/v1/documents", files={"files": (f"{tag}.txt", text.encode())})


def client(
    base: str,
    token: str,
    number: int,
    until: float,
    mix: list[tuple[str, float]],
    corpus: Corpus,
    record: Record,
) -> None:
    rng = random.Random(number)
    kinds, weights = zip(*mix, strict=True)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=headers, timeout=300) as http:
        i = 0
        while time.monotonic() < until:
            kind = rng.choices(kinds, weights)[0]
            i += 1
            t0 = time.perf_counter()
            try:
                r = one_request(http, kind, corpus, rng, f"load-{number}-{i}")
            except httpx.HTTPError as exc:
                record.add(kind, type(exc).__name__, time.perf_counter() - t0)
                continue
            record.add(kind, str(r.status_code), time.perf_counter() - t0)
            if r.status_code == 429:
                time.sleep(float(r.headers.get("retry-after", "1")))


def percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) < 2:
        v = values[0] if values else float("nan")
        return v, v, v
    q = statistics.quantiles(values, n=100, method="inclusive")
    return q[49], q[94], q[98]


def report(record: Record, seconds: float, args: argparse.Namespace) -> list[str]:
    """Print the markdown tables; return the answers that are errors (not 2xx, not 429)."""
    total = sum(sum(c.values()) for c in record.statuses.values())
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    print(
        f"{args.clients} clients, {seconds:.0f} s, {args.n} articles stored first, "
        f"server rate limit {args.rate or 'default'} (burst {args.burst or 'default'})\n"
    )
    print("| kind | requests | answers | p50 ms | p95 ms | p99 ms (2xx answers) |")
    print("|---|---:|---|---:|---:|---:|")
    errors = []
    for kind in KINDS:
        lat = record.latencies.get(kind, [])
        statuses = record.statuses.get(kind, Counter())
        p50, p95, p99 = (x * 1000 for x in percentiles(lat))
        answers = ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items()))
        count = sum(statuses.values())
        print(f"| {kind} | {count} | {answers} | {p50:.0f} | {p95:.0f} | {p99:.0f} |")
        errors += [f"{kind} {s} x{n}" for s, n in statuses.items() if not _fine(s)]
    print(f"\n{total} requests, {total / seconds:.1f} per second")
    return errors


def _fine(status: str) -> bool:
    return status.isdigit() and (status.startswith("2") or status == "429")


def parse_mix(text: str) -> list[tuple[str, float]]:
    mix = []
    for part in text.split(","):
        kind, _, weight = part.partition("=")
        if kind not in KINDS:
            sys.exit(f"--mix: unknown kind {kind!r} (known: {', '.join(KINDS)})")
        mix.append((kind, float(weight or 1)))
    return mix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=Path("../shared/data/ptc/train-articles"))
    parser.add_argument("--n", type=int, default=50, help="articles stored before the run")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120, help="seconds")
    parser.add_argument("--mix", default="search=6,get=3,upload=1")
    parser.add_argument("--rate", default=None, help="the server's --rate (its default if unset)")
    parser.add_argument("--burst", type=int, default=None)
    args = parser.parse_args()
    mix = parse_mix(args.mix)

    with tempfile.TemporaryDirectory(prefix="scrutiny-load-") as tmp:
        db, log = Path(tmp) / "store.db", Path(tmp) / "server.log"
        t0 = time.perf_counter()
        corpus = build_store(db, args.articles, args.n)
        print(
            f"stored {len(corpus.ids)} articles in {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
        )
        store = TokenStore(token_file(db))
        tokens = [store.create(f"load client {i}", "write") for i in range(args.clients)]
        with server(db, free_port(), args.rate, args.burst, log) as base:
            wait_ready(base, tokens[0])
            record = Record()
            start = time.monotonic()
            until = start + args.duration
            threads = [
                threading.Thread(target=client, args=(base, tok, i, until, mix, corpus, record))
                for i, tok in enumerate(tokens)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - start
        errors = report(record, elapsed, args)
        if errors:
            print("\nERRORS (not 2xx, not 429): " + "; ".join(errors), file=sys.stderr)
            print("server log, last lines:", file=sys.stderr)
            print("\n".join(log.read_text().splitlines()[-40:]), file=sys.stderr)


if __name__ == "__main__":
    main()
