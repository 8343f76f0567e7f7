"""What every backend computes from an analysis before writing it, outside any transaction.

This module owns the backend-neutral preparation of a document for storage: the check that an
analysis can be stored and read back exactly (:func:`check_storable`), the JSON spelling of
metadata and attrs (:func:`dumps`), the timestamp of an add (:func:`now`), and the MinHash
fingerprints of its text (:class:`Prints`), hashed before a backend takes its write lock.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrutiny.corpus import fingerprint as fp
from scrutiny.errors import StoreError
from scrutiny.model import Analysis, check_spans
from scrutiny.store.base import SNIPPET_END, SNIPPET_START

# A band key shared by thousands of documents (boilerplate) must not make one lookup scan them all:
# candidates sharing the most bands are compared first, and only this many (both stores).
MAX_CANDIDATES = 500


def layer_filter(layers: Collection[str] | None) -> tuple[str, tuple[str, ...]]:
    """An SQL condition on a ``layer`` column keeping ``layers`` (every row for None), starting
    with `` AND``, and its parameters."""
    if layers is None:
        return "", ()
    wanted = tuple(sorted(set(layers)))
    if not wanted:
        return " AND false", ()
    return f" AND layer IN ({','.join('?' * len(wanted))})", wanted


def passage_pairs_sql(pairs: str) -> str:
    """SQL reading the passages of a document paired with other documents' passages, and those
    documents, from ``pairs``: a subquery giving at most MAX_CANDIDATES distinct passage-id pairs
    (mine, theirs) that share an LSH band key. Each store has its own ``pairs``; both start from
    the document's own band keys, found by their doc column (starting from the passages, SQLite
    built a temporary index for every call: 5 s at 1,000 documents), and keep only passage keys
    (kind 3), as a document's own keys have no passage and match every copy of it. The pairs are
    made distinct by their two ids before the passages and documents are read: PostgreSQL sorted
    every candidate row with both signatures to drop the duplicates, 200 MB on disk for a passage
    copied in 750 documents."""
    return (
        "SELECT mp.char_start AS start, mp.char_end AS end,"
        " mp.signature AS mine, op.char_start AS other_start, op.char_end AS other_end,"
        " op.signature AS theirs, d.id AS other_id, d.title AS other_title"
        f" FROM ({pairs}) AS pairs"
        " JOIN passages AS mp ON mp.id = pairs.mine"
        " JOIN passages AS op ON op.id = pairs.theirs"
        " JOIN documents AS d ON d.seq = op.doc"
    )


_MARKERS = re.compile(f"[{SNIPPET_START}{SNIPPET_END}]")


def now() -> str:
    """The current UTC time as stored in ``added``: ISO 8601, seconds, ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def dumps(value: Any) -> str:
    """Compact JSON text, non-ASCII kept as is."""
    # default=str: a metadata value JSON cannot hold (a datetime) is kept as its text rather
    # than costing the whole document.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def check_storable(analysis: Analysis) -> None:
    """Raise ``StoreError`` unless the analysis can be stored and read back exactly."""
    doc = analysis.document
    if _MARKERS.search(doc.text):
        # Normalised text never holds them; a Document built by hand might, and would let the
        # text forge snippet highlights.
        raise StoreError(
            f"{doc.id}: text holds control characters; build documents with Document.from_text"
        )
    try:
        check_spans(doc, analysis.annotations)
    except ValueError as exc:
        raise StoreError(f"{doc.id}: {exc}") from exc
    for a in analysis.annotations:
        if not math.isfinite(a.confidence):
            # SQLite stores NaN as NULL, which could not be read back as a confidence.
            raise StoreError(f"{doc.id}: annotation {a.id} has confidence {a.confidence}")


@dataclass(frozen=True)
class PassagePrint:
    start: int
    end: int
    signature: fp.Signature
    keys: list[int]


@dataclass(frozen=True)
class Prints:
    """Everything hashed from one document's text, ready to insert."""

    whole: fp.Fingerprint
    passages: list[PassagePrint]

    @classmethod
    def of(cls, text: str) -> Prints:
        return cls(
            fp.fingerprint(text),
            [
                PassagePrint(p.start, p.end, p.signature, fp.band_keys(p.signature))
                for p in fp.passages(text)
            ],
        )


def blob(signature: fp.Signature | None) -> bytes | None:
    return None if signature is None else fp.to_bytes(signature)


def signature(data: bytes | None) -> fp.Signature | None:
    return None if data is None else fp.from_bytes(bytes(data))


def similarity(a: fp.Signature | None, b: fp.Signature | None) -> float:
    return 0.0 if a is None or b is None else fp.similarity(a, b)
