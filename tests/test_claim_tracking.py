"""The same claim found again in other documents, verbatim or paraphrased, as clusters."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import wind_back
from pg_server import BACKENDS, open_backend
from pg_server import pg_server as pg_server  # the session fixture, found by pytest here
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.store.base import Store
from scrutiny.store.sqlite import SQLiteStore

CLAIM = "The police arrested 12 members of the movement in Osh in 2015."


def _doc(title: str, published: str | None, *claims: str, filler: str = "") -> Analysis:
    text = f"{title} report. {filler} " + " ".join(claims)
    notes = []
    for i, claim in enumerate(claims):
        start = text.index(claim)
        attrs = {"checkworthiness": 0.8, "attribution": {"type": "author", "source": None}}
        span = Span(start, start + len(claim))
        notes.append(Annotation(f"c{i}", "claim", span, "claim", "test", "1", 0.8, attrs))
    return Analysis(Document.from_text(text, title=title, published=published), tuple(notes), {})


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    with open_backend(request.param, request, tmp_path / "s.db") as s:
        yield s


def _sql(store: Store, sql: str) -> list[tuple[object, ...]]:
    """Rows of a query on either backend's own connection (both take the same SQL here)."""
    return [tuple(r) for r in store._conn.execute(sql).fetchall()]  # type: ignore[attr-defined]


def test_verbatim_and_paraphrased_claims_cluster_with_first_seen(store: Store) -> None:
    store.add(_doc("later", "2016-05-01", CLAIM, "Taxes on imported cars went up last year."))
    store.add(_doc("earliest", "2015-11-02", CLAIM))
    paraphrase = "In 2015, 12 members of the movement were arrested by the police in Osh."
    store.add(_doc("reworded", None, paraphrase))
    store.add(_doc("numbers", "2017-01-01", CLAIM.replace("12", "21")))
    store.add(_doc("other", "2017-01-02", "The court sentenced the imam to ten years in prison."))
    (cluster,) = store.claim_clusters()
    assert cluster.documents == 3
    assert cluster.first_seen == "2015-11-02"
    assert [c.title for c in cluster.claims] == ["earliest", "later", "reworded"]
    assert {c.text for c in cluster.claims} == {CLAIM, paraphrase}
    assert all(c.checkworthiness == 0.8 for c in cluster.claims)
    # A different number is a different claim, however alike the words.
    singles = store.claim_clusters(min_documents=1, limit=100)
    assert any(c.claims[0].title == "numbers" and c.documents == 1 for c in singles)


def test_short_claims_are_not_tracked_and_deleting_removes_prints(store: Store) -> None:
    short = _doc("short", None, "Osh is big.")
    store.add(short)
    a = _doc("a", None, CLAIM)
    store.add(a)
    assert store.claim_clusters(min_documents=1) and len(store.claim_clusters(min_documents=1)) == 1
    store.delete(a.document.id)
    assert store.claim_clusters(min_documents=1) == []
    assert _sql(store, "SELECT count(*) FROM claim_bands") == [(0,)]


def test_claims_stored_before_tracking_are_indexed_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore.open(path) as store:
        store.add(_doc("one", "2015-01-01", CLAIM))
        store.add(_doc("two", "2015-02-01", CLAIM))
    wind_back(
        path,
        3,
        "DROP TABLE claim_bands",
        "DROP TABLE claim_prints",
        "DROP TABLE event_roles",
        "DROP INDEX entity_links_doc_entity",  # added by migration 0007
        "DROP TABLE entity_pairs",  # added by migration 0008
    )
    with SQLiteStore.open(path) as store:
        (cluster,) = store.claim_clusters()
        assert cluster.documents == 2


def test_a_much_repeated_claim_indexes_only_its_first_occurrences(store: Store) -> None:
    from scrutiny.store.sqlite_claims import REPRESENTATIVES

    for i in range(REPRESENTATIVES + 5):
        store.add(_doc(f"copy {i}", f"2015-01-{i + 1:02d}", CLAIM))
    (cluster,) = store.claim_clusters()
    assert cluster.documents == REPRESENTATIVES + 5  # every repeat still joins the cluster
    assert _sql(store, "SELECT count(DISTINCT print) FROM claim_bands") == [(REPRESENTATIVES,)]
    # The others are never compared again and keep no signature.
    signed = "SELECT count(*) FROM claim_prints WHERE length(signature) > 0"
    assert _sql(store, signed) == [(REPRESENTATIVES,)]


def test_a_cluster_shows_its_oldest_claims_and_counts_them_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("scrutiny.store.sqlite_claims.MAX_CLAIMS_SHOWN", 3)
    dates = ["2016-03-01", None, "2015-07-09", "2016-01-01", "", "2015-07-10", "2014-02-02"]
    for i, published in enumerate(dates):
        store.add(_doc(f"copy {i}", published, CLAIM))
    (cluster,) = store.claim_clusters()
    assert cluster.documents == len(dates)
    assert cluster.first_seen == "2014-02-02"
    assert [c.title for c in cluster.claims] == ["copy 6", "copy 2", "copy 5"]


_RECOUNT = (
    "SELECT cp.cluster, count(DISTINCT cp.doc), min(nullif(d.published, '')), min(d.added)"
    " FROM claim_prints AS cp JOIN documents AS d ON d.seq = cp.doc"
    " GROUP BY cp.cluster ORDER BY cp.cluster"
)
_KEPT = "SELECT cluster, docs, published, added FROM claim_clusters ORDER BY cluster"


def test_cluster_counts_and_dates_stay_exact_through_adds_and_deletes(store: Store) -> None:
    rng = random.Random(3)
    claims = [CLAIM, "Taxes on imported cars went up by 40 percent last year in Bishkek."]
    claims.append("The court sentenced the imam of the mosque to ten years in prison.")
    dates = [None, "", "2015-03-01", "2014-12-31", "2016-07-04"]
    stored: list[str] = []
    for step in range(40):
        if stored and rng.random() < 0.35:
            store.delete(stored.pop(rng.randrange(len(stored))))
        else:
            picked = rng.sample(claims, rng.randint(1, len(claims)))
            doc = _doc(f"doc {step}", rng.choice(dates), *picked, filler=f"Filler {step}.")
            store.add(doc)
            stored.append(doc.document.id)
        assert _sql(store, _KEPT) == _sql(store, _RECOUNT), f"after step {step}"
    ranked = store.claim_clusters(min_documents=1, limit=10)
    assert [c.documents for c in ranked] == sorted((c.documents for c in ranked), reverse=True)


def test_a_store_made_before_cluster_counts_counts_them_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with SQLiteStore.open(path) as store:
        store.add(_doc("one", "", CLAIM))
        store.add(_doc("two", "2015-02-01", CLAIM))
    wind_back(path, 9)  # as a store made before migration 0010
    with SQLiteStore.open(path) as store:
        (cluster,) = store.claim_clusters()
        assert (cluster.documents, cluster.first_seen) == (2, "2015-02-01")


def test_a_store_made_before_version_16_drops_the_signatures_never_read(tmp_path: Path) -> None:
    from scrutiny.store.sqlite_claims import REPRESENTATIVES

    path = tmp_path / "old.db"
    with SQLiteStore.open(path) as store:
        for i in range(REPRESENTATIVES + 3):
            store.add(_doc(f"copy {i}", f"2015-01-{i + 1:02d}", CLAIM))
        (before,) = store.claim_clusters()
    # As version 15 stored them: every claim with its signature.
    signing = "UPDATE claim_prints SET signature = zeroblob(512) WHERE length(signature) = 0"
    wind_back(path, 15, signing)
    with SQLiteStore.open(path) as store:
        signed = "SELECT count(*) FROM claim_prints WHERE length(signature) > 0"
        assert _sql(store, signed) == [(REPRESENTATIVES,)]
        assert store.claim_clusters() == [before]
        store.add(_doc("one more", "2016-01-01", CLAIM))  # still found through the others
        (after,) = store.claim_clusters()
        assert after.documents == before.documents + 1
