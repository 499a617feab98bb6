"""``parley eval event-location``: event geolocation gold records (sentence, event verb, place span(s)).

Given each gold sentence and the gold event verb, parley's location linker (:mod:`parley.where`)
picks the place mention linked to that verb, or none. A record is right when the predicted mention
overlaps one of the gold location spans, or when both are none.

Metrics: ``accuracy`` over all records; ``located_accuracy`` over records with a gold place;
``none_accuracy`` over records without one (the linker must abstain there); plus the abstention
counts. The verb is found by its character offsets in the sentence (its token in spaCy's parse).
"""
from __future__ import annotations

from typing import Any

from . import Accuracy, EvalContext, read_jsonl

GOLD = ("gold", "event_location", "DERIVED_relabel_gold.jsonl")


def _verb_token(doc: Any, start: int, end: int) -> Any | None:
    for tok in doc:
        if tok.idx <= start < tok.idx + max(len(tok.text), 1) or start <= tok.idx < end:
            return tok
    return None


def evaluate(ctx: EvalContext) -> dict[str, Any]:
    from ..where import event_place, place_mentions

    recs = list(ctx.take(read_jsonl(ctx.gold(*GOLD))))
    pipe = ctx.pipeline()
    nlp = pipe.res.nlp
    gaz = pipe.res.gazetteer
    every, located, unlocated = Accuracy(), Accuracy(), Accuracy()
    predicted_none = 0
    errors: list[str] = []
    docs = nlp.pipe((r["text"] for r in recs), batch_size=64)
    for rec, doc in zip(recs, docs):
        verbs = rec.get("verb") or []
        gold = [(g["char_start"], g["char_end"], g.get("text_from_tokens", "")) for g in rec.get("locations") or []]
        verb = _verb_token(doc, verbs[0]["char_start"], verbs[0]["char_end"]) if verbs else None
        pred = None
        if verb is not None:
            sent = verb.sent
            pred = event_place(doc, verb, place_mentions(sent, gaz))
        if pred is None:
            predicted_none += 1
            ok = not gold
            shown = "none"
        else:
            ps, pe = doc[pred.start].idx, doc[pred.end - 1].idx + len(doc[pred.end - 1].text)
            ok = any(ps < ge and gs < pe for gs, ge, _ in gold)
            shown = repr(pred.text)
        every.add(location=ok)
        (located if gold else unlocated).add(location=ok)
        if not ok:
            line = (f"{rec.get('id')}: verb {verbs[0].get('text_from_tokens') if verbs else '?'!r} "
                    f"gold {[g[2] for g in gold] or 'none'} predicted {shown} | {rec['text']}")
            errors.append(line)
            if ctx.verbose:
                ctx.log(line)
    m_all = every.metrics()
    m_loc = located.metrics("located")
    m_none = unlocated.metrics("none")
    return {
        "n": m_all["n"],
        "accuracy": m_all.get("location_accuracy", 0.0),
        "located_n": m_loc["located_n"],
        "located_accuracy": m_loc.get("located_location_accuracy", 0.0),
        "none_n": m_none["none_n"],
        "none_accuracy": m_none.get("none_location_accuracy", 0.0),
        "predicted_none": predicted_none,
        "_errors": errors,
    }
