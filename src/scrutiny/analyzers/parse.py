"""Tokens, parse, named-entity candidates and sentences from the spaCy model."""

from __future__ import annotations

from typing import ClassVar

from scrutiny.analyzers._nlp import MODEL_PACKAGE, parse
from scrutiny.pipeline import AnalysisState


class ParseAnalyzer:
    """Runs spaCy once; later analyzers read ``state.scratch["spacy"]`` instead of re-parsing."""

    name: ClassVar[str] = "parse"
    version: ClassVar[str] = f"1.1+{MODEL_PACKAGE}-3.8.0"
    requires: ClassVar[tuple[str, ...]] = ("language",)
    produces: ClassVar[tuple[str, ...]] = ("sentence",)
    languages: ClassVar[tuple[str, ...] | None] = None

    def analyze(self, state: AnalysisState) -> None:
        doc = parse(state.text)
        state.scratch["spacy"] = doc
        for sent in doc.sents:
            text = sent.text
            start = sent.start_char + (len(text) - len(text.lstrip()))
            end = sent.end_char - (len(text) - len(text.rstrip()))
            if end > start:
                state.add("sentence", start, end, "sentence")
