"""Clause logic of the event coder on sentences written for these tests, with a small test lexicon.

The lexicon here is the test's own, so the tests check the coder's logic (negation, passive,
compound, reciprocal, intent, hypothetical, reported speech, multi-event, frames, guard), not the
contents of the built-in lexicon.
"""
from __future__ import annotations

import pytest

from parley.events import EventCoder, VerbLexicon

PATTERNS = """
010	state/declare
016	deny
020	urge
030	promise/pledge
040	meet @
040	meet with:@
040	meet
040	hold =talk/meeting
040	~talk between:*
0841	release =prisoner/hostage
071	send =aid to:@
100	demand
120	refuse
130	threaten
1312	threaten =sanction
163	impose =sanction on:@
190	attack @
0841	exchange =prisoner !recip
045	~mediation
120	reject
0331	pledge =fund
143	organize =strike
1723	impose =curfew on:@
042	arrive in:@
111	condemn
057	reach =agreement
141	rally
1724	impose =martial+law
023	ask for:aid
0232	ask for:military/defense+aid
1041	demand =resignation
1044	demand =independence
164	walk_out of:talk
"""


@pytest.fixture(scope="module")
def coder(pipeline, tmp_path_factory):
    path = tmp_path_factory.mktemp("lex") / "test_patterns.txt"
    path.write_text(PATTERNS, encoding="utf-8")
    lex = VerbLexicon.load(pipeline.res.ontology, files=[path])
    return EventCoder(lex, pipeline.res.ontology, pipeline.options)


@pytest.fixture(scope="module")
def dyads(pipeline, coder):
    from parley.ingest import clean_article
    from parley.model import Article
    from parley.nlp import Parser

    parser = Parser(pipeline.res.nlp)  # no prefilter: it knows only the built-in lexicon's heads
    actors = pipeline.stages[0]

    def run(text: str):
        art = clean_article(Article(id="logic", text=text, date="2024-03-06", date_source="record"),
                            pipeline.options)
        art = coder(actors(parser(art)))
        return {(e.source.country, e.target.country if e.target else None, e.cameo) for e in art.events}, art
    return run


def test_plain_event_and_rule(dyads):
    got, art = dyads("Germany attacked France on Monday.")
    assert got == {("DEU", "FRA", "190")}
    assert all("test_patterns.txt:" in e.rule and "attack" in e.rule for e in art.events)


def test_negation_is_not_coded(dyads):
    assert dyads("Germany did not attack France on Monday.")[0] == set()
    assert dyads("Germany never attacked France.")[0] == set()


def test_passive_agent_is_source(dyads):
    assert dyads("France was attacked by Germany on Monday.")[0] == {("DEU", "FRA", "190")}
    assert dyads("France was attacked on Monday.")[0] == set()  # agentless: no source


def test_compound_actors_give_every_dyad(dyads):
    assert dyads("Germany and Italy attacked France.")[0] == {("DEU", "FRA", "190"), ("ITA", "FRA", "190")}
    assert dyads("Germany attacked France and Spain.")[0] == {("DEU", "FRA", "190"), ("DEU", "ESP", "190")}


def test_reciprocal(dyads):
    assert dyads("Japan and Brazil held talks in Tokyo on Tuesday.")[0] == {
        ("JPN", "BRA", "040"), ("BRA", "JPN", "040")}
    assert dyads("Kenya and Somalia exchanged prisoners.")[0] == {("KEN", "SOM", "0841"), ("SOM", "KEN", "0841")}


def test_one_sided_acts_of_several_subjects_are_not_mutual(dyads):
    assert dyads("Japan and Brazil pledged funds.")[0] == {("JPN", None, "0331"), ("BRA", None, "0331")}


def test_future_and_intent(dyads):
    assert dyads("Japan will meet Brazil next week.")[0] == {("JPN", "BRA", "036")}
    assert dyads("Japan promised to send aid to Kenya.")[0] == {("JPN", "KEN", "0331")}


def test_threat_frame(dyads):
    assert dyads("Japan threatened to impose sanctions on Iran.")[0] == {("JPN", "IRN", "1312")}


def test_refusal_and_negated_future(dyads):
    assert dyads("Iran refused to meet France.")[0] == {("IRN", "FRA", "125")}
    assert dyads("Iran will not meet France.")[0] == {("IRN", "FRA", "125")}


def test_hypothetical_and_conditional_not_coded(dyads):
    assert dyads("Germany could attack France.")[0] == set()
    got = dyads("If Germany attacks France, Spain will meet Italy.")[0]
    assert ("DEU", "FRA", "190") not in {(s, t, c) for s, t, c in got}
    assert ("ESP", "ITA", "036") in got


def test_without_is_negation(dyads):
    assert dyads("Germany left the summit without meeting France.")[0] == set()


def test_question_not_coded(dyads):
    assert dyads("Did Germany attack France?")[0] == set()


def test_reported_speech(dyads):
    # the report is subordinate: only the attack, with its own subject as source
    assert dyads("Germany attacked France, the Spanish government said.")[0] == {("DEU", "FRA", "190")}
    # a pronoun subject in the complement of a speech verb is the speaker
    assert dyads("Kenya said it will send aid to Somalia.")[0] == {("KEN", "SOM", "0331")}


def test_appeal_and_demand_frames(dyads):
    assert dyads("Japan urged Iran to release the prisoners.")[0] == {("JPN", "IRN", "0253")}
    assert dyads("France demanded that Iran release the hostages.")[0] == {("FRA", "IRN", "1053")}


def test_denial(dyads):
    got = dyads("Iran denied attacking Iraq.")[0]
    assert ("IRN", "IRQ", "190") not in got


def test_multi_event(dyads):
    got = dyads("Germany attacked France and Spain imposed sanctions on Italy.")[0]
    assert got == {("DEU", "FRA", "190"), ("ESP", "ITA", "163")}


def test_document_source_from_relative_clause(dyads):
    got = dyads("A draft resolution, whose sponsors include France and Spain, threatens sanctions against Iran.")[0]
    assert got == {("FRA", "IRN", "1312"), ("ESP", "IRN", "1312")}


def test_over_generation_guard(dyads, pipeline):
    got, art = dyads("Germany, France, Spain, Italy and Poland attacked Russia, Ukraine and Belarus.")
    assert len(art.events) == pipeline.options.max_events_per_sentence
    assert all("capped" in e.flags for e in art.events)


def test_content_of_a_proposal_is_not_a_fact(dyads):
    # the attack is what was requested, not something that happened
    got = dyads("Spain rejected a request to attack Italy.")[0]
    assert ("ESP", "ITA", "190") not in got


def test_allegation_is_not_a_fact(dyads):
    got = dyads("Spain accused Italy of attacking France.")[0]
    assert ("ITA", "FRA", "190") not in got and ("ESP", "FRA", "190") not in got


def test_purpose_clause_is_not_a_fact(dyads):
    got = dyads("Germany met Spain to attack France.")[0]
    assert ("DEU", "ESP", "040") in got
    assert not any(code == "190" for _s, _t, code in got)


def test_relative_clause_is_background(dyads):
    got = dyads("Japan met Kenyan officials who attacked Somalia last year.")[0]
    assert ("JPN", "KEN", "040") in got
    assert not any(code == "190" for _s, _t, code in got)


def test_elaborating_participle_is_not_a_second_event(dyads):
    got = dyads("Germany attacked France, meeting Spain.")[0]
    assert got == {("DEU", "FRA", "190")}


def test_target_in_a_complement(dyads):
    # "demanded that X ..." with an action the lexicon does not know: the demand targets X
    assert dyads("France demanded that Iran stop the program.")[0] == {("FRA", "IRN", "100")}


def test_speech_obligation_is_a_demand(dyads):
    assert dyads("France said Iran must release the prisoners.")[0] == {("FRA", "IRN", "1053")}


def test_both_leaders_carry_over(pipeline, coder):
    from parley.ingest import clean_article
    from parley.model import Article
    from parley.nlp import Parser

    text = "Japanese President Tanaka met Brazil's President Silva in Tokyo. Both leaders held talks on trade."
    art = clean_article(Article(id="c", text=text, date="2024-03-06", date_source="record"), pipeline.options)
    art = coder(pipeline.stages[0](Parser(pipeline.res.nlp)(art)))
    second = {(e.source.country, e.target.country if e.target else None, e.cameo)
              for e in art.events if e.sentence_index == 1}
    assert second == {("JPN", "BRA", "040"), ("BRA", "JPN", "040")}
    assert all("carry-over" in e.flags for e in art.events if e.sentence_index == 1)


def test_bare_speech_verb_with_unknown_obligation(dyads):
    # "say" has no pattern and "stop" is unknown: the report of an obligation is a generic demand
    got, art = dyads("France said Iran must stop the program.")
    assert got == {("FRA", "IRN", "100")}
    assert all("frames.tsv:" in e.rule for e in art.events)


def test_conditional_threat(dyads):
    assert dyads("Japan may impose sanctions on Iran if it continues the program.")[0] == {("JPN", "IRN", "1312")}
    assert dyads("Japan may impose sanctions on Iran.")[0] == set()  # a bare possibility is not coded


def test_nominal_event_after_light_verb(dyads):
    # the light verb's subject is the source; the parties named with "between" are the targets
    got = dyads("Egypt launched a mediation between Israel and Jordan.")[0]
    assert got == {("EGY", "ISR", "045"), ("EGY", "JOR", "045")}
    # a nominal mention inside a prepositional phrase is a reference, not an event
    assert dyads("Egypt attacked Libya after the mediation between Israel and Jordan.")[0] == {("EGY", "LBY", "190")}


def test_rejected_proposal_is_coded_through_its_content(dyads):
    got, art = dyads("Iran rejected a French offer to meet.")
    assert got == {("IRN", "FRA", "125")}
    assert all("refused content" in e.rule for e in art.events)


def test_possessive_subject_in_report_is_the_speaker(dyads):
    assert dyads("Kenya said its troops had attacked Somalia.")[0] == {("KEN", "SOM", "190")}


def test_target_deep_in_a_grievance_phrase(dyads):
    # the last-resort target search reaches the actor at the end of a long grievance phrase
    got = dyads("Kenyan students organized a strike in protest against the arrests of dozens of their leaders "
                "by the Ugandan police.")[0]
    assert got == {("KEN", "UGA", "143")}


def test_domestic_event_between_differently_named_mentions(dyads):
    # a leader acting on his own capital is a domestic event (both sides KEN); one name on both sides is not
    assert dyads("Kenyan President William Ruto imposed a curfew on Nairobi.")[0] == {("KEN", "KEN", "1723")}
    assert dyads("Kenya attacked Kenya.")[0] == {("KEN", None, "190")}


def test_demand_verb_without_pattern_and_unknown_complement(dyads):
    # "order" has no pattern here and "reopen" is unknown: the demand frame's generic code, at the object
    got, art = dyads("Kenya ordered Uganda to reopen the border crossing.")
    assert got == {("KEN", "UGA", "100")}
    assert all("frames.tsv:" in e.rule for e in art.events)
    assert dyads("Kenya did not order Uganda to reopen the border crossing.")[0] == set()
    assert dyads("Kenya may order Uganda to reopen the border crossing.")[0] == set()


def test_armed_forces_arriving_are_not_a_visit(dyads):
    assert dyads("The Kenyan president arrived in Somalia on Monday.")[0] == {("KEN", "SOM", "042")}
    assert dyads("Kenyan peacekeeping troops arrived in Somalia on Monday.")[0] == {("KEN", "SOM", "074")}
    assert dyads("Kenyan troops arrived in Somalia on Monday.")[0] == set()


def test_two_parties_of_one_country_meeting_is_reciprocal(dyads):
    got = dyads("The Sudanese government and the SPLA rebels held talks in Nairobi.")[0]
    assert {(s, t) for s, t, _ in got} == {("SDN", "SDN")} and len(dyads(
        "The Sudanese government and the SPLA rebels held talks in Nairobi.")[1].events) == 2
    assert dyads("Sudan and Sudan held talks.")[0] == {("SDN", None, "040")}


def test_pronoun_in_an_obligation_is_the_addressee(dyads):
    # "told X that it must ...": "it" is X, the demand's target (not a party further down the clause)
    assert dyads("France told Iran that it must release the prisoners to Germany.")[0] == {("FRA", "IRN", "1053")}


def test_without_phrase_names_no_target(dyads):
    # "without meeting X": X is not a party of the act
    assert dyads("Japan released the prisoners without meeting with China.")[0] == {("JPN", None, "0841")}


def test_target_inside_an_apposition(dyads):
    # "condemned as a crime X's arrest of ...": the apposition of a plain noun names the target
    assert dyads("Japan condemned as a serious provocation China's detention of the fishermen.")[0] == {
        ("JPN", "CHN", "111")}


def test_swear_is_an_intent_frame(dyads):
    got = dyads("Iran swore to attack Israel.")[0]
    assert got == dyads("Iran vowed to attack Israel.")[0] and {(s, t) for s, t, _ in got} == {("IRN", "ISR")}
    assert all(code.startswith("13") for _, _, code in got)


def test_what_an_elaborating_participle_says_is_not_a_second_event(dyads):
    assert dyads("Iran refused to meet Germany, saying it would attack Iraq.")[0] == {("IRN", "DEU", "125")}
    assert dyads("Iran attacked Iraq, saying Kuwait must release the prisoners.")[0] == {("IRN", "IRQ", "190")}


def test_refusal_demanded_of_another_is_not_a_refusal(dyads):
    # what China is asked to refuse did not happen: only Japan's demand is an event
    got = dyads("Japan demanded that China refuse to meet Russia.")[0]
    assert got and all(s == "JPN" for s, _, _ in got) and all(code[:2] == "10" for _, _, code in got)


def test_targetless_event_subsumed_by_the_same_act_with_a_target(dyads):
    assert dyads("Japan attacked China on Monday and attacked again on Tuesday.")[0] == {("JPN", "CHN", "190")}
    got = dyads("Japan attacked China on Monday and threatened again on Tuesday.")[0]
    assert ("JPN", "CHN", "190") in got and any(s == "JPN" and code[:2] == "13" for s, _, code in got)


def test_content_clause_hung_on_the_verb_belongs_to_its_frame_noun(dyads):
    # the parser attaches "that Uganda release ..." to "restated": it is still the content of "its demand"
    got = dyads("Kenya restated its demand yesterday that Uganda release the prisoners.")[0]
    assert got and all(s == "KEN" and t == "UGA" and code[:2] == "10" for s, t, code in got)


def test_trailing_after_clause_is_background(dyads):
    assert dyads("Japan attacked China on Monday, two days after Russia threatened Korea.")[0] == {
        ("JPN", "CHN", "190")}


def test_failing_a_mutual_act_together_is_mutual(dyads):
    got = dyads("Peru and Chile failed to reach an agreement on the fate of Bolivian migrants.")[0]
    assert {(s, t) for s, t, _ in got} == {("PER", "CHL"), ("CHL", "PER")}
    assert all(code[:2] == "12" for _, _, code in got)


def test_dissent_without_a_named_target_is_aimed_at_the_home_state(dyads):
    got, art = dyads("Thousands of Kenyan students rallied in the streets on Monday.")
    assert got == {("KEN", "KEN", "141")}
    assert all("implicit target" in e.flags and e.target.sector == "GOV" for e in art.events)
    assert dyads("Kenyan police rallied in the streets on Monday.")[0] == {("KEN", None, "141")}


def test_martial_law_without_a_target_is_imposed_on_the_own_country(dyads):
    assert dyads("The Kenyan government imposed martial law on Monday.")[0] == {("KEN", "KEN", "1724")}
    assert dyads("The Kenyan government imposed martial law in Somalia.")[0] == {("KEN", "SOM", "1724")}


def test_prepositional_object_with_a_modifier(dyads):
    assert dyads("Chile asked Peru for military aid.")[0] == {("CHL", "PER", "0232")}
    assert dyads("Chile asked Peru for aid.")[0] == {("CHL", "PER", "023")}
    assert dyads("Chile asked Peru for economic aid.")[0] == {("CHL", "PER", "023")}


def test_a_demand_for_change_selects_the_protest_sub_code(dyads):
    got = dyads("Thousands of Kenyan students rallied in Nairobi on Monday to demand the resignation of the minister.")[0]
    assert ("KEN", "KEN", "1411") in got and ("KEN", "KEN", "141") not in got
    got = dyads("Thousands of Kenyan farmers rallied in Nairobi on Monday, demanding independence.")[0]
    assert ("KEN", "KEN", "1414") in got and ("KEN", "KEN", "141") not in got
    # a demand outside the protest clause does not change it
    got = dyads("Thousands of Kenyan students rallied in Nairobi on Monday after Somalia demanded independence.")[0]
    assert ("KEN", "KEN", "141") in got


def test_preposition_hung_under_a_particle(dyads):
    # spaCy hangs "of" under "out": the pattern's preposition is still found
    got = dyads("The Kenyan delegation walked out of the talks with Somalia on Monday.")[0]
    assert {c for _, _, c in got} == {"164"}
