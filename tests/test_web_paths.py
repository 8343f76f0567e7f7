"""Ingesting files already on the server (POST /api/v1/paths, serve --allow-path).

The allowed folder holds ordinary files, a hidden one, links leading outside (to a file and to a
folder), a link loop and a FIFO; next to it lies a folder with a secret. Every escape attempt
must be refused with a JSON 403 that names nothing outside the allowed folder, and the secret
must never be read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from scrutiny.model import Analysis, Document
from scrutiny.web import create_app
from scrutiny.web.cli import serve
from scrutiny.web.paths import Found, expand, loader, resolve_roots
from scrutiny.web.tokens import TokenStore, token_file

ROUTE = "/api/v1/paths"
SECRET = "TOP SECRET payroll figures"


def _stub(doc: Document) -> Analysis:
    return Analysis(doc, ())


@pytest.fixture
def tree(tmp_path: Path) -> tuple[Path, Path]:
    root, outside = tmp_path / "allowed", tmp_path / "outside"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.txt").write_text(SECRET)
    (root / "a.txt").write_text("The mayor opened the new bridge on Monday.")
    (root / "sub" / "b.txt").write_text("The council approved the budget for next year.")
    (root / "sub" / ".hidden.txt").write_text("Not to be ingested: hidden.")
    (root / "link_out").symlink_to(outside / "secret.txt")
    (root / "dirlink_out").symlink_to(outside, target_is_directory=True)
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    os.mkfifo(root / "pipe")
    return root, outside


@pytest.fixture
def client(tree: tuple[Path, Path], tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(tmp_path / "store.db", analyse=_stub, allowed_paths=[tree[0]])
    with TestClient(app) as c:
        yield c


def _finished(client: TestClient, job: dict[str, Any]) -> dict[str, Any]:
    queued = client.app.state.jobs.get(job["id"])  # type: ignore[attr-defined]
    assert client.app.state.jobs.wait(queued, 10)  # type: ignore[attr-defined]
    r = client.get(f"/api/v1/jobs/{job['id']}")
    assert r.status_code == 200
    body: dict[str, Any] = r.json()
    return body


def _leaks(text: str, outside: Path) -> bool:
    return str(outside) in text or SECRET in text or "secret" in text


def test_a_relative_file_is_ingested_as_a_job(client: TestClient) -> None:
    r = client.post(ROUTE, json={"paths": ["a.txt"]})
    assert r.status_code == 202, r.text
    job = _finished(client, r.json())
    assert job["status"] == "done"
    assert [(x["name"], x["status"]) for x in job["results"]] == [("a.txt", "added")]
    docs = client.get("/api/v1/documents").json()["documents"]
    assert [d["title"] for d in docs] == ["a.txt"]


def test_a_folder_is_walked_without_leaving_the_root(
    client: TestClient, tree: tuple[Path, Path]
) -> None:
    root, outside = tree
    r = client.post(ROUTE, json={"paths": [f"file://{root}"]})
    assert r.status_code == 202, r.text
    job = _finished(client, r.json())
    by_name = {x["name"]: x for x in job["results"]}
    # The loop is entered at most once, the hidden file and the FIFO are skipped.
    assert sorted(n for n, x in by_name.items() if x["status"] == "added") == [
        "a.txt",
        "sub/b.txt",
    ]
    refused = {n: x["error"]["code"] for n, x in by_name.items() if x["status"] == "failed"}
    assert refused == {
        "dirlink_out": "path_not_allowed",
        "link_out": "path_not_allowed",
    }
    assert not _leaks(json.dumps(job), outside)


@pytest.mark.parametrize(
    "given",
    [
        "../outside/secret.txt",
        "sub/../../outside/secret.txt",
        "link_out",
        "dirlink_out/secret.txt",
        "dirlink_out",
        "/etc/passwd",
        "file:///etc/passwd",
        "/nonexistent/anywhere.txt",  # refused, not "not found": no oracle for outside paths
        "{outside}/secret.txt",
        "file://{root}/%2e%2e/outside/secret.txt",
        "file://localhost{root}/../outside",
    ],
)
def test_escapes_are_refused_without_naming_outside_paths(
    client: TestClient, tree: tuple[Path, Path], given: str
) -> None:
    root, outside = tree
    path = given.format(root=root, outside=outside)
    r = client.post(ROUTE, json={"paths": ["a.txt", path]})
    assert r.status_code == 403, r.text
    assert r.json()["error"] == {
        "code": "path_not_allowed",
        "message": "paths[1] is outside the allowed folders",
    }
    assert not _leaks(r.text, outside)
    assert client.get("/api/v1/documents").json()["count"] == 0  # nothing was started


@pytest.mark.parametrize(
    ("given", "status"),
    [
        ("http://example.org/a.txt", 400),
        ("file://otherhost/a.txt", 400),
        ("a\x00.txt", 400),
        ("pipe", 400),
        ("missing.txt", 404),
    ],
)
def test_bad_paths_inside(client: TestClient, given: str, status: int) -> None:
    r = client.post(ROUTE, json={"paths": [given]})
    assert r.status_code == status, r.text
    assert "paths[0]" in r.json()["error"]["message"]


def test_body_is_validated(client: TestClient) -> None:
    assert client.post(ROUTE, json={"paths": []}).status_code == 422
    assert client.post(ROUTE, json={"paths": ["x" * 5_000]}).status_code == 422
    assert client.post(ROUTE, json=["a.txt"]).status_code == 422


def test_no_allowed_path_means_no_route(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "s.db", analyse=_stub)) as c:
        r = c.post(ROUTE, json={"paths": ["/etc/passwd"]})
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"


def test_writing_is_needed(tree: tuple[Path, Path], tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    read = TokenStore(token_file(db)).create("reader", "read")
    app = create_app(db, analyse=_stub, public=True, allowed_paths=[tree[0]])
    with TestClient(app) as c:
        anonymous = c.post(ROUTE, json={"paths": ["a.txt"]})
        reader = c.post(
            ROUTE, json={"paths": ["a.txt"]}, headers={"Authorization": f"Bearer {read}"}
        )
    assert (anonymous.status_code, reader.status_code) == (403, 403)
    assert reader.json()["error"]["code"] == "read_only"


def test_too_many_files(tree: tuple[Path, Path], tmp_path: Path) -> None:
    app = create_app(tmp_path / "s.db", analyse=_stub, allowed_paths=[tree[0]], max_path_files=1)
    with TestClient(app) as c:
        r = c.post(ROUTE, json={"paths": ["."]})
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "too_many_files"


def _swap(target: Path, link_to: Path) -> None:
    moved = target.with_name(target.name + ".old")
    target.rename(moved)
    target.symlink_to(link_to, target_is_directory=link_to.is_dir())


def test_a_file_swapped_for_a_link_after_the_check_is_not_read(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    roots = resolve_roots([root])
    (found,) = expand(["a.txt"], roots, 10)
    _swap(root / "a.txt", outside / "secret.txt")
    result = loader(found, roots, 1_000)()
    assert not isinstance(result, bytes)
    assert result.status == "failed"
    assert SECRET not in json.dumps(result.to_dict())


def test_a_folder_swapped_for_a_link_after_the_check_is_not_read(tree: tuple[Path, Path]) -> None:
    root, outside = tree
    (outside / "b.txt").write_text(SECRET)
    roots = resolve_roots([root])
    (found,) = expand(["sub/b.txt"], roots, 10)
    _swap(root / "sub", outside)
    result = loader(found, roots, 1_000)()
    assert not isinstance(result, bytes)
    assert result.error_code == "path_not_allowed"


def test_a_file_over_the_size_limit_is_not_read(tree: tuple[Path, Path]) -> None:
    roots = resolve_roots([tree[0]])
    (found,) = expand(["a.txt"], roots, 10)
    result = loader(found, roots, 10)()
    assert not isinstance(result, bytes)
    assert result.error_code == "too_large"
    assert loader(found, roots, 1_000)() == (tree[0] / "a.txt").read_bytes()


def test_found_names_are_relative(tree: tuple[Path, Path]) -> None:
    # sub/loop leads back to the root, which is allowed: its files are named from the root.
    roots = resolve_roots([tree[0]])
    found = expand(["sub"], roots, 10)
    assert [f.name for f in found if f.path] == ["sub/b.txt", "a.txt"]
    assert all(isinstance(f, Found) and not f.name.startswith("/") for f in found)


def test_serve_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        serve, ["--allow-path", str(tmp_path / "nope")], obj={"db": str(tmp_path / "s.db")}
    )
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_several_allowed_folders(tree: tuple[Path, Path], tmp_path: Path) -> None:
    root, outside = tree
    second = tmp_path / "inbox"
    second.mkdir()
    (second / "c.txt").write_text("The minister resigned on Friday.")
    roots = resolve_roots([root, second])
    assert [f.name for f in expand([str(second / "c.txt"), "a.txt"], roots, 10)] == [
        "c.txt",
        "a.txt",
    ]
    with pytest.raises(Exception, match="outside") as refused:
        expand([f"{second}/../outside/secret.txt"], roots, 10)
    assert str(outside) not in str(refused.value)
