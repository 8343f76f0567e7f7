"""Real outputs validate against the published JSON Schema."""

from __future__ import annotations

import json

import jsonschema
import pytest

import scrutiny
from helpers import ROOT, SEED

SCHEMA = json.loads((ROOT / "docs" / "schema" / "scrutiny-1.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_seed_output_validates() -> None:
    VALIDATOR.validate(json.loads(scrutiny.analyze(SEED).to_json()))


def test_export_record_validates() -> None:
    from scrutiny.export import export_record

    record = json.loads(json.dumps(export_record(scrutiny.analyze(SEED))))
    VALIDATOR.validate(record)
    assert record["annotations"] and "meta" in record["document"]


def test_schema_rejects_broken_output() -> None:
    data = json.loads(scrutiny.analyze("Putin met Atambayev in Bishkek.").to_json())
    data["entities"][0]["type"] = "NOT_A_TYPE"
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(data)
