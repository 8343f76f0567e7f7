"""Cross-validation by article: deterministic folds, and the CV run of the technique model.

Folds split articles, never spans, so no article's text is seen in training and testing at once.
Each round trains :class:`~scrutiny.analyzers.techniques.model.TechniqueModel` (the shipped
analyzer's model) on the other folds, turns it into what saving and loading would give, and
predicts through the same methods the analyzer calls.
"""

from __future__ import annotations

import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from scrutiny.analyzers.techniques.model import SiConfig, TcConfig, TechniqueModel
from scrutiny.eval.ptc import Article, CharSpan, SiLine, TcLine, template_for
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


def fill_template(
    model: TechniqueModel, texts: Mapping[str, str], template: Sequence[TcLine]
) -> list[TcLine]:
    """Fill a TC template; the n-th line naming one span gets that span's n-th best label."""
    by_article: dict[str, list[CharSpan]] = defaultdict(list)
    for line in template:
        by_article[line.article_id].append((line.start, line.end))
    ranked: dict[tuple[str, int, int], list[str]] = {}
    for aid, spans in by_article.items():
        unique = sorted(set(spans))
        for span, order in zip(unique, model.rank(texts[aid], unique), strict=True):
            ranked[(aid, *span)] = [label for label, _ in order]
    seen: Counter[tuple[str, int, int]] = Counter()
    out: list[TcLine] = []
    for line in template:
        key = (line.article_id, line.start, line.end)
        labels = ranked[key]
        out.append(TcLine(line.article_id, labels[seen[key] % len(labels)], line.start, line.end))
        seen[key] += 1
    return out


def predict_si(model: TechniqueModel, texts: Mapping[str, str]) -> list[SiLine]:
    """SI lines of every span the model finds in each article."""
    return [
        SiLine(aid, s, e) for aid, text in texts.items() for s, e, _, _ in model.find_spans(text)
    ]


def evaluate_fold(
    train: Sequence[Article],
    test: Sequence[Article],
    si_config: SiConfig | None = None,
    tc_config: TcConfig | None = None,
    *,
    use_rules: bool = True,
) -> tuple[FoldResult, list[TcLine]]:
    """Train the model on ``train``, score it on ``test``; also return the TC predictions."""
    model = TechniqueModel.fit(train, si_config, tc_config, use_rules=use_rules).reloaded()
    texts = {a.id: a.text for a in test}
    si_pred = predict_si(model, texts)
    tc_pred = fill_template(model, texts, template_for(test))
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
    *,
    use_rules: bool = True,
) -> CvResult:
    """k-fold cross-validation of the technique model by article; ``progress`` sees each fold."""
    split = folds(articles, k, seed)
    results: list[FoldResult] = []
    pooled: list[TcLine] = []
    for i, test in enumerate(split):
        train = [a for j, fold in enumerate(split) if j != i for a in fold]
        result, tc_pred = evaluate_fold(train, test, si_config, tc_config, use_rules=use_rules)
        results.append(result)
        pooled.extend(tc_pred)
        if progress is not None:
            progress(i, result)
    return CvResult(k, seed, results, score_tc(pooled, _tc_gold(articles)))
