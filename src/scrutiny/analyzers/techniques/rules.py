"""Rules for techniques defined by their surface form or by a closed class of words.

- ``Doubt`` by rhetorical question: a sentence that opens with a question word or an inverted
  auxiliary and ends with ``?`` ("Why do we trust these ...?", "How can the government ...?").
- ``Whataboutism,Straw_Men,Red_Herring`` by its textbook cues: "what about ...", "while they do
  nothing", and a sentence opening with "But" whose subject is the opponents ("the", "they",
  "these", "those") and whose verb is negated ("But the media don't ...") — the accusation of a
  double standard.
- ``Loaded_Language`` by a short lexicon of emotionally charged evaluative words ("vicious",
  "nefarious", "disgraceful", "slanders"), and ``Name_Calling,Labeling`` by pejorative labels for
  people ("tyrants", "hypocrites", "corrupters"), with one charged adjective in front if present.
  The span model alone rarely finds one-word spans: its hysteresis wants a confident run.

They are written from the techniques' definitions (Da San Martino et al., 2019), not fitted to
the corpus, and are part of the evaluated path: docs/accuracy.md reports CV scores with and
without them. Patterns use bounded character classes only, so they cannot backtrack
catastrophically on hostile input. Each rule's precision on the training corpus is recorded in
the model's metadata at training time and is the confidence of what it finds.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

DOUBT = "Doubt"
WHATABOUTISM = "Whataboutism,Straw_Men,Red_Herring"
LOADED = "Loaded_Language"
NAME_CALLING = "Name_Calling,Labeling"
RULE_LABELS = {
    "rhetorical-question": DOUBT,
    "whataboutism-cue": WHATABOUTISM,
    "double-standard": WHATABOUTISM,
    "charged-word": LOADED,
    "pejorative-label": NAME_CALLING,
}

# Words whose only job is to make the reader feel something about what they describe. Neutral
# intensifiers ("massive", "terrible") and words with a literal reading ("corrupt", "destroy",
# "scandal") are left to the model.
_CHARGED = (
    "vicious brutal heinous barbaric horrific outrageous disgraceful shameful despicable sinister "
    "nefarious insane ridiculous absurd pathetic disgusting appalling slanders defamations "
    "hysterical shocking disastrous catastrophic devastating rampant"
).split()
# Labels for people that insult rather than describe.
_PEJORATIVE = (
    "thug thugs traitor traitors despot despots tyrant tyrants dictators hypocrite hypocrites "
    "liar liars zealot zealots idiot idiots moron morons fanatics bigots crooks corrupters "
    "stooges lackeys puppets"
).split()
_CHARGED_WORD = re.compile(r"(?i)\b(?:" + "|".join(_CHARGED) + r")\b")
_PEJORATIVE_LABEL = re.compile(
    r"(?i)\b(?:(?:" + "|".join(_CHARGED) + r")\s)?(?:" + "|".join(_PEJORATIVE) + r")\b"
)

# A sentence starts at the start of a line, after an opening quote or after . ! ? and a space.
_START = r"(?:^|(?<=[.!?]\s)|(?<=[\"“‘]))"
# Openers of questions that challenge rather than ask ("Why do we trust ...?", "How can ...?",
# "Is it not ...?"). "What", "Will", "Should", "Whom" open mostly genuine questions in news: on
# the training corpus their questions overlap a Doubt span less than one time in ten.
_QUESTION_WORD = (
    r"(?:How|Why|Is|Are|Do|Does|Could|Isn't|Aren't|Don't|Doesn't|Isn’t|Aren’t|Don’t|Doesn’t)"
)
_QUESTION = re.compile(_START + r"(" + _QUESTION_WORD + r"\s[^.!?\n]{3,300}\?)", re.MULTILINE)
_WHAT_ABOUT = re.compile(r"(?i)\b(?:what|how) about\b[^.!?\n]{3,200}[.!?]?")
_WHILE_NOTHING = re.compile(
    r"(?i)\bwhile\s[^.!?\n]{1,80}?\b(?:does|do|did|doing)\s+nothing\b|\bwhile\s+ignoring\b[^.!?\n]{0,120}"
)
_BUT_NEGATED = re.compile(
    _START + r"(But\s(?:the|they|these|those)\b[^.!?\n]{0,120}?\b(?:don't|don’t|doesn't|doesn’t|"
    r"didn't|didn’t|won't|won’t|never|do not|does not|did not)\b[^.!?\n]{0,200}[.!?]?)",
    re.MULTILINE,
)


def rule_spans(text: str) -> list[tuple[int, int, str, str]]:
    """(start, end, label, rule name) of every rule match in ``text``, trimmed, in text order."""
    found: list[tuple[int, int, str, str]] = []
    for m in _QUESTION.finditer(text):
        found.append((m.start(1), m.end(1), DOUBT, "rhetorical-question"))
    for pattern in (_WHAT_ABOUT, _WHILE_NOTHING):
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), WHATABOUTISM, "whataboutism-cue"))
    for m in _BUT_NEGATED.finditer(text):
        found.append((m.start(1), m.end(1), WHATABOUTISM, "double-standard"))
    for m in _CHARGED_WORD.finditer(text):
        found.append((m.start(), m.end(), LOADED, "charged-word"))
    for m in _PEJORATIVE_LABEL.finditer(text):
        found.append((m.start(), m.end(), NAME_CALLING, "pejorative-label"))
    return sorted(_trim(text, s, e, label, name) for s, e, label, name in found)


def rule_label(text: str, start: int, end: int) -> tuple[str, str] | None:
    """(label, rule name) of the longest rule match covering most of span ``[start, end)``."""
    best: tuple[int, str, str] | None = None
    for s, e, label, name in rule_spans(text[start:end]):
        covered = e - s
        if covered * 2 >= end - start and (best is None or covered > best[0]):
            best = (covered, label, name)
    return best[1:] if best else None


def rule_precision(
    texts: Sequence[tuple[str, Sequence[tuple[int, int, str]]]],
) -> dict[str, float]:
    """Per rule: the (smoothed) share of its matches overlapping a gold span of the rule's label.

    ``texts`` pairs each text with its gold (start, end, label) techniques.
    """
    hits: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for text, gold in texts:
        for s, e, label, name in rule_spans(text):
            total[name] += 1
            hits[name] += any(g == label and gs < e and s < ge for gs, ge, g in gold)
    # Laplace's rule of succession: a rule seen 5 times and right 0 times is not certainly wrong.
    return {name: round((hits[name] + 1) / (total[name] + 2), 4) for name in sorted(total)}


def _trim(text: str, start: int, end: int, label: str, name: str) -> tuple[int, int, str, str]:
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start].isspace():
        start += 1
    return start, end, label, name
