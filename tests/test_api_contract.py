"""Contract tests: schemathesis generates requests from the app's own OpenAPI description and
checks every answer against it (status codes, content types, response schemas, no 500s).

The app runs in-process over ASGI (no network, no server), locked by a write token that every
generated request carries, so schemathesis also checks that a wrong or missing token is refused.
Analysis is replaced by a stub so that generated uploads cost nothing; the store is seeded with
three real analyses (tests/web_samples.py) so that the read routes have entities, a graph and
a timeline to answer with.
Examples per operation are bounded so that the whole module stays well under a minute.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from schemathesis import AuthContext, Case, CheckFunction
    from starlette.applications import Starlette

pytest.importorskip("schemathesis", reason="needs schemathesis (dev extra)")

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from scrutiny.model import Analysis, Document
from scrutiny.web import create_app
from scrutiny.web.tokens import TokenStore, token_file
from web_samples import fill, sample_analyses

EXAMPLES = 12  # per operation and phase; enough to reach each error path we know of


# Removed when the interpreter exits (or the module is collected), not left in /tmp.
_FOLDER = tempfile.TemporaryDirectory(prefix="scrutiny-contract-")


def _stub(doc: Document) -> Analysis:
    return Analysis(doc, ())


def _app() -> tuple[Starlette, str]:
    """The app over a seeded store, and a write token for it."""
    # Module level, not a fixture: schemathesis reads the schema when the tests are collected.
    db = Path(_FOLDER.name) / "store.db"
    fill(db, sample_analyses())
    token = TokenStore(token_file(db)).create("contract tests", "write")
    return create_app(db, analyse=_stub), token


APP, TOKEN = _app()
STATUSES: dict[str, set[int]] = {}  # operation → status codes its generated requests got
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.auth()
class WriteToken:
    """Every generated request carries the write token, unless schemathesis is testing what
    happens without one (it then expects 401, which the app answers)."""

    def get(self, case: Case[Any], ctx: AuthContext) -> str:
        return TOKEN

    def set(self, case: Case[Any], data: str, ctx: AuthContext) -> None:
        case.headers["Authorization"] = f"Bearer {data}"


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same requests every run: a failure is reproducible
    database=None,  # nothing to remember between runs, then
)
def test_api_matches_its_description(case: Case[Any]) -> None:
    response = case.call_and_validate(excluded_checks=_not_applicable(case))
    STATUSES.setdefault(case.operation.label, set()).add(response.status_code)


def _not_applicable(case: Case[Any]) -> list[CheckFunction]:
    # Requests the schema allows but the API refuses by design, each with a documented error:
    # a search with neither words nor filters (400 empty_query), a delete by prefix (400
    # full_id_required), an upload whose every file is empty or unreadable (422 with the
    # summary). Every other check still applies to them: no 500s, documented statuses only.
    excluded: list[CheckFunction] = [positive_data_acceptance]
    if (case.media_type or "").startswith("multipart/"):
        # A file part is bytes whatever schemathesis meant to put in it: a "wrong type" for a
        # binary field is still a file, rightly accepted.
        excluded.append(negative_data_rejection)
    return excluded


def test_generated_requests_got_past_the_token_check() -> None:
    # Were every request refused (a token that never reached the app), each check above would
    # pass on 401s alone: this one proves that the read routes were really exercised.
    if not STATUSES:
        pytest.skip("run with the contract tests above")
    # Reads without a path parameter (generated ids name nothing, and rightly get 404 or 400).
    reads = {op: c for op, c in STATUSES.items() if op.startswith("GET ") and "{" not in op}
    assert len(reads) >= 6, reads
    assert all(any(200 <= c < 300 for c in codes) for codes in reads.values()), reads
