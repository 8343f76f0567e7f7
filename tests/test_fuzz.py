"""Fuzzing: every reader and the analysis entry point, on random and mutated input.

The only acceptable outcomes are a result or a ``scrutiny.errors`` exception. CI runs a fixed,
small number of derandomised examples per target; ``make fuzz`` runs the ``fuzz`` profile (many
random examples, no deadline). A crashing input found by a fuzz run is saved under
``tests/data/fuzz/`` and replayed here by :func:`test_saved_crashers_stay_fixed` forever after.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scrutiny
from helpers import ROOT
from ingest_samples import SAMPLES
from scrutiny import ingest
from scrutiny.errors import ScrutinyError
from scrutiny.ingest import Limits, docx, email, html, jsonl, pdf, text
from scrutiny.model import Document

settings.register_profile(
    "ci",
    max_examples=40,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz", max_examples=3_000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("SCRUTINY_FUZZ_PROFILE", "ci"))

CRASHERS = ROOT / "tests" / "data" / "fuzz"
LIMITS = Limits(max_bytes=2_000_000)

READERS: dict[str, Callable[..., Any]] = {
    "text": text.read,
    "html": html.read,
    "pdf": pdf.read,
    "docx": docx.read,
    "email": email.read,
    "mbox": email.iter_mbox,
    "jsonl": jsonl.iter_bytes,
    "any": lambda data, *, name, limits: ingest.read_bytes(data, name=name, limits=limits),
}


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid file of some format with a few random edits: the inputs readers choke on."""
    data = bytearray(SAMPLES[draw(st.sampled_from(sorted(SAMPLES)))]())
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        at = draw(st.integers(0, len(data) - 1))
        edit = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "repeat"]))
        if edit == "flip":
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif edit == "delete":
            del data[at : at + draw(st.integers(1, 64))]
        elif edit == "truncate":
            del data[at:]
        else:
            data[at:at] = data[at : at + 32] * draw(st.integers(2, 50))
    return bytes(data)


INPUTS = st.one_of(st.binary(max_size=4_096), mutated())


def consume(result: Any) -> None:
    """Run a reader's result to the end: generators fail lazily."""
    items: Iterable[Any] = result if isinstance(result, list | tuple) else [result]
    if not isinstance(result, Document | list | tuple):
        items = list(result)
    for item in items:
        assert isinstance(item, Document | ScrutinyError), type(item)


@pytest.mark.parametrize("reader", sorted(READERS))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=INPUTS)
def test_readers_give_a_document_or_a_scrutiny_error(reader: str, data: bytes) -> None:
    with contextlib.suppress(ScrutinyError):
        consume(READERS[reader](data, name="fuzzed", limits=LIMITS))


@given(
    body=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=1_500).map(
        lambda s: "Atambayev said: " + s
    )
)
def test_analysis_gives_valid_spans_or_a_scrutiny_error(body: str) -> None:
    try:
        analysis = scrutiny.analyze(body)
    except ScrutinyError:
        return
    n = len(analysis.document.text)
    assert all(0 <= a.span.start <= a.span.end <= n for a in analysis.annotations)


def test_saved_crashers_stay_fixed() -> None:
    for path in sorted(CRASHERS.glob("*.bin")):
        with contextlib.suppress(ScrutinyError):
            consume(ingest.read_bytes(path.read_bytes(), name=path.name, limits=LIMITS))


def save_crasher(data: bytes) -> Path:
    """Keep a crashing input as a regression case (called by hand from a failing fuzz run)."""
    import hashlib

    CRASHERS.mkdir(parents=True, exist_ok=True)
    path = CRASHERS / f"{hashlib.sha256(data).hexdigest()[:16]}.bin"
    path.write_bytes(data)
    return path
