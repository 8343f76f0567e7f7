"""Call-to-action rules: appeals by the author ("we urge the government to …": ``urge``),
imperatives to the audience ("Take your time!": ``imperative``) and exhortations ("let us …",
"we must resist …", "why don't we …?": ``exhortation``).

Headlines, site furniture ("Click here", "Read more:") and discourse imperatives ("Remember, …",
"Note that …") are not calls. Appeals made by others ("protesters urged …") are reporting: only a
first-person appeal counts.
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
    is_first_person,
    is_human,
    is_negated,
    is_question,
    subject,
    subtree_bounds,
)

CONFIDENCE = {
    "urge": 0.9,
    "let": 0.8,
    "appeal": 0.75,
    "time": 0.7,
    "must": 0.6,
    "imperative": 0.6,
    "why": 0.5,
}
_WHY_NOT = re.compile(r"why\s+(?:don't|don’t|do\s+not|not)\s+we\b", re.IGNORECASE)
_OBLIGATION = frozenset({"must", "should", "ought"})
_US = frozenset({"us", "'s", "’s"})
# "We need to start …", "we must see …" do urge action; the rest of the discourse verbs do not.
_NOT_EXHORTING = lx.STATIVE_VERBS | (lx.DISCOURSE_VERBS - {"begin", "get", "go", "see", "start"})
# Words that bring the audience or a group into an imperative: "Take *your* time", "Pray for
# *our* seminarians". Instructions ("Preheat the oven", "Take the medicine") have none.
_AUDIENCE = frozenset({"our", "ours", "us", "we", "you", "your", "yours", "yourself", "yourselves"})
_EVERYONE = frozenset({"everybody", "everyone"})


_NOT_IMPERATIVE = lx.DISCOURSE_VERBS | lx.STATIVE_VERBS | lx.BOILERPLATE_VERBS | {"let"}


def find_calls(sent: SpacySpan) -> list[Finding]:
    if is_question(sent):
        return _why_not(sent)
    found: list[Finding] = []
    for token in sent:
        if token.pos_ not in {"VERB", "AUX"}:
            continue
        finding = _urge(token) or _let_us(token) or _obligation(token) or _time_to(token)
        if finding is not None:
            found.append(finding)
    if not found and not _is_headline(sent):
        found.extend(_imperative(sent.root))
    return found


def _urge(verb: Token) -> Finding | None:
    """Appeals: "we urge X to …", "we call on X", "I appeal to X", "we demand that X …"."""
    lemma = verb.lemma_.lower()
    if lemma not in lx.URGE_VERBS or verb.tag_ in {"VBD", "VBN", "VBG"}:
        return None
    subj = subject(verb)
    if not is_first_person(subj) or is_negated(verb):
        return None
    if _hedged(verb):
        return None
    target = _addressee(verb, lemma)
    if target is None or target.lower_ in {"it", "this", "that"}:
        return None
    requests = [c for c in children(verb, "xcomp", "ccomp") if not _is_question_clause(c)]
    # Without an action asked for ("urge X to …"), the object must be someone to appeal to:
    # "I demand the highest standards" sets a bar, it calls on nobody.
    if not requests and not is_human(target):
        return None
    # "ask" is a call only with the action asked for ("ask X to …", "ask that X …"); "we ask
    # families why they …" and "I ask, did Moses …?" put a question.
    if lemma == "ask" and not requests:
        return None
    assert subj is not None
    # "we want to urge X to …": the clause is the governing verb's, and misparsed complements
    # ("… countries to endure") hang off it rather than off the appeal verb.
    clause = verb.head if verb.dep_ == "xcomp" else verb
    _, end = subtree_bounds(clause)
    start = subj.left_edge.idx if subj.i < verb.i else subtree_bounds(verb)[0]
    return Finding(
        "call_to_action", start, end, "urge", verb.text, CONFIDENCE["urge"], target, subj, "urge"
    )


def _hedged(verb: Token) -> bool:
    # "I will ask …", "I would urge …" hedge or announce an appeal rather than make it; "I wanted
    # to ask him to …" tells of one made in the past.
    if any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children):
        return True
    return verb.dep_ == "xcomp" and verb.head.tag_ in {"VBD", "VBN"}


def _is_question_clause(clause: Token) -> bool:
    """An embedded question: a wh-word ("why they …") or an inverted auxiliary ("did X …")."""
    subj = next((c for c in clause.children if c.dep_ in SUBJECTS), None)
    for c in clause.children:
        if c.tag_ in {"WDT", "WP", "WP$", "WRB"}:
            return True
        if subj is not None and c.dep_ == "aux" and c.i < subj.i:
            return True
    return False


def _addressee(verb: Token, lemma: str) -> Token | None:
    """Whom the appeal is made to: "urge X", "call on X", "appeal to X", "demand that X …"."""
    if lemma in {"call", "appeal"}:
        preps = {"on", "upon"} if lemma == "call" else {"to"}
        for prep in children(verb, "prep"):
            if prep.lower_ in preps:
                return next(children(prep, "pobj"), None)
        return None
    obj = next(children(verb, "dobj"), None)
    if obj is not None:
        return obj
    for clause in children(verb, "ccomp", "xcomp"):
        subj = next((c for c in clause.children if c.dep_ in SUBJECTS), None)
        if subj is not None:
            return subj
    return None


def _let_us(verb: Token) -> Finding | None:
    """Rallying: "let us stand together", "let's show them" (the author's "we")."""
    if verb.lower_ != "let" or any(c.dep_ in SUBJECTS for c in verb.children):
        return None
    action = next(children(verb, "ccomp", "xcomp"), None)
    if action is None or action.lemma_.lower() in lx.DISCOURSE_LET:
        return None
    # "us" is the subject of the action ("let us stand") or the object of "let" itself.
    us = next((c for c in (*verb.children, *action.children) if c.lower_ in _US), None)
    if us is None or us.i > action.i:
        return None
    start, _ = subtree_bounds(verb)
    _, end = subtree_bounds(action)
    return Finding(
        "call_to_action",
        start,
        end,
        "exhortation",
        f"{verb.text} {us.text}",
        CONFIDENCE["let"],
        rule="let_us",
    )


def _obligation(verb: Token) -> Finding | None:
    """Obligations of a group: "we must resist", "we need to start working"."""
    modal = _obligation_cue(verb)
    if modal is None or is_negated(verb) or not _main_clause(verb):
        return None
    if verb.lemma_.lower() in _NOT_EXHORTING or any(c.dep_ == "auxpass" for c in verb.children):
        return None
    if any(c.lower_ in {"ourselves", "myself"} for c in children(verb, "dobj")):
        return None
    # "We have to see what comes out" waits; "we need to see those briefings" demands.
    if verb.lemma_.lower() == "see" and any(map(_is_question_clause, children(verb, "ccomp"))):
        return None
    subj = subject(verb) if verb.dep_ != "xcomp" else subject(verb.head)
    if subj is None or subj.dep_ == "nsubjpass" or not _collective(subj):
        return None
    # "must we join …?" is a question; "need to"/"have to" of a group describes its situation
    # ("migrants will have to travel"), only of "we" does it rally.
    if modal.i < subj.i or (modal.lower_ not in _OBLIGATION and subj.lower_ != "we"):
        return None
    strength = "appeal" if verb.lemma_.lower() in lx.APPEAL_VERBS else "must"
    start, end = subtree_bounds(verb)
    start = min(start, subj.left_edge.idx)
    return Finding(
        "call_to_action",
        start,
        end,
        "exhortation",
        modal.text,
        CONFIDENCE[strength],
        None,
        subj,
        "obligation",
    )


def _main_clause(verb: Token) -> bool:
    # "… that we need to inspect …" describes a need inside another statement; only a main
    # clause (the root, its conjuncts, or their "need to"/"have to" complement) exhorts.
    current = verb.head if verb.dep_ == "xcomp" else verb
    while current.dep_ == "conj":
        current = current.head
    if current.dep_ == "ROOT":
        return True
    # The parser sometimes hangs an opening "We must …" under a later clause; a subject that
    # opens the sentence still marks the main clause.
    subj = subject(current)
    return subj is not None and subj.i == _first_word(current).i


def _obligation_cue(verb: Token) -> Token | None:
    # Only the plain form obliges: "should be pondering" and "will have to" describe.
    if verb.tag_ != "VB" or any(c.dep_ == "aux" and c.lower_ == "be" for c in verb.children):
        return None
    for c in children(verb, "aux"):
        if c.lower_ in _OBLIGATION:
            return c
    # "we need to …", "we have to …": the obligation is the governing verb.
    head = verb.head
    if verb.dep_ != "xcomp" or head.lemma_.lower() not in {"need", "have"}:
        return None
    # "we have yet to hear", "they rarely have to answer" describe; they oblige nobody.
    if head.tag_ not in {"VBP", "VBZ"} or any(
        c.dep_ in {"aux", "advmod", "neg"} for c in head.children
    ):
        return None
    return head if any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) else None


def _collective(subj: Token) -> bool:
    # "we" or a plural group ("workers of all countries"); "you have to" is generic advice.
    if subj.lower_ == "we" or subj.lower_ in _EVERYONE:
        return True
    return subj.tag_ in {"NNS", "NNPS"} and is_human(subj)


def _imperative(root: Token) -> list[Finding]:
    """A bare imperative root: "Take your time!", "Do not vote for …", "Rise up and resist"."""
    if root.tag_ != "VB" or any(c.dep_ in SUBJECTS for c in root.children):
        return []
    if any(c.dep_ == "aux" and c.lower_ not in {"do", "don't"} for c in root.children):
        return []
    lemma = root.lemma_.lower()
    if lemma in _NOT_IMPERATIVE:
        return []
    if any(t.lemma_.lower() in lx.BOILERPLATE_NOUNS for t in root.subtree):
        return []
    # "Don't make me laugh", "Excuse me": an imperative about the writer is not an appeal.
    if any(t.lower_ == "me" for c in root.children for t in (c, *c.children)):
        return []
    # "Take a look at …", "have a look": a light verb around a discourse noun.
    if any(c.lemma_.lower() in lx.DISCOURSE_VERBS for c in children(root, "dobj")):
        return []
    first = _first_word(root)
    if (root.i != first.i and not _led_by_negation(root)) or not first.text[:1].isupper():
        return []
    # A line opening with a quotation mark is someone's words even where the quote analyzer
    # found no speaker ("“Whip up” the poor …").
    if _opens_with_quote(root.sent):
        return []
    # "Sign up", "Sign Up Thank you …": newsletter furniture.
    if lemma == "sign" and any(c.lower_ == "up" for c in children(root, "prt")):
        return []
    if _consequence(root) or not _engages_people(root):
        return []
    start, end = subtree_bounds(root)
    return [
        Finding(
            "call_to_action",
            start,
            end,
            "imperative",
            root.text,
            CONFIDENCE["imperative"],
            rule="imperative",
        )
    ]


def _engages_people(root: Token) -> bool:
    # A call is exclaimed or involves people: an appeal verb, the audience ("your", "us"), a
    # person, group or name in the clause. "Remove the cover …." instructs, it mobilises nobody.
    if root.lemma_.lower() in lx.APPEAL_VERBS or root.sent.text.rstrip().endswith("!"):
        return True
    return any(t.lower_ in _AUDIENCE or t.pos_ == "PROPN" or is_human(t) for t in root.subtree)


def _time_to(verb: Token) -> Finding | None:
    """ "It is time for all patriots to rise up", "it's time to take back our country"."""
    time = verb.head
    if verb.dep_ not in {"relcl", "acl"} or time.lower_ != "time" or time.dep_ != "attr":
        return None
    if not any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children):
        return None
    copula = time.head
    if copula.lemma_.lower() != "be" or not any(c.lower_ == "it" for c in copula.children):
        return None
    if verb.lemma_.lower() in _NOT_EXHORTING or copula.dep_ != "ROOT":
        return None
    # "It was time to leave" narrates; only the present rallies.
    if copula.tag_ not in {"VBZ", "VBP"}:
        return None
    start, end = subtree_bounds(copula)
    return Finding(
        "call_to_action",
        start,
        end,
        "exhortation",
        "time to",
        CONFIDENCE["time"],
        None,
        None,
        "time_to",
    )


def _consequence(root: Token) -> bool:
    # "Continue down this road and your government will collapse", "Add X and you get Y": an
    # imperative joined to a clause with its own subject states a condition and its outcome.
    return any(
        c.dep_ == "conj" and any(g.dep_ in SUBJECTS for g in c.children) for c in root.children
    )


def _first_word(root: Token) -> Token:
    sent = root.sent
    return next((t for t in sent if not (t.is_punct or t.is_space)), root)


def _opens_with_quote(sent: SpacySpan) -> bool:
    first = next((t for t in sent if not t.is_space), None)
    return first is not None and first.is_quote


def _led_by_negation(root: Token) -> bool:
    # "Do not vote …", "Don't miss …": the verb comes after do + not.
    first = _first_word(root)
    return first.lower_ in {"do", "don't", "don’t"} and first.head == root


def _is_headline(sent: SpacySpan) -> bool:
    """A title-cased line, a "Watch:"-style rubric or a line without final punctuation."""
    text = sent.text.strip()
    if not text or text[-1] not in ".!?\"'”’)»":
        return True
    if re.match(r"^\w+(?:\s\w+)?\s?:", text):
        return True
    words = [t for t in sent if t.is_alpha and len(t) > 3]
    return len(words) >= 4 and sum(t.text[0].isupper() for t in words) / len(words) > 0.6


def _why_not(sent: SpacySpan) -> list[Finding]:
    """Rhetorical "why don't we declare …?": an exhortation to the readers' "we"."""
    match = _WHY_NOT.match(sent.text.lstrip())
    if match is None:
        return []
    offset = sent.start_char + len(sent.text) - len(sent.text.lstrip())
    end = sent.end_char
    text = sent.doc.text
    while end > offset and not text[end - 1].isalnum():
        end -= 1
    return [
        Finding(
            "call_to_action",
            offset,
            end,
            "exhortation",
            match.group(0),
            CONFIDENCE["why"],
            rule="why_not",
        )
    ]
