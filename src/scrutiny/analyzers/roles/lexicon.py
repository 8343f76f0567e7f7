"""The word lists behind the ``roles`` analyzer: which nouns are roles, and their modifiers.

WordNet is not available offline, so what counts as an office, a relation or a title is this
documented lexicon (docs/roles.md), looked up by the head noun of a role phrase. Each entry says
whether the noun can stand without an "of X" complement ("he is a senator" versus "he is a
member") and which entity types can hold it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

OFFICE, RELATION, TITLE = "office", "relation", "title"
_PERSON = frozenset({"PERSON"})
# Affiliations can hold between organisations and states too ("Russia is a member of ...").
_ANY_HOLDER = frozenset({"PERSON", "ORG", "GPE", "NORP"})


@dataclass(frozen=True, slots=True)
class RoleWord:
    """What the lexicon knows about one role noun."""

    label: str
    # May stand without an "of X" complement: "he is a senator" yes, "he is a member" no.
    bare: bool
    # Entity types that can hold it.
    holders: frozenset[str] = _PERSON


def _entries(
    words: str, label: str, *, bare: bool, holders: frozenset[str] = _PERSON
) -> Iterator[tuple[str, RoleWord]]:
    word = RoleWord(label, bare, holders)
    return ((w, word) for w in words.split())


def word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Offices that name their holder well enough on their own.
_OFFICES = """
    president premier chancellor minister senator congressman congresswoman lawmaker legislator
    governor mayor ambassador envoy consul diplomat imam mufti ayatollah mullah cleric qadi qazi
    rabbi priest pastor bishop archbishop cardinal pope patriarch caliph emir amir sultan king
    queen prince princess monarch sheikh shaykh judge justice magistrate prosecutor sheriff
    commissioner ombudsman spokesman spokeswoman spokesperson director chairman chairwoman
    chairperson commander general admiral colonel lieutenant sergeant captain marshal ceo
    president-elect vice-president secretary-general treasurer comptroller superintendent dean
    rector provost professor editor publisher counsel lawyer attorney adviser advisor aide
    councillor councilman councilwoman alderman mp viceroy emissary strategist prefect nuncio
    chaplain deacon abbot vicar
"""
# Offices too vague on their own: "he is the head" says nothing without "of the agency".
_VAGUE_OFFICES = """
    head chief chair leader member speaker secretary deputy representative official officer
    delegate administrator manager coordinator inspector owner
"""
_FAMILY = """
    son daughter father mother brother sister wife husband spouse widow widower uncle aunt nephew
    niece cousin grandson granddaughter grandfather grandmother stepson stepdaughter stepfather
    stepmother fiance fiancé fiancee fiancée girlfriend boyfriend heir
"""
_PERSONAL_TIES = "founder co-founder cofounder friend disciple student protégé protege colleague"
_AFFILIATIONS = "ally partner affiliate supporter associate follower subsidiary"
# Honorifics that are titles rather than offices; they only count before a name.
_HONORIFICS = "doctor sir lord dame reverend monsignor hajji haji sayyid"

LEXICON: dict[str, RoleWord] = dict(
    [
        *_entries(_OFFICES, OFFICE, bare=True),
        *_entries(_VAGUE_OFFICES, OFFICE, bare=False),
        *_entries(_FAMILY, RELATION, bare=False),
        *_entries(_PERSONAL_TIES, RELATION, bare=False),
        *_entries(_AFFILIATIONS, RELATION, bare=False, holders=_ANY_HOLDER),
        *_entries(_HONORIFICS, TITLE, bare=False),
    ]
)
# Abbreviated titles before names ("Sen. John McCain").
ABBREVIATIONS = {
    "sen.": "senator",
    "rep.": "representative",
    "gov.": "governor",
    "gen.": "general",
    "lt.": "lieutenant",
    "col.": "colonel",
    "capt.": "captain",
    "adm.": "admiral",
    "sgt.": "sergeant",
    "dr.": "doctor",
    "prof.": "professor",
    "rev.": "reverend",
    "pres.": "president",
    "amb.": "ambassador",
    "sec.": "secretary",
    "cmdr.": "commander",
}
# Abbreviations also written without the dot (British style: "Dr Smith", "Gen Jones").
DOTLESS = frozenset({"dr", "prof", "gen", "lt", "col", "capt", "sgt", "rev", "adm"})
# Words that narrow a role noun they precede: "Deputy Prime Minister", "chief of staff".
MODIFIERS = word_set(
    """
    deputy vice prime first chief supreme grand general attorney foreign interior home defense
    defence finance justice health education economy trade energy senior junior assistant
    associate executive managing special crown press state staff majority minority national
    security intelligence police army military party opposition campaign government cabinet
    federal district regional provincial city county court high lord co honorary permanent
    principal commanding religious spiritual secretary lieutenant major brigadier rear inspector
    surgeon solicitor
    """
)
# Objects of "of" that belong to the office's name: "secretary of state", "head of government".
FIXED_OF = frozenset(
    {"state", "staff", "defense", "defence", "government", "homeland security", "treasury"}
)
FIXED_HEADS = frozenset({"secretary", "chief", "head", "minister"})
# Party adjectives say which side a holder is on, not what the office is of ("Republican Governor").
PARTY_WORDS = frozenset(
    {"republican", "democratic", "democrat", "conservative", "liberal", "labour", "tory", "gop"}
)
# Qualifiers on the role phrase itself, and what they mean for ``when``.
QUALIFIERS = {
    "former": "former",
    "ex": "former",
    "erstwhile": "former",
    "onetime": "former",
    "one-time": "former",
    "previous": "former",
    "past": "former",
    "present": "present",
    "now": "present",
    "current": "current",
    "currently": "current",
    "sitting": "current",
    "incumbent": "current",
    "then": "then",
    "late": "late",
    "acting": "acting",
    "interim": "acting",
    "outgoing": "outgoing",
    "incoming": "incoming",
    "future": "future",
}
# Adverbs on the copula verb: "he is now president", "she was formerly minister".
VERB_QUALIFIERS = {
    "now": "present",
    "currently": "current",
    "still": "current",
    "then": "then",
    "formerly": "former",
    "previously": "former",
    "once": "former",
}


def expand(word: str) -> str:
    """The full word for a title abbreviation ("Sen." and British "Dr" without the dot)."""
    if word in ABBREVIATIONS:
        return ABBREVIATIONS[word]
    if word in DOTLESS:
        return ABBREVIATIONS[word + "."]
    return word
