"""Analyzers as plugins, ordered by the layers they need and add.

An analyzer is any object with ``name``, ``version``, ``requires``, ``produces``, ``languages``
and ``analyze(state)``. Installed packages register theirs under the entry-point group
``scrutiny.analyzers``; the pipeline orders them so that every required layer is produced first.
"""

from __future__ import annotations

import signal
import threading
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol, runtime_checkable

from scrutiny.errors import AnalysisTimeout, AnalyzerError, PipelineError, ScrutinyError
from scrutiny.model import Analysis, Annotation, Document, Span

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

    def analyze(self, document: Document, *, max_seconds: float | None = None) -> Analysis:
        """Run every analyzer on ``document``; past ``max_seconds`` raise ``AnalysisTimeout``."""
        with _time_limit(max_seconds):
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
                raise AnalyzerError(analyzer.name, "out of memory on this document") from exc
            except Exception as exc:  # a bug in one analyzer must not take a batch down
                raise AnalyzerError(analyzer.name, f"{type(exc).__name__}: {exc}") from exc
            for layer in analyzer.produces:
                provenance[layer] = {"analyzer": analyzer.name, "version": analyzer.version}
        return Analysis(document, tuple(state.annotations), provenance)


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
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_default: Pipeline | None = None


def default_pipeline() -> Pipeline:
    """The process-wide default pipeline; models load once, on first use."""
    global _default
    if _default is None:
        _default = Pipeline.default()
    return _default
