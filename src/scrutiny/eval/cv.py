"""Cross-validation by article: deterministic folds, and the CV run of both PTC baselines.

Folds split articles, never spans, so no article's text is seen in training and testing at once.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scrutiny.eval.baselines import SiConfig, SpanTagger, TcConfig, TechniqueClassifier
from scrutiny.eval.ptc import Article, SiLine, TcLine, template_for
from scrutiny.eval.scorers import PRF, TcScore, score_si, score_tc


def folds(articles: Sequence[Article], k: int = 5, seed: int = 13) -> list[list[Article]]:
    """Split articles into ``k`` disjoint test folds covering them all, by article id and seed.

    Articles are sorted by id before the seeded shuffle, so the split does not depend on the
    order the caller passes them in.
    """
    if not 2 <= k <= len(articles):
        raise ValueError(f"need 2 <= k <= number of articles ({len(articles)}), got k={k}")
    ordered = sorted(articles, key=lambda a: a.id)
    random.Random(seed).shuffle(ordered)
    return [ordered[i::k] for i in range(k)]


@dataclass(frozen=True, slots=True)
class FoldResult:
    """Scores of both tasks on one held-out fold."""

    articles: int
    si: PRF
    tc: TcScore


@dataclass(frozen=True, slots=True)
class CvResult:
    """Per-fold scores, and the TC score of all held-out predictions pooled (for per-label F1)."""

    k: int
    seed: int
    folds: list[FoldResult]
    tc_pooled: TcScore

    def mean_std(self, values: Callable[[FoldResult], float]) -> tuple[float, float]:
        """Mean and population standard deviation of one measure over the folds."""
        xs = [values(f) for f in self.folds]
        return statistics.fmean(xs), statistics.pstdev(xs)


def _si_gold(articles: Sequence[Article]) -> list[SiLine]:
    return [SiLine(a.id, s, e) for a in articles for s, e in a.spans]


def _tc_gold(articles: Sequence[Article]) -> list[TcLine]:
    return [TcLine(a.id, t.label, t.start, t.end) for a in articles for t in a.techniques]


def evaluate_fold(
    train: Sequence[Article],
    test: Sequence[Article],
    si_config: SiConfig | None = None,
    tc_config: TcConfig | None = None,
) -> tuple[FoldResult, list[TcLine]]:
    """Train both baselines on ``train``, score them on ``test``; also return the TC predictions."""
    tagger = SpanTagger(si_config).fit(train)
    si_pred = [SiLine(a.id, s, e) for a in test for s, e in tagger.predict(a.text)]
    classifier = TechniqueClassifier(tc_config).fit(train)
    texts = {a.id: a.text for a in test}
    tc_pred = classifier.predict_template(texts, template_for(test))
    result = FoldResult(
        len(test), score_si(si_pred, _si_gold(test)), score_tc(tc_pred, _tc_gold(test))
    )
    return result, tc_pred


def cross_validate(
    articles: Sequence[Article],
    k: int = 5,
    seed: int = 13,
    si_config: SiConfig | None = None,
    tc_config: TcConfig | None = None,
    progress: Callable[[int, FoldResult], None] | None = None,
) -> CvResult:
    """k-fold cross-validation of both baselines by article; ``progress`` sees each fold."""
    split = folds(articles, k, seed)
    results: list[FoldResult] = []
    pooled: list[TcLine] = []
    for i, test in enumerate(split):
        train = [a for j, fold in enumerate(split) if j != i for a in fold]
        result, tc_pred = evaluate_fold(train, test, si_config, tc_config)
        results.append(result)
        pooled.extend(tc_pred)
        if progress is not None:
            progress(i, result)
    return CvResult(k, seed, results, score_tc(pooled, _tc_gold(articles)))
