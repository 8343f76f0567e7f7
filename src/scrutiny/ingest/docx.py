"""Word documents (DOCX): the body's paragraphs, tables included, and the core properties.

A DOCX is a ZIP archive, so before python-docx opens it the archive's declared sizes are
checked against ``Limits.max_expanded``: a zip bomb is refused without inflating a byte.
zipfile never returns more than an entry's declared size, so the declared sizes are a bound.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import Any

from scrutiny.errors import DocumentTooLarge, IngestError
from scrutiny.ingest._base import Limits, check_chars, finish, iso_date, parser_guard, too_large
from scrutiny.model import Document

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_MAX_ENTRIES = 10_000
# Word's XML compresses about 10:1 and media hardly at all; a part over a megabyte that
# inflates more than 200-fold is a bomb (deflate tops out near 1000:1, on runs of zeros).
_MAX_RATIO = 200
_RATIO_FLOOR = 1 << 20


def read(data: bytes, *, name: str, limits: Limits) -> Document:
    check_archive(data, name=name, limits=limits)
    with parser_guard(name, "DOCX"):
        import docx

        document = docx.Document(BytesIO(data))
        text = _body_text(document, name, limits)
        props = _core_properties(document)
    return finish(
        text,
        name=name,
        limits=limits,
        media_type=MEDIA_TYPE,
        title=props.get("title"),
        author=props.get("author"),
        published=iso_date(props.get("created")),
        empty_reason="empty document (the DOCX has no text)",
    )


def check_archive(data: bytes, *, name: str, limits: Limits) -> None:
    """Refuse archives whose entries would inflate past the limit or suspiciously far."""
    with parser_guard(name, "DOCX"), zipfile.ZipFile(BytesIO(data)) as archive:
        entries = archive.infolist()
    if len(entries) > _MAX_ENTRIES:
        raise IngestError(name, f"DOCX holds {len(entries):,} parts, over {_MAX_ENTRIES:,}")
    total = sum(entry.file_size for entry in entries)
    if total > limits.max_expanded:
        raise too_large(name, "the unpacked DOCX", total, limits.max_expanded, "zip bomb?")
    for entry in entries:
        packed = max(entry.compress_size, 1)
        if entry.file_size > _RATIO_FLOOR and entry.file_size > packed * _MAX_RATIO:
            raise DocumentTooLarge(
                name,
                f"DOCX part {entry.filename!r} inflates {entry.file_size // packed:,}-fold "
                "(zip bomb?)",
            )


def _body_text(document: Any, name: str, limits: Limits) -> str:
    """Every paragraph of the body in reading order: table cells and text boxes included."""
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    paragraphs: list[str] = []
    total = 0
    for element in document.element.body.iter(qn("w:p")):
        text = Paragraph(element, document).text.strip()
        if text:
            paragraphs.append(text)
            total += len(text) + 2
            check_chars(name, total, limits)
    return "\n\n".join(paragraphs)


def _core_properties(document: Any) -> dict[str, Any]:
    try:
        props = document.core_properties
        return {"title": props.title, "author": props.author, "created": props.created}
    except Exception:  # damaged docProps/core.xml must not cost the text: no metadata then
        return {}
