"""Event locations: the offline gazetteer, place mentions linked to the event, dateline fallback."""
from __future__ import annotations

import pytest

from parley.where import Gazetteer, event_place, place_mentions


@pytest.fixture(scope="module")
def gaz(pipeline) -> Gazetteer:
    return pipeline.res.gazetteer


@pytest.mark.parametrize("name, context, want", [
    ("Paris", (), ("FR", "city")),
    ("Paris", ("US",), ("FR", "city")),  # far more prominent than any US Paris
    ("Birmingham", (), ("GB", "city")),
    ("Birmingham", ("US",), ("US", "city")),  # the article's countries decide
    ("Georgia", (), ("GE", "country")),
    ("Georgia", ("US",), ("US", "admin1")),
    ("U.S.", (), ("US", "country")),
    ("Tripoli", (), ("LY", "city")),  # the larger one without context
    ("Tripoli", ("LB",), ("LB", "city")),
    ("Kodori Gorge", (), ("GE", "region")),
    ("Helmand province", (), ("AF", "admin1")),
])
def test_gazetteer_resolve(gaz, name, context, want):
    p = gaz.resolve(name, context)
    assert p is not None and (p.country, p.kind) == want


def test_gazetteer_unknown_and_location_fields(gaz):
    assert gaz.resolve("Nowhereville Upon Tyne") is None
    loc = gaz.to_location(gaz.resolve("Aleppo"), "Aleppo", "text")
    assert set(loc) == {"name", "country", "admin1", "lat", "lon", "geonameid", "precision", "source"}
    assert loc["country"] == "SYR" and loc["precision"] == "city" and isinstance(loc["geonameid"], int)
    assert 35 < loc["lat"] < 37 and 36 < loc["lon"] < 38


@pytest.fixture(scope="module")
def where(pipeline, gaz):
    nlp = pipeline.res.nlp

    def _where(text: str, verb: str):
        doc = nlp(text)
        v = next(t for t in doc if t.text == verb)
        m = event_place(doc, v, place_mentions(v.sent, gaz))
        return m.text if m else None

    return _where


@pytest.mark.parametrize("text, verb, want", [
    ("Rebels attacked an army post in Aleppo on Monday.", "attacked", "Aleppo"),
    ("Two soldiers were killed near the border with Somalia.", "killed", "Somalia"),
    ("The army captured the town of Bakwa last week.", "captured", "Bakwa"),
    ("Rebel fighters overran Kalemie on Sunday.", "overran", "Kalemie"),
    ("Rebels captured Saddam Hussein near his hometown.", "captured", None),
    ("Gunmen shot a guard in the Zarqa district of the capital.", "shot", "Zarqa"),
    ("In Lyon, thousands of farmers marched against the tax.", "marched", "Lyon"),
    ("Police patrolled the streets of Nairobi after the vote.", "patrolled", "Nairobi"),
    ("Some 2,000 farmers demonstrated in two rallies in Corsica Thursday.", "demonstrated", "Corsica"),
    # a place that is not where the event happened
    ("A driver from Abidjan was shot by police.", "shot", None),
    ("Thousands of Seville fans demonstrated outside the stadium.", "demonstrated", None),
    ("Troops, which have their bases in Turkey, patrolled the zone.", "patrolled", None),
    ("Germany criticized Russia on Tuesday.", "criticized", None),
    ("The ministers discussed the situation in Syria.", "discussed", None),
    ("Officials in Kabul said that militants killed four guards.", "killed", None),
    ("Last year the unit was shooting at Croats and Serbs near the river.", "shooting", None),
    ("Gunmen killed Abu Bakr at-Tamimi outside his house.", "killed", None),
])
def test_event_place(where, text, verb, want):
    assert where(text, verb) == want


def test_specific_place_over_its_country(where):
    assert where("Militants bombed a market in Peshawar, Pakistan, on Friday.", "bombed") == "Peshawar"


def test_locations_on_events_and_dateline(code_text, pipeline):
    from parley.model import Article

    art = code_text("Russia and China held talks in Beijing on Monday.", date="2024-03-06")
    held = [e for e in art.events if e.verb_text == "held"]
    assert held and all(e.location and e.location["name"] == "Beijing" and e.location["country"] == "CHN"
                        and e.location["source"] == "text" for e in held)
    # no place in the sentence: the dateline's place
    a = Article(id="d", text="MOSCOW - Russia criticized the United States on Tuesday.", date="2024-03-06",
                date_source="record")
    out = next(pipeline.process([a], keep_doc=False))
    assert out.dateline["place"] == "MOSCOW"
    assert out.events and all(e.location and e.location["name"] == "Moscow" and e.location["source"] == "dateline"
                              and e.location["country"] == "RUS" for e in out.events)


def test_seed_page_when_and_where(pipeline, seed_path):
    from parley.ingest import iter_inputs

    art = next(iter(iter_inputs([str(seed_path)], pipeline.options)))
    out = next(pipeline.process([art]))
    assert (out.date, out.date_source) == ("2012-07-19", "stamp")
    assert out.dateline["place"] == "MOSCOW"
    calls = [e for e in out.events if e.cameo == "041"]
    assert calls and all((e.date, e.date_precision, e.date_source) == ("2012-07-18", "day", "text") for e in calls)
    postponed = [e for e in out.events if "postpone" in e.verb_text.lower() or "decided" in e.verb_text.lower()]
    assert all(e.date == "2012-07-18" for e in postponed)


def test_event_location_gold(pipeline, shared_dir):
    from parley.eval import EvalContext
    from parley.eval.event_location import evaluate

    if not (shared_dir / "gold" / "event_location").is_dir():
        pytest.skip("event_location gold missing")
    m = evaluate(EvalContext(shared=shared_dir, _pipeline=pipeline))
    assert m["n"] == 496 and m["none_n"] == 160
    assert m["accuracy"] >= 0.75
    assert m["none_accuracy"] >= 0.85


def test_context_and_qualified_names(pipeline):
    from parley.model import Article

    def located(text):
        art = next(pipeline.process([Article(id="q", text=text, date="2024-03-06", date_source="record")]))
        return [(e.location or {}).get("country") for e in art.events if e.location]

    # a qualifier names the country; without it, the prominent Paris
    assert set(located("Russia and China held talks in Paris, Texas on Monday.")) == {"USA"}
    assert set(located("Mexico and the United States held talks in Paris on Monday.")) == {"FRA"}
    # the article's countries decide between places of similar standing
    assert set(located("Lebanon accused Syria on Monday. Lebanon and Syria held talks in Tripoli on Tuesday.")) \
        == {"LBN"}


@pytest.mark.parametrize("text, want", [
    # a qualifier outside every known same-named place: unknown place, the qualifier's country
    ("Russia attacked rebels in Aziziyah, Syria, on Monday.", ("Aziziyah", "SYR", "unresolved")),
    ("Israel attacked militants in the Zeitoun district, Gaza, on Monday.", ("Zeitoun", "PSE", "unresolved")),
    # a division the gazetteer knows only by its town
    ("The United States attacked militants in Lahij Governorate, Yemen, on Monday.",
     ("Lahij Governorate", "YEM", "admin1")),
])
def test_unknown_places_keep_what_is_known(pipeline, text, want):
    art = pipeline.code_text(text, date="2024-03-06")
    locs = {(e.location["name"], e.location["country"], e.location["precision"]) for e in art.events if e.location}
    assert locs == {want}


def test_dateline_day_and_place_on_events(pipeline):
    from parley.model import Article

    a = Article(id="k", text="KABUL, Afghanistan, July 3 (AP) -- Afghan troops attacked Pakistani positions. "
                "Afghan troops attacked Pakistani positions yesterday.", date="2024-07-05", date_source="record")
    out = next(pipeline.process([a]))
    got = {(e.sentence_index, e.date, e.date_source, e.location["name"], e.location["source"]) for e in out.events}
    assert got == {(0, "2024-07-03", "dateline", "Kabul", "dateline"), (1, "2024-07-02", "text", "Kabul", "dateline")}


@pytest.mark.parametrize("text, where", [
    ("admin1\tNowhere\tXX\t1.0\n", "regions.tsv:1"),
    ("# comment\nadmin1\tNowhere\tFR\tnorth\t2.0\n", "regions.tsv:2"),
    ("country-alias\tAtlantis\tQQ\t\t\n", "regions.tsv:1"),
])
def test_regions_table_errors_name_the_line(text, where):
    from parley.errors import LexiconError

    with pytest.raises(LexiconError, match=where):
        Gazetteer.load(regions_text=text)


def test_gazetteer_cache_gives_the_same_index_and_survives_a_broken_file(tmp_path):
    gaz = Gazetteer.load()  # built from the data files, no cache
    first = Gazetteer.load_cached(tmp_path)  # builds and writes the cache file
    files = list(tmp_path.glob("gazetteer-*.marshal"))
    assert len(files) == 1
    second = Gazetteer.load_cached(tmp_path)  # reads it
    for g in (first, second):
        assert g.index == gaz.index and g.iso3 == gaz.iso3
        assert [(p.geonameid, p.name, p.country, p.admin1, p.kind) for p in g.places] == \
            [(p.geonameid, p.name, p.country, p.admin1, p.kind) for p in gaz.places]
    assert second.resolve("Aleppo").country == "SY"
    files[0].write_bytes(b"not a cache")
    third = Gazetteer.load_cached(tmp_path)  # unreadable: rebuilt and rewritten
    assert third.index == gaz.index and files[0].read_bytes() != b"not a cache"
