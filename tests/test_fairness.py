"""Fairness: swapping identity terms must not change technique, threat or dehumanisation spans.

Terms are swapped everywhere in a text at once (Muslims -> Christians -> Jews -> Muslims, Islam <->
Christianity, Russia <-> France, Kyrgyzstan <-> Estonia, and the singulars), which shifts every
later offset; the spans found in the swapped text, mapped back to the original's offsets, must be
exactly the spans found in the original, with the same labels.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import pytest

from helpers import PTC, SEED, analyze_with
from scrutiny.analyzers.identity import SWAP_GROUPS, mask
from scrutiny.analyzers.techniques import TechniqueAnalyzer
from scrutiny.analyzers.techniques.model import shipped_model
from scrutiny.model import Analysis

# Each term becomes the next of its cycle; case follows the original ("MUSLIMS" -> "CHRISTIANS").
CYCLES = (
    ("Muslims", "Christians", "Jews"),
    ("Muslim", "Christian", "Jewish"),
    ("Islam", "Christianity"),
    ("Russia", "France"),
    ("Kyrgyzstan", "Estonia"),
)
_SWAP = {
    a.lower(): b for cycle in CYCLES for a, b in zip(cycle, (*cycle[1:], cycle[0]), strict=True)
}
_TERM = re.compile(r"\b(?:" + "|".join(sorted(_SWAP, key=len, reverse=True)) + r")\b", re.I)

Spans = set[tuple[str, int, int]]


@dataclass(frozen=True)
class Swapped:
    """A text with terms swapped, and the map of original offsets to swapped ones."""

    text: str
    # (original end, swapped end) of each replaced term, in order.
    ends: tuple[tuple[int, int], ...]

    def shift(self, pos: int) -> int:
        k = bisect_right([e for e, _ in self.ends], pos) - 1
        return pos if k < 0 else pos + self.ends[k][1] - self.ends[k][0]


def _cased(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    return word.lower() if like[:1].islower() else word


def swap(text: str) -> Swapped:
    parts: list[str] = []
    ends: list[tuple[int, int]] = []
    at = out = 0
    for m in _TERM.finditer(text):
        new = _cased(_SWAP[m.group().lower()], m.group())
        parts += [text[at : m.start()], new]
        out += m.start() - at + len(new)
        ends.append((m.end(), out))
        at = m.end()
    parts.append(text[at:])
    return Swapped("".join(parts), tuple(ends))


def _shifted(found: Iterable[tuple[str, int, int]], swapped: Swapped) -> Spans:
    return {(label, swapped.shift(s), swapped.shift(e)) for label, s, e in found}


def _model_spans(text: str) -> Spans:
    return {(f.label, f.start, f.end) for f in shipped_model().analyze(text)}


def _layer_spans(analysis: Analysis, layer: str, kinds: Iterable[str] | None = None) -> Spans:
    wanted = set(kinds) if kinds is not None else None
    return {
        (a.label, a.span.start, a.span.end)
        for a in analysis.layer(layer)
        if wanted is None or a.label in wanted
    }


def test_swap_helper_shifts_offsets() -> None:
    s = swap("Muslims and Russia. Islam!")
    assert s.text == "Christians and France. Christianity!"
    assert s.text[s.shift(12) : s.shift(18)] == "France"
    assert s.shift(0) == 0 and s.shift(len("Muslims and Russia. Islam!")) == len(s.text)


def test_every_swapped_term_is_one_the_masking_neutralises() -> None:
    groups = [{t.lower() for t in g} for g in SWAP_GROUPS]
    for cycle in CYCLES:
        assert any({t.lower() for t in cycle} <= g for g in groups), cycle
        assert len({mask(t).text for t in cycle}) == 1, cycle


def test_seed_techniques_and_signals_are_invariant() -> None:
    from scrutiny.analyzers.entities import EntityAnalyzer
    from scrutiny.analyzers.quotes import QuoteAnalyzer
    from scrutiny.analyzers.signals import SignalAnalyzer

    text = SEED.read_text(encoding="utf-8")
    swapped = swap(text)
    assert swapped.text != text
    runs = [
        analyze_with(t, EntityAnalyzer(), QuoteAnalyzer(), TechniqueAnalyzer(), SignalAnalyzer())
        for t in (text, swapped.text)
    ]
    techniques = [_layer_spans(a, "technique") for a in runs]
    assert techniques[0], "the seed has techniques to compare"
    assert _shifted(techniques[0], swapped) == techniques[1]
    signals = [_layer_spans(a, "signal", ("threat", "dehumanization")) for a in runs]
    assert _shifted(signals[0], swapped) == signals[1]


@pytest.mark.skipif(not PTC.is_dir(), reason="PTC corpus not present")
def test_ptc_technique_spans_are_invariant() -> None:
    articles = sorted((PTC / "train-articles").glob("article*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in articles]
    # The 30 articles that mention the most swapped terms: where a biased model would show it.
    texts = sorted(texts, key=lambda t: -len(_TERM.findall(t)))[:30]
    assert sum(len(_TERM.findall(t)) for t in texts) > 100
    for text in texts:
        swapped = swap(text)
        assert _shifted(_model_spans(text), swapped) == _model_spans(swapped.text)
