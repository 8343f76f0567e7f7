"""Threat rules: explicit ("we will crush you"), conditional ("if you …, the results of your
actions will be severe") and veiled ("you will pay", "will give X possibilities to attack you").

A threat needs a future harm aimed at people: a harm verb with a human object, a "suffer" verb with
a human subject, or a harsh outcome for the addressee. Reporting and questions are filtered by the
caller; negated harm ("will suffer no consequences") is dropped here.
"""

from __future__ import annotations

import re

from spacy.tokens import Span as SpacySpan
from spacy.tokens import Token

from scrutiny.analyzers.signals import lexicon as lx
from scrutiny.analyzers.signals.targets import (
    SUBJECTS,
    Finding,
    children,
    conditional_clause,
    defined_by_conduct,
    has_future,
    is_first_person,
    is_human,
    is_negated,
    is_own_side,
    is_second_person,
    mentions_second_person,
    subject,
    subtree_bounds,
)

CONFIDENCE = {"explicit": 0.85, "conditional": 0.8, "veiled": 0.65, "formula": 0.7}


def find_threats(sent: SpacySpan) -> list[Finding]:
    found: list[Finding] = []
    for token in sent:
        if token.pos_ not in {"VERB", "AUX"} or is_negated(token):
            continue
        finding = _agent_harm(token) or _patient_harm(token) or _harsh_outcome(token)
        finding = finding or _enabled_harm(token)
        if finding is not None:
            found.append(_with_condition(token, finding))
    return found or _formula(sent)


def _agent_harm(verb: Token) -> Finding | None:
    """Agent harm: "we will destroy …", "our fighters will attack you"."""
    if verb.lemma_.lower() not in lx.HARM_VERBS or not has_future(verb):
        return None
    subj = subject(verb)
    if subj is None or subj.dep_ == "nsubjpass":
        return _passive_harm(verb, subj)
    obj = next(children(verb, "dobj"), None)
    ours = is_own_side(subj)
    if obj is None or not (ours or is_second_person(obj)) or not (ours or is_human(subj)):
        return None
    # "our fighters will strike the embassy" aims at people only under a condition ("… if the
    # ambassador is not expelled"); "we will destroy" anything is the author's own threat.
    if not (is_first_person(subj) or is_human(obj) or conditional_clause(verb) is not None):
        return None
    if verb.lemma_.lower() in lx.CAMPAIGN_HARM_VERBS and not is_second_person(obj):
        return None
    start, end = _clause(verb, subj)
    return _threat(start, end, "explicit", verb.text, obj, subj, "agent_harm")


def _passive_harm(verb: Token, subj: Token | None) -> Finding | None:
    """Passive harm: "you will be destroyed", "those who collaborate will be punished"."""
    if subj is None or subj.dep_ != "nsubjpass":
        return None
    if not (is_human(subj) or defined_by_conduct(subj)):
        return None
    # "voters will be targeted with ads": only a class marked by its conduct, or the addressee.
    if verb.lemma_.lower() in lx.CAMPAIGN_HARM_VERBS and not (
        defined_by_conduct(subj) or is_second_person(subj)
    ):
        return None
    start, end = _clause(verb, subj)
    return _threat(start, end, "veiled", verb.text, subj, None, "passive_harm")


def _patient_harm(verb: Token) -> Finding | None:
    """Suffering: "you will pay", "they will regret", "… will face the consequences"."""
    lemma = verb.lemma_.lower()
    if lemma not in lx.SUFFER_VERBS | {"answer", "face"} or not has_future(verb):
        return None
    # "will answer for it" is a reckoning; "will answer questions" is not.
    if lemma == "answer" and not any(c.lower_ == "for" for c in children(verb, "prep")):
        return None
    subj = subject(verb)
    if subj is None or not is_human(subj) or is_first_person(subj):
        return None
    obj = next(children(verb, "dobj", "npadvmod"), None)
    if lemma == "face" and (obj is None or obj.lemma_.lower() not in lx.HARM_NOUNS):
        return None
    if lemma not in {"answer", "face"} and not _harm_object(verb, obj):
        return None
    if obj is not None and is_negated(obj):
        return None
    start, end = _clause(verb, subj)
    return _threat(start, end, "veiled", verb.text, subj, None, "patient_harm")


def _harm_object(verb: Token, obj: Token | None) -> bool:
    # "pay a dividend", "suffer losses" are business; "pay a price", "pay dearly", "suffer" are not.
    if verb.lemma_.lower() == "regret" or obj is None:
        return True
    return obj.lemma_.lower() in lx.HARM_NOUNS


def _harsh_outcome(verb: Token) -> Finding | None:
    """Harsh outcome: "the results of your actions will be severe" (addressee or condition)."""
    if verb.lemma_.lower() != "be" or not has_future(verb):
        return None
    adjective = next(
        (c for c in children(verb, "acomp") if c.lemma_.lower() in lx.HARM_ADJECTIVES), None
    )
    subj = subject(verb)
    if adjective is None or subj is None or subj.lemma_.lower() not in lx.OUTCOME_NOUNS:
        return None
    if not (mentions_second_person(subj) or conditional_clause(verb) is not None):
        return None
    start, end = _clause(verb, subj)
    cue = f"{subj.text} … {adjective.text}"
    return _threat(start, end, "veiled", cue, None, None, "harsh_outcome")


def _enabled_harm(verb: Token) -> Finding | None:
    """Enabled harm: "… will give possibilities for X to attack you"."""
    if verb.lemma_.lower() not in lx.HARM_VERBS or has_future(verb):
        return None
    obj = next(children(verb, "dobj"), None)
    if not is_second_person(obj):
        return None
    governor = next((a for a in verb.ancestors if has_future(a)), None)
    if governor is None:
        return None
    actor = subject(verb) or _for_subject(verb)
    start, _ = _clause(governor, subject(governor))
    _, end = subtree_bounds(verb)
    return _threat(start, end, "veiled", verb.text, obj, actor, "enabled_harm")


def _for_subject(verb: Token) -> Token | None:
    """The "X" of "for X to attack", which the parser hangs on the governing verb."""
    to = next((c for c in verb.children if c.dep_ == "aux" and c.lower_ == "to"), None)
    if to is None:
        return None
    doc = verb.doc
    for i in range(to.i - 1, max(to.i - 8, verb.sent.start - 1), -1):
        if doc[i].lower_ == "for":
            return next(children(doc[i], "pobj"), None)
    return None


def _with_condition(verb: Token, finding: Finding) -> Finding:
    """A condition on the threatening verb makes the threat conditional and part of the span."""
    clause = conditional_clause(verb)
    if clause is not None:
        mark = next(m for m in clause.children if m.dep_ == "mark")
        finding.start = min(finding.start, mark.idx)
    else:
        clause = _imperative_condition(verb)
        if clause is None:
            return finding
        finding.start = min(finding.start, subtree_bounds(clause)[0])
    finding.extra["conditional"] = True
    finding.confidence = CONFIDENCE["conditional"]
    if finding.target is None:
        finding.target = subject(clause)
    return finding


def _imperative_condition(verb: Token) -> Token | None:
    """ "Keep lying and we will destroy you": the imperative joined to a threat is its condition."""
    current = verb
    for _ in range(4):
        if current.dep_ != "conj":
            return None
        head = current.head
        own_subject = any(c.dep_ in SUBJECTS for c in current.children)
        if own_subject and head.tag_ == "VB" and head.dep_ == "ROOT" and subject(head) is None:
            return head
        current = head
    return None


def _threat(
    start: int,
    end: int,
    subtype: str,
    cue: str,
    target: Token | None,
    actor: Token | None,
    rule: str,
) -> Finding:
    confidence = CONFIDENCE[subtype]
    finding = Finding("threat", start, end, subtype, cue, confidence, target, actor, rule)
    finding.extra["conditional"] = False
    return finding


def _clause(verb: Token, subj: Token | None) -> tuple[int, int]:
    """From the subject to the end of the verb's clause, leaving out a leading "if" clause."""
    start, end = subtree_bounds(verb, stop=conditional_clause(verb))
    if subj is not None and subj.i < verb.i:
        start = max(start, subj.left_edge.idx)
    return start, end


_FORMULAS = re.compile("|".join(lx.THREAT_FORMULAS), re.IGNORECASE)


def _formula(sent: SpacySpan) -> list[Finding]:
    match = _FORMULAS.search(sent.text)
    if match is None:
        return []
    start = sent.start_char + match.start()
    end = sent.start_char + match.end()
    finding = _threat(start, end, "veiled", match.group(0), None, None, "formula")
    finding.confidence = CONFIDENCE["formula"]
    return [finding]
