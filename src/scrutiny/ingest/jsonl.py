"""JSON Lines: one document per line, each a JSON object with a ``text`` field.

Optional fields: ``title``, ``author``, ``published`` (any date format :func:`iso_date` reads),
``url`` (becomes the document's source); the other fields go to ``meta``. A file holding a
single JSON object, or an array of them, is read the same way. A bad line is an error named
``file.jsonl:LINE`` and the lines after it are still read. From a path, lines are streamed, so
a corpus larger than memory can be ingested; each line is bounded by ``Limits.max_line_bytes``.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scrutiny.errors import DocumentTooLarge, IngestError
from scrutiny.ingest._base import Limits, finish, human_size, iso_date
from scrutiny.ingest.text import UTF8_REPAIR, bom_encoding, decode
from scrutiny.model import Document, clean_field

MEDIA_TYPE = "application/x-ndjson"
_FIELDS = frozenset({"text", "title", "author", "published", "url"})
_CHUNK = 1 << 20


def iter_bytes(data: bytes, *, name: str, limits: Limits) -> Iterator[Document | IngestError]:
    bom = bom_encoding(data)
    if bom:
        # JSON is UTF-8 by RFC 8259, but Windows tools save "Unicode" (UTF-16) with a BOM.
        data = decode(data)[0].encode("utf-8")
    whole = _whole(data)
    if isinstance(whole, dict):
        yield _record_or_error(whole, where=name, label="the JSON object", file=name, limits=limits)
    elif isinstance(whole, list):
        for number, item in enumerate(whole, 1):
            where, label = f"{name}:{number}", f"item {number}"
            yield _record_or_error(item, where=where, label=label, file=name, limits=limits)
    else:
        for number, raw in enumerate(data.split(b"\n"), 1):
            found = _line(raw, number, file=name, limits=limits)
            if found is not None:
                yield found


def iter_file(path: Path, *, name: str, limits: Limits) -> Iterator[Document | IngestError]:
    """Stream a JSON Lines file of any size, holding at most one line in memory."""
    limit = limits.max_line_bytes
    with path.open("rb") as stream:
        number = 0
        while raw := stream.readline(limit + 1):
            number += 1
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if len(raw) > limit and not raw.endswith(b"\n"):
                _skip_line(stream)
                yield _long_line(name, number, limit)
                continue
            found = _line(raw, number, file=name, limits=limits)
            if found is not None:
                yield found


def _skip_line(stream: Any) -> None:
    while (chunk := stream.readline(_CHUNK)) and not chunk.endswith(b"\n"):
        pass


def _long_line(name: str, number: int, limit: int) -> IngestError:
    return DocumentTooLarge(
        f"{name}:{number}", f"line {number} is over the {human_size(limit)} line limit"
    )


def _whole(data: bytes) -> Any:
    """The file as one JSON value, or ``None`` when it is JSON Lines (or not JSON at all)."""
    if not data.lstrip().startswith((b"{", b"[")):
        return None
    try:
        # A JSON Lines file fails fast here, at the end of its first line ("Extra data").
        return json.loads(data)
    except (ValueError, RecursionError):
        return None


def _line(raw: bytes, number: int, *, file: str, limits: Limits) -> Document | IngestError | None:
    raw = raw.strip()
    if not raw:
        return None
    where, label = f"{file}:{number}", f"line {number}"
    if len(raw) > limits.max_line_bytes:
        return _long_line(file, number, limits.max_line_bytes)
    try:
        # Corpora assembled by scripts hold stray Latin-1 bytes; reading them as Windows-1252
        # keeps the record rather than losing it for one accented letter.
        record = json.loads(raw.decode("utf-8", errors=UTF8_REPAIR))
    except json.JSONDecodeError as exc:
        return IngestError(where, f"invalid JSON on {label}: {exc.msg} (column {exc.colno})")
    except RecursionError:
        return IngestError(where, f"invalid JSON on {label}: nested too deeply")
    return _record_or_error(record, where=where, label=label, file=file, limits=limits)


def _record_or_error(
    record: Any, *, where: str, label: str, file: str, limits: Limits
) -> Document | IngestError:
    try:
        return record_document(record, where=where, label=label, file=file, limits=limits)
    except IngestError as exc:
        return exc


def record_document(record: Any, *, where: str, label: str, file: str, limits: Limits) -> Document:
    """The document a JSON record describes; ``where`` names it in errors."""
    if not isinstance(record, dict):
        raise IngestError(where, f"{label} is not a JSON object")
    text = record.get("text")
    if text is None:
        raise IngestError(where, f'{label} has no "text" field')
    if not isinstance(text, str):
        raise IngestError(where, f'the "text" field of {label} is not a string')
    raw_date = record.get("published")
    published = iso_date(raw_date)
    meta = {key: value for key, value in record.items() if key not in _FIELDS}
    meta["origin"] = where
    if raw_date is not None and published is None:
        meta["published_raw"] = raw_date
    url = record.get("url")
    return finish(
        text,
        name=where,
        limits=limits,
        media_type=MEDIA_TYPE,
        title=_string(record.get("title")),
        author=_author(record.get("author")),
        published=published,
        source=url if isinstance(url, str) and url.strip() else file,
        meta=meta,
        empty_reason=f'{label} has an empty "text" field',
    )


def _string(value: Any) -> str | None:
    return clean_field(value) if isinstance(value, str | int | float) else None


def _author(value: Any) -> str | None:
    if isinstance(value, list):
        names = [_string(item) for item in value[:20]]
        return ", ".join(name for name in names if name) or None
    return _string(value)


def looks_like_lines(head: bytes) -> bool:
    """True when the first line of ``head`` is a whole JSON object: JSON Lines, not one big
    (pretty-printed) JSON value, which cannot be streamed line by line."""
    first = head.lstrip().split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False
