"""Identity terms (religions, believers, countries, nationalities, ethnic groups) and their masking.

A model that reads "Muslims" differently from "Christians" learns the prejudice of its training
data. Models that must not do so read text through :func:`mask`: every identity term becomes a
fixed placeholder of its class (``Qreligion``, ``Qbelievers``, ``Qcountry`` ...), so swapping one
term for another of the same class yields the *same* masked text, hence the same features and the
same predictions. :class:`Masked` maps offsets between the masked and the original text exactly.

:data:`SWAP_GROUPS` exports the classes as lists of interchangeable terms, so fairness tests can
swap exactly the terms the masking promises to neutralise.

Matching is by whole words, case-insensitive, except for a few terms that are also common words
("Turkey", "Chad", "Jordan" ...), which must be capitalised. Scanning is one regex pass over the
words plus dictionary look-ups of up to four-word names: linear in the text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["CLASSES", "SWAP_GROUPS", "Masked", "find_terms", "mask"]

_RELIGIONS = (
    "Islam Christianity Judaism Hinduism Buddhism Sikhism Catholicism Protestantism Mormonism "
    "Shinto Taoism Jainism Zoroastrianism Atheism"
).split()
# Singular adherents and the religions' adjectives: "a Muslim", "the Jewish community".
_RELIGIOUS = (
    "Muslim Moslem Islamic Christian Jew Jewish Judaic Hindu Buddhist Sikh Catholic Protestant "
    "Evangelical Mormon Shia Shiite Sunni Atheist"
).split()
_BELIEVERS = (
    "Muslims Moslems Christians Jews Hindus Buddhists Sikhs Catholics Protestants Evangelicals "
    "Mormons Shias Shiites Sunnis Atheists"
).split()
_COUNTRIES = """
Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|Azerbaijan|Bahamas|
Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|Bosnia|
Bosnia and Herzegovina|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|
Canada|Chad|Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czechia|
Czech Republic|Denmark|Djibouti|Dominica|Dominican Republic|Ecuador|Egypt|El Salvador|England|
Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|Gabon|Gambia|Georgia|Germany|Ghana|
Great Britain|Britain|Greece|Grenada|Guatemala|Guinea|Guyana|Haiti|Honduras|Hungary|Iceland|India|
Indonesia|Iran|Iraq|Ireland|Israel|Italy|Ivory Coast|Jamaica|Japan|Jordan|Kazakhstan|Kenya|
Kiribati|Korea|North Korea|South Korea|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|
Liberia|Libya|Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|
Mauritania|Mauritius|Mexico|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Burma|
Namibia|Nauru|Nepal|Netherlands|Holland|New Zealand|Nicaragua|Niger|Nigeria|North Macedonia|
Macedonia|Norway|Oman|Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|
Poland|Portugal|Qatar|Romania|Russia|Rwanda|Samoa|San Marino|Saudi Arabia|Scotland|Senegal|Serbia|
Seychelles|Sierra Leone|Singapore|Slovakia|Slovenia|Somalia|South Africa|South Sudan|Spain|
Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Tibet|Togo|
Tonga|Trinidad and Tobago|Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|
United Arab Emirates|United Kingdom|United States|United States of America|America|Uruguay|
Uzbekistan|Vanuatu|Vatican|Venezuela|Vietnam|Wales|Yemen|Zambia|Zimbabwe|USA|UK|U.S.|U.S.A.|U.K.
"""
# Singular demonyms and adjectives, with the ethnic groups that are named the same way.
_NATIONALITIES = """
Afghan|Albanian|Algerian|American|Angolan|Argentine|Argentinian|Armenian|Australian|Austrian|
Azerbaijani|Azeri|Bahraini|Bangladeshi|Belarusian|Belgian|Bolivian|Bosnian|Brazilian|British|
Bulgarian|Burmese|Cambodian|Cameroonian|Canadian|Chadian|Chilean|Chinese|Colombian|Congolese|
Croatian|Croat|Cuban|Cypriot|Czech|Danish|Dane|Dutch|Ecuadorian|Egyptian|English|Eritrean|
Estonian|Ethiopian|Filipino|Finnish|Finn|French|Georgian|German|Ghanaian|Greek|Guatemalan|
Haitian|Honduran|Hungarian|Icelandic|Indian|Indonesian|Iranian|Iraqi|Irish|Israeli|Italian|
Jamaican|Japanese|Jordanian|Kazakh|Kenyan|Korean|Kosovar|Kuwaiti|Kyrgyz|Laotian|Latvian|
Lebanese|Liberian|Libyan|Lithuanian|Macedonian|Malaysian|Malian|Maltese|Mexican|Moldovan|
Mongolian|Montenegrin|Moroccan|Mozambican|Namibian|Nepalese|Nepali|Nicaraguan|Nigerian|
Norwegian|Omani|Pakistani|Palestinian|Panamanian|Paraguayan|Peruvian|Polish|Pole|Portuguese|
Qatari|Romanian|Russian|Rwandan|Saudi|Scottish|Scot|Senegalese|Serbian|Serb|Singaporean|
Slovak|Slovenian|Somali|Spanish|Sri Lankan|Sudanese|Swedish|Swede|Swiss|Syrian|Taiwanese|Tajik|
Tanzanian|Thai|Tibetan|Tunisian|Turkish|Turk|Turkmen|Ugandan|Ukrainian|Uruguayan|Uzbek|
Venezuelan|Vietnamese|Welsh|Yemeni|Zambian|Zimbabwean|Emirati|Kiwi|
Arab|Arabian|Kurd|Kurdish|Hispanic|Latino|Latina|Asian|African|European|Slav|Slavic|Uyghur|
Uighur|Chechen|Persian|Pashtun|Tatar|Baloch|Bengali|Punjabi|Tamil|Hutu|Tutsi|Berber|Bedouin|
Roma|Romani|Gypsy|Aboriginal|Maori|Sami|Yazidi|Rohingya|Druze|Copt|Coptic
"""
# A few terms are also everyday words in lower case ("turkey", "chad", "polish").
_CASE_SENSITIVE = frozenset(
    "Turkey Chad Jordan Georgia China Japan Polish Guinea Niger Oman Mali Roma Pole Dane Finn Scot "
    "Turk Kiwi Gypsy Sami Cuba Malta Dominica Grenada Tonga Samoa Wales".split()
)
# The plural of a demonym is its singular with "s", except for these endings ("the Swiss").
_NO_PLURAL = ("ese", "sh", "ch", "ss", "s", "i", "z", "Roma", "Romani", "Rohingya", "Druze")


def _split(block: str) -> list[str]:
    return [t.strip() for t in block.replace("\n", "").split("|") if t.strip()]


def _plurals(singulars: list[str]) -> list[str]:
    out = [w + "s" for w in singulars if not w.endswith(_NO_PLURAL) and " " not in w]
    # Irregular plurals that appear in news text.
    return [*out, "Frenchmen", "Englishmen", "Scotsmen", "Welshmen", "Gypsies", "Pakistanis",
            "Iraqis", "Israelis", "Saudis", "Somalis", "Kuwaitis", "Qataris", "Omanis", "Yemenis",
            "Bangladeshis", "Azerbaijanis", "Bahrainis", "Emiratis", "Nepalis", "Thais", "Azeris",
            "Yazidis"]  # fmt: skip


#: Placeholder of each class -> the terms it stands for. Placeholders are capitalised words that
#: no English text contains, so they neither collide with real words nor look like acronyms.
CLASSES: dict[str, tuple[str, ...]] = {
    "Qreligion": tuple(_RELIGIONS),
    "Qreligious": tuple(_RELIGIOUS),
    "Qbelievers": tuple(_BELIEVERS),
    "Qcountry": tuple(_split(_COUNTRIES)),
    "Qnationality": tuple(_split(_NATIONALITIES)),
    "Qnationals": tuple(_plurals(_split(_NATIONALITIES))),
}

#: Interchangeable terms, one group per class: swapping any two terms of a group (everywhere in a
#: text, same capitalisation) leaves the masked text unchanged.
SWAP_GROUPS: tuple[tuple[str, ...], ...] = tuple(CLASSES.values())

_MAX_WORDS = 4
_WORD = re.compile(r"[^\W\d_]+")
# Dotted abbreviations are not words to the scanner above, so they get their own (short) pattern.
_DOTTED = re.compile(r"(?<![\w.])(?:U\.S\.A\.|U\.S\.|U\.K\.)")


def _lexicon() -> tuple[dict[tuple[str, ...], str], dict[tuple[str, ...], str]]:
    """(lower-cased word tuple -> class, exact word tuple -> class for case-sensitive terms)."""
    folded: dict[tuple[str, ...], str] = {}
    exact: dict[tuple[str, ...], str] = {}
    for placeholder, terms in CLASSES.items():
        for term in terms:
            if "." in term:
                continue
            key = tuple(_WORD.findall(term))
            if term in _CASE_SENSITIVE:
                exact[key] = placeholder
                exact[tuple(w.upper() for w in key)] = placeholder
            else:
                folded[tuple(w.lower() for w in key)] = placeholder
    return folded, exact


_FOLDED, _EXACT = _lexicon()
# Lower-cased first words of all terms: most words start none, and one set look-up rules them out.
_FIRST_WORDS = frozenset(key[0].lower() for key in (*_FOLDED, *_EXACT))


def _joined_by_one_space(text: str, words: list[re.Match[str]], i: int, n: int) -> bool:
    # "Saudi Arabia" and "Saudi-Arabia", but not "Saudi\n\nArabia" across a paragraph.
    return all(
        text[words[k].end() : words[k + 1].start()] in (" ", "-") for k in range(i, i + n - 1)
    )


def find_terms(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, placeholder) of every identity term in ``text``, in order, not overlapping."""
    found: list[tuple[int, int, str]] = [
        (m.start(), m.end(), "Qcountry") for m in _DOTTED.finditer(text)
    ]
    words = list(_WORD.finditer(text))
    i = 0
    while i < len(words):
        if words[i].group().lower() not in _FIRST_WORDS:
            i += 1
            continue
        hit = None
        for n in range(min(_MAX_WORDS, len(words) - i), 0, -1):
            if n > 1 and not _joined_by_one_space(text, words, i, n):
                continue
            key = tuple(m.group() for m in words[i : i + n])
            placeholder = _FOLDED.get(tuple(w.lower() for w in key)) or _EXACT.get(key)
            if placeholder is not None:
                hit = (words[i].start(), words[i + n - 1].end(), placeholder, n)
                break
        if hit is None:
            i += 1
            continue
        start, end, placeholder, n = hit
        # A word glued to a preceding digit or underscore ("2Russia") is not a name.
        if start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_"):
            found.append((start, end, placeholder))
        i += n
    found.sort()
    last_end = -1
    for start, end, placeholder in found:
        if start >= last_end:
            yield start, end, placeholder
            last_end = end


def _cased(placeholder: str, original: str) -> str:
    # Capitals carry signal (shouted words are loaded), so the placeholder keeps the casing.
    if original.isupper() and len(original) > 1 and not _DOTTED.fullmatch(original):
        return placeholder.upper()
    if original[:1].islower():
        return placeholder.lower()
    return placeholder


@dataclass(frozen=True, slots=True)
class Masked:
    """A text with identity terms replaced, and the exact offset maps both ways.

    ``pieces`` lists, in order, (original start, original end, masked start, masked end) of each
    replacement. Outside replacements the two texts agree character for character.
    """

    original: str
    text: str
    pieces: tuple[tuple[int, int, int, int], ...]
    # The pieces' starts on each side, for binary search (offsets are mapped once per span).
    _starts: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())

    def to_original(self, pos: int, *, end: bool = False) -> int:
        """The original offset of masked offset ``pos``; inside a placeholder, its edge."""
        return self._map(pos, end=end, src=2)

    def to_masked(self, pos: int, *, end: bool = False) -> int:
        """The masked offset of original offset ``pos``; inside a term, its placeholder's edge."""
        return self._map(pos, end=end, src=0)

    def _map(self, pos: int, *, end: bool, src: int) -> int:
        dst = 2 - src
        k = bisect_right(self._starts[src // 2], pos) - 1
        if k < 0:
            return pos
        piece = self.pieces[k]
        if pos >= piece[src + 1]:
            return piece[dst + 1] + (pos - piece[src + 1])
        if pos == piece[src]:
            return piece[dst]
        # Strictly inside a replaced term: a span start snaps back, a span end snaps forward.
        return piece[dst + 1] if end else piece[dst]


def mask(text: str) -> Masked:
    """``text`` with every identity term replaced by its class placeholder."""
    parts: list[str] = []
    pieces: list[tuple[int, int, int, int]] = []
    at = out = 0
    for start, end, placeholder in find_terms(text):
        parts.append(text[at:start])
        out += start - at
        word = _cased(placeholder, text[start:end])
        parts.append(word)
        pieces.append((start, end, out, out + len(word)))
        out += len(word)
        at = end
    parts.append(text[at:])
    starts = (tuple(p[0] for p in pieces), tuple(p[2] for p in pieces))
    return Masked(text, "".join(parts), tuple(pieces), starts)
