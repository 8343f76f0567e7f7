"""Analyzers as plugins, ordered by the layers they need and add.

An analyzer is any object with ``name``, ``version``, ``requires``, ``produces``, ``languages``
and ``analyze(state)``. Installed packages register theirs under the entry-point group
``scrutiny.analyzers``; the pipeline orders them so that every required layer is produced first.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol, runtime_checkable

from scrutiny.errors import (
    AnalysisMemoryLimit,
    AnalysisTimeout,
    AnalyzerError,
    PipelineError,
    ScrutinyError,
)
from scrutiny.model import Analysis, Annotation, Document, Span

try:
    import resource
except ImportError:  # not on Windows
    resource = None  # type: ignore[assignment]

ENTRY_POINT_GROUP = "scrutiny.analyzers"

# Short id prefixes keep the JSON readable ("e3" is an entity, "q1" a quote).
_PREFIX = {
    "language": "l",
    "sentence": "s",
    "mention": "m",
    "entity": "e",
    "role": "r",
    "timex": "t",
    "quote": "q",
    "claim": "c",
    "event": "v",
    "technique": "p",
    "signal": "g",
    "signature": "sig",
}


@runtime_checkable
class Analyzer(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    produces: ClassVar[tuple[str, ...]]
    # ISO 639-1 codes the analyzer understands; None means any language.
    languages: ClassVar[tuple[str, ...] | None]

    def analyze(self, state: AnalysisState) -> None:
        """Read ``state`` and add this analyzer's annotations to it."""


class AnalysisState:
    """What analyzers share while one document passes through the pipeline.

    ``scratch`` carries in-process intermediates that are not findings (the spaCy ``Doc``):
    they are dropped when the analysis is finished.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.annotations: list[Annotation] = []
        self.scratch: dict[str, Any] = {}
        self._counters: dict[str, int] = {}
        self._current: tuple[str, str] = ("", "")
        self._mentions: tuple[list[int], list[Annotation], int] | None = None

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def language(self) -> str | None:
        for a in self.annotations:
            if a.layer == "language":
                return a.label
        return None

    def layer(self, name: str) -> list[Annotation]:
        return [a for a in self.annotations if a.layer == name]

    def get(self, annotation_id: str) -> Annotation | None:
        for a in self.annotations:
            if a.id == annotation_id:
                return a
        return None

    def entities_at(self, start: int, end: int) -> list[str]:
        """Ids of the entities whose mentions (names or linked pronouns) overlap ``[start, end)``.

        A plural pronoun mention lists every entity it refers to in ``attrs["entities"]``.
        """
        starts, mentions, longest = self._mention_index()
        found: list[str] = []
        # Only mentions starting in [start - longest, end) can overlap the range.
        lo = bisect_left(starts, start - longest)
        hi = bisect_left(starts, end)
        for m in mentions[lo:hi]:
            if m.span.end <= start:
                continue
            for ent in m.attrs.get("entities") or [m.attrs.get("entity")]:
                if ent and ent not in found:
                    found.append(str(ent))
        return found

    def _mention_index(self) -> tuple[list[int], list[Annotation], int]:
        # Rebuilt only after new mentions arrive, so lookups stay logarithmic on long documents.
        if self._mentions is None:
            mentions = sorted(
                (a for a in self.annotations if a.layer == "mention"), key=lambda a: a.span
            )
            longest = max((len(m.span) for m in mentions), default=0)
            self._mentions = ([m.span.start for m in mentions], mentions, longest)
        return self._mentions

    def new_id(self, layer: str) -> str:
        n = self._counters.get(layer, 0) + 1
        self._counters[layer] = n
        return f"{_PREFIX.get(layer, layer[:3])}{n}"

    def add(
        self,
        layer: str,
        start: int,
        end: int,
        label: str,
        *,
        confidence: float = 1.0,
        attrs: Mapping[str, Any] | None = None,
        id: str | None = None,
    ) -> Annotation:
        """Record a finding of the running analyzer and return it (with its id)."""
        if not 0 <= start <= end <= len(self.document.text):
            raise ValueError(f"span [{start}, {end}) outside a {len(self.document.text)}-char text")
        name, version = self._current
        ann = Annotation(
            id=id or self.new_id(layer),
            layer=layer,
            span=Span(start, end),
            label=label,
            analyzer=name,
            version=version,
            confidence=round(float(confidence), 4),
            attrs=dict(attrs or {}),
        )
        self.annotations.append(ann)
        if layer == "mention":
            self._mentions = None
        return ann


def order_analyzers(analyzers: Iterable[Analyzer]) -> list[Analyzer]:
    """Topological order by layers; ties keep the given order so runs are deterministic."""
    pending = list(analyzers)
    producers: dict[str, str] = {}
    for a in pending:
        for layer in a.produces:
            if layer in producers:
                raise PipelineError(
                    f"layer {layer!r} is produced by both {producers[layer]!r} and {a.name!r}"
                )
            producers[layer] = a.name
    for a in pending:
        missing = [layer for layer in a.requires if layer not in producers]
        if missing:
            raise PipelineError(f"analyzer {a.name!r} requires {missing} but nothing produces it")
    done: set[str] = set()
    ordered: list[Analyzer] = []
    while pending:
        ready = [a for a in pending if all(layer in done for layer in a.requires)]
        if not ready:
            names = ", ".join(a.name for a in pending)
            raise PipelineError(f"analyzers {names} require each other's layers (a cycle)")
        for a in ready:
            ordered.append(a)
            done.update(a.produces)
            pending.remove(a)
    return ordered


def installed_analyzers() -> dict[str, type[Analyzer]]:
    """Every analyzer class registered under the ``scrutiny.analyzers`` entry points."""
    found: dict[str, type[Analyzer]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found[ep.name] = ep.load()
    return found


class Pipeline:
    """An ordered list of analyzers; ``Pipeline.default()`` uses every installed one."""

    def __init__(self, analyzers: Sequence[Analyzer]) -> None:
        self.analyzers = order_analyzers(analyzers)

    @classmethod
    def default(cls, *, exclude: Iterable[str] = ()) -> Pipeline:
        skip = set(exclude)
        return cls([klass() for name, klass in installed_analyzers().items() if name not in skip])

    @property
    def names(self) -> list[str]:
        return [a.name for a in self.analyzers]

    def analyze(
        self,
        document: Document,
        *,
        max_seconds: float | None = None,
        max_memory_mb: float | None = None,
    ) -> Analysis:
        """Run every analyzer on ``document``; past ``max_seconds`` raise ``AnalysisTimeout``, and
        when it needs more than ``max_memory_mb`` megabytes on top of what the process already
        holds raise ``AnalysisMemoryLimit`` (see ``_memory_limit`` for where that applies)."""
        # The timer is the inner one: once it is stopped no alarm can land between the memory
        # limit's restoring lines and leave the process with a lowered limit.
        with _memory_limit(max_memory_mb), _time_limit(max_seconds):
            return self._analyze(document, max_seconds)

    def _analyze(self, document: Document, max_seconds: float | None) -> Analysis:
        state = AnalysisState(document)
        provenance: dict[str, dict[str, str]] = {}
        deadline = None if max_seconds is None else time.monotonic() + max_seconds
        for analyzer in self.analyzers:
            if deadline is not None and time.monotonic() > deadline:
                raise AnalysisTimeout(max_seconds or 0)
            lang = state.language
            if (
                analyzer.languages is not None
                and lang is not None
                and lang not in analyzer.languages
            ):
                continue
            state._current = (analyzer.name, analyzer.version)
            try:
                analyzer.analyze(state)
            except ScrutinyError:
                raise
            except RecursionError as exc:
                raise AnalyzerError(analyzer.name, "document nests too deeply") from exc
            except MemoryError as exc:
                if _memory_limited:
                    raise  # the limit's own error, raised by _memory_limit
                raise AnalyzerError(analyzer.name, "out of memory on this document") from exc
            except Exception as exc:  # a bug in one analyzer must not take a batch down
                if _memory_limited and _caused_by_memory(exc):
                    # A library turned the MemoryError into an error of its own.
                    raise MemoryError from exc
                raise AnalyzerError(analyzer.name, f"{type(exc).__name__}: {exc}") from exc
            for layer in analyzer.produces:
                provenance[layer] = {"analyzer": analyzer.name, "version": analyzer.version}
        return Analysis(document, tuple(state.annotations), provenance)


# Seconds between repeats of the time limit's signal once the limit has passed.
TIMEOUT_REPEAT_S = 0.5


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the analysis after ``seconds`` where a timer signal can (the main thread of a
    Unix process: the CLI, the process engine's workers); elsewhere the pipeline still stops at
    the first analyzer boundary past the deadline."""
    usable = (
        seconds is not None
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0  # never steal a timer someone set
    )
    if not usable or seconds is None:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise AnalysisTimeout(seconds)

    previous = signal.signal(signal.SIGALRM, expire)
    # The timer repeats: an exception raised where Python can only report it (a garbage
    # collector callback, a __del__) is lost, and a one-shot timer then let the analysis run on
    # to the next analyzer boundary, a minute later in one CI run.
    signal.setitimer(signal.ITIMER_REAL, seconds, TIMEOUT_REPEAT_S)
    try:
        yield
    finally:
        while True:
            # A repeat can land here before the timer is stopped: stop it again, never leave
            # it running.
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)
                break
            except AnalysisTimeout:
                continue


# True while _memory_limit has lowered the address-space limit (only ever in the main thread).
_memory_limited = False


@contextmanager
def _memory_limit(megabytes: float | None) -> Iterator[None]:
    """Let the analysis grow the process's address space by at most ``megabytes``; a MemoryError
    inside becomes ``AnalysisMemoryLimit``.

    The soft RLIMIT_AS is lowered to the current virtual size plus the budget and put back
    afterwards (a soft limit may rise again up to the hard one, so a long-lived process can do
    this per document). The limit is on the whole process, so it is set only in the main thread
    of a Linux process (the CLI, the process engine's workers); threads of a web server or a Dask
    worker share the address space with work that is not this document's. An existing soft limit
    that is already tighter is left as it is.
    """
    global _memory_limited
    previous = _lower_address_space(megabytes) if megabytes is not None else None
    if previous is None or megabytes is None:
        yield
        return
    _memory_limited = True
    try:
        yield
    except MemoryError as exc:
        # The limit goes first, so that building the error has memory to do it with.
        resource.setrlimit(resource.RLIMIT_AS, previous)
        raise AnalysisMemoryLimit(megabytes) from exc
    finally:
        _memory_limited = False
        resource.setrlimit(resource.RLIMIT_AS, previous)


def _lower_address_space(megabytes: float) -> tuple[int, int] | None:
    """Lower the soft RLIMIT_AS to ``megabytes`` above the current size; the previous limits, or
    None when nothing was changed."""
    if (
        resource is None
        or not sys.platform.startswith("linux")
        or threading.current_thread() is not threading.main_thread()
        or _memory_limited
    ):
        return None
    try:
        _prepare_native_pools()
        with open("/proc/self/statm", "rb") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError, MemoryError):
        return None  # no limit rather than one that could end the process
    size = pages * os.sysconf("SC_PAGE_SIZE")
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    target = size + int(megabytes * 1024 * 1024)
    if hard != resource.RLIM_INFINITY:
        target = min(target, hard)
    if soft != resource.RLIM_INFINITY and soft <= target:
        return None
    resource.setrlimit(resource.RLIMIT_AS, (target, hard))
    return soft, hard


# The process whose native memory pools are known to be allocated.
_prepared_in: int | None = None


def _prepare_native_pools() -> None:
    """Have OpenBLAS allocate its work buffers before the limit is lowered.

    OpenBLAS allocates one buffer per thread on first use and keeps it; when that allocation
    fails it ends the whole process (exit status 1) instead of reporting an error, so under a
    lowered limit the first large matrix product of a process would kill it. A product big enough
    to engage every BLAS thread, in each OpenBLAS copy loaded (numpy's, and SciPy's when it is in
    use), allocates them all. Again after a fork: a child restarts OpenBLAS's threads.
    """
    global _prepared_in
    if _prepared_in == os.getpid():
        return
    import numpy as np

    for dtype in (np.float32, np.float64):
        square = np.ones((512, 512), dtype)
        np.matmul(square, square)  # every thread's buffer
        np.matmul(square, square[0])  # the calling thread's, for matrix-vector products
    if "scipy" in sys.modules:
        from scipy.linalg import blas

        blas.dgemm(1.0, square, square)
        blas.dgemv(1.0, square, square[0])
    _prepared_in = os.getpid()


def _caused_by_memory(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, MemoryError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


_default: Pipeline | None = None


# Touches every analyzer: a quote, a claim, people, places, an office and dates.
_WARM_UP = (
    "The minister said on Monday that Anna Schmidt, the mayor of Berlin, will visit Paris in May."
    ' "We must act now," she said.'
)


def default_pipeline() -> Pipeline:
    """The process-wide default pipeline; models load once, on first use."""
    global _default
    if _default is None:
        pipeline = Pipeline.default()
        # Some analyzers load their models on first use. Load them now, so that no document's
        # time or memory limit is spent on them (a limit that stopped a load would stop it again
        # for every following document).
        pipeline.analyze(Document.from_text(_WARM_UP))
        _default = pipeline
    return _default
