"""Entities resolved across documents: spelling variants, given names, decisions that last."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from itertools import combinations, product
from pathlib import Path
from typing import Any, cast

import pytest

from helpers import wind_back
from pg_server import BACKENDS, open_backend
from pg_server import pg_server as pg_server  # the session fixture, found by pytest here
from scrutiny.corpus.resolve import compare, fold, profile_of, skeleton
from scrutiny.errors import NotFound, StoreError
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.store.base import Store
from scrutiny.store.sqlite import SQLiteStore, load_migrations
from scrutiny.store.sqlite_entities import MAX_PAIRED_LINKS


def test_transliteration_variants_fold_together() -> None:
    assert fold("Atambayev") == fold("Atambaev") == fold("Atambajev")
    assert fold("Yanukovych") == fold("Yanukovich")
    assert fold("Khodorkovsky") == fold("Hodorkovski")
    assert fold("Ömer") == fold("Omer")
    assert fold("Kamalov") != fold("Karimov")
    assert skeleton("Mohammed") == skeleton("Muhammad")


def person(*names: str, roles: tuple[str, ...] = ()) -> object:
    p = profile_of("PERSON", names, roles)
    assert p is not None
    return p


def test_people_merge_on_surname_unless_given_names_differ() -> None:
    full = profile_of("PERSON", ["Almazbek Atambayev", "Atambayev"])
    assert full is not None and full.name == "Almazbek Atambayev"
    variant = profile_of("PERSON", ["President Almazbek Atambaev"])
    surname = profile_of("PERSON", ["Mr Atambaev"])
    other = profile_of("PERSON", ["Rashod Atambayev"])
    initial = profile_of("PERSON", ["A. Atambayev"])
    assert variant and surname and other and initial
    assert compare(variant, full).score > 0.9
    assert 0.5 <= compare(surname, full).score < compare(variant, full).score
    assert "surname only" in compare(surname, full).evidence
    assert compare(other, full).score == 0.0
    assert "matching initial" in compare(initial, full).evidence


def test_roles_are_evidence_and_types_are_grouped() -> None:
    a = profile_of("PERSON", ["Atambayev"], ["President"])
    b = profile_of("PERSON", ["Almazbek Atambayev"], ["president"])
    assert a and b
    assert any(e.startswith("shared role") for e in compare(a, b).evidence)
    gpe, loc = profile_of("GPE", ["Kyrgyzstan"]), profile_of("LOC", ["Kyrgyzstan"])
    org = profile_of("ORG", ["Kyrgyzstan"])
    assert gpe and loc and org
    assert compare(gpe, loc).score > 0.9
    assert compare(gpe, org).score == 0.0
    assert profile_of("DATE", ["2015"]) is None
    assert profile_of("PERSON", ["Mr"]) is None  # a title alone names nobody


def _score(kind: str, a: str, b: str) -> float:
    pa, pb = profile_of(kind, [a]), profile_of(kind, [b])
    assert pa is not None and pb is not None
    assert compare(pa, pb).score == compare(pb, pa).score  # the rules are symmetric
    return compare(pa, pb).score


def test_middle_initials_and_short_given_names() -> None:
    # Namesakes a middle initial tells apart; a missing middle name proves nothing.
    assert _score("PERSON", "George H. W. Bush", "George W. Bush") == 0.0
    assert _score("PERSON", "Robert S. Mueller III", "Robert Mueller") > 0.9
    # A common short form is the same given name; a different name is still another person.
    short = profile_of("PERSON", ["Bob Mueller"])
    full = profile_of("PERSON", ["Robert S. Mueller III"])
    assert short and full
    assert compare(short, full).score >= 0.8
    assert "short form of the given name" in compare(short, full).evidence
    assert _score("PERSON", "Ted McCarrick", "Theodore McCarrick") >= 0.8
    assert _score("PERSON", "Bill Clinton", "Hillary Clinton") == 0.0
    assert _score("PERSON", "Bill Clinton", "Bob Clinton") == 0.0


def test_acronyms_and_reordered_names_of_organisations_and_places() -> None:
    assert _score("ORG", "FBI", "Federal Bureau of Investigation") >= 0.8
    assert _score("ORG", "DOJ", "Department of Justice") >= 0.8
    # Two letters name places (US, UK) but meet wrong expansions of organisations too often.
    assert _score("ORG", "U.N.", "United Nations") == 0.0
    assert _score("ORG", "CIA", "Church in America") == 0.0  # "in" is no letter of an acronym
    assert _score("GPE", "US", "United States") >= 0.8
    assert _score("ORG", "Justice Department", "Department of Justice") >= 0.8
    # "Justice" is a title before a judge's name, but a word of this organisation's name.
    assert _score("ORG", "Department of Justice", "Department of Defense") == 0.0
    assert _score("ORG", "FBI", "CIA") == 0.0
    assert _score("GPE", "UK", "United States") == 0.0
    assert _score("ORG", "Justice Department", "State Department") == 0.0
    # People are not named by acronyms here, and a lower-case word is not one.
    assert _score("PERSON", "JFK", "John Fitzgerald Kennedy") == 0.0
    assert _score("ORG", "Fbi", "Federal Bureau of Investigation") == 0.0
    assert _score("GPE", "U.S.", "United States") >= 0.8


def test_an_acronym_does_not_chain_names_with_the_same_initials() -> None:
    assert _score("ORG", "NPR", "National Public Radio") >= 0.8
    assert _score("GPE", "UK", "United Kingdom") >= 0.8
    # Skipping "of" is allowed only for three letters or more: two are met by chance.
    assert _score("GPE", "AP", "Andhra of Pradesh") == 0.0
    assert _score("GPE", "MD", "Miami-Dade") == 0.0  # a hyphenated name is one word
    assert profile_of("ORG", ["Archbishop"]) is None  # titles alone: the tagger's mistake
    runaway = profile_of("ORG", ["A. " * 100_000, "FBI"])  # a tagger run over hostile text
    assert runaway is not None and runaway.names == ("FBI",)
    # An entity that already knows what its acronym stands for takes no other expansion.
    known = profile_of("ORG", ["NPR", "National Public Radio"])
    other = profile_of("ORG", ["National Press Registry"])
    assert known and other
    assert compare(other, known).score == compare(known, other).score == 0.0


def _doc(
    key: str, *entities: tuple[str, str, tuple[str, ...]], role: str | None = None
) -> Analysis:
    text = f"Document {key} about " + ", ".join(e[0] for e in entities) + "."
    notes = []
    for i, (name, kind, aliases) in enumerate(entities):
        start = text.index(name)
        span = Span(start, start + len(name))
        attrs = {"name": name, "aliases": [name, *aliases]}
        notes.append(Annotation(f"e{i}", "entity", span, kind, "test", "1", 0.9, attrs))
    if role:
        notes.append(
            Annotation(
                "r0",
                "role",
                notes[0].span,
                "office",
                "test",
                "1",
                0.9,
                {"entity": "e0", "role": role},
            )
        )
    return Analysis(Document.from_text(text, title=key), tuple(notes), {})


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_backend(request.param, request, tmp_path / "s.db") as s:
        yield s


def _sql(store: Store, sql: str) -> list[tuple[object, ...]]:
    """Rows of a query on either backend's own connection (both take the same SQL here)."""
    return [tuple(r) for r in store._conn.execute(sql).fetchall()]  # type: ignore[attr-defined]


def test_documents_link_into_corpus_entities(store: Store) -> None:
    docs = [
        _doc(
            "a",
            ("Almazbek Atambayev", "PERSON", ("Atambayev",)),
            ("Kyrgyzstan", "GPE", ()),
            role="President",
        ),
        _doc("b", ("Atambaev", "PERSON", ()), ("Kyrgyzstan", "LOC", ())),
        _doc("c", ("Rashod Atambayev", "PERSON", ())),
        _doc("d", ("Hizb ut-Tahrir", "ORG", ())),
    ]
    for d in docs:
        assert store.add(d)
    (atambayev,) = [e for e in store.corpus_entities("Atambaev") if e.name == "Almazbek Atambayev"]
    assert atambayev.documents == 2 and atambayev.type == "PERSON"
    assert "president" in atambayev.roles
    _, members = store.corpus_entity(atambayev.id)
    assert [m.title for m in members] == ["a", "b"]
    assert "surname only" in members[1].evidence and members[1].confidence < 1.0
    # A different given name is a different person, found by the surname too.
    names = {e.name for e in store.corpus_entities("Atambayev")}
    assert names == {"Almazbek Atambayev", "Rashod Atambayev"}
    (country,) = store.corpus_entities("Kyrgyzstan")
    assert country.documents == 2
    assert store.corpus_entities("Hizb ut Tahrir")[0].name == "Hizb ut-Tahrir"
    assert store.corpus_entities("nobody at all") == []
    assert len(store.corpus_entities("")) == 4


def test_adding_a_document_leaves_other_links_alone(store: Store) -> None:
    store.add(_doc("a", ("Almazbek Atambayev", "PERSON", ())))
    store.add(_doc("b", ("Rafik Kamalov", "PERSON", ())))
    before = _links(store)
    store.add(_doc("c", ("Atambaev", "PERSON", ()), ("Kamalov", "PERSON", ())))
    after = _links(store)
    assert set(before) <= set(after) and len(after) == len(before) + 2


def _links(store: Store) -> list[tuple[object, ...]]:
    return _sql(store, "SELECT doc, entity_id, corpus_entity, confidence FROM entity_links")


def test_merge_survives_re_analysis(store: Store) -> None:
    a = _doc("a", ("Rafik Kamalov", "PERSON", ()))
    b = _doc("b", ("Rafik Qori", "PERSON", ()))
    store.add(a)
    store.add(b)
    kamalov = store.corpus_entities("Rafik Kamalov")[0]
    qori = store.corpus_entities("Rafik Qori")[0]
    assert kamalov.id != qori.id  # "Qori" is a title, so nothing tells the program they are one
    merged = store.merge_entities(kamalov.id, qori.id)
    assert merged.documents == 2 and "Rafik Qori" in merged.names
    with pytest.raises(NotFound):
        store.corpus_entity(qori.id)
    # Analysed again (deleted and re-added), the document joins the merged entity again.
    assert store.delete(b.document.id)
    store.add(b)
    assert store.corpus_entity(merged.id)[0].documents == 2


def test_split_survives_re_analysis(store: Store) -> None:
    a = _doc("a", ("Almazbek Atambayev", "PERSON", ()))
    b = _doc("b", ("Atambayev", "PERSON", ()))
    store.add(a)
    store.add(b)
    (one,) = store.corpus_entities("Atambayev")
    assert one.documents == 2
    new = store.split_entity(one.id, "Atambayev")
    assert new.documents == 1 and store.corpus_entity(one.id)[0].documents == 1
    assert store.delete(b.document.id)
    store.add(b)
    assert len(store.corpus_entities("Atambayev")) == 2
    with pytest.raises(StoreError):
        store.split_entity(one.id, "Almazbek Atambayev")  # would leave it empty
    with pytest.raises(StoreError):
        store.merge_entities(one.id, one.id)


def test_deleting_the_last_mention_removes_the_corpus_entity(store: Store) -> None:
    a = _doc("a", ("Karakol", "GPE", ()))
    store.add(a)
    assert store.corpus_entities("Karakol")
    store.delete(a.document.id)
    assert store.corpus_entities("Karakol") == []


def test_documents_stored_before_resolution_are_linked_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore.open(path) as store:
        store.add(_doc("a", ("Almazbek Atambayev", "PERSON", ())))
        store.add(_doc("b", ("Atambaev", "PERSON", ())))
    # Take the file back to schema version 2, as a store made before migration 0003 was.
    tables = ("entity_links", "corpus_keys", "corpus_entities", "entity_decisions")
    tables += ("claim_bands", "claim_prints", "event_roles", "entity_pairs")
    wind_back(path, 2, *(f"DROP TABLE {table}" for table in tables))
    with SQLiteStore.open(path) as store:
        assert store.schema_version == len(load_migrations())
        (one,) = store.corpus_entities("Atambayev")
        assert one.documents == 2


def _with_event(a: Analysis, *participants: tuple[str, str]) -> Analysis:
    """``a`` plus one event whose participants are (entity id, role) of its entities."""
    first = a.layer("entity")[0].span
    attrs = {"participants": [{"role": role, "entity": eid} for eid, role in participants]}
    event = Annotation("v1", "event", first, "arrest", "test", "1", 0.8, attrs)
    return Analysis(a.document, (*a.annotations, event), a.provenance)


def test_entity_graph_counts_shared_events(store: Store) -> None:
    both = _doc("a", ("Rafik Kamalov", "PERSON", ()), ("Karasuu", "GPE", ()), ("Osh", "GPE", ()))
    store.add(_with_event(both, ("e0", "patient"), ("e1", "place")))
    store.add(_doc("b", ("Kamalov", "PERSON", ()), ("Karasuu", "GPE", ())))
    nodes, edges = store.entity_graph()
    names = {n.id: n.name for n in nodes}
    by_pair = {frozenset((names[e.source], names[e.target])): e for e in edges}
    kamalov_karasuu = by_pair[frozenset(("Rafik Kamalov", "Karasuu"))]
    assert (kamalov_karasuu.weight, kamalov_karasuu.events) == (2, 1)
    assert by_pair[frozenset(("Rafik Kamalov", "Osh"))].events == 0  # named together only
    from scrutiny.corpus.graph import to_json

    assert any(e["events"] == 1 for e in to_json(nodes, edges)["edges"])


def test_shared_events_are_counted_for_every_edge_of_a_graph_and_around_an_entity(
    store: Store,
) -> None:
    people = (("Rafik Kamalov", "PERSON", ()), ("Karasuu", "GPE", ()), ("Osh", "GPE", ()))
    store.add(_with_event(_doc("a", *people), ("e0", "agent"), ("e1", "place"), ("e2", "place")))
    store.add(_with_event(_doc("b", *people), ("e0", "agent"), ("e2", "place")))
    store.add(_doc("c", ("Osh", "GPE", ()), ("Bishkek", "GPE", ())))
    expected = {
        frozenset(("Rafik Kamalov", "Karasuu")): 1,
        frozenset(("Rafik Kamalov", "Osh")): 2,
        frozenset(("Karasuu", "Osh")): 1,
        frozenset(("Osh", "Bishkek")): 0,
    }
    nodes, edges = store.entity_graph()
    names = {n.id: n.name for n in nodes}
    assert {frozenset((names[e.source], names[e.target])): e.events for e in edges} == expected
    osh = next(n.id for n in nodes if n.name == "Osh")
    nodes, edges = store.entity_graph(entity=osh)
    names = {n.id: n.name for n in nodes}
    around = {frozenset((names[e.source], names[e.target])): e.events for e in edges}
    assert around == {pair: n for pair, n in expected.items() if "Osh" in pair}


def test_entity_graph_weights_edges_by_shared_documents(store: Store) -> None:
    import xml.etree.ElementTree as ET

    from scrutiny.corpus.graph import serialise

    store.add(_doc("a", ("Rafik Kamalov", "PERSON", ()), ("Karasuu", "GPE", ())))
    store.add(_doc("b", ("Kamalov", "PERSON", ()), ("Karasuu", "GPE", ()), ("Osh", "GPE", ())))
    store.add(_doc("c", ("Osh", "GPE", ()), ("Bishkek", "GPE", ())))
    nodes, edges = store.entity_graph()
    names = {n.id: n.name for n in nodes}
    weights = {frozenset((names[e.source], names[e.target])): e.weight for e in edges}
    assert weights[frozenset(("Rafik Kamalov", "Karasuu"))] == 2
    assert weights[frozenset(("Osh", "Bishkek"))] == 1
    assert frozenset(("Rafik Kamalov", "Bishkek")) not in weights
    heavy = store.entity_graph(min_weight=2)[1]
    assert [e.weight for e in heavy] == [2]
    assert len(heavy[0].documents) == 2
    osh = store.corpus_entities("Osh")[0].id
    around = store.entity_graph(entity=osh)[1]
    assert all(osh in (e.source, e.target) for e in around) and len(around) == 3

    graphml = ET.fromstring(serialise(nodes, edges, "graphml"))
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(graphml.findall(".//g:node", ns)) == len(nodes)
    assert len(graphml.findall(".//g:edge", ns)) == len(edges)
    gexf = ET.fromstring(serialise(nodes, edges, "gexf"))
    assert gexf.tag.endswith("gexf")
    with pytest.raises(ValueError):
        serialise(nodes, edges, "dot")


PEOPLE = (
    "Almazbek Atambayev",
    "Atambayev",
    "Rafik Kamalov",
    "Rafik Qori",
    "Rashod Kamalov",
    "Sadyr Japarov",
    "Kurmanbek Bakiyev",
)
PLACES = ("Osh", "Bishkek", "Karasuu", "Jalal-Abad")


def _pairs_from_links(store: Store, cap: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Documents and events of each pair, as the graph should count them, from the links."""
    by_doc: dict[Any, list[int]] = {}
    for doc, cid in _sql(store, "SELECT doc, corpus_entity FROM entity_links"):
        by_doc.setdefault(doc, []).append(cast(int, cid))
    by_event: dict[tuple[Any, Any], set[int]] = {}
    for doc, event, cid in _sql(
        store,
        "SELECT r.doc, r.event_id, l.corpus_entity FROM event_roles AS r"
        " JOIN entity_links AS l ON l.doc = r.doc AND l.entity_id = r.entity_id",
    ):
        by_event.setdefault((doc, event), set()).add(cast(int, cid))
    docs: Counter[tuple[int, int]] = Counter()
    events: Counter[tuple[int, int]] = Counter()
    for cids in by_doc.values():
        if len(cids) <= cap:
            docs.update(combinations(sorted(set(cids)), 2))
    for (doc, _), cids in by_event.items():
        if len(by_doc[doc]) <= cap:
            events.update(combinations(sorted(cids), 2))
    return {pair: (n, events[pair]) for pair, n in docs.items()}


def test_pair_and_document_counts_stay_exact_through_adds_deletes_merges_and_splits(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A small cap, so some documents are too crowded to pair their entities.
    monkeypatch.setattr("scrutiny.store.sqlite_entities.MAX_PAIRED_LINKS", 4)
    rng = random.Random(7)
    added: list[Analysis] = []
    for step in range(60):
        action = rng.random()
        if action < 0.55 or not added:
            names = rng.sample(PEOPLE, rng.randint(1, 4)) + rng.sample(PLACES, rng.randint(0, 3))
            kinds = (("PERSON" if n in PEOPLE else "GPE") for n in names)
            doc = _doc(f"d{step}", *((n, k, ()) for n, k in zip(names, kinds, strict=True)))
            if len(names) > 1 and rng.random() < 0.6:
                taking_part = rng.sample(range(len(names)), rng.randint(2, len(names)))
                doc = _with_event(doc, *((f"e{i}", "agent") for i in taking_part))
            if store.add(doc):
                added.append(doc)
        elif action < 0.7:
            store.delete(added.pop(rng.randrange(len(added))).document.id)
        elif action < 0.85:
            people = [e for e in store.corpus_entities(limit=100) if e.type == "PERSON"]
            if len(people) >= 2:
                keep, other = rng.sample(people, 2)
                store.merge_entities(keep.id, other.id)
        else:
            several = [e for e in store.corpus_entities(limit=100) if len(e.names) > 1]
            if several:
                entity = rng.choice(several)
                _, members = store.corpus_entity(entity.id)
                called = sorted({m.name for m in members})
                if len(called) > 1:
                    store.split_entity(entity.id, rng.choice(called))
        stored = {
            (cast(int, x), cast(int, y)): (cast(int, n), cast(int, ev))
            for x, y, n, ev in _sql(store, "SELECT x, y, docs, events FROM entity_pairs")
        }
        assert stored == _pairs_from_links(store, 4), f"after step {step}"
        documents = dict(_sql(store, "SELECT id, docs FROM corpus_entities"))
        linking = "SELECT corpus_entity, count(DISTINCT doc) FROM entity_links GROUP BY 1"
        assert documents == dict(_sql(store, linking)), f"after step {step}"
    expected = _pairs_from_links(store, 4)
    assert any(n > 1 for n, _ in expected.values())
    assert any(events > 0 for _, events in expected.values())
    _, edges = store.entity_graph(limit=1000)
    assert {(e.source, e.target): (e.weight, e.events) for e in edges} == expected
    assert all(len(e.documents) == min(e.weight, 10) for e in edges)
    hub = max(expected, key=expected.__getitem__)[0]
    _, around = store.entity_graph(entity=hub, limit=1000)
    assert {(e.source, e.target): (e.weight, e.events) for e in around} == {
        pair: n for pair, n in expected.items() if hub in pair
    }


def test_the_heaviest_edges_come_first_whatever_the_cut(store: Store) -> None:
    # The whole graph reads only the top tiers of counts (their number of digits) and sorts
    # them, so every cut, inside a tier or between two, must give the first edges of a full sort.
    rng = random.Random(11)
    for i in range(40):
        names = rng.sample(PLACES, rng.randint(1, 4))
        if rng.random() < 0.5:
            names.append(rng.choice(PEOPLE[2:]))
        kinds = (("PERSON" if n in PEOPLE else "GPE") for n in names)
        store.add(_doc(f"t{i}", *((n, k, ()) for n, k in zip(names, kinds, strict=True))))
    full = sorted(
        ((n, x, y) for (x, y), (n, _) in _pairs_from_links(store, 200).items()),
        key=lambda t: (-t[0], t[1], t[2]),
    )
    assert any(n >= 10 for n, _, _ in full) and any(n < 10 for n, _, _ in full)
    for min_weight in (1, 2, 9, 10, 11, 100):
        heavy = [t for t in full if t[0] >= min_weight]
        for limit in (1, 2, 3, len(heavy) // 2 or 1, len(heavy), len(full) + 5):
            _, edges = store.entity_graph(min_weight=min_weight, limit=limit)
            assert [(e.weight, e.source, e.target) for e in edges] == heavy[:limit], (
                min_weight,
                limit,
            )


def test_a_crowded_document_is_linked_but_pairs_none_of_its_entities(store: Store) -> None:
    syllables = ("bar", "dun", "gol", "kem", "pil", "ros", "tav", "wex")
    surnames = ["".join(p).title() for p in product(syllables, repeat=3)]
    crowded = [(name, "PERSON", ()) for name in surnames[: MAX_PAIRED_LINKS + 1]]
    store.add(_doc("roll", *crowded))
    store.add(_doc("a", (surnames[1], "PERSON", ()), ("Osh", "GPE", ())))
    assert len(store.corpus_entities(limit=1000)) == MAX_PAIRED_LINKS + 2
    (edge,) = store.entity_graph()[1]
    assert edge.weight == 1 and len(edge.documents) == 1


def test_a_store_made_before_crowded_documents_were_listed_lists_them_on_open(
    tmp_path: Path,
) -> None:
    syllables = ("bar", "dun", "gol", "kem", "pil", "ros", "tav", "wex")
    surnames = ["".join(p).title() for p in product(syllables, repeat=3)]
    path = tmp_path / "old.db"
    with SQLiteStore.open(path) as store:
        store.add(_doc("roll", *((name, "PERSON", ()) for name in surnames[:201])))
        store.add(_doc("a", (surnames[1], "PERSON", ()), ("Osh", "GPE", ())))
        listed = _sql(store, "SELECT doc FROM crowded_documents")
    assert len(listed) == 1
    wind_back(path, 12)  # as a store made before migration 0013
    with SQLiteStore.open(path) as store:
        assert _sql(store, "SELECT doc FROM crowded_documents") == listed
        (edge,) = store.entity_graph()[1]
        assert edge.weight == 1 and len(edge.documents) == 1


def test_a_store_made_before_pair_counts_counts_its_pairs_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore.open(path) as store:
        store.add(_doc("a", ("Rafik Kamalov", "PERSON", ()), ("Karasuu", "GPE", ())))
        b = _doc("b", ("Kamalov", "PERSON", ()), ("Karasuu", "GPE", ()), ("Osh", "GPE", ()))
        store.add(_with_event(b, ("e0", "agent"), ("e2", "place")))
    wind_back(path, 7, "DROP TABLE entity_pairs")  # as a store made before migration 0008
    with SQLiteStore.open(path) as store:
        assert sorted((e.weight, e.events) for e in store.entity_graph()[1]) == [
            (1, 0),
            (1, 1),
            (2, 0),
        ]
        assert sorted(e.documents for e in store.corpus_entities()) == [1, 2, 2]


def test_events_stored_before_event_roles_are_indexed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    both = _doc("a", ("Rafik Kamalov", "PERSON", ()), ("Karasuu", "GPE", ()))
    with SQLiteStore.open(path) as store:
        store.add(_with_event(both, ("e0", "patient"), ("e1", "place")))
    wind_back(
        path,
        4,
        "DROP TABLE event_roles",  # as a store made before migration 0005
        "DROP INDEX entity_links_doc_entity",  # and before 0007
        "DROP TABLE entity_pairs",  # and before 0008
    )
    with SQLiteStore.open(path) as store:
        (edge,) = store.entity_graph()[1]
        assert edge.events == 1
