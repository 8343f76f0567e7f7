"""What every reader shares: the limits, the final checks on a document, and date parsing.

Readers turn bytes into text and metadata; this module owns the rules that make every format
behave the same at the end: an empty result is an ``EmptyDocument``, an oversized one a
``DocumentTooLarge``, a date is ISO 8601 or absent, and a third-party parser's surprise
exception becomes an ``IngestError`` that names the file.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

from scrutiny.errors import DocumentTooLarge, EmptyDocument, IngestError
from scrutiny.model import Document, clean_field


@dataclass(frozen=True)
class Limits:
    """Bounds on what one source may cost to read. Every limit is checked before the work."""

    max_bytes: int = 50 * 2**20  # raw bytes of one file (checked via stat before reading)
    max_chars: int = 5_000_000  # extracted text of one document
    max_expanded: int = 200 * 2**20  # total decompressed bytes of a zip-based format (DOCX)
    max_html_depth: int = 400  # deeper markup is flattened before parsing

    def __post_init__(self) -> None:
        for name in ("max_bytes", "max_chars", "max_expanded", "max_html_depth"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"Limits.{name} must be a positive integer, not {value!r}")

    @property
    def max_line_bytes(self) -> int:
        """The longest JSON Lines record: four UTF-8 bytes for each allowed character."""
        return self.max_chars * 4


def human_size(n: int) -> str:
    """``1,000 bytes``, ``12.5 KB``, ``120.0 MB``: binary units, as the limits are set in them."""
    if n < 2**10:
        return f"{n:,} bytes"
    if n < 2**20:
        return f"{n / 2**10:.1f} KB"
    if n < 2**30:
        return f"{n / 2**20:.1f} MB"
    return f"{n / 2**30:.1f} GB"


def too_large(name: str, what: str, size: int, limit: int, option: str) -> DocumentTooLarge:
    return DocumentTooLarge(
        name, f"{what} is {human_size(size)}, over the {human_size(limit)} limit ({option})"
    )


def check_chars(name: str, n: int, limits: Limits) -> None:
    if n > limits.max_chars:
        raise DocumentTooLarge(
            name, f"extracted text is {n:,} characters, over the {limits.max_chars:,} limit"
        )


def finish(
    text: str,
    *,
    name: str,
    limits: Limits,
    media_type: str,
    title: str | None = None,
    author: str | None = None,
    published: str | None = None,
    source: str | None = None,
    meta: Mapping[str, Any] | None = None,
    empty_reason: str = "empty document",
) -> Document:
    """Build the document, refusing texts that are over the limit or hold nothing."""
    check_chars(name, len(text), limits)
    doc = Document.from_text(
        text,
        title=clean_field(title),
        author=clean_field(author),
        published=published,
        source=source if source is not None else name,
        media_type=media_type,
        meta={k: v for k, v in (meta or {}).items() if v not in (None, "", [], {})},
    )
    if not doc.text.strip():
        raise EmptyDocument(name, empty_reason)
    return doc


def words(text: str) -> frozenset[str]:
    """A set of names written as one space-separated string, for readable constant tables."""
    return frozenset(text.split())


@contextmanager
def parser_guard(name: str, what: str) -> Iterator[None]:
    """Turn any exception of a third-party parser into ``IngestError(name, ...)``.

    pypdf, python-docx, lxml and the e-mail package raise dozens of undocumented exception
    types (KeyError, struct.error, RecursionError...) on damaged input; a batch must go on, so
    at this boundary, and only here, everything becomes one clean error.
    """
    try:
        yield
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(name, f"{what} is damaged or truncated ({describe(exc)})") from exc


@contextmanager
def quiet(logger: str | None = None) -> Iterator[None]:
    """Silence a parser's warnings (and its logger, for libraries without a NullHandler).

    Python's last-resort handler would print each on stderr, breaking the command line's
    promise of one line per failed file. Not thread-safe, like warnings filters themselves.
    """
    log = logging.getLogger(logger) if logger else None
    level = log.level if log else logging.NOTSET
    if log:
        log.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        if log:
            log.setLevel(level)


def describe(exc: BaseException) -> str:
    """A short, one-line description of an exception for an error reason."""
    message = clean_field(exc) or type(exc).__name__
    return message if len(message) <= 120 else message[:117] + "..."


# --- dates -----------------------------------------------------------------------------------

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_SLASH_DAY = re.compile(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})")
# PDF dates: D:YYYYMMDDHHmmSS followed by Z or +HH'mm' (PDF 1.7, section 7.9.4).
_COMPACT = re.compile(
    r"^(?:D:)?(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?)?"
)


def iso_date(value: object) -> str | None:
    """ISO 8601 for the dates sources write: ISO, RFC 2822, ``2015/03/04``, PDF ``D:2015...``.

    A value with a time stays a datetime (``2015-03-04T10:00:00+00:00``); a bare day stays a
    date. Anything that is not a real calendar date gives ``None``.
    """
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        return None
    text = value.strip()[:100]
    if not text:
        return None
    for parse in (_from_iso, _from_rfc2822, _from_compact, _from_day):
        found = parse(text)
        if found:
            return found
    return None


def _from_iso(text: str) -> str | None:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) <= 10:
        return parsed.date().isoformat()
    return parsed.isoformat()


def _from_rfc2822(text: str) -> str | None:
    if not re.search(r"[A-Za-z]{3}", text):
        return None
    try:
        return parsedate_to_datetime(text).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _from_compact(text: str) -> str | None:
    match = _COMPACT.match(text)
    if not match:
        return None
    year, month, day, hour, minute, second, zulu, sign, tz_hours, tz_minutes = match.groups()
    try:
        if hour is None:
            return date(int(year), int(month), int(day)).isoformat()
        zone = None
        if zulu:
            zone = UTC
        elif sign:
            offset = timedelta(hours=int(tz_hours), minutes=int(tz_minutes or 0))
            zone = timezone(-offset if sign == "-" else offset)
        moment = datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), tzinfo=zone
        )
    except ValueError:
        return None
    return moment.isoformat()


def _from_day(text: str) -> str | None:
    match = _ISO_DAY.search(text) or _SLASH_DAY.search(text)
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups())).isoformat()
    except ValueError:
        return None
