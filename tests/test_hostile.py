"""Hostile input at the ingest boundary: every failure is an IngestError naming the file and the
reason, never another exception, never a hang; random and mutated files included."""

from __future__ import annotations

import io
import json
import os
import random
import re
import struct
import time
import zipfile
from pathlib import Path

import pytest

import scrutiny
from ingest_samples import (
    PARAGRAPHS,
    SAMPLES,
    docx_bytes,
    encrypted_pdf_bytes,
    html_bytes,
    jsonl_bytes,
    pdf_bytes,
)
from scrutiny import ingest
from scrutiny.errors import DocumentTooLarge, EmptyDocument, IngestError, UnsupportedFormat
from scrutiny.ingest import Limits
from scrutiny.model import Document


def clean_error(data: bytes, name: str, limits: Limits | None = None) -> IngestError:
    """The error reading ``data`` raises, checked to be one line naming the file."""
    with pytest.raises(IngestError) as info:
        ingest.read_bytes(data, name=name, limits=limits)
    error = info.value
    assert error.path.startswith(name) and str(error) == f"{error.path}: {error.reason}"
    assert error.reason and "\n" not in error.reason and "Traceback" not in error.reason
    return error


def documents_or_clean_error(data: bytes, name: str) -> list[Document] | IngestError:
    """What reading ``data`` gives, failing the test on any exception but an IngestError."""
    try:
        documents = ingest.read_bytes(data, name=name)
    except IngestError as error:
        assert error.path.startswith(name), error
        assert error.reason and "\n" not in error.reason
        return error
    assert documents and all(isinstance(d, Document) and d.text.strip() for d in documents)
    return documents


def zip_bomb(size: int) -> bytes:
    """A DOCX-looking archive with ``size`` bytes of zeros: deflate packs them ~1000-fold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
        with archive.open("word/media/zeros.bin", "w") as entry:
            block = bytes(1 << 20)
            for _ in range(size >> 20):
                entry.write(block)
    return buffer.getvalue()


def lying_zip(declared: int) -> bytes:
    """A small DOCX whose central directory claims ``declared`` bytes for one part."""
    data = bytearray(docx_bytes())
    at = data.find(b"PK\x01\x02")  # first central directory header
    struct.pack_into("<I", data, at + 24, declared)  # its uncompressed size field
    return bytes(data)


GOOD_LINE = b'{"text": "A good record."}\n'
RNG_TEXT = random.Random(7)
NUL_RIDDLED = bytes(
    b if RNG_TEXT.random() > 0.1 else 0 for b in ("The talks resume. " * 40).encode()
)


@pytest.mark.parametrize(
    ("name", "data", "error", "reason"),
    [
        ("empty.txt", b"", EmptyDocument, "empty document"),
        ("blank.txt", b" \n\t\r\n  \n", EmptyDocument, "empty document"),
        ("bom.txt", b"\xef\xbb\xbf", EmptyDocument, "empty document"),
        ("image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, UnsupportedFormat, "PNG"),
        ("nul.txt", NUL_RIDDLED, UnsupportedFormat, "binary data"),
        ("ctrl.txt", b"\x01\x02\x03\x04 text " * 50, UnsupportedFormat, "binary data"),
        ("random.bin", random.Random(1).randbytes(4096), UnsupportedFormat, "binary data"),
        ("locked.pdf", encrypted_pdf_bytes("secret"), IngestError, "encrypted PDF"),
        ("half.docx", docx_bytes()[:3000], IngestError, "DOCX is damaged or truncated"),
        ("bad.zip", b"PK\x03\x04" + bytes(40), UnsupportedFormat, "damaged ZIP"),
        ("lying.docx", lying_zip(0xFFFF_FFF0), DocumentTooLarge, "zip bomb"),
        ("ratio.docx", zip_bomb(4 << 20), DocumentTooLarge, "zip bomb"),
        ("empty.json", b"[]", EmptyDocument, "no records"),
        ("deep.jsonl", GOOD_LINE + b"[" * 100_000 + b"]" * 100_000, IngestError, "too deeply"),
        ("list.jsonl", GOOD_LINE + b'["text"]', IngestError, "line 2 is not a JSON object"),
        ("num.jsonl", GOOD_LINE + b'{"text": 5}', IngestError, "field of line 2 is not a string"),
        ("blank.jsonl", b'{"text": "  "}\n' + GOOD_LINE, EmptyDocument, 'empty "text" field'),
        ("bad.jsonl", GOOD_LINE + b'{"text": "x", }', IngestError, "invalid JSON on line 2"),
        ("one.json", b'{"title": "x"}', IngestError, 'the JSON object has no "text" field'),
        ("script.html", b"<html><script>alert(1)</script></html>", EmptyDocument, "HTML"),
        ("rtf.doc", b"{\\rtf1\\ansi Hello}", UnsupportedFormat, "RTF"),
        ("nobody.eml", b"From: a@b.c\nSubject: hi\nDate: x\n\n", EmptyDocument, "no text body"),
    ],
)
def test_hostile_bytes_give_one_clean_error(
    name: str, data: bytes, error: type[IngestError], reason: str
) -> None:
    found = clean_error(data, name)
    assert isinstance(found, error)
    assert reason in found.reason


def test_zip_bomb_over_the_expanded_limit_is_refused_before_inflating() -> None:
    bomb = zip_bomb(12 << 20)
    started = time.perf_counter()
    found = clean_error(bomb, "bomb.docx", Limits(max_expanded=8 << 20))
    assert time.perf_counter() - started < 0.5
    assert "the unpacked DOCX is 12.0 MB, over the 8.0 MB limit (zip bomb?)" in found.reason


def test_file_over_the_size_limit_is_refused_from_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as stream:
        stream.truncate(60 * 2**20)  # sparse: nothing is written, nothing may be read
    (found,) = ingest.iter_documents([huge])
    assert isinstance(found, DocumentTooLarge)
    assert str(found) == f"{huge}: file is 60.0 MB, over the 50.0 MB limit (--max-bytes)"
    small_limit = Limits(max_bytes=1000)
    with pytest.raises(
        DocumentTooLarge, match=re.escape("file is 2.0 KB, over the 1,000 bytes limit")
    ):
        ingest.read_path(_write(tmp_path / "a.txt", b"word " * 410), limits=small_limit)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_deeply_nested_html_is_flattened_quickly() -> None:
    depth = 100_000
    page = b"<html><body>" + b"<div>" * depth + b"<p>Deep text survives.</p>" + b"</div>" * depth
    started = time.perf_counter()
    (doc,) = ingest.read_bytes(page + b"</body></html>", name="deep.html")
    assert time.perf_counter() - started < 5
    assert "Deep text survives." in doc.text


def test_html_within_the_depth_limit_is_unchanged() -> None:
    page = "<html><body>" + "<div>" * 300 + "<p>Text at depth 300.</p>" + "</div>" * 300
    (doc,) = ingest.read_bytes(page.encode(), name="ok.html")
    assert doc.text.strip() == "Text at depth 300."


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (found,) = ingest.iter_documents([fifo])
    assert isinstance(found, UnsupportedFormat) and "not a regular file" in found.reason


def test_invalid_utf8_sprinkled_into_text_still_reads() -> None:
    rng = random.Random(3)
    data = bytearray(("Déclaration officielle du ministère. " * 30).encode())
    for _ in range(20):
        data[rng.randrange(len(data))] = rng.choice([0x80, 0xC3, 0xFF, 0xE2])
    result = documents_or_clean_error(bytes(data), "mixed.txt")
    assert isinstance(result, list) and "officielle" in result[0].text


def test_a_long_ascii_run_before_a_legacy_word_decodes_in_linear_time() -> None:
    started = time.perf_counter()
    (doc,) = ingest.read_bytes(b"a" * 1_000_000 + b" \xe9t\xe9 caf\xe9", name="run.txt")
    assert time.perf_counter() - started < 2
    assert doc.text.endswith(" été café")


@pytest.mark.parametrize(("declared", "actual"), [("utf-8", "cp1251"), ("windows-1251", "utf-8")])
def test_html_with_a_lying_charset_declaration(declared: str, actual: str) -> None:
    text = "Министр заявил, что переговоры возобновятся на следующей неделе в Бишкеке."
    page = f'<html><head><meta charset="{declared}"></head><body><p>{text}</p></body></html>'
    (doc,) = ingest.read_bytes(page.encode(actual), name="lies.html")
    assert text in doc.text


def test_a_bad_jsonl_line_among_good_ones(tmp_path: Path) -> None:
    lines = jsonl_bytes().splitlines()
    path = _write(tmp_path / "feed.jsonl", b"\n".join([lines[0], b"{oops", *lines[1:]]))
    items = list(ingest.iter_documents([path]))
    assert [type(i).__name__ for i in items] == ["Document", "IngestError", "Document", "Document"]
    assert str(items[1]).startswith(f"{path}:2: invalid JSON on line 2: ")


def test_jsonl_line_with_a_stray_latin1_byte_is_kept() -> None:
    docs = ingest.read_bytes(GOOD_LINE + b'{"text": "Caf\xe9 in Gen\xe8ve"}\n', name="l.jsonl")
    assert [d.text for d in docs] == ["A good record.", "Café in Genève"]


def test_one_megabyte_line_of_punctuation_is_a_document() -> None:
    (doc,) = ingest.read_bytes(b"!?" * (1 << 19), name="punct.txt")
    assert len(doc.text) == 1 << 20


# --- truncation and fuzzing ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_truncated_files_give_a_partial_document_or_a_clean_error(kind: str) -> None:
    data = SAMPLES[kind]()
    for fraction in (0.1, 0.5, 0.9):
        documents_or_clean_error(data[: int(len(data) * fraction)], f"cut.{kind}")


def test_truncated_pdf_keeps_what_survives() -> None:
    data = pdf_bytes(pages=(PARAGRAPHS[:1], PARAGRAPHS[1:]))
    result = documents_or_clean_error(data[: data.find(b"5 0 obj")], "cut.pdf")
    assert isinstance(result, IngestError) or PARAGRAPHS[0] in result[0].text


def test_random_bytes_never_raise_anything_else() -> None:
    rng = random.Random(20240601)
    for i in range(200):
        documents_or_clean_error(rng.randbytes(rng.choice([1, 7, 64, 500, 4000])), f"r{i}")


_TOKENS = (
    b"\x00",
    b"<div>" * 600,
    b"[" * 3000,
    b"%%EOF",
    b"\nFrom x\n",
    b"\xff\xfe",
    b"PK\x03\x04",
)


def mutate(rng: random.Random, data: bytes) -> bytes:
    """One random edit: overwrite, delete, insert, duplicate a slice, or insert a nasty token."""
    out = bytearray(data)
    at = rng.randrange(len(out) + 1)
    size = rng.randint(1, 64)
    edit = rng.randrange(5)
    if edit == 0:
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif edit == 1:
        del out[at : at + size]
    elif edit == 2:
        out[at:at] = rng.randbytes(size)
    elif edit == 3:
        out[at:at] = out[at : at + size * 16]
    else:
        out[at:at] = rng.choice(_TOKENS)
    return bytes(out)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_mutated_files_never_raise_anything_else(kind: str) -> None:
    rng = random.Random(f"mutate-{kind}")
    original = SAMPLES[kind]()
    for i in range(200):
        documents_or_clean_error(mutate(rng, original), f"m{i}.{kind}")


def test_mutated_json_lines_fail_line_by_line(tmp_path: Path) -> None:
    good = [json.dumps({"text": p}) for p in PARAGRAPHS * 10]
    rng = random.Random(5)
    lines = [
        mutate(rng, line.encode()) if i % 3 == 0 else line.encode() for i, line in enumerate(good)
    ]
    items = list(ingest.iter_documents([_write(tmp_path / "m.jsonl", b"\n".join(lines))]))
    assert sum(isinstance(i, Document) for i in items) >= 20
    for item in items:
        if isinstance(item, IngestError):
            assert item.path.startswith(f"{tmp_path / 'm.jsonl'}:")


def test_html_bytes_sample_is_sane() -> None:
    # Guards the fuzz tests above: mutations start from a file that reads.
    (doc,) = ingest.read_bytes(html_bytes(), name="page.html")
    assert PARAGRAPHS[0] in doc.text


def test_a_flood_of_punctuation_without_spaces_is_parsed_in_short_tokens() -> None:
    # spaCy's tokenizer is quadratic on such runs: 40,000 quotation marks took many minutes
    # before long runs were cut into plain tokens (scrutiny.analyzers._nlp.LONG_RUN).
    from scrutiny.analyzers._nlp import RUN_TOKEN, parse

    text = "He said " + "“" * 20_000 + "”" * 20_000 + " and left. Then he came back."
    doc = parse(text)
    assert doc.text == text
    assert max(len(t.text) for t in doc) <= RUN_TOKEN
    analysis = scrutiny.analyze(text)
    assert analysis.layer("sentence")
