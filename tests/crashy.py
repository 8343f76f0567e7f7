"""Analyses that misbehave on marked documents, for the engines' recovery and limit tests.

Worker processes find functions by module and name, so these live in a module of their own (the
tests folder is on ``sys.path`` while the suite runs, and forked or spawned workers inherit it).
"""

from __future__ import annotations

import ctypes
import faulthandler
import os
from typing import ClassVar

from scrutiny.engine import Result, analyse_one
from scrutiny.errors import ScrutinyError
from scrutiny.model import Document
from scrutiny.pipeline import AnalysisState, Pipeline

EXIT_MARKER = "THIS-DOCUMENT-EXITS-ITS-WORKER"
SEGFAULT_MARKER = "THIS-DOCUMENT-CRASHES-ITS-WORKER"
HOG_MARKER = "THIS-DOCUMENT-NEEDS-GIGABYTES"


def analyse_or_die(
    document: Document, max_seconds: float | None = None, max_memory_mb: float | None = None
) -> Result:
    if EXIT_MARKER in document.text:
        os._exit(3)
    if SEGFAULT_MARKER in document.text:
        faulthandler.disable()  # the crash is the point: no traceback on the test's stderr
        ctypes.string_at(0)  # reads address 0: SIGSEGV, as a bug in native code would
    return analyse_one(document, max_seconds, max_memory_mb)


class Hog:
    """An analyzer that needs a gigabyte for every document: the memory limit must stop it."""

    name: ClassVar[str] = "hog"
    version: ClassVar[str] = "1"
    requires: ClassVar[tuple[str, ...]] = ()
    produces: ClassVar[tuple[str, ...]] = ("hog",)
    languages: ClassVar[tuple[str, ...] | None] = None

    def analyze(self, state: AnalysisState) -> None:
        state.scratch["hog"] = bytearray(1024 * 1024 * 1024)


def analyse_or_hog(
    document: Document, max_seconds: float | None = None, max_memory_mb: float | None = None
) -> Result:
    if HOG_MARKER not in document.text:
        return analyse_one(document, max_seconds, max_memory_mb)
    try:
        return Pipeline([Hog()]).analyze(
            document, max_seconds=max_seconds, max_memory_mb=max_memory_mb
        )
    except ScrutinyError as exc:
        return exc
