"""The quotes analyzer: quotation marks, speakers, cue verbs, scare quotes and hostile text."""

from __future__ import annotations

import time
from typing import Any, ClassVar

import pytest

from helpers import PTC, SEED, analyze_with
from scrutiny.analyzers.quotes import MAX_QUOTE_CHARS, QuoteAnalyzer, find_quotations
from scrutiny.model import Analysis, Annotation
from scrutiny.pipeline import AnalysisState

_NAMED = {"PERSON", "ORG", "GPE", "NORP"}


class FixtureEntities:
    """TEST FIXTURE, not the real entity analyzer: spaCy's ents become entities and name mentions;
    "he"/"she" link to the latest PERSON and "they"/"them" to every entity named in the sentence
    before (a plural pronoun mention with ``entities``)."""

    name: ClassVar[str] = "entities"
    version: ClassVar[str] = "fixture"
    requires: ClassVar[tuple[str, ...]] = ("sentence",)
    produces: ClassVar[tuple[str, ...]] = ("entity", "mention")
    languages: ClassVar[tuple[str, ...] | None] = None

    def analyze(self, state: AnalysisState) -> None:
        doc: Any = state.scratch["spacy"]
        ids: dict[str, str] = {}
        last_person: str | None = None
        previous: list[str] = []
        for sent in doc.sents:
            named: list[str] = []
            for tok in sent:
                span = (tok.idx, tok.idx + len(tok))
                if tok.lower_ in {"he", "she"} and last_person:
                    attrs = {"entity": last_person, "kind": "pronoun"}
                    state.add("mention", *span, "PERSON", attrs=attrs)
                elif tok.lower_ in {"they", "them"} and previous:
                    attrs = {"entity": previous[0], "entities": previous, "kind": "pronoun"}
                    state.add("mention", *span, "PERSON", attrs=attrs)
            for ent in sent.ents:
                if ent.label_ not in _NAMED:
                    continue
                if ent.text not in ids:
                    attrs = {"name": ent.text, "aliases": [ent.text]}
                    ids[ent.text] = state.add(
                        "entity", ent.start_char, ent.end_char, ent.label_, attrs=attrs
                    ).id
                attrs = {"entity": ids[ent.text], "kind": "name"}
                state.add("mention", ent.start_char, ent.end_char, ent.label_, attrs=attrs)
                named.append(ids[ent.text])
                if ent.label_ == "PERSON":
                    last_person = ids[ent.text]
            if named:
                previous = named


def run(text: str) -> Analysis:
    return analyze_with(text, FixtureEntities(), QuoteAnalyzer())


def quotes(text: str) -> list[tuple[str, dict[str, Any], float]]:
    a = run(text)
    t = a.document.text
    return [(t[q.span.start : q.span.end], dict(q.attrs), q.confidence) for q in a.layer("quote")]


def names(a: Analysis, ids: list[str]) -> list[str]:
    out = []
    for i in ids:
        ent = a.get(i)
        assert ent is not None and ent.layer == "entity"
        out.append(ent.attrs["name"])
    return out


def only(text: str) -> tuple[str, dict[str, Any], float]:
    found = quotes(text)
    assert len(found) == 1, found
    return found[0]


# --- speaker positions ------------------------------------------------------------------------


def test_speaker_before_quote_with_plural_pronoun() -> None:
    text = (
        "Atambayev and Otunbayeva met in Bishkek. "
        'They said, "How can the government imprison these people for saying Allahu Akbar?"'
    )
    a = run(text)
    (q,) = a.layer("quote")
    assert a.document.slice(q.span).startswith("How can") and text[q.span.end - 1] == "?"
    assert q.attrs["speaker_text"] == "They" and q.attrs["cue"] == "say"
    assert text[q.attrs["speaker_start"] : q.attrs["speaker_end"]] == "They"
    assert {"Atambayev", "Otunbayeva"} <= set(names(a, q.attrs["speakers"]))
    assert q.confidence == pytest.approx(0.9)


def test_speaker_after_quote_pronoun_resolves() -> None:
    text = 'Tommy Robinson spoke in London. "It is embarrassing for this country," he said.'
    a = run(text)
    (q,) = a.layer("quote")
    assert a.document.slice(q.span) == "It is embarrassing for this country"  # no trailing comma
    assert q.attrs["speaker_text"] == "he"
    assert names(a, q.attrs["speakers"]) == ["Tommy Robinson"]


def test_inverted_said_name() -> None:
    quote, attrs, _ = only('"We will never give up," said Vladimir Putin.')
    assert quote == "We will never give up"
    assert attrs["speaker_text"] == "Vladimir Putin" and attrs["cue"] == "say"
    assert len(attrs["speakers"]) == 1


def test_according_to_unnamed_noun_phrase() -> None:
    _, attrs, _ = only('"The economy is strong and growing fast", according to the minister.')
    assert attrs["cue"] == "according to"
    assert attrs["speaker_text"] == "the minister" and attrs["speakers"] == []


def test_told_reporters_colon() -> None:
    quote, attrs, _ = only('The minister told reporters: "We will not back down."')
    assert quote == "We will not back down."
    assert attrs["cue"] == "tell" and attrs["speaker_text"] == "The minister"


def test_curly_quotes_and_long_subject_after() -> None:
    a = run("“We will win,” Russian President Vladimir Putin told reporters on Tuesday.")
    (q,) = a.layer("quote")
    assert a.document.slice(q.span) == "We will win"
    assert q.attrs["speaker_text"] == "Russian President Vladimir Putin"
    assert names(a, q.attrs["speakers"]) == ["Vladimir Putin"]


@pytest.mark.parametrize(
    "text",
    [
        "«We will never give in to them», said Emmanuel Macron in Paris.",
        "« We will never give in to them », said Emmanuel Macron in Paris.",
        "„We will never give up on Europe“, said Angela Merkel in Berlin.",
        "»We will never give up on Europe«, said Angela Merkel in Berlin.",
    ],
)
def test_guillemets_and_low_high_marks(text: str) -> None:
    quote, attrs, _ = only(text)
    assert quote.startswith("We will never give") and quote[-1] not in "«»„“ ,"
    assert attrs["cue"] == "say"


def test_single_quoted_quote_with_cue() -> None:
    quote, attrs, _ = only("'We will not back down,' the mayor of London said.")
    assert quote == "We will not back down"
    assert attrs["speaker_text"] == "the mayor of London"


def test_passive_quoted_as_saying() -> None:
    _, attrs, _ = only('He was quoted as saying, "This is the end of the road for us."')
    assert attrs["speaker_text"] == "He" and attrs["cue"] == "say"


def test_apposition_names_the_speaker() -> None:
    text = 'A researcher with the group, Matthew Collins, said it was "delighted" by the ban.'
    a = run(text)
    (q,) = a.layer("quote")
    assert a.document.slice(q.span) == "delighted"
    assert names(a, q.attrs["speakers"]) == ["Matthew Collins"]


def test_introduced_by_previous_sentence_colon_across_paragraph() -> None:
    _, attrs, conf = only('He added:\n\n"We condemn all those whose views run counter to ours."')
    assert attrs["cue"] == "add" and attrs["speaker_text"] == "He"
    assert attrs["attribution"] == "intro" and conf == pytest.approx(0.8)


def test_introduced_by_the_following() -> None:
    text = 'Angela Merkel spoke first. She said the following.\n"Europe must stand together now."'
    a = run(text)
    (q,) = a.layer("quote")
    assert q.attrs["speaker_text"] == "She" and names(a, q.attrs["speakers"]) == ["Angela Merkel"]


def test_headline_name_colon() -> None:
    _, attrs, _ = only('Trump: "I will build the wall"\n\nThe president spoke on Monday.')
    assert attrs["speaker_text"] == "Trump" and attrs["cue"] is None


def test_following_quote_inherits_speaker() -> None:
    text = 'Boris Johnson spoke. "We will leave," he said. "And we will leave on time, whatever."'
    a = run(text)
    first, second = a.layer("quote")
    assert first.attrs["attribution"] == "cue" and second.attrs["attribution"] == "inherited"
    assert second.attrs["speakers"] == first.attrs["speakers"] != []
    assert second.confidence < first.confidence


def test_unknown_speaker_is_low_confidence() -> None:
    quote, attrs, conf = only('"Nobody knows what will happen next in this country at all."')
    assert quote.startswith("Nobody")
    assert attrs["speakers"] == [] and attrs["speaker_text"] is None
    assert attrs["speaker_start"] is None and attrs["cue"] is None
    assert conf == pytest.approx(0.4)


# --- what is not a quote ------------------------------------------------------------------------


def test_scare_quotes_are_not_quotes() -> None:
    text = (
        'Their view is not different from "fatwa about Takfir" of ISIS, which calls all '
        'military as "Kuffar" on the basis of the crimes of several militaries.'
    )
    assert quotes(text) == []


def test_embedded_title_without_cue_is_not_a_quote() -> None:
    assert quotes('He read the book "The Art of the Deal" twice last summer.') == []


def test_apostrophes_are_not_quote_marks() -> None:
    text = (
        "Don't forget the '90s, when the Muslims' rights were ignored and rock 'n' roll "
        "was king. They didn't care. The workers' union's leaders weren't asked."
    )
    assert find_quotations(text) == []
    assert quotes(text) == []


def test_nested_single_inside_double_gives_outer_only() -> None:
    quote, attrs, _ = only("\"He told me 'never again' and then he left the room,\" she said.")
    assert quote == "He told me 'never again' and then he left the room"
    assert attrs["cue"] == "say"


# --- pairing robustness ------------------------------------------------------------------------


def test_stray_mark_does_not_swallow_the_text() -> None:
    text = 'A stray " mark here. Later the minister said: "We will act now, today."'
    quote, attrs, _ = only(text)
    assert quote == "We will act now, today."
    assert attrs["speaker_text"] == "the minister"


def test_unclosed_quote_never_crosses_a_paragraph() -> None:
    text = '"This quote is never closed at all.\n\nThe next paragraph says "hello there" to all.'
    for q in find_quotations(text):
        assert "\n\n" not in text[q.open_mark : q.end]
    assert [text[q.start : q.end] for q in find_quotations(text)] == ["hello there"]


def test_continuation_convention_links_paragraphs() -> None:
    text = (
        'Matthew Collins said: "These two are among the most extreme activists in the world.\n\n'
        '"They are not here to contribute to good community relations at all."'
    )
    a = run(text)
    first, second = a.layer("quote")
    assert "\n\n" not in a.document.slice(first.span) + a.document.slice(second.span)
    assert second.attrs["continues"] == first.id and first.attrs["continues"] is None
    assert second.attrs["speakers"] == first.attrs["speakers"] != []


def test_overlong_pair_is_dropped() -> None:
    body = "word " * (MAX_QUOTE_CHARS // 4)
    text = f'He said: "{body}" and "then a real quote follows here," she said.'
    found = [text[q.start : q.end] for q in find_quotations(text)]
    assert found == ["then a real quote follows here"]


def test_200kb_with_one_stray_mark_is_bounded_and_fast() -> None:
    para = "The committee met again on Tuesday and nothing at all was decided about it. " * 8
    text = "\n\n".join([para] * 330)
    middle = len(text) // 2
    text = text[:middle] + ' "' + text[middle:] + ' He said: "We are done here now."'
    assert len(text) > 200_000
    started = time.perf_counter()
    found = find_quotations(text)
    assert time.perf_counter() - started < 1.0
    assert all(q.end - q.start <= MAX_QUOTE_CHARS for q in found)
    assert [text[q.start : q.end] for q in found][-1:] == ["We are done here now."]
    # The same on one enormous line: no paragraph breaks to stop at, so the cap bounds it.
    line = text.replace("\n", " ")
    started = time.perf_counter()
    found = find_quotations(line)
    assert time.perf_counter() - started < 1.0
    assert all(q.end - q.start <= MAX_QUOTE_CHARS for q in found)


def test_stray_mark_in_a_long_document_through_the_analyzer() -> None:
    para = "The committee met on Tuesday and decided nothing about the new budget plan."
    text = "\n\n".join([para] * 60)
    text = (
        text.replace("decided", 'decided "', 1) + '\n\nThe chair said: "We will meet again soon."'
    )
    a = run(text)
    assert [a.document.slice(q.span) for q in a.layer("quote")] == ["We will meet again soon."]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        '"',
        "\"'\"'\"'«»„“”‘’",
        '""""""""""""',
        "?!.,;:" * 50,
        'שלום "עולם" 🙂 “مرحبا بالعالم الجميل” said nobody 🚀',
        '"' + "x" * 50_000,
        "'" * 1000 + "a" + "'" * 1000,
    ],
)
def test_hostile_text_does_not_crash(text: str) -> None:
    a = run(text)
    for q in a.layer("quote"):
        assert q.span.end - q.span.start <= MAX_QUOTE_CHARS


# --- real documents ------------------------------------------------------------------------------


def _real_entities() -> Any:
    try:
        from scrutiny.analyzers.entities import EntityAnalyzer
    except ImportError:
        pytest.skip("the entities analyzer is not there yet")
    return EntityAnalyzer()


def test_seed_quote_with_real_entities() -> None:
    a = analyze_with(SEED.read_text(encoding="utf-8"), _real_entities(), QuoteAnalyzer())
    found = {a.document.slice(q.span): q for q in a.layer("quote")}
    target = (
        "How can the government imprison these people only due to the fact that they said "
        "Allahu Akbar?"
    )
    assert target in found
    q = found[target]
    assert q.attrs["speaker_text"] == "They" and q.attrs["cue"] == "say"
    assert names(a, q.attrs["speakers"]) == ["Atambayev"]
    assert "Kuffar" not in found and "fatwa about Takfir" not in found


def test_seed_quote_with_fixture_entities() -> None:
    a = run(SEED.read_text(encoding="utf-8"))
    texts = [a.document.slice(q.span) for q in a.layer("quote")]
    assert len(texts) == 1 and texts[0].endswith("Allahu Akbar?")
    assert a.layer("quote")[0].attrs["speaker_text"] == "They"


def _check_invariants(a: Analysis) -> None:
    text = a.document.text
    entity_ids = {e.id for e in a.layer("entity")}
    sentences = a.layer("sentence")
    for q in a.layer("quote"):
        assert q.label == "direct"
        assert set(q.attrs["speakers"]) <= entity_ids
        assert 0 < len(q.span) <= MAX_QUOTE_CHARS
        assert "\n\n" not in text[q.span.start : q.span.end]
        assert any(s.span.overlaps(q.span) for s in sentences)
        start, end = q.attrs["speaker_start"], q.attrs["speaker_end"]
        if start is not None:
            assert text[start:end] == q.attrs["speaker_text"]
            assert not _inside(start, a.layer("quote"))
        if q.attrs["continues"] is not None:
            previous = a.get(q.attrs["continues"])
            assert isinstance(previous, Annotation) and previous.span.end < q.span.start


def _inside(pos: int, quotes: list[Annotation]) -> bool:
    return any(q.span.start <= pos < q.span.end for q in quotes)


@pytest.mark.skipif(not (PTC / "train-articles").is_dir(), reason="needs ../shared/data/ptc")
def test_ptc_articles_invariants() -> None:
    try:
        from scrutiny.analyzers.entities import EntityAnalyzer

        entities: Any = EntityAnalyzer()
    except ImportError:
        entities = FixtureEntities()
    paths = sorted((PTC / "train-articles").glob("article*.txt"))[:30]
    total = 0
    for path in paths:
        a = analyze_with(path.read_text(encoding="utf-8"), entities, QuoteAnalyzer())
        _check_invariants(a)
        total += len(a.layer("quote"))
    # News quotes a lot: a silent regression to zero must fail.
    assert total > len(paths)
