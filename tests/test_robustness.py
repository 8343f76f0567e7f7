"""The whole pipeline over 110 real news articles: no crash, valid spans, schema-valid JSON."""

from __future__ import annotations

import json

import jsonschema
import pytest

from helpers import PTC, ROOT
from scrutiny.model import Document
from scrutiny.pipeline import default_pipeline

ARTICLES = sorted((PTC / "train-articles").glob("article*.txt"))[:110]
SCHEMA = json.loads((ROOT / "docs" / "schema" / "scrutiny-1.schema.json").read_text())


@pytest.mark.skipif(len(ARTICLES) < 100, reason="needs ../shared/data/ptc")
def test_pipeline_survives_real_articles() -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA)
    pipeline = default_pipeline()
    totals = {"entities": 0, "timexes": 0, "quotes": 0}
    for path in ARTICLES:
        text = path.read_text(encoding="utf-8")
        analysis = pipeline.analyze(Document.from_text(text, source=str(path)))
        view = json.loads(analysis.to_json())
        validator.validate(view)
        # PTC offsets are into the file as Python reads it; normalisation must not shift them.
        assert len(analysis.document.text) == len(text)
        for key in totals:
            totals[key] += len(view[key])
    # A pipeline that silently stopped finding things would still "not crash": guard that too.
    assert totals["entities"] > 5 * len(ARTICLES)
    assert totals["timexes"] > len(ARTICLES)
    assert totals["quotes"] > len(ARTICLES) // 2
