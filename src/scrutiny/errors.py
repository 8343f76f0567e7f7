"""One exception hierarchy: every error a user can cause says what went wrong and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class ScrutinyError(Exception):
    """Base of every error scrutiny raises on purpose."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Errors travel from worker processes to the batch as results. Pickle's default rebuilds
        # an exception by calling its class with ``args`` (here the finished message), which the
        # subclasses' own signatures reject; so rebuild without calling __init__.
        return (_rebuild, (type(self), self.args, self.__dict__))


def _rebuild(cls: type[ScrutinyError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls, *args)
    error.__dict__.update(state)
    return error


class IngestError(ScrutinyError):
    """A source could not be turned into a document.

    ``path`` names the file (or ``-`` for standard input, or ``file.jsonl:12`` for one line of a
    JSON Lines file) and ``reason`` is one human sentence fit for a single stderr line.
    """

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFormat(IngestError):
    """The bytes are not in any format scrutiny reads (binary, images, archives...)."""


class DocumentTooLarge(IngestError):
    """The source is over the configured per-document size limit."""


class EmptyDocument(IngestError):
    """The source holds no text once decoded and extracted."""


class AnalyzerError(ScrutinyError):
    """An analyzer failed on a document; names the analyzer."""

    def __init__(self, analyzer: str, reason: str) -> None:
        self.analyzer = analyzer
        self.reason = reason
        super().__init__(f"analyzer {analyzer!r}: {reason}")


class AnalysisTimeout(ScrutinyError):
    """The analysis of one document ran past its time limit and was stopped."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(f"analysis stopped after {seconds:g} s (the per-document time limit)")


class AnalysisMemoryLimit(ScrutinyError):
    """The analysis of one document needed more memory than its limit allows and was stopped."""

    def __init__(self, megabytes: float) -> None:
        self.megabytes = megabytes
        super().__init__(
            f"analysis stopped: it needed more than {megabytes:g} MB"
            " (the per-document memory limit)"
        )


class WorkerCrashed(ScrutinyError):
    """The worker process analysing a document died (a crash in native code, the kernel's
    out-of-memory killer, an exit); ``exit_code`` is the process's exit status when known,
    negative for a signal, as ``multiprocessing`` reports it."""

    def __init__(self, exit_code: int | None = None) -> None:
        self.exit_code = exit_code
        super().__init__(f"the worker process analysing this document died{_how(exit_code)}")


def _how(exit_code: int | None) -> str:
    if exit_code is None:
        return ""
    if exit_code < 0:
        import signal

        try:
            return f" (killed by {signal.Signals(-exit_code).name})"
        except ValueError:
            return f" (killed by signal {-exit_code})"
    return f" (exit code {exit_code})"


class PipelineError(ScrutinyError):
    """The analyzers cannot be ordered: a required layer has no producer, or a cycle."""


class StoreError(ScrutinyError):
    """The store could not be opened, migrated, read or written."""


class NotFound(StoreError):
    """No stored document has that id."""
