"""Name mentions of a document: the model's entities, corrected, plus the names it missed.

This module only orders the steps (``_corrections``, ``_missed``) and settles what they leave
for the text as a whole: overlaps, and words that are only ever quoted as labels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrutiny.analyzers.entities.corrections import model_mentions
from scrutiny.analyzers.entities.lexicon import LABELLING_WORDS
from scrutiny.analyzers.entities.missed import surname_echoes, untagged_names
from scrutiny.analyzers.entities.names import fold
from scrutiny.analyzers.entities.spans import Mention, taken_tokens, title_case_tokens

if TYPE_CHECKING:
    from spacy.tokens import Doc

QUOTES = frozenset({'"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u201e", "''", "``"})


def find_mentions(doc: Doc) -> list[Mention]:
    """Every name mention in ``doc``, in document order, without overlaps."""
    headline = title_case_tokens(doc)
    model = model_mentions(doc, headline)
    # Capitals prove nothing in a Title Case line, so no untagged names are sought there.
    taken = [t or h for t, h in zip(taken_tokens(doc, model), headline, strict=True)]
    missed = untagged_names(doc, taken, model)
    mentions = _without_overlaps([m for m in model if m.label] + missed)
    mentions += surname_echoes(doc, mentions)
    mentions.sort(key=lambda m: m.start)
    return _drop_quoted_labels(doc, mentions)


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the model's mentions over the parser's, and longer over shorter."""
    ranked = sorted(mentions, key=lambda m: (m.source != "ner", -(m.end - m.start), m.start))
    used: set[int] = set()
    kept = []
    for m in ranked:
        span = range(m.start, m.end)
        if any(i in used for i in span):
            continue
        used.update(span)
        kept.append(m)
    return sorted(kept, key=lambda m: m.start)


def _drop_quoted_labels(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Drop a one-word "name" that only ever appears as a quoted label: calls them "Kuffar".

    A word in quotation marks after "as"/"called"/"branded" is being mentioned, not used as a
    name; if the same word is never used unquoted, it is not an entity of the text.
    """
    labelled: set[str] = set()
    used: set[str] = set()
    for m in mentions:
        if m.end - m.start == 1:
            word = fold(doc[m.start].text)
            (labelled if _is_quoted_label(doc, m.start) else used).add(word)
    drop = labelled - used
    if not drop:
        return mentions
    return [m for m in mentions if m.end - m.start != 1 or fold(doc[m.start].text) not in drop]


def _is_quoted_label(doc: Doc, i: int) -> bool:
    if i < 2 or i + 1 >= len(doc):
        return False
    if doc[i - 1].text not in QUOTES or doc[i + 1].text not in QUOTES:
        return False
    cue = doc[i - 2].lower_
    return cue in LABELLING_WORDS and not (cue == "as" and i >= 3 and doc[i - 3].lower_ == "known")
