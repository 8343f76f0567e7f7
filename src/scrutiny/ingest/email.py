"""E-mail: one message (.eml) or a mailbox (mbox) with one document per message.

The title is the Subject, the author the sender, the publication date the Date header; the text
is the plain-text body, or the HTML body through the HTML extractor when there is no plain one.
Attachments are not read, only listed in ``meta["attachments"]``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from pathlib import Path

from scrutiny.errors import EmptyDocument, IngestError
from scrutiny.ingest._base import Limits, finish, parser_guard, too_large
from scrutiny.ingest.html import html_to_text
from scrutiny.ingest.text import decode
from scrutiny.model import Document, clean_field

MEDIA_TYPE = "message/rfc822"

_SEPARATOR = re.compile(rb"^From [^\r\n]*\r?\n", re.MULTILINE)
_ESCAPED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def read(data: bytes, *, name: str, limits: Limits) -> Document:
    return message_document(data, name=name, limits=limits)


def iter_mbox(data: bytes, *, name: str, limits: Limits) -> Iterator[Document | IngestError]:
    """One document per message; a bad message is an error named ``file.mbox:LINE``."""
    for line, message in split_mbox(data):
        where = f"{name}:{line}"
        try:
            yield message_document(message, name=where, limits=limits, source=name, origin=where)
        except IngestError as exc:
            yield exc


def split_mbox(data: bytes) -> Iterator[tuple[int, bytes]]:
    """``(line of its From_ separator, message bytes)`` for each message of an mbox.

    A separator counts only at the start or after a blank line, as in every mbox variant, so an
    unescaped "From " inside a body does not split it; ``>From`` escapes are undone.
    """
    starts = [m for m in _SEPARATOR.finditer(data) if _after_blank_line(data, m.start())]
    line = 1
    previous = 0
    for index, match in enumerate(starts):
        line += data.count(b"\n", previous, match.start())
        previous = match.start()
        end = starts[index + 1].start() if index + 1 < len(starts) else len(data)
        yield line, _ESCAPED_FROM.sub(rb"\1", data[match.end() : end])


def iter_mbox_file(path: Path, *, name: str, limits: Limits) -> Iterator[Document | IngestError]:
    """Stream a mailbox of any size, holding one message at a time; a message over the size
    limit is an error naming its line, and the rest goes on."""
    for line, message, size in _stream_messages(path, limits.max_bytes):
        where = f"{name}:{line}"
        if message is None:
            yield too_large(where, "the message", size, limits.max_bytes, "--max-bytes")
            continue
        try:
            yield message_document(message, name=where, limits=limits, source=name, origin=where)
        except IngestError as exc:
            yield exc


def _stream_messages(path: Path, max_bytes: int) -> Iterator[tuple[int, bytes | None, int]]:
    """``(line of the separator, message bytes or None when over max_bytes, size)`` per
    message, with the splitting rules of :func:`split_mbox`."""
    with path.open("rb") as stream:
        start_line = 0
        parts: list[bytes] = []
        size = 0
        previous_blank = True  # the file start counts as after a blank line
        for number, raw in enumerate(stream, 1):
            if raw.startswith(b"From ") and previous_blank:
                if start_line:
                    yield start_line, _message(parts, size, max_bytes), size
                start_line, parts, size = number, [], 0
            elif start_line:
                size += len(raw)
                if size <= max_bytes:
                    parts.append(raw)
            previous_blank = raw in (b"\n", b"\r\n")
        if start_line:
            yield start_line, _message(parts, size, max_bytes), size


def _message(parts: list[bytes], size: int, max_bytes: int) -> bytes | None:
    if size > max_bytes:
        return None
    return _ESCAPED_FROM.sub(rb"\1", b"".join(parts))


def _after_blank_line(data: bytes, at: int) -> bool:
    return at == 0 or data.endswith(b"\n\n", 0, at) or data.endswith(b"\n\r\n", 0, at)


def message_document(
    data: bytes,
    *,
    name: str,
    limits: Limits,
    source: str | None = None,
    origin: str | None = None,
) -> Document:
    """One message as a document; ``origin`` names a message inside a mailbox."""
    with parser_guard(name, "e-mail"):
        message = BytesParser(policy=policy.default).parsebytes(data)
        text = _body_text(message, name, limits)
        sender = _header(message, "from")
        author = _display_name(sender)
        meta = {
            "from": sender,
            "to": _header(message, "to"),
            "message_id": _header(message, "message-id"),
            "attachments": _attachments(message),
            "origin": origin,
        }
    return finish(
        text,
        name=name,
        limits=limits,
        media_type=MEDIA_TYPE,
        title=_header(message, "subject"),
        author=author,
        published=_date(_header(message, "date")),
        source=source,
        meta=meta,
        empty_reason="empty document (the e-mail has no text body)",
    )


def _header(message: Message, key: str) -> str | None:
    """A header as text; a header the parser chokes on is treated as absent."""
    try:
        value = message.get(key)
    except Exception:  # the e-mail header parser raises odd errors on hostile values
        return None
    return clean_field(value)


def _display_name(sender: str | None) -> str | None:
    if not sender:
        return None
    (display, address), *_ = getaddresses([sender]) or [("", "")]
    return clean_field(display) or clean_field(address) or sender


def _date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _body_text(message: Message, name: str, limits: Limits) -> str:
    if not isinstance(message, EmailMessage):
        return ""
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        raise EmptyDocument(name, "empty document (the e-mail has no text body)")
    content = _part_content(part)
    if part.get_content_subtype() == "html":
        return html_to_text(content, name=name, limits=limits)
    return content


def _part_content(part: MIMEPart) -> str:
    """The part's text; an unknown or lying charset falls back to detection."""
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, ValueError, KeyError):
        pass
    payload = part.get_payload(decode=True)
    return decode(payload)[0] if isinstance(payload, bytes) else ""


def _attachments(message: Message) -> list[str]:
    if not isinstance(message, EmailMessage):
        return []
    return [part.get_filename() or part.get_content_type() for part in message.iter_attachments()]
