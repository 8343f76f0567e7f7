"""End to end on the seed press release: what a journalist must see in it."""

from __future__ import annotations

from typing import Any

import pytest

import scrutiny
from helpers import SEED
from scrutiny.model import Analysis


@pytest.fixture(scope="module")
def analysis() -> Analysis:
    return scrutiny.analyze(SEED)


@pytest.fixture(scope="module")
def view(analysis: Analysis) -> dict[str, Any]:
    return analysis.to_dict()


def entity(view: dict[str, Any], name: str) -> dict[str, Any]:
    matches = [e for e in view["entities"] if name in e["aliases"] or e["name"] == name]
    assert len(matches) == 1, f"{name}: {[e['name'] for e in matches]}"
    return matches[0]


def test_people_places_organisations(view: dict[str, Any]) -> None:
    by_type: dict[str, set[str]] = {}
    for e in view["entities"]:
        by_type.setdefault(e["type"], set()).add(e["name"])
    for person in (
        "Bakiev",
        "Rafik Kamalov",
        "Madumarov",
        "Atambayev",
        "Rashod Qori Kamalov",
        "Daniyar Narymbaev",
        "Putin",
    ):
        assert person in by_type["PERSON"], person
    for place in ("Bishkek", "Kyrgyzstan", "Nookat", "Russia", "Afghanistan"):
        assert place in by_type["GPE"], place
    assert "Al-Sarakhsi Mosque" in by_type["ORG"] | by_type.get("FAC", set())
    assert any("Hizb ut Tahrir" in name for name in by_type["ORG"])
    assert "Allahu Akbar" not in by_type.get("PERSON", set())


def test_alias_merges(view: dict[str, Any]) -> None:
    rafik = entity(view, "Rafik Kamalov")
    assert "Rafik Qori" in rafik["aliases"]
    rashod = entity(view, "Rashod Qori Kamalov")
    assert rashod["id"] != rafik["id"]
    assert "Rashod Qori" in rashod["aliases"]
    narymbaev = entity(view, "Daniyar Narymbaev")
    assert len([m for m in narymbaev["mentions"] if m["kind"] == "name"]) == 2
    assert len([m for m in entity(view, "Bakiev")["mentions"] if m["kind"] == "name"]) == 2


def roles_of(view: dict[str, Any], name: str) -> list[tuple[str, str | None]]:
    return [(r["role"].lower(), r["when"]) for r in entity(view, name)["roles"]]


def test_roles(view: dict[str, Any]) -> None:
    assert ("deputy prime minister", "at that time") in roles_of(view, "Madumarov")
    assert ("president", "present") in roles_of(view, "Atambayev")
    assert "president" in [r for r, _ in roles_of(view, "Bakiev")]
    rashod = entity(view, "Rashod Qori Kamalov")
    rafik = entity(view, "Rafik Kamalov")
    assert any(r["role"] == "son" and r["of"] == rafik["id"] for r in rashod["roles"])
    assert any(r["role"] == "imam" for r in rashod["roles"])
    assert any(r["role"] == "head" for r in entity(view, "Daniyar Narymbaev")["roles"])


def test_quote_and_speakers(view: dict[str, Any]) -> None:
    quotes = [q for q in view["quotes"] if "Allahu Akbar" in q["text"]]
    assert len(quotes) == 1
    assert entity(view, "Atambayev")["id"] in quotes[0]["speakers"]
    assert not any(q["text"].strip('"') in {"Kuffar", "fatwa about Takfir"} for q in view["quotes"])


def test_dates(view: dict[str, Any]) -> None:
    values = {t["value"] for t in view["timexes"]}
    assert "2006" in values
    assert "2015-01/2015-03" in values
    assert not any(t["text"].strip() in {"9", "3", "1"} for t in view["timexes"])


def test_signature(view: dict[str, Any]) -> None:
    sig = view["signature"]
    assert sig is not None and "Hizb ut Tahrir" in sig["name"]


def test_every_finding_names_its_analyzer(view: dict[str, Any]) -> None:
    for layer in ("entity", "mention", "role", "timex", "quote", "signature", "sentence"):
        assert view["provenance"][layer]["analyzer"]
        assert view["provenance"][layer]["version"]


def test_python_api(analysis: Analysis) -> None:
    assert analysis.language == "en"
    assert any(e["name"] == "Putin" for e in analysis.entities)
    assert analysis.document.id.startswith("sha256:")
    assert scrutiny.analyze(SEED.read_bytes()).document.id == analysis.document.id
