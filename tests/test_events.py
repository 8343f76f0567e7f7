"""The ``events`` analyzer: triggers, types, participants, dates, modality; and its scorer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import ROOT, SEED, SHARED, analyze_with
from scrutiny.analyzers.entities import EntityAnalyzer
from scrutiny.analyzers.events import EventAnalyzer
from scrutiny.analyzers.events.types import NOUN_TRIGGERS, TYPES, VERB_TRIGGERS
from scrutiny.analyzers.timex import TimexAnalyzer
from scrutiny.eval.events import (
    Arg,
    Event,
    GoldWindow,
    calendar_date,
    events_command,
    load_gold,
    score_window,
)
from scrutiny.model import Analysis, Annotation

GOLD = ROOT / "tests" / "data" / "events_gold.jsonl"


def run(text: str, published: str | None = None) -> Analysis:
    return analyze_with(
        text, EntityAnalyzer(), TimexAnalyzer(), EventAnalyzer(), published=published
    )


def events(text: str, published: str | None = None) -> list[Annotation]:
    return run(text, published).layer("event")


def by_trigger(text: str, found: list[Annotation], word: str) -> Annotation:
    hits = [e for e in found if text[e.span.start : e.span.end] == word]
    assert len(hits) == 1, [(text[e.span.start : e.span.end], e.label) for e in found]
    return hits[0]


def roles(text: str, event: Annotation) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in event.attrs["participants"]:
        out.setdefault(p["role"], []).append(text[p["start"] : p["end"]])
    return out


@pytest.fixture(scope="module")
def seed() -> tuple[str, list[Annotation], Analysis]:
    text = SEED.read_text(encoding="utf-8")
    analysis = run(text)
    return text, analysis.layer("event"), analysis


# ----------------------------------------------------------------------------- vocabulary


def test_every_trigger_names_a_documented_type() -> None:
    assert set(VERB_TRIGGERS.values()) <= set(TYPES)
    assert set(NOUN_TRIGGERS.values()) <= set(TYPES)
    assert TYPES["arrest"].cameo == "17" and TYPES["statement"].cameo == "01"


# ----------------------------------------------------------------------------- the seed


def test_seed_arrest_has_agent_patient_and_explicit_date(
    seed: tuple[str, list[Annotation], Analysis],
) -> None:
    text, found, analysis = seed
    arrest = next(e for e in found if "Rashod Qori Kamalov" in roles(text, e).get("patient", []))
    assert arrest.label == "arrest"
    assert roles(text, arrest)["agent"] == ["the government"]
    assert arrest.attrs["date"] == "2015-01/2015-03"
    assert arrest.attrs["date_source"] == "explicit"
    assert arrest.attrs["modality"] == "asserted"
    patient = next(p for p in arrest.attrs["participants"] if p["role"] == "patient")
    entity = analysis.get(patient["entity"])
    assert entity is not None and entity.layer == "entity"


def test_seed_future_case_closure_is_not_a_past_event(
    seed: tuple[str, list[Annotation], Analysis],
) -> None:
    text, found, _ = seed
    closed = by_trigger(text, found, "closed")
    assert closed.label == "trial"
    assert closed.attrs["modality"] == "hypothetical"


def test_seed_anaphoric_time_takes_the_earlier_year(
    seed: tuple[str, list[Annotation], Analysis],
) -> None:
    text, found, _ = seed
    killing = by_trigger(text, found, "liquidated")
    assert killing.label == "killing"
    assert killing.attrs["date"] == "2006"
    assert roles(text, killing) == {"patient": ["Rafik Qori"], "agent": ["the government"]}


def test_seed_informational_attack_is_criticism_not_violence(
    seed: tuple[str, list[Annotation], Analysis],
) -> None:
    text, found, _ = seed
    attacks = [e for e in found if text[e.span.start : e.span.end] == "attack"]
    assert attacks and all(e.label == "criticism" for e in attacks[:2])
    denied = [e for e in attacks if e.attrs["modality"] == "denied"]
    assert len(denied) == 1  # "don't trigger an informational attack"


# ----------------------------------------------------------------------------- rules


def test_passive_with_by_phrase_swaps_roles() -> None:
    text = "The journalist was detained by police in Moscow on 12 March 2015."
    ev = by_trigger(text, events(text), "detained")
    assert ev.label == "arrest"
    assert roles(text, ev) == {
        "patient": ["The journalist"],
        "agent": ["police"],
        "place": ["Moscow"],
    }
    assert ev.attrs["date"] == "2015-03-12" and ev.attrs["date_source"] == "explicit"


def test_modality_negation_future_condition_question() -> None:
    text = (
        "The army did not attack the village. The court will sentence him. "
        "If they arrest him, there will be riots. Why did they kill him?"
    )
    found = events(text)
    assert by_trigger(text, found, "attack").attrs["modality"] == "denied"
    assert by_trigger(text, found, "sentence").attrs["modality"] == "hypothetical"
    assert by_trigger(text, found, "arrest").attrs["modality"] == "hypothetical"
    assert by_trigger(text, found, "kill").attrs["modality"] == "hypothetical"


def test_negation_does_not_spread_over_and() -> None:
    text = "He did not know the address and said that officials arrested the man."
    said = by_trigger(text, events(text), "said")
    assert said.attrs["modality"] == "asserted"


def test_date_is_inherited_with_lower_confidence_and_not_across_clauses() -> None:
    text = "In March 2014 the police arrested the activist. He was later released by the court."
    found = events(text)
    arrested = by_trigger(text, found, "arrested")
    released = by_trigger(text, found, "released")
    assert released.attrs["date"] == "2014-03" and released.attrs["date_source"] == "paragraph"
    assert released.attrs["date_confidence"] < arrested.attrs["date_confidence"]

    text = "Smith, who fled the country in 1998, was arrested when he came back."
    assert by_trigger(text, events(text), "arrested").attrs["date"] is None


def test_date_modifying_a_noun_does_not_date_the_verb() -> None:
    text = "He was arrested despite a 2015 letter from the agency."
    assert by_trigger(text, events(text), "arrested").attrs["date"] is None


def test_relative_date_is_resolved_with_a_published_date() -> None:
    text = "Police arrested two protesters yesterday."
    ev = by_trigger(text, events(text, published="2016-09-12"), "arrested")
    assert ev.attrs["date"] == "2016-09-11"


def test_charges_and_warrants_are_content_not_events() -> None:
    text = "He was wanted for murder. Police arrested him on charges of homicide and kidnapping."
    found = events(text)
    assert [e.label for e in found] == ["arrest"]


def test_said_in_a_statement_is_one_event() -> None:
    text = "The ministry said in a statement that the talks had failed."
    labels = [(text[e.span.start : e.span.end], e.label) for e in events(text)]
    assert ("said", "statement") in labels and ("statement", "statement") not in labels


def test_noun_event_under_a_prospective_verb_is_hypothetical() -> None:
    text = "The office is considering an appeal. His extradition has been requested."
    found = events(text)
    assert by_trigger(text, found, "appeal").attrs["modality"] == "hypothetical"
    assert by_trigger(text, found, "extradition").attrs["modality"] == "hypothetical"


@pytest.mark.parametrize(
    "text",
    ["", "!!!", "“He said “they arrested ‘him", "اعتقلت الشرطة 😀 arrested " * 50, "a " * 20000],
)
def test_hostile_text_does_not_crash(text: str) -> None:
    for e in events(text):
        assert 0 <= e.span.start < e.span.end <= len(text)


# ----------------------------------------------------------------------------- scorer


def _event(start: int, end: int, etype: str = "arrest", **kw: Any) -> Event:
    return Event(
        etype, start, end, kw.get("modality", "asserted"), kw.get("date"), kw.get("args", ())
    )


def test_score_window_counts_triggers_arguments_and_dates() -> None:
    gold = GoldWindow(
        "x",
        "dev",
        0,
        100,
        (
            _event(10, 18, date="2015", args=(Arg("agent", 0, 5), Arg("patient", 20, 30))),
            _event(40, 46, "killing"),
        ),
    )
    predicted = [
        _event(10, 18, date="2015", args=(Arg("agent", 2, 5), Arg("patient", 50, 55))),
        _event(60, 66, "attack"),
        _event(150, 160),  # outside the window: not scored
    ]
    t = score_window(gold, predicted)
    assert (t.gold, t.predicted, t.identified, t.classified) == (2, 2, 1, 1)
    assert (t.gold_args, t.predicted_args, t.correct_args) == (2, 2, 1)
    assert (t.dates_right, t.gold_dated, t.gold_dated_right) == (1, 1, 1)


def test_ref_values_are_not_calendar_dates() -> None:
    assert calendar_date("PAST_REF") is None
    assert calendar_date("2015-03") == "2015-03"
    assert calendar_date(None) is None


def test_gold_file_is_valid_and_large_enough() -> None:
    windows = load_gold(GOLD)
    docs = {w.doc for w in windows}
    assert sum(len(w.events) for w in windows) >= 40
    assert len(docs) >= 11 and "examples/000_16034c0f2a97500a.txt" in docs
    assert {w.split for w in windows} == {"dev", "test"}
    dev_docs = {w.doc for w in windows if w.split == "dev"}
    assert not dev_docs & {w.doc for w in windows if w.split == "test"}, "split is by article"
    for w in windows:
        path = SHARED / w.doc
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        for e in w.events:
            assert w.start <= e.start < e.end <= w.end
            assert text[e.start : e.end].strip() == text[e.start : e.end]


def test_ambiguous_verbs_need_a_person_as_object() -> None:
    text = "The bank executed the transaction. The regime executed the prisoners."
    found = events(text)
    assert [(text[e.span.start : e.span.end], e.label) for e in found] == [("executed", "killing")]
    assert roles(text, found[0]) == {"agent": ["The regime"], "patient": ["the prisoners"]}
    text = "He was returned to Mexico. She returned the book."
    found = events(text)
    assert [(e.label, e.span.start) for e in found] == [("deportation", 7)]


def test_eval_command_scores_a_small_gold_file(tmp_path: Path) -> None:
    text = "In 2015 police arrested the editor. He was released."
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    arrested, released = text.index("arrested"), text.index("released")
    gold = {
        "doc": "a.txt",
        "split": "test",
        "start": 0,
        "end": len(text),
        "events": [
            {
                "type": "arrest",
                "start": arrested,
                "end": arrested + 8,
                "modality": "asserted",
                "date": "2015",
                "args": [{"role": "agent", "start": 8, "end": 14}],
            },
            {
                "type": "killing",
                "start": released,
                "end": released + 8,
                "modality": "asserted",
                "date": None,
                "args": [],
            },
        ],
    }
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(gold) + "\n", encoding="utf-8")
    args = ["--gold", str(path), "--shared", str(tmp_path), "--errors"]
    result = CliRunner().invoke(events_command, args)
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if line.startswith("| test"))
    assert "1.00 / 1.00 / 1.00 (0.50)" in row  # both found, one with the wrong type
    assert "type release for killing" in result.output
    assert "date 2015 for None" in result.output  # "released" inherits 2015; gold says none

    path.write_text("{not json\n", encoding="utf-8")
    assert CliRunner().invoke(events_command, ["--gold", str(path)]).exit_code == 1


def test_infinitives_borrow_the_subject_they_depend_on() -> None:
    text = "The army staged raids in order to arrest the leaders."
    assert roles(text, by_trigger(text, events(text), "arrest"))["agent"] == ["The army"]
    text = "The ministry's decision to expel the diplomats surprised nobody."
    ev = by_trigger(text, events(text), "expel")
    assert ev.label == "deportation"
    assert roles(text, ev) == {"agent": ["The ministry's"], "patient": ["the diplomats"]}


def test_place_on_the_verb_of_an_event_noun() -> None:
    text = "Students organised a protest in London on Monday."
    ev = by_trigger(text, events(text), "protest")
    assert roles(text, ev) == {"agent": ["Students"], "place": ["London"]}
