"""Publication dates (record, visible stamps, URL) and datelines, on own text and on Wikinews."""
from __future__ import annotations

import json

import pytest

from parley.ingest.clean import clean_article
from parley.model import Article
from parley.when import date_from_url, stamp_line


@pytest.mark.parametrize("line, want", [
    ("Updated: 2012-07-19 08:02", "2012-07-19"),
    ("Friday, January 4, 2019\u00a0", "2019-01-04"),
    ("Published 3 March 2020 | 10:15 GMT", "2020-03-03"),
    ("Last updated on Monday, 7 January 2019 14:33 UTC", "2019-01-07"),
    ("Posted: Sept. 9, 2021", "2021-09-09"),
    ("Putin met Obama on July 4, 2019", None),  # a sentence, not a stamp
    ("Updated: yesterday", None),
    ("April 21, 2025.", None),  # the end of a wrapped sentence
    ("on July 19, 2025.", None),
])
def test_stamp_line(line, want):
    assert stamp_line(line) == want


def test_date_from_url():
    assert date_from_url("https://example.org/news/2019/03/14/story.html") == "2019-03-14"
    assert date_from_url("https://example.org/news/story-2019.html") is None
    assert date_from_url("https://example.org/2019-03-14-talks-resume") == "2019-03-14"
    assert date_from_url("https://example.org/statements/2026/08/2-million-donation/") is None


def _clean(options, text, **kw):
    return clean_article(Article(id="t", text=text, **kw), options)


def test_stamp_under_title(options):
    art = _clean(options, "Talks resume in Geneva\n\nUpdated: 2021-05-02 10:00\n\nGENEVA - Delegates met on Saturday.")
    assert (art.date, art.date_source) == ("2021-05-02", "stamp")
    assert art.title == "Talks resume in Geneva"
    assert art.dateline["place"] == "GENEVA"
    assert art.body == "Delegates met on Saturday."


def test_bare_date_first_line_is_not_a_title(options):
    art = _clean(options, "Tuesday, June 8, 2021\nThe mayor opened the bridge.", title="Bridge opens")
    assert (art.date, art.date_source) == ("2021-06-08", "stamp")
    assert art.body == "The mayor opened the bridge."


def test_record_date_wins_over_stamp(options):
    art = _clean(options, "Updated: 2021-05-02\n\nThe mayor opened the bridge.", date="2021-05-01",
                 date_source="record")
    assert (art.date, art.date_source) == ("2021-05-01", "record")


def test_url_date_last(options):
    art = _clean(options, "The mayor opened the bridge.", url="https://example.org/2020/02/29/bridge")
    assert (art.date, art.date_source) == ("2020-02-29", "url")
    art = _clean(options, "The mayor opened the bridge.")
    assert art.date is None and art.date_source == "none"


@pytest.mark.parametrize("first, place, agency, day, rest", [
    ("MOSCOW - Officials met.", "MOSCOW", None, None, "Officials met."),
    ("WASHINGTON (Reuters) — The senate voted.", "WASHINGTON", "Reuters", None, "The senate voted."),
    ("KABUL, Afghanistan, July 3 (AP) -- Troops left.", "KABUL, Afghanistan", "AP", "July 3", "Troops left."),
    ("UNITED NATIONS, Dec. 5 (Xinhua) -- The council met.", "UNITED NATIONS", "Xinhua", "Dec. 5", "The council met."),
    ("BAGHDAD, Iraq (AP) _ Gunmen fired.", "BAGHDAD, Iraq", "AP", None, "Gunmen fired."),
    ("GAZA CITY, Gaza Strip, Friday, Nov. 14 (AP) -- Jets struck.", "GAZA CITY, Gaza Strip", "AP", "Nov. 14",
     "Jets struck."),
])
def test_datelines(options, first, place, agency, day, rest):
    art = _clean(options, first, date="2020-07-04")
    assert art.dateline == {"place": place, "agency": agency, "day": day}
    assert art.body == rest


@pytest.mark.parametrize("first", [
    "NATO leaders met in Brussels - and agreed on nothing.",
    "INVOKING A NATIONAL EMERGENCY: Today the president signed an order.",
    "MS. SMITH: Good afternoon, everybody.",
])
def test_no_dateline_in_ordinary_text(options, first):
    art = _clean(options, first, date="2020-07-04")
    assert art.dateline is None


def test_wrapped_date_line_is_not_a_stamp(options):
    art = _clean(options, "The ceremony will take place on Monday,\nApril 21, 2025.\n\nGuests arrive early.")
    assert art.date is None and "April 21, 2025." in art.body


def test_wikinews_dates_from_the_first_line(options, shared_dir):
    """With the record's date withheld, the visible first-line stamp gives the publication date."""
    path = shared_dir / "corpus" / "wikinews" / "wikinews_2019_2020_clean.jsonl"
    if not path.exists():
        pytest.skip("wikinews corpus missing")
    recs = [json.loads(line) for line in path.open(encoding="utf-8")]
    stamped = same = wrong = 0
    for r in recs:
        art = clean_article(Article(id=r["id"], text=r["text"], title=r["title"], url=r["url"]), options)
        has_stamp = stamp_line(r["text"].lstrip().split("\n", 1)[0]) is not None
        stamped += has_stamp
        if art.date == r["date"]:
            same += 1
        elif art.date is not None:
            wrong += 1
        if has_stamp:
            assert art.date_source == "stamp"
    assert stamped >= 150
    assert same >= 0.95 * stamped  # every article that carries the stamp line
    assert wrong == 0  # the rest have no date in their text: none is better than a wrong one


HTML = """<html><head><title>Talks resume</title>{meta}</head><body><article><h1>Talks resume</h1>
<p>GENEVA - Delegates from both countries met on Saturday to discuss the ceasefire and agreed to meet again
next week in the same city.</p><p>The talks were described as constructive by officials on both sides, who
said further rounds would follow.</p></article></body></html>"""


def test_html_metadata_date_and_dateline(options):
    meta = '<meta property="article:published_time" content="2021-05-02T10:00:00Z">'
    art = clean_article(Article(id="h", text="", html=HTML.format(meta=meta)), options)
    assert (art.date, art.date_source) == ("2021-05-02", "html-meta")
    assert art.dateline["place"] == "GENEVA"
    assert art.body.startswith("Delegates from both countries met on Saturday")
