"""The documented event type set and the trigger words that evoke each type.

This module owns the vocabulary of the ``event`` layer: which lemmas (verbs and event nouns) can
trigger an event, which type each one gives, and the CAMEO root code (Conflict and Mediation
Event Observations, Schrodt 2012) a type maps to where one fits. A word here only makes a
*candidate*: the analyzer keeps it when the dependency parse shows it used as an event (a
predicate verb, or a noun heading an argument phrase), so the lists can stay short and plain.
docs/events.md explains the choices.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class EventType:
    """One event type: its name, its CAMEO root (or None) and how it reads its arguments."""

    name: str
    cameo: str | None
    cameo_label: str | None
    # Who the "of" phrase of a nominal trigger (or a possessive) names: the victim of an
    # arrest ("the arrest of X") but the doer of an escape ("the escape of X").
    of_role: str = "patient"
    # Role of an intransitive verb's subject: the one who dies undergoes the event.
    subject_role: str = "agent"
    # Role of a verb's direct object, or None where the object is no participant: what is said
    # ("said Allahu Akbar") or the place left ("fled their country").
    object_role: str | None = "patient"
    # Role of a possessive where it differs from the "of" phrase: "their criticism of the
    # government" (agent, patient) against "Rombot's detention" (patient, like "of Rombot").
    poss_role: str | None = None

    @property
    def possessor_role(self) -> str:
        return self.poss_role or self.of_role


def _t(
    name: str,
    cameo: str | None,
    label: str | None,
    of_role: str = "patient",
    subj: str = "agent",
    obj: str | None = "patient",
    poss: str | None = None,
) -> EventType:
    return EventType(name, cameo, label, of_role, subj, obj, poss)


TYPES: dict[str, EventType] = {
    t.name: t
    for t in (
        _t("statement", "01", "MAKE PUBLIC STATEMENT", of_role="agent", obj=None),
        _t("denial", "01", "MAKE PUBLIC STATEMENT", of_role="agent", obj=None),
        _t("appeal", "02", "APPEAL", of_role="agent"),
        _t("meeting", "04", "CONSULT", of_role="agent"),
        _t("agreement", "05", "ENGAGE IN DIPLOMATIC COOPERATION", of_role="agent"),
        _t("praise", "05", "ENGAGE IN DIPLOMATIC COOPERATION", of_role="agent"),
        _t("release", "08", "YIELD"),
        _t("investigation", "09", "INVESTIGATE"),
        _t("demand", "10", "DEMAND", of_role="agent"),
        _t("accusation", "11", "DISAPPROVE", poss="agent"),
        _t("criticism", "11", "DISAPPROVE", poss="agent"),
        _t("rejection", "12", "REJECT"),
        _t("threat", "13", "THREATEN", of_role="agent"),
        _t("protest", "14", "PROTEST", of_role="agent"),
        _t("sanction", "16", "REDUCE RELATIONS"),
        _t("arrest", "17", "COERCE"),
        _t("repression", "17", "COERCE"),
        _t("deportation", "17", "COERCE"),
        _t("ban", "17", "COERCE"),
        _t("trial", "17", "COERCE"),
        _t("attack", "18", "ASSAULT"),
        _t("killing", "18", "ASSAULT"),
        _t("injury", "18", "ASSAULT"),
        _t("abduction", "18", "ASSAULT"),
        _t("fight", "19", "FIGHT"),
        _t("mass_killing", "20", "USE UNCONVENTIONAL MASS VIOLENCE"),
        _t("escape", None, None, of_role="agent", obj=None),
        _t("appointment", None, None),
        _t("resignation", None, None, of_role="agent"),
        _t("legislation", None, None),
        _t("corruption", None, None),
        _t("death", None, None, subj="patient"),
    )
}


def _table(spec: str) -> dict[str, str]:
    """``"type: lemma lemma ...; type: ..."`` as a lemma -> type map."""
    table: dict[str, str] = {}
    for part in spec.split(";"):
        if not part.strip():
            continue
        name, words = part.split(":")
        name = name.strip()
        if name not in TYPES:
            raise ValueError(f"unknown event type {name!r}")
        for word in words.split():
            table[word] = name
    return table


# Verbs used as predicates. Ambiguous verbs (try, call, close, release, charge, sign, pass...)
# are handled by the conditional tables below or by the analyzer, not here.
VERB_TRIGGERS: dict[str, str] = _table(
    """
    statement: say state declare announce tell claim report stress insist warn assert
        proclaim affirm admit confirm reveal testify;
    denial: deny;
    appeal: urge appeal request implore beg;
    meeting: meet visit negotiate consult;
    agreement: agree;
    praise: praise commend;
    release: release free pardon;
    investigation: investigate probe;
    demand: demand;
    accusation: accuse blame slander allege;
    criticism: criticize criticise condemn denounce;
    rejection: reject veto;
    threat: threaten;
    protest: protest demonstrate rally riot boycott;
    sanction: sanction;
    arrest: arrest detain imprison jail capture apprehend incarcerate;
    repression: oppress persecute repress torture;
    deportation: deport expel extradite;
    ban: ban outlaw prohibit censor;
    trial: convict sentence indict prosecute acquit;
    attack: attack assault bomb shoot raid beat storm;
    killing: kill murder assassinate slaughter liquidate behead lynch;
    injury: wound injure;
    abduction: abduct kidnap hijack;
    fight: fight invade clash;
    mass_killing: massacre exterminate;
    escape: escape flee;
    appointment: appoint nominate elect;
    resignation: resign;
    corruption: extort embezzle bribe;
    death: die
    """
)

# Event nouns. Nouns are weaker evidence than verbs ("the threat of war" is not a threat
# event), so the analyzer gives them lower confidence and needs a verb in the sentence.
NOUN_TRIGGERS: dict[str, str] = _table(
    """
    statement: statement declaration announcement;
    appeal: appeal plea;
    meeting: meeting talks visit summit negotiation negotiations;
    agreement: agreement treaty;
    release: release;
    investigation: investigation probe inquiry;
    demand: demand;
    accusation: accusation allegation slander;
    criticism: criticism condemnation dissatisfaction discontent outrage;
    threat: threat;
    protest: protest demonstration rally riot unrest boycott;
    sanction: sanction sanctions;
    arrest: arrest detention imprisonment capture;
    repression: oppression persecution repression crackdown torture;
    deportation: deportation expulsion extradition;
    ban: ban prohibition closure;
    trial: trial conviction prosecution indictment litigation hearing;
    attack: attack assault bombing shooting raid airstrike;
    killing: killing murder assassination execution liquidation;
    abduction: abduction kidnapping;
    fight: fighting invasion clash clashes;
    mass_killing: massacre genocide;
    escape: escape;
    appointment: appointment nomination election;
    resignation: resignation;
    corruption: extortion bribery embezzlement;
    death: death
    """
)

LAW_NOUNS = frozenset(
    "law bill act legislation amendment resolution decree ordinance statute regulation".split()
)
DEAL_NOUNS = frozenset("agreement deal treaty accord pact memorandum".split())
# Things published rather than persons set free: "released a statement".
PUBLICATION_NOUNS = frozenset(
    "statement report video footage document documents data figures photo photos letter".split()
)
CLOSABLE_NOUNS = frozenset(
    "mosque mosques church churches school schools newspaper office border".split()
)
# Closing a criminal case ends a prosecution; it bans nothing.
CASE_NOUNS = frozenset({"case", "cases", "proceedings", "investigation"})
# Objects that name people: "executed the prisoners", "removed a Guatemalan citizen".
PERSON_NOUNS = frozenset(
    """citizen citizens national nationals alien aliens immigrant immigrants migrant migrants
    refugee refugees fugitive fugitives individual individuals person persons people prisoner
    prisoners man men woman women suspect suspects""".split()
)
PERSONAL_PRONOUNS = frozenset("him her them he she they who whom".split())

# Verbs whose type depends on the object: (verb lemma, object lemmas, type).
OBJECT_TRIGGERS: tuple[tuple[str, frozenset[str], str], ...] = (
    ("pass", LAW_NOUNS, "legislation"),
    ("adopt", LAW_NOUNS, "legislation"),
    ("accept", LAW_NOUNS, "legislation"),
    ("approve", LAW_NOUNS, "legislation"),
    ("enact", LAW_NOUNS, "legislation"),
    ("sign", LAW_NOUNS, "legislation"),
    ("sign", DEAL_NOUNS, "agreement"),
    ("release", PUBLICATION_NOUNS, "statement"),
    ("issue", PUBLICATION_NOUNS, "statement"),
    ("close", CASE_NOUNS, "trial"),
    ("drop", CASE_NOUNS, "trial"),
    ("close", CLOSABLE_NOUNS, "ban"),
    ("shut", CLOSABLE_NOUNS, "ban"),
    ("open", frozenset({"fire"}), "attack"),
)

# Verbs that are events only when done to people: "executed the prisoners" but "executed the
# transaction", "was returned to Guatemala" but "returned the favour".
PERSON_OBJECT_TRIGGERS: dict[str, str] = {
    "execute": "killing",
    "hang": "killing",
    "remove": "deportation",
    "return": "deportation",
}

# Verbs that only count with a particle or preposition: "call on X to", "step down".
PARTICLE_TRIGGERS: dict[tuple[str, str], str] = {
    ("call", "on"): "appeal",
    ("call", "for"): "appeal",
    ("step", "down"): "resignation",
    ("round", "up"): "arrest",
    ("lock", "up"): "arrest",
    ("shut", "down"): "ban",
    ("crack", "down"): "repression",
    ("swear", "in"): "appointment",
}

# Verbs that need a passive to be an event: "was tried" is a trial, "tried to" is not.
# "Charged with" counts too.
PASSIVE_TRIGGERS: dict[str, str] = {"try": "trial", "charge": "trial"}

# Verbs whose object noun is the real event: "carried out an attack", "held a protest".
LIGHT_VERBS = frozenset(
    """carry conduct stage hold launch mount make commit perpetrate organize organise issue
    express voice""".split()
)

# Verbs whose subject is also the agent of the event noun they take as object: "the judge
# ordered the release", "the office is considering an appeal" (but not "suffered an attack").
AGENT_SHARING_VERBS = frozenset(
    "order consider plan seek request demand announce threaten file lodge begin start".split()
)

# An "informational attack" or a "media war" is words, not violence: the noun's type gives way
# to criticism when one of these modifies it.
VERBAL_MODIFIERS = frozenset(
    "informational information media propaganda verbal rhetorical smear ideological".split()
)
VERBAL_TYPES = frozenset({"attack", "fight", "killing"})

# Nouns naming what someone is charged with or wanted for: the crimes in "charges of homicide",
# "a warrant for attempted murder", "crimes including kidnapping" are the content of the legal
# act, not events the text narrates.
CHARGE_NOUNS = frozenset(
    """charge charges warrant warrants crime crimes offense offenses offence offences count
    counts conviction convictions suspicion allegation allegations accusation accusations
    """.split()
)
