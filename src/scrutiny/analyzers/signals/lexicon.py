"""The word lists the signal rules match on, kept apart from the rules so they can be audited.

Every list is about *what is said* (harm, appeal, metaphor) or *how it is said* (reporting,
discourse formulas), never about *who* it is said of: no religion, nation, ethnicity or party
appears here, so swapping identity terms in a text cannot change a decision (tests/test_fairness.py
checks this). Entries are lower-case lemmas unless noted.
"""

from __future__ import annotations

# --------------------------------------------------------------------------- threats

# Verbs whose agent causes harm to their object: "we will crush you".
HARM_VERBS = frozenset(
    {
        "annihilate", "attack", "behead", "bomb", "burn", "crush", "destroy", "eliminate",
        "eradicate", "execute", "exterminate", "harm", "hunt", "hurt", "kill", "liquidate",
        "massacre", "murder", "punish", "slaughter", "smash", "strike", "target", "wipe",
    }
)  # fmt: skip

# Harm verbs that are also the everyday words of campaigns and markets ("we will target voters"):
# they threaten only the addressee or a class marked by its conduct.
CAMPAIGN_HARM_VERBS = frozenset({"target"})

# Verbs whose subject is the one harmed: "you will pay", "they will regret".
SUFFER_VERBS = frozenset({"pay", "regret", "suffer"})

# Objects of "face" / "pay" that make them a threat: "face the consequences", "pay a price".
HARM_NOUNS = frozenset(
    {
        "consequence", "justice", "price", "punishment", "reckoning", "retaliation",
        "retribution", "revenge", "vengeance", "wrath",
    }
)  # fmt: skip

# "the results of your actions will be severe": subject nouns and the predicate adjectives.
OUTCOME_NOUNS = frozenset(
    {"answer", "consequence", "outcome", "price", "punishment", "reaction", "response", "result"}
)
HARM_ADJECTIVES = frozenset(
    {"catastrophic", "devastating", "dire", "disastrous", "grave", "painful", "severe", "terrible"}
)

# Fixed veiled-threat formulas, as regular expressions matched case-insensitively on the sentence
# text. Each is a plain sequence with at most one bounded word slot, so matching stays linear.
THREAT_FORMULAS = (
    r"\byou(?:'ve| have) been warned\b",
    r"\byou (?:were not|weren't|wasn't|weren’t|wasn’t) warned\b",
    r"\byour days are numbered\b",
    r"\bwe know where (?:you|your \w+) lives?\b",
    r"\byou(?:'ll| will) be next\b",
    r"\byou(?:'re| are) next\b",
    r"\bwatch your back\b",
    r"\byou(?:'ll| will) (?:find out|see|learn) what happens\b",
)


# --------------------------------------------------------------------------- calls to action

# Appeal verbs with a first-person subject: "we urge X to", "we call on X", "we demand that".
URGE_VERBS = frozenset({"appeal", "ask", "beseech", "call", "demand", "exhort", "implore", "urge"})

# Verbs of collective action that make an obligation an exhortation ("we must resist").
APPEAL_VERBS = frozenset(
    {
        "act", "boycott", "defend", "demand", "fight", "join", "march", "mobilize", "mobilise",
        "oppose", "protest", "refuse", "reject", "resist", "rise", "stand", "strike", "unite",
        "vote",
    }
)  # fmt: skip

# Verbs of state or thought: "we must be …", "we need to worry …" urge nobody to do anything.
STATIVE_VERBS = frozenset(
    {
        "accept", "admit", "appear", "be", "believe", "belong", "feel", "have", "know",
        "realise", "realize", "recognise", "recognize", "remain", "remember", "seem", "think",
        "understand", "wonder", "worry",
    }
)  # fmt: skip

# Verbs that steer the reading or the argument rather than ask for action: "Remember, …",
# "Note that …", "let's assume …", "we must return to the speech …".
DISCOURSE_VERBS = frozenset(
    {
        "acknowledge", "assume", "attention", "begin", "compare", "consider", "deal", "discuss",
        "enter", "examine", "excuse", "face", "forget", "forgive", "get", "go", "guess",
        "imagine", "keep", "know", "look", "mind", "move", "note", "notice", "pardon", "proceed",
        "put", "recall", "recap", "remember", "return", "review", "say", "see", "start", "state",
        "suppose", "talk", "tell", "think", "trust", "turn", "unpack", "wait", "watch",
    }
)  # fmt: skip

# "let us …" is discourse with these too ("let us be clear", "let us know").
DISCOURSE_LET = DISCOURSE_VERBS | {"be"}

# Site furniture: "Click here", "Subscribe", "Follow us", "Don't miss …".
BOILERPLATE_VERBS = frozenset(
    {"click", "download", "follow", "hide", "listen", "miss", "subscribe"}
)
BOILERPLATE_NOUNS = frozenset(
    {
        "article", "caption", "channel", "comment", "inbox", "insider", "interview", "link",
        "newsletter", "patron", "photo", "podcast", "post", "story", "subscriber", "update",
        "video",
    }
)  # fmt: skip

# Verbs that introduce someone else's words or thoughts: a signal under them is reported.
REPORT_VERBS = frozenset(
    {
        "add", "allege", "announce", "argue", "believe", "claim", "declare", "explain", "fear",
        "insist", "predict", "promise", "report", "say", "state", "suggest", "tell", "think",
        "threaten", "vow", "warn", "write",
    }
)  # fmt: skip

# --------------------------------------------------------------------------- dehumanisation

# Metaphor nouns (lemmas) and the kind of metaphor they make when applied to people.
METAPHORS = {
    **dict.fromkeys(
        ("cockroach", "infestation", "leech", "lice", "louse", "maggot", "parasite", "pest",
         "rat", "roach", "termite", "vermin"),
        "vermin",
    ),
    **dict.fromkeys(
        ("cancer", "contagion", "disease", "infection", "pestilence", "plague", "tumor",
         "tumour", "virus"),
        "disease",
    ),
    **dict.fromkeys(
        ("animal", "ape", "beast", "dog", "hyena", "mongrel", "pig", "snake", "swine"),
        "animal",
    ),
    **dict.fromkeys(("dirt", "filth", "garbage", "scum", "trash"), "filth"),
    **dict.fromkeys(("barbarian", "savage", "subhuman", "untermensch"), "subhuman"),
}  # fmt: skip

# Nouns that only ever name people, so any use of them as a noun is about people.
HUMAN_ONLY_METAPHORS = frozenset({"barbarian", "savage", "subhuman", "untermensch"})

# Words that mark a literal (zoological, medical, household) context for an ambiguous metaphor.
LITERAL_CONTEXT = frozenset(
    {
        "bacteria", "barn", "cage", "epidemic", "exhibit", "farm", "infect", "kitchen", "lab",
        "laboratory", "livestock", "outbreak", "sewer", "species", "vaccine", "veterinary",
        "wild", "wildlife", "zoo",
    }
)  # fmt: skip

# Common nouns that denote people or groups of people (roles, not identities).
HUMAN_NOUNS = frozenset(
    {
        "activist", "authority", "believer", "bureaucrat", "citizen", "collaborator",
        "community", "criminal", "crowd", "elite", "enemy", "fighter", "foreigner", "gang",
        "government", "immigrant", "invader", "journalist", "lawmaker", "leader", "leftist",
        "legislator", "liberal", "man", "mayor", "member", "migrant", "minister", "mob",
        "occupier", "official", "opponent", "opposition", "oppressor", "outsider", "people",
        "person", "politician", "prelate", "president", "priest", "protester", "protestor",
        "rebel", "refugee", "regime", "settler", "soldier", "thug", "traitor", "voter", "woman",
        "worker",
    }
)  # fmt: skip

HUMAN_PRONOUNS = frozenset(
    {
        "anybody", "anyone", "everybody", "everyone", "he", "her", "him", "she", "them",
        "they", "those", "us", "we", "whoever", "you",
    }
)  # fmt: skip

HUMAN_ENTITY_TYPES = frozenset({"GPE", "NORP", "ORG", "PERSON"})
# Dehumanisation is about people: an organisation or a country called "trash" is not.
PEOPLE_ENTITY_TYPES = frozenset({"NORP", "PERSON"})

# "the rest of the scum", "a pack of rats": wholes whose members a metaphor names.
COLLECTIVE_NOUNS = frozenset({"bunch", "gang", "horde", "lot", "pack", "rest", "swarm"})

# Nouns whose "that" clause carries someone's words: "a message that X will be punished".
REPORT_NOUNS = frozenset(
    {"announcement", "claim", "message", "pledge", "promise", "statement", "threat", "warning"}
)
