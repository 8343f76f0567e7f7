"""scrutiny.ingest: every format round-trips text and metadata; detection ignores file names."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

from helpers import SEED
from ingest_samples import (
    AUTHOR,
    PARAGRAPHS,
    SAMPLES,
    TITLE,
    blank_pdf_bytes,
    docx_bytes,
    eml_bytes,
    encrypted_pdf_bytes,
    html_bytes,
    jsonl_bytes,
    mbox_bytes,
    pdf_bytes,
    text_bytes,
)
from scrutiny import ingest
from scrutiny.errors import DocumentTooLarge, EmptyDocument, IngestError, UnsupportedFormat
from scrutiny.ingest import Limits
from scrutiny.ingest._base import iso_date
from scrutiny.ingest.detect import DOCX, EMAIL, HTML, MBOX, NDJSON, PDF, TEXT
from scrutiny.model import Document

MEDIA_TYPES = {
    "text": TEXT,
    "html": HTML,
    "pdf": PDF,
    "docx": DOCX,
    "eml": EMAIL,
    "mbox": MBOX,
    "jsonl": NDJSON,
}


def one(data: bytes, name: str = "doc", limits: Limits | None = None) -> Document:
    docs = ingest.read_bytes(data, name=name, limits=limits)
    assert len(docs) == 1
    return docs[0]


# --- detection --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_sniff_names_each_format(kind: str) -> None:
    assert ingest.sniff(SAMPLES[kind]()) == MEDIA_TYPES[kind]


def test_detection_ignores_the_extension(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_bytes(html_bytes())
    (tmp_path / "report.html").write_bytes(pdf_bytes())
    (tmp_path / "notes.pdf").write_bytes(text_bytes())
    assert ingest.read_path(tmp_path / "page.txt")[0].media_type == HTML
    assert ingest.read_path(tmp_path / "report.html")[0].media_type == PDF
    assert ingest.read_path(tmp_path / "notes.pdf")[0].media_type == TEXT


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<div><p>A fragment of a page.</p></div>", HTML),
        (b"<?xml version='1.0' encoding='utf-8'?>\n<html><body>x</body></html>", HTML),
        (b"A statement mentioning the <b> tag once. " + b"Plain words follow. " * 30, TEXT),
        (b"From the desk of the minister: talks resume.\nMore text here.", TEXT),
        (b"Subject: budget\nThe budget was approved.\n", TEXT),
        (b'{"text": "hello"}', NDJSON),
        (b'[{"text": "hello"}]', NDJSON),
        (b"{curly} braces in a plain sentence", TEXT),
        ("<html><body>UTF-16 page</body></html>".encode("utf-16"), HTML),
        (b"", TEXT),
    ],
)
def test_sniff_classifies_text(data: bytes, expected: str) -> None:
    assert ingest.sniff(data) == expected


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "PNG image"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "JPEG image"),
        (b"GIF89a" + bytes(100), "GIF image"),
        (b"\x1f\x8b\x08\x00" + bytes(100), "gzip archive"),
        (b"\x7fELF\x02\x01\x01" + bytes(100), "ELF executable"),
        (b"MZ\x90\x00\x03" + bytes(100), "Windows executable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "legacy Microsoft Office"),
    ],
)
def test_sniff_refuses_binary_formats_by_magic(data: bytes, kind: str) -> None:
    with pytest.raises(UnsupportedFormat, match=kind):
        ingest.sniff(data)


def test_zip_that_is_not_docx_is_refused() -> None:
    from ingest_samples import zip_bytes

    with pytest.raises(UnsupportedFormat, match="ZIP archive"):
        ingest.read_bytes(zip_bytes({"notes.txt": b"hello"}), name="a.zip")
    with pytest.raises(UnsupportedFormat, match="Excel"):
        ingest.read_bytes(zip_bytes({"xl/workbook.xml": b"<x/>"}), name="b.xlsx")


# --- plain text and encodings ------------------------------------------------------------------

RUSSIAN = (
    "Министр иностранных дел заявил во вторник, что переговоры в Бишкеке возобновятся на "
    "следующей неделе. По словам официальных лиц, делегации обсудят вопросы безопасности, "
    "торговли и энергетики. Оппозиция назвала эти переговоры «пустой формальностью»."
)
ENGLISH_1252 = (
    "The minister said the talks would cost \u20ac5 million \u2014 a \u201cfair price\u201d for "
    "peace. Critics called it \u2018absurd\u2019 and said the government\u2019s plan was "
    "doomed\u2026 The opposition leader, speaking in Brussels, demanded a full audit."
)
FRENCH = (
    "Le ministre a déclaré mardi que les négociations reprendraient à Genève la semaine "
    "prochaine. Selon les responsables, les délégations discuteront de sécurité, de commerce "
    "et d'énergie. L'opposition a qualifié ces pourparlers de « formalité creuse »."
)
GERMAN = "Der Außenminister äußerte Kritik. Übrigens wählen größere Städte früher. " * 4


@pytest.mark.parametrize(
    ("text", "encoding", "reported"),
    [
        (RUSSIAN, "cp1251", "cp1251"),
        (ENGLISH_1252, "cp1252", "cp1252"),
        (FRENCH, "latin-1", "cp1252"),  # Latin-1 is read as its superset, like browsers do
        (GERMAN, "latin-1", None),
        (RUSSIAN.replace("«", '"').replace("»", '"'), "koi8-r", "koi8-r"),
        (FRENCH, "utf-8", "utf-8"),
        (FRENCH, "utf-8-sig", "utf-8"),
        (RUSSIAN, "utf-16", None),
        (RUSSIAN, "utf-16-le", "utf-16-le"),  # no BOM
        (ENGLISH_1252, "utf-16-be", "utf-16-be"),  # no BOM
        (FRENCH, "utf-32", None),
    ],
)
def test_text_encodings_decode_exactly(text: str, encoding: str, reported: str | None) -> None:
    data = text.encode(encoding)
    assert len(data) >= 200
    doc = one(data, "statement.txt")
    assert doc.text == text
    assert doc.media_type == TEXT
    if reported:
        assert doc.meta["encoding"] == reported


def test_short_smart_quotes_fall_back_to_windows_1252() -> None:
    # charset-normalizer alone calls this cp852 and turns the quotes into letters.
    text = "He said \u201cno\u201d \u2014 twice."
    assert one(text.encode("cp1252")).text == text


def test_utf8_with_stray_latin1_bytes_keeps_both() -> None:
    data = ("Café naïve — résumé. " * 10).encode() + "Genève à côté".encode("latin-1")
    doc = one(data)
    assert doc.text.startswith("Café naïve") and doc.text.endswith("Genève à côté")


def test_seed_reads_with_the_same_id_as_its_text() -> None:
    doc = ingest.read_path(SEED)[0]
    assert doc.id == Document.from_text(SEED.read_text(encoding="utf-8")).id
    assert doc.source == str(SEED) and doc.media_type == TEXT


def test_same_text_gives_the_same_id_however_it_is_stored(tmp_path: Path) -> None:
    unix = one(text_bytes())
    assert one(text_bytes()).id == unix.id
    assert one(text_bytes().replace(b"\n", b"\r\n")).id == unix.id
    assert one(text_bytes().decode().encode("utf-16")).id == unix.id
    record = json.dumps({"text": text_bytes().decode()}).encode()
    assert one(record).id == unix.id


# --- HTML ---------------------------------------------------------------------------------------


def test_html_main_text_and_metadata() -> None:
    doc = one(html_bytes(), "page.html")
    assert doc.title == TITLE  # og:title, without the site's name
    assert doc.author == AUTHOR
    assert doc.published == "2021-03-04T10:00:00+00:00"
    for paragraph in PARAGRAPHS:
        assert paragraph in doc.text
    for boilerplate in ("Home", "All rights reserved", "tracking"):
        assert boilerplate not in doc.text


def test_html_metadata_from_json_ld_and_time_elements() -> None:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = f"""<html><head><title>Site</title>
    <script type="application/ld+json">{{"@context": "https://schema.org", "@graph": [
      {{"@type": "NewsArticle", "headline": "Linked headline",
        "author": [{{"@type": "Person", "name": "Ann Lee"}}, {{"name": "Bo Chan"}}]}}]}}
    </script></head><body><article><time datetime="2019-07-01">1 July</time>{body}
    </article></body></html>"""
    doc = one(page.encode())
    assert (doc.title, doc.author, doc.published) == (
        "Linked headline",
        "Ann Lee, Bo Chan",
        "2019-07-01",
    )


def test_html_declared_charset_is_used() -> None:
    page = f"<html><head><meta charset='windows-1251'></head><body><p>{RUSSIAN}</p></body></html>"
    assert RUSSIAN in one(page.encode("cp1251")).text


def test_short_html_falls_back_to_all_visible_text() -> None:
    doc = one(b"<html><body><div>Short note.</div><script>x()</script></body></html>")
    assert doc.text.strip() == "Short note."


def test_html_with_only_markup_is_empty() -> None:
    with pytest.raises(EmptyDocument, match=re.escape("page.html")):
        ingest.read_bytes(b"<html><body><script>x()</script></body></html>", name="page.html")


# --- PDF ----------------------------------------------------------------------------------------


def test_pdf_text_and_metadata() -> None:
    doc = one(pdf_bytes(pages=(PARAGRAPHS[:2], PARAGRAPHS[2:])), "report.pdf")
    for paragraph in PARAGRAPHS:
        assert paragraph in doc.text
    assert doc.text.index(PARAGRAPHS[1]) < doc.text.index(PARAGRAPHS[2])
    assert (doc.title, doc.author) == (TITLE, AUTHOR)
    assert doc.published == "2015-03-04T10:15:00+01:00"
    assert doc.meta["pages"] == 2


def test_pdf_line_end_hyphens_are_joined_only_inside_words() -> None:
    lines = ("The manip-", "ulation of facts before the Kyrgyz-", "Russian talks.")
    doc = one(pdf_bytes(pages=(lines,)))
    assert "manipulation of facts" in doc.text and "Kyrgyz-\nRussian" in doc.text


def test_pdf_encrypted_with_an_empty_password_is_read() -> None:
    assert PARAGRAPHS[0] in one(encrypted_pdf_bytes(""), "open.pdf").text


def test_pdf_encrypted_with_a_password_is_refused() -> None:
    with pytest.raises(
        IngestError, match=re.escape("locked.pdf: encrypted PDF: no text can be extracted")
    ):
        ingest.read_bytes(encrypted_pdf_bytes("secret"), name="locked.pdf")


def test_pdf_without_text_layer() -> None:
    with pytest.raises(EmptyDocument, match=r"scan.pdf: PDF has no text layer \(scanned\?\)"):
        ingest.read_bytes(blank_pdf_bytes(), name="scan.pdf")


# --- DOCX ---------------------------------------------------------------------------------------


def test_docx_paragraphs_tables_and_properties() -> None:
    doc = one(docx_bytes(), "statement.docx")
    assert doc.text.split("\n\n")[:3] == list(PARAGRAPHS)
    assert "Forty-two percent of voters" in doc.text
    assert (doc.title, doc.author) == (TITLE, AUTHOR)
    assert doc.published is not None and doc.published.startswith("2015-03-04T10:15")


def test_docx_without_text_is_empty() -> None:
    with pytest.raises(EmptyDocument, match=re.escape("blank.docx")):
        ingest.read_bytes(docx_bytes(paragraphs=(), table=False), name="blank.docx")


# --- e-mail -------------------------------------------------------------------------------------


def test_eml_headers_become_metadata() -> None:
    doc = one(eml_bytes(attachment=True), "note.eml")
    assert (doc.title, doc.author, doc.published) == (
        TITLE,
        AUTHOR,
        "2021-03-04T10:00:00+00:00",
    )
    assert doc.text.strip() == "\n\n".join(PARAGRAPHS)
    assert doc.meta["attachments"] == ["statement.pdf"]
    assert doc.meta["from"] == "Jane Doe <jane@example.org>"


def test_eml_html_body_goes_through_the_html_extractor() -> None:
    doc = one(eml_bytes(html=True), "note.eml")
    assert "<p>" not in doc.text and PARAGRAPHS[2] in doc.text


def test_mbox_gives_one_document_per_message() -> None:
    docs = ingest.read_bytes(mbox_bytes(), name="inbox.mbox")
    assert [d.title for d in docs] == ["Message 1", "Message 2", "Message 3"]
    assert "\nFrom the archive" in docs[1].text  # ">From" escaping undone
    separators = [n for n, line in enumerate(mbox_bytes().split(b"\n"), 1) if line[:5] == b"From "]
    assert [d.meta["origin"] for d in docs] == [f"inbox.mbox:{n}" for n in separators]
    assert all(d.source == "inbox.mbox" for d in docs)


def test_a_mailbox_over_the_size_limit_is_streamed_message_by_message(tmp_path: Path) -> None:
    small = mbox_bytes()
    whole = ingest.read_bytes(small, name="inbox.mbox")
    huge = b"From big@example.org Thu Mar  4 10:00:00 2021\nSubject: big\n\n" + b"x " * 20_000
    path = tmp_path / "inbox.mbox"
    path.write_bytes(small * 30 + huge + b"\n\n" + small)
    limits = Limits(max_bytes=len(small))  # every message fits, the file does not
    items = list(ingest.iter_documents([path], limits=limits))
    docs = [i for i in items if not isinstance(i, IngestError)]
    errors = [i for i in items if isinstance(i, IngestError)]
    assert [d.title for d in docs] == [d.title for d in whole] * 31
    assert [d.text for d in docs[:3]] == [d.text for d in whole]
    assert "\nFrom the archive" in docs[1].text
    (too_big,) = errors
    line = small.count(b"\n") * 30 + 1
    assert f"inbox.mbox:{line}:" in str(too_big) and "limit" in str(too_big)


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_records_and_fields() -> None:
    docs = ingest.read_bytes(jsonl_bytes(), name="corpus.jsonl")
    assert [d.text for d in docs] == list(PARAGRAPHS)
    first = docs[0]
    assert (first.title, first.author, first.published) == ("First", AUTHOR, "2021-03-04")
    assert first.source == "https://example.org/1"
    assert first.meta == {"lang": "en", "origin": "corpus.jsonl:1"}
    assert docs[1].source == "corpus.jsonl"
    assert docs[2].published == "2021-03-04T10:00:00+00:00"


def test_single_json_object_and_array_are_accepted() -> None:
    pretty = json.dumps({"text": PARAGRAPHS[0], "title": "One"}, indent=2).encode()
    assert one(pretty).title == "One"
    array = json.dumps([{"text": p} for p in PARAGRAPHS]).encode()
    assert len(ingest.read_bytes(array, name="a.json")) == 3


def test_jsonl_bad_line_is_named_and_the_rest_goes_on(tmp_path: Path) -> None:
    lines = jsonl_bytes().splitlines()
    lines.insert(1, b'{"text": "broken')
    lines.insert(3, b'{"title": "no text"}')
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(b"\n".join(lines))
    items = list(ingest.iter_documents([path]))
    errors = [str(i) for i in items if isinstance(i, IngestError)]
    assert sum(isinstance(i, Document) for i in items) == 3
    assert errors[0].startswith(f"{path}:2: invalid JSON on line 2: Unterminated string")
    assert errors[1] == f'{path}:4: line 4 has no "text" field'
    with pytest.raises(IngestError, match=re.escape("corpus.jsonl:2")):
        ingest.read_path(path)


def test_jsonl_over_max_bytes_is_streamed_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    record = json.dumps({"text": "A record of some length. " * 20}) + "\n"
    path.write_text(record * 200 + json.dumps({"text": "x" * 3000}) + "\n" + record)
    limits = Limits(max_bytes=10_000, max_chars=700)  # lines up to 2,800 bytes
    items = list(ingest.iter_documents([path], limits=limits))
    assert sum(isinstance(i, Document) for i in items) == 201
    (error,) = [i for i in items if isinstance(i, IngestError)]
    assert isinstance(error, DocumentTooLarge) and error.path == f"{path}:201"
    # a pretty-printed JSON file over the limit is not JSON Lines: refused whole
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps({"text": "y " * 10_000}, indent=2))
    (refused,) = ingest.iter_documents([pretty], limits=limits)
    assert isinstance(refused, DocumentTooLarge)


# --- paths, directories, standard input ---------------------------------------------------------


def test_directory_walk_recurses_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b" / "deeper").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "a.txt").write_text("First document.")
    (tmp_path / "b" / "c.html").write_bytes(html_bytes())
    (tmp_path / "b" / "deeper" / "d.eml").write_bytes(eml_bytes())
    (tmp_path / "b" / ".hidden.txt").write_text("Hidden.")
    (tmp_path / ".git" / "config.txt").write_text("Hidden too.")
    (tmp_path / "e.txt").write_text("Last document.")
    (tmp_path / "b" / "loop").symlink_to(tmp_path, target_is_directory=True)
    sources = [d.source for d in ingest.iter_documents([tmp_path]) if isinstance(d, Document)]
    names = [Path(s).name for s in sources if s]
    assert names == ["a.txt", "c.html", "d.eml", "e.txt"]


def test_missing_paths_and_directories_are_errors_not_exceptions(tmp_path: Path) -> None:
    (error,) = ingest.iter_documents([tmp_path / "nope.txt"])
    assert isinstance(error, IngestError) and str(error) == f"{tmp_path / 'nope.txt'}: no such file"
    with pytest.raises(IngestError, match="is a directory"):
        ingest.read_path(tmp_path)


def test_read_path_dash_reads_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(html_bytes())))
    (doc,) = ingest.read_path("-")
    assert doc.title == TITLE and doc.source == "-"


def test_standard_input_over_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"word " * 1000)))
    with pytest.raises(
        DocumentTooLarge, match="-: standard input is larger than the 100 bytes limit"
    ):
        ingest.read_path("-", limits=Limits(max_bytes=100))


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        Limits(max_chars=0)


def test_documents_over_max_chars_are_refused() -> None:
    with pytest.raises(
        DocumentTooLarge, match="extracted text is 1,500 characters, over the 1,000"
    ):
        ingest.read_bytes(b"x" * 1500, name="long.txt", limits=Limits(max_chars=1000))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-03-04", "2015-03-04"),
        ("2015-03-04T10:00:00Z", "2015-03-04T10:00:00+00:00"),
        ("Wed, 04 Mar 2015 10:00:00 +0100", "2015-03-04T10:00:00+01:00"),
        ("D:20150304101500+01'00'", "2015-03-04T10:15:00+01:00"),
        ("D:20150304", "2015-03-04"),
        ("2015/03/04", "2015-03-04"),
        ("Published 2015-03-04 by staff", "2015-03-04"),
        ("2015-02-30", None),
        ("next Tuesday", None),
        ("", None),
        (20150304, None),
    ],
)
def test_iso_date(value: object, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_plain_text_title_is_the_opening_headline() -> None:
    from scrutiny.ingest.text import guess_title

    assert guess_title("\n\nPress Release\n\nThe Dangers of Cooperating\n\nBody.") == (
        "The Dangers of Cooperating"
    )
    assert guess_title("Is this a title?\n\nBody text.") == "Is this a title?"
    assert guess_title("This text starts with a sentence. It has no title.") is None
    assert guess_title("x" * 500) is None
    assert guess_title("   \n\n") is None
