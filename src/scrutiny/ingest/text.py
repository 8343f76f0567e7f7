"""Plain text in any encoding, and the decoder every other text-based reader uses.

The order of trust: a byte order mark; UTF-16/32 told by its high bytes; strict UTF-8;
UTF-8 with a few stray bytes (read as Windows-1252, the usual culprit when files are pasted
together); Windows-1252 when the bytes look like Western text; charset-normalizer; and finally
Windows-1252 or UTF-8 with replacement characters, so some text always comes out.
"""

from __future__ import annotations

import codecs
import re

from scrutiny.ingest._base import Limits, finish
from scrutiny.model import Document

MEDIA_TYPE = "text/plain"

# UTF-32 LE must be tested before UTF-16 LE: its BOM starts with the UTF-16 LE BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE = 1 << 20  # bytes looked at by the heuristics; decoding always covers everything
_HIGH_BYTES = bytes(range(0x80, 0x100))
UTF8_REPAIR = "scrutiny-cp1252"  # error handler: bytes UTF-8 rejects are read as Windows-1252


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 rejects as Windows-1252 instead of dropping them."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    return bytes(bad).decode("cp1252", errors="replace"), exc.end


codecs.register_error(UTF8_REPAIR, _cp1252_fallback)


# Labels that head press releases without being their titles.
_GENRE_LINES = frozenset(
    {
        "press release",
        "news release",
        "media release",
        "for immediate release",
        "press statement",
        "statement",
        "announcement",
        "communique",
        "communiqué",
    }
)
_TITLE_MAX_CHARS = 200


def read(data: bytes, *, name: str, limits: Limits) -> Document:
    text, encoding = decode(data)
    return finish(
        text,
        name=name,
        limits=limits,
        media_type=MEDIA_TYPE,
        title=guess_title(text),
        meta={"encoding": encoding},
    )


def guess_title(text: str) -> str | None:
    """The opening line of a plain text when it reads as a headline, else None.

    Plain text has no title field, but press releases and news files open with one: a short
    line without a closing full stop, possibly under a genre label such as "Press Release".
    """
    for raw in text[:4_000].split("\n"):
        line = raw.strip().strip("#*_ ").strip()
        if not line:
            continue
        if line.lower().rstrip(":") in _GENRE_LINES:
            continue
        if len(line) <= _TITLE_MAX_CHARS and not line.endswith((".", ",", ";", ":")):
            return line
        return None
    return None


def decode(data: bytes) -> tuple[str, str]:
    """The text in ``data`` and the name of the encoding it was read as. Never raises."""
    bom = bom_encoding(data)
    if bom:
        encoding, skip = bom
        return data[skip:].decode(encoding, errors="replace"), encoding
    wide = wide_encoding(data)
    if wide:
        return data.decode(wide, errors="replace"), wide
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _mostly_utf8(data):
        return data.decode("utf-8", errors=UTF8_REPAIR), "utf-8"
    return _decode_legacy(data)


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte order mark announces, and the mark's length."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 without a BOM, recognised by the pattern of their high bytes.

    In UTF-32 the two high bytes of every character of the basic plane are NUL. In UTF-16
    text of one script the high byte takes a few values only (NUL for spaces and digits, 0x04
    for Cyrillic...) while the low byte varies. The guess must then decode cleanly.
    """
    sample = data[:4096]
    sample = sample[: len(sample) - len(sample) % 4]
    if len(sample) < 16:
        return None
    for encoding in _wide_candidates(sample):
        text = sample.decode(encoding, errors="replace")
        controls = len(_CONTROLS.findall(text))
        if text.count("\ufffd") <= 2 and controls * 100 <= len(text):
            return encoding
    return None


_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def _wide_candidates(sample: bytes) -> list[str]:
    quarter = len(sample) // 4
    nuls = [sample[i::4].count(0) for i in range(4)]
    if nuls[2] + nuls[3] >= 1.9 * quarter and nuls[0] < 0.2 * quarter:
        return ["utf-32-le"]
    if nuls[0] + nuls[1] >= 1.9 * quarter and nuls[3] < 0.2 * quarter:
        return ["utf-32-be"]
    found = []
    for encoding, low, high in (
        ("utf-16-le", sample[0::2], sample[1::2]),
        ("utf-16-be", sample[1::2], sample[0::2]),
    ):
        if _few_values(high) and high.count(0) * 20 >= len(high) and low.count(0) * 20 < len(low):
            found.append(encoding)
    return found


def _few_values(column: bytes) -> bool:
    """Three byte values make up nine tenths of the column: a UTF-16 high byte."""
    counts = sorted((column.count(value) for value in set(column)), reverse=True)
    return sum(counts[:3]) * 10 >= len(column) * 9


def _mostly_utf8(data: bytes) -> bool:
    """UTF-8 with a few invalid bytes: more valid non-ASCII characters than invalid bytes."""
    text = data[:_SAMPLE].decode("utf-8", errors="replace")
    invalid = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    return non_ascii - invalid > invalid


def _decode_legacy(data: bytes) -> tuple[str, str]:
    if _plausible_cp1252(data):
        return data.decode("cp1252"), "cp1252"
    guess = _charset_normalizer(data)
    if guess:
        return guess
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    if high * 5 < len(data):
        return data.decode("cp1252", errors="replace"), "cp1252"
    return data.decode("utf-8", errors="replace"), "utf-8"


# Non-letters that sit between letters in real Western text (apostrophes, dashes).
_WORD_JOINERS = frozenset("’‘´·–—…")


def _plausible_cp1252(data: bytes) -> bool:
    """True when Windows-1252 gives Western text: mostly ASCII, accents inside Latin words.

    charset-normalizer often calls short English text with smart quotes "cp852", so the most
    common legacy encoding gets the first word. Windows-1251 Cyrillic read as 1252 gives whole
    words of accented letters; Windows-1250 Polish gives symbols (³ ¹ ¿) inside words.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:  # 0x81 0x8D 0x8F 0x90 0x9D are unassigned in 1252
        return False
    sample = data[:_SAMPLE]
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if high * 10 > len(sample) * 3:
        return False
    # Mojibake shows in the words holding non-ASCII characters. (str.split, not a regex like
    # \S*[^\x00-\x7f]\S*, which backtracks quadratically over a long ASCII run.)
    words = [word for word in text[:_SAMPLE].split() if not word.isascii()]
    odd = sum(1 for word in words if _looks_garbled(word))
    return odd * 20 <= len(words)


def _looks_garbled(word: str) -> bool:
    letters = [ch for ch in word if ch.isalpha()]
    if len(letters) >= 3 and all(ord(ch) > 0x7F for ch in letters):
        return True
    for before, ch, after in zip(word, word[1:], word[2:], strict=False):
        symbol = ord(ch) > 0x7F and not ch.isalpha() and ch not in _WORD_JOINERS
        if symbol and before.isalpha() and after.isalpha():
            return True
    return False


def _charset_normalizer(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or not best.encoding:
        return None
    encoding = codecs.lookup(best.encoding).name
    text = str(best)
    # Latin-1 never holds the C1 controls 0x80-0x9F in real text; Windows-1252 puts its
    # typographic characters there (the WHATWG encoding standard makes the same substitution).
    if encoding == "iso8859-1":
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return text, encoding
