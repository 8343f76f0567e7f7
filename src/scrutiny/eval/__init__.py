"""Evaluation: gold-data loaders, task scorers, cross-validation and baseline models.

``ptc`` reads the propaganda techniques corpus and its submission formats, ``scorers`` computes
the SemEval-2020 Task 11 measures, ``cv`` splits articles into folds and runs cross-validation,
``baselines`` holds the reference models and ``cli`` the ``scrutiny eval`` / ``scrutiny ptc``
commands.
"""
