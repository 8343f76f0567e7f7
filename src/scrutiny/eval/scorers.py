"""The SemEval-2020 Task 11 measures, written from the task's definition.

Span identification (SI) gives partial credit for overlap. Within each article the gold spans are
merged where they share a character, and so are the predicted spans; then, over all articles,

    P = (1/|S|) * sum over predicted s and gold t of the same article of |s ∩ t| / |s|
    R = (1/|T|) * sum over the same pairs of |s ∩ t| / |t|

and F1 is their harmonic mean. With no predicted spans P is 0 (and with no gold spans R is 0).

Technique classification (TC) is scored on the gold spans: a predicted line is correct when its
label is one of the gold labels of the same span (same article, start and end) not already matched
by another prediction, so a span carrying two gold labels needs two predictions to be fully
recovered. Micro precision is correct/predicted lines, micro recall correct/gold lines; per-label
P/R/F1 count the same matches by label.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scrutiny.eval.ptc import LABELS, CharSpan, SiLine, TcLine


@dataclass(frozen=True, slots=True)
class PRF:
    """Precision, recall and F1 (all in [0, 1])."""

    precision: float
    recall: float
    f1: float

    @classmethod
    def of(cls, precision: float, recall: float) -> PRF:
        total = precision + recall
        return cls(precision, recall, 2 * precision * recall / total if total > 0 else 0.0)


@dataclass(frozen=True, slots=True)
class TcScore:
    """Micro P/R/F1 over all lines, per-label P/R/F1, and the counts behind them."""

    micro: PRF
    per_label: dict[str, PRF]
    gold_counts: dict[str, int]
    predicted: int
    correct: int


def merge_spans(spans: Iterable[CharSpan]) -> list[CharSpan]:
    """Sorted union of spans: spans sharing a character become one; touching ones do not."""
    merged: list[CharSpan] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _pair_overlaps(pred: list[CharSpan], gold: list[CharSpan]) -> list[tuple[int, int, int]]:
    """(index in pred, index in gold, shared characters) for every overlapping pair.

    Both lists are sorted and internally disjoint, so one linear sweep finds every pair.
    """
    pairs: list[tuple[int, int, int]] = []
    i = j = 0
    while i < len(pred) and j < len(gold):
        shared = min(pred[i][1], gold[j][1]) - max(pred[i][0], gold[j][0])
        if shared > 0:
            pairs.append((i, j, shared))
        # Advance whichever span ends first: it cannot overlap anything further on the other side.
        if pred[i][1] <= gold[j][1]:
            i += 1
        else:
            j += 1
    return pairs


def _by_article(lines: Iterable[SiLine]) -> dict[str, list[CharSpan]]:
    grouped: dict[str, list[CharSpan]] = defaultdict(list)
    for x in lines:
        grouped[x.article_id].append((x.start, x.end))
    return {aid: merge_spans(spans) for aid, spans in grouped.items()}


def score_si(predicted: Iterable[SiLine], gold: Iterable[SiLine]) -> PRF:
    """SI precision, recall and F1 with partial-overlap credit (see the module docstring)."""
    pred_by, gold_by = _by_article(predicted), _by_article(gold)
    n_pred = sum(len(v) for v in pred_by.values())
    n_gold = sum(len(v) for v in gold_by.values())
    p_sum = r_sum = 0.0
    for aid, pred in pred_by.items():
        gold_spans = gold_by.get(aid, [])
        for i, j, shared in _pair_overlaps(pred, gold_spans):
            p_sum += shared / (pred[i][1] - pred[i][0])
            r_sum += shared / (gold_spans[j][1] - gold_spans[j][0])
    return PRF.of(p_sum / n_pred if n_pred else 0.0, r_sum / n_gold if n_gold else 0.0)


def _span_key(x: TcLine) -> tuple[str, int, int]:
    return (x.article_id, x.start, x.end)


def score_tc(predicted: Sequence[TcLine], gold: Sequence[TcLine]) -> TcScore:
    """TC micro and per-label scores; every predicted line must carry a label."""
    remaining: dict[tuple[str, int, int], Counter[str]] = defaultdict(Counter)
    gold_counts: Counter[str] = Counter()
    for g in gold:
        if g.label is None:
            raise ValueError(f"gold line without a label: {g}")
        remaining[_span_key(g)][g.label] += 1
        gold_counts[g.label] += 1
    pred_counts: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for p in predicted:
        if p.label is None:
            raise ValueError(f"predicted line without a label: {p}")
        pred_counts[p.label] += 1
        left = remaining.get(_span_key(p))
        if left is not None and left[p.label] > 0:
            left[p.label] -= 1
            hits[p.label] += 1
    correct = sum(hits.values())
    micro = PRF.of(
        correct / len(predicted) if predicted else 0.0, correct / len(gold) if gold else 0.0
    )
    labels = [*LABELS, *sorted((set(gold_counts) | set(pred_counts)) - set(LABELS))]
    per_label = {
        label: PRF.of(
            hits[label] / pred_counts[label] if pred_counts[label] else 0.0,
            hits[label] / gold_counts[label] if gold_counts[label] else 0.0,
        )
        for label in labels
    }
    return TcScore(micro, per_label, {k: gold_counts[k] for k in labels}, len(predicted), correct)
