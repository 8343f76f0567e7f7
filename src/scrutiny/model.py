"""The data model: an immutable document and the annotations analyzers put on it.

A span is a half-open character range into ``Document.text``; ``text[start:end]`` is always the
evidence. Annotations never copy text: the JSON view slices it out of the document when asked.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

SCHEMA = "scrutiny/1"

# C0/C1 control characters other than tab and newline carry no text, confuse tokenizers and can
# drive terminals (escape sequences); they become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def normalise_text(text: str) -> str:
    """The canonical form of a text: ``\n`` line ends, control characters blanked.

    Apart from line ends the length never changes, so offsets published with a text (such as the
    propaganda techniques corpus, read the way Python reads files) stay valid. Byte-order marks are
    the decoder's business (ingest strips a leading one); Unicode normalisation is left to the id.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", text)


FIELD_MAX_CHARS = 1_000


def clean_field(value: object) -> str | None:
    """A metadata value (title, author, ...) as one trimmed line without control characters.

    Metadata comes from the same hostile source as the text and ends up in terminals and pages.
    """
    if value is None:
        return None
    flat = " ".join(_CONTROL.sub(" ", str(value)).split())
    return flat[:FIELD_MAX_CHARS] or None


def document_id(text: str) -> str:
    """``sha256:`` of the normalised text in NFC without surrounding whitespace.

    Composed and decomposed spellings, a leading byte-order mark and trailing newlines do not make
    a second document, so re-adding the same text is a no-op.
    """
    canonical = unicodedata.normalize("NFC", normalise_text(text)).strip().lstrip("\ufeff")
    return f"sha256:{hashlib.sha256(canonical.encode('utf-8')).hexdigest()}"


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A half-open range ``[start, end)`` of character offsets."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"invalid span [{self.start}, {self.end})")

    def __len__(self) -> int:
        return self.end - self.start

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True, slots=True)
class Document:
    """Text plus what is known about where it came from. Build it with :meth:`from_text`."""

    id: str
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as the source states it
    source: str | None = None  # path or URL it was read from
    media_type: str = "text/plain"
    meta: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        title: str | None = None,
        author: str | None = None,
        published: str | None = None,
        source: str | None = None,
        media_type: str = "text/plain",
        meta: Mapping[str, Any] | None = None,
    ) -> Document:
        clean = normalise_text(text)
        return cls(
            id=document_id(clean),
            text=clean,
            title=clean_field(title),
            author=clean_field(author),
            published=clean_field(published),
            source=clean_field(source),
            media_type=media_type,
            meta=dict(meta or {}),
        )

    def slice(self, span: Span) -> str:
        return self.text[span.start : span.end]


@dataclass(frozen=True, slots=True)
class Annotation:
    """One finding: a labelled span on one layer, made by one analyzer with some confidence.

    ``attrs`` holds layer-specific values; references to other annotations are their ids
    (for example a mention's ``attrs["entity"]``). docs/layers.md lists each layer's attrs.
    """

    id: str
    layer: str
    span: Span
    label: str
    analyzer: str
    version: str
    confidence: float = 1.0
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "layer": self.layer,
            "start": self.span.start,
            "end": self.span.end,
            "label": self.label,
            "confidence": self.confidence,
            "analyzer": self.analyzer,
            "version": self.version,
            "attrs": dict(self.attrs),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Annotation:
        return cls(
            id=str(data["id"]),
            layer=str(data["layer"]),
            span=Span(int(data["start"]), int(data["end"])),
            label=str(data["label"]),
            analyzer=str(data["analyzer"]),
            version=str(data["version"]),
            confidence=float(data["confidence"]),
            attrs=dict(data.get("attrs") or {}),
        )


@dataclass(frozen=True, slots=True)
class Analysis:
    """A document with every annotation the pipeline made on it."""

    document: Document
    annotations: tuple[Annotation, ...]
    provenance: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def layer(self, name: str) -> list[Annotation]:
        return [a for a in self.annotations if a.layer == name]

    def get(self, annotation_id: str) -> Annotation | None:
        return self._index().get(annotation_id)

    def _index(self) -> dict[str, Annotation]:
        return {a.id: a for a in self.annotations}

    def __iter__(self) -> Iterator[Annotation]:
        return iter(self.annotations)

    @property
    def language(self) -> str | None:
        langs = self.layer("language")
        return langs[0].label if langs else None

    # The public views below are the sections of the scrutiny/1 JSON, so Python and JSON users
    # see the same thing.
    @property
    def entities(self) -> list[dict[str, Any]]:
        return list(self.to_dict()["entities"])

    @property
    def timexes(self) -> list[dict[str, Any]]:
        return list(self.to_dict()["timexes"])

    @property
    def quotes(self) -> list[dict[str, Any]]:
        return list(self.to_dict()["quotes"])

    @property
    def signature(self) -> dict[str, Any] | None:
        sig: dict[str, Any] | None = self.to_dict()["signature"]
        return sig

    def to_dict(self) -> dict[str, Any]:
        from scrutiny.views import analysis_to_dict

        return analysis_to_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        import json

        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def check_spans(doc: Document, annotations: Iterable[Annotation]) -> None:
    """Raise ``ValueError`` if any annotation points outside the document."""
    n = len(doc.text)
    for a in annotations:
        if a.span.end > n:
            raise ValueError(f"{a.id} ({a.layer}) ends at {a.span.end} > {n} characters")
