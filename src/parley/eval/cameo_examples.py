"""``parley eval cameo-examples``: the CAMEO codebook's example sentences (one per code, 277).

Each example is coded as a one-sentence article (the codebook's trailing "Note: ..." is cut off).
The predicted code is that of the *primary* event (the coded event whose predicate is nearest the
root of the parse, then the leftmost); when no event had a codeable actor, the primary predicate
(the clause the lexicon matched, coded as a fact) gives the code, as an event classifier would.
Accuracy at exact code, 3-digit code, root and QuadClass; ``events_*`` count coded events only;
``any_exact`` counts a hit when any coded event has the gold code.
"""
from __future__ import annotations

import csv
from typing import Any

from . import Accuracy, EvalContext
from .plover_gsr import find_coder

GOLD = ("gold", "cameo_codebook", "cameo_codebook_derived.csv")


def example_text(raw: str) -> str:
    text = raw.strip()
    cut = text.find(" Note:")
    return text[:cut].strip() if cut > 0 else text


def primary_codes(art: Any, coder: Any) -> tuple[str | None, str | None, set[str]]:
    """(code of the primary event, code of the primary factual predicate, all event codes)."""
    from ..events.coder import primary_clause

    codes = {e.cameo for e in art.events}
    if coder is None or art.doc is None:
        return None, None, codes
    clauses = coder.clauses(art)
    main = primary_clause(clauses, with_events=True)
    pmain = primary_clause(clauses, with_events=False)
    return (main.code if main else None), (pmain.code if pmain else None), codes


def evaluate(ctx: EvalContext) -> dict[str, Any]:
    with open(ctx.gold(*GOLD), encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r.get("example") or "").strip()]
    rows = list(ctx.take(rows))
    pipe = ctx.pipeline()
    coder = find_coder(pipe)
    onto = pipe.res.ontology
    acc = Accuracy()
    ev_acc = Accuracy()

    def quad(code: str | None) -> int | None:
        return onto[code].quad_class if code and code in onto else None

    for r in rows:
        gold = r["code"].strip()
        art = pipe.code_text(example_text(r["example"]), date=None, article_id=f"cameo-{gold}")
        ev_code, pred_code, all_codes = primary_codes(art, coder)
        got = ev_code or pred_code
        g = gold
        acc.add(exact=got == g, three=bool(got) and got[:3] == g[:3], root=bool(got) and got[:2] == g[:2],
                quad=quad(got) == quad(g), any=g in all_codes)
        ev_acc.add(exact=ev_code == g, root=bool(ev_code) and ev_code[:2] == g[:2])
        if ctx.verbose and got != g:
            ctx.log(f"{g} got {got or '-'} (events: {','.join(sorted(all_codes)) or '-'})  {example_text(r['example'])}")
    a = acc.metrics()
    e = ev_acc.metrics()
    return {
        "examples": a["n"],
        "exact_accuracy": a.get("exact_accuracy", 0.0),
        "three_digit_accuracy": a.get("three_accuracy", 0.0),
        "root_accuracy": a.get("root_accuracy", 0.0),
        "quad_class_accuracy": a.get("quad_accuracy", 0.0),
        "any_exact_accuracy": a.get("any_accuracy", 0.0),
        "events_exact_accuracy": e.get("exact_accuracy", 0.0),
        "events_root_accuracy": e.get("root_accuracy", 0.0),
    }
