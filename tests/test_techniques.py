"""The techniques analyzer, its model and artifact, its rules, and identity-term masking."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from helpers import PTC, SEED, analyze_with
from scrutiny.analyzers.identity import mask
from scrutiny.analyzers.techniques import TechniqueAnalyzer
from scrutiny.analyzers.techniques.model import (
    ARRAYS,
    META,
    MODEL_DIR,
    TechniqueModel,
    shipped_model,
)
from scrutiny.analyzers.techniques.rules import rule_label, rule_spans
from scrutiny.analyzers.techniques.train import data_hash
from scrutiny.eval.ptc import LABELS, Article, load_corpus
from scrutiny.model import Analysis

needs_ptc = pytest.mark.skipif(not PTC.is_dir(), reason="PTC corpus not present")


@pytest.fixture(scope="module")
def seed() -> Analysis:
    return analyze_with(SEED.read_text(encoding="utf-8"), TechniqueAnalyzer())


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    if not PTC.is_dir():
        pytest.skip("PTC corpus not present")
    return load_corpus(PTC)


def _found(analysis: Analysis, label: str, phrase: str) -> bool:
    """Whether a ``label`` technique overlaps the first occurrence of ``phrase``."""
    start = analysis.document.text.index(phrase)
    end = start + len(phrase)
    return any(
        a.label == label and a.span.start < end and start < a.span.end
        for a in analysis.layer("technique")
    )


# ----------------------------------------------------------------------------- the seed


@pytest.mark.parametrize(
    ("label", "phrase"),
    [
        ("Doubt", "Why do we trust these vicious corrupters"),
        ("Doubt", "How can the government accuse Islam"),
        ("Whataboutism,Straw_Men,Red_Herring", "But the government, media and experts don't"),
        ("Name_Calling,Labeling", "vicious corrupters"),
        ("Loaded_Language", "vicious"),
    ],
)
def test_seed_techniques_are_found_where_the_text_has_them(
    seed: Analysis, label: str, phrase: str
) -> None:
    assert _found(seed, label, phrase)


def test_seed_findings_are_well_formed(seed: Analysis) -> None:
    found = seed.layer("technique")
    assert 5 <= len(found) <= 60
    text = seed.document.text
    for a in found:
        assert a.label in LABELS
        assert a.analyzer == "techniques"
        assert 0.0 < a.confidence <= 1.0
        assert text[a.span.start : a.span.end].strip() == text[a.span.start : a.span.end]
        assert ("rule" in a.attrs) != ("si_score" in a.attrs)
        assert all(lab in LABELS and lab != a.label for lab, _ in a.attrs["alternatives"])


def test_no_technique_in_plain_statement() -> None:
    plain = "The committee met on Tuesday. It approved the budget for 2024 and adjourned at noon."
    assert shipped_model().analyze(plain) == []


@pytest.mark.parametrize(
    "text",
    ["", "!!!", "\n\n\n", "مرحبا بالعالم 🙂🙂 שלום", "\"'“‘" * 2000, "Why? " * 3000, "x" * 200_000],
)
def test_hostile_text_never_crashes(text: str) -> None:
    for f in shipped_model().analyze(text):
        assert 0 <= f.start < f.end <= len(text)
        assert f.label in LABELS


# ----------------------------------------------------------------------------- the artifact


def test_artifact_is_plain_arrays_with_metadata() -> None:
    meta = json.loads((MODEL_DIR / META).read_text(encoding="utf-8"))
    assert re.fullmatch(r"[0-9a-f]{64}", meta["data_sha256"])
    assert meta["seed"] == 13 and meta["articles"] >= 300
    assert set(meta["labels"]) == set(LABELS)
    assert {"si_config", "tc_config", "cv", "rule_precision"} <= meta.keys()
    assert 0.0 < meta["cv"]["si_f1_mean_std"][0] < 1.0
    with np.load(MODEL_DIR / ARRAYS, allow_pickle=False) as npz:
        assert {"si_index", "si_weight", "tc_coef"} <= set(npz.files)
    size = sum(p.stat().st_size for p in MODEL_DIR.iterdir())
    assert size < 10 * 2**20


@needs_ptc
def test_artifact_was_trained_on_the_present_data() -> None:
    meta = json.loads((MODEL_DIR / META).read_text(encoding="utf-8"))
    assert meta["data_sha256"] == data_hash(PTC)


@needs_ptc
def test_training_is_deterministic_to_the_byte(corpus: list[Article], tmp_path: Path) -> None:
    small = corpus[:12]
    TechniqueModel.fit(small).save(tmp_path / "a")
    TechniqueModel.fit(small[::-1]).save(tmp_path / "b")
    for name in (ARRAYS, META):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@needs_ptc
def test_saved_model_predicts_as_the_reloaded_one_cv_scores(
    corpus: list[Article], tmp_path: Path
) -> None:
    model = TechniqueModel.fit(corpus[:12])
    model.save(tmp_path)
    loaded, reloaded = TechniqueModel.load(tmp_path), model.reloaded()
    for a in corpus[12:15]:
        assert loaded.analyze(a.text) == reloaded.analyze(a.text)


# ----------------------------------------------------------------------------- rules


def test_rhetorical_question_rule() -> None:
    text = "They lied. Why do we trust these people? What time is it?"
    found = [(text[s:e], label) for s, e, label, _ in rule_spans(text)]
    assert ("Why do we trust these people?", "Doubt") in found
    assert all(not t.startswith("What time") for t, _ in found)


def test_lexicon_rules_need_whole_words() -> None:
    text = "A vicious attack by corrupt hypocrites; not viciousness."
    found = {(text[s:e], label) for s, e, label, _ in rule_spans(text)}
    assert ("vicious", "Loaded_Language") in found
    assert ("hypocrites", "Name_Calling,Labeling") in found
    assert not any("viciousness" in t for t, _ in found)
    assert rule_label(text, 2, 9) == ("Loaded_Language", "charged-word")
    assert rule_label(text, 0, len(text)) is None


def test_rules_are_linear_on_long_hostile_lines() -> None:
    for text in ["How " + "a" * 300_000, "But the " + "x " * 100_000, "while " + "do " * 100_000]:
        rule_spans(text)  # would take minutes if a pattern backtracked


# ----------------------------------------------------------------------------- identity masking


def test_mask_neutralises_terms_and_maps_offsets() -> None:
    text = "MUSLIMS and Christians in Saudi Arabia, the U.S. and Turkey; turkey for dinner."
    m = mask(text)
    assert m.text == mask(text.replace("Christians", "Jews")).text
    assert "Muslims".upper() not in m.text and "Saudi" not in m.text and "U.S." not in m.text
    assert "turkey for dinner" in m.text
    start = text.index("Saudi Arabia")
    ms, me = m.to_masked(start), m.to_masked(start + len("Saudi Arabia"), end=True)
    assert m.text[ms:me] == "Qcountry"
    assert (m.to_original(ms), m.to_original(me, end=True)) == (start, start + len("Saudi Arabia"))
    # Offsets inside a term snap to its edges: starts back, ends forward.
    assert m.to_masked(start + 3) == ms and m.to_masked(start + 3, end=True) == me
    assert mask("").text == "" and mask("2Russia").text == "2Russia"
