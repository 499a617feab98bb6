"""The seed page end to end: the events the issue names, a bounded count, and grounded actors."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def seed_events(pipeline, seed_path):
    from parley.ingest import iter_inputs

    art = next(iter(iter_inputs([str(seed_path)], pipeline.options)))
    out = next(pipeline.process([art], keep_doc=True))
    assert not hasattr(out, "reason"), out
    return out


def _has(events, src, tgt, prefix):
    return any(e.source.country == src and (e.target.country if e.target else None) == tgt
               and e.cameo.startswith(prefix) for e in events)


def test_telephone_conversation_pair(seed_events):
    ev = seed_events.events
    assert _has(ev, "RUS", "USA", "041") and _has(ev, "USA", "RUS", "041")


def test_condolences(seed_events):
    assert _has(seed_events.events, "USA", "RUS", "018")


def test_sponsors_threaten_syria(seed_events):
    for sponsor in ("FRA", "DEU", "PRT", "GBR", "USA"):
        assert _has(seed_events.events, sponsor, "SYR", "13"), sponsor


def test_russia_appeals_to_un(seed_events):
    assert any(e.source.country == "RUS" and e.target is not None and e.target.country == "IGO"
               and e.cameo.startswith("02") for e in seed_events.events)


def test_russia_rejects(seed_events):
    assert any(e.source.country == "RUS" and e.cameo.startswith("12") for e in seed_events.events)


def test_bounded_and_grounded(seed_events):
    art = seed_events
    assert 0 < len(art.events) <= 25
    for e in art.events:
        assert e.rule and ":" in e.rule
        assert len([x for x in art.events if x.sentence_index == e.sentence_index]) <= 8
        carried = {"carry-over", "speaker"} & set(e.flags)
        # the source (and target) is named in the event's own sentence, unless carried over (documented)
        if not carried:
            assert e.source_mention is not None and e.source_mention.sentence_index == e.sentence_index, e.to_dict()
        if e.target_mention is not None:
            assert e.target_mention.sentence_index == e.sentence_index or carried, e.to_dict()
