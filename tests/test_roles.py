"""Date-aware roles in the built-in actor knowledge base.

A person's code is chosen by the event date: the same name is a head of government on one day, an
opposition leader or a former office holder (ELI) on another. These tests check the packaged data files
(``parley/data/actors/people.tsv`` and friends) through the KnowledgeBase API, and a few through the full
coder.
"""
from __future__ import annotations

from datetime import date, timedelta

import pycountry
import pytest

from parley.actors import KnowledgeBase


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


@pytest.fixture(scope="module")
def people(kb):
    out = {}
    for entry in kb.entries:
        if entry.kind == "person":
            assert entry.label not in out, f"two person entries labelled {entry.label!r}"
            out[entry.label] = entry
    return out


def code_at(people, name: str, day: str) -> str | None:
    role = people[name].role_at(date.fromisoformat(day))
    return None if role is None else role.code


# (person, event date, expected code): each person changes code over time
ROLE_CASES = [
    ("Vladimir Putin", "1995-06-01", None),  # before any listed role
    ("Vladimir Putin", "2005-06-01", "RUSGOV"),  # president
    ("Vladimir Putin", "2010-06-24", "RUSGOV"),  # prime minister
    ("Vladimir Putin", "2015-06-01", "RUSGOV"),  # president again
    ("Barack Obama", "2006-06-01", "USALEG"),  # senator
    ("Barack Obama", "2010-06-24", "USAGOV"),
    ("Barack Obama", "2017-01-20", "USAGOV"),  # last day in office
    ("Barack Obama", "2017-01-21", "USAELI"),
    ("Barack Obama", "2018-06-24", "USAELI"),
    ("Donald Trump", "2015-06-01", "USABUS"),
    ("Donald Trump", "2018-06-01", "USAGOV"),
    ("Donald Trump", "2022-06-01", "USAELI"),
    ("Donald Trump", "2025-06-01", "USAGOV"),
    ("Joe Biden", "2000-06-01", "USALEG"),
    ("Joe Biden", "2012-06-01", "USAGOV"),  # vice president
    ("Joe Biden", "2019-06-01", "USAELI"),
    ("Joe Biden", "2022-06-01", "USAGOV"),
    ("Joe Biden", "2025-06-01", "USAELI"),
    ("Dmitry Medvedev", "2010-06-01", "RUSGOV"),
    ("Moody Awori", "2005-06-01", "KENGOV"),  # vice president
    ("Moody Awori", "2010-06-01", "KENELI"),
    ("Prosper Avril", "1989-06-01", "HTIGOV"),
    ("Prosper Avril", "1990-03-11", "HTIELI"),
    ("Dmitry Medvedev", "2015-06-01", "RUSGOV"),
    ("Recep Tayyip Erdogan", "1996-06-01", "TURGOV"),  # mayor of Istanbul
    ("Recep Tayyip Erdogan", "2000-06-01", "TURELI"),
    ("Recep Tayyip Erdogan", "2002-06-01", "TUROPP"),
    ("Recep Tayyip Erdogan", "2010-06-01", "TURGOV"),
    ("Recep Tayyip Erdogan", "2020-06-01", "TURGOV"),
    ("Benjamin Netanyahu", "1998-06-01", "ISRGOV"),
    ("Benjamin Netanyahu", "2007-06-01", "ISROPP"),
    ("Benjamin Netanyahu", "2015-06-01", "ISRGOV"),
    ("Benjamin Netanyahu", "2022-03-01", "ISROPP"),
    ("Benjamin Netanyahu", "2024-03-01", "ISRGOV"),
    ("Luiz Inacio Lula da Silva", "2005-06-01", "BRAGOV"),
    ("Luiz Inacio Lula da Silva", "2015-06-01", "BRAELI"),
    ("Luiz Inacio Lula da Silva", "2023-06-01", "BRAGOV"),
    ("Silvio Berlusconi", "1994-06-01", "ITAGOV"),
    ("Silvio Berlusconi", "1998-06-01", "ITAOPP"),
    ("Silvio Berlusconi", "2003-06-01", "ITAGOV"),
    ("Silvio Berlusconi", "2007-06-01", "ITAOPP"),
    ("Silvio Berlusconi", "2010-06-01", "ITAGOV"),
    ("Silvio Berlusconi", "2015-06-01", "ITAELI"),
    ("Shinzo Abe", "2007-01-15", "JPNGOV"),
    ("Shinzo Abe", "2010-06-01", "JPNELI"),
    ("Shinzo Abe", "2015-06-01", "JPNGOV"),
    ("Shinzo Abe", "2021-06-01", "JPNELI"),
    ("Narendra Modi", "2010-06-01", "INDGOV"),  # chief minister of Gujarat: a sub-national office
    ("Narendra Modi", "2020-06-01", "INDGOV"),
    ("Angela Merkel", "2003-06-01", "DEUOPP"),
    ("Angela Merkel", "2010-06-01", "DEUGOV"),
    ("Angela Merkel", "2022-01-10", "DEUELI"),
    ("Emmanuel Macron", "2015-06-01", "FRAGOV"),  # economy minister
    ("Emmanuel Macron", "2016-12-01", "FRAELI"),
    ("Emmanuel Macron", "2020-06-01", "FRAGOV"),
    ("Boris Johnson", "2010-06-01", "GBRGOV"),  # mayor of London
    ("Boris Johnson", "2017-06-01", "GBRGOV"),  # foreign secretary
    ("Boris Johnson", "2019-01-15", "GBRLEG"),  # back-bench MP
    ("Boris Johnson", "2020-06-01", "GBRGOV"),
    ("Boris Johnson", "2023-06-01", "GBRELI"),
    ("Nawaz Sharif", "1992-06-01", "PAKGOV"),
    ("Nawaz Sharif", "1995-06-01", "PAKELI"),
    ("Nawaz Sharif", "1998-06-01", "PAKGOV"),
    ("Nawaz Sharif", "2005-06-01", "PAKELI"),
    ("Nawaz Sharif", "2015-06-01", "PAKGOV"),
    ("Nawaz Sharif", "2019-06-01", "PAKELI"),
    ("Benazir Bhutto", "1989-06-01", "PAKGOV"),
    ("Benazir Bhutto", "1992-06-01", "PAKOPP"),
    ("Benazir Bhutto", "1995-06-01", "PAKGOV"),
    ("Benazir Bhutto", "2000-06-01", "PAKOPP"),
    ("Cristina Fernandez de Kirchner", "2010-06-01", "ARGGOV"),
    ("Cristina Fernandez de Kirchner", "2016-06-01", "ARGELI"),
    ("Cristina Fernandez de Kirchner", "2018-06-01", "ARGLEG"),
    ("Cristina Fernandez de Kirchner", "2021-06-01", "ARGGOV"),  # vice president
    ("Dilma Rousseff", "2012-06-01", "BRAGOV"),
    ("Dilma Rousseff", "2020-06-01", "BRAELI"),
    ("Dilma Rousseff", "2024-06-01", "IGONDB"),  # New Development Bank
    ("Jacob Zuma", "2003-06-01", "ZAFGOV"),  # deputy president
    ("Jacob Zuma", "2006-06-01", "ZAFELI"),
    ("Jacob Zuma", "2012-06-01", "ZAFGOV"),
    ("Jacob Zuma", "2019-06-01", "ZAFELI"),
    ("Robert Mugabe", "1985-06-01", "ZWEGOV"),
    ("Robert Mugabe", "2000-06-01", "ZWEGOV"),
    ("Robert Mugabe", "2018-06-01", "ZWEELI"),
    ("Ban Ki-moon", "2005-06-01", "KORGOV"),
    ("Ban Ki-moon", "2010-06-01", "IGOUNOSG"),
    ("Ban Ki-moon", "2018-06-01", "KORELI"),
    ("Antonio Guterres", "2000-06-01", "PRTGOV"),
    ("Antonio Guterres", "2010-06-01", "IGOUNOHCR"),
    ("Antonio Guterres", "2020-06-01", "IGOUNOSG"),
    ("Donald Tusk", "2010-06-01", "POLGOV"),
    ("Donald Tusk", "2016-06-01", "IGOEU"),
    ("Donald Tusk", "2021-06-01", "POLOPP"),
    ("Donald Tusk", "2024-06-01", "POLGOV"),
    ("Bashar al-Assad", "2010-06-01", "SYRGOV"),
    ("Bashar al-Assad", "2025-03-01", "SYRELI"),
    ("Ahmed al-Sharaa", "2020-06-01", "SYRREB"),
    ("Ahmed al-Sharaa", "2025-03-01", "SYRGOV"),
    ("Mahinda Rajapaksa", "2010-06-01", "LKAGOV"),
    ("Mahinda Rajapaksa", "2017-06-01", "LKAELI"),
    ("Mahinda Rajapaksa", "2020-06-01", "LKAGOV"),
    ("Mohamed Morsi", "2011-12-01", "EGYOPP"),
    ("Mohamed Morsi", "2013-01-01", "EGYGOV"),
    ("Mohamed Morsi", "2014-01-01", "EGYELI"),
    ("Hamid Karzai", "2010-06-01", "AFGGOV"),
    ("Hamid Karzai", "2016-06-01", "AFGELI"),
    ("Albin Kurti", "2021-01-01", "XKXOPP"),
    ("Albin Kurti", "2022-01-01", "XKXGOV"),
    ("Hashim Thaci", "2010-06-01", "XKXGOV"),
    ("Hashim Thaci", "2022-06-01", "XKXELI"),
    ("Uhuru Kenyatta", "2015-06-01", "KENGOV"),
    ("Uhuru Kenyatta", "2023-06-01", "KENELI"),
]


@pytest.mark.parametrize("name,day,expected", ROLE_CASES, ids=[f"{n}@{d}" for n, d, _ in ROLE_CASES])
def test_role_by_event_date(people, name, day, expected):
    assert code_at(people, name, day) == expected


def test_at_least_twenty_people_change_code(people):
    changing = {n for n in {c[0] for c in ROLE_CASES}
                if len({code for name, _, code in ROLE_CASES if name == n}) > 1}
    assert len(changing) >= 20


def test_role_labels_follow_the_office(people):
    putin = people["Vladimir Putin"]
    assert "prime minister" in putin.role_at(date(2010, 6, 24)).label
    assert "president" in putin.role_at(date(2015, 6, 1)).label
    modi = people["Narendra Modi"]
    assert "Gujarat" in modi.role_at(date(2010, 6, 1)).label
    assert modi.role_at(date(2020, 6, 1)).label == "prime minister"
    medvedev = people["Dmitry Medvedev"]
    assert medvedev.role_at(date(2010, 6, 1)).label == "president"
    assert medvedev.role_at(date(2015, 6, 1)).label == "prime minister"


def test_surface_forms_reach_the_person(kb, people):
    """Full names, transliterations and distinctive surnames all find the same entry."""
    for phrase, label in [("Putin", "Vladimir Putin"), ("Erdoğan", "Recep Tayyip Erdogan"),
                          ("Lula", "Luiz Inacio Lula da Silva"), ("Cristina Kirchner", "Cristina Fernandez de Kirchner"),
                          ("Zelenskyy", "Volodymyr Zelensky"), ("Sergey Lavrov", "Sergei Lavrov"),
                          ("Abu Mazen", "Mahmoud Abbas"), ("MBS", "Mohammed bin Salman")]:
        entries = [e for e in kb.phrases.get(phrase, []) if e.kind == "person"]
        assert [e.label for e in entries] == [label], phrase


def test_ambiguous_short_names_are_not_listed(kb):
    """Surnames shared by several leaders, or that are common words, must not pick one person at random."""
    for phrase in ["Bush", "Kim", "Lee", "Ban", "Rice", "Brown", "May", "Sharif", "Aliyev", "Rajapaksa",
                   "Kabila", "Castro", "Gandhi", "Clinton"]:
        assert not [e for e in kb.phrases.get(phrase, []) if e.kind == "person"], phrase


def test_former_office_holders_become_elites(people):
    """The day after a government office ends, a person holds another listed role or is <country>ELI."""
    checked = 0
    for entry in people.values():
        for role in entry.roles:
            if role.sector != "GOV" or role.end is None or role.country in {"IGO", "NGO"}:
                continue
            day = role.end + timedelta(days=1)
            after = entry.role_at(day)
            assert after is not None, f"{entry.label}: no role on {day}"
            others = [r for r in entry.roles if r is not role and r.sector != "ELI" and r.holds(day)]
            if not others:
                assert after.code == f"{role.country}ELI", f"{entry.label} on {day}: {after.code}"
                checked += 1
    assert checked > 1000


def test_roles_are_well_formed(people):
    for entry in people.values():
        for role in entry.roles:
            assert role.start is not None, entry.label
            assert role.end is None or role.end >= role.start, entry.label
            assert role.country and len(role.country) == 3, entry.label


def test_coverage_targets(kb, people):
    kinds = {}
    for e in kb.entries:
        kinds[e.kind] = kinds.get(e.kind, 0) + 1
    assert len(people) >= 2000
    assert kinds["org"] >= 300
    assert len(kb.folded) >= 300  # agent phrases (plurals included)
    # every ISO 3166 country is known, plus the non-ISO entities
    countries = {e.country for e in kb.entries if e.kind == "country"}
    missing = [c.alpha_3 for c in pycountry.countries if c.alpha_3 not in countries]
    assert not missing
    assert {"XKX", "PSE", "TWN"} <= countries


def test_heads_of_government_of_every_sovereign_state(people):
    """Every UN member state has at least one government office holder in the table."""
    territories = {"ABW", "AIA", "ALA", "ASM", "ATA", "ATF", "BES", "BLM", "BMU", "BVT", "CCK", "COK", "CUW",
                   "CXR", "CYM", "ESH", "FLK", "FRO", "GGY", "GIB", "GLP", "GRL", "GUF", "GUM", "HKG", "HMD",
                   "IMN", "IOT", "JEY", "MAC", "MAF", "MNP", "MSR", "MTQ", "MYT", "NCL", "NFK", "NIU", "PCN",
                   "PRI", "PYF", "REU", "SGS", "SHN", "SJM", "SPM", "SXM", "TCA", "TKL", "UMI", "VGB", "VIR",
                   "WLF", "SMR", "PSE", "TWN", "VAT"}
    governed = {r.country for e in people.values() for r in e.roles if r.sector == "GOV"}
    missing = [c.alpha_3 for c in pycountry.countries if c.alpha_3 not in territories and c.alpha_3 not in governed]
    assert not missing


@pytest.mark.parametrize("phrase,code", [
    ("the Kremlin", "RUSGOV"), ("Downing Street", "GBRGOV"), ("Zhongnanhai", "CHNGOV"), ("the White House", "USAGOV"),
])
def test_seat_of_government_metonyms(kb, phrase, code):
    assert {e.code for e in kb.phrases[phrase]} == {code}


@pytest.mark.parametrize("phrase,country", [
    ("Burma", "MMR"), ("Zaire", "COD"), ("Swaziland", "SWZ"), ("Ceylon", "LKA"), ("Ivorian", "CIV"),
    ("Dutch", "NLD"), ("Kosovar", "XKX"),
])
def test_former_names_and_demonyms(kb, phrase, country):
    assert {e.country for e in kb.phrases[phrase]} == {country}


@pytest.mark.parametrize("phrase,sector", [
    ("president", "GOV"), ("premier", "GOV"), ("foreign minister", "GOV"), ("lawmakers", "LEG"), ("troops", "MIL"),
    ("police", "COP"), ("rebels", "REB"), ("militants", "REB"), ("protesters", "CVL"), ("opposition", "OPP"),
    ("judges", "JUD"), ("journalists", "MED"), ("doctors", "HLH"), ("refugees", "REF"), ("gunmen", "UAF"),
])
def test_agent_nouns(kb, phrase, sector):
    assert {e.sector for e in kb.folded[phrase]} == {sector}


def _sources_targets(article):
    return [(ev.source.code, ev.target.code if ev.target else None) for ev in article.events]


def test_coder_uses_event_date_for_people(code_text):
    early = code_text("Vladimir Putin praised Barack Obama.", date="2010-06-24")
    assert ("RUSGOV", "USAGOV") in _sources_targets(early)
    late = code_text("Vladimir Putin praised Barack Obama.", date="2018-06-24")
    assert ("RUSGOV", "USAELI") in _sources_targets(late)


def test_coder_opposition_then_government(code_text):
    before = code_text("Angela Merkel criticized Gerhard Schroeder.", date="2004-03-01")
    assert ("DEUOPP", "DEUGOV") in _sources_targets(before)
    after = code_text("Angela Merkel criticized Gerhard Schroeder.", date="2010-03-01")
    assert ("DEUGOV", "DEUELI") in _sources_targets(after)
    swapped = code_text("Benjamin Netanyahu accused Yair Lapid of lying.", date="2022-03-01")
    assert ("ISROPP", "ISRGOV") in _sources_targets(swapped)
    back = code_text("Benjamin Netanyahu accused Yair Lapid of lying.", date="2023-03-01")
    assert ("ISRGOV", "ISROPP") in _sources_targets(back)


def test_coder_un_secretary_general_before_and_after(code_text):
    art = code_text("Ban Ki-moon visited Shinzo Abe in Tokyo.", date="2015-06-01")
    assert ("IGOUNOSG", "JPNGOV") in _sources_targets(art)
    art = code_text("Ban Ki-moon visited Junichiro Koizumi in Tokyo.", date="2005-06-01")
    assert ("KORGOV", "JPNGOV") in _sources_targets(art)


def test_undated_mentions_take_the_role_their_phrase_names():
    """No event date: the phrase's own organisation, country and title choose among a person's roles."""
    from parley.actors import ActorResolver

    r = ActorResolver(KnowledgeBase.load())
    assert r.resolve_text("U.N. Secretary-General Kofi Annan").code.startswith("IGOUNO")
    assert r.resolve_text("Kofi Annan", date(2010, 1, 1)).code == "GHAELI"  # a date still wins
    assert r.resolve_text("former president Carlos Menem").code == "ARGELI"
    assert r.resolve_text("President George W. Bush").code == "USAGOV"
