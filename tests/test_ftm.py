"""FollowTheMoney export: valid entities, one id per corpus entity, mentions and events linked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model

import scrutiny
from helpers import SEED
from scrutiny.ftm import ftm_entities
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.store.sqlite import SQLiteStore


def _second_document() -> Analysis:
    text = 'President Almazbek Atambayev met "<b>hostile</b>" envoys in Bishkek.'
    at = text.index("Almazbek Atambayev")
    person = Annotation(
        "e1",
        "entity",
        Span(at, at + 18),
        "PERSON",
        "t",
        "1",
        0.9,
        {"name": "Almazbek Atambayev", "aliases": ["Almazbek Atambayev"]},
    )
    return Analysis(Document.from_text(text, title="second"), (person,), {})


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[dict[str, Any]]]:
    path: Path = tmp_path_factory.mktemp("ftm") / "s.db"
    with SQLiteStore.open(path) as store:
        store.add(scrutiny.analyze(SEED))
        store.add(_second_document())
        yield list(ftm_entities(store))


def by_schema(entities: list[dict[str, Any]], schema: str) -> list[dict[str, Any]]:
    return [e for e in entities if e["schema"] == schema]


def test_every_entity_is_valid_followthemoney(exported: list[dict[str, Any]]) -> None:
    for data in exported:
        proxy = model.get_proxy(data)  # raises on an unknown schema or property
        assert proxy.id
    articles = by_schema(exported, "Article")
    assert len(articles) == 2
    seed = next(a for a in articles if "Narymbaev" in a["properties"]["bodyText"][0])
    assert seed["properties"]["title"] == ["The Dangers of Cooperating with Russia"]


def test_one_person_across_documents_has_one_id(exported: list[dict[str, Any]]) -> None:
    people = by_schema(exported, "Person")
    atambayev = {e["id"] for e in people if "Atambayev" in e["properties"]["name"][0]}
    assert len(atambayev) == 1  # both documents' fragments carry the corpus entity's id
    assert any("president" in e["properties"].get("position", []) for e in people)


def test_mentions_and_events_point_at_exported_entities(exported: list[dict[str, Any]]) -> None:
    ids = {e["id"] for e in exported}
    mentions = by_schema(exported, "Mention")
    assert mentions and all(m["properties"]["resolved"][0] in ids for m in mentions)
    assert all(m["properties"]["document"][0] in ids for m in mentions)
    events = by_schema(exported, "Event")
    # A calendar date carries over ("2006"); an interval such as 2015-01/2015-03 is no FtM date.
    assert any(e["properties"].get("date") == ["2006"] for e in events)
    assert not any("/" in d for e in events for d in e["properties"].get("date", []))
    assert any(e["properties"].get("involved") for e in events)
    for event in events:
        assert set(event["properties"].get("involved", [])) <= ids
        assert event["properties"]["proof"][0] in ids
