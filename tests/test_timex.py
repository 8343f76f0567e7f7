"""The timex analyzer: what it finds, how it normalises it, and what it must leave alone."""

from __future__ import annotations

import itertools
import time
from datetime import date

import pytest

from helpers import PTC, SEED, analyze_with
from scrutiny.analyzers.language import LanguageAnalyzer
from scrutiny.analyzers.parse import ParseAnalyzer
from scrutiny.analyzers.timex import TimexAnalyzer, rules
from scrutiny.model import Analysis, Document
from scrutiny.pipeline import Pipeline

DOC_DATE = "2016-09-12"  # a Monday
Found = tuple[str, str | None, bool]


def timexes(text: str, published: str | None = None) -> dict[str, Found]:
    """Span text → (label, value, anchored) for every timex in ``text``."""
    analysis = analyze_with(text, TimexAnalyzer(), published=published)
    return {
        text[t.span.start : t.span.end]: (t.label, t.attrs["value"], t.attrs["anchored"])
        for t in analysis.layer("timex")
    }


def one(text: str, span: str, published: str | None = None) -> Found:
    found = timexes(text, published)
    assert span in found, f"{span!r} not among {sorted(found)}"
    return found[span]


# --- the seed press release (no document date) -------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Analysis:
    return analyze_with(SEED.read_text(encoding="utf-8"), TimexAnalyzer())


def seed_timexes(seed: Analysis) -> list[tuple[str, str, str | None]]:
    text = seed.document.text
    return [
        (text[t.span.start : t.span.end], t.label, t.attrs["value"]) for t in seed.layer("timex")
    ]


def test_seed_dates_and_references(seed: Analysis) -> None:
    found = seed_timexes(seed)
    assert ("the year 2006", "DATE", "2006") in found
    beginning = [f for f in found if "beginning of 2015" in f[0]]
    assert beginning == [("the beginning of 2015", "DATE", "2015-01/2015-03")]
    assert ("to this day", "REF", "PRESENT_REF") in found
    assert ("recently", "REF", "PAST_REF") in found
    assert ("Earlier", "REF", "PAST_REF") in found
    assert ("soon", "REF", "FUTURE_REF") in found
    text = seed.document.text
    now = text.index("Now Russia is in a difficult situation")
    assert any(
        t.span.start == now and t.attrs["value"] == "PRESENT_REF" for t in seed.layer("timex")
    )
    assert not any(t.attrs["anchored"] for t in seed.layer("timex"))


def test_seed_leaves_numbers_and_non_dates_alone(seed: Analysis) -> None:
    texts = [f[0] for f in seed_timexes(seed)]
    for junk in ("9", "3", "1", "the holiday of", "Every time", "At any time", "time"):
        assert junk not in texts, junk
    assert not any("holiday" in t or "people" in t or "employees" in t for t in texts)


# --- absolute expressions resolve with or without a document date ------------------------------

ABSOLUTE = [
    ("He was born in 2006.", "2006", "DATE", "2006"),
    ("The law passed in the year 2006.", "the year 2006", "DATE", "2006"),
    ("Prices rose in 2015 and 2016.", "2016", "DATE", "2016"),
    ("2006 was a hard year for the party.", "2006", "DATE", "2006"),
    ("Unemployment was high in the 1990s.", "the 1990s", "DATE", "199X"),
    ("The town was founded in the 1800s.", "the 1800s", "DATE", "18XX"),
    ("It shaped the 20th century.", "the 20th century", "DATE", "19XX"),
    ("The war lasted from 2014 to 2016.", "2014 to 2016", "DATE", "2014/2016"),
    ("The 2014-2015 season was long.", "2014-2015", "DATE", "2014/2015"),
    ("The 2014-15 budget was cut.", "2014-15", "DATE", "2014/2015"),
    ("He left in March 2015.", "March 2015", "DATE", "2015-03"),
    ("He came on March 12, 2015.", "March 12, 2015", "DATE", "2015-03-12"),
    ("It happened on 12 March 2015.", "12 March 2015", "DATE", "2015-03-12"),
    ("It began on the 3rd of May, 2015.", "the 3rd of May, 2015", "DATE", "2015-05-03"),
    ("The decree of 12.03.2015 was annulled.", "12.03.2015", "DATE", "2015-03-12"),
    ("The decree of 2015-03-12 was annulled.", "2015-03-12", "DATE", "2015-03-12"),
    ("They struck in the beginning of 2015.", "the beginning of 2015", "DATE", "2015-01/2015-03"),
    ("Talks stalled in early 2015.", "early 2015", "DATE", "2015-01/2015-03"),
    ("Talks began at the start of 2015.", "the start of 2015", "DATE", "2015-01/2015-03"),
    ("The plant opened in mid-2015.", "mid-2015", "DATE", "2015-05/2015-08"),
    ("It opened in the middle of 2015.", "the middle of 2015", "DATE", "2015-05/2015-08"),
    ("It will be done by the end of 2015.", "the end of 2015", "DATE", "2015-10/2015-12"),
    ("The deal collapsed in late 2015.", "late 2015", "DATE", "2015-10/2015-12"),
    ("Sales fell in the first half of 2015.", "the first half of 2015", "DATE", "2015-01/2015-06"),
    (
        "Sales fell in the third quarter of 2015.",
        "the third quarter of 2015",
        "DATE",
        "2015-07/2015-09",
    ),
    ("Protests peaked in summer 2015.", "summer 2015", "DATE", "2015-SU"),
    ("Snow fell in the winter of 2014.", "the winter of 2014", "DATE", "2014-WI"),
    ("Clashes broke out in early March 2015.", "early March 2015", "DATE", "2015-03-01/2015-03-10"),
    ("Talks ran from March to May 2015.", "March to May 2015", "DATE", "2015-03/2015-05"),
]


@pytest.mark.parametrize("published", [None, DOC_DATE])
@pytest.mark.parametrize(("text", "span", "label", "value"), ABSOLUTE)
def test_absolute(text: str, span: str, label: str, value: str, published: str | None) -> None:
    assert one(text, span, published) == (label, value, False)


# --- durations, sets, references ---------------------------------------------------------------

UNANCHORED = [
    ("He served for three years in prison.", "three years", "DURATION", "P3Y"),
    ("He was sentenced to six months.", "six months", "DURATION", "P6M"),
    ("The siege lasted a year and a half.", "a year and a half", "DURATION", "P1.5Y"),
    ("The debate went on for five hours.", "five hours", "DURATION", "PT5H"),
    ("They have waited for decades.", "decades", "DURATION", "PXDE"),
    ("Prices rose over the past two weeks.", "the past two weeks", "DURATION", "P2W"),
    ("He received a two-year ban.", "two-year", "DURATION", "P2Y"),
    ("The festival is held every year.", "every year", "SET", "P1Y"),
    ("The council meets twice a month.", "twice a month", "SET", "P1M"),
    ("The bins are emptied every other week.", "every other week", "SET", "P2W"),
    ("The market opens every Monday.", "every Monday", "SET", "XXXX-WXX-1"),
    ("The report is published annually.", "annually", "SET", "P1Y"),
    ("It recently became known.", "recently", "REF", "PAST_REF"),
    ("Earlier the minister was arrested.", "Earlier", "REF", "PAST_REF"),
    ("Now Russia is in a difficult situation.", "Now", "REF", "PRESENT_REF"),
    ("The mine is currently closed.", "currently", "REF", "PRESENT_REF"),
    ("He is in prison to this day.", "to this day", "REF", "PRESENT_REF"),
    ("Nowadays nobody believes it.", "Nowadays", "REF", "PRESENT_REF"),
    ("These days it is quiet.", "These days", "REF", "PRESENT_REF"),
    ("It happened often in the past.", "in the past", "REF", "PAST_REF"),
    ("At that time he was minister.", "At that time", "REF", "PAST_REF"),
    ("On that time he was Deputy Prime Minister.", "that time", "REF", "PAST_REF"),
    ("Russia will soon be in collapse.", "soon", "REF", "FUTURE_REF"),
    ("Crime has risen in recent years.", "in recent years", "REF", "PAST_REF"),
    ("It was built years ago.", "years ago", "REF", "PAST_REF"),
    ("Rates will rise in the near future.", "in the near future", "REF", "FUTURE_REF"),
]


@pytest.mark.parametrize(("text", "span", "label", "value"), UNANCHORED)
def test_durations_sets_references(text: str, span: str, label: str, value: str) -> None:
    assert one(text, span) == (label, value, False)
    assert one(text, span, DOC_DATE) == (label, value, False)


# --- relative expressions need the document date -----------------------------------------------

RELATIVE = [
    ("Yesterday the court ruled.", "Yesterday", "2016-09-11"),
    ("The court rules today.", "today", "2016-09-12"),
    ("The court will rule tomorrow.", "tomorrow", "2016-09-13"),
    ("Last year was bad for farmers.", "Last year", "2015"),
    ("This year is better.", "This year", "2016"),
    ("The talks resume next week.", "next week", "2016-W38"),
    ("He resigned last month.", "last month", "2016-08"),
    ("He died two years ago.", "two years ago", "2014"),
    ("He was arrested three days ago.", "three days ago", "2016-09-09"),
    ("They met two weeks ago.", "two weeks ago", "2016-W35"),
    ("He spoke last Friday.", "last Friday", "2016-09-09"),
    ("He will speak next Friday.", "next Friday", "2016-09-16"),
    ("The minister spoke on Tuesday.", "Tuesday", "2016-09-06"),
    ("The minister will speak on Tuesday.", "Tuesday", "2016-09-13"),
    ("He resigned in March.", "March", "2016-03"),
    ("The vote will be held in November.", "November", "2016-11"),
    ("They met on 3 May.", "3 May", "2016-05-03"),
    ("Police raided the office this morning.", "this morning", "2016-09-12TMO"),
    ("Shots were heard last night.", "last night", "2016-09-11TNI"),
    ("It was hot last summer.", "last summer", "2016-SU"),
    ("The plant closed at the end of last year.", "the end of last year", "2015-10/2015-12"),
    ("The plant reopens early next year.", "early next year", "2017-01/2017-03"),
]


@pytest.mark.parametrize(("text", "span", "value"), RELATIVE)
def test_relative_with_document_date(text: str, span: str, value: str) -> None:
    assert one(text, span, DOC_DATE) == ("DATE", value, True)


@pytest.mark.parametrize(("text", "span", "value"), RELATIVE)
def test_relative_without_document_date_stays_unresolved(text: str, span: str, value: str) -> None:
    assert one(text, span) == ("DATE", None, False)


def test_document_datetime_is_read_for_its_date() -> None:
    assert one("He left yesterday.", "yesterday", "2016-09-12T23:59:00+02:00")[1] == "2016-09-11"
    assert one("He left yesterday.", "yesterday", "not a date") == ("DATE", None, False)


def test_events_counted_from_other_events_stay_unresolved() -> None:
    assert one("Two years later he died.", "Two years later", DOC_DATE) == ("DATE", None, False)
    assert one("The next day he fled.", "The next day", DOC_DATE) == ("DATE", None, False)


# --- what is not a time expression -------------------------------------------------------------

NOT_TIMEX = [
    "9 people escaped and they killed 3 prison employees.",
    "Some 2006 people signed the petition.",
    "He paid $2015 for it.",
    "See page 2015 of the report.",
    "A total of 2015 people came.",
    "Every time after such incidents, the government arrests many Muslims.",
    "At any time Russia can leave civil conflicts without support.",
    "They march on Washington.",
    "May God bless you.",
    "Theresa May said so.",
    "Unrest broke out in the holiday of Eid al-Fitr.",
    "An earlier version was better.",
    "Now that he is gone, we wait.",
    "A five-year-old boy was hurt.",
    "He was 45 years old.",
    "Black Friday sales were strong.",
    "USA Today reported it.",
    "They go to Sunday school.",
    "Reply as soon as possible.",
    "He won for a second time.",
]


@pytest.mark.parametrize("text", NOT_TIMEX)
def test_not_a_time_expression(text: str) -> None:
    assert timexes(text, DOC_DATE) == {}


def test_confidence_ranks_absolute_above_vague_and_relative() -> None:
    text = "On 12 March 2015 and in early 2015 and yesterday and recently."
    analysis = analyze_with(text, TimexAnalyzer(), published=DOC_DATE)
    conf = {text[t.span.start : t.span.end]: t.confidence for t in analysis.layer("timex")}
    assert conf["12 March 2015"] > conf["early 2015"] > conf["yesterday"] > conf["recently"]


def test_plugin_declaration() -> None:
    assert TimexAnalyzer.name == "timex"
    assert TimexAnalyzer.requires == ("sentence",)
    assert TimexAnalyzer.produces == ("timex",)
    assert TimexAnalyzer.languages == ("en",)


# --- the calendar and grammar on their own -----------------------------------------------------


def test_parse_anchor() -> None:
    assert rules.parse_anchor("2016-09-12") == date(2016, 9, 12)
    assert rules.parse_anchor("2016-09-12T10:00:00Z") == date(2016, 9, 12)
    assert rules.parse_anchor("20160912") == date(2016, 9, 12)
    assert rules.parse_anchor("2016-13-45") is None
    assert rules.parse_anchor("") is None
    assert rules.parse_anchor(None) is None


def test_calendar_choices() -> None:
    anchor = date(2016, 9, 12)
    assert rules.pick_year(12, 1, anchor, -1) == 2015
    assert rules.pick_year(12, 1, anchor, 1) == 2016
    assert rules.pick_year(1, 10, anchor, 0) == 2017  # nearer ahead than behind
    assert rules.pick_weekday(0, anchor, "", -1) == anchor  # "said on Monday", a Monday
    assert rules.pick_weekday(0, anchor, "last", 0) == date(2016, 9, 5)
    assert rules.season_year("WI", anchor, "last") == 2015
    assert rules.season_year("WI", date(2016, 1, 20), "this") == 2015
    assert rules.season_year("SU", date(2016, 3, 1), "last") == 2015
    assert rules.shift(anchor, -1, "decade") == "200X"
    assert rules.shift(anchor, 0, "century") == "20XX"


def test_duration_values() -> None:
    assert rules.duration_value(1, "fortnight") == "P2W"
    assert rules.duration_value(2, "decade") == "P20Y"
    assert rules.duration_value(None, "decade") == "PXDE"
    assert rules.duration_value(3, "hour") == "PT3H"
    assert rules.duration_value(1.5, "year") == "P1.5Y"


def test_value_format_check() -> None:
    for good in (
        "2015",
        "199X",
        "18XX",
        "2015-01/2015-03",
        "2016-W38",
        "2016-W36-WE",
        "2015-SU",
        "2016-09-11TNI",
        "P3Y",
        "PT30M",
        "PXY",
        "XXXX-WXX-1",
        "PAST_REF",
        None,
    ):
        assert rules.is_valid_value(good), good
    for bad in ("2015-1", "yesterday", "P3", "", "2015/"):
        assert not rules.is_valid_value(bad), bad


def test_overlaps_keep_the_longest() -> None:
    short = rules.Timex(5, 9, "DATE", "2015", False, 0.9)
    long = rules.Timex(0, 9, "DATE", "2015-03", False, 0.9)
    apart = rules.Timex(20, 24, "DATE", "2016", False, 0.9)
    assert rules.select([short, apart, long]) == [long, apart]


def test_grammar_runs_without_a_parse() -> None:
    found = rules.find_timexes("He left in 2006 and returned last year.", date(2016, 9, 12))
    assert [(t.start, t.end, t.value) for t in found] == [(11, 15, "2006"), (29, 38, "2015")]


# --- hostile and real text ---------------------------------------------------------------------

HOSTILE = [
    "",
    "   \n\n  ",
    "!!!???...",
    "\"\"\"(((''' “„«»",
    "\u202e\u05e9\u05dc\u05d5\u05dd 🙂 2015 \u202c مرحبا",
    "2015" * 500,
    "the the the of of in in 1999-" * 100,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text(text: str) -> None:
    for value in timexes(text, DOC_DATE).values():
        assert rules.is_valid_value(value[1])


def test_one_megabyte_line_is_linear() -> None:
    line = ("In 12 March 2015 the of in 2016 every two weeks now 1999- the " * 16_000)[:1_000_000]
    started = time.perf_counter()
    found = rules.find_timexes(line, date(2016, 9, 12))
    # Catastrophic backtracking would take minutes; linear scanning takes a few seconds.
    assert time.perf_counter() - started < 60
    assert len(found) > 10_000


ARTICLES = sorted((PTC / "train-articles").glob("article*.txt"))[:50]


@pytest.mark.skipif(len(ARTICLES) < 50, reason="needs ../shared/data/ptc")
@pytest.mark.parametrize("published", [None, DOC_DATE])
def test_real_articles_give_clean_values(published: str | None) -> None:
    pipeline = Pipeline([LanguageAnalyzer(), ParseAnalyzer(), TimexAnalyzer()])
    total = 0
    for path in ARTICLES[: 50 if published is None else 15]:
        text = path.read_text(encoding="utf-8")
        analysis = pipeline.analyze(Document.from_text(text, published=published))
        text = analysis.document.text
        found = sorted(analysis.layer("timex"), key=lambda t: t.span)
        for prev, cur in itertools.pairwise(found):
            assert prev.span.end <= cur.span.start, (path.name, prev, cur)
        for t in found:
            span = text[t.span.start : t.span.end]
            assert t.label in {"DATE", "DURATION", "SET", "REF"}
            assert rules.is_valid_value(t.attrs["value"]), (path.name, span, t.attrs)
            assert not (span.isdigit() and int(span) < 1000), (path.name, span)
            assert span == span.strip() and span, (path.name, span)
            assert t.attrs["anchored"] is False or published is not None
        total += len(found)
    assert total > (300 if published is None else 80)
