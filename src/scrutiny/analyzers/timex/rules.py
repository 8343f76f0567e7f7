"""English time expressions: the grammar that finds them and the calendar that normalises them.

This module owns the vocabulary (months, weekdays, seasons, number words, units), the regular
expressions that find candidate expressions in raw text, the TimeML/ISO 8601 arithmetic that turns
each into a value, and the choice among overlapping candidates. It knows nothing of spaCy: what it
needs from a parse (is this word an adverb, what tense governs it, does a year count things) it
asks a :class:`Hints` object, so the grammar can be tested alone and the plugin in ``timex``
supplies hints backed by the parse. docs/timex.md states the conventions implemented here.

Every pattern keeps leading prepositions out of the span (TimeML treats them as signals): the
named group ``t`` is the expression; text matched outside it is context only.
"""

from __future__ import annotations

import bisect
import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

# --- vocabulary --------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MONTHS = {
    name: i
    for i, name in enumerate(
        _words(
            "january february march april may june july august september october november december"
        ),
        start=1,
    )
}
_MONTH_ABBR = {"sept": 9, **{name[:3]: i for name, i in MONTHS.items()}}
WEEKDAYS = {
    name: i
    for i, name in enumerate(_words("monday tuesday wednesday thursday friday saturday sunday"))
}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
# First and last month of each season (northern hemisphere, meteorological).
_SEASON_SPAN = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
_PART_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}

_SMALL = _words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
)
_TENS = _words("twenty thirty forty fifty sixty seventy eighty ninety")
NUMBER_WORDS: dict[str, float] = {w: i for i, w in enumerate(_SMALL)}
NUMBER_WORDS.update({w: 20 + 10 * i for i, w in enumerate(_TENS)})
NUMBER_WORDS.update(
    {"a": 1, "an": 1, "a hundred": 100, "hundred": 100, "a dozen": 12, "a couple of": 2}
)
# Quantities we cannot count: TimeML writes the number as X.
_VAGUE_NUMBERS = frozenset({"a few", "few", "several", "many", "some", "numerous"})
# Unit → (duration designator, whether it is a time-of-day unit needing "PT").
_UNITS = {
    "second": ("S", True),
    "minute": ("M", True),
    "hour": ("H", True),
    "day": ("D", False),
    "week": ("W", False),
    "fortnight": ("W", False),
    "month": ("M", False),
    "year": ("Y", False),
    "decade": ("DE", False),
    "century": ("CE", False),
}

# Words before a bare year that make it a year: a preposition of time or "the year".
_YEAR_PREPS_STRONG = frozenset(
    _words("in since during until till before after throughout circa c ca by year")
)
# Prepositions that also introduce quantities ("of 2015 people"): only when nothing is counted.
_YEAR_PREPS_WEAK = frozenset(_words("of from to through between around and or"))
# Years the parse alone may vouch for; outside them only a preposition or "the year" will do.
_PARSE_YEARS = (1800, 2040)
# Words before a number that mark it as a label, not a year.
_NOT_YEAR_BEFORE = frozenset(
    _words(
        "page p pp no nr number route flight room article section chapter vol volume issue "
        "item code model version bus highway exit gate"
    )
)
# Words before "a/an/one <unit>" that make it a measure of time ("for a year") rather than a
# narrative "one day" or a rate ("$5 a year").
_DURATION_CUES = frozenset(
    _words(
        "for within over in after about nearly almost than least just only lasting last past "
        "entire whole full barely roughly some around lasted lasts spent spend spends took takes "
        "take"
    )
)
# Capitalised words that turn a weekday into a named day ("Black Friday", "Super Tuesday").
_WEEKDAY_OPENERS = frozenset(
    _words(
        "on by until since last next this every each from before after through till and or "
        "early late"
    )
)

# --- regular expression fragments --------------------------------------------------------------

# One gap between words: a short run of spaces, or one line break (never a paragraph break).
_S = r"(?:[^\S\n]{1,3}|[^\S\n]{0,2}\n[^\S\n]{0,2})"
_YEAR = r"(?:1\d{3}|20\d{2})(?!\d)"
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?!\d)(?:st|nd|rd|th)?\b"
# Month and weekday names are case-sensitive: "march" and "may" in lower case are verbs.
_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_MONTH = rf"(?:{_MONTH_FULL}|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?)(?![A-Za-z])"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_WD_PREFIX = rf"(?:{_WEEKDAY},?{_S})?"
_SEASON = r"(?i:spring|summer|autumn|fall|winter)"
_POD = r"(?i:morning|afternoon|evening|night)"
_NUM = (
    r"(?i:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:-(?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|a[^\S\n]hundred|hundred|a[^\S\n]dozen"
    r"|a[^\S\n]couple[^\S\n]of|a[^\S\n]few|few|several|many|some|numerous|an|a"
    r"|\d{1,3}(?:\.\d+)?)"
)
_UNIT = (
    r"(?i:seconds?|minutes?|hours?|days?|weeks?|fortnights?|months?|years?|decades?"
    r"|century|centuries)"
)
_HALF = rf"{_S}(?i:and){_S}(?i:a){_S}(?i:half)"
# A word or number starts here, not mid-token; the lookahead fails fast between words.
_START = r"(?<![\w$£€¥#@.,/:'’-])(?=[\w'’])"
_END = r"(?![\w-])"

# --- the result and the hints ------------------------------------------------------------------

DATE, DURATION, SET, REF = "DATE", "DURATION", "SET", "REF"
PRESENT_REF, PAST_REF, FUTURE_REF = "PRESENT_REF", "PAST_REF", "FUTURE_REF"

_POINT = (
    r"(?:\d{4}|\d{3}X|\d{2}XX|XXXX)"
    r"(?:-(?:\d{2}(?:-\d{2})?|W(?:\d{2}|XX)(?:-(?:[1-7]|WE))?|SP|SU|FA|WI|XX-XX))?"
)
_POINT_T = rf"{_POINT}(?:T(?:MO|AF|EV|NI))?"
VALUE_RE = re.compile(
    rf"(?:{_POINT_T}(?:/{_POINT_T})?"
    r"|P(?:\d+(?:\.\d+)?|X)(?:Y|M|W|D|DE|CE)|PT(?:\d+(?:\.\d+)?|X)(?:H|M|S)"
    r"|PRESENT_REF|PAST_REF|FUTURE_REF)"
)


def is_valid_value(value: str | None) -> bool:
    """Whether ``value`` is a value this grammar may produce (None means unresolved)."""
    return value is None or VALUE_RE.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Timex:
    """One normalised time expression; ``[start, end)`` is its span in the text."""

    start: int
    end: int
    label: str
    value: str | None
    anchored: bool
    confidence: float


class Hints:
    """What the grammar asks of a parse. This base answers from raw text alone, cautiously.

    Positions are character offsets into the text the grammar scans.
    """

    _AUX_AFTER = re.compile(r"[^\S\n]*(?:was|is|were|has|had|saw|marked|will|brought)\b")
    _WORD_AFTER = re.compile(r"[^\S\n]+([a-z]+)")

    def __init__(self, text: str) -> None:
        self.text = text

    def is_adverb(self, start: int) -> bool:
        """Whether the word at ``start`` is used as an adverb ("earlier", "now")."""
        return True

    def tense_at(self, pos: int) -> int:
        """-1 if the clause around ``pos`` speaks of the past, 1 of the future, 0 if unknown."""
        return 0

    def is_date_entity(self, start: int, end: int) -> bool:
        """Whether a named-entity recogniser saw a date covering ``[start, end)``."""
        return False

    def counts_things(self, start: int, end: int) -> bool:
        """Whether the number at ``[start, end)`` counts the plural noun after it."""
        m = self._WORD_AFTER.match(self.text, end)
        return bool(m and m.group(1).endswith("s") and m.group(1) not in _TIME_NOUNS)

    def names_a_kind(self, start: int) -> bool:
        """Whether the day name at ``start`` classifies a noun ("Sunday school", "Sunday
        services") instead of dating something ("the Monday meeting", "Monday night")."""
        return False

    def year_opens_sentence(self, start: int, end: int) -> bool:
        """Whether a sentence opens with the year and goes on with its verb ("2006 was ...")."""
        before = self.text[max(0, start - 2) : start]
        opens = start == 0 or before.endswith("\n") or before == ". "
        return opens and self._AUX_AFTER.match(self.text, end) is not None


_TIME_NOUNS = frozenset(
    _words(
        "elections polls years months days weeks games olympics budgets accounts figures numbers"
    )
)

# --- calendar arithmetic -----------------------------------------------------------------------

_ANCHOR_RE = re.compile(r"\s*(\d{4})-?(\d{2})-?(\d{2})")


def parse_anchor(published: str | None) -> date | None:
    """The date part of an ISO 8601 date or datetime string, or None if there is none."""
    if not published:
        return None
    m = _ANCHOR_RE.match(published)
    if not m:
        return None
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _month(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _week(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year:04d}-W{iso.week:02d}"


def _add_months(year: int, month: int, n: int) -> tuple[int, int]:
    total = year * 12 + month - 1 + n
    return total // 12, total % 12 + 1


def _number(text: str) -> float | None:
    """The number a numeral or number word states; None for vague ones ("several")."""
    key = " ".join(text.lower().split())
    if key in _VAGUE_NUMBERS:
        return None
    if key in NUMBER_WORDS:
        return NUMBER_WORDS[key]
    if "-" in key:
        tens, _, unit = key.partition("-")
        return NUMBER_WORDS.get(tens, 0) + NUMBER_WORDS.get(unit, 0)
    return float(key)


def _unit(text: str) -> str:
    key = text.lower()
    if key == "centuries":
        return "century"
    return key[:-1] if key.endswith("s") else key


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def duration_value(n: float | None, unit: str) -> str:
    """ISO 8601 duration (TimeML's X for an unknown number; DE and CE only with X)."""
    code, timed = _UNITS[unit]
    prefix = "PT" if timed else "P"
    if n is None:
        return f"{prefix}X{code}"
    if unit == "fortnight":
        n *= 2
    if code in ("DE", "CE"):
        return f"P{_fmt(n * (10 if code == 'DE' else 100))}Y"
    return f"{prefix}{_fmt(n)}{code}"


def shift(anchor: date, n: int, unit: str) -> str:
    """The calendar period ``n`` units away from ``anchor``, at that unit's granularity."""
    if unit == "year":
        return f"{anchor.year + n:04d}"
    if unit == "month":
        return _month(*_add_months(anchor.year, anchor.month, n))
    if unit in ("week", "fortnight"):
        return _week(anchor + timedelta(weeks=n * (2 if unit == "fortnight" else 1)))
    if unit == "decade":
        return f"{(anchor.year + 10 * n) // 10:03d}X"
    if unit == "century":
        return f"{anchor.year // 100 + n:02d}XX"
    if unit == "day":
        return (anchor + timedelta(days=n)).isoformat()
    return anchor.isoformat()  # hours, minutes, seconds: the day is as precise as we go


def pick_year(month: int, day: int, anchor: date, direction: int) -> int:
    """The year of a day-of-year written without one, seen from ``anchor``.

    Past tense takes the latest such day on or before the anchor, future the earliest on or
    after it; with no tense, whichever is nearer (the past on a tie).
    """
    here = (anchor.month, anchor.day)
    before = anchor.year if (month, day) <= here else anchor.year - 1
    after = anchor.year if (month, day) >= here else anchor.year + 1
    if direction < 0:
        return before
    if direction > 0:
        return after

    def distance(year: int) -> int:
        safe_day = min(day, calendar.monthrange(year, month)[1])
        return abs((date(year, month, safe_day) - anchor).days)

    return before if distance(before) <= distance(after) else after


def pick_weekday(weekday: int, anchor: date, mod: str, direction: int) -> date:
    """The date of a weekday named relative to ``anchor`` ("last Friday", "on Monday")."""
    back = (anchor.weekday() - weekday) % 7
    ahead = (weekday - anchor.weekday()) % 7
    if mod in ("last", "past"):
        return anchor - timedelta(days=back or 7)
    if mod == "next":
        return anchor + timedelta(days=ahead or 7)
    if mod in ("this", "coming") or direction > 0:
        return anchor + timedelta(days=ahead)
    if direction < 0 or back <= ahead:
        return anchor - timedelta(days=back)
    return anchor + timedelta(days=ahead)


def season_year(season: str, anchor: date, mod: str) -> int:
    """The year of "this/last/next <season>"; a winter is dated by the year it starts in."""
    first, last = _SEASON_SPAN[season]
    now = (anchor.year, anchor.month)
    began = anchor.year if (anchor.year, first) <= now else anchor.year - 1
    ended = now > (began + (season == "WI"), last)
    if mod in ("last", "past"):
        return began if ended else began - 1
    if mod in ("next", "coming"):
        return began + 1
    return anchor.year - (season == "WI" and anchor.month <= last)


_YEAR_PARTS = {
    "beginning": (1, 3),
    "start": (1, 3),
    "outset": (1, 3),
    "early": (1, 3),
    "early part": (1, 3),
    "mid": (5, 8),
    "middle": (5, 8),
    "late": (10, 12),
    "end": (10, 12),
    "close": (10, 12),
    "first half": (1, 6),
    "second half": (7, 12),
    "latter half": (7, 12),
    "latter part": (7, 12),
    "later part": (7, 12),
    "first quarter": (1, 3),
    "second quarter": (4, 6),
    "third quarter": (7, 9),
    "fourth quarter": (10, 12),
    "final quarter": (10, 12),
    "last quarter": (10, 12),
}
_MONTH_PARTS = {
    "beginning": (1, 10),
    "start": (1, 10),
    "outset": (1, 10),
    "early": (1, 10),
    "early part": (1, 10),
    "mid": (11, 20),
    "middle": (11, 20),
    "late": (21, 31),
    "end": (21, 31),
    "close": (21, 31),
    "first half": (1, 15),
    "second half": (16, 31),
    "latter half": (16, 31),
    "latter part": (16, 31),
    "later part": (16, 31),
}


def year_part(year: int, part: str) -> str:
    first, last = _YEAR_PARTS[part]
    return f"{_month(year, first)}/{_month(year, last)}"


def month_part(year: int, month: int, part: str) -> str:
    first, last = _MONTH_PARTS[part]
    last = min(last, calendar.monthrange(year, month)[1])
    return f"{_month(year, month)}-{first:02d}/{_month(year, month)}-{last:02d}"


def _valid_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_number(name: str) -> int:
    key = name.rstrip(".").lower()
    return MONTHS.get(key) or _MONTH_ABBR[key[:4] if key.startswith("sept") else key[:3]]


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


# --- the grammar -------------------------------------------------------------------------------

# Fixed phrases whose value never depends on the document date. Idioms whose preposition changes
# their meaning ("to this day" vs "this day") keep it in the span.
_REF_PHRASES: tuple[tuple[str, str], ...] = (
    (
        r"to{S}this{S}day|(?<!up )(?<!up-)to{S}date|at{S}present|at{S}the{S}(?:present{S})?moment",
        PRESENT_REF,
    ),
    (r"at{S}this{S}(?:moment|point(?:{S}in{S}time)?)|at{S}the{S}time{S}of{S}writing", PRESENT_REF),
    (r"for{S}now|for{S}the{S}time{S}being|as{S}of{S}now|right{S}now", PRESENT_REF),
    (r"nowadays|(?<!of )these{S}days|currently|presently|the{S}present{S}day", PRESENT_REF),
    (r"recently|lately|previously|formerly|once{S}upon{S}a{S}time|back{S}then", PAST_REF),
    (
        r"in{S}the{S}past(?!{S}(?:\d|few|several|two|three|four|five|six|seven|eight|nine|ten))",
        PAST_REF,
    ),
    (r"at{S}(?:that|the){S}time|in{S}those{S}days|in{S}the{S}old{S}days", PAST_REF),
    (r"in{S}recent{S}(?:years|months|weeks|days|decades|times)", PAST_REF),
    (
        r"(?:not{S})?long{S}ago|(?:a{S}(?:short{S}|little{S})?)?while{S}ago|some{S}time{S}ago",
        PAST_REF,
    ),
    (r"in{S}the{S}(?:near{S}|distant{S}|foreseeable{S}|immediate{S})?future", FUTURE_REF),
    (
        r"in{S}the{S}coming{S}(?:years|months|weeks|days|decades)|in{S}the{S}years{S}to{S}come",
        FUTURE_REF,
    ),
    (r"someday|soon(?!{S}(?:after|afterwards?|thereafter|as)\b)", FUTURE_REF),
)
# Single adverbs that are something else in other uses ("an earlier version", "now that").
_ADVERB_REFS = re.compile(
    rf"{_START}(?P<t>(?i:(?P<now>now)(?!{_S}(?i:that)\b)|(?P<earlier>earlier)"
    rf"(?!{_S}(?i:than|this|that|today|in|on)\b)))(?![\w'’-])"
)

_CONF = {
    "full": 0.95,
    "month_year": 0.9,
    "numeric": 0.9,
    "ambiguous": 0.7,
    "year_strong": 0.9,
    "year_weak": 0.8,
    "year_parse": 0.75,
    "decade": 0.85,
    "interval": 0.85,
    "part": 0.8,
    "season": 0.8,
    "relative": 0.75,
    "guessed": 0.65,
    "unresolved": 0.55,
    "duration": 0.8,
    "vague": 0.65,
    "set": 0.75,
    "ref": 0.7,
    "ref_weak": 0.6,
}

Handler = Callable[["re.Match[str]"], "Timex | None"]


def _phrase(pattern: str) -> re.Pattern[str]:
    """Compile a case-insensitive phrase pattern whose ``{S}`` are word gaps, as group ``t``."""
    body = pattern.replace("{S}", _S)
    return re.compile(rf"{_START}(?P<t>(?i:{body})){_END}")


class _Scanner:
    """One pass of the grammar over one text; handlers turn a match into a Timex or None."""

    def __init__(self, text: str, anchor: date | None, hints: Hints) -> None:
        self.text = text
        self.anchor = anchor
        self.hints = hints
        # Where accepted year-bearing expressions end, so "in 2014 and 2015" takes both years.
        self._year_ends: list[int] = []

    # -- helpers ---------------------------------------------------------------------------

    def _make(
        self,
        m: re.Match[str],
        label: str,
        value: str | None,
        conf: str,
        *,
        anchored: bool = False,
    ) -> Timex:
        start, end = m.span("t")
        if value is None:
            anchored = False
        return Timex(start, end, label, value, anchored, _CONF[conf])

    def _relative(self, m: re.Match[str], label: str, value: str | None) -> Timex:
        """A DATE that needs the document date: anchored if we had one, else unresolved."""
        if self.anchor is None or value is None:
            return self._make(m, label, None, "unresolved")
        return self._make(m, label, value, "relative", anchored=True)

    def _prev_word(self, pos: int) -> str:
        """The lower-cased word (or punctuation mark) just before ``pos``."""
        text = self.text
        i = pos
        while i > 0 and pos - i < 8 and text[i - 1] in " \t\u00a0":
            i -= 1
        j = i
        while j > 0 and i - j < 16 and text[j - 1].isalpha():
            j -= 1
        return text[j:i].lower() if j < i else text[i - 1 : i]

    def _prev_word_raw(self, pos: int) -> str:
        i = pos
        while i > 0 and pos - i < 8 and self.text[i - 1] in " \t\u00a0":
            i -= 1
        j = i
        while j > 0 and i - j < 16 and self.text[j - 1].isalpha():
            j -= 1
        return self.text[j:i]

    def _note_year(self, m: re.Match[str]) -> None:
        bisect.insort(self._year_ends, m.end("t"))

    def _follows_year(self, start: int) -> bool:
        i = bisect.bisect_right(self._year_ends, start) - 1
        if i < 0:
            return False
        gap = self.text[self._year_ends[i] : start]
        return len(gap) < 8 and _COORD.fullmatch(gap) is not None

    # -- absolute dates --------------------------------------------------------------------

    def full_date(self, m: re.Match[str]) -> Timex | None:
        day = int(re.sub(r"\D", "", m.group("d")))
        found = _valid_date(int(m.group("y")), _month_number(m.group("m")), day)
        if found is None:
            return None
        self._note_year(m)
        return self._make(m, DATE, found.isoformat(), "full")

    def day_month(self, m: re.Match[str]) -> Timex | None:
        day = int(re.sub(r"\D", "", m.group("d")))
        month = _month_number(m.group("m"))
        if _valid_date(2000, month, day) is None:  # 2000 is a leap year: 29 February passes
            return None
        if self.anchor is None:
            return self._make(m, DATE, None, "unresolved")
        year = pick_year(month, day, self.anchor, self.hints.tense_at(m.start("t")))
        found = _valid_date(year, month, day)
        return self._relative(m, DATE, found.isoformat() if found else None)

    def iso_date(self, m: re.Match[str]) -> Timex | None:
        found = _valid_date(int(m.group("y")), int(m.group("mo")), int(m.group("d")))
        if found is None:
            return None
        self._note_year(m)
        return self._make(m, DATE, found.isoformat(), "numeric")

    def numeric_date(self, m: re.Match[str]) -> Timex | None:
        """dd.mm.yyyy is European; a/b/yyyy is read month first (US) unless it cannot be."""
        a, b, year = int(m.group("a")), int(m.group("b")), int(m.group("y"))
        if m.group("sep") == ".":
            day, month = a, b
        else:
            month, day = (b, a) if a > 12 else (a, b)
        found = _valid_date(year, month, day)
        if found is None:
            return None
        self._note_year(m)
        sure = m.group("sep") == "." or a > 12 or b > 12 or a == b
        return self._make(m, DATE, found.isoformat(), "numeric" if sure else "ambiguous")

    def month_year(self, m: re.Match[str]) -> Timex | None:
        self._note_year(m)
        value = _month(int(m.group("y")), _month_number(m.group("m")))
        return self._make(m, DATE, value, "month_year")

    def month_range(self, m: re.Match[str]) -> Timex | None:
        first, last = _month_number(m.group("m1")), _month_number(m.group("m2"))
        year = int(m.group("y"))
        start_year = int(m.group("y1")) if m.group("y1") else year - (first > last)
        if (start_year, first) >= (year, last):
            return None
        self._note_year(m)
        return self._make(m, DATE, f"{_month(start_year, first)}/{_month(year, last)}", "interval")

    def month_alone(self, m: re.Match[str]) -> Timex | None:
        name = m.group("m")
        groups = m.groupdict()
        prep = _norm(groups.get("prep") or "")
        mod = _norm(groups.get("mod") or "")
        # "May" alone is the Prime Minister or a modal as often as a month.
        if name == "May" and prep not in ("in", "since", "until", "till", "during") and not mod:
            return None
        if self.text.startswith(("'s", "’s"), m.end("t")):
            return None
        if self.anchor is None:
            return self._make(m, DATE, None, "unresolved")
        month = _month_number(name)
        here = self.anchor.month
        if mod in ("last", "past"):
            year = self.anchor.year - (month >= here)
        elif mod in ("next", "coming"):
            year = self.anchor.year + (month <= here)
        elif mod == "this":
            year = self.anchor.year
        else:
            year = pick_year(month, 15, self.anchor, self.hints.tense_at(m.start("t")))
        return self._relative(m, DATE, _month(year, month))

    # -- years -----------------------------------------------------------------------------

    def the_year(self, m: re.Match[str]) -> Timex | None:
        self._note_year(m)
        return self._make(m, DATE, m.group("y"), "year_strong")

    def bare_year(self, m: re.Match[str]) -> Timex | None:
        start, end = m.span("t")
        conf = self._year_evidence(start, end, int(m.group("t")))
        if conf is None:
            return None
        self._note_year(m)
        return self._make(m, DATE, m.group("t"), conf)

    def _year_evidence(self, start: int, end: int, year: int) -> str | None:
        """How sure the context makes us that a lone four-digit number is a year, if at all."""
        prev = self._prev_word(start)
        if prev in _NOT_YEAR_BEFORE:
            return None
        if prev in _YEAR_PREPS_STRONG:
            return "year_strong"
        counts = self.hints.counts_things(start, end)
        listed = prev in _YEAR_PREPS_WEAK or self._follows_year(start)
        if (listed and not counts) or (prev == "(" and self.text.startswith(")", end)):
            return "year_weak"
        if not _PARSE_YEARS[0] <= year <= _PARSE_YEARS[1]:
            return None  # the parse alone is not trusted with "2089" (a paragraph number)
        by_parse = self.hints.is_date_entity(start, end) and not counts
        if by_parse or self.hints.year_opens_sentence(start, end):
            return "year_parse"
        return None

    def year_range(self, m: re.Match[str]) -> Timex | None:
        first = int(m.group("y1"))
        second_text = m.group("y2")
        second = int(second_text)
        if len(second_text) == 2:
            second += first // 100 * 100
        if not 0 < second - first <= 100:
            return None
        start, end = m.span("t")
        # "1500-2000 protesters" counts; from 1900 on a range before a plural is a period.
        if first < 1900 and self.hints.counts_things(start, end):
            return None
        self._note_year(m)
        return self._make(m, DATE, f"{first}/{second}", "interval")

    def decade(self, m: re.Match[str]) -> Timex | None:
        if m.group("y"):
            year = m.group("y")
            # "the 1800s" is a century; "the 2000s" is read as the decade, as it usually is.
            if year.endswith("00") and year != "2000":
                return self._make(m, DATE, f"{year[:2]}XX", "decade")
            return self._make(m, DATE, f"{year[:3]}X", "decade")
        if m.group("yy"):
            return self._make(m, DATE, f"19{m.group('yy')[0]}X", "decade")
        word = m.group("w").lower()
        digit = {"sixties": 6, "seventies": 7, "eighties": 8, "nineties": 9}[word]
        return self._make(m, DATE, f"19{digit}X", "decade")

    def century(self, m: re.Match[str]) -> Timex | None:
        text = m.group("c").lower()
        digits = re.sub(r"\D", "", text)
        nth = int(digits) if digits else _ORDINALS.get(text, 0)
        if not 1 <= nth <= 21:
            return None
        return self._make(m, DATE, f"{nth - 1:02d}XX", "decade")

    # -- parts of years and months, seasons -------------------------------------------------

    def _year_base(self, m: re.Match[str]) -> tuple[int | None, bool]:
        """The year a part-of expression is about, and whether the document date gave it."""
        if m.group("y"):
            return int(m.group("y")), False
        rel = _norm(m.group("rel"))
        if self.anchor is None or rel in ("that", "the previous", "the following", "the same"):
            return None, False
        offset = {"last": -1, "next": 1}.get(rel, 0)
        return self.anchor.year + offset, True

    def _month_base(self, m: re.Match[str]) -> tuple[int | None, int | None, bool]:
        if m.group("m"):
            month = _month_number(m.group("m"))
            if m.group("my"):
                return int(m.group("my")), month, False
            if self.anchor is None:
                return None, month, False
            direction = self.hints.tense_at(m.start("t"))
            return pick_year(month, 15, self.anchor, direction), month, True
        rel = _norm(m.group("mrel"))
        if self.anchor is None or rel == "that":
            return None, None, False
        offset = {"last": -1, "next": 1}.get(rel, 0)
        year, month = _add_months(self.anchor.year, self.anchor.month, offset)
        return year, month, True

    def part(self, m: re.Match[str]) -> Timex | None:
        groups = m.groupdict()
        part = _norm(groups.get("part") or groups.get("mod") or "")
        if m.group("y") or m.group("rel"):
            year, anchored = self._year_base(m)
            if part not in _YEAR_PARTS:
                return None
            value = None if year is None else year_part(year, part)
        else:
            if part not in _MONTH_PARTS:
                return None
            year, month, anchored = self._month_base(m)
            value = None if year is None or month is None else month_part(year, month, part)
        if m.group("y") or m.group("my"):
            self._note_year(m)
        if value is None:
            return self._make(m, DATE, None, "unresolved")
        return self._make(m, DATE, value, "relative" if anchored else "part", anchored=anchored)

    def season(self, m: re.Match[str]) -> Timex | None:
        self._note_year(m)
        value = f"{m.group('y')}-{SEASONS[m.group('s').lower()]}"
        return self._make(m, DATE, value, "season")

    def season_relative(self, m: re.Match[str]) -> Timex | None:
        if self.anchor is None:
            return self._make(m, DATE, None, "unresolved")
        code = SEASONS[m.group("s").lower()]
        year = season_year(code, self.anchor, m.group("rel").lower())
        return self._relative(m, DATE, f"{year:04d}-{code}")

    # -- dates relative to the document date ------------------------------------------------

    def deictic(self, m: re.Match[str]) -> Timex | None:
        word = _norm(m.group("w"))
        start = m.start("t")
        # "USA Today", "Russia Today": a capitalised name before a capitalised "Today".
        if word == "today" and m.group("w")[0].isupper() and start > 0:
            prev = self._prev_word_raw(start)
            if prev[:1].isupper() and self.text[start - 1] == " ":
                return None
        offset = _DEICTIC_DAYS[word]
        if self.anchor is None:
            return self._make(m, DATE, None, "unresolved")
        value = (self.anchor + timedelta(days=offset)).isoformat()
        pod = m.group("pod")
        if word == "tonight":
            value += "TNI"
        elif pod:
            value += "T" + _PART_OF_DAY[pod.lower()]
        return self._relative(m, DATE, value)

    def relative_unit(self, m: re.Match[str]) -> Timex | None:
        mod = m.group("mod").lower()
        unit = m.group("u").lower()
        if m.group("the") or mod == "that":
            return self._the_relative_unit(m, mod, unit)
        if unit == "day":  # "the very last day", "to this day": not a calendar day
            return None
        if self.anchor is None:
            return self._make(m, DATE, None, "unresolved")
        offset = _MOD_OFFSET[mod]
        if unit in _PART_OF_DAY:
            day = self.anchor + timedelta(days=offset)
            return self._relative(m, DATE, f"{day.isoformat()}T{_PART_OF_DAY[unit]}")
        if unit == "weekend":
            return self._relative(m, DATE, shift(self.anchor, offset, "week") + "-WE")
        return self._relative(m, DATE, shift(self.anchor, offset, unit))

    def _the_relative_unit(self, m: re.Match[str], mod: str, unit: str) -> Timex | None:
        """ "the past year" measures time; "the next day", "that year" point into the story."""
        if self.text.startswith(" of", m.end("t")):  # "the last week of March"
            return None
        if mod in ("past", "last", "next", "coming") and unit in _UNITS:
            if unit == "day":
                return self._make(m, DATE, None, "unresolved")
            return self._make(m, DURATION, duration_value(1, unit), "duration")
        if mod == "current" and unit in ("week", "month", "year", "decade", "century"):
            if self.anchor is None:
                return self._make(m, DATE, None, "unresolved")
            return self._relative(m, DATE, shift(self.anchor, 0, unit))
        if unit in _PART_OF_DAY and mod != "that":
            return None
        return self._make(m, DATE, None, "unresolved")

    def weekday(self, m: re.Match[str]) -> Timex | None:
        start = m.start("t")
        mod = (m.group("mod") or "").lower()
        if not mod:
            prev = self._prev_word_raw(start)
            if prev[:1].isupper() and prev.lower() not in _WEEKDAY_OPENERS:
                return None  # "Black Friday", "Super Tuesday", "Palm Sunday"
            if not m.group("pod") and self.hints.names_a_kind(start):
                return None
        if self.anchor is None:
            return self._make(m, DATE, None, "unresolved")
        direction = self.hints.tense_at(start)
        day = pick_weekday(WEEKDAYS[m.group("wd").lower()], self.anchor, mod, direction)
        value = day.isoformat()
        if m.group("pod"):
            value += "T" + _PART_OF_DAY[m.group("pod").lower()]
        if mod:
            return self._relative(m, DATE, value)
        return self._make(m, DATE, value, "guessed", anchored=True)

    def ago(self, m: re.Match[str]) -> Timex | None:
        unit = _unit(m.group("u"))
        raw = m.group("n")
        n = _number(raw) if raw else None
        sign = -1 if m.group("dir").lower() == "ago" else 1
        if n is None:
            # "years ago", "several decades ago": far back, but how far is not said.
            if sign < 0:
                return self._make(m, REF, PAST_REF, "ref")
            return self._make(m, REF, FUTURE_REF, "ref")
        if self.anchor is None or n != int(n):
            return self._make(m, DATE, None, "unresolved")
        return self._relative(m, DATE, shift(self.anchor, sign * int(n), unit))

    def narrative_offset(self, m: re.Match[str]) -> Timex | None:
        """ "two years later": a date counted from an event we do not resolve."""
        return self._make(m, DATE, None, "unresolved")

    # -- durations and sets ----------------------------------------------------------------

    def duration(self, m: re.Match[str]) -> Timex | None:
        raw = _norm(m.group("n"))
        unit = _unit(m.group("u"))
        start, end = m.span("t")
        if unit == "second" and not m.group("u").lower().endswith("s"):
            return None  # "a second time", "the second"
        if _AGE_AFTER.match(self.text, end):
            return None  # ages are not on the calendar
        if raw in ("a", "an", "one", "some") and not self._measure_context(m):
            return None
        n = _number(raw)
        if n is not None and (m.group("h1") or m.group("h2")):
            n += 0.5
        conf = "vague" if n is None else "duration"
        return Timex(start, end, DURATION, duration_value(n, unit), False, _CONF[conf])

    def _measure_context(self, m: re.Match[str]) -> bool:
        if m.group("the") or "-" in m.group("gap"):
            return True
        if _LONG_AFTER.match(self.text, m.end("t")):
            return True
        return self._prev_word(m.start("t")) in _DURATION_CUES

    def bare_units(self, m: re.Match[str]) -> Timex | None:
        return self._make(m, DURATION, duration_value(None, _unit(m.group("t"))), "vague")

    def every(self, m: re.Match[str]) -> Timex | None:
        low = m.group("u").lower()
        value: str | None
        if low in WEEKDAYS:
            value = f"XXXX-WXX-{WEEKDAYS[low] + 1}"
        elif low in SEASONS:
            value = f"XXXX-{SEASONS[low]}"
        elif low in _PART_OF_DAY:
            value = f"XXXX-XX-XXT{_PART_OF_DAY[low]}"
        elif low == "weekend":
            value = "XXXX-WXX-WE"
        else:
            value = self._every_unit(m, _unit(low))
        if value is None:
            return None
        return self._make(m, SET, value, "set")

    def _every_unit(self, m: re.Match[str], unit: str) -> str | None:
        """ "every year" → P1Y, "every other week" → P2W, "every few days" → PXD."""
        step: float | None = 2 if m.group("other") else 1
        if m.group("n"):
            n = _number(m.group("n"))
            if n is not None and n != int(n):
                return None
            step = None if n is None else int(n) * (step or 1)
        return duration_value(step, unit)

    def frequency(self, m: re.Match[str]) -> Timex | None:
        return self._make(m, SET, duration_value(1, _unit(m.group("u"))), "set")

    def annually(self, m: re.Match[str]) -> Timex | None:
        return self._make(m, SET, "P1Y", "set")

    # -- references ------------------------------------------------------------------------

    def ref(self, value: str) -> Handler:
        def handle(m: re.Match[str]) -> Timex | None:
            return self._make(m, REF, value, "ref")

        return handle

    def adverb_ref(self, m: re.Match[str]) -> Timex | None:
        if not self.hints.is_adverb(m.start("t")):
            return None
        value = PRESENT_REF if m.group("now") else PAST_REF
        return self._make(m, REF, value, "ref_weak")

    def that_time(self, m: re.Match[str]) -> Timex | None:
        return self._make(m, REF, PAST_REF, "ref_weak")

    # -- the rule table --------------------------------------------------------------------

    def rules(self) -> Iterator[tuple[re.Pattern[str], Handler]]:
        yield _FULL_DMY, self.full_date
        yield _FULL_MDY, self.full_date
        yield _DAY_MONTH, self.day_month
        yield _MONTH_DAY, self.day_month
        yield _ISO_DATE, self.iso_date
        yield _NUMERIC_DATE, self.numeric_date
        yield _MONTH_YEAR, self.month_year
        yield _MONTH_RANGE, self.month_range
        yield _MONTH_PREP, self.month_alone
        yield _MONTH_MOD, self.month_alone
        yield _THE_YEAR, self.the_year
        yield _YEAR_RANGE, self.year_range
        yield _YEAR_RANGE_WORDS, self.year_range
        yield _DECADE, self.decade
        yield _CENTURY, self.century
        yield _PART_OF, self.part
        yield _PART_PREFIX, self.part
        yield _SEASON_YEAR, self.season
        yield _SEASON_REL, self.season_relative
        yield _DEICTIC, self.deictic
        yield _REL_UNIT, self.relative_unit
        yield _WEEKDAY_RE, self.weekday
        yield _AGO, self.ago
        yield _NARRATIVE, self.narrative_offset
        yield _DURATION_RE, self.duration
        yield _BARE_UNITS, self.bare_units
        yield _EVERY, self.every
        yield _FREQUENCY, self.frequency
        yield _ANNUALLY, self.annually
        for pattern, value in _REF_RES:
            yield pattern, self.ref(value)
        yield _ADVERB_REFS, self.adverb_ref
        yield _THAT_TIME, self.that_time
        # Bare years last: they may join a list of years accepted above ("in 2014 and 2015").
        yield _BARE_YEAR, self.bare_year


_ORDINALS = {
    w: i
    for i, w in enumerate(
        _words(
            "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
            "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth "
            "twentieth twenty-first"
        ),
        start=1,
    )
}
_DEICTIC_DAYS = {
    "today": 0,
    "tonight": 0,
    "yesterday": -1,
    "tomorrow": 1,
    "the day before yesterday": -2,
    "the day after tomorrow": 2,
}
_MOD_OFFSET = {
    "this": 0,
    "current": 0,
    "last": -1,
    "past": -1,
    "previous": -1,
    "next": 1,
    "coming": 1,
    "following": 1,
}
_COORD = re.compile(r",?\s*(?:,|and|or|&|to)\s*")
_AGE_AFTER = re.compile(rf"(?:{_S}|-)(?i:old|of{_S}age)\b")
_LONG_AFTER = re.compile(rf"(?:{_S}|-)(?i:long)\b")

_FULL_DMY = re.compile(
    rf"{_START}(?P<t>{_WD_PREFIX}(?:(?i:the){_S})?(?P<d>{_DAY}){_S}(?:(?i:of){_S})?"
    rf"(?P<m>{_MONTH}),?{_S}(?P<y>{_YEAR}))"
)
_FULL_MDY = re.compile(
    rf"{_START}(?P<t>{_WD_PREFIX}(?P<m>{_MONTH}){_S}(?P<d>{_DAY}),?{_S}(?P<y>{_YEAR}))"
)
_DAY_MONTH = re.compile(
    rf"{_START}(?P<t>{_WD_PREFIX}(?:(?i:the){_S})?(?P<d>{_DAY}){_S}(?:(?i:of){_S})?"
    rf"(?P<m>{_MONTH}))"
)
_MONTH_DAY = re.compile(rf"{_START}(?P<t>{_WD_PREFIX}(?P<m>{_MONTH}){_S}(?P<d>{_DAY}))")
_ISO_DATE = re.compile(
    rf"{_START}(?P<t>(?P<y>{_YEAR})(?P<sep>[-/])(?P<mo>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}))"
    r"(?![\w-]|[.,/]\d)"
)
_NUMERIC_DATE = re.compile(
    rf"{_START}(?P<t>(?P<a>\d{{1,2}})(?P<sep>[./])(?P<b>\d{{1,2}})(?P=sep)(?P<y>{_YEAR}))"
    r"(?![\w-]|[.,/]\d)"
)
_MONTH_YEAR = re.compile(
    rf"{_START}(?P<t>(?P<m>{_MONTH}),?{_S}(?:(?i:of){_S})?(?P<y>{_YEAR}))(?![\w%-])"
)
_MONTH_RANGE = re.compile(
    rf"{_START}(?P<t>(?P<m1>{_MONTH_FULL})(?:{_S}(?P<y1>{_YEAR}))?"
    rf"(?:[^\S\n]?[-–—][^\S\n]?|{_S}(?i:to|through|until|and){_S})"
    rf"(?P<m2>{_MONTH_FULL}),?{_S}(?P<y>{_YEAR}))"
)
_MONTH_PREP = re.compile(
    rf"{_START}(?P<prep>(?i:in|since|by|until|till|through|during|before|after|from)){_S}"
    rf"(?P<t>(?P<m>{_MONTH_FULL}))(?![\w-])(?!{_S}(?:\d|{_MONTH_FULL}))"
)
_MONTH_MOD = re.compile(
    rf"{_START}(?P<t>(?P<mod>(?i:last|next|this|coming|past)){_S}(?P<m>{_MONTH_FULL}))"
    rf"(?![\w-])(?!{_S}\d)"
)
_THE_YEAR = re.compile(rf"{_START}(?P<t>(?i:the){_S}(?i:year){_S}(?P<y>{_YEAR}))(?![\w%-])")
_YEAR_RANGE = re.compile(
    rf"{_START}(?P<t>(?P<y1>{_YEAR})[^\S\n]?[-–—/][^\S\n]?(?P<y2>{_YEAR}|\d{{2}}(?!\d)))"
    r"(?![\w%-]|[.,/]\d)"
)
_YEAR_RANGE_WORDS = re.compile(
    rf"{_START}(?i:from|between){_S}(?P<t>(?P<y1>{_YEAR}){_S}(?i:to|until|till|through|and)"
    rf"{_S}(?P<y2>{_YEAR}))(?![\w%-])"
)
_DECADE = re.compile(
    rf"{_START}(?P<t>(?:(?i:the){_S})?(?P<y>1\d{{2}}0|20\d0)['’]?s"
    rf"|(?i:the){_S}['’]?(?P<yy>[1-9]0)['’]?s"
    rf"|(?i:the){_S}(?:(?i:nineteen)[\s-])?(?P<w>(?i:sixties|seventies|eighties|nineties)))"
    rf"{_END}"
)
_CENTURY = re.compile(
    rf"{_START}(?P<t>(?i:the){_S}(?P<c>\d{{1,2}}(?:st|nd|rd|th)|(?i:twenty-first|first|second"
    rf"|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|thirteenth"
    rf"|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth))"
    rf"[\s-](?i:century))\b"
)
_YEAR_BASE = (
    rf"(?:(?:(?i:the){_S}(?i:year){_S})?(?P<y>{_YEAR})"
    rf"|(?P<rel>(?i:this|last|next|that|the{_S}current|the{_S}previous|the{_S}following"
    rf"|the{_S}same|the)){_S}(?i:year)(?!{_S}\d))"
)
_MONTH_BASE = (
    rf"(?:(?P<m>{_MONTH_FULL})(?:,?{_S}(?P<my>{_YEAR}))?"
    rf"|(?P<mrel>(?i:this|last|next|that|the)){_S}(?i:month))"
)
_PART_OF = re.compile(
    rf"{_START}(?P<t>(?:(?i:the){_S})?(?P<part>(?i:beginning|start|outset|middle|end|close"
    rf"|(?:first|second|latter){_S}half|(?:first|second|third|fourth|final|last){_S}quarter"
    rf"|(?:early|latter|later){_S}part)){_S}(?i:of){_S}(?:{_YEAR_BASE}|{_MONTH_BASE}))"
    rf"(?![\w%-])"
)
_PART_PREFIX = re.compile(
    rf"{_START}(?P<t>(?P<mod>(?i:early|late|mid))(?:-|{_S})(?:{_YEAR_BASE}|{_MONTH_BASE}))"
    rf"(?![\w%-])"
)
_SEASON_YEAR = re.compile(
    rf"{_START}(?P<t>(?:(?i:the){_S})?(?:(?i:early|late|mid)(?:{_S}|-))?(?P<s>{_SEASON})"
    rf"(?:{_S}(?i:of))?,?{_S}(?P<y>{_YEAR}))(?![\w%-])"
)
_SEASON_REL = re.compile(
    rf"{_START}(?P<t>(?P<rel>(?i:this|last|next|past|coming)){_S}(?P<s>{_SEASON})){_END}"
)
_DEICTIC = re.compile(
    rf"{_START}(?P<t>(?P<w>(?i:the{_S}day{_S}before{_S}yesterday"
    rf"|the{_S}day{_S}after{_S}tomorrow|today|tonight|yesterday|tomorrow))"
    rf"(?:{_S}(?P<pod>{_POD}))?){_END}"
)
_REL_UNIT = re.compile(
    rf"{_START}(?P<t>(?P<the>(?i:the){_S})?(?P<mod>(?i:this|last|next|past|coming|previous"
    rf"|following|current|that)){_S}(?P<u>(?i:day|week|weekend|month|year|decade|century"
    rf"|morning|afternoon|evening|night))){_END}"
)
_WEEKDAY_RE = re.compile(
    rf"{_START}(?P<t>(?:(?P<mod>(?i:last|next|this|coming|past)){_S})?(?P<wd>{_WEEKDAY})"
    rf"(?:{_S}(?P<pod>{_POD}))?){_END}"
)
_AGO = re.compile(
    rf"{_START}(?P<t>(?:(?P<n>{_NUM})(?:{_S}|-))?(?P<u>{_UNIT}){_S}"
    rf"(?P<dir>(?i:ago|from{_S}now))){_END}"
)
_NARRATIVE = re.compile(
    rf"{_START}(?P<t>(?P<n>{_NUM}){_S}(?P<u>{_UNIT}){_S}(?i:later|earlier|afterwards?)){_END}"
)
_DURATION_RE = re.compile(
    rf"{_START}(?P<t>(?P<the>(?i:the){_S}(?i:past|last|next|coming|previous|following|first"
    rf"|final|entire|whole|full){_S})?(?P<n>{_NUM})(?P<h1>{_HALF})?(?P<gap>{_S}|-)"
    rf"(?P<u>{_UNIT})(?P<h2>{_HALF})?){_END}"
)
_BARE_UNITS = re.compile(
    rf"{_START}(?i:for|in|over|within|after|during|lasting){_S}"
    rf"(?P<t>(?i:minutes|hours|days|weeks|months|years|decades|centuries)){_END}"
    rf"(?!{_S}(?i:ago|to{_S}come|from{_S}now)\b)"
)
_EVERY = re.compile(
    rf"{_START}(?P<t>(?i:every|each){_S}(?:(?P<other>(?i:other)){_S})?(?:(?P<n>{_NUM}){_S})?"
    rf"(?P<u>{_UNIT}|{_WEEKDAY}|{_SEASON}|{_POD}|(?i:weekend))){_END}"
)
_FREQUENCY = re.compile(
    rf"{_START}(?P<t>(?i:once|twice|thrice"
    rf"|(?:two|three|four|five|six|seven|eight|nine|ten|\d{{1,2}}){_S}times)"
    rf"{_S}(?i:a|an|per|every|each){_S}(?P<u>{_UNIT})){_END}"
)
_ANNUALLY = re.compile(rf"{_START}(?P<t>(?i:annually)){_END}")
_THAT_TIME = re.compile(
    rf"{_START}(?i:during|on|by|until|till|since|from|before|after){_S}(?P<t>(?i:that){_S}"
    rf"(?i:time)){_END}(?!{_S}(?i:of)\b)"
)
_BARE_YEAR = re.compile(rf"{_START}(?P<t>{_YEAR})(?![\w%-]|[.,:/]\d)")
_REF_RES = tuple((_phrase(pattern), value) for pattern, value in _REF_PHRASES)


def _longest_first(cluster: list[Timex]) -> list[Timex]:
    kept: list[Timex] = []
    for cand in sorted(cluster, key=lambda t: (t.start - t.end, -t.confidence, t.start)):
        if all(cand.end <= k.start or k.end <= cand.start for k in kept):
            kept.append(cand)
    return kept


def select(candidates: list[Timex]) -> list[Timex]:
    """The longest candidates that do not overlap, in text order (confidence breaks ties).

    Overlapping candidates form small clusters; choosing within each keeps this linear-ish on
    texts with thousands of expressions.
    """
    kept: list[Timex] = []
    cluster: list[Timex] = []
    cluster_end = -1
    for cand in sorted(candidates, key=lambda t: (t.start, t.end)):
        if cluster and cand.start >= cluster_end:
            kept.extend(_longest_first(cluster))
            cluster = []
        cluster_end = max(cluster_end, cand.end) if cluster else cand.end
        cluster.append(cand)
    kept.extend(_longest_first(cluster))
    return sorted(kept, key=lambda t: t.start)


def find_timexes(text: str, anchor: date | None = None, hints: Hints | None = None) -> list[Timex]:
    """Every time expression in ``text``, normalised relative to ``anchor`` (the document date)."""
    scanner = _Scanner(text, anchor, hints or Hints(text))
    found: list[Timex] = []
    for pattern, handle in scanner.rules():
        for m in pattern.finditer(text):
            timex = handle(m)
            if timex is not None and timex.end > timex.start:
                found.append(timex)
    return select(found)
