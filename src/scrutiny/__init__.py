"""scrutiny: take statements, press releases and news articles apart into evidence-linked structure.

    >>> import scrutiny
    >>> a = scrutiny.analyze("../shared/examples/000_16034c0f2a97500a.txt")
    >>> a.entities[0]["name"], a.to_json()

Heavy modules (spaCy, the store) load on first use, so ``import scrutiny`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from pathlib import Path

    from scrutiny.model import Analysis, Annotation, Document, Span
    from scrutiny.pipeline import Pipeline

__all__ = ["Analysis", "Annotation", "Document", "Pipeline", "Span", "__version__", "analyze"]


def analyze(source: str | Path | bytes | Document, *, pipeline: Pipeline | None = None) -> Analysis:
    """Analyse one document: a path, raw bytes, a ``Document``, or the text itself.

    A ``str`` is read as a path when it names an existing file, otherwise as the text. Sources
    holding several documents (JSON Lines, mbox) raise ``IngestError``: use ``scrutiny.ingest``
    to iterate them.
    """
    from pathlib import Path

    from scrutiny import ingest
    from scrutiny.errors import IngestError
    from scrutiny.model import Document
    from scrutiny.pipeline import default_pipeline

    if isinstance(source, Document):
        doc = source
    else:
        if isinstance(source, bytes):
            docs = ingest.read_bytes(source, name="<bytes>")
            name = "<bytes>"
        elif isinstance(source, Path) or _looks_like_path(source):
            docs = ingest.read_path(Path(source))
            name = str(source)
        else:
            docs = [Document.from_text(source)]
            name = "<text>"
        if len(docs) != 1:
            raise IngestError(name, f"holds {len(docs)} documents; analyse them one by one")
        doc = docs[0]
    return (pipeline or default_pipeline()).analyze(doc)


def _looks_like_path(text: str) -> bool:
    from pathlib import Path

    if "\n" in text or len(text) > 4096:
        return False
    try:
        return Path(text).is_file()
    except (OSError, ValueError):
        return False


def __getattr__(name: str) -> Any:
    if name in {"Analysis", "Annotation", "Document", "Span"}:
        from scrutiny import model

        return getattr(model, name)
    if name == "Pipeline":
        from scrutiny.pipeline import Pipeline

        return Pipeline
    raise AttributeError(f"module 'scrutiny' has no attribute {name!r}")
