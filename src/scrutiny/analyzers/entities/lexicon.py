"""Word lists behind the entity rules: titles, head nouns, phrases the model mistakes for names.

Every list is small, general (not tuned to one document) and lower-case; docs/entities.md says
why each exists. Keeping them apart from the rules lets a reader audit the vocabulary in one place.
"""

from __future__ import annotations

import re


def _word_set(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated block (compact to read and audit)."""
    return frozenset(text.split())


# OntoNotes types that name things. DATE, TIME, CARDINAL, ORDINAL, QUANTITY, MONEY and PERCENT
# are values, not entities; the timex analyzer owns dates and times.
NAME_LABELS = _word_set(
    """
    PERSON NORP FAC ORG GPE LOC PRODUCT EVENT WORK_OF_ART LAW LANGUAGE
    """
)

# Honorifics and religious titles. They may stand anywhere in a name: Central Asian usage puts
# "Qori" (Qur'an reciter) and "Haji" after the given name ("Rafik Qori"), so they are never
# taken for a surname. Their presence next to name words is evidence for PERSON.
PERSON_TITLES = _word_set(
    """
    mr mister mrs ms miss mx madam madame mme sir dame dr prof professor qori qari haji hajji
    hadji sheikh shaikh shaykh sheik mullah mulla molla imam maulana mawlana maulvi mufti
    ayatollah hojatoleslam allama ustaz ustadh rabbi reverend rev pastor archbishop bishop pope
    swami
    """
)

# Titles that follow the name they belong to in Central Asian and South Asian usage.
POSTNOMINAL_TITLES = frozenset({"qori", "qari", "haji", "hajji", "hadji"})

# Office, rank and nobility titles. Only a leading run of them is a title ("President Atambayev",
# "General Mattis"); elsewhere the same word may be a surname ("Martin Luther King"), and a name
# starting with one may be an organisation ("General Motors"), so they are weak PERSON evidence.
OFFICE_TITLES = _word_set(
    """
    president vice prime minister premier chancellor senator sen congressman congresswoman
    representative rep governor gov mayor judge justice attorney secretary ambassador speaker
    chairman chairwoman deputy commissioner director chief officer detective sheriff inspector
    agent king queen prince princess emperor empress sultan emir amir lord lady father cardinal
    fr msgr hon brother sister saint st general gen colonel col lieutenant lt major maj captain
    capt sergeant sgt corporal cpl private pvt admiral adm commander marshal brigadier drummer
    comrade former late
    """
)

TITLES = PERSON_TITLES | OFFICE_TITLES

# Generation suffixes are part of how a name is written but never tell two people apart here.
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})

# Titles that tell the gender of the person they precede (for merges and pronoun links).
MASCULINE_TITLES = frozenset(
    {"mr", "mister", "sir", "lord", "king", "prince", "emperor", "sultan", "father", "brother"}
)
FEMININE_TITLES = frozenset(
    {"mrs", "ms", "miss", "madam", "madame", "mme", "dame", "lady", "queen", "princess", "sister"}
)

# Lower-case particles that join the parts of one name: "Hizb ut Tahrir", "Charles de Gaulle",
# "Osama bin Laden". They only join name words the tagger already marks as proper nouns.
NAME_PARTICLES = _word_set(
    """
    al el ul ut ud ad an ar as ash bin ibn bint de da di del della dos das du la le van von der
    den ter zu y e
    """
)

# Head nouns that type a name: (default label, labels the head is compatible with). A name whose
# head (its last word, or the word before "of") is one of these is that kind of thing whatever
# the model said, unless the model's label is already compatible ("Al-Sarakhsi Mosque" may be
# ORG or FAC).
_ORG = ("ORG", frozenset({"ORG"}))
_ORG_OR_FAC = ("ORG", frozenset({"ORG", "FAC"}))
_FAC = ("FAC", frozenset({"FAC", "ORG"}))
_LOC = ("LOC", frozenset({"LOC"}))
_GPE = ("GPE", frozenset({"GPE"}))
_GPE_OR_LOC = ("GPE", frozenset({"GPE", "LOC"}))
_ORG_OR_GPE = ("ORG", frozenset({"ORG", "GPE"}))  # "European Union", "Soviet Union"

HEAD_NOUNS: dict[str, tuple[str, frozenset[str]]] = {
    **dict.fromkeys(
        _word_set(
            """
            party ministry office administration department council committee commission agency
            bureau authority assembly parliament congress senate court tribunal bank company
            corporation corp inc ltd llc plc group association federation league alliance front
            movement organization organisation foundation institute institution university
            college academy service services army navy forces police guard brigade brigades
            battalion militia society fund board caucus coalition cabinet directorate
            secretariat schools
            """
        ),
        _ORG,
    ),
    **dict.fromkeys(
        _word_set(
            """
            mosque church synagogue temple center centre museum school hospital embassy
            consulate
            """
        ),
        _ORG_OR_FAC,
    ),
    **dict.fromkeys(
        _word_set(
            """
            airport bridge prison jail stadium arena street avenue road highway square tower
            palace hotel station cathedral monument memorial canal tunnel dam
            """
        ),
        _FAC,
    ),
    **dict.fromkeys(
        _word_set(
            """
            river sea ocean mountains valley desert gulf lake peninsula strait plateau
            """
        ),
        _LOC,
    ),
    "union": _ORG_OR_GPE,
    **dict.fromkeys(("city", "republic", "kingdom", "emirates", "county", "oblast"), _GPE),
    **dict.fromkeys(("province", "district", "region"), _GPE_OR_LOC),
}

# Words that start the name of a party or movement in transliterated Arabic, Persian and Urdu
# ("Hizb" = party, "Harakat" = movement, "Jabhat" = front, ...), so the name is an ORG even though
# its head is not an English noun.
ORG_LEAD_WORDS = _word_set(
    """
    hizb hezb harakat harakah jamaat jamiat jabhat tehreek tehrik tanzim lashkar jaish ansar
    katibat liwa
    """
)

# Lower-case nouns after or before a name that make it a place: "Nookat city", "the city of X".
PLACE_NOUNS = frozenset(
    {"city", "town", "village", "district", "province", "region", "county", "oblast", "capital"}
)

# Surname endings of transliterated Slavic, Central Asian, Caucasian and Baltic names
# ("Narymbaev", "Kamalov", "Shevchenko", "Saakashvili"). Used only for two- or three-word
# runs of capitalised proper nouns the model left untagged; place names rarely take them.
SURNAME_ENDING = re.compile(
    r"(?:ov|ova|ev|eva|yev|yeva|ovich|evich|vich|ovna|evna|enko|shvili|dze|yan|sky|ski"
    r"|skiy|skaya|baev|bayev|uly|kyzy|ovs|ovas)$",
    re.IGNORECASE,
)

# Religious exclamations and greetings: quoted speech, not names, though the small model often
# tags them PERSON. Compared after removing everything but letters ("Insha'Allah" = "inshaallah").
EXCLAMATIONS = _word_set(
    """
    allahuakbar allahakbar inshaallah inshallah inshaalah bismillah bismillahirrahmanirrahim
    alhamdulillah alhamdulilah alhamdulillahi subhanallah mashallah mashaallah astaghfirullah
    jazakallah jazakallahkhair assalamualaikum assalamualaykum salamalaikum walaikumassalam
    lailahaillallah ameen amen hallelujah alleluia hosanna shalom mazeltov
    """
)

# Transliterated religious vocabulary the model takes for names. Group nouns name a kind of
# people and become NORP; epithets (labels thrown at people) and concepts are dropped.
RELIGIOUS_GROUPS = _word_set(
    """
    mujahideen mujahidin mujahedin mujahedeen mujahid muhajireen muhajirin salafi salafis
    salafist salafists wahhabi wahhabis sufi sufis jihadi jihadis jihadist jihadists
    """
)
RELIGIOUS_TERMS = _word_set(
    """
    kuffar kafir kafirs kufr murtad murtadeen munafiqeen munafiqun taghut tawaghit mushrikeen
    mushrikin takfir jihad sharia shariah fatwa fatwas khilafah khilafa khilafat dawah hijrah
    hijra tawhid tawheed shirk fitna fitnah sunnah sunna hadith zakat halal haram hijab niqab
    burqa jizya dhimmi ummah deen taqwa salah salat
    """
)

# People nouns: a plural one heading "X of Y" names members, not the organisation
# ("Representatives of Security Forces" -> "Security Forces"), and a singular one as the
# nearest subject blocks linking "he"/"she" past it to an earlier name.
PERSON_NOUNS = _word_set(
    """
    member representative speaker deputy leader official head chief employee supporter fighter
    soldier officer agent minister spokesman spokeswoman spokesperson delegate senator lawmaker
    activist student citizen resident worker president director judge lawyer prosecutor man
    woman boy girl person father mother son daughter brother sister wife husband imam policeman
    victim suspect author writer journalist reporter analyst expert attacker gunman chairman
    governor mayor candidate priest king queen prince teacher doctor witness colleague friend
    founder commander informant assailant shooter perpetrator defendant plaintiff detainee
    prisoner inmate immigrant refugee migrant protester veteran cop sheriff pastor cleric bishop
    rabbi volunteer employer owner driver passenger child baby patient nurse guard
    """
)

# Prepositions before a name that make it a place ("in Bluefield"), which keeps a name that is
# also someone's surname from being re-typed PERSON.
LOCATIVE_PREPOSITIONS = frozenset(
    {"in", "at", "into", "near", "across", "throughout", "within", "inside", "outside"}
)

# Words before a quoted single word that mark it as a label being mentioned, not a name used:
# 'calls them "Kuffar"', 'branded "traitors"'.
LABELLING_WORDS = frozenset(
    {"as", "called", "calls", "call", "calling", "branded", "labelled", "labeled", "term", "word"}
)


# Common given names that are strongly one gender (English-language news plus frequent
# international names). Used only to stop "he" linking to "Katie Hill" or "she" to "Paul
# Manafort"; never to type or merge names. Unisex names (Kim, Jordan, Taylor, ...) are left out.
FEMININE_NAMES = _word_set(
    """
    abigail ada agnes aisha alexandra alice alicia alison amanda amber amelia amy ana andrea angela
    angelina ann anna anne annie barbara betsy betty beverly brenda brittany camila carla carmen
    carol caroline carolyn catherine charlotte cheryl christina christine cindy claire clara
    claudia cynthia daniela danielle deanna deborah debra denise diana diane donna doris dorothy
    elena elizabeth ella ellen emily emma erin eva evelyn fatima fiona florence frances gabriela
    gina grace hannah heather helen hillary ilhan irene isabel isabella jacqueline jane janet
    janice jean jeanne jennifer jessica jill joan joanna joyce judith judy julia julie karen
    katherine kathleen kathryn kathy katie kayla kelly kimberly kirsten kristine laura lauren
    leah leeann linda lindsay lisa lois lori louise lucy lydia lynn lynne madeleine margaret
    maria marie marilyn marine martha mary megan melania melissa michelle mildred nadia nancy
    natalia natalie nicole nikki nina olga olivia pamela patricia patti paula pauline peggy
    rachel rebecca rita rose rosemary ruth samantha sandra sara sarah sharon sheila shirley
    sofia sophia sophie stephanie susan suzanne svetlana tamara tamika teresa theresa tiffany
    tina tulsi ursula valerie vanessa veronica victoria virginia wendy yulia yvonne zainab
    """
)
MASCULINE_NAMES = _word_set(
    """
    aaron abdullah abraham adam adrian ahmad ahmed al alan albert alexander alexei ali andrew
    andy anthony antonio arthur barack ben benjamin bernard bernie bill bob boris brandon brett
    brian bruce carl carlos charles chris christopher chuck clarence colin craig dan daniel
    danny david dennis devin dmitry donald douglas dylan edward elijah eric ernest evan
    frank fred gary george gerald gordon greg gregory harold harry henry hugh ibrahim igor ivan
    jack jacob james jason jeff jeffrey jeremy jerry jesse jim jimmy joe joel john johnny
    jonathan jose joseph josh joshua juan julian justin keith ken kenneth kevin khalid larry
    lawrence lee louis malcolm marco mark martin matt matthew michael mike mitch mohammad
    mohammed muhammad nathan neil nicholas nick nikolas omar oscar otto patrick paul peter
    philip ralph rand randy raymond richard rick robert roger ronald roy rudy
    russell ryan sam samuel scott sean sergei sergey stephen steve steven ted terry thomas tim
    timothy todd tom tony travis victor vincent vladimir walter wayne william yusuf
    """
)

# Short forms of given names, so "Tom Weinandy" and "Thomas Weinandy" are one person.
NICKNAMES: dict[str, str] = {
    short: full
    for full, shorts in {
        "thomas": "tom tommy",
        "william": "bill billy will willie",
        "robert": "bob bobby rob robbie bert",
        "richard": "dick rick ricky rich",
        "michael": "mike mikey mick",
        "james": "jim jimmy jamie",
        "john": "jack johnny",
        "joseph": "joe joey",
        "charles": "charlie chuck",
        "edward": "ed eddie ted teddy ned",
        "anthony": "tony",
        "daniel": "dan danny",
        "david": "dave davey",
        "steven": "steve",
        "stephen": "steve",
        "christopher": "chris",
        "matthew": "matt",
        "nicholas": "nick nicky",
        "benjamin": "ben benny",
        "samuel": "sam sammy",
        "alexander": "alex",
        "andrew": "andy drew",
        "donald": "don donnie",
        "ronald": "ron ronnie",
        "gerald": "gerry jerry",
        "lawrence": "larry",
        "kenneth": "ken kenny",
        "timothy": "tim timmy",
        "patrick": "pat paddy",
        "elizabeth": "liz lizzie beth betsy betty eliza",
        "margaret": "maggie meg peggy",
        "katherine": "kate katie kathy",
        "catherine": "cathy kate",
        "jennifer": "jen jenny",
        "rebecca": "becky",
        "patricia": "pat patty patti trish",
        "susan": "sue susie",
        "deborah": "debbie deb",
        "douglas": "doug",
        "gregory": "greg",
        "jeffrey": "jeff",
        "joshua": "josh",
        "raymond": "ray",
        "frederick": "fred",
        "leonard": "len leo",
        "victoria": "vicky",
        "hillary": "hilly",
    }.items()
    for short in shorts.split()
}
