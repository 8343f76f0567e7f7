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
import signal
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from typing import Any, Literal, cast

from scrutiny.errors import ScrutinyError, WorkerCrashed
from scrutiny.model import Analysis, Document

EngineName = Literal["local", "process", "dask"]
ENGINES: tuple[EngineName, ...] = ("local", "process", "dask")
# Documents sent ahead per worker: enough to keep every worker busy, few enough that a long batch
# never holds much of itself in memory.
AHEAD_PER_WORKER = 4

Result = Analysis | ScrutinyError


def analyse_one(
    document: Document, max_seconds: float | None = None, max_memory_mb: float | None = None
) -> Result:
    """The analysis of one document with the default pipeline, or the error that stopped it."""
    from scrutiny.pipeline import default_pipeline

    try:
        return default_pipeline().analyze(
            document, max_seconds=max_seconds, max_memory_mb=max_memory_mb
        )
    except ScrutinyError as exc:
        return exc


# What an engine calls for each document: ``analyse_one`` unless a caller (a test) gives its own
# module-level function, which worker processes must be able to import.
Analyse = Callable[[Document, float | None, float | None], Result]


def run_local(
    documents: Iterable[Document],
    max_seconds: float | None,
    max_memory_mb: float | None = None,
    analyse: Analyse = analyse_one,
) -> Iterator[Result]:
    for document in documents:
        yield analyse(document, max_seconds, max_memory_mb)


def run_processes(
    documents: Iterable[Document],
    workers: int,
    max_seconds: float | None,
    max_memory_mb: float | None = None,
    analyse: Analyse = analyse_one,
) -> Iterator[Result]:
    """Analyses in input order from ``workers`` processes, a bounded number in flight.

    A worker that dies (a crash in native code, the out-of-memory killer) takes its pool down
    with every document in flight. A new pool then analyses those documents one at a time, so
    that one which kills its worker even alone is known: it comes back as ``WorkerCrashed``, and
    the batch goes on in yet another pool.
    """
    source = iter(documents)
    # In flight when a pool broke, in input order, with the result where it came before the break.
    redo: deque[tuple[Document, Result | None]] = deque()
    limits = (max_seconds, max_memory_mb)
    while True:
        with ProcessPoolExecutor(max_workers=workers, initializer=_warm_up) as pool:
            if (yield from _one_at_a_time(pool, analyse, limits, redo)):
                continue
            if not (yield from _pipelined(pool, analyse, limits, source, redo, workers)):
                return


def _one_at_a_time(
    pool: ProcessPoolExecutor,
    analyse: Analyse,
    limits: tuple[float | None, float | None],
    redo: deque[tuple[Document, Result | None]],
) -> Generator[Result, None, bool]:
    """Yield the results of ``redo``, analysing one document at a time; True if one broke the
    pool (it is answered with ``WorkerCrashed``, and the pool must be replaced)."""
    while redo:
        document, result = redo.popleft()
        if result is None:
            try:
                result = pool.submit(analyse, document, *limits).result()
            except BrokenProcessPool:
                yield WorkerCrashed(_exit_code(pool))
                return True
        yield result
    return False


def _pipelined(
    pool: ProcessPoolExecutor,
    analyse: Analyse,
    limits: tuple[float | None, float | None],
    source: Iterator[Document],
    redo: deque[tuple[Document, Result | None]],
    workers: int,
) -> Generator[Result, None, bool]:
    """Yield the results of ``source`` with several documents in flight; True if the pool broke,
    with the documents that were in flight left in ``redo``."""
    pending: deque[tuple[Document, Future[Result]]] = deque()
    document: Document | None = None
    try:
        for document in source:
            pending.append((document, pool.submit(analyse, document, *limits)))
            document = None
            if len(pending) >= workers * AHEAD_PER_WORKER:
                yield pending[0][1].result()
                pending.popleft()
        while pending:
            yield pending[0][1].result()
            pending.popleft()
    except BrokenProcessPool:
        for waiting, future in pending:
            finished = future.done() and future.exception() is None
            redo.append((waiting, future.result() if finished else None))
        if document is not None:  # read from the source, but the pool was broken already
            redo.append((document, None))
        return True
    return False


def _exit_code(pool: ProcessPoolExecutor) -> int | None:
    """How the worker that broke ``pool`` ended, when that can be told: the pool terminates its
    other workers (SIGTERM) once one has died."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=True)
    codes = {p.exitcode for p in processes} - {None, -signal.SIGTERM}
    return codes.pop() if len(codes) == 1 else None


def run_dask(
    documents: Iterable[Document],
    workers: int,
    scheduler: str | None,
    max_seconds: float | None,
    max_memory_mb: float | None = None,
    analyse: Analyse = analyse_one,
) -> Iterator[Result]:
    """Analyses in input order from a Dask cluster: the scheduler at ``scheduler``, or a local
    cluster of ``workers`` single-threaded processes started (and stopped) here.

    Dask recovers from dead workers itself: their tasks run again elsewhere, and a task that was
    running on more than ``distributed.scheduler.allowed-failures`` workers that died (default
    3) fails with ``KilledWorker``, which comes back here as ``WorkerCrashed``.
    """
    from distributed import Client, KilledWorker, LocalCluster

    def outcome(future: Any) -> Result:
        try:
            return cast("Result", future.result())
        except KilledWorker:
            return WorkerCrashed()

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
                pending.append(
                    client.submit(analyse, document, max_seconds, max_memory_mb, pure=False)
                )
                if len(pending) >= ahead:
                    yield outcome(pending.popleft())
            while pending:
                yield outcome(pending.popleft())
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
    max_memory_mb: float | None = None,
    analyse: Analyse = analyse_one,
) -> Iterator[Result]:
    """Analyse ``documents`` on ``engine``; ``workers`` defaults to the number of CPUs. A document
    whose analysis takes longer than ``max_seconds`` comes back as AnalysisTimeout, one that
    needs more than ``max_memory_mb`` as AnalysisMemoryLimit (each worker process applies the
    limits to itself), and one whose worker process died as WorkerCrashed."""
    count = max(1, workers or os.cpu_count() or 1)
    if engine == "local":
        return run_local(documents, max_seconds, max_memory_mb, analyse)
    if engine == "process":
        return run_processes(documents, count, max_seconds, max_memory_mb, analyse)
    if engine == "dask":
        return run_dask(documents, count, scheduler, max_seconds, max_memory_mb, analyse)
    raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def _warm_up() -> None:
    # Load the models when the worker starts, not inside the first document's timing. A failure
    # is left for the first document to raise again: in a worker's initializer it would only
    # break the pool, which would read as a worker crash on whichever document came first.
    from scrutiny.pipeline import default_pipeline

    with suppress(Exception):
        default_pipeline()
