"""The ``claim`` layer: the shipped check-worthiness model, attribution rules, training, eval."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from helpers import PTC, SEED, SHARED, analyze_with
from scrutiny.analyzers.claims import ClaimAnalyzer
from scrutiny.analyzers.claims.model import MODEL_DIR, MODEL_FILE, shipped_model
from scrutiny.analyzers.entities import EntityAnalyzer
from scrutiny.analyzers.quotes import QuoteAnalyzer
from scrutiny.model import Analysis

DATA = SHARED / "data" / "checkworthy"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="check-worthiness data not present")

FACTUAL = [
    "Unemployment fell to 4.1 percent in March, the lowest rate since 2000.",
    "The government spent 2 billion dollars on the new bridge in 2018.",
    "More than 300 people were killed in the attack on the capital last year.",
    "The senator voted against the tax bill twice.",
]
NOT_FACTUAL = [
    "I think this is a beautiful country.",
    "We must stand together and fight for our future!",
    "Why do they always lie to us?",
    "Take your time!",
    "Thank you very much for having me tonight.",
]


def _analyze(text: str) -> Analysis:
    return analyze_with(text, EntityAnalyzer(), QuoteAnalyzer(), ClaimAnalyzer())


def _claims(analysis: Analysis) -> list[tuple[str, dict[str, Any], float]]:
    text = analysis.document.text
    return [
        (text[c.span.start : c.span.end], c.attrs["attribution"], c.attrs["checkworthiness"])
        for c in analysis.layer("claim")
    ]


def _claim_containing(analysis: Analysis, fragment: str) -> tuple[str, dict[str, Any], float]:
    found = [c for c in _claims(analysis) if fragment in c[0]]
    assert len(found) == 1, (fragment, _claims(analysis))
    return found[0]


def _entity_name(analysis: Analysis, entity_id: str | None) -> str | None:
    ent = analysis.get(entity_id) if entity_id else None
    return str(ent.attrs["name"]) if ent else None


# ------------------------------------------------------------------------------------ model


def test_shipped_model_is_small_and_loads_without_scikit_learn() -> None:
    path = MODEL_DIR / MODEL_FILE
    assert path.stat().st_size < 5_000_000
    with gzip.open(path, "rt", encoding="ascii") as fh:
        raw = json.load(fh)
    assert set(raw) == {"meta", "intercept", "terms"}
    model = shipped_model()
    assert model.meta["terms"] == len(model.coef) > 1000
    assert 0.0 <= model.score("Taxes rose by 3 percent in 2019.") <= 1.0
    # The scoring module must not pull in the training stack.
    import scrutiny.analyzers.claims.model as runtime

    assert "sklearn" not in runtime.__dict__ and "scipy" not in runtime.__dict__


@needs_data
def test_shipped_model_was_trained_on_the_current_data() -> None:
    from scrutiny.analyzers.claims.train import data_hash

    assert shipped_model().meta["data_sha256"] == data_hash(DATA)
    assert shipped_model().meta["limit"] is None


def test_factual_sentences_outrank_opinions_questions_and_exhortations() -> None:
    model = shipped_model()
    factual = [model.score(s) for s in FACTUAL]
    other = [model.score(s) for s in NOT_FACTUAL]
    assert min(factual) > 0.5 > max(other), (factual, other)


@pytest.mark.parametrize("text", ["", "   ", "?!?!", "🙂🙂🙂", "مرحبا بالعالم", "x" * 50_000])
def test_model_scores_junk_without_crashing(text: str) -> None:
    assert 0.0 <= shipped_model().score(text) <= 1.0


# ------------------------------------------------------------------------------ attribution

ATTRIBUTION_CASES = [
    # (text, fragment of the claim, type, source name or None, cue)
    (
        "The central bank raised interest rates by half a point on Tuesday.",
        "central bank raised",
        "author",
        None,
        None,
    ),
    (
        '"The economy grew by 5 percent last year," said Barack Obama.',
        "economy grew",
        "quoted",
        "Barack Obama",
        "say",
    ),
    (
        "Angela Merkel visited Paris in May. She said that exports fell by 7 percent in 2019.",
        "exports fell",
        "reported",
        "Angela Merkel",
        "say",
    ),
    (
        "Taxes will rise by 2 percent next year, Angela Merkel told reporters in Berlin.",
        "Taxes will rise",
        "reported",
        "Angela Merkel",
        "tell",
    ),
    (
        "It was reported that the minister resigned after the vote in parliament.",
        "the minister resigned",
        "reported",
        None,
        "report",
    ),
    (
        "According to Reuters, the deal was worth $3 billion.",
        "the deal was worth",
        "reported",
        "Reuters",
        "according to",
    ),
    (
        "According to the police, 12 people died in the fire.",
        "12 people died",
        "reported",
        None,
        "according to",
    ),
    (
        "The company announced that it would cut 2,000 jobs in Ohio.",
        "cut 2,000 jobs",
        "reported",
        None,
        "announce",
    ),
    (
        "Officials believe the new plan will fail next year.",
        "plan will fail",
        "reported",
        None,
        "believe",
    ),
    ("I think we should all be kinder to each other.", "I think", "author", None, "think"),
    (
        "And it became known that 9 people escaped from the prison on Monday.",
        "9 people escaped",
        "reported",
        None,
        "become known",
    ),
    (
        "John Smith arrived in London on Friday with three advisers.",
        "John Smith arrived",
        "author",
        None,
        None,
    ),
]


@pytest.mark.parametrize(("text", "fragment", "kind", "source", "cue"), ATTRIBUTION_CASES)
def test_attribution(
    text: str, fragment: str, kind: str, source: str | None, cue: str | None
) -> None:
    analysis = _analyze(text)
    _, attribution, _ = _claim_containing(analysis, fragment)
    assert attribution["type"] == kind
    assert _entity_name(analysis, attribution["source"]) == source
    assert (attribution["source"] is None) == (source is None)
    assert attribution["cue"] == cue


def test_reported_claim_span_is_the_content_clause() -> None:
    analysis = _analyze("The minister said on Monday that taxes would rise by 3 percent.")
    assert [c[0] for c in _claims(analysis)] == ["taxes would rise by 3 percent"]


def test_short_sentences_and_headlines_make_no_claims() -> None:
    analysis = _analyze("Breaking News From The Capital\n\nHe agreed. Prices rose by 4 percent.")
    assert [c[0] for c in _claims(analysis)] == ["Prices rose by 4 percent."]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "...",
        '"unbalanced quote said he',
        'He said "she said "it is" true" loudly today.',
        "مرحبا بالعالم. This is 🙂 a test of the claims layer.",
        "word " * 4000,
    ],
)
def test_hostile_text(text: str) -> None:
    for c in _analyze(text).layer("claim"):
        assert 0.0 <= c.attrs["checkworthiness"] <= 1.0


# ------------------------------------------------------------------------------------- seed


@pytest.fixture(scope="module")
def seed() -> Analysis:
    return _analyze(SEED.read_text(encoding="utf-8"))


def test_seed_author_facts_outrank_questions(seed: Analysis) -> None:
    kamalov = _claim_containing(seed, "the government arrested Rashod Qori Kamalov")
    narymbaev = _claim_containing(seed, "Earlier Daniyar Narymbaev was arrested.")
    why = _claim_containing(seed, "Why do we trust these vicious corrupters")
    assert kamalov[1]["type"] == narymbaev[1]["type"] == why[1]["type"] == "author"
    assert kamalov[2] > 0.5
    assert min(kamalov[2], narymbaev[2]) > why[2]
    assert shipped_model().score("Take your time!") < why[2]


def test_seed_impersonal_report_and_quote(seed: Analysis) -> None:
    escaped = _claim_containing(seed, "9 people escaped from prison")
    assert escaped[1] == {"type": "reported", "source": None, "cue": "become known"}
    assert not escaped[0].startswith("And recently")
    quoted = _claim_containing(seed, "How can the government imprison")
    assert quoted[1]["type"] == "quoted"
    assert _entity_name(seed, quoted[1]["source"]) == "Atambayev"
    assert not quoted[0].startswith("They said")


def test_seed_skips_title_and_signature(seed: Analysis) -> None:
    texts = [c[0] for c in _claims(seed)]
    assert not any("Press Release" in t or "Dangers of Cooperating" in t for t in texts)
    assert not any("Media Office" in t for t in texts)


# ------------------------------------------------------------------------- training and eval


def _tiny_data(tmp_path: Path) -> Path:
    """Seeded samples of both real files (both classes), so training and eval take seconds."""
    from scrutiny.analyzers.claims.train import load_claimbuster, load_clef, subsample

    out = tmp_path / "data"
    out.mkdir()
    cb = subsample(load_claimbuster(DATA), 300)
    with (out / "claimbuster-2class.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["sentence_id", "screening", "label", "text"])
        writer.writerows(
            [i, 0, y, t] for i, (t, y) in enumerate(zip(cb.texts, cb.labels, strict=True))
        )
    clef = load_clef(DATA)
    # Every positive of a stretch of the file plus its negatives: positives are 1 % of CLEF.
    rows = [
        f"{t}\t{y}\n"
        for t, y in zip(clef.texts[:3000], clef.labels[:3000], strict=True)
        if y or len(t) % 20 == 0
    ]
    (out / "clef2020-task5-train.tsv").write_text("text\tlabel\n" + "".join(rows), encoding="utf-8")
    return out


@needs_data
def test_training_is_byte_reproducible(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from scrutiny.analyzers.claims.model import read_model
    from scrutiny.analyzers.claims.train import main

    for run in ("a", "b"):
        main(["--data", str(DATA), "--out", str(tmp_path / run), "--limit", "400"])
    first, second = ((tmp_path / r / MODEL_FILE).read_bytes() for r in ("a", "b"))
    assert first == second
    model = read_model(tmp_path / "a" / MODEL_FILE)
    assert model.meta["limit"] == model.meta["sentences"] == 400
    assert 0.0 <= model.score("Taxes rose by 3 percent in 2019.") <= 1.0


@needs_data
def test_checkworthy_eval_command(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from scrutiny.eval.checkworthy import checkworthy_command, stratified_folds

    folds = stratified_folds([1, 0, 0, 1, 0, 0, 1, 0, 0, 0], 2, 13)
    assert sorted(i for f in folds for i in f) == list(range(10))
    assert [sum(1 for i in f if i in (0, 3, 6)) for f in folds] in ([2, 1], [1, 2])

    report = tmp_path / "cw.md"
    args = ["--data", str(_tiny_data(tmp_path)), "--folds", "2", "--markdown", str(report)]
    result = CliRunner().invoke(checkworthy_command, args)
    assert result.exit_code == 0, result.output
    text = report.read_text(encoding="utf-8")
    assert "| **mean** |" in text and "scrutiny eval checkworthy" in text
    assert "ClaimBuster + first 80 % of CLEF" in text


# ------------------------------------------------------------------------------------ PTC


def _ptc_articles(n: int) -> list[Path]:
    return sorted((PTC / "train-articles").glob("article*.txt"))[:n]


@pytest.mark.skipif(not _ptc_articles(1), reason="PTC corpus not present")
def test_ptc_articles_keep_the_invariants() -> None:
    kinds: set[str] = set()
    for path in _ptc_articles(20):
        analysis = _analyze(path.read_text(encoding="utf-8"))
        entities = {e.id for e in analysis.layer("entity")}
        sentences = analysis.layer("sentence")
        for c in analysis.layer("claim"):
            attribution = c.attrs["attribution"]
            kinds.add(attribution["type"])
            assert attribution["type"] in ("author", "quoted", "reported")
            assert attribution["source"] is None or attribution["source"] in entities
            assert 0.0 <= c.attrs["checkworthiness"] <= 1.0
            assert c.confidence in (0.9, 0.75, 0.7)
            assert any(s.span.contains(c.span) for s in sentences), c
    assert kinds == {"author", "quoted", "reported"}


# ------------------------------------------------------------------------ attribution eval

GOLD = Path(__file__).parent / "data" / "claims_attribution_gold.jsonl"


def test_attribution_gold_file_is_well_formed() -> None:
    from scrutiny.eval.claim_attribution import TYPES, load_gold

    items = load_gold(GOLD)
    assert len(items) >= 100
    assert {i.type for i in items} == set(TYPES)
    assert {i.split for i in items} == {"dev", "test"}
    # A test sentence that is also a dev sentence would leak what the rules were tuned on.
    dev = {(i.doc, i.sentence) for i in items if i.split == "dev"}
    assert not any((i.doc, i.sentence) in dev for i in items if i.split == "test")


def test_source_matching_and_scores() -> None:
    from scrutiny.eval.claim_attribution import GoldItem, Outcome, score, source_matches

    assert source_matches("The White House", ["White House"])
    assert source_matches("Orban", ["Viktor Orban", "Orban"])
    assert source_matches(None, [])
    assert not source_matches("Orban", [])
    assert not source_matches(None, ["Orban"])
    assert not source_matches("Kirk", ["Putin"])

    def outcome(gold: str, got: str, ok: bool) -> Outcome:
        return Outcome(GoldItem("seed", "s", gold, None, "dev"), got, (), ok)

    s = score(
        [
            outcome("author", "author", True),
            outcome("quoted", "quoted", False),
            outcome("reported", "author", False),
            outcome("reported", "reported", True),
        ]
    )
    assert s.accuracy == 0.75
    assert s.per_class["author"] == (0.5, 1.0, 1)
    assert s.per_class["reported"] == (1.0, 0.5, 2)
    assert (s.source_accuracy, s.source_n) == (0.5, 2)
    assert (s.end_to_end, s.end_to_end_n) == (1 / 3, 3)


@pytest.mark.skipif(not SEED.is_file(), reason="seed example not present")
def test_claim_attribution_command_on_the_seed_sentences(tmp_path: Path) -> None:
    from scrutiny.eval.claim_attribution import attribution_command

    seed_rows = [line for line in GOLD.read_text(encoding="utf-8").splitlines() if '"seed"' in line]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(seed_rows) + "\n", encoding="utf-8")
    args = ["--gold", str(gold), "--shared", str(SHARED)]
    result = CliRunner().invoke(attribution_command, args)
    assert result.exit_code == 0, result.output
    assert "scrutiny eval claim-attribution" in result.output
    all_row = next(line for line in result.output.splitlines() if line.startswith("| all |"))
    sentences, accuracy = all_row.split("|")[2:4]
    assert int(sentences) == len(seed_rows)
    assert float(accuracy) >= 0.9
