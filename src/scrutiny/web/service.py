"""What the API and the pages both do with an upload: ingest it, analyse it, store it.

This module owns the web server's settings and the synchronous add path (slice 1: small
uploads are analysed while the request waits; batches with progress come with background
jobs). Every failure of one file becomes an :class:`ItemResult` naming it, never an exception,
so one bad file in a multi-file upload does not lose the others.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scrutiny.errors import (
    DocumentTooLarge,
    EmptyDocument,
    IngestError,
    ScrutinyError,
    StoreError,
    UnsupportedFormat,
)
from scrutiny.model import Analysis, Document
from scrutiny.store.base import Store

MiB = 2**20


@dataclass(frozen=True)
class Settings:
    """Bounds on what one request may cost; the defaults suit a laptop serving one person."""

    store_path: str  # an SQLite file, already resolved (see scrutiny.store.resolve_location)
    max_request_bytes: int = 10 * MiB  # whole request body, checked before it is read
    max_files: int = 20  # files in one upload
    max_chars: int = 1_000_000  # extracted text of one document: analysis is synchronous
    max_text_chars: int = 200_000  # text posted to /api/analyze
    # Folders whose files clients may name (serve --allow-path), resolved; none by default.
    allowed_paths: tuple[Path, ...] = ()
    max_path_files: int = 5_000  # files one request for server paths may name, folders walked
    title: str = "scrutiny"


class ApiError(Exception):
    """An error with a status and code chosen by a route, shown to the client as is."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ItemResult:
    """What happened to one document (or one unreadable file) of an upload."""

    name: str
    status: str  # "added", "present" or "failed"
    id: str | None = None
    title: str | None = None
    error_code: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"name": self.name, "status": self.status}
        if self.id is not None:
            out["id"] = self.id
            out["title"] = self.title
        if self.error is not None:
            out["error"] = {"code": self.error_code, "message": self.error}
        return out


def error_code(exc: ScrutinyError) -> str:
    """A stable machine-readable code for an error a user's input can cause."""
    if isinstance(exc, DocumentTooLarge):
        return "too_large"
    if isinstance(exc, UnsupportedFormat):
        return "unsupported_format"
    if isinstance(exc, EmptyDocument):
        return "empty_document"
    if isinstance(exc, IngestError):
        return "unreadable"
    return "analysis_failed"


Analyse = Callable[[Document], Analysis]


@dataclass
class Analyser:
    """The pipeline behind a lock: spaCy models are shared, and analysis is CPU-bound anyway."""

    analyse: Analyse | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, doc: Document) -> Analysis:
        with self._lock:
            if self.analyse is None:
                from scrutiny.pipeline import default_pipeline

                self.analyse = default_pipeline().analyze
            return self.analyse(doc)


def read_upload(name: str, data: bytes, settings: Settings) -> list[Document] | ItemResult:
    """The documents in one uploaded file, or the reason it could not be read."""
    from scrutiny import ingest

    limits = ingest.Limits(max_bytes=settings.max_request_bytes, max_chars=settings.max_chars)
    try:
        return ingest.read_bytes(data, name=name, limits=limits)
    except IngestError as exc:
        return ItemResult(name=name, status="failed", error_code=error_code(exc), error=exc.reason)


def add_document(name: str, doc: Document, store: Store, analyser: Analyser) -> ItemResult:
    """Analyse and store one document unless it is stored already (same normalised text)."""
    if store.has(doc.id):
        return ItemResult(name=name, status="present", id=doc.id, title=doc.title)
    try:
        analysis = analyser(doc)
    except StoreError:
        raise
    except ScrutinyError as exc:
        return ItemResult(name=name, status="failed", error_code=error_code(exc), error=str(exc))
    added = store.add(analysis)
    return ItemResult(name=name, status="added" if added else "present", id=doc.id, title=doc.title)


def add_file(
    name: str, data: bytes, store: Store, analyser: Analyser, settings: Settings
) -> list[ItemResult]:
    """Every document of one uploaded file, analysed and stored, or why the file failed."""
    docs = read_upload(name, data, settings)
    if isinstance(docs, ItemResult):
        return [docs]
    return [add_document(name, _named(doc, name), store, analyser) for doc in docs]


def add_upload(
    files: list[tuple[str, bytes]], store: Store, analyser: Analyser, settings: Settings
) -> list[ItemResult]:
    """Every document of every file, in upload order."""
    return [r for name, data in files for r in add_file(name, data, store, analyser, settings)]


def _named(doc: Document, name: str) -> Document:
    if doc.source is not None and doc.title is not None:
        return doc
    # ingest.read_bytes names no source; the uploaded file name is the best provenance we have
    # and a better title than nothing. It is the client's text, so it gets cleaned like any field.
    from dataclasses import replace

    from scrutiny.model import clean_field

    return replace(
        doc,
        source=doc.source or clean_field(f"upload:{name}"),
        title=doc.title or clean_field(name),
    )
