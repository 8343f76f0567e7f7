"""Language identification with py3langid (its model ships inside the wheel)."""

from __future__ import annotations

from functools import cache
from typing import Any, ClassVar

from scrutiny.pipeline import AnalysisState

# A few kilobytes decide the language as well as the whole text does, at a fraction of the cost.
SAMPLE_CHARS = 8_000
MIN_LETTERS = 20
# Below this probability the identifier is guessing (a short line of names reads as Uzbek);
# an undetermined language lets every analyzer run instead of silencing the English ones.
MIN_PROBABILITY = 0.5


@cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


class LanguageAnalyzer:
    name: ClassVar[str] = "language"
    version: ClassVar[str] = "1.0+py3langid"
    requires: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ("language",)
    languages: ClassVar[tuple[str, ...] | None] = None

    def analyze(self, state: AnalysisState) -> None:
        text = state.text
        sample = text[:SAMPLE_CHARS]
        if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
            # Too little text to tell; say nothing rather than guess.
            return
        lang, prob = _identifier().classify(sample)
        if prob < MIN_PROBABILITY:
            return
        start = len(text) - len(text.lstrip())
        end = len(text.rstrip())
        state.add("language", start, max(start, end), str(lang), confidence=float(prob))
