"""The REST API and the server-rendered pages, through FastAPI's TestClient (no browser)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from helpers import SEED
from scrutiny.errors import AnalyzerError
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.web import create_app
from scrutiny.web.highlight import mark_text, toggles

API = "/api/v1"
HOSTILE = (
    "Angela Merkel spoke in Berlin. <script>window.__xss = 1; alert(1)</script>\n"
    '<img src=x onerror="alert(2)"> <a href="javascript:alert(3)">link</a> '
    '"Quoted <b>bold</b> & more," she said. <style>body{display:none}</style>'
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("web") / "store.db"


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as c:
        yield c


@pytest.fixture(scope="module")
def seed_id(client: TestClient) -> str:
    files = [
        ("files", ("seed.txt", SEED.read_bytes(), "text/plain")),
        ("files", ("junk.bin", b"\x00\x01\x02\x03" * 50, "application/octet-stream")),
    ]
    r = client.post(f"{API}/documents", files=files)
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["added"], body["failed"]) == (1, 1)
    assert body["results"][1]["error"]["code"] == "unsupported_format"
    doc_id: str = body["results"][0]["id"]
    return doc_id


def error_of(r: object) -> dict[str, str]:
    body = r.json()  # type: ignore[attr-defined]
    assert set(body) >= {"error"}, body
    err: dict[str, str] = body["error"]
    assert set(err) == {"code", "message"}
    assert "Traceback" not in err["message"]
    return err


# --- documents -------------------------------------------------------------------------------


def test_upload_again_is_present(client: TestClient, seed_id: str) -> None:
    r = client.post(f"{API}/documents", files=[("files", ("again.txt", SEED.read_bytes()))])
    assert r.status_code == 200
    assert r.json()["results"][0] == {
        "name": "again.txt",
        "status": "present",
        "id": seed_id,
        "title": "The Dangers of Cooperating with Russia",
    }


def test_list_and_get_by_prefix(client: TestClient, seed_id: str) -> None:
    listed = client.get(f"{API}/documents").json()
    assert seed_id in [d["id"] for d in listed["documents"]]
    assert listed["count"] >= 1
    view = client.get(f"{API}/documents/{seed_id[7:19]}").json()
    assert view["schema"] == "scrutiny/1"
    assert view["document"]["id"] == seed_id
    names = {e["name"] for e in view["entities"]}
    assert {"Bishkek", "Kyrgyzstan"} <= names


def test_annotations_slice_the_text(client: TestClient, seed_id: str) -> None:
    text = client.get(f"{API}/documents/{seed_id}").json()["document"]["text"]
    anns = client.get(f"{API}/documents/{seed_id}/annotations").json()["annotations"]
    mentions = [a for a in anns if a["layer"] == "mention"]
    assert mentions
    assert all(0 <= a["start"] <= a["end"] <= len(text) for a in anns)
    assert any(text[a["start"] : a["end"]] == "Bishkek" for a in mentions)


def test_similar_shape(client: TestClient, seed_id: str) -> None:
    body = client.get(f"{API}/documents/{seed_id}/similar").json()
    assert set(body) == {"similar", "shared_passages"}
    assert all(s["id"] != seed_id for s in body["similar"])


def test_unknown_and_malformed_ids(client: TestClient, seed_id: str) -> None:
    r = client.get(f"{API}/documents/sha256:{'0' * 64}")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    r = client.get(f"{API}/documents/abc")
    assert r.status_code == 400 and error_of(r)["code"] == "bad_id"
    r = client.get(f"{API}/documents/not-hex-at-all")
    assert r.status_code == 400 and error_of(r)["code"] == "bad_id"


def test_analyze_text_without_storing(client: TestClient) -> None:
    r = client.post(f"{API}/analyze", json={"text": "Angela Merkel visited Paris on Monday."})
    assert r.status_code == 200
    view = r.json()
    assert {"Angela Merkel", "Paris"} <= {e["name"] for e in view["entities"]}
    gone = client.get(f"{API}/documents/{view['document']['id']}")
    assert gone.status_code == 404


def test_store_then_delete(client: TestClient) -> None:
    text = "Boris Johnson met Emmanuel Macron in London."
    r = client.post(f"{API}/analyze", json={"text": text, "title": "Meeting", "store": True})
    doc_id = r.json()["document"]["id"]
    assert client.get(f"{API}/documents/{doc_id}").json()["document"]["title"] == "Meeting"
    r = client.delete(f"{API}/documents/{doc_id[:20]}")
    assert r.status_code == 400 and error_of(r)["code"] == "full_id_required"
    assert client.delete(f"{API}/documents/{doc_id}").status_code == 204
    assert client.get(f"{API}/documents/{doc_id}").status_code == 404
    assert client.delete(f"{API}/documents/{doc_id}").status_code == 404


# --- search ----------------------------------------------------------------------------------


def test_search_with_facets(client: TestClient, seed_id: str) -> None:
    r = client.get(f"{API}/search", params={"q": "arrested"})
    body = r.json()
    hit = body["hits"][0]
    assert hit["id"] == seed_id
    start, end = hit["matches"][0]
    assert hit["snippet"][start:end].lower() == "arrested"
    types = {f["value"]: f["count"] for f in body["facets"]["entity_type"]}
    assert types["PERSON"] >= 1


def test_search_filters_narrow(client: TestClient, seed_id: str) -> None:
    found = client.get(f"{API}/search", params={"q": "arrested", "entity": "Bishkek"}).json()
    assert [h["id"] for h in found["hits"]] == [seed_id]
    none = client.get(f"{API}/search", params={"q": "arrested", "entity": "Nobody Atall"}).json()
    assert none["hits"] == []
    only = client.get(f"{API}/search", params={"type": "PERSON", "facets": "false"}).json()
    assert seed_id in [h["id"] for h in only["hits"]] and "facets" not in only


def test_search_errors(client: TestClient) -> None:
    r = client.get(f"{API}/search")
    assert r.status_code == 400 and error_of(r)["code"] == "empty_query"
    r = client.get(f"{API}/search", params={"q": "x", "limit": 0})
    assert r.status_code == 422 and error_of(r)["code"] == "invalid_request"
    # FTS5 syntax in the query is just words, never an error.
    r = client.get(f"{API}/search", params={"q": 'NEAR( "a * -b: ^c'})
    assert r.status_code == 200


# --- limits, origin, errors, headers ---------------------------------------------------------


def test_request_size_and_file_count_limits(db: Path) -> None:
    with TestClient(create_app(db, max_request_bytes=2_000, max_files=2)) as small:
        r = small.post(f"{API}/documents", files=[("files", ("big.txt", b"word " * 1_000))])
        assert r.status_code == 413 and error_of(r)["code"] == "too_large"
        files = [("files", (f"{i}.txt", b"hi")) for i in range(3)]
        r = small.post(f"{API}/documents", files=files)
        assert r.status_code == 413 and error_of(r)["code"] == "too_many_files"


def test_text_limit(db: Path) -> None:
    with TestClient(create_app(db, max_text_chars=10)) as small:
        r = small.post(f"{API}/analyze", json={"text": "far more than ten characters"})
        assert r.status_code == 413 and error_of(r)["code"] == "too_large"


def test_cross_site_writes_refused(client: TestClient) -> None:
    for headers in ({"origin": "https://evil.example"}, {"sec-fetch-site": "cross-site"}):
        r = client.post(f"{API}/analyze", json={"text": "hello"}, headers=headers)
        assert r.status_code == 403 and error_of(r)["code"] == "cross_origin"
    same = {"origin": "http://testserver", "sec-fetch-site": "same-origin"}
    assert client.post(f"{API}/analyze", json={"text": "hello"}, headers=same).status_code == 200


def test_crash_is_json_without_trace(db: Path) -> None:
    def explode(doc: Document) -> Analysis:
        raise RuntimeError("secret internals /etc/passwd")

    app = create_app(db, analyse=explode)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = c.post(f"{API}/analyze", json={"text": "anything at all"})
        assert r.status_code == 500
        assert error_of(r) == {"code": "internal_error", "message": "internal error"}
        assert "secret" not in r.text
        assert "script-src 'self'" in r.headers["content-security-policy"]


def test_analyzer_error_is_reported_per_file(db: Path) -> None:
    def fail(doc: Document) -> Analysis:
        raise AnalyzerError("quotes", "confused")

    with TestClient(create_app(db, analyse=fail)) as c:
        r = c.post(f"{API}/documents", files=[("files", ("a.txt", b"A brand new text here."))])
        assert r.status_code == 422
        result = r.json()["results"][0]
        assert result["status"] == "failed"
        assert result["error"]["code"] == "analysis_failed"


def test_security_headers_everywhere(client: TestClient, seed_id: str) -> None:
    for path in ("/documents", f"/documents/{seed_id}", f"{API}/documents", "/missing"):
        csp = client.get(path).headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", csp)
        assert script_src is not None and script_src.group(1) == "'self'", csp
        assert "unsafe-inline" not in csp
    assert client.get("/missing").status_code == 404
    assert "/api/v1/search" in client.get("/openapi.json").json()["paths"]


# --- pages -----------------------------------------------------------------------------------


def test_pages_render(client: TestClient, seed_id: str) -> None:
    assert "The Dangers of Cooperating with Russia" in client.get("/documents").text
    page = client.get(f"/documents/{seed_id}").text
    assert 'class="m c' in page and 'class="finding"' in page
    assert "confidence" in page  # hover text of findings
    search = client.get("/search", params={"q": "arrested"}).text
    assert "<mark>arrested</mark>" in search
    assert "/search?q=arrested&amp;type=PERSON" in search  # a facet link


def test_hostile_text_is_escaped(client: TestClient) -> None:
    r = client.post(
        "/upload",
        data={"text": HOSTILE, "title": "<img src=x onerror=alert(9)>"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"]).text
    assert "<script>window" not in page and "<img src=x" not in page
    assert "&lt;script&gt;window.__xss" in page
    assert "&lt;img src=x onerror=alert(9)&gt;" in page  # the title, shown as text


def test_upload_page_needs_something(client: TestClient) -> None:
    r = client.post("/upload", data={"text": "  "})
    assert r.status_code == 422 and "choose a file" in r.text


# --- highlight markup ------------------------------------------------------------------------


def _ann(i: int, layer: str, start: int, end: int, label: str = "x") -> Annotation:
    return Annotation(f"a{i}", layer, Span(start, end), label, "test", "1")


def test_overlapping_marks_keep_the_text() -> None:
    text = 'He said "<b>Kyiv</b> & Rome" today.'
    anns = [
        _ann(1, "quote", 8, 28),
        _ann(2, "mention", 12, 16, "GPE"),
        _ann(3, "mention", 23, 27, "GPE"),
        _ann(4, "claim", 0, 28),
        _ann(5, "sentence", 0, len(text)),  # hidden layer: not drawn
        _ann(6, "claim", 30, 30),  # empty span: nothing to draw
    ]
    keys = {t.key: t for t in toggles(anns)}
    assert sorted(keys) == ["claim", "mention:GPE", "quote"]
    markup = str(mark_text(text, anns, keys))
    assert html.unescape(re.sub(r"<[^>]+>", "", markup)) == text
    assert "<b>" not in markup
    kyiv = re.search(r'data-k="([\d ]+)" data-o="12" data-e="16"', markup)
    assert kyiv is not None
    # Innermost first: the mention, then the quote, then the claim.
    order = [keys["mention:GPE"].index, keys["quote"].index, keys["claim"].index]
    assert kyiv.group(1).split() == [str(i) for i in order]
