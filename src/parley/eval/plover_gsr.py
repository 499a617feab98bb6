"""``parley eval plover-gsr``: the PLOVER gold-standard records (322 hand-coded sentences).

Scoring, per sentence:

* **tuples** — the set of (source country, target country or none, PLOVER event) from the gold record
  against the same set from parley's events. Gold actors marked ``SRC/TAR`` (compound/reciprocal:
  "Hungarian and Romanian officials agreed") expand to both directions: every ordered pair of those
  actors, so a government and rebels of one country give (C, C); a markup span and an actor text match
  when their words overlap ("(SRC/TAR: Greek) sides" for the actor "Greek-Cypriot"). Events of CAMEO roots 01–02
  have no PLOVER event: they are outside this scoring and neither help nor hurt. Any event on a
  record without a gold event would be a false positive.
* **event type accuracy** (``plover_accuracy``) — the PLOVER event of the sentence's *primary*
  event (the coded clause whose predicate is nearest the root of the parse, then the leftmost; a
  report such as "announced" gives way to a coded clause it governs)
  equals the gold event. When no event had a codeable actor, the primary *predicate* (the clause
  the lexicon matched, coded as a fact) gives the type, as an event classifier would;
  ``plover_accuracy_events`` counts only coded events.
* ``source_event`` P/R/F1 ignore the target.

Records are coded without a date (the gold dates are placeholders), so people resolve by any of
their roles. Gold quirks handled: PLOVER v0.5b1 names (DEMAND→REQUEST, DISAPPROVE/INVESTIGATE→ACCUSE,
FIGHT→ASSAULT) and CAMEO-style country codes (JAP, ITL, VTN) mapped to ISO3.
"""
from __future__ import annotations

import re
from typing import Any

from . import Accuracy, Counts, EvalContext, read_jsonl

GOLD = ("gold", "plover_gsr", "DERIVED_PLOVER_GSR_with_CAMEO_codes.jsonl")
EVENT_NAMES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}
COUNTRY_CODES = {"JAP": "JPN", "ITL": "ITA", "VTN": "VNM", "UK": "GBR", "ROM": "ROU", "GER": "DEU"}
_RECIP_RE = re.compile(r"\((?:SRC/TAR|TAR/SRC):\s*([^)]*)\)")


def plover_event(name: str | None) -> str | None:
    if not name:
        return None
    return EVENT_NAMES.get(name.upper(), name.upper())


def country(code: str | None) -> str | None:
    if not code:
        return None
    code = code.strip().upper()
    return COUNTRY_CODES.get(code, code)


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _actors(value: Any) -> list[dict[str, Any]]:
    return [a for a in value if isinstance(a, dict)] if isinstance(value, list) else []


def gold_tuples(rec: dict[str, Any]) -> set[tuple[str | None, str | None, str | None]]:
    ev = plover_event(rec.get("plover_event"))
    if not ev:
        return set()
    sources = _actors(rec.get("source"))
    targets = _actors(rec.get("target"))
    recip_texts = [_words(t) for t in _RECIP_RE.findall(rec.get("markup") or "")]
    src = {country(a.get("code")) for a in sources if a.get("code")}
    tgt = {country(a.get("code")) for a in targets if a.get("code")}
    out: set[tuple[str | None, str | None, str | None]] = set()
    # the markup's span and the record's actor text may differ in extent ("(SRC/TAR: Greek) sides" for the
    # actor "Greek-Cypriot"): a source is reciprocal when its words and a SRC/TAR span's words overlap
    recip_actors = [a for a in sources if a.get("code") and any(
        _words(a.get("actorText") or "") & w for w in recip_texts)]
    if len(recip_actors) > 1:  # compound/reciprocal: every ordered pair of the actors, by their countries
        for i, a in enumerate(recip_actors):
            for j, b in enumerate(recip_actors):
                if i != j:
                    out.add((country(a.get("code")), country(b.get("code")), ev))
        src -= {country(a.get("code")) for a in recip_actors}
    for s in src:
        if tgt:
            for t in tgt:
                out.add((s, t, ev))  # domestic events (government vs rebels of one country) count too
        else:
            out.add((s, None, ev))
    return out


def _actor_country(actor: Any) -> str | None:
    if actor is None:
        return None
    return country(actor.country or actor.code)


def predicted(art: Any, coder: Any) -> tuple[set, str | None, str | None]:
    """(tuples, primary event type from events, primary event type from predicates)."""
    from ..events.coder import primary_clause

    tuples: set[tuple[str | None, str | None, str | None]] = set()
    for e in art.events:
        ev = (e.plover or {}).get("event")
        if ev:
            tuples.add((_actor_country(e.source), _actor_country(e.target), ev))
    if coder is None or art.doc is None:
        return tuples, None, None
    clauses = [c for c in coder.clauses(art) if coder.ontology[c.code].plover_event]
    main = primary_clause(clauses, with_events=True)
    pmain = primary_clause(clauses, with_events=False)
    name = (lambda c: coder.ontology[c.code].plover_event if c is not None else None)
    return tuples, name(main), name(pmain)


def find_coder(pipeline: Any) -> Any:
    from ..events import EventCoder

    return next((s for s in pipeline.stages if isinstance(s, EventCoder)), None)


def evaluate(ctx: EvalContext) -> dict[str, Any]:
    records = list(ctx.take(read_jsonl(ctx.gold(*GOLD))))
    pipe = ctx.pipeline()
    coder = find_coder(pipe)
    tuples = Counts()
    src_ev = Counts()
    acc = Accuracy()
    n_events = 0
    for rec in records:
        art = pipe.code_text(rec["text"], date=None, article_id=rec["id"])
        gold = gold_tuples(rec)
        pred, primary, pred_primary = predicted(art, coder)
        n_events += len(art.events)
        missed, spurious = tuples.add_sets(gold, pred)
        src_ev.add_sets({(s, e) for s, _t, e in gold}, {(s, e) for s, _t, e in pred})
        gold_ev = plover_event(rec.get("plover_event"))
        typ = primary or pred_primary
        acc.add(plover=typ == gold_ev, plover_events=primary == gold_ev)
        if ctx.verbose and (missed or spurious or typ != gold_ev):
            ctx.log(f"{rec['id']}: gold {gold_ev} got {typ}  missed={sorted(map(str, missed))} "
                    f"spurious={sorted(map(str, spurious))}\n    {rec['text']}")
    m: dict[str, Any] = {"records": len(records), "events": n_events}
    a = acc.metrics()
    m["plover_accuracy"] = a.get("plover_accuracy", 0.0)
    m["plover_accuracy_events"] = a.get("plover_events_accuracy", 0.0)
    m.update({k.replace("tuple_", "tuple_"): v for k, v in tuples.metrics("tuple").items()})
    m.update({k: v for k, v in src_ev.metrics("source_event").items() if not k.endswith(("_tp", "_fp", "_fn"))})
    return m
