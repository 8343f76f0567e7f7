"""Where analysis runs: in this process, a pool of worker processes, or a Dask cluster.

An engine turns documents into analyses and keeps their order; it never touches the store, so a
batch has exactly one writer whichever engine analyses it. Each worker process loads the models
once, when it starts. The same pipeline runs everywhere, so the engines give identical analyses
(tests/test_engine.py holds them to it).

Resuming a batch needs nothing from the engine: ``scrutiny add`` skips every document the store
already holds before analysing, and the store writes each document in one transaction, so a batch
killed at any instant is finished by running the same command again.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Literal

from scrutiny.errors import ScrutinyError
from scrutiny.model import Analysis, Document

EngineName = Literal["local", "process", "dask"]
ENGINES: tuple[EngineName, ...] = ("local", "process", "dask")
# Documents sent ahead per worker: enough to keep every worker busy, few enough that a long batch
# never holds much of itself in memory.
AHEAD_PER_WORKER = 4

Result = Analysis | ScrutinyError


def analyse_one(document: Document, max_seconds: float | None = None) -> Result:
    """The analysis of one document with the default pipeline, or the error that stopped it."""
    from scrutiny.pipeline import default_pipeline

    try:
        return default_pipeline().analyze(document, max_seconds=max_seconds)
    except ScrutinyError as exc:
        return exc


def run_local(documents: Iterable[Document], max_seconds: float | None) -> Iterator[Result]:
    for document in documents:
        yield analyse_one(document, max_seconds)


def run_processes(
    documents: Iterable[Document], workers: int, max_seconds: float | None
) -> Iterator[Result]:
    """Analyses in input order from ``workers`` processes, a bounded number in flight."""
    with ProcessPoolExecutor(max_workers=workers, initializer=_warm_up) as pool:
        pending: deque[Future[Result]] = deque()
        for document in documents:
            pending.append(pool.submit(analyse_one, document, max_seconds))
            if len(pending) >= workers * AHEAD_PER_WORKER:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def run_dask(
    documents: Iterable[Document], workers: int, scheduler: str | None, max_seconds: float | None
) -> Iterator[Result]:
    """Analyses in input order from a Dask cluster: the scheduler at ``scheduler``, or a local
    cluster of ``workers`` single-threaded processes started (and stopped) here."""
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(  # type: ignore[no-untyped-call]  # distributed is partly typed
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    try:
        with Client(scheduler or cluster) as client:  # type: ignore[no-untyped-call]
            client.run(_warm_up)
            ahead = max(1, len(client.scheduler_info()["workers"])) * AHEAD_PER_WORKER
            pending: deque[Any] = deque()
            for document in documents:
                pending.append(client.submit(analyse_one, document, max_seconds, pure=False))
                if len(pending) >= ahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
    finally:
        if cluster is not None:
            cluster.close()


def run(
    documents: Iterable[Document],
    engine: EngineName,
    workers: int | None = None,
    scheduler: str | None = None,
    *,
    max_seconds: float | None = None,
) -> Iterator[Result]:
    """Analyse ``documents`` on ``engine``; ``workers`` defaults to the number of CPUs, and a
    document whose analysis takes longer than ``max_seconds`` comes back as AnalysisTimeout."""
    count = max(1, workers or os.cpu_count() or 1)
    if engine == "local":
        return run_local(documents, max_seconds)
    if engine == "process":
        return run_processes(documents, count, max_seconds)
    if engine == "dask":
        return run_dask(documents, count, scheduler, max_seconds)
    raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def _warm_up() -> None:
    # Load the models when the worker starts, not inside the first document's timing.
    from scrutiny.pipeline import default_pipeline

    default_pipeline()
