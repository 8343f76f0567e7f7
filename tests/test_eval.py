"""The evaluation harness: PTC loader and formats, Task 11 scorers, folds, CV of the model, CLI."""

from __future__ import annotations

import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from helpers import PTC
from scrutiny.analyzers.techniques.features import grow_spans, tokenize
from scrutiny.analyzers.techniques.model import TechniqueModel
from scrutiny.eval.cli import eval_, ptc
from scrutiny.eval.cv import fill_template, folds, predict_si
from scrutiny.eval.ptc import (
    LABELS,
    Article,
    PtcFormatError,
    SiLine,
    TcLine,
    Technique,
    load_corpus,
    read_si,
    read_tc,
    template_for,
    write_si,
    write_tc,
)
from scrutiny.eval.scorers import merge_spans, score_si, score_tc

needs_ptc = pytest.mark.skipif(not PTC.is_dir(), reason="PTC corpus not present")


def si(*spans: tuple[str, int, int]) -> list[SiLine]:
    return [SiLine(aid, s, e) for aid, s, e in spans]


def tc(*lines: tuple[str, str, int, int]) -> list[TcLine]:
    return [TcLine(aid, label, s, e) for aid, label, s, e in lines]


@pytest.fixture(scope="module")
def corpus() -> list[Article]:
    if not PTC.is_dir():
        pytest.skip("PTC corpus not present")
    return load_corpus(PTC)


# ----------------------------------------------------------------------------- SI scorer


def test_merge_joins_overlaps_but_not_touching_spans() -> None:
    assert merge_spans([(20, 25), (3, 8), (0, 5), (8, 10), (21, 22)]) == [(0, 8), (8, 10), (20, 25)]
    assert merge_spans([]) == []


def test_si_perfect_prediction_scores_one() -> None:
    gold = si(("1", 0, 10), ("1", 20, 30), ("2", 5, 6))
    score = score_si(gold, gold)
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)


def test_si_partial_overlap_credit() -> None:
    # |s ∩ t| = 5 of a 10-character prediction and a 10-character gold span.
    score = score_si(si(("1", 5, 15)), si(("1", 0, 10)))
    assert (score.precision, score.recall, score.f1) == (0.5, 0.5, 0.5)


def test_si_hand_computed_two_pairs() -> None:
    # (0,5)∩(0,10) = 5: P 5/5, R 5/10.  (25,40)∩(20,30) = 5: P 5/15, R 5/10.
    score = score_si(si(("1", 0, 5), ("1", 25, 40)), si(("1", 0, 10), ("1", 20, 30)))
    assert score.precision == pytest.approx((1 + 1 / 3) / 2)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(4 / 7)


def test_si_one_prediction_over_two_gold_spans() -> None:
    # P = (4 + 4) / 10; R = (4/4 + 4/4) / 2.
    score = score_si(si(("1", 0, 10)), si(("1", 0, 4), ("1", 6, 10)))
    assert score.precision == pytest.approx(0.8)
    assert score.recall == pytest.approx(1.0)
    assert score.f1 == pytest.approx(2 * 0.8 / 1.8)


def test_si_merges_overlapping_spans_on_both_sides_first() -> None:
    # Unmerged, the two predictions would each claim 6/10 of the gold span: recall 1.2.
    assert score_si(si(("1", 0, 6), ("1", 4, 10)), si(("1", 0, 10))).recall == 1.0
    assert score_si(si(("1", 0, 10)), si(("1", 0, 4), ("1", 2, 10))).f1 == 1.0


def test_si_counts_overlap_only_within_the_same_article() -> None:
    score = score_si(si(("2", 0, 10)), si(("1", 0, 10)))
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)


def test_si_empty_predictions_score_zero() -> None:
    score = score_si([], si(("1", 0, 10)))
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)
    assert score_si([], []).f1 == 0.0


# ----------------------------------------------------------------------------- TC scorer


def test_tc_perfect_prediction_scores_one() -> None:
    gold = tc(("1", "Doubt", 0, 5), ("1", "Slogans", 7, 9), ("2", "Repetition", 0, 3))
    score = score_tc(gold, gold)
    assert score.micro.f1 == 1.0 and score.correct == 3
    assert score.per_label["Doubt"].f1 == 1.0
    assert score.per_label["Flag-Waving"].f1 == 0.0  # absent everywhere: no credit, no crash


def test_tc_a_gold_label_can_be_matched_only_once() -> None:
    gold = tc(("1", "Doubt", 0, 5), ("1", "Slogans", 0, 5))
    twice = score_tc(tc(("1", "Doubt", 0, 5), ("1", "Doubt", 0, 5)), gold)
    assert twice.correct == 1 and twice.micro.f1 == 0.5
    both = score_tc(tc(("1", "Slogans", 0, 5), ("1", "Doubt", 0, 5)), gold)
    assert both.correct == 2 and both.micro.f1 == 1.0


def test_tc_per_label_hand_computed() -> None:
    gold = tc(("1", "Doubt", 0, 5), ("1", "Slogans", 10, 15), ("1", "Doubt", 20, 25))
    pred = tc(("1", "Doubt", 0, 5), ("1", "Doubt", 10, 15), ("1", "Slogans", 20, 25))
    score = score_tc(pred, gold)
    assert score.micro.f1 == pytest.approx(1 / 3)
    doubt = score.per_label["Doubt"]
    assert (doubt.precision, doubt.recall, doubt.f1) == (0.5, 0.5, 0.5)
    assert score.per_label["Slogans"].f1 == 0.0
    assert score.gold_counts["Doubt"] == 2


def test_tc_predictions_off_the_gold_spans_cost_precision() -> None:
    gold = tc(("1", "Doubt", 0, 5))
    score = score_tc(tc(("1", "Doubt", 0, 5), ("1", "Doubt", 1, 5)), gold)
    assert (score.micro.precision, score.micro.recall) == (0.5, 1.0)
    assert score_tc([], gold).micro.f1 == 0.0


# ----------------------------------------------------------------------------- loader and formats


@needs_ptc
def test_loader_reads_the_whole_corpus(corpus: list[Article]) -> None:
    assert len(corpus) == 308
    assert {t.label for a in corpus for t in a.techniques} == set(LABELS)
    assert len(LABELS) == 14
    assert sum(len(a.techniques) for a in corpus) == 5202
    first = next(a for a in corpus if a.id == "111111112")
    assert first.techniques[0].label == "Slogans"
    assert first.text[191:219].strip() and (191, 219) in first.spans
    bw = next(t for t in first.techniques if t.label == "Black-and-White_Fallacy")
    assert first.text[bw.start : bw.end].startswith("We condemn all those")


@needs_ptc
def test_gold_offsets_slice_to_words(corpus: list[Article]) -> None:
    for a in corpus:
        for t in a.techniques:
            piece = a.text[t.start : t.end]
            assert 0 <= t.start < t.end <= len(a.text)
            assert any(ch.isalnum() for ch in piece), (a.id, t)


def test_submission_round_trip(tmp_path: Path) -> None:
    spans = si(("123", 0, 10), ("123", 12, 20), ("7", 3, 4))
    write_si(tmp_path / "si.txt", spans)
    assert read_si(tmp_path / "si.txt") == spans
    template = [TcLine("123", None, 0, 10), TcLine("123", None, 0, 10)]
    write_tc(tmp_path / "template.txt", template)
    assert (tmp_path / "template.txt").read_text() == "123\t?\t0\t10\n123\t?\t0\t10\n"
    assert read_tc(tmp_path / "template.txt", template=True) == template
    labelled = tc(("123", "Name_Calling,Labeling", 0, 10), ("123", "Doubt", 0, 10))
    write_tc(tmp_path / "tc.txt", labelled)
    assert read_tc(tmp_path / "tc.txt") == labelled


def test_template_for_lists_every_gold_label_line() -> None:
    art = Article("9", "x" * 20, ((0, 5),), (Technique("Doubt", 0, 5), Technique("Slogans", 0, 5)))
    assert template_for([art]) == [TcLine("9", None, 0, 5), TcLine("9", None, 0, 5)]


@pytest.mark.parametrize(
    ("kind", "content", "message"),
    [
        ("si", "1\t0\t5\n\n1\t0\n", ":3: expected 3 tab-separated fields"),
        ("tc", "1\tDoubt\t0\tfive\n", ":1: offsets must be integers"),
        ("tc", "1\tDoubt\t5\t5\n", ":1: empty or reversed span"),
        ("tc", "1\tPropaganda\t0\t5\n", ":1: unknown technique label"),
        ("template", "1\tDoubt\t0\t5\n", ":1: template label must be '?'"),
        ("template", "x1\t?\t0\t5\n", ":1: article id must be digits"),
    ],
)
def test_strict_parsing_names_file_and_line(
    tmp_path: Path, kind: str, content: str, message: str
) -> None:
    path = tmp_path / "bad.labels"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PtcFormatError, match=message) as err:
        if kind == "si":
            read_si(path)
        else:
            read_tc(path, template=kind == "template")
    assert str(err.value).startswith(str(path))


# ----------------------------------------------------------------------------- folds


def _stub_articles(n: int) -> list[Article]:
    return [Article(str(1000 + i), "") for i in range(n)]


def test_folds_are_disjoint_covering_and_deterministic() -> None:
    articles = _stub_articles(23)
    split = folds(articles, k=5, seed=13)
    ids = [a.id for fold in split for a in fold]
    assert len(ids) == len(set(ids)) == 23
    assert {len(f) for f in split} == {4, 5}
    shuffled = articles[:]
    random.Random(1).shuffle(shuffled)
    assert [[a.id for a in f] for f in folds(shuffled, 5, 13)] == [[a.id for a in f] for f in split]
    assert folds(articles, 5, 14) != split
    with pytest.raises(ValueError, match="k="):
        folds(articles, k=1)


# ----------------------------------------------------------------------------- the model under CV


def test_grow_spans_needs_a_confident_seed_and_bridges_one_gap() -> None:
    import numpy as np

    toks = [(0, 1), (2, 3), (4, 5), (6, 7), (8, 9), (10, 11), (12, 13)]
    proba = np.array([0.15, 0.5, 0.05, 0.2, 0.0, 0.0, 0.15])
    # 0-1 seeded by 0.5, 3 joins over the one-token gap; 6 is weak and two tokens away.
    assert grow_spans(toks, proba, high=0.3, low=0.1, max_gap=1) == [(0, 7, 0.5)]
    assert grow_spans(toks, proba, high=0.3, low=0.1, max_gap=0) == [(0, 3, 0.5)]
    # A line break between tokens 1 and 3 stops the run: token 3 alone is too weak to stand.
    lines = [0, 0, 0, 1, 1, 1, 1]
    assert grow_spans(toks, proba, high=0.3, low=0.1, max_gap=1, lines=lines) == [(0, 3, 0.5)]


def test_tokenizer_keeps_inner_apostrophes_and_survives_hostile_text() -> None:
    text = 'Don’t say "never"!'
    assert [text[s:e] for s, e in tokenize(text)] == ["Don’t", "say", '"', "never", '"', "!"]
    assert tokenize("") == []
    assert len(tokenize("'" * 10_000)) == 10_000


@needs_ptc
def test_small_end_to_end_beats_trivial_baselines(corpus: list[Article]) -> None:
    split = folds(corpus, k=10, seed=13)
    # The span tagger's thresholds suit a few hundred articles; 60 is the least it is fair on.
    train, test = [*split[0], *split[2]][:60], split[1][:10]
    model = TechniqueModel.fit(train).reloaded()
    texts = {a.id: a.text for a in test}
    gold_tc = [TcLine(a.id, t.label, t.start, t.end) for a in test for t in a.techniques]
    predicted = fill_template(model, texts, template_for(test))
    majority = Counter(t.label for a in train for t in a.techniques).most_common(1)[0][0]
    trivial = [TcLine(x.article_id, majority, x.start, x.end) for x in gold_tc]
    assert score_tc(predicted, gold_tc).micro.f1 > score_tc(trivial, gold_tc).micro.f1 + 0.03

    gold_si = [SiLine(a.id, s, e) for a in test for s, e in a.spans]
    pred_si = predict_si(model, texts)
    for line in pred_si:
        assert 0 <= line.start < line.end <= len(texts[line.article_id])
    # Every line of every article as a span: the laziest prediction with any recall.
    lines = [SiLine(a.id, s, s + len(ln)) for a in test for s, ln in _lines(a.text) if ln.strip()]
    assert score_si(pred_si, gold_si).f1 > score_si(lines, gold_si).f1


@needs_ptc
def test_training_is_deterministic(corpus: list[Article]) -> None:
    train, test = corpus[:15], corpus[15:18]
    template = template_for(test)
    texts = {a.id: a.text for a in test}
    # Training order must not matter either: the model sorts its input by article id.
    models = [TechniqueModel.fit(train), TechniqueModel.fit(train[::-1])]
    assert fill_template(models[0], texts, template) == fill_template(models[1], texts, template)
    assert predict_si(models[0], texts) == predict_si(models[1], texts)


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for ln in text.split("\n"):
        out.append((pos, ln))
        pos += len(ln) + 1
    return out


@needs_ptc
def test_tagger_never_crashes_on_hostile_text(corpus: list[Article]) -> None:
    model = TechniqueModel.fit(corpus[:8])
    for text in ["", "!!!", "\n\n\n", "مرحبا بالعالم 🙂🙂", "\"'" * 500, "word " * 20_000]:
        for s, e, _, _ in model.find_spans(text):
            assert 0 <= s < e <= len(text)


# ----------------------------------------------------------------------------- CLI


@pytest.fixture(scope="module")
def mini_ptc(tmp_path_factory: pytest.TempPathFactory, corpus: list[Article]) -> Path:
    """A corpus directory of 24 real articles, laid out as the real one."""
    root = tmp_path_factory.mktemp("ptc")
    for sub in ("train-articles", "train-labels-task-si", "train-labels-task-flc-tc"):
        (root / sub).mkdir()
    for a in folds(corpus, k=12, seed=13)[0]:
        shutil.copy(PTC / "train-articles" / f"article{a.id}.txt", root / "train-articles")
        for sub, suffix in (
            ("train-labels-task-si", "task-si"),
            ("train-labels-task-flc-tc", "task-flc-tc"),
        ):
            shutil.copy(PTC / sub / f"article{a.id}.{suffix}.labels", root / sub)
    return root


def test_cli_predict_si_and_tc(mini_ptc: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    articles = mini_ptc / "train-articles"
    out = tmp_path / "si.txt"
    result = runner.invoke(
        ptc,
        [
            "predict",
            "--task",
            "si",
            "--articles",
            str(articles),
            "--out",
            str(out),
            "--data",
            str(mini_ptc),
        ],
    )
    assert result.exit_code == 0, result.output
    spans = read_si(out)
    assert spans and {x.article_id for x in spans} <= {p.name[7:-4] for p in articles.iterdir()}

    template = tmp_path / "template.txt"
    gold = load_corpus(mini_ptc)
    write_tc(template, template_for(gold))
    out_tc = tmp_path / "tc.txt"
    args = ["predict", "--task", "tc", "--articles", str(articles), "--template", str(template)]
    result = runner.invoke(ptc, [*args, "--out", str(out_tc), "--data", str(mini_ptc)])
    assert result.exit_code == 0, result.output
    labelled = read_tc(out_tc)
    assert [(x.article_id, x.start, x.end) for x in labelled] == [
        (x.article_id, x.start, x.end) for x in template_for(gold)
    ]


def test_cli_predict_rejects_bad_input(mini_ptc: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    articles = str(mini_ptc / "train-articles")
    base = [
        "predict",
        "--articles",
        articles,
        "--out",
        str(tmp_path / "o"),
        "--data",
        str(mini_ptc),
    ]
    assert runner.invoke(ptc, [*base, "--task", "tc"]).exit_code == 2
    template = tmp_path / "template.txt"
    write_tc(template, [])
    assert runner.invoke(ptc, [*base, "--task", "si", "--template", str(template)]).exit_code == 2
    bad = tmp_path / "bad.txt"
    bad.write_text("999\t?\t0\t5\n", encoding="utf-8")
    result = runner.invoke(ptc, [*base, "--task", "tc", "--template", str(bad)])
    assert isinstance(result.exception, PtcFormatError)
    assert "999" in str(result.exception)


def test_cli_eval_ptc_writes_markdown(mini_ptc: Path, tmp_path: Path) -> None:
    md = tmp_path / "acc.md"
    args = ["ptc", "--folds", "3", "--data", str(mini_ptc), "--markdown", str(md)]
    result = CliRunner().invoke(eval_, args)
    assert result.exit_code == 0, result.output
    report = md.read_text(encoding="utf-8")
    assert "scrutiny eval ptc --folds 3 --seed 13" in report
    assert report.count("\n| ") >= 3 + 1 + 14
    assert "mean ± std" in report and "Name_Calling,Labeling" in report
