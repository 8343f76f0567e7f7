"""PDF documents: the text layer of every page, and the document information dictionary.

Scanned PDFs (no text layer) and encrypted PDFs whose password is not empty are refused with a
reason a user can act on. A page pypdf cannot read is skipped and counted, so a damaged file
still gives the pages that survive.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from scrutiny.errors import EmptyDocument, IngestError
from scrutiny.ingest._base import Limits, check_chars, finish, iso_date, parser_guard, quiet
from scrutiny.model import Document

MEDIA_TYPE = "application/pdf"

# Typeset text breaks words at line ends ("manip-\nulation"); joined, the analyzers see whole
# words. Lowercase on both sides only, so "Kyrgyz-\nRussian" keeps its hyphen.
_LINE_END_HYPHEN = re.compile(r"(?<=[a-z])-\n(?=[a-z])")


def read(data: bytes, *, name: str, limits: Limits) -> Document:
    with quiet("pypdf"), parser_guard(name, "PDF"):
        reader = _open(data, name)
        info = _info(reader)
        pages, unreadable = _page_texts(reader, name, limits)
    if not pages and not unreadable:
        raise EmptyDocument(name, "PDF has no pages")
    if not any(page.strip() for page in pages):
        if unreadable:
            raise IngestError(name, "PDF is damaged: none of its pages could be read")
        raise EmptyDocument(name, "PDF has no text layer (scanned?)")
    return finish(
        "\n\n".join(page.strip("\n") for page in pages),
        name=name,
        limits=limits,
        media_type=MEDIA_TYPE,
        title=info.get("/Title"),
        author=info.get("/Author"),
        published=iso_date(info.get("/CreationDate")),
        meta={"pages": len(pages) + unreadable, "unreadable_pages": unreadable},
    )


def _open(data: bytes, name: str) -> Any:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(BytesIO(data), strict=False)
        # Many PDFs are "encrypted" only to restrict printing, with an empty user password.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise IngestError(name, "encrypted PDF: no text can be extracted without the password")
    except DependencyError as exc:
        raise IngestError(
            name, "encrypted PDF: decrypting it needs the 'cryptography' package"
        ) from exc
    return reader


def _info(reader: Any) -> dict[str, str]:
    """The document information dictionary as plain strings; a broken one is simply absent."""
    try:
        info = reader.metadata or {}
        return {
            key: str(info[key]) for key in ("/Title", "/Author", "/CreationDate") if key in info
        }
    except Exception:  # a damaged /Info must not cost the text: any failure means "no metadata"
        return {}


def _page_texts(reader: Any, name: str, limits: Limits) -> tuple[list[str], int]:
    pages: list[str] = []
    unreadable = 0
    total = 0
    for page in reader.pages:
        try:
            text = page.extract_text() or ""
        except Exception:  # one damaged page: keep the others (see the module docstring)
            unreadable += 1
            continue
        pages.append(_LINE_END_HYPHEN.sub("", text))
        total += len(text)
        check_chars(name, total, limits)
    return pages, unreadable
