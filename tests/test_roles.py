"""The roles analyzer: offices, relations and titles from copulas, appositions and titles.

Unit sentences run on a small test-only entity analyzer (``StubEntities``) so that they test the
role rules and not the entity rules; the seed example, hostile text and the PTC sample run on the
real ``EntityAnalyzer``.
"""

from __future__ import annotations

from typing import Any, ClassVar

import pytest

from helpers import PTC, SEED, analyze_with
from scrutiny.analyzers.entities import EntityAnalyzer
from scrutiny.analyzers.roles import RoleAnalyzer
from scrutiny.model import Analysis, Annotation
from scrutiny.pipeline import AnalysisState

_STUB_TYPES = frozenset({"PERSON", "ORG", "GPE", "NORP"})
_PRONOUNS = frozenset({"he", "she", "him", "his", "her"})
_WHEN = {None, "present", "former", "at that time", "then", "current", "acting", "late"}
_WHEN |= {"outgoing", "incoming", "future"}


class StubEntities:
    """TEST FIXTURE ONLY, not the real entity analyzer.

    Every PERSON/ORG/GPE/NORP name spaCy finds becomes an entity (same text, same entity) with a
    name mention, and he/she/him/his/her become pronoun mentions of the last PERSON named before
    them. Deterministic and dumb on purpose, so a unit test fails only when a role rule does.
    """

    name: ClassVar[str] = "entities"
    version: ClassVar[str] = "test-stub"
    requires: ClassVar[tuple[str, ...]] = ("sentence",)
    produces: ClassVar[tuple[str, ...]] = ("entity", "mention")
    languages: ClassVar[tuple[str, ...] | None] = None

    def analyze(self, state: AnalysisState) -> None:
        doc: Any = state.scratch["spacy"]
        by_start = {ent.start: ent for ent in doc.ents if ent.label_ in _STUB_TYPES}
        ids: dict[tuple[str, str], str] = {}
        last_person: str | None = None
        for token in doc:
            ent = by_start.get(token.i)
            if ent is not None:
                key = (ent.label_, ent.text)
                if key not in ids:
                    attrs = {"name": ent.text, "aliases": [ent.text]}
                    entity = state.add(
                        "entity", ent.start_char, ent.end_char, ent.label_, attrs=attrs
                    )
                    ids[key] = entity.id
                mention = {"entity": ids[key], "kind": "name"}
                state.add("mention", ent.start_char, ent.end_char, ent.label_, attrs=mention)
                if ent.label_ == "PERSON":
                    last_person = ids[key]
            elif token.lower_ in _PRONOUNS and last_person is not None:
                end = token.idx + len(token.text)
                mention = {"entity": last_person, "kind": "pronoun"}
                state.add("mention", token.idx, end, "PERSON", attrs=mention)


def stub_roles(text: str) -> Analysis:
    analysis = analyze_with(text, StubEntities(), RoleAnalyzer())
    assert analysis.language in {None, "en"}, "test sentence too short for language detection"
    return analysis


def entity_id(analysis: Analysis, name: str) -> str:
    for e in analysis.layer("entity"):
        if e.attrs.get("name") == name or name in e.attrs.get("aliases", []):
            return e.id
    raise AssertionError(f"no entity {name!r} in {[e.attrs for e in analysis.layer('entity')]}")


def roles_of(analysis: Analysis, name: str) -> list[Annotation]:
    holder = entity_id(analysis, name)
    return [r for r in analysis.layer("role") if r.attrs["entity"] == holder]


def evidence(analysis: Analysis, role: Annotation) -> str:
    return analysis.document.slice(role.span)


def only_role(analysis: Analysis, name: str) -> Annotation:
    roles = roles_of(analysis, name)
    assert len(roles) == 1, [(r.attrs, evidence(analysis, r)) for r in analysis.layer("role")]
    return roles[0]


# -- the seed example, with the real entity analyzer ------------------------------------------


@pytest.fixture(scope="module")
def seed() -> Analysis:
    return analyze_with(SEED.read_text(encoding="utf-8"), EntityAnalyzer(), RoleAnalyzer())


def test_seed_bakiev_was_president_of_kyrgyzstan(seed: Analysis) -> None:
    role = only_role(seed, "Bakiev")
    assert role.label == "office"
    assert role.attrs["role"] == "president"
    assert role.attrs["of"] == entity_id(seed, "Kyrgyzstan")
    assert role.attrs["when"] == "at that time"  # "During that time, ..."
    assert evidence(seed, role) == "president of Kyrgyzstan"
    assert role.confidence == pytest.approx(0.85)


def test_seed_madumarov_deputy_prime_minister_at_that_time(seed: Analysis) -> None:
    role = only_role(seed, "Madumarov")
    assert (role.attrs["role"], role.attrs["when"]) == ("deputy prime minister", "at that time")
    assert evidence(seed, role) == "Deputy Prime Minister"
    assert role.confidence == pytest.approx(0.6)  # through "he"


def test_seed_present_president_atambayev(seed: Analysis) -> None:
    role = only_role(seed, "Atambayev")
    assert (role.attrs["role"], role.attrs["when"]) == ("president", "present")
    assert role.attrs["rule"] == "title"
    assert evidence(seed, role) == "present President"


def test_seed_rashod_kamalov_son_and_imam(seed: Analysis) -> None:
    roles = {r.attrs["role"]: r for r in roles_of(seed, "Rashod Qori Kamalov")}
    assert set(roles) == {"son", "imam"}
    son, imam = roles["son"], roles["imam"]
    assert son.label == "relation"
    assert son.attrs["of"] == entity_id(seed, "Rafik Kamalov")
    assert evidence(seed, son) == "the son of Rafik Kamalov"
    assert imam.attrs["of"] == entity_id(seed, "Al-Sarakhsi Mosque")
    assert evidence(seed, imam) == "imam of Al-Sarakhsi Mosque"


def test_seed_narymbaev_head_of_the_administration(seed: Analysis) -> None:
    role = only_role(seed, "Daniyar Narymbaev")
    assert role.attrs["role"] == "head"
    of = seed.get(role.attrs["of"])
    assert of is not None and "Administration" in of.attrs["name"]
    assert evidence(seed, role) == "the head of the Administration of President of Kyrgyzstan"


def test_seed_has_no_other_roles(seed: Analysis) -> None:
    # Nothing for "leaders of the present government", "Deputies and Speakers of Parliament",
    # "He is in prison", "Russia ... is in collapse", "it is necessary".
    assert len(seed.layer("role")) == 6


def test_seed_roles_reach_the_json_view(seed: Analysis) -> None:
    view = {e["name"]: e for e in seed.entities}
    assert [(r["role"], r["when"]) for r in view["Atambayev"]["roles"]] == [
        ("president", "present")
    ]


# -- copulas --------------------------------------------------------------------------------


def test_copula_with_named_subject_and_that_time() -> None:
    a = stub_roles("During that time, Bakiev was president of Kyrgyzstan and ruled the country.")
    role = only_role(a, "Bakiev")
    assert role.attrs["role"] == "president"
    assert role.attrs["of"] == entity_id(a, "Kyrgyzstan")
    assert role.attrs["when"] == "at that time"


def test_copula_through_pronoun_with_on_that_time() -> None:
    a = stub_roles(
        "John Smith came back in May. Then he (on that time he was Deputy Prime Minister) "
        "provoked a lot of unrest in the city."
    )
    role = only_role(a, "John Smith")
    assert (role.attrs["role"], role.attrs["when"]) == ("deputy prime minister", "at that time")
    assert role.confidence == pytest.approx(0.6)


def test_copula_now_means_present_and_then_after_the_verb() -> None:
    a = stub_roles(
        "Joe Biden is now the president of the United States. George Bush was then the "
        "governor of Texas, and he liked it."
    )
    assert only_role(a, "Joe Biden").attrs["when"] == "present"
    assert only_role(a, "George Bush").attrs["when"] == "then"


def test_inverse_copula_at_the_time_and_when_clause() -> None:
    a = stub_roles(
        "The president of Kyrgyzstan is Almazbek Atambayev, and the country is poor. Back in "
        "2006, Kurmanbek Bakiev was president of Kyrgyzstan at the time. When Barack Obama was "
        "president of the United States, the economy grew."
    )
    inverse = only_role(a, "Almazbek Atambayev")
    assert (inverse.attrs["role"], inverse.attrs["rule"]) == ("president", "inverse_copula")
    assert only_role(a, "Kurmanbek Bakiev").attrs["when"] == "at that time"
    # A "when" clause presupposes the role, unlike an "if" clause.
    assert only_role(a, "Barack Obama").attrs["of"] == entity_id(a, "the United States")


def test_relative_clause_relation() -> None:
    a = stub_roles(
        "The police arrested Rashod Kamalov, who is the son of Rafik Kamalov, last week."
    )
    role = only_role(a, "Rashod Kamalov")
    assert (role.label, role.attrs["role"]) == ("relation", "son")
    assert role.attrs["of"] == entity_id(a, "Rafik Kamalov")
    assert role.attrs["rule"] == "relative"


def test_served_as_and_elected() -> None:
    a = stub_roles(
        "Jane Doe served as the ambassador to Russia for years. Barack Obama was elected "
        "president of the United States in 2008."
    )
    ambassador = only_role(a, "Jane Doe")
    assert (ambassador.attrs["role"], ambassador.attrs["of"]) == (
        "ambassador",
        entity_id(a, "Russia"),
    )
    assert only_role(a, "Barack Obama").attrs["role"] == "president"


def test_acted_as_means_acting() -> None:
    a = stub_roles("Jane Doe acted as the spokeswoman for the Pentagon during the war in Iraq.")
    role = only_role(a, "Jane Doe")
    assert (role.attrs["role"], role.attrs["when"]) == ("spokeswoman", "acting")


def test_appointment_gives_the_role_to_the_object() -> None:
    a = stub_roles(
        "Pope Benedict appointed John Smith as bishop of Boston in 2005, and the city rejoiced."
    )
    bishop = only_role(a, "John Smith")
    assert (bishop.attrs["role"], bishop.attrs["of"]) == ("bishop", entity_id(a, "Boston"))
    assert [r.attrs["role"] for r in roles_of(a, "Benedict")] == ["pope"]


# -- appositions ----------------------------------------------------------------------------


def test_apposition_name_first() -> None:
    a = stub_roles("Almazbek Atambayev, the president of Kyrgyzstan, said nothing about it today.")
    role = only_role(a, "Almazbek Atambayev")
    assert role.attrs["role"] == "president"
    assert role.attrs["of"] == entity_id(a, "Kyrgyzstan")
    assert evidence(a, role) == "the president of Kyrgyzstan"


def test_apposition_role_first() -> None:
    a = stub_roles("The president of Kyrgyzstan, Almazbek Atambayev, said nothing about it today.")
    role = only_role(a, "Almazbek Atambayev")
    assert role.attrs["role"] == "president"
    assert role.attrs["of"] == entity_id(a, "Kyrgyzstan")


def test_apposition_spokesman_for_and_bare_head_of() -> None:
    a = stub_roles(
        "John Smith, a spokesman for the Pentagon, declined to comment. Maria Lopez, head of "
        "the International Monetary Fund, spoke to reporters on Monday."
    )
    spokesman = only_role(a, "John Smith")
    assert spokesman.attrs["role"] == "spokesman"
    assert spokesman.attrs["of"] == entity_id(a, "Pentagon")
    head = only_role(a, "Maria Lopez")
    assert head.attrs["role"] == "head"
    assert head.attrs["of"] == entity_id(a, "the International Monetary Fund")


def test_of_through_a_named_apposition_and_a_fixed_office() -> None:
    a = stub_roles(
        "In the story, Andromeda, the wife of the Greek hero Perseus, was chained to a rock. "
        "Mike Pompeo, the US secretary of state, said that teams were travelling to China."
    )
    wife = only_role(a, "Andromeda")
    assert wife.attrs["of"] == entity_id(a, "Perseus")
    assert evidence(a, wife) == "the wife of the Greek hero Perseus"
    pompeo = only_role(a, "Mike Pompeo")
    assert (pompeo.attrs["role"], pompeo.attrs["of"]) == ("secretary of state", entity_id(a, "US"))


def test_hyphenated_roles() -> None:
    a = stub_roles(
        "Jared Kushner, the son-in-law of Donald Trump, visited Israel. The vice-president of "
        "Iraq, John Smith, met him there on Monday with his whole team."
    )
    kushner = only_role(a, "Jared Kushner")
    assert (kushner.attrs["role"], kushner.attrs["of"]) == (
        "son-in-law",
        entity_id(a, "Donald Trump"),
    )
    assert only_role(a, "John Smith").attrs["role"] == "vice president"


def test_ex_prefix_means_former() -> None:
    a = stub_roles("The ex-president of Iran, Mohammad Khatami, spoke at length in Geneva.")
    role = only_role(a, "Mohammad Khatami")
    assert (role.attrs["role"], role.attrs["when"]) == ("president", "former")


# -- titles before names ----------------------------------------------------------------------


def test_titles_with_qualifiers() -> None:
    a = stub_roles(
        "Former Prime Minister Tony Blair met acting FBI director Andrew McCabe and the "
        "present President Vladimir Putin in London last week."
    )
    blair = only_role(a, "Tony Blair")
    assert (blair.label, blair.attrs["role"], blair.attrs["when"]) == (
        "office",
        "prime minister",
        "former",
    )
    mccabe = only_role(a, "Andrew McCabe")
    assert (mccabe.attrs["role"], mccabe.attrs["when"]) == ("director", "acting")
    assert mccabe.attrs["of"] == entity_id(a, "FBI")
    assert evidence(a, mccabe) == "acting FBI director"
    assert only_role(a, "Vladimir Putin").attrs["when"] == "present"


def test_two_titles_before_one_name_and_abbreviations() -> None:
    a = stub_roles(
        "Supreme Leader Ayatollah Ali Khamenei criticised Sen. John McCain and US Secretary of "
        "State Mike Pompeo in a speech on Friday."
    )
    assert {r.attrs["role"] for r in roles_of(a, "Ayatollah Ali Khamenei")} == {
        "supreme leader",
        "ayatollah",
    }
    assert only_role(a, "John McCain").attrs["role"] == "senator"
    pompeo = only_role(a, "Mike Pompeo")
    assert pompeo.attrs["role"] == "secretary of state"
    assert pompeo.attrs["of"] == entity_id(a, "US")


def test_repeated_title_is_one_role_with_occurrences() -> None:
    a = stub_roles(
        "President Donald Trump spoke on Monday. Later that week President Donald Trump spoke "
        "again about the economy and the border."
    )
    role = only_role(a, "Donald Trump")
    assert role.attrs["occurrences"] == 2
    assert role.label == "office"


# -- what must not be a role ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "John Smith is in prison to this day. Russia is in collapse. It is necessary to act now.",
        "John Smith was not the president of France, whatever the newspapers said about him.",
        "John Smith might be the president of France one day, if the voters want it so.",
        "If John Smith is the president of France, then we will leave the country at once.",
        "Is John Smith really the president of France? Nobody in the room could tell me.",
        "John Smith is a good man and a famous writer who lives in the city of London.",
        "John Smith is a member, and he always pays on time, said the club in London.",
        "Mary Jones and John Smith are members of the Senate and leaders of the party.",
        "We met John Smith, whose son is the president of the club, in London last week.",
        "Reporters talked to John Smith, whose son Peter Smith lives in London these days.",
        "John Smith wants to be the president of France, and he campaigns every day for it.",
        "John Smith was a speaker at the Berlin conference last year, and he spoke very well.",
    ],
)
def test_no_role(text: str) -> None:
    a = stub_roles(text)
    assert a.layer("role") == [], [(r.attrs, evidence(a, r)) for r in a.layer("role")]


# -- robustness -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "?!.,;:",
        "President " * 5_000,
        "the president of " * 3_000 + "France.",
        '"He said "President "Smith" was" the son of" ' * 50,
        "الرئيس محمد مرسي هو رئيس مصر 😀 President Morsi, the president of Egypt 😀, spoke.",
        "Former former former ex-ex- President President Smith Smith , , the the son of of",
        "(((Deputy Prime Minister John Smith)))" * 200,
    ],
)
def test_hostile_text_does_not_crash(text: str) -> None:
    a = analyze_with(text, EntityAnalyzer(), RoleAnalyzer())
    entities = {e.id for e in a.layer("entity")}
    for role in a.layer("role"):
        assert role.attrs["entity"] in entities


def test_without_entities_there_are_no_roles() -> None:
    class NoEntities(StubEntities):
        def analyze(self, state: AnalysisState) -> None:
            return None

    a = analyze_with(
        "Bakiev was president of Kyrgyzstan during that time.", NoEntities(), RoleAnalyzer()
    )
    assert a.layer("role") == []


# -- the propaganda techniques corpus --------------------------------------------------------


def _articles(n: int) -> list[str]:
    files = sorted((PTC / "train-articles").glob("*.txt"))[:n]
    if not files:
        pytest.skip("PTC corpus not available")
    return [f.read_text(encoding="utf-8") for f in files]


def test_ptc_articles_give_well_formed_roles() -> None:
    total = 0
    for text in _articles(30):
        a = analyze_with(text, EntityAnalyzer(), RoleAnalyzer())
        ids = {e.id for e in a.layer("entity")}
        for role in a.layer("role"):
            total += 1
            assert role.label in {"office", "relation", "title"}
            assert role.attrs["entity"] in ids
            of = role.attrs["of"]
            assert of is None or of in ids or not of.startswith("e") or not of[1:].isdigit()
            assert role.attrs["when"] in _WHEN
            assert role.attrs["role"] and role.attrs["role"] == role.attrs["role"].strip()
            assert 0 < len(role.span) <= 300
            assert role.attrs["occurrences"] >= 1
    # About one role per article is what the rules find on this sample; zero means a rule broke.
    assert total >= 30
