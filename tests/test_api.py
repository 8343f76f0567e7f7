"""The REST API and the server-rendered pages, through FastAPI's TestClient (no browser)."""

from __future__ import annotations

import html
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from helpers import SEED
from scrutiny.errors import AnalyzerError
from scrutiny.model import Analysis, Annotation, Document, Span
from scrutiny.web import create_app
from scrutiny.web.cli import token
from scrutiny.web.highlight import mark_text, toggles
from scrutiny.web.jobs import MAX_PENDING
from scrutiny.web.tokens import TokenError, TokenStore, token_file

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
    assert sorted(keys) == ["claim:other claims", "mention:GPE", "quote"]
    markup = str(mark_text(text, anns, keys))
    assert html.unescape(re.sub(r"<[^>]+>", "", markup)) == text
    assert "<b>" not in markup
    kyiv = re.search(r'data-k="([\d ]+)" data-o="12" data-e="16"', markup)
    assert kyiv is not None
    # Innermost first: the mention, then the quote, then the claim.
    order = [keys["mention:GPE"].index, keys["quote"].index, keys["claim:other claims"].index]
    assert kyiv.group(1).split() == [str(i) for i in order]


def test_techniques_and_signals_toggle_per_label_and_claims_by_checkworthiness() -> None:
    from dataclasses import replace

    worthy = replace(_ann(1, "claim", 0, 4), attrs={"checkworthiness": 0.9})
    weak = replace(_ann(2, "claim", 5, 9), attrs={"checkworthiness": 0.1})
    anns = [
        worthy,
        weak,
        _ann(3, "technique", 0, 4, "Doubt"),
        _ann(4, "technique", 5, 9, "Loaded_Language"),
        _ann(5, "signal", 0, 4, "threat"),
    ]
    assert sorted(t.key for t in toggles(anns)) == [
        "claim:check-worthy",
        "claim:other claims",
        "signal:threat",
        "technique:Doubt",
        "technique:Loaded_Language",
    ]


# --- tokens ----------------------------------------------------------------------------------


def test_token_store(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "t.json")
    secret = tokens.create("ci", "write")
    assert secret.startswith("scr_") and tokens.check(secret) == "write"
    assert tokens.check(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    for junk in ("", "scr_", "scr__", "Bearer x", "scr_zzzz_" + "x" * 40):
        assert tokens.check(junk) is None
    stored = (tmp_path / "t.json").read_text()
    assert secret.split("_", 2)[2] not in stored  # only the hash is kept
    assert (tmp_path / "t.json").stat().st_mode & 0o077 == 0
    [record] = tokens.records()
    assert record.public() == {
        "id": record.id,
        "name": "ci",
        "scope": "write",
        "created": record.created,
    }
    tokens.revoke(record.id)
    assert tokens.check(secret) is None
    with pytest.raises(TokenError):
        tokens.revoke(record.id)


@pytest.fixture
def locked(tmp_path: Path) -> tuple[TestClient, str, str]:
    """A server whose store has a read and a write token (so every request needs one)."""
    db = tmp_path / "locked.db"
    tokens = TokenStore(token_file(db))
    read, write = tokens.create("reader", "read"), tokens.create("writer", "write")
    return TestClient(create_app(db)), read, write


def _bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def test_tokens_guard_the_api(locked: tuple[TestClient, str, str]) -> None:
    c, read, write = locked
    r = c.get(f"{API}/documents")
    assert r.status_code == 401 and error_of(r)["code"] == "unauthorized"
    assert r.headers["www-authenticate"] == "Bearer"
    assert c.get(f"{API}/documents", headers=_bearer("scr_dead_beef")).status_code == 401
    assert c.get(f"{API}/documents", headers=_bearer(read)).status_code == 200
    body = {"text": "Olaf Scholz spoke in Hamburg."}
    r = c.post(f"{API}/analyze", json=body, headers=_bearer(read))
    assert r.status_code == 403 and error_of(r)["code"] == "read_only"
    assert c.post(f"{API}/analyze", json=body, headers=_bearer(write)).status_code == 200
    assert c.get("/openapi.json").status_code == 200  # the description stays readable


def test_login_sets_a_strict_cookie(locked: tuple[TestClient, str, str]) -> None:
    c, read, _ = locked
    r = c.get("/documents", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fdocuments"
    assert c.post("/login", data={"token": "scr_no_pe"}).status_code == 401
    r = c.post("/login", data={"token": read, "next": "//evil.example/x"}, follow_redirects=False)
    assert r.headers["location"] == "/documents"  # never an open redirect
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    page = c.get("/documents")
    assert page.status_code == 200 and 'href="/upload"' not in page.text and "Log out" in page.text
    r = c.post("/upload", data={"text": "A text for a reader."})
    assert r.status_code == 403 and "write access" in r.text
    c.post("/logout")
    assert c.get("/documents", follow_redirects=False).status_code == 303


def test_public_mode_reads_without_token(tmp_path: Path) -> None:
    db = tmp_path / "public.db"
    write = TokenStore(token_file(db)).create("admin", "write")
    c = TestClient(create_app(db, public=True))
    assert c.get(f"{API}/documents").status_code == 200
    assert c.get("/documents").status_code == 200
    assert c.get(f"{API}/jobs").status_code == 403  # uploads' file names stay private
    r = c.post(f"{API}/analyze", json={"text": "Hello there."})
    assert r.status_code == 403 and error_of(r)["code"] == "read_only"
    ok = c.post(f"{API}/analyze", json={"text": "Hello there."}, headers=_bearer(write))
    assert ok.status_code == 200


def test_new_token_locks_a_running_open_server(tmp_path: Path) -> None:
    db = tmp_path / "open.db"
    c = TestClient(create_app(db))
    assert c.get(f"{API}/documents").status_code == 200
    token = TokenStore(token_file(db)).create("late", "read")
    assert c.get(f"{API}/documents").status_code == 401
    assert c.get(f"{API}/documents", headers=_bearer(token)).status_code == 200


def test_token_commands(tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    runner = CliRunner()
    made = runner.invoke(token, ["create", "--scope", "write", "--name", "ci"], obj={"db": db})
    assert made.exit_code == 0, made.output
    secret = made.output.strip()
    assert TokenStore(token_file(db)).check(secret) == "write"
    listed = runner.invoke(token, ["list"], obj={"db": db})
    token_id = secret.split("_")[1]
    assert token_id in listed.output and "write" in listed.output and secret not in listed.output
    assert runner.invoke(token, ["revoke", token_id], obj={"db": db}).exit_code == 0
    assert runner.invoke(token, ["revoke", token_id], obj={"db": db}).exit_code == 3


# --- background jobs -------------------------------------------------------------------------


def test_job_runs_a_batch(client: TestClient) -> None:
    files = [
        ("files", ("one.txt", b"Emmanuel Macron spoke in Lyon on Friday.")),
        ("files", ("two.txt", b"Giorgia Meloni visited Tunis.")),
        ("files", ("three.bin", b"\x00\x01\x02\x03" * 20)),
    ]
    r = client.post(f"{API}/jobs", files=files)
    assert r.status_code == 202
    job_id = r.json()["id"]
    assert r.json()["files_total"] == 3
    job = client.app.state.jobs.get(job_id)  # type: ignore[attr-defined]
    assert client.app.state.jobs.wait(job, 60)  # type: ignore[attr-defined]
    body = client.get(f"{API}/jobs/{job_id}").json()
    assert (body["status"], body["files_done"]) == ("done", 3)
    assert [x["status"] for x in body["results"]] == ["added", "added", "failed"]
    assert client.get(f"{API}/documents/{body['results'][0]['id']}").status_code == 200
    assert job_id in [j["id"] for j in client.get(f"{API}/jobs").json()["jobs"]]
    assert client.get(f"{API}/jobs/nope").status_code == 404
    assert 'id="job-progress"' in client.get(f"/jobs/{job_id}").text


def test_job_queue_is_bounded(tmp_path: Path) -> None:
    release = threading.Event()

    def slow(doc: Document) -> Analysis:
        release.wait(30)
        return Analysis(doc, ())

    c = TestClient(create_app(tmp_path / "busy.db", analyse=slow))
    jobs = c.app.state.jobs  # type: ignore[attr-defined]

    def submit(i: int) -> int:
        files = [("files", (f"{i}.txt", f"text number {i}".encode()))]
        code: int = c.post(f"{API}/jobs", files=files).status_code
        return code

    assert submit(0) == 202
    running = jobs.recent()[0]
    while running.status == "queued":  # let the worker take it, so the queue is empty again
        time.sleep(0.02)
    codes = [submit(i) for i in range(1, MAX_PENDING + 2)]
    release.set()
    assert codes == [202] * MAX_PENDING + [503]
    assert jobs.wait(running, 30) and running.status == "done"


# --- corpus views ----------------------------------------------------------------------------


def test_corpus_entities(client: TestClient, seed_id: str) -> None:
    found = client.get(f"{API}/entities", params={"q": "Bishkek"}).json()["entities"]
    assert found[0]["name"] == "Bishkek" and found[0]["type"] == "GPE"
    entity_id = found[0]["id"]
    details = client.get(f"{API}/entities/{entity_id}").json()
    assert [d["doc_id"] for d in details["documents"]] == [seed_id]
    assert "Kyrgyzstan" in {r["entity"]["name"] for r in details["related"]}
    page = client.get(f"/entities/{entity_id}").text
    assert "Kyrgyzstan" in page and f"/documents/{seed_id}" in page
    assert "Bishkek" in client.get("/entities", params={"q": "bishkek"}).text
    r = client.get(f"{API}/entities/{2**40}")
    assert r.status_code == 404 and error_of(r)["code"] == "not_found"
    assert client.get(f"{API}/entities/0").status_code == 422
    edges = client.get(f"{API}/graph", params={"entity": entity_id}).json()["edges"]
    assert edges and all(entity_id in (e["source"], e["target"]) for e in edges)


def test_claims_views(client: TestClient, seed_id: str) -> None:
    assert "clusters" in client.get(f"{API}/claims").json()
    assert client.get("/claims").status_code == 200
    assert client.get(f"{API}/claims", params={"min_documents": 0}).status_code == 422


# --- found by the contract tests (tests/test_api_contract.py) --------------------------------


def test_405_names_every_method_of_the_path(client: TestClient) -> None:
    r = client.request("TRACE", f"{API}/documents")
    assert r.status_code == 405 and error_of(r)["code"] == "method_not_allowed"
    assert set(r.headers["allow"].split(", ")) >= {"GET", "POST"}  # two routes, one path
    r = client.options(f"{API}/documents/abcdef")
    assert set(r.headers["allow"].split(", ")) >= {"GET", "DELETE"}


def test_huge_integers_are_invalid_not_a_crash(client: TestClient) -> None:
    for path, params in [
        ("/graph", {"min_weight": 2**63}),
        ("/documents", {"offset": 2**63}),
    ]:
        r = client.get(f"{API}{path}", params=params)
        assert r.status_code == 422 and error_of(r)["code"] == "invalid_request", path


def test_analyze_store_flag_is_a_real_boolean(client: TestClient) -> None:
    r = client.post(f"{API}/analyze", json={"text": "Hello.", "store": 0})
    assert r.status_code == 422 and "store" in error_of(r)["message"]


def test_docs_is_a_reference_that_works_offline(client: TestClient) -> None:
    r = client.get("/docs")
    assert r.status_code == 200
    csp = r.headers["content-security-policy"]
    assert "cdn" not in csp and "script-src 'self'" in csp  # nothing from elsewhere
    spec = client.get("/openapi.json").json()
    for path in spec["paths"]:
        assert f"<code>{html.escape(path)}</code>" in r.text, path
    assert "≤ 500" in r.text  # bounds come from the description (entities' limit)
    assert "MergeIn" not in r.text and "<code>other</code>" in r.text  # body fields unfolded
    swagger = client.get("/docs/swagger")
    assert "cdn.jsdelivr.net" in swagger.headers["content-security-policy"]
    assert "href=/docs>" in swagger.text  # offline, it points at the reference


def test_docs_needs_no_token(locked: tuple[TestClient, str, str]) -> None:
    c, _, _ = locked
    assert c.get("/docs").status_code == 200
    assert c.get("/docs/swagger").status_code == 200
    assert c.get("/graph", follow_redirects=False).status_code == 303  # pages still do


def test_a_server_store_keeps_its_tokens_in_the_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    url = "postgresql://analyst:s3cret@db.example/scrutiny"
    path = token_file(url)
    assert path.parent == tmp_path / "config" / "scrutiny"
    assert "s3cret" not in str(path) and "db.example" not in str(path)
    assert token_file(url) == path and token_file(url + "2") != path
    assert token_file(tmp_path / "s.db") == tmp_path / "s.db.tokens.json"
