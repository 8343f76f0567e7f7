"""Rate limits per client: the token bucket on a fake clock, and 429s through the app."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from scrutiny.model import Analysis, Document
from scrutiny.web import create_app
from scrutiny.web.cli import serve
from scrutiny.web.ratelimit import RateLimit, RateLimiter, retry_after
from scrutiny.web.tokens import TokenStore, token_file

DOCS = "/api/v1/documents"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def _stub(doc: Document) -> Analysis:
    return Analysis(doc, ())


def test_parse() -> None:
    assert RateLimit.parse("10/s") == RateLimit(10.0, 10)
    assert RateLimit.parse("120/min", 5) == RateLimit(2.0, 5)
    assert RateLimit.parse("1/h").burst == 1
    for bad in ("10", "ten/s", "10/fortnight", "0/s", "-1/s", "1e400/s"):
        with pytest.raises(ValueError):
            RateLimit.parse(bad)
    with pytest.raises(ValueError):
        RateLimit(1.0, 0)


def test_a_burst_over_the_limit_waits_for_the_next_token() -> None:
    clock = Clock()
    limiter = RateLimiter(RateLimit(2.0, 3), clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(0.5)
    assert limiter.take("b") == 0.0  # another client has its own bucket
    clock.now += 0.5
    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0
    clock.now += 100  # a quiet spell refills up to the burst, not beyond
    assert [limiter.take("a") for _ in range(4)].count(0.0) == 3


def test_forgotten_clients_start_full() -> None:
    limiter = RateLimiter(RateLimit(1.0, 1), clock=Clock(), max_clients=2)
    assert limiter.take("a") == 0.0
    assert limiter.take("a") > 0
    limiter.take("b")
    limiter.take("c")  # evicts "a", the least recent
    assert limiter.take("a") == 0.0


def test_retry_after_is_whole_seconds() -> None:
    assert [retry_after(w) for w in (0.01, 1.0, 1.2)] == ["1", "1", "2"]


def _app(db: Path, clock: Clock, **kwargs: object) -> TestClient:
    app = create_app(db, analyse=_stub, rate_limit=RateLimit(1.0, 3), **kwargs)
    app.state.limiter._clock = clock  # the app's own limiter, on a clock the test moves
    return TestClient(app)


def test_tokens_are_limited_apart(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    tokens = TokenStore(token_file(db))
    first, second = (tokens.create(n, "read") for n in ("first", "second"))
    clock = Clock()
    with _app(db, clock) as c:

        def status(token: str) -> int:
            return c.get(DOCS, headers={"Authorization": f"Bearer {token}"}).status_code

        assert [status(first) for _ in range(4)] == [200, 200, 200, 429]
        refused = c.get(DOCS, headers={"Authorization": f"Bearer {first}"})
        assert refused.json()["error"]["code"] == "rate_limited"
        assert refused.headers["Retry-After"] == "1"
        assert status(second) == 200  # the other token is not held up
        clock.now += 1.0  # the next window passes
        assert status(first) == 200
        assert status(first) == 429
        # Static assets come with a page and are never refused.
        assert c.get("/static/app.css").status_code == 200


def test_anonymous_readers_are_limited_by_address(tmp_path: Path) -> None:
    clock = Clock()
    with _app(tmp_path / "s.db", clock, public=True) as c:
        assert [c.get(DOCS).status_code for _ in range(4)] == [200, 200, 200, 429]
        page = c.get("/documents")
        assert page.status_code == 429  # pages too, as an HTML error page
        assert "text/html" in page.headers["content-type"]
        clock.now += 3.0
        assert [c.get(DOCS).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_bad_tokens_are_limited_too(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    TokenStore(token_file(db)).create("someone", "write")
    with _app(db, Clock()) as c:
        guesses = [
            c.get(DOCS, headers={"Authorization": f"Bearer scr_guess{i}_x"}).status_code
            for i in range(5)
        ]
    assert guesses == [401, 401, 401, 429, 429]


def test_no_limit_by_default(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "s.db", analyse=_stub)) as c:
        assert {c.get(DOCS).status_code for _ in range(30)} == {200}


def test_serve_refuses_a_bad_rate(tmp_path: Path) -> None:
    result = CliRunner().invoke(serve, ["--rate", "lots"], obj={"db": str(tmp_path / "s.db")})
    assert result.exit_code == 2
    assert "N/s" in result.output
