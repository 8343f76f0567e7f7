from __future__ import annotations

import contextlib
import signal
import threading
import time
from typing import ClassVar

import pytest

from helpers import analyze_with
from scrutiny.errors import AnalysisTimeout, AnalyzerError, PipelineError
from scrutiny.model import Document, document_id, normalise_text
from scrutiny.pipeline import AnalysisState, Pipeline, order_analyzers


def make(name: str, requires: tuple[str, ...], produces: tuple[str, ...]) -> object:
    class A:
        languages: ClassVar[tuple[str, ...] | None] = None

        def analyze(self, state: AnalysisState) -> None:
            for layer in produces:
                state.add(layer, 0, 1, name)

    A.name, A.version, A.requires, A.produces = name, "0", requires, produces  # type: ignore[attr-defined]
    return A()


def test_order_follows_requirements() -> None:
    a = make("a", ("y",), ("z",))
    b = make("b", (), ("x",))
    c = make("c", ("x",), ("y",))
    assert [x.name for x in order_analyzers([a, b, c])] == ["b", "c", "a"]  # type: ignore[list-item]


def test_missing_producer_and_cycle_are_errors() -> None:
    with pytest.raises(PipelineError, match="nothing produces"):
        order_analyzers([make("a", ("nope",), ("x",))])  # type: ignore[list-item]
    with pytest.raises(PipelineError, match="cycle"):
        order_analyzers([make("a", ("y",), ("x",)), make("b", ("x",), ("y",))])  # type: ignore[list-item]


def test_failing_analyzer_is_named() -> None:
    class Boom:
        name, version, requires, produces, languages = "boom", "1", (), ("x",), None

        def analyze(self, state: AnalysisState) -> None:
            raise KeyError("oops")

    with pytest.raises(AnalyzerError, match="boom"):
        Pipeline([Boom()]).analyze(Document.from_text("hello"))  # type: ignore[list-item]


def test_normalisation_and_id() -> None:
    assert normalise_text("a\r\nb\rc\x00\x1b[31m") == "a\nb\nc  [31m"
    assert normalise_text("a\ufeffb") == "a\ufeffb"  # offsets after it must not move
    assert (
        document_id("x\r\n") == document_id("x\n") == document_id("  x") == document_id("\ufeffx")
    )
    assert document_id("Caf\u00e9") == document_id("Cafe\u0301")
    assert document_id("x") != document_id("y")


def test_sentences_and_language(seed_text: str) -> None:
    a = analyze_with(seed_text)
    assert a.language == "en"
    sents = [a.document.slice(s.span) for s in a.layer("sentence")]
    assert "Such was the situation in the year 2006." in sents
    assert "The Dangers of Cooperating with Russia" in sents
    assert a.provenance["sentence"]["analyzer"] == "parse"


def test_long_single_line_is_parsed_whole() -> None:
    text = "The minister spoke in Bishkek today and left. " * 2000
    a = analyze_with(text)
    assert a.layer("sentence")[-1].span.end == len(text.rstrip())


def test_entities_at_finds_overlapping_mentions_only() -> None:
    state = AnalysisState(Document.from_text("Bakiev met Putin. They talked."))
    e1 = state.add("entity", 0, 6, "PERSON")
    e2 = state.add("entity", 11, 16, "PERSON")
    state.add("mention", 0, 6, "PERSON", attrs={"entity": e1.id})
    state.add("mention", 11, 16, "PERSON", attrs={"entity": e2.id})
    assert state.entities_at(3, 4) == [e1.id]
    assert state.entities_at(6, 11) == []
    state.add("mention", 18, 22, "PERSON", attrs={"entity": e1.id, "entities": [e1.id, e2.id]})
    assert state.entities_at(0, 30) == [e1.id, e2.id]
    assert state.entities_at(18, 19) == [e1.id, e2.id]


def test_language_is_left_undetermined_rather_than_guessed() -> None:
    assert analyze_with("Putin met Atambayev in Bishkek.").language is None
    assert analyze_with("Das ist ein Test der Sprache, sagte er gestern.").language == "de"


class Slow:
    """Busy for up to ``seconds`` in Python code, as a pathological document keeps a rule busy."""

    version, languages = "1", None

    def __init__(self, name: str, seconds: float, produces: tuple[str, ...] = ()) -> None:
        self.name, self.seconds, self.requires, self.produces = name, seconds, (), produces

    def analyze(self, state: AnalysisState) -> None:
        end = time.monotonic() + self.seconds
        while time.monotonic() < end:
            sum(range(1_000))


def test_time_limit_interrupts_an_analyzer_on_the_main_thread() -> None:
    started = time.monotonic()
    with pytest.raises(AnalysisTimeout, match=r"0\.3 s"):
        Pipeline([Slow("slow", 30)]).analyze(Document.from_text("x"), max_seconds=0.3)  # type: ignore[list-item]
    assert time.monotonic() - started < 20  # stopped inside the analyzer, not after its 30 s


class Swallowing(Slow):
    """Loses the first timeout, as one raised inside a garbage collector callback is lost."""

    def analyze(self, state: AnalysisState) -> None:
        with contextlib.suppress(AnalysisTimeout):
            super().analyze(state)
        super().analyze(state)


def test_time_limit_keeps_interrupting_when_its_first_signal_is_lost() -> None:
    handler = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with pytest.raises(AnalysisTimeout):
        Pipeline([Swallowing("swallowing", 30)]).analyze(Document.from_text("x"), max_seconds=0.3)  # type: ignore[list-item]
    assert time.monotonic() - started < 20  # the repeat stopped it, not the end of the 60 s
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # and it repeats no more
    assert signal.getsignal(signal.SIGALRM) == handler


def test_time_limit_off_the_main_thread_stops_at_the_next_analyzer() -> None:
    pipeline = Pipeline([Slow("first", 0.5, ("a",)), Slow("second", 0)])  # type: ignore[list-item]
    outcome: list[object] = []

    def work() -> None:
        try:
            outcome.append(pipeline.analyze(Document.from_text("x"), max_seconds=0.1))
        except AnalysisTimeout as exc:
            outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    assert isinstance(outcome[0], AnalysisTimeout)
    # Without a limit the same pipeline finishes.
    assert pipeline.analyze(Document.from_text("x")).document.text == "x"
