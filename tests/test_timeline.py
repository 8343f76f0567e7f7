"""Timelines: date ordering, rendering, and the ``timeline`` command over a store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import analyze_with
from scrutiny.analyzers.entities import EntityAnalyzer
from scrutiny.analyzers.events import EventAnalyzer
from scrutiny.analyzers.timex import TimexAnalyzer
from scrutiny.model import Analysis
from scrutiny.store import open_store
from scrutiny.timeline import date_key, entries, order, render_json, render_text, timeline

STORY = (
    "Police arrested the activist Ali Demir in Ankara in March 2016.\n"
    "In 2014 he had organised protests in Istanbul.\n"
    "Recently the court released him.\n"
    "The government will ban the party next year."
)


def analysis_of(text: str) -> Analysis:
    return analyze_with(text, EntityAnalyzer(), TimexAnalyzer(), EventAnalyzer())


@pytest.fixture(scope="module")
def story() -> Analysis:
    return analysis_of(STORY)


def test_date_key_orders_timeml_values_by_their_start() -> None:
    values = ["2015-03-12", "2015", "199X", "2015-01/2015-03", "2014-SU", "2016-W01", "2015-03"]
    ordered = sorted(values, key=date_key)
    assert ordered == [
        "199X",
        "2014-SU",
        "2015",
        "2015-01/2015-03",
        "2015-03",
        "2015-03-12",
        "2016-W01",
    ]
    for undated in (None, "", "PAST_REF", "P3Y", "XXXX-WXX-1"):
        assert date_key(undated) > date_key("2999-12-31")


def test_events_come_in_date_order_with_undated_last(story: Analysis) -> None:
    rows = order(entries(story))
    triggers = [r.trigger for r in rows]
    assert triggers.index("protests") < triggers.index("arrested")
    assert triggers[-2:] == ["released", "ban"]  # undated (a vague "recently"; none), text order
    arrested = next(r for r in rows if r.trigger == "arrested")
    assert arrested.date == "2016-03"
    assert {p.role for p in arrested.participants} >= {"agent", "patient"}
    assert next(r for r in rows if r.trigger == "ban").modality == "hypothetical"


def test_text_and_json_renderings(story: Analysis) -> None:
    rows = order(entries(story))
    text = render_text(rows)
    lines = text.splitlines()
    assert lines[0].startswith("2014") and "protest" in lines[0]
    assert "(hypothetical)" in lines[-1]
    data = json.loads(render_json(rows, [story.document.id]))
    assert data["documents"] == [story.document.id]
    assert [e["trigger"] for e in data["events"]] == [r.trigger for r in rows]
    assert render_text([]) == "no events"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory, story: Analysis) -> Path:
    path = tmp_path_factory.mktemp("timeline") / "store.sqlite"
    store = open_store(path)
    try:
        store.add(story)
        store.add(analysis_of("Rebels attacked the town of Kobane in October 2014."))
    finally:
        store.close()
    return path


def invoke(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(timeline, list(args), obj={"db": str(db)})
    return result.exit_code, result.output


def test_command_takes_a_document_id_prefix(db: Path, story: Analysis) -> None:
    prefix = story.document.id.removeprefix("sha256:")[:10]
    code, out = invoke(db, prefix, "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["documents"] == [story.document.id]
    assert data["events"][0]["trigger"] == "protests"


def test_command_falls_back_to_a_query_over_the_store(db: Path) -> None:
    code, out = invoke(db, "Kobane")
    assert code == 0, out
    assert "attack" in out and "2014-10" in out
    assert "Demir" not in out
    code, out = invoke(db, "activist OR Kobane", "--asserted", "--format", "json")
    events = json.loads(out)["events"]
    assert code == 0 and all(e["modality"] == "asserted" for e in events)
    assert [e["date"] for e in events][:3] == ["2014", "2014-10", "2016-03"]


def test_command_with_nothing_found_says_so(db: Path) -> None:
    code, out = invoke(db, "zanzibar")
    assert code == 0 and out.strip() == "no events"
