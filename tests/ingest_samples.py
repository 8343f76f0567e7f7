"""Small, valid sample files of every format the ingest package reads, built in memory.

Shared by tests/test_ingest.py (round trips) and tests/test_hostile.py (truncations and
mutations of valid files), so no binary fixture has to be committed.
"""

from __future__ import annotations

import io
import json
import zipfile
from email.message import EmailMessage

PARAGRAPHS = (
    "The minister said on Tuesday that the talks in Bishkek would resume next week.",
    "Opposition leaders called the plan a betrayal and demanded new elections in March.",
    "Officials declined to comment on the arrests reported by local media.",
)
TITLE = "Talks resume in Bishkek"
AUTHOR = "Jane Doe"


def text_bytes() -> bytes:
    return ("\n\n".join(PARAGRAPHS) + "\n").encode("utf-8")


def html_bytes() -> bytes:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{TITLE} | The Daily Example</title>
<meta property="og:title" content="{TITLE}">
<meta name="author" content="{AUTHOR}">
<meta property="article:published_time" content="2021-03-04T10:00:00Z">
<script>var tracking = "do not read me";</script>
</head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>{TITLE}</h1>{body}</article>
<footer>Copyright 2021 The Daily Example. All rights reserved.</footer>
</body></html>""".encode()


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf_bytes(
    pages: tuple[tuple[str, ...], ...] = (PARAGRAPHS,),
    *,
    info: dict[str, str] | None = None,
) -> bytes:
    """A minimal PDF: one Helvetica text stream per page, offsets computed, no compression."""
    info = {"Title": TITLE, "Author": AUTHOR, "CreationDate": "D:20150304101500+01'00'"} | (
        info or {}
    )
    objects: list[bytes] = []
    n_pages = len(pages)
    font_id = 3 + 2 * n_pages
    info_id = font_id + 1
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    for i, lines in enumerate(pages):
        content = "BT /F1 11 Tf 72 720 Td 14 TL " + " ".join(
            f"({_pdf_string(line)}) Tj T* T*" for line in lines
        )
        content += " ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        stream = content.encode("latin-1")
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    fields = " ".join(f"/{key} ({_pdf_string(value)})" for key, value in info.items())
    objects.append(f"<< {fields} >>".encode("latin-1"))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\n" % (len(objects) + 1, info_id)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def encrypted_pdf_bytes(user_password: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(pdf_bytes())))
    # RC4 needs no optional dependency (AES would need "cryptography").
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def blank_pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def docx_bytes(paragraphs: tuple[str, ...] = PARAGRAPHS, *, table: bool = True) -> bytes:
    import datetime

    import docx

    document = docx.Document()
    document.core_properties.title = TITLE
    document.core_properties.author = AUTHOR
    document.core_properties.created = datetime.datetime(2015, 3, 4, 10, 15)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        cells = document.add_table(rows=1, cols=2).rows[0].cells
        cells[0].text = "Turnout"
        cells[1].text = "Forty-two percent of voters"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def email_message(*, html: bool = False, attachment: bool = False) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"{AUTHOR} <jane@example.org>"
    message["To"] = "desk@example.org"
    message["Subject"] = TITLE
    message["Date"] = "Thu, 04 Mar 2021 10:00:00 +0000"
    message["Message-ID"] = "<1@example.org>"
    if html:
        body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
        message.set_content(f"<html><body>{body}</body></html>", subtype="html")
    else:
        message.set_content("\n\n".join(PARAGRAPHS) + "\n")
    if attachment:
        message.add_attachment(
            b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="statement.pdf"
        )
    return message


def eml_bytes(*, html: bool = False, attachment: bool = False) -> bytes:
    return email_message(html=html, attachment=attachment).as_bytes()


def mbox_bytes() -> bytes:
    parts = []
    for number in range(1, 4):
        message = email_message()
        del message["Subject"]
        message["Subject"] = f"Message {number}"
        body = message.as_bytes().replace(b"\r\n", b"\n")
        if number == 2:
            body += b"\n>From the archive: this line was escaped.\n"
        parts.append(b"From jane@example.org Thu Mar  4 10:00:00 2021\n" + body + b"\n")
    return b"".join(parts)


def jsonl_bytes() -> bytes:
    records = [
        {
            "text": PARAGRAPHS[0],
            "title": "First",
            "url": "https://example.org/1",
            "published": "2021-03-04",
            "author": AUTHOR,
            "lang": "en",
        },
        {"text": PARAGRAPHS[1], "title": "Second"},
        {"text": PARAGRAPHS[2], "published": "Thu, 04 Mar 2021 10:00:00 +0000"},
    ]
    return "".join(json.dumps(r) + "\n" for r in records).encode()


SAMPLES = {
    "text": text_bytes,
    "html": html_bytes,
    "pdf": pdf_bytes,
    "docx": docx_bytes,
    "eml": eml_bytes,
    "mbox": mbox_bytes,
    "jsonl": jsonl_bytes,
}
