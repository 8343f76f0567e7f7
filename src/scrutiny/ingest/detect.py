"""Detection of a source's format from its bytes, never from its name.

Binary formats are told by their magic numbers; ZIP files by the parts inside them; text is
decoded just far enough (BOM, UTF-16/32 pattern, else an ASCII-compatible view) to see whether
it starts like an mbox, an e-mail, JSON or HTML. Everything else that is text is plain text.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from scrutiny.errors import UnsupportedFormat
from scrutiny.ingest._base import words
from scrutiny.ingest.text import bom_encoding, wide_encoding

TEXT = "text/plain"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EMAIL = "message/rfc822"
MBOX = "application/mbox"
NDJSON = "application/x-ndjson"

HEAD = 1 << 16  # bytes of a source read to classify it; enough for any header block

# (offset, signature, what it is) for formats that are surely not text.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (0, b"\xff\xd8\xff", "a JPEG image"),
    (0, b"GIF87a", "a GIF image"),
    (0, b"GIF89a", "a GIF image"),
    (0, b"II*\x00", "a TIFF image"),
    (0, b"MM\x00*", "a TIFF image"),
    (4, b"ftyp", "an MP4 or QuickTime video"),
    (0, b"OggS", "an Ogg media file"),
    (0, b"fLaC", "a FLAC audio file"),
    (0, b"ID3", "an MP3 audio file"),
    (0, b"\x1f\x8b", "a gzip archive"),
    (0, b"\xfd7zXZ\x00", "an xz archive"),
    (0, b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (0, b"Rar!\x1a\x07", "a RAR archive"),
    (0, b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (257, b"ustar", "a tar archive"),
    (0, b"\x7fELF", "an ELF executable"),
    (0, b"\xcf\xfa\xed\xfe", "a Mach-O executable"),
    (0, b"\xce\xfa\xed\xfe", "a Mach-O executable"),
    (0, b"\xfe\xed\xfa\xce", "a Mach-O executable"),
    (0, b"\xfe\xed\xfa\xcf", "a Mach-O executable"),
    (0, b"\xca\xfe\xba\xbe", "a Java class file or Mach-O binary"),
    (0, b"\x00asm", "a WebAssembly module"),
    (0, b"SQLite format 3\x00", "an SQLite database"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Microsoft Office file; save it as DOCX"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")
_RIFF_KINDS = {b"WEBP": "a WebP image", b"WAVE": "a WAV audio file", b"AVI ": "an AVI video"}

# C0 controls that never occur in text (tab, line feed, vertical tab, form feed, carriage
# return and escape do) and DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])


def sniff(data: bytes, *, name: str = "<bytes>") -> str:
    """The media type of ``data`` by content; ``UnsupportedFormat`` for anything not readable."""
    if _is_pdf(data):
        return PDF
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data, name)
    if data.lstrip().startswith(b"{\\rtf"):
        raise UnsupportedFormat(name, "RTF documents are not supported (save it as DOCX or text)")
    magic = _magic(data)
    if magic:
        raise UnsupportedFormat(name, f"binary data (looks like {magic})")
    head = text_head(data)
    if head is None:
        raise UnsupportedFormat(name, "binary data (control bytes, not text in any encoding)")
    return classify_text(head)


def _is_pdf(data: bytes) -> bool:
    # Readers accept junk before the header within the first KB; demand the trailer then.
    at = data.find(b"%PDF-", 0, 1024)
    return at == 0 or (at > 0 and b"startxref" in data[-4096:])


def _magic(data: bytes) -> str | None:
    for offset, signature, kind in _MAGIC:
        if data.startswith(signature, offset):
            return kind
    if _BZIP2.match(data):
        return "a bzip2 archive"
    if data.startswith(b"RIFF") and len(data) >= 12:
        return _RIFF_KINDS.get(data[8:12], "a RIFF media file")
    if data.startswith(b"MZ") and b"\x00" in data[2:64]:
        return "a Windows executable"
    return None


def _zip_kind(data: bytes, name: str) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            parts = set(archive.namelist())
    except Exception:  # zipfile raises many types on damaged archives; all mean "unreadable"
        # A truncated DOCX has lost its central directory but its first local headers name it.
        if b"word/" in data[:HEAD]:
            return DOCX
        raise UnsupportedFormat(name, "binary data (looks like a damaged ZIP archive)") from None
    if "word/document.xml" in parts:
        return DOCX
    raise UnsupportedFormat(name, f"binary data (looks like {_zip_flavour(parts)})")


def _zip_flavour(parts: set[str]) -> str:
    if "xl/workbook.xml" in parts:
        return "an Excel workbook"
    if "ppt/presentation.xml" in parts:
        return "a PowerPoint presentation"
    if "content.xml" in parts:
        return "an OpenDocument file; save it as DOCX"
    if "META-INF/container.xml" in parts:
        return "an EPUB book"
    return "a ZIP archive"


def text_head(data: bytes) -> str | None:
    """The start of ``data`` as text, or ``None`` when the bytes are not text at all.

    Without a BOM or a UTF-16/32 pattern, Latin-1 gives an ASCII-compatible view, which is all
    that classification needs: markup and header names are ASCII in every other encoding.
    """
    bom = bom_encoding(data)
    if bom:
        encoding, skip = bom
        return data[skip : skip + HEAD].decode(encoding, errors="replace")
    wide = wide_encoding(data)
    if wide:
        return data[:HEAD].decode(wide, errors="replace")
    if looks_binary(data):
        return None
    return data[:HEAD].decode("latin-1")


def looks_binary(data: bytes) -> bool:
    """More than one NUL in a thousand bytes, or more than one control byte in a hundred.

    A stray NUL or two (a copy-paste accident) does not make a short text binary.
    """
    nuls = data.count(0)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return nuls > 2 + len(data) // 1000 or controls > 2 + len(data) // 100


_MBOX = re.compile(r"From [^\n]*\n[!-9;-~]+:")
_HEADER = re.compile(r"([!-9;-~]+):")
_JSON = re.compile(r'\{\s*["}]|\[\s*[{\]]')
_HTML_ROOT = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_HTML_TAG = re.compile(
    r"</?(?:p|div|span|a|br|hr|img|table|tr|td|th|ul|ol|li|h[1-6]|b|i|em|strong|blockquote"
    r"|script|style|meta|link|title|article|section|header|footer|nav|main|figure|iframe"
    r"|form|input)\b[^<>]{0,500}>",
    re.IGNORECASE,
)
_MAIL_HEADERS = words(
    "from to cc bcc subject date received mime-version message-id return-path "
    "delivered-to content-type content-transfer-encoding reply-to sender in-reply-to "
    "references x-mailer user-agent dkim-signature authentication-results list-id"
)
_MAIL_ONLY_HEADERS = words(
    "from received mime-version message-id return-path delivered-to dkim-signature"
)


def classify_text(head: str) -> str:
    """The media type of a text source from its first characters."""
    start = head.lstrip("\ufeff \t\r\n")
    if _MBOX.match(start):
        return MBOX
    if _is_email(start):
        return EMAIL
    if _JSON.match(start):
        return NDJSON
    if _is_html(start):
        return HTML
    return TEXT


def _is_email(text: str) -> bool:
    """A block of RFC 5322 header lines, at least two of them e-mail's own, then a blank line."""
    names: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n", 200)[:200]:
        if not line:
            break
        if line[0] in " \t" and names:
            continue
        match = _HEADER.match(line)
        if not match:
            return False
        names.append(match.group(1).lower())
    known = [n for n in names if n in _MAIL_HEADERS]
    return len(known) >= 2 and any(n in _MAIL_ONLY_HEADERS for n in known)


def _is_html(text: str) -> bool:
    if _HTML_ROOT.search(text, 0, 4096):
        return True
    tags = len(_HTML_TAG.findall(text))
    if text.startswith("<") and tags:
        return True
    return tags >= 20 or (tags >= 3 and tags * 500 >= len(text))
