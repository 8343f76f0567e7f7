"""Shared fixtures. Every analysis made while the suite runs is checked for valid spans."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from helpers import SEED, assert_valid_spans
from scrutiny.model import Analysis, Document
from scrutiny.pipeline import Pipeline


@pytest.fixture(autouse=True, scope="session")
def _check_every_analysis() -> Iterator[None]:
    original = Pipeline.analyze

    def checked(self: Pipeline, document: Document, **limits: float | None) -> Analysis:
        result = original(self, document, **limits)
        assert_valid_spans(result)
        return result

    Pipeline.analyze = checked  # type: ignore[method-assign]
    yield
    Pipeline.analyze = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
