"""Event dates: every expression type against a fixed publication date, clause linking, historical flag."""
from __future__ import annotations

from datetime import date

import pytest

from parley.when import date_event, is_historical, resolve_expression

WED = date(2024, 3, 6)  # a Wednesday
FRI = date(2023, 11, 17)  # a Friday


@pytest.mark.parametrize("expr, pub, want", [
    # weekdays: the most recent such day on or before publication; a Wednesday story's "Wednesday" is that day
    ("on Wednesday", WED, ("2024-03-06", "day")),
    ("on Monday", WED, ("2024-03-04", "day")),
    ("on Thursday", WED, ("2024-02-29", "day")),
    ("last Wednesday", WED, ("2024-02-28", "day")),
    ("late on Tuesday", WED, ("2024-03-05", "day")),
    ("Later on Tuesday", FRI, ("2023-11-14", "day")),
    ("Sunday night", FRI, ("2023-11-12", "day")),
    ("next Friday", WED, ("2024-03-08", "day")),
    # relative days, weeks, months, years
    ("yesterday", WED, ("2024-03-05", "day")),
    ("today", FRI, ("2023-11-17", "day")),
    ("three days ago", FRI, ("2023-11-14", "day")),
    ("last week", WED, ("2024-02-26", "week")),
    ("earlier this week", FRI, ("2023-11-13", "week")),
    ("over the weekend", WED, ("2024-03-02", "week")),
    ("earlier this month", FRI, ("2023-11-01", "month")),
    ("last month", WED, ("2024-02-01", "month")),
    ("last year", FRI, ("2022-01-01", "year")),
    # written dates, months, years
    ("on July 17", FRI, ("2023-07-17", "day")),
    ("on 3 November", FRI, ("2023-11-03", "day")),
    ("on December 28", WED, ("2023-12-28", "day")),  # no year, later in the calendar: last year's
    ("on March 3, 2020", WED, ("2020-03-03", "day")),
    ("in June 2012", WED, ("2012-06-01", "month")),  # not mid-month
    ("in June", WED, ("2023-06-01", "month")),
    ("in late February", WED, ("2024-02-01", "month")),
    ("in 2011", WED, ("2011-01-01", "year")),
    ("in March last year", WED, ("2023-03-01", "month")),
    ("on the 2nd", WED, ("2024-03-02", "day")),
    ("on the 20th", WED, ("2024-02-20", "day")),  # still to come this month: last month's
    ("in mid-2019", WED, ("2019-01-01", "year")),
    # ranges: the start, at the precision that covers the whole range
    ("from Monday to Wednesday", WED, ("2024-03-04", "week")),
    ("between March 1 and 3", WED, ("2024-03-01", "week")),
    ("on November 2-4", FRI, ("2023-11-02", "week")),
    ("from 3 to 20 October", FRI, ("2023-10-03", "month")),
    ("from 2011 to 2013", WED, ("2011-01-01", "year")),
    ("between January and March 2019", WED, ("2019-01-01", "year")),
])
def test_resolve_expression(expr, pub, want):
    assert resolve_expression(expr, pub) == want


def test_unresolvable_expression():
    assert resolve_expression("at the meeting", WED) is None
    assert resolve_expression("", WED) is None


def test_historical_threshold():
    assert is_historical("2024-02-01", "2024-03-06", 30)
    assert not is_historical("2024-02-10", "2024-03-06", 30)
    assert not is_historical("2024-02-01", "2024-03-06", 60)
    assert not is_historical(None, "2024-03-06", 30)


def _verb(doc, word):
    return next(t for t in doc if t.text == word)


@pytest.fixture(scope="module")
def nlp(pipeline):
    return pipeline.res.nlp


def test_each_clause_keeps_its_own_date(nlp):
    doc = nlp("The minister, who resigned on Monday, met the envoy in Paris on Wednesday.")
    assert date_event(_verb(doc, "met"), "2024-03-08") == ("2024-03-06", "day", "text")
    assert date_event(_verb(doc, "resigned"), "2024-03-08") == ("2024-03-04", "day", "text")


def test_date_of_a_reporting_clause_is_not_the_event_date(nlp):
    # "on Tuesday" belongs to "said"; the attack has no date of its own
    doc = nlp("Officials said on Tuesday that rebels attacked the town.")
    assert date_event(_verb(doc, "said"), "2024-03-08")[:2] == ("2024-03-05", "day")
    assert date_event(_verb(doc, "attacked"), "2024-03-08") == ("2024-03-08", "day", "publication")


def test_xcomp_inherits_the_governing_date(nlp):
    doc = nlp("Later on Wednesday, the council decided to postpone its vote.")
    assert date_event(_verb(doc, "postpone"), "2012-07-19") == ("2012-07-18", "day", "text")


def test_date_in_a_relative_clause_of_the_object_is_not_ours(nlp):
    doc = nlp("Police arrested a man who had fled in 2011.")
    assert date_event(_verb(doc, "arrested"), "2024-03-08")[2] == "publication"


def test_dateline_day_is_the_reference(nlp):
    doc = nlp("Troops attacked the village yesterday.")
    # dateline "July 3" with a publication stamp of July 5: yesterday is July 2
    assert date_event(_verb(doc, "attacked"), "2024-07-05", "July 3") == ("2024-07-02", "day", "text")
    doc = nlp("Troops attacked the village.")
    assert date_event(_verb(doc, "attacked"), "2024-07-05", "July 3") == ("2024-07-03", "day", "dateline")


def test_no_publication_date_gives_no_event_date(nlp):
    doc = nlp("Troops attacked the village on Monday.")
    assert date_event(_verb(doc, "attacked"), None) == (None, None, "none")


def test_events_are_dated_and_flagged(code_text):
    art = code_text("Russia and China held talks on Wednesday. Russia criticized China in 2011.", date="2024-03-06")
    talks = [e for e in art.events if e.verb_text == "held"]
    assert talks and all(e.date == "2024-03-06" and e.date_precision == "day" and e.date_source == "text"
                         and not e.historical for e in talks)
    old = [e for e in art.events if e.verb_text == "criticized"]
    assert old and all(e.date == "2011-01-01" and e.date_precision == "year" and e.historical for e in old)


def test_historical_days_option(pipeline, code_text):
    from parley.when import EventDater

    art = code_text("Russia criticized China in 2011.", date="2012-07-19")
    assert art.events and all(e.historical for e in art.events)
    EventDater(pipeline.options.with_overrides(historical_days=1000))(art)
    assert all(not e.historical for e in art.events)


def test_code_undated_option(pipeline, code_text):
    from parley.when import EventDater

    art = code_text("Russia and China held talks on Monday.")
    assert art.date is None and art.events and all(e.date is None and e.date_source == "none" for e in art.events)
    EventDater(pipeline.options.with_overrides(code_undated=False))(art)
    assert art.events == [] and any("code_undated" in w for w in art.warnings)


def test_deadline_is_not_the_event_date(nlp):
    doc = nlp("The council extended the mission until March 2025.")
    assert date_event(_verb(doc, "extended"), "2024-07-05")[2] == "publication"


def test_future_clause_looks_forward(nlp):
    doc = nlp("The two presidents will meet in Geneva on Friday.")
    assert date_event(_verb(doc, "meet"), "2024-03-06") == ("2024-03-08", "day", "text")
    doc = nlp("The ministers are scheduled to sign the treaty on Friday.")
    assert date_event(_verb(doc, "sign"), "2024-03-06")[:2] == ("2024-03-08", "day")
    doc = nlp("The two presidents met in Geneva on Friday.")
    assert date_event(_verb(doc, "met"), "2024-03-06")[:2] == ("2024-03-01", "day")
    assert resolve_expression("on January 10", date(2024, 12, 20), future=True) == ("2025-01-10", "day")


def test_roles_follow_the_event_date(code_text):
    # the same article (published 2016) dates one event in 2006 and one on the publication week
    art = code_text("Obama criticized Russia in 2006. Obama criticized Russia on Monday.", date="2016-05-04")
    by_year = {e.date[:4]: e.source.code for e in art.events if e.verb_text == "criticized"}
    assert by_year == {"2006": "USALEG", "2016": "USAGOV"}


@pytest.mark.parametrize("text, verb, want", [
    ("The council voted late on Tuesday to extend the mission.", "voted", ("2024-03-05", "day")),
    ("Rebels seized the town earlier this month.", "seized", ("2024-03-01", "month")),
    ("The army withdrew from the valley in June 2012.", "withdrew", ("2012-06-01", "month")),
    ("The two leaders met last week in Vienna.", "met", ("2024-02-26", "week")),
    ("Protesters marched through the capital yesterday.", "marched", ("2024-03-05", "day")),
    ("Both sides signed the accord on July 17.", "signed", ("2023-07-17", "day")),
    ("The government expelled the diplomats in 2011.", "expelled", ("2011-01-01", "year")),
    ("Delegates negotiated from Monday to Wednesday in Geneva.", "negotiated", ("2024-03-04", "week")),
    ("On Wednesday, the minister resigned.", "resigned", ("2024-03-06", "day")),
    ("Monday's blast killed four soldiers.", "killed", ("2024-03-04", "day")),
    ("Four soldiers died in an attack on Monday.", "died", ("2024-03-04", "day")),
])
def test_expression_linked_in_a_sentence(nlp, text, verb, want):
    assert date_event(_verb(nlp(text), verb), "2024-03-06") == (*want, "text")
