"""MinHash fingerprints of documents and passages, and the LSH band keys that index them.

A fingerprint estimates the Jaccard similarity of two texts' word-shingle sets from
``NUM_PERM`` minimum hash values; ``BANDS`` groups of ``ROWS`` values become band keys, so two
texts that share a key are candidates without comparing everything with everything. The band
keys are plain integers a database can index, which keeps "find documents like this one" a
lookup whose cost does not grow with the corpus.

Two signatures per text: ``shingles`` (five-word windows: copies and light edits) and ``words``
(the set of content words: re-worded versions keep their vocabulary but lose the word order).
Passages are paragraphs long enough to be recognisable when reused in another document.

Everything here is deterministic across processes and machines (no Python ``hash()``), so
fingerprints computed on different workers or in different runs compare.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from hashlib import blake2b

import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "NUM_PERM",
    "ROWS",
    "Fingerprint",
    "Passage",
    "band_keys",
    "claim_signature",
    "fingerprint",
    "passages",
    "relation",
    "similarity",
]

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 5
# How the two similarities read (estimated Jaccard; the LSH bands find pairs from about 0.4 on).
DUPLICATE = 0.9
NEAR_DUPLICATE = 0.5
REWORDED = 0.6  # of content words; unrelated news articles stay below 0.3
PASSAGE_MATCH = 0.5
# Claims: two claims are one when their content-word stems overlap this much; a paraphrase keeps
# names, numbers and key words while changing the function words and the order.
CLAIM_MATCH = 0.5
MIN_CLAIM_WORDS = 5  # fewer content words than this say too little to track
_SUFFIX = re.compile(r"(?<=\w{3})(?:ing|ed|es|s|ly)$")
# Paragraphs shorter than this are too generic ("All rights reserved.") to say a text was reused.
MIN_PASSAGE_WORDS = 25
# Bounds the work matrix (chunk × NUM_PERM uint64) at ~10 MB whatever the document's size.
_CHUNK = 10_000

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64(0xFFFFFFFF)
# Fixed so that signatures from any run are comparable; a < 2**32 keeps a*x+b below 2**64.
_RNG = np.random.default_rng(20_201_125)
_A = _RNG.integers(1, 1 << 32, size=NUM_PERM, dtype=np.uint64)
_B = _RNG.integers(0, 1 << 32, size=NUM_PERM, dtype=np.uint64)

_WORD = re.compile(r"[^\W_]+")
_PARAGRAPH_END = re.compile(r"[.!?:\"”’»)]$")
# Function words carry the syntax, not the content: a re-wording changes them freely.
_STOPWORDS = frozenset(
    {
        "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for",
        "with", "from", "as", "is", "are", "was", "were", "be", "been", "being", "it", "its",
        "this", "that", "these", "those", "he", "she", "they", "we", "you", "i", "his", "her",
        "their", "our", "your", "my", "me", "him", "them", "us", "not", "no", "so", "than",
        "then", "there", "here", "which", "who", "whom", "whose", "what", "when", "where", "why",
        "how", "all", "any", "some", "such", "can", "could", "will", "would", "shall", "should",
        "may", "might", "must", "do", "does", "did", "has", "have", "had", "also", "into",
        "about", "over", "after", "before", "under", "between", "against", "during", "without",
        "within", "upon",
    }
)  # fmt: skip

Signature = npt.NDArray[np.uint32]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """The two MinHash signatures of one text; ``None`` when the text has too few words."""

    shingles: Signature | None
    words: Signature | None


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph worth recognising elsewhere, with its offsets in the document."""

    start: int
    end: int
    signature: Signature


def relation(shingles: float, words: float) -> str | None:
    """What two texts are to each other, from their two similarities; ``None``: unrelated."""
    if shingles >= DUPLICATE:
        return "duplicate"
    if shingles >= NEAR_DUPLICATE:
        return "near-duplicate"
    if words >= REWORDED:
        return "re-worded"
    return None


def fingerprint(text: str) -> Fingerprint:
    """Signatures of ``text``: its five-word shingles and its content words."""
    tokens = _tokens(text)
    content = [t for t in tokens if t not in _STOPWORDS and not t.isdigit()]
    return Fingerprint(
        shingles=_minhash(_shingle_hashes(_token_hashes(tokens))),
        words=_minhash(np.unique(_token_hashes(content))),
    )


def passages(text: str) -> list[Passage]:
    """Paragraphs of at least ``MIN_PASSAGE_WORDS`` words, each with its shingle signature."""
    found = []
    for start, end in _paragraphs(text):
        tokens = _tokens(text[start:end])
        if len(tokens) < MIN_PASSAGE_WORDS:
            continue
        signature = _minhash(_shingle_hashes(_token_hashes(tokens)))
        if signature is not None:
            found.append(Passage(start, end, signature))
    return found


def claim_signature(text: str) -> Signature | None:
    """The signature of a claim's content-word stems; ``None`` when it has too few to track.

    Numbers stay: "killed 12" and "killed 21" are different claims.
    """
    stems = {_SUFFIX.sub("", t) for t in _tokens(text) if t not in _STOPWORDS}
    if len(stems) < MIN_CLAIM_WORDS:
        return None
    return _minhash(np.unique(_token_hashes(sorted(stems))))


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity: the share of hash functions whose minima agree."""
    return float(np.count_nonzero(a == b)) / NUM_PERM


def band_keys(signature: Signature) -> list[int]:
    """One signed 64-bit key per band (SQL integers are signed), band number mixed in."""
    keys = []
    for band in range(BANDS):
        rows = signature[band * ROWS : (band + 1) * ROWS]
        digest = blake2b(rows.tobytes(), digest_size=8, person=b"scrutiny-lsh", salt=bytes([band]))
        keys.append(int.from_bytes(digest.digest(), "big", signed=True))
    return keys


def to_bytes(signature: Signature) -> bytes:
    return signature.astype("<u4").tobytes()


def from_bytes(data: bytes) -> Signature:
    if len(data) != NUM_PERM * 4:
        raise ValueError(f"a signature is {NUM_PERM * 4} bytes, got {len(data)}")
    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def _tokens(text: str) -> list[str]:
    # NFKC + casefold so that typographic variants of a copy ("ﬁ", full-width digits) still match.
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def _token_hashes(tokens: list[str]) -> npt.NDArray[np.uint64]:
    return np.fromiter(map(_token_hash, tokens), dtype=np.uint64, count=len(tokens))


@lru_cache(maxsize=1 << 17)
def _token_hash(token: str) -> int:
    # Hashing was a tenth of the time to store a document; a corpus repeats its vocabulary.
    return int.from_bytes(blake2b(token.encode(), digest_size=4).digest(), "little")


def _shingle_hashes(token_hashes: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """32-bit hashes of every window of ``SHINGLE`` tokens (one window if the text is shorter)."""
    n = len(token_hashes)
    if n == 0:
        return token_hashes
    width = min(SHINGLE, n)
    combined = np.zeros(n - width + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        # A polynomial over the token hashes: order matters, and uint64 wrap-around is intended.
        for offset in range(width):
            combined = (
                combined * np.uint64(1_000_003) + token_hashes[offset : n - width + 1 + offset]
            )
    mixed = (combined ^ (combined >> np.uint64(32))) & _MAX32
    return np.unique(mixed)


def _minhash(values: npt.NDArray[np.uint64]) -> Signature | None:
    if len(values) == 0:
        return None
    result = np.full(NUM_PERM, _MAX32, dtype=np.uint64)
    for chunk in _chunks(values):
        # (a·x + b) mod p with x, a, b < 2**32 never overflows, so this is exact universal hashing.
        hashed = (np.outer(chunk, _A) + _B) % _MERSENNE & _MAX32
        np.minimum(result, hashed.min(axis=0), out=result)
    return result.astype(np.uint32)


def _chunks(values: npt.NDArray[np.uint64]) -> Iterator[npt.NDArray[np.uint64]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i : i + _CHUNK]


def _paragraphs(text: str) -> Iterator[tuple[int, int]]:
    """Paragraphs, trimmed: a blank line or a line ending a sentence closes one.

    Sources either put one paragraph per line or hard-wrap lines mid-sentence (e-mail); a break
    after sentence-final punctuation separates paragraphs in the first and rarely occurs in the
    second.
    """
    start: int | None = None
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped and start is None:
            start = pos + len(line) - len(line.lstrip())
        if start is not None and (not stripped or _PARAGRAPH_END.search(stripped)):
            end = pos + len(line.rstrip()) if stripped else _last_end(text, pos)
            if end > start:
                yield start, end
            start = None
        pos += len(line) + 1
    if start is not None:
        end = len(text.rstrip())
        if end > start:
            yield start, end


def _last_end(text: str, blank_line_start: int) -> int:
    """End of the text before a blank line, trailing spaces excluded."""
    return len(text[:blank_line_start].rstrip())
