"""Evaluation: gold-data loaders, task scorers, cross-validation, and one command per model.

``ptc`` reads the propaganda techniques corpus and its submission formats, ``scorers`` computes
the SemEval-2020 Task 11 measures, ``cv`` cross-validates the shipped technique model
(:mod:`scrutiny.analyzers.techniques`) by article, and ``cli`` holds ``scrutiny eval ptc`` and
``scrutiny ptc``; ``checkworthy``, ``claim_attribution``, ``signals``, ``events`` and
``entities`` score the other analyzers on their gold data.
"""
