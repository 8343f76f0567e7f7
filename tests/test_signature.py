"""The signature analyzer: closing blocks and first-person self-naming, and what is neither."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from helpers import PTC, SEED, analyze_with
from scrutiny.analyzers.signature import (
    CONFIDENCE_NO_ENTITY,
    CONFIDENCE_ORG,
    CONFIDENCE_SELF,
    SignatureAnalyzer,
    find_block,
    find_self_identifications,
)
from scrutiny.model import Analysis
from scrutiny.pipeline import AnalysisState

BODY = (
    "The government has once again arrested peaceful people for their beliefs. We call on "
    "the authorities to release them at once and to stop the campaign of repression, which "
    "only deepens the crisis in the country.\n\n"
)


class FixtureEntities:
    """TEST FIXTURE, not the real entity analyzer: each of spaCy's ents becomes an entity with
    one name mention."""

    name: ClassVar[str] = "entities"
    version: ClassVar[str] = "fixture"
    requires: ClassVar[tuple[str, ...]] = ("sentence",)
    produces: ClassVar[tuple[str, ...]] = ("entity", "mention")
    languages: ClassVar[tuple[str, ...] | None] = None

    def analyze(self, state: AnalysisState) -> None:
        doc: Any = state.scratch["spacy"]
        for ent in doc.ents:
            attrs = {"name": ent.text, "aliases": [ent.text]}
            e = state.add("entity", ent.start_char, ent.end_char, ent.label_, attrs=attrs)
            attrs = {"entity": e.id, "kind": "name"}
            state.add("mention", ent.start_char, ent.end_char, ent.label_, attrs=attrs)


class OrgEntities(FixtureEntities):
    """TEST FIXTURE: spaCy's ents plus one ORG given by the test, wherever its name occurs."""

    def __init__(self, org: str) -> None:
        self.org = org

    def analyze(self, state: AnalysisState) -> None:
        super().analyze(state)
        at = state.text.find(self.org)
        attrs = {"name": self.org, "aliases": [self.org]}
        e = state.add("entity", at, at + len(self.org), "ORG", attrs=attrs)
        while at >= 0:
            attrs = {"entity": e.id, "kind": "name"}
            state.add("mention", at, at + len(self.org), "ORG", attrs=attrs)
            at = state.text.find(self.org, at + 1)


def run(text: str, entities: Any = None) -> Analysis:
    return analyze_with(text, entities or FixtureEntities(), SignatureAnalyzer())


def signatures(a: Analysis, label: str) -> list[tuple[str, dict[str, Any], float]]:
    return [
        (a.document.slice(s.span), dict(s.attrs), s.confidence)
        for s in a.layer("signature")
        if s.label == label
    ]


# --- seed ----------------------------------------------------------------------------------------


def test_seed_block_and_self_identification() -> None:
    a = run(SEED.read_text(encoding="utf-8"))
    ((text, attrs, conf),) = signatures(a, "block")
    assert text == "Media Office of Hizb ut Tahrir\nin Kyrgyzstan"
    assert attrs["name"] == "Media Office of Hizb ut Tahrir in Kyrgyzstan"
    # spaCy knows only "Kyrgyzstan" here: a modifier of the name is not the issuer.
    assert attrs["entity"] is None and conf == pytest.approx(CONFIDENCE_NO_ENTITY)
    ((text, attrs, conf),) = signatures(a, "self_identification")
    assert text == "Hizb ut Tahrir Kyrgyzstan" == attrs["name"]
    assert conf == pytest.approx(CONFIDENCE_SELF)


def test_seed_block_links_an_organisation() -> None:
    a = run(SEED.read_text(encoding="utf-8"), OrgEntities("Hizb ut Tahrir"))
    ((_, attrs, conf),) = signatures(a, "block")
    org = a.get(attrs["entity"])
    assert org is not None and org.label == "ORG" and org.attrs["name"] == "Hizb ut Tahrir"
    assert conf == pytest.approx(CONFIDENCE_ORG)
    assert a.to_dict()["signature"]["kind"] == "block"


def test_seed_with_real_entities() -> None:
    try:
        from scrutiny.analyzers.entities import EntityAnalyzer
    except ImportError:
        pytest.skip("the entities analyzer is not there yet")
    a = run(SEED.read_text(encoding="utf-8"), EntityAnalyzer())
    ((text, attrs, conf),) = signatures(a, "block")
    assert text == "Media Office of Hizb ut Tahrir\nin Kyrgyzstan"
    assert attrs["name"] == "Media Office of Hizb ut Tahrir in Kyrgyzstan"
    org = a.get(attrs["entity"])
    assert org is not None and org.label == "ORG" and "Hizb ut Tahrir" in org.attrs["name"]
    assert conf == pytest.approx(CONFIDENCE_ORG)
    names = [attrs["name"] for _, attrs, _ in signatures(a, "self_identification")]
    assert names == ["Hizb ut Tahrir Kyrgyzstan"]
    sig = a.to_dict()["signature"]
    assert sig is not None and "Hizb ut Tahrir" in sig["name"]


# --- blocks --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("closing", "span", "name"),
    [
        ("— John Smith, Spokesman", "John Smith, Spokesman", "John Smith, Spokesman"),
        ("Signed: Press Office of the Green Party", "Press Office of the Green Party", None),
        ("Issued by the Central Media Office", "the Central Media Office", None),
        ("__Press Office__", "Press Office", None),
        (
            "Ahmad Hassan\nMedia Office of the Movement\nin Lebanon",
            "Ahmad Hassan\nMedia Office of the Movement\nin Lebanon",
            "Media Office of the Movement in Lebanon",
        ),
    ],
)
def test_closing_block_forms(closing: str, span: str, name: str | None) -> None:
    a = run(BODY + closing)
    ((text, attrs, _),) = signatures(a, "block")
    assert text == span
    assert attrs["name"] == (name or span)


def test_metadata_lines_under_the_block_are_skipped() -> None:
    a = run(BODY + "Press Office of the Workers Union\nwww.example.org\n12 May 2015\n")
    ((text, attrs, _),) = signatures(a, "block")
    assert text == "Press Office of the Workers Union" == attrs["name"]


def test_news_article_ending_with_a_sentence_has_no_block() -> None:
    text = "Press Office\n\n" + BODY + "The senator has not responded to that allegation."
    assert signatures(run(text), "block") == []


@pytest.mark.parametrize(
    "closing",
    [
        "The Best of Jacob G. Hornberger",  # a book advertisement under a column
        "Article posted with permission from Pamela Geller",  # a credit line, not a name
        "#LasVegasShooting",
        "Read More",
        "Donald Trump\nOregon",  # a name and a place, signed by nobody
    ],
)
def test_news_page_closings_are_not_blocks(closing: str) -> None:
    assert signatures(run(BODY + closing), "block") == []


def test_a_block_needs_a_body_above_it() -> None:
    assert find_block("Media Office of the Movement") is None
    assert find_block("Press Office\n\nMedia Office of the Movement") is None
    assert signatures(run("Media Office of the Movement"), "block") == []


def test_byline_at_the_top_is_not_a_signature() -> None:
    text = "By John Smith, Press Office\n\n" + BODY + "Nobody has answered so far."
    assert run(text).layer("signature") == []


# --- self-identification -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        (
            "We, Hizb ut Tahrir Kyrgyzstan, urge the government to stop.",
            "Hizb ut Tahrir Kyrgyzstan",
        ),
        ("We, the undersigned, demand the release of the prisoners.", "the undersigned"),
        ("We, the people of Syria, reject this plan entirely.", "the people of Syria"),
        ("It is a duty for us, the Muslims of Kyrgyzstan, to speak.", "the Muslims of Kyrgyzstan"),
        ("We at the Press Office of the Green Party believe this is wrong.", None),
    ],
)
def test_self_identification(sentence: str, name: str | None) -> None:
    a = run(BODY + sentence)
    ((text, attrs, conf),) = signatures(a, "self_identification")
    assert text == attrs["name"] == (name or "the Press Office of the Green Party")
    assert conf == pytest.approx(CONFIDENCE_SELF)


@pytest.mark.parametrize(
    "sentence",
    [
        "We, however, do not agree with this at all.",
        "We, as Muslims, must speak the truth.",
        "We, too, reject it.",
        "We, Mr. Speaker, believe this bill is wrong.",
        "Thank you for joining us, Mr. President, at this meeting.",
        "We in Kyrgyzstan know what repression means.",  # a place, not an issuing body
        "We, We, We, The We, they said.",
    ],
)
def test_not_self_identification(sentence: str) -> None:
    assert find_self_identifications(BODY + sentence) == [] or not signatures(
        run(BODY + sentence), "self_identification"
    )


def test_self_identification_with_an_org_entity() -> None:
    a = run(BODY + "We at Amnesty International believe this is wrong.", OrgEntities("Amnesty"))
    ((text, attrs, _),) = signatures(a, "self_identification")
    assert text == "Amnesty International"
    assert a.get(attrs["entity"]) is not None


def test_pure_functions_on_huge_hostile_text() -> None:
    assert find_self_identifications("We, " * 250_000) == []
    assert find_self_identifications("We, The " * 100_000 + ",") == []
    assert find_block("**" * 500_000) is None
    assert find_block(BODY * 2_000 + "a@b" * 100_000) is None


def test_repeated_self_naming_is_reported_once() -> None:
    sentence = "We, Hizb ut Tahrir Kyrgyzstan, urge the government to stop. "
    assert len(find_self_identifications(sentence * 50)) == 1


# --- hostile text and real articles -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "**",
        "?!.,;:" * 100,
        "x" * 200_000,
        "We, " * 1_000,
        BODY + "**" * 500,
        BODY + "مكتب الإعلام 🙂\n**Media Office 🚀**",
        BODY + ("Press Office\n" * 50),
    ],
)
def test_hostile_text_does_not_crash(text: str) -> None:
    a = run(text)
    for s in a.layer("signature"):
        assert s.attrs["name"] and len(s.span) <= 4 * 100 + 3


@pytest.mark.skipif(not (PTC / "train-articles").is_dir(), reason="needs ../shared/data/ptc")
def test_ptc_news_articles_rarely_get_a_block() -> None:
    # Only articles whose tail looks like a block at all need the full pipeline.
    paths = sorted((PTC / "train-articles").glob("article*.txt"))[:50]
    texts = [p.read_text(encoding="utf-8") for p in paths]
    candidates = [t for t in texts if find_block(t) is not None]
    blocks = sum(len(signatures(run(t), "block")) for t in candidates)
    selves = sum(len(find_self_identifications(t)) for t in texts)
    assert len(texts) == 50 and blocks <= 1 and selves <= 1
