"""The propaganda techniques corpus (PTC, SemEval-2020 Task 11) on disk, and its submission files.

This module owns the typed records of the corpus (:class:`Article`, :class:`Technique`), the
loader of ``../shared/data/ptc`` and the readers and writers of the two submission formats:

- span identification (SI): ``article_id<TAB>start<TAB>end``;
- technique classification (TC): ``article_id<TAB>label<TAB>start<TAB>end``, where a template
  carries ``?`` in place of the label.

The corpus's own label files use exactly these formats, so the same strict parsers read gold and
predictions. Offsets are character offsets (end exclusive) into the article text as Python reads
it; a malformed line raises :class:`PtcFormatError` naming the file and the line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from scrutiny.errors import ScrutinyError

#: The 14 technique labels of the corpus, exactly as spelled in its files (some contain commas).
LABELS: tuple[str, ...] = (
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Doubt",
    "Exaggeration,Minimisation",
    "Appeal_to_fear-prejudice",
    "Flag-Waving",
    "Causal_Oversimplification",
    "Appeal_to_Authority",
    "Slogans",
    "Whataboutism,Straw_Men,Red_Herring",
    "Black-and-White_Fallacy",
    "Thought-terminating_Cliches",
    "Bandwagon,Reductio_ad_hitlerum",
)
_LABEL_SET = frozenset(LABELS)

TEMPLATE_LABEL = "?"
_ARTICLE_FILE = re.compile(r"article(\d+)\.txt")
_ARTICLE_ID = re.compile(r"\d+")
_OFFSET = re.compile(r"\d{1,12}")

CharSpan = tuple[int, int]


class PtcFormatError(ScrutinyError):
    """A corpus or submission file is not in the expected format; names the file and line."""

    def __init__(self, path: str | Path, line: int | None, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = self.path if line is None else f"{self.path}:{line}"
        super().__init__(f"{where}: {reason}")


@dataclass(frozen=True, slots=True)
class Technique:
    """One labelled technique span; one span with two labels is two techniques."""

    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Article:
    """One article: its text, its SI gold spans and its TC gold technique spans."""

    id: str
    text: str
    spans: tuple[CharSpan, ...] = ()
    techniques: tuple[Technique, ...] = ()


@dataclass(frozen=True, slots=True)
class SiLine:
    """One line of an SI file: a span that contains some technique."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TcLine:
    """One line of a TC file; ``label`` is ``None`` on a template line (``?``)."""

    article_id: str
    label: str | None
    start: int
    end: int


# ----------------------------------------------------------------------------- parsing


def _fields(path: Path, lineno: int, line: str, count: int) -> list[str]:
    fields = line.split("\t")
    if len(fields) != count:
        raise PtcFormatError(
            path, lineno, f"expected {count} tab-separated fields, got {len(fields)}"
        )
    return fields


def _article_id(path: Path, lineno: int, value: str) -> str:
    if not _ARTICLE_ID.fullmatch(value):
        raise PtcFormatError(path, lineno, f"article id must be digits, got {value[:40]!r}")
    return value


def _offsets(path: Path, lineno: int, start: str, end: str) -> CharSpan:
    if not (_OFFSET.fullmatch(start) and _OFFSET.fullmatch(end)):
        raise PtcFormatError(
            path, lineno, f"offsets must be integers, got {start[:20]!r}, {end[:20]!r}"
        )
    s, e = int(start), int(end)
    if s >= e:
        raise PtcFormatError(path, lineno, f"empty or reversed span [{s}, {e})")
    return s, e


def _label(path: Path, lineno: int, value: str, *, template: bool) -> str | None:
    if template:
        if value != TEMPLATE_LABEL:
            raise PtcFormatError(path, lineno, f"template label must be '?', got {value[:40]!r}")
        return None
    if value not in _LABEL_SET:
        raise PtcFormatError(path, lineno, f"unknown technique label {value[:60]!r}")
    return value


def _lines(path: Path) -> Iterable[tuple[int, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PtcFormatError(path, None, f"cannot read: {exc}") from exc
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        # Blank lines carry nothing; the corpus ends every file with a newline.
        if line.strip():
            yield lineno, line


def read_si(path: str | Path) -> list[SiLine]:
    """Read an SI file (gold labels or a submission)."""
    p = Path(path)
    out: list[SiLine] = []
    for lineno, line in _lines(p):
        aid, start, end = _fields(p, lineno, line, 3)
        s, e = _offsets(p, lineno, start, end)
        out.append(SiLine(_article_id(p, lineno, aid), s, e))
    return out


def read_tc(path: str | Path, *, template: bool = False) -> list[TcLine]:
    """Read a TC file: labelled lines, or with ``template=True`` lines whose label is ``?``."""
    p = Path(path)
    out: list[TcLine] = []
    for lineno, line in _lines(p):
        aid, label, start, end = _fields(p, lineno, line, 4)
        s, e = _offsets(p, lineno, start, end)
        out.append(
            TcLine(_article_id(p, lineno, aid), _label(p, lineno, label, template=template), s, e)
        )
    return out


def write_si(path: str | Path, lines: Iterable[SiLine]) -> None:
    """Write an SI submission, one span a line."""
    Path(path).write_text(
        "".join(f"{x.article_id}\t{x.start}\t{x.end}\n" for x in lines), encoding="utf-8"
    )


def write_tc(path: str | Path, lines: Iterable[TcLine]) -> None:
    """Write a TC submission (or a template, where labels are ``None``)."""
    rows = (f"{x.article_id}\t{x.label or TEMPLATE_LABEL}\t{x.start}\t{x.end}\n" for x in lines)
    Path(path).write_text("".join(rows), encoding="utf-8")


# ----------------------------------------------------------------------------- corpus


def read_articles(directory: str | Path) -> dict[str, str]:
    """Article id -> text for every ``article<ID>.txt`` in ``directory``, in file-name order."""
    d = Path(directory)
    if not d.is_dir():
        raise PtcFormatError(d, None, "not a directory of article<ID>.txt files")
    texts: dict[str, str] = {}
    for f in sorted(d.iterdir()):
        m = _ARTICLE_FILE.fullmatch(f.name)
        if m is None:
            continue
        try:
            texts[m.group(1)] = f.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PtcFormatError(f, None, f"cannot read: {exc}") from exc
    return texts


def _text_order(t: Technique) -> tuple[int, int, str]:
    return (t.start, t.end, t.label)


def _load_one(root: Path, aid: str, text: str) -> Article:
    si_path = root / "train-labels-task-si" / f"article{aid}.task-si.labels"
    tc_path = root / "train-labels-task-flc-tc" / f"article{aid}.task-flc-tc.labels"
    si = read_si(si_path)
    tc = read_tc(tc_path)
    # A label file may only name its own article, and only offsets inside its text.
    check_lines({aid: text}, si, si_path)
    check_lines({aid: text}, tc, tc_path)
    spans = tuple(sorted({(x.start, x.end) for x in si}))
    # read_tc without template=True never yields a None label.
    techniques = tuple(
        sorted((Technique(y.label or "", y.start, y.end) for y in tc), key=_text_order)
    )
    return Article(aid, text, spans, techniques)


def load_corpus(root: str | Path) -> list[Article]:
    """Load the labelled training articles of the corpus at ``root`` (``.../data/ptc``), by id."""
    r = Path(root)
    texts = read_articles(r / "train-articles")
    if not texts:
        raise PtcFormatError(r / "train-articles", None, "no article<ID>.txt files")
    return [_load_one(r, aid, text) for aid, text in texts.items()]


def template_for(articles: Sequence[Article]) -> list[TcLine]:
    """The TC template of gold spans: one ``?`` line per gold technique line, as the task did."""
    return [
        TcLine(a.id, None, t.start, t.end)
        for a in articles
        for t in sorted(a.techniques, key=_text_order)
    ]


def check_lines(
    texts: Mapping[str, str], lines: Iterable[SiLine | TcLine], path: str | Path
) -> None:
    """Every line names a known article and lies inside its text, or :class:`PtcFormatError`."""
    for line in lines:
        text = texts.get(line.article_id)
        if text is None:
            raise PtcFormatError(path, None, f"article {line.article_id} is not among the articles")
        if line.end > len(text):
            raise PtcFormatError(
                path, None, f"span [{line.start}, {line.end}) is past the end of {line.article_id}"
            )
