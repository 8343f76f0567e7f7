"""Reading sources into documents: detection by content, one reader per format, hard limits.

    >>> from scrutiny import ingest
    >>> docs = ingest.read_path("statement.pdf")           # strict: raises IngestError
    >>> for item in ingest.iter_documents(["corpus/"]):    # never raises for a bad file
    ...     print(item)

Formats: plain text (any encoding), HTML, PDF, DOCX, e-mail (.eml), mbox, JSON Lines.
Every failure is an :class:`~scrutiny.errors.IngestError` naming the file (or ``file.jsonl:12``
for one record) and the reason; docs/ingest.md lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from scrutiny.errors import EmptyDocument, IngestError
from scrutiny.ingest import docx, email, html, jsonl, pdf, text
from scrutiny.ingest._base import Limits, too_large
from scrutiny.ingest._files import STDIN, file_size, read_file, read_head, read_stdin, walk
from scrutiny.ingest.detect import DOCX, EMAIL, HEAD, HTML, MBOX, NDJSON, PDF, TEXT, sniff
from scrutiny.model import Document

__all__ = ["Limits", "iter_documents", "read_bytes", "read_path", "sniff"]

Item = Document | IngestError

_SINGLE: dict[str, Callable[..., Document]] = {
    TEXT: text.read,
    HTML: html.read,
    PDF: pdf.read,
    DOCX: docx.read,
    EMAIL: email.read,
}
_MULTI: dict[str, Callable[..., Iterator[Item]]] = {
    MBOX: email.iter_mbox,
    NDJSON: jsonl.iter_bytes,
}


def read_bytes(data: bytes, *, name: str, limits: Limits | None = None) -> list[Document]:
    """Every document in ``data``; the first failure raises ``IngestError`` naming ``name``."""
    limits = limits or Limits()
    if len(data) > limits.max_bytes:
        raise too_large(name, "input", len(data), limits.max_bytes, "--max-bytes")
    return _strict(_items(data, name, limits))


def read_path(path: Path | str, *, limits: Limits | None = None) -> list[Document]:
    """Every document in one file (``-`` is standard input); the first failure raises."""
    return _strict(_file_items(Path(path), limits or Limits()))


def iter_documents(
    paths: Iterable[Path | str], *, limits: Limits | None = None
) -> Iterator[Document | IngestError]:
    """Each document under ``paths``, or one ``IngestError`` per file or record that failed.

    Directories are walked recursively in name order, skipping hidden entries and link loops.
    Nothing a file contains makes this raise: errors are yielded and the walk goes on.
    """
    limits = limits or Limits()
    for found in walk(paths):
        if isinstance(found, IngestError):
            yield found
            continue
        try:
            yield from _file_items(found, limits)
        except IngestError as exc:
            yield exc


def _file_items(path: Path, limits: Limits) -> Iterator[Item]:
    if str(path) == STDIN:
        yield from _items(read_stdin(limits), STDIN, limits)
        return
    size = file_size(path)
    if size > limits.max_bytes:
        # A corpus, not a document: stream it, the limit applies to each record instead.
        kind = _streamable(path)
        if kind == NDJSON:
            yield from _nonempty(jsonl.iter_file(path, name=str(path), limits=limits), str(path))
            return
        if kind == MBOX:
            yield from _nonempty(
                email.iter_mbox_file(path, name=str(path), limits=limits), str(path)
            )
            return
    yield from _items(read_file(path, limits, size=size), str(path), limits)


def _streamable(path: Path) -> str | None:
    """``NDJSON`` or ``MBOX`` when the file is a collection that can be read record by record."""
    head = read_head(path, HEAD)
    try:
        media_type = sniff(head)
    except IngestError:
        return None
    if media_type == NDJSON and jsonl.looks_like_lines(head):
        return NDJSON
    return MBOX if media_type == MBOX else None


def _items(data: bytes, name: str, limits: Limits) -> Iterator[Item]:
    media_type = sniff(data, name=name)
    if media_type in _MULTI:
        yield from _nonempty(_MULTI[media_type](data, name=name, limits=limits), name)
    else:
        yield _SINGLE[media_type](data, name=name, limits=limits)


def _nonempty(items: Iterator[Item], name: str) -> Iterator[Item]:
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        raise EmptyDocument(name, "empty document (no records)")


def _strict(items: Iterator[Item]) -> list[Document]:
    documents: list[Document] = []
    for item in items:
        if isinstance(item, IngestError):
            raise item
        documents.append(item)
    return documents
