"""The ``techniques`` analyzer: persuasion-technique spans labelled with the 14 PTC techniques.

It owns the ``technique`` layer. Each annotation is one span of text using one technique; its
label is the exact PTC name (``Loaded_Language``, ``Name_Calling,Labeling`` ...), its confidence
the classifier's probability of that label, and its attrs say how the span was found: by the span
model (``si_score``, its best token probability) or by a rule (``rule``: the rule's name), plus the
next most probable labels (``alternatives``).

The work is done by :class:`~.model.TechniqueModel`, trained by ``python -m
scrutiny.analyzers.techniques.train`` and shipped as plain arrays in ``model/``; it is loaded
once per process, from the package, without network. The model reads the text with identity
terms masked (:mod:`scrutiny.analyzers.identity`), so swapping "Muslims" for "Christians" cannot
change what it finds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from scrutiny.analyzers.techniques.model import Finding, shipped_model

if TYPE_CHECKING:
    from scrutiny.pipeline import AnalysisState

__all__ = ["TechniqueAnalyzer"]

LAYER = "technique"


class TechniqueAnalyzer:
    """Finds technique spans with the shipped model and adds them to the ``technique`` layer."""

    name: ClassVar[str] = "techniques"
    version: ClassVar[str] = "1.0"
    requires: ClassVar[tuple[str, ...]] = ("sentence",)
    produces: ClassVar[tuple[str, ...]] = (LAYER,)
    # Trained on English news only: other languages would get confident nonsense.
    languages: ClassVar[tuple[str, ...] | None] = ("en",)

    def analyze(self, state: AnalysisState) -> None:
        for finding in shipped_model().analyze(state.text):
            state.add(
                LAYER,
                finding.start,
                finding.end,
                finding.label,
                confidence=finding.confidence,
                attrs=_attrs(finding),
            )


def _attrs(finding: Finding) -> dict[str, object]:
    attrs: dict[str, object] = {
        "alternatives": [[label, p] for label, p in finding.alternatives],
    }
    if finding.source == "model":
        attrs["si_score"] = round(finding.si_score, 4)
    else:
        attrs["rule"] = finding.source
    return attrs
