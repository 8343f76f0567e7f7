"""The web workbench's cross-document views: the entity graph page, the timeline, the entity
page (roles over time, mentions, merge and split), through FastAPI's TestClient."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from fastapi.testclient import TestClient

from scrutiny.model import Analysis
from scrutiny.web import create_app
from scrutiny.web.corpus import GRAPH_TYPES, graph_data, type_colour
from scrutiny.web.events import periods
from scrutiny.web.tokens import TokenStore, token_file
from web_samples import fill, sample_analyses

API = "/api/v1"


@pytest.fixture(scope="module")
def analyses() -> list[Analysis]:
    return sample_analyses()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, analyses: list[Analysis]) -> Iterator[Any]:
    db = tmp_path_factory.mktemp("corpus") / "store.db"
    fill(db, analyses)
    with TestClient(create_app(db)) as c:
        yield c


@pytest.fixture
def fresh(tmp_path: Path, analyses: list[Analysis]) -> tuple[TestClient, Path]:
    """A client over a store of its own, for tests that change entities."""
    db = tmp_path / "store.db"
    fill(db, analyses)
    return TestClient(create_app(db)), db


def entity_id(c: TestClient, name: str) -> int:
    found = c.get(f"{API}/entities", params={"q": name}).json()["entities"]
    assert found, name
    value: int = found[0]["id"]
    return value


def graph_json(page: str) -> dict[str, Any]:
    m = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.S)
    assert m, "the page carries no graph data"
    data: dict[str, Any] = json.loads(m.group(1))
    return data


# --- graph -----------------------------------------------------------------------------------


def test_graph_page_carries_the_graph(client: TestClient) -> None:
    r = client.get("/graph")
    assert r.status_code == 200
    assert '<script src="/static/graph.js" defer></script>' in r.text
    data = graph_json(r.text)
    names = {n["name"] for n in data["nodes"]}
    assert {"Angela Merkel", "Emmanuel Macron", "Berlin"} <= names
    merkel, macron = entity_id(client, "Angela Merkel"), entity_id(client, "Emmanuel Macron")
    [edge] = [e for e in data["edges"] if {e["source"], e["target"]} == {merkel, macron}]
    assert edge["weight"] == 2 and "documents" not in edge  # evidence stays off the page
    person = next(n for n in data["nodes"] if n["id"] == merkel)
    assert person["colour"] == GRAPH_TYPES.index("PERSON")
    assert "Emmanuel Macron" in r.text.split('id="graph-data"')[1]  # the table too


def test_graph_page_around_an_entity_and_filters(client: TestClient) -> None:
    merkel = entity_id(client, "Angela Merkel")
    data = graph_json(client.get("/graph", params={"q": "merkel"}).text)
    assert data["edges"] and all(merkel in (e["source"], e["target"]) for e in data["edges"])
    page = client.get("/graph", params={"entity": merkel, "min_weight": 2}).text
    assert {e["weight"] for e in graph_json(page)["edges"]} == {2}
    assert f'data-centre="{merkel}"' in page
    nobody = client.get("/graph", params={"q": "Nobody Atall"}).text
    assert "No entity goes by that name" in nobody and "graph-data" not in nobody
    assert "No two entities share 50" in client.get("/graph", params={"min_weight": 50}).text
    assert client.get("/graph", params={"limit": 0}).status_code == 422
    assert client.get("/graph", params={"entity": 2**40}).status_code == 404


def test_graph_data_cannot_close_its_script_element(client: TestClient) -> None:
    hostile = "</script><script>window.__xss=1</script>"
    node = SimpleNamespace(id=1, name=hostile, type="PERSON", documents=2, names=(), roles=())
    other = SimpleNamespace(id=2, name="x", type="WEIRD", documents=1, names=(), roles=())
    edge = SimpleNamespace(source=1, target=2, weight=1, documents=(), events=0)
    data = graph_data([node, other], [edge])  # type: ignore[list-item]
    assert [n["colour"] for n in data["nodes"]] == [0, type_colour("anything else")]
    request = SimpleNamespace(state=SimpleNamespace(access="read", session=False, open=True))
    template = client.app.state.templates.env.get_template("graph.html")  # type: ignore[attr-defined]
    html = template.render(
        request=request,
        data=data,
        edges=[(node, other, edge)],
        legend=[],
        q="",
        centre=None,
        unknown=False,
        min_weight=1,
        limit=150,
    )
    assert hostile not in html and "<script>window.__xss" not in html
    carried = re.search(r'id="graph-data">(.*?)</script>', html, re.S)
    assert carried and json.loads(carried.group(1))["nodes"][0]["name"] == hostile


# --- timeline --------------------------------------------------------------------------------


def test_timeline_orders_by_date_with_undated_last(client: TestClient) -> None:
    body = client.get(f"{API}/timeline").json()
    ours = [e for e in body["events"] if e["event"].startswith("vt")]
    assert [e["trigger"] for e in ours] == ["visited", "met", "said"]
    assert [e["date"] for e in ours] == ["2018", "2019-05-03", None]
    assert ours[1]["title"] == "doc 0" and ours[1]["published"] == "2019-05-04"
    assert body["documents"] == 3 and body["capped"] is False
    assert ours[1]["participants"][0]["name"] == "Angela Merkel"


def test_timeline_filters_by_entity_and_type(client: TestClient) -> None:
    merkel = entity_id(client, "Angela Merkel")
    body = client.get(f"{API}/timeline", params={"entity": merkel}).json()
    assert {e["event"] for e in body["events"]} >= {"vt1", "vt2"}
    assert "vt3" not in {e["event"] for e in body["events"]}  # Macron's, not Merkel's
    meetings = client.get(f"{API}/timeline", params={"type": "meeting"}).json()["events"]
    assert {e["type"] for e in meetings} == {"meeting"}
    assert client.get(f"{API}/timeline", params={"entity": 2**40}).status_code == 404
    assert client.get(f"{API}/timeline", params={"limit": 0}).status_code == 422


def test_timeline_page_links_to_the_span(client: TestClient, analyses: list[Analysis]) -> None:
    page = client.get("/timeline", params={"q": "Angela Merkel"}).text
    doc = analyses[0].document
    start = doc.text.index("met")
    assert f'href="/documents/{doc.id}#span-{start}-{start + 3}"' in page
    assert "<h2" in page and "2019" in page and "Undated" in page
    assert "visited" not in page
    assert '<option value="meeting"' in page
    assert 'href="/timeline?q=Angela+Merkel"' in page  # a participant narrows the timeline
    assert "No entity goes by that name" in client.get("/timeline", params={"q": "Zzyzx"}).text
    typed = client.get("/timeline", params={"type": "statement"}).text
    assert ">said<" in typed and ">met<" not in typed


def test_periods_group_years() -> None:
    rows = [SimpleNamespace(key=k) for k in [(0, 2018, 1, 1), (0, 2018, 5, 1), (1, 0, 0, 0)]]
    assert [(p.title, len(p.rows)) for p in periods(rows)] == [  # type: ignore[arg-type]
        ("2018", 2),
        ("Undated", 1),
    ]


# --- entity page, merge and split ------------------------------------------------------------


def test_entity_page_shows_roles_mentions_and_links(client: TestClient) -> None:
    merkel = entity_id(client, "Angela Merkel")
    page = client.get(f"/entities/{merkel}").text
    assert "Roles over time" in page and "chancellor" in page.lower()
    assert f'href="/graph?entity={merkel}"' in page and f'href="/timeline?entity={merkel}"' in page
    assert re.search(r'href="/documents/sha256:[0-9a-f]+#span-\d+-\d+"', page)
    assert f'action="/entities/{merkel}/merge"' in page  # an open server: anyone may write


def test_merge_and_split_through_the_api(fresh: tuple[TestClient, Path]) -> None:
    c, _ = fresh
    merkel, macron = entity_id(c, "Angela Merkel"), entity_id(c, "Emmanuel Macron")
    r = c.post(f"{API}/entities/{merkel}/merge", json={"other": macron})
    assert r.status_code == 200, r.text
    merged = r.json()["entity"]
    assert merged["id"] == merkel and "Emmanuel Macron" in merged["names"]
    assert c.get(f"{API}/entities/{macron}").status_code == 404
    r = c.post(f"{API}/entities/{merkel}/split", json={"name": "Emmanuel Macron"})
    assert r.status_code == 200, r.text
    new = r.json()["entity"]
    assert new["name"] == "Emmanuel Macron" and new["id"] != merkel
    assert "Emmanuel Macron" not in c.get(f"{API}/entities/{merkel}").json()["entity"]["names"]


def test_merge_and_split_errors(fresh: tuple[TestClient, Path]) -> None:
    c, _ = fresh
    merkel, berlin = entity_id(c, "Angela Merkel"), entity_id(c, "Berlin")
    cases = [
        ("merge", {"other": merkel}, 400, "bad_request"),
        ("merge", {"other": berlin}, 409, "conflict"),  # a person is not a place
        ("merge", {"other": 2**40}, 404, "not_found"),
        ("merge", {"other": 0}, 422, "invalid_request"),
        ("split", {"name": "Nobody"}, 404, "not_found"),
        ("split", {"name": ""}, 422, "invalid_request"),
    ]
    for action, body, status, code in cases:
        r = c.post(f"{API}/entities/{merkel}/{action}", json=body)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (action, body)
    r = c.post(f"{API}/entities/{berlin}/split", json={"name": "Berlin"})
    assert (r.status_code, r.json()["error"]["code"]) == (409, "conflict")  # nothing would stay


def test_merge_and_split_forms(fresh: tuple[TestClient, Path]) -> None:
    c, _ = fresh
    merkel, macron = entity_id(c, "Angela Merkel"), entity_id(c, "Emmanuel Macron")
    r = c.post(f"/entities/{merkel}/merge", data={"other": str(macron)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/entities/{merkel}"
    page = c.get(f"/entities/{merkel}").text
    assert "<option>Emmanuel Macron</option>" in page  # now a name that can be split off
    r = c.post(
        f"/entities/{merkel}/split", data={"name": "Emmanuel Macron"}, follow_redirects=False
    )
    assert r.status_code == 303
    new = int(r.headers["location"].rsplit("/", 1)[1])
    assert new != merkel and "Emmanuel Macron" in c.get(f"/entities/{new}").text
    r = c.post(f"/entities/{merkel}/merge", data={"other": str(merkel)})
    assert r.status_code == 400 and "text/html" in r.headers["content-type"]


def test_curation_needs_write_access(tmp_path: Path, analyses: list[Analysis]) -> None:
    db = tmp_path / "public.db"
    fill(db, analyses)
    write = TokenStore(token_file(db)).create("editor", "write")
    c = TestClient(create_app(db, public=True))
    merkel, macron = entity_id(c, "Angela Merkel"), entity_id(c, "Emmanuel Macron")
    page = c.get(f"/entities/{merkel}").text
    assert "Correct the linking" not in page and "/merge" not in page
    r = c.post(f"{API}/entities/{merkel}/merge", json={"other": macron})
    assert r.status_code == 403 and r.json()["error"]["code"] == "read_only"
    r = c.post(f"/entities/{merkel}/merge", data={"other": str(macron)})
    assert r.status_code == 403
    headers = {"authorization": f"Bearer {write}"}
    r = c.post(f"{API}/entities/{merkel}/merge", json={"other": macron}, headers=headers)
    assert r.status_code == 200


# --- exports ---------------------------------------------------------------------------------


def test_export_streams_every_analysis_losslessly(
    client: TestClient, analyses: list[Analysis]
) -> None:
    from scrutiny.export import analysis_from_record

    r = client.get("/api/v1/export")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/x-ndjson")
    back = [analysis_from_record(json.loads(line)) for line in r.text.splitlines()]
    assert {a.document.id for a in back} == {a.document.id for a in analyses}
    assert sorted(back, key=lambda a: a.document.id) == sorted(
        analyses, key=lambda a: a.document.id
    )
    rows = client.get("/api/v1/export", params={"format": "csv"})
    assert rows.status_code == 200 and rows.text.startswith("doc_id,layer,id,start,end")
    assert client.get("/api/v1/export", params={"format": "xml"}).status_code == 422


def test_graph_exports_as_graphml_and_gexf(client: TestClient) -> None:
    import xml.etree.ElementTree as ET

    for fmt, tag in (("graphml", "graphml"), ("gexf", "gexf")):
        r = client.get("/api/v1/graph/export", params={"format": fmt})
        assert r.status_code == 200
        assert ET.fromstring(r.content).tag.endswith(tag)


def test_a_big_entity_s_page_reads_one_page_of_documents(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each document on the page is read whole; an entity named in thousands must not read them
    # all to show its page.
    monkeypatch.setattr("scrutiny.web.corpus.PAGE_DOCUMENTS", 1)
    found = client.get(f"{API}/entities", params={"q": ""}).json()["entities"]
    big = next(e for e in found if e["documents"] >= 2)
    rows = []
    for page in range(1, big["documents"] + 1):
        text = client.get(f"/entities/{big['id']}", params={"page": page}).text
        docs = set(re.findall(r'<td><a href="/documents/(sha256:[0-9a-f]+)">', text))
        assert len(docs) == 1, page
        rows += docs
        assert f"documents {page}–{page} of {big['documents']}" in text
        newer = f'href="/entities/{big["id"]}?page={page + 1}"'
        assert (newer in text) == (page < big["documents"])
    assert len(set(rows)) == big["documents"]  # every document on one page or another
