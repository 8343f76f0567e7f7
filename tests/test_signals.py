"""The ``signals`` analyzer: threats, calls to action, dehumanisation, and whose voice they are."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest

from helpers import SEED
from scrutiny.eval.signals import (
    KINDS,
    Score,
    Signal,
    default_pipeline,
    evaluate,
    load_gold,
    score_line,
)
from scrutiny.model import Analysis, Annotation, Document
from scrutiny.pipeline import Pipeline


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return default_pipeline()


@pytest.fixture(scope="module")
def seed(pipeline: Pipeline) -> Analysis:
    return pipeline.analyze(Document.from_text(SEED.read_text(encoding="utf-8")))


def signals(pipeline: Pipeline, text: str) -> list[Annotation]:
    return pipeline.analyze(Document.from_text(text)).layer("signal")


def own(pipeline: Pipeline, text: str) -> list[tuple[str, str]]:
    """(kind, evidence) of the signals in the author's own voice."""
    return [
        (s.label, text[s.span.start : s.span.end])
        for s in signals(pipeline, text)
        if not (s.attrs["quoted"] or s.attrs.get("reported"))
    ]


def find(analysis: Analysis, kind: str, words: str) -> Annotation:
    text = analysis.document.text
    hits = [
        s
        for s in analysis.layer("signal")
        if s.label == kind and words in analysis.document.slice(s.span)
    ]
    assert hits, [text[s.span.start : s.span.end] for s in analysis.layer("signal")]
    return hits[0]


def entity_name(analysis: Analysis, entity_id: Any) -> str | None:
    ent = analysis.get(str(entity_id)) if entity_id else None
    return str(ent.attrs["name"]) if ent is not None else None


# --------------------------------------------------------------------------- the seed


def test_seed_conditional_threat_is_flagged_with_its_addressee(seed: Analysis) -> None:
    threat = find(seed, "threat", "the results of your actions will be severe")
    text = seed.document.slice(threat.span)
    assert text.startswith("if you strengthen the fight")
    assert threat.attrs["conditional"] is True
    assert threat.attrs["rule"] == "harsh_outcome"
    assert threat.attrs["quoted"] is False
    # "you" is the addressee of the statement's appeals: the government of Kyrgyzstan.
    assert threat.attrs["target_text"] == "you"
    assert "Kyrgyzstan" in (entity_name(seed, threat.attrs["target"]) or "")


def test_seed_veiled_threat_names_the_attacker(seed: Analysis) -> None:
    threat = find(seed, "threat", "to attack you")
    assert threat.attrs["rule"] == "enabled_harm"
    assert threat.attrs["conditional"] is False
    assert threat.attrs["actor_text"] == "Mujahideen of Afghanistan"
    assert threat.attrs["actor"] is not None


def test_seed_calls_to_action_with_actor_and_target(seed: Analysis) -> None:
    call = find(seed, "call_to_action", "urge the government of Kyrgyzstan to refuse")
    assert seed.document.slice(call.span).startswith("We, Hizb ut Tahrir Kyrgyzstan, urge")
    assert call.attrs["rule"] == "urge"
    assert call.attrs["actor_text"] == "Hizb ut Tahrir Kyrgyzstan"
    assert call.attrs["target_text"] == "the government of Kyrgyzstan"
    assert "Hizb" in (entity_name(seed, call.attrs["actor"]) or "")
    assert "Kyrgyzstan" in (entity_name(seed, call.attrs["target"]) or "")
    # The earlier "we want to urge …" is the same self-named author.
    earlier = find(seed, "call_to_action", "urge governments of this")
    assert earlier.attrs["actor"] == call.attrs["actor"]
    assert find(seed, "call_to_action", "Take your time").attrs["rule"] == "imperative"


def test_seed_has_no_spurious_signals(seed: Analysis) -> None:
    found = [(s.label, seed.document.slice(s.span)) for s in seed.layer("signal")]
    assert len(found) <= 7, found
    assert not any("inevitable results of failure" in t for _, t in found)
    assert not any(k == "dehumanization" for k, _ in found)


def test_attrs_follow_the_contract(seed: Analysis) -> None:
    for s in seed.layer("signal"):
        assert s.id.startswith("g") and s.label in KINDS
        assert {"target", "target_text", "actor", "actor_text", "rule", "quoted"} <= set(s.attrs)
        assert ("conditional" in s.attrs) == (s.label == "threat")
        assert 0 < s.confidence <= 1


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("text", "kind", "rule"),
    [
        ("We will crush you.", "threat", "agent_harm"),
        ("If you publish this, you will pay dearly.", "threat", "patient_harm"),
        ("Those who collaborate will be punished.", "threat", "passive_harm"),
        ("Your days are numbered.", "threat", "formula"),
        ("We call on all workers to join the strike.", "call_to_action", "urge"),
        ("Let us stand together against this injustice.", "call_to_action", "let_us"),
        ("We must resist this law.", "call_to_action", "obligation"),
        ("Do not vote for these crooks!", "call_to_action", "imperative"),
        ("These parasites are bleeding the country dry.", "dehumanization", "demonstrative"),
        ("The protesters are vermin.", "dehumanization", "predicate"),
        ("Our towns suffer an infestation of migrants.", "dehumanization", "of"),
        ("The migrants are swarming across the border like rats.", "dehumanization", "simile"),
        ("The protesters were nothing but filth.", "dehumanization", "predicate"),
        ("Judges who obstruct our movement will answer for it.", "threat", "patient_harm"),
        ("Our fighters will strike the embassy if it is not closed.", "threat", "agent_harm"),
        ("It is time for all patriots to rise up against the elite.", "call_to_action", "time_to"),
        ("Everyone should stand up and be counted.", "call_to_action", "obligation"),
    ],
)
def test_rules(pipeline: Pipeline, text: str, kind: str, rule: str) -> None:
    found = [s for s in signals(pipeline, text) if s.label == kind]
    assert [s.attrs["rule"] for s in found] == [rule], found


def test_explicit_threat_has_actor_and_target(pipeline: Pipeline) -> None:
    [threat] = signals(pipeline, "We will destroy you.")
    assert threat.attrs["actor_text"] == "We" and threat.attrs["target_text"] == "you"
    assert threat.attrs["subtype"] == "explicit" and threat.attrs["conditional"] is False


def test_conditional_threat_spans_its_condition(pipeline: Pipeline) -> None:
    text = "If you publish this, you will pay dearly."
    [threat] = signals(pipeline, text)
    assert threat.attrs["conditional"] is True
    assert text[threat.span.start : threat.span.end] == "If you publish this, you will pay dearly"


def test_imperative_with_consequence_is_a_conditional_threat(pipeline: Pipeline) -> None:
    text = "Keep lying to us and we will expose and destroy you."
    [threat] = signals(pipeline, text)
    assert threat.label == "threat" and threat.attrs["conditional"] is True
    assert text[threat.span.start : threat.span.end].startswith("Keep lying")


def test_dehumanization_subtype_and_target(pipeline: Pipeline) -> None:
    [sig] = signals(pipeline, "The refugees are a cancer on our society.")
    assert sig.attrs["subtype"] == "disease"
    assert sig.attrs["target_text"] == "The refugees"


# --------------------------------------------------------------------------- hard negatives


@pytest.mark.parametrize(
    "text",
    [
        # Reporting a threat or a call is not making one.
        "The minister warned that protesters will face the consequences.",
        "The rebels threatened that they would kill the hostages.",
        "Protesters urged the government to resign.",
        "The union called on its members to strike on Monday.",
        # Predictions, negations and business.
        "Your hopes will lead to inevitable results of failure.",
        "You will suffer no consequences for this.",
        "Shareholders will pay a dividend of two dollars.",
        "The storm will destroy the crops.",
        # Literal animals and diseases.
        "Rats in the sewer spread disease.",
        "The virus spread quickly through the farm.",
        # Questions, discourse formulas, site furniture, headlines.
        "We ask families why they homeschool.",
        "Remember, the vote is on Tuesday.",
        "Let us be clear about one thing.",
        "Click here to subscribe to our newsletter.",
        "Stop The War Before It Starts",
        "I wanted to ask him to deliver a letter.",
        "Remove the cover before installing the new battery.",
        "It was time to leave the hall.",
        "Go home and we will talk tomorrow.",
        "Voters will be targeted with advertisements.",
        "We have to see what comes out of the inquiry.",
    ],
)
def test_hard_negatives(pipeline: Pipeline, text: str) -> None:
    assert own(pipeline, text) == []


def test_quoted_call_is_the_speakers(pipeline: Pipeline) -> None:
    text = '"We urge the council to resign immediately," said Maria Lopez, the group\'s leader.'
    [call] = signals(pipeline, text)
    assert call.label == "call_to_action" and call.attrs["quoted"] is True
    assert call.attrs["quote"].startswith("q")
    assert "Maria Lopez" in (call.attrs["actor_text"] or "")
    assert own(pipeline, text) == []


def test_quoted_dialogue_imperative_is_dropped(pipeline: Pipeline) -> None:
    assert signals(pipeline, '"Get out of my house!" she shouted at the reporter.') == []


def test_reported_slur_is_recorded_but_not_the_authors(pipeline: Pipeline) -> None:
    [sig] = signals(pipeline, "He called the protesters scum.")
    assert sig.label == "dehumanization" and sig.attrs["reported"] is True
    assert sig.confidence < 0.8
    assert sig.attrs["target_text"] == "the protesters"


# --------------------------------------------------------------------------- fairness


SWAPS = [
    ("Muslims", "Christians"),
    ("Christians", "Jews"),
    ("Islam", "Christianity"),
    ("Russia", "France"),
    ("Kyrgyzstan", "Estonia"),
]


@pytest.mark.parametrize(("old", "new"), SWAPS)
def test_identity_swaps_keep_the_signals(
    seed: Analysis, pipeline: Pipeline, old: str, new: str
) -> None:
    text = seed.document.text
    word = re.compile(rf"\b{old}\b")
    before = {
        (s.label, word.sub(new, text[s.span.start : s.span.end])) for s in seed.layer("signal")
    }
    swapped = word.sub(new, text)
    after = {(s.label, swapped[s.span.start : s.span.end]) for s in signals(pipeline, swapped)}
    assert before == after


def test_group_names_do_not_decide_dehumanization(pipeline: Pipeline) -> None:
    found = {
        group: own(pipeline, f"The {group} are vermin.")
        for group in ("Muslims", "Christians", "Jews", "atheists")
    }
    assert all(len(v) == 1 and v[0][0] == "dehumanization" for v in found.values()), found


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n ",
        "?!?!... ;;; !!!",
        '"We urge you "to" "act" now',
        "“We will ‘crush’ “you” — if ‘you’ dare”",
        "نحن ندعو الحكومة إلى الرحيل 🔥🔥 We will crush you 🔥",
        "Kill " * 2000,
        "you " * 5000 + "will pay.",
    ],
)
def test_hostile_text_does_not_crash(pipeline: Pipeline, text: str) -> None:
    for s in signals(pipeline, text):
        assert 0 <= s.span.start < s.span.end <= len(text)


def test_one_long_line_stays_fast(pipeline: Pipeline) -> None:
    sentence = "We urge the council to act, or the results of your actions will be severe. "
    text = sentence * 400  # ~30 kB on one line
    started = time.perf_counter()
    found = signals(pipeline, text)
    assert time.perf_counter() - started < 60
    assert len(found) >= 400


# --------------------------------------------------------------------------- gold and scoring


def test_gold_set_is_large_and_well_formed() -> None:
    lines = load_gold()
    assert len(lines) >= 150
    assert {line.split for line in lines} == {"dev", "test"}
    kinds = {s.kind for line in lines for s in line.signals}
    assert kinds == set(KINDS)
    # Hard negatives (lines without any signal) are a real share of the set.
    assert sum(not line.signals for line in lines) >= 50


def test_score_line_counts_overlaps_per_kind() -> None:
    gold = [Signal("threat", 0, 10), Signal("call_to_action", 20, 30)]
    predicted = [Signal("threat", 5, 12), Signal("threat", 40, 45), Signal("dehumanization", 0, 3)]
    assert score_line(gold, predicted, "threat") == Score(2, 1, 1, 1)
    assert score_line(gold, predicted, "call_to_action") == Score(0, 0, 1, 0)
    s = score_line(gold, predicted, "threat")
    assert s.precision == 0.5 and s.recall == 1.0 and round(s.f1, 3) == 0.667


def test_dev_split_scores_do_not_regress(pipeline: Pipeline) -> None:
    dev = [line for line in load_gold() if line.split == "dev"]
    overall = evaluate(dev, pipeline)["dev"]["all"]
    assert overall.precision >= 0.9 and overall.recall >= 0.9, overall
