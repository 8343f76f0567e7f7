"""The web UI in a real browser: headless Chromium driven by Playwright against a live server.

Set SCRUTINY_SCREENSHOTS=docs/img to refresh the screenshots in the documentation.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import SEED

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        "needs Debian's /usr/bin/chromium (`make system-deps` installs it)", allow_module_level=True
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (dev extra)")
uvicorn = pytest.importorskip("uvicorn")

from scrutiny.web import create_app  # noqa: E402 - after the skips, which need no FastAPI

Page = Any  # playwright's Page; its type stubs are not worth a hard import here
HOSTILE = (
    "Angela Merkel spoke in Berlin on Monday.\n"
    "<script>window.__xss = 1; alert('script')</script>\n"
    "<img src=x onerror=\"window.__xss = 2; alert('img')\">\n"
    '<a href="javascript:window.__xss = 3">a javascript: link</a>\n'
    "<style>body { display: none }</style><div style=\"background:url('x')\">css</div>\n"
    '"We will <svg onload=alert(5)> never give in," Merkel said.'
)
HOSTILE_NAME = "<img src=x onerror=window.__xss=1;alert(1)>.txt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _serve(db: Path) -> tuple[Any, str]:
    """Start uvicorn over ``db`` on a free port in a thread; the server and its URL."""
    port = _free_port()
    config = uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "server did not start"
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server, url = _serve(tmp_path_factory.mktemp("ui") / "store.db")
    yield url
    server.should_exit = True


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 860})
    pg = context.new_page()
    pg.dialogs = []  # every alert/confirm a page opens; XSS tests expect none
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    yield pg
    context.close()


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("SCRUTINY_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name))


@pytest.fixture(scope="module")
def seed_url(browser: Any, base_url: str) -> str:
    """Upload the seed through the upload page once; the URL of its document view."""
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(f"{base_url}/upload")
    pg.set_input_files("#files", str(SEED))
    pg.click("form.upload button[type=submit]")
    pg.wait_for_url("**/documents/sha256:*")
    url: str = pg.url
    context.close()
    return url


def test_upload_shows_analysis(page: Page, base_url: str, seed_url: str) -> None:
    page.goto(seed_url)
    assert page.locator("h1").inner_text() == "The Dangers of Cooperating with Russia"
    assert page.locator("#doc-text span.m").count() > 50
    layers = page.locator("#layers label").all_inner_texts()
    assert any(t.strip().startswith("PERSON") for t in layers), layers
    assert any(t.strip().startswith("quote") for t in layers)
    assert page.locator("details[data-layer=entity] button.finding").count() > 5
    shoot(page, "document.png")
    page.goto(f"{base_url}/documents")
    assert page.locator("table.docs a", has_text="Cooperating with Russia").count() == 1
    shoot(page, "documents.png")
    page.goto(f"{base_url}/upload")
    shoot(page, "upload.png")


def _background(page: Page, selector: str) -> str:
    colour: str = page.eval_on_selector(selector, "el => getComputedStyle(el).backgroundColor")
    return colour


def test_toggle_layer(page: Page, seed_url: str) -> None:
    page.goto(seed_url)
    box = page.locator("#layers label", has_text="PERSON").locator("input")
    key = box.get_attribute("data-key")
    # A run covered only by PERSON mentions: hiding the layer leaves it uncoloured.
    only = f'#doc-text span.m[data-k="{key}"]'
    assert page.locator(only).count() > 0
    before = _background(page, only)
    assert before != "rgba(0, 0, 0, 0)"
    box.uncheck()
    assert _background(page, only) == "rgba(0, 0, 0, 0)"
    assert page.locator(f"{only}.off").count() == page.locator(only).count()
    box.check()
    assert _background(page, only) == before


def test_click_finding_highlights_span(page: Page, seed_url: str) -> None:
    page.goto(seed_url)
    finding = page.locator("details[data-layer=quote] button.finding").first
    start, end = int(finding.get_attribute("data-start")), int(finding.get_attribute("data-end"))
    assert "confidence" in finding.get_attribute("title")  # the hover text
    assert "quotes" in finding.get_attribute("title")  # names the analyzer
    finding.click()
    focused = page.locator("#doc-text span.m.focus")
    assert focused.count() >= 1
    offsets = [
        (int(el.get_attribute("data-o")), int(el.get_attribute("data-e"))) for el in focused.all()
    ]
    assert min(o for o, _ in offsets) <= start and max(e for _, e in offsets) >= end
    assert all(o < end and e > start for o, e in offsets)
    page.wait_for_timeout(600)  # smooth scrolling
    assert focused.first.is_visible()
    box = focused.first.bounding_box()
    assert box is not None and 0 <= box["y"] <= 860
    assert finding.get_attribute("aria-current") == "true"


def test_keyboard_reaches_findings(page: Page, seed_url: str) -> None:
    page.goto(seed_url)
    first = page.locator("button.finding").first
    first.focus()
    page.keyboard.press("Enter")
    assert page.locator("#doc-text span.m.focus").count() >= 1


def test_search_with_facet(page: Page, base_url: str, seed_url: str) -> None:
    page.goto(f"{base_url}/search")
    page.fill("#q", "arrested")
    page.press("#q", "Enter")
    page.wait_for_url("**/search?q=arrested*")
    assert page.locator("li.hit").count() == 1
    assert page.locator("li.hit mark").first.inner_text().lower() == "arrested"
    page.locator(".facet a.facet-link", has_text="PERSON").click()
    page.wait_for_url("**type=PERSON*")
    assert page.locator(".active-filters .chip", has_text="type: PERSON").count() == 1
    assert page.locator("a.facet-link.active", has_text="PERSON").count() == 1
    assert page.locator("li.hit").count() == 1
    shoot(page, "search.png")
    page.locator(".active-filters .chip").click()  # removing the filter
    page.wait_for_url("**/search?q=arrested")


def _assert_nothing_ran(page: Page) -> None:
    assert page.dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.locator("#doc-text img, #doc-text script, #doc-text svg, #doc-text a").count() == 0
    assert page.locator("body").is_visible()


def test_hostile_pasted_text_runs_nothing(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/upload")
    page.fill("#title", "<img src=x onerror=\"alert('title')\">")
    page.fill("#text", HOSTILE)
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/documents/sha256:*")
    _assert_nothing_ran(page)
    text = page.locator("#doc-text").text_content()
    assert "<script>window.__xss = 1;" in text
    assert "javascript:window.__xss" in text
    assert page.locator("h1").inner_text().startswith("<img")
    for finding in page.locator("button.finding").all()[:5]:
        finding.click()
    page.locator("#layers input").first.uncheck()
    page.goto(f"{base_url}/search?q=javascript")
    assert page.locator("li.hit").count() >= 1
    assert page.dialogs == []
    assert page.evaluate("typeof window.__xss") == "undefined"


def test_hostile_file_runs_nothing(page: Page, base_url: str, tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text("A statement by the ministry.\n" + HOSTILE.replace("Monday", "Tuesday"))
    page.goto(f"{base_url}/upload")
    page.set_input_files("#files", str(hostile))
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/documents/sha256:*")
    _assert_nothing_ran(page)


def test_batch_upload_shows_progress(page: Page, base_url: str, tmp_path: Path) -> None:
    names = []
    # The second file name is markup: the progress list shows it as text, also when redrawn.
    texts = {"batch.txt": "Jacinda Ardern spoke in Wellington.", HOSTILE_NAME: "Lula visited."}
    for name, text in texts.items():
        path = tmp_path / name
        path.write_text(text)
        names.append(str(path))
    page.goto(f"{base_url}/upload")
    page.set_input_files("#files", names)
    page.click("form.upload button[type=submit]")
    page.wait_for_url("**/jobs/*")
    page.wait_for_selector("#job[data-status=done]", timeout=60_000)  # redrawn by polling
    assert page.locator("#job-count").inner_text() == "2 of 2 files"
    links = page.locator("#job-results li.added a")
    assert links.count() == 2
    assert HOSTILE_NAME in page.locator("#job-results").inner_text()
    assert page.dialogs == [] and page.evaluate("typeof window.__xss") == "undefined"
    shoot(page, "job.png")
    links.first.click()
    page.wait_for_url("**/documents/sha256:*")
    assert page.locator("#doc-text span.m").count() >= 2


def test_login_with_a_token(browser: Any, tmp_path: Path) -> None:
    from scrutiny.web.tokens import TokenStore, token_file

    db = tmp_path / "locked.db"
    read = TokenStore(token_file(db)).create("browser", "read")
    server, url = _serve(db)
    try:
        context = browser.new_context()
        pg = context.new_page()
        pg.goto(f"{url}/search?q=anything")
        pg.wait_for_url("**/login?next=*")
        pg.fill("#token", "scr_wrong_token")
        pg.click("form.login button[type=submit]")
        assert pg.locator("p.error", has_text="unknown token").count() == 1
        pg.fill("#token", read)
        pg.click("form.login button[type=submit]")
        pg.wait_for_url("**/search?q=anything")  # back where the visitor was going
        assert pg.locator("nav a", has_text="Upload").count() == 0  # read-only
        cookie = next(c for c in context.cookies() if c["name"] == "scrutiny_token")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
        assert pg.evaluate("document.cookie") == ""  # no script can read the token
        pg.click("text=Log out")
        pg.wait_for_url("**/login")
        context.close()
    finally:
        server.should_exit = True


# --- cross-document views: graph, timeline, entity page --------------------------------------


@pytest.fixture(scope="module")
def corpus_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server over the three sample documents of tests/web_samples.py (with events)."""
    from web_samples import fill, sample_analyses

    db = tmp_path_factory.mktemp("corpus-ui") / "store.db"
    fill(db, sample_analyses())
    server, url = _serve(db)
    yield url
    server.should_exit = True


def _node(page: Page, name: str) -> Any:
    return page.locator("#graph a.node", has=page.locator("title", has_text=name))


def test_graph_is_drawn_and_interactive(page: Page, corpus_url: str) -> None:
    page.goto(f"{corpus_url}/graph")
    page.wait_for_selector("#graph[data-drawn]")
    data = page.evaluate("JSON.parse(document.getElementById('graph-data').textContent)")
    assert page.locator("#graph a.node").count() == len(data["nodes"]) >= 4
    assert page.locator("#graph line.edge").count() == len(data["edges"])
    # Sized by documents, coloured by type, edge width by weight.
    merkel, johnson = _node(page, "Angela Merkel"), _node(page, "Boris Johnson")
    assert float(merkel.locator("circle").get_attribute("r")) > float(
        johnson.locator("circle").get_attribute("r")
    )
    assert "g0" in (merkel.get_attribute("class") or "")  # PERSON
    widths = {
        int(line.get_attribute("data-weight")): float(line.get_attribute("stroke-width"))
        for line in page.locator("#graph line.edge").all()
    }
    assert widths[2] > widths[1]
    box = page.locator("#graph").bounding_box()
    circle = merkel.locator("circle").bounding_box()
    assert (
        box
        and circle
        and box["x"] <= circle["x"]
        and circle["x"] + circle["width"] <= (box["x"] + box["width"])
    )
    # Pointing at an entity lights it and its neighbours and dims the rest.
    merkel.locator("circle").hover()
    assert "lit" in (page.locator("#graph").get_attribute("class") or "")
    assert _node(page, "Emmanuel Macron").evaluate("el => el.classList.contains('near')")
    # Raising the minimum hides lighter links at once, without reloading.
    page.fill("#gw", "2")
    page.dispatch_event("#gw", "input")
    assert page.locator("#graph line.edge.hidden").count() == sum(
        1 for e in data["edges"] if e["weight"] < 2
    )
    assert johnson.evaluate("el => el.classList.contains('hidden')")  # no link left
    merkel.locator("circle").click()
    page.wait_for_url("**/entities/*")
    assert page.locator("h1").inner_text().startswith("Angela Merkel")


def test_graph_keyboard_and_no_script_injection(page: Page, corpus_url: str) -> None:
    page.goto(f"{corpus_url}/graph?q=Macron")
    page.wait_for_selector("#graph[data-drawn]")
    assert page.locator("h1").inner_text() == "Entity graph around Emmanuel Macron"
    page.focus("#graph a.node")
    page.keyboard.press("Enter")
    page.wait_for_url("**/entities/*")
    assert page.dialogs == [] and page.evaluate("typeof window.__xss") == "undefined"


def test_timeline_links_to_the_highlighted_span(page: Page, corpus_url: str) -> None:
    page.goto(f"{corpus_url}/timeline")
    titles = page.locator("section.period h2").all_inner_texts()
    assert titles[:2] == ["2018", "2019"] and titles[-1] == "Undated"
    page.select_option("#tt", "meeting")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**type=meeting*")
    assert set(page.locator("li.event .type").all_inner_texts()) == {"meeting"}
    page.fill("#tq", "Angela Merkel")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**q=Angela*")
    link = page.locator("li.event a.trigger", has_text="met")
    start, end = (int(x) for x in link.get_attribute("href").rsplit("#span-", 1)[1].split("-"))
    link.click()
    page.wait_for_url("**/documents/sha256:*#span-*")
    focused = page.locator("#doc-text span.m.focus")
    assert focused.count() >= 1
    assert all(
        int(el.get_attribute("data-o")) < end and int(el.get_attribute("data-e")) > start
        for el in focused.all()
    )


def test_entity_page_merge_then_split(browser: Any, tmp_path: Path) -> None:
    from web_samples import fill, sample_analyses

    db = tmp_path / "curate.db"
    fill(db, sample_analyses())
    server, url = _serve(db)
    try:
        context = browser.new_context(viewport={"width": 1366, "height": 860})
        pg = context.new_page()
        pg.goto(f"{url}/entities?q=Macron")
        macron = pg.locator("table.entities a").first.get_attribute("href").rsplit("/", 1)[1]
        pg.goto(f"{url}/entities?q=Merkel")
        pg.locator("table.entities a").first.click()
        assert pg.locator("#roles-h").count() == 1 and "chancellor" in pg.content().lower()
        merkel_url = pg.url
        pg.fill("#merge-other", macron)
        pg.click("form[action$='/merge'] button[type=submit] >> text=into")
        pg.wait_for_url(merkel_url)
        named = pg.locator("h1").inner_text() + pg.locator("dl.meta").inner_text()
        assert "Emmanuel Macron" in named and "Angela Merkel" in named  # one entity now
        pg.select_option("#split-name", "Emmanuel Macron")
        pg.click("form[action$='/split'] button[type=submit]")
        pg.wait_for_function(f"location.href !== {merkel_url!r}")
        assert pg.locator("h1").inner_text().startswith("Emmanuel Macron")
        context.close()
    finally:
        server.should_exit = True
