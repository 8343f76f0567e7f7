"""Search narrowed by filters, and the facet counts that offer the next filter."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pg_server import BACKENDS, open_backend
from pg_server import pg_server as pg_server  # the session fixture, found by pytest here
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.store.base import FACETS, SearchFilters, Store


def _doc(
    text: str,
    *,
    title: str,
    published: str | None,
    language: str | None = "en",
    entities: tuple[tuple[str, str, tuple[str, ...]], ...] = (),
    techniques: tuple[str, ...] = (),
    signals: tuple[str, ...] = (),
) -> Analysis:
    """A stored-looking analysis whose findings all sit on the first word (offsets are valid)."""
    doc = Document.from_text(text, title=title, published=published, source=f"feeds/{title}.txt")
    first = Span(0, len(text.split()[0]))
    notes: list[Annotation] = []

    def note(layer: str, label: str, attrs: dict[str, Any] | None = None) -> None:
        notes.append(
            Annotation(f"x{len(notes)}", layer, first, label, "test", "1", 0.9, attrs or {})
        )

    if language:
        note("language", language)
    for name, kind, aliases in entities:
        note("entity", kind, {"name": name, "aliases": list(aliases)})
    for label in techniques:
        note("technique", label)
    for label in signals:
        note("signal", label)
    return Analysis(doc, tuple(notes), {})


DOCS = {
    "kg": _doc(
        "Narymbaev extortion case: the prosecutor accused the imam of extortion in Bishkek.",
        title="kg",
        published="2015-03-02",
        entities=(
            ("Narymbaev", "PERSON", ("Narymbaev", "Mr Narymbaev")),
            ("Bishkek", "GPE", ("Bishkek",)),
        ),
        techniques=("Loaded_Language", "Doubt"),
        signals=("threat",),
    ),
    "fr": _doc(
        "Extortion trial in Paris: the court heard the case of extortion against a mayor.",
        title="fr",
        published="2016-11-20T10:00:00",
        entities=(("Paris", "GPE", ("Paris",)),),
        techniques=("Loaded_Language",),
    ),
    "ru": _doc(
        "Moscow statement: the movement calls its followers to protest against extortion.",
        title="ru",
        published=None,
        entities=(("Moscow", "GPE", ("Moscow",)), ("Narymbaev", "ORG", ("Narymbaev",))),
        signals=("call_to_action",),
    ),
    "de": _doc(
        "Berliner Erpressung: ein Fall von Erpressung in Berlin wurde verhandelt.",
        title="de",
        published="2016-01-05",
        language="de",
        entities=(("Berlin", "GPE", ("Berlin",)),),
    ),
}


@pytest.fixture(scope="module", params=BACKENDS)
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    path: Path = tmp_path_factory.mktemp("filters") / "s.db"
    with open_backend(request.param, request, path) as s:
        for a in DOCS.values():
            assert s.add(a)
        yield s


def titles(store: Store, query: str, **filters: str) -> set[str | None]:
    return {h.title for h in store.search(query, filters=SearchFilters(**filters))}


def test_without_filters_search_is_unchanged(store: Store) -> None:
    assert titles(store, "extortion") == {"kg", "fr", "ru"}
    assert store.search("extortion", filters=SearchFilters()) == store.search("extortion")


def test_entity_filter_matches_names_and_aliases_ignoring_case(store: Store) -> None:
    assert titles(store, "extortion", entity="narymbaev") == {"kg", "ru"}
    assert titles(store, "extortion", entity="Mr Narymbaev") == {"kg"}
    # With a type, one entity must have both the name and the type.
    assert titles(store, "extortion", entity="Narymbaev", entity_type="ORG") == {"ru"}
    assert titles(store, "extortion", entity_type="GPE") == {"kg", "fr", "ru"}


def test_technique_and_signal_filters(store: Store) -> None:
    assert titles(store, "extortion", technique="Loaded_Language") == {"kg", "fr"}
    assert titles(store, "extortion", technique="Doubt") == {"kg"}
    assert titles(store, "extortion", signal="call_to_action") == {"ru"}
    assert titles(store, "extortion", signal="dehumanization") == set()


def test_date_range_is_inclusive_and_takes_prefixes(store: Store) -> None:
    assert titles(store, "extortion", date_from="2016") == {"fr"}
    assert titles(store, "extortion", date_to="2015-03") == {"kg"}
    assert titles(store, "extortion", date_to="2015-03-02") == {"kg"}
    assert titles(store, "extortion", date_from="2015-03-03", date_to="2016-11-20") == {"fr"}
    # A document with no known date is left out by any date filter.
    assert "ru" not in titles(store, "extortion", date_from="1900")


def test_source_and_language_filters(store: Store) -> None:
    assert titles(store, "extortion", source="feeds/fr") == {"fr"}
    assert titles(store, "Berlin", language="DE") == {"de"}
    assert titles(store, "extortion", language="de") == set()


def test_filters_alone_list_matching_documents_newest_first(store: Store) -> None:
    hits = store.search("", filters=SearchFilters(entity_type="GPE"))
    assert [h.title for h in hits] == ["de", "ru", "fr", "kg"]
    assert all(h.snippet for h in hits)
    assert store.search("", filters=SearchFilters()) == []


def test_hostile_filter_values_are_data_not_sql(store: Store) -> None:
    for value in ("' OR 1=1 --", '"', "%", "*", "\x00", "Narymbaev') OR ('1'='1"):
        assert titles(store, "extortion", entity=value) == set()
        assert titles(store, "extortion", source=value) == set()
        assert titles(store, "extortion", technique=value) == set()


def test_facets_count_matching_documents(store: Store) -> None:
    facets = store.facets("extortion")
    assert set(facets) == set(FACETS)
    assert dict(facets["language"]) == {"en": 3}
    assert dict(facets["year"]) == {"2015": 1, "2016": 1}
    assert dict(facets["technique"]) == {"Loaded_Language": 2, "Doubt": 1}
    assert dict(facets["signal"]) == {"threat": 1, "call_to_action": 1}
    assert dict(facets["entity_type"]) == {"GPE": 3, "PERSON": 1, "ORG": 1}
    # Most frequent first.
    assert facets["entity"][0] == ("Narymbaev", 2)


def test_facets_follow_the_filters(store: Store) -> None:
    facets = store.facets("extortion", filters=SearchFilters(technique="Loaded_Language"))
    assert dict(facets["year"]) == {"2015": 1, "2016": 1}
    assert dict(facets["signal"]) == {"threat": 1}
    only_filters = store.facets("", filters=SearchFilters(language="de"))
    assert dict(only_filters["entity"]) == {"Berlin": 1}
    assert all(v == [] for v in store.facets("").values())
