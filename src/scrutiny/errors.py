"""One exception hierarchy: every error a user can cause says what went wrong and where."""

from __future__ import annotations

from pathlib import Path


class ScrutinyError(Exception):
    """Base of every error scrutiny raises on purpose."""


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


class PipelineError(ScrutinyError):
    """The analyzers cannot be ordered: a required layer has no producer, or a cycle."""


class StoreError(ScrutinyError):
    """The store could not be opened, migrated, read or written."""


class NotFound(StoreError):
    """No stored document has that id."""
