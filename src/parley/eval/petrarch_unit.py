"""``parley eval petrarch-unit --dictionaries DIR``: PETRARCH's functional test suite.

Records: ``gold/petrarch_unit_tests/PETR.UnitTest.records.xml`` (284 sentences with dates, expected
(source, target, code) tuples, "no event" and "error" expectations, and Penn Treebank parses). The
dictionaries are the suite's own fictional ones (``--dictionaries`` = a folder of PETRARCH files, e.g.
``../shared/gold/petrarch_unit_tests/``), read by :mod:`parley.dictionaries.petrarch` and coded by the
dedicated pattern coder :mod:`parley.dictionaries.coder`.

Structure per sentence comes from the record's Treebank parse, PETRARCH's own input (``parse=treebank``,
the default), or from parley's spaCy parse of the text (``PARLEY_PETRARCH_PARSE=spacy``, also reported as
``spacy_pass_rate`` when the pipeline is available). A record passes when the set of coded events equals
the expected set exactly, when nothing is coded for a "no event" record, and when the expected error
(discard, unreadable parse) is raised for an "error" record. Results are printed per category.

The ``<Config>`` elements between records are honoured as PETRARCH's validation mode does: they switch
``require_dyad`` (events with a null ``---`` actor), ``new_actor_length`` (uncoded noun phrases named by
their text, compared literally) and the ``comma_*`` clause lengths for the records that follow (see
:class:`parley.dictionaries.coder.CoderOptions`). ``null_dyad_records`` counts records that expect an event
with a null or ``###`` actor; ``pass_rate_dyadic_records`` is the pass rate over the others.
"""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

from . import EvalContext

CATEGORIES = ("ACTOR", "AGENT", "COMPOUND", "DATE", "DEMO", "ERROR", "MODIFY", "PARSING", "PATTERN", "SYNSET",
              "VERB")


def _norm_code(code: str | None) -> str:
    if code is None:
        return "---"
    code = code.strip()
    if not code or code in {"None", "---"}:
        return "---"
    if code.startswith('"'):  # a new actor named by its text (option new_actor_length)
        return '"' + " ".join(code.strip('"').upper().split()) + '"'
    return code.upper()


def read_records(path: Path) -> list[dict[str, Any]]:
    """Records in file order; each carries the coder options in force (``<Config>`` elements between
    records change PETRARCH's options — require_dyad, new_actor_length, comma_* — from there on)."""
    from ..dictionaries.coder import CoderOptions

    root = ET.parse(path).getroot()
    out = []
    opts = CoderOptions()
    for s in root.iter():
        if s.tag == "Config":
            if s.get("option") is not None:
                opts.set(s.get("option") or "", s.get("value") or "")
            continue
        if s.tag != "Sentence":
            continue
        expected = []
        no_events = False
        error = None
        for ec in s.findall("EventCoding"):
            if ec.get("noevents"):
                no_events = True
            elif ec.get("error"):
                error = ec.get("error")
            else:
                expected.append((_norm_code(ec.get("sourcecode")), _norm_code(ec.get("targetcode")),
                                 (ec.get("eventcode") or "").strip()))
        out.append({"id": s.get("id"), "category": _category(s.get("category") or ""), "date": s.get("date"),
                    "text": " ".join((s.findtext("Text") or "").split()), "parse": s.findtext("Parse") or "",
                    "expected": expected, "no_events": no_events, "error": error,
                    "options": CoderOptions(**vars(opts))})
    return out


def _category(raw: str) -> str:
    up = raw.upper()
    for c in CATEGORIES:
        if up.startswith(c):
            return c
    return up or "OTHER"


def _day(value: str | None) -> date | None:
    if not value or not re.fullmatch(r"\d{8}", value):
        return None
    return date(int(value[:4]), int(value[4:6]), int(value[6:8]))


def evaluate(ctx: EvalContext) -> dict[str, Any]:
    from ..dictionaries.coder import DiscardError, ParseError, PetrarchCoder, from_spacy, from_treebank
    from ..dictionaries.petrarch import read_petrarch
    from ..errors import EvalError

    folder = ctx.dictionaries or ctx.gold("gold", "petrarch_unit_tests")
    d = read_petrarch([folder])
    if not any(k == "verbs" for k in d.files.values()):
        raise EvalError(f"no PETRARCH verb dictionary under {folder} (pass --dictionaries)")
    coder = PetrarchCoder(d)
    records = list(ctx.take(read_records(ctx.gold("gold", "petrarch_unit_tests", "PETR.UnitTest.records.xml"))))
    mode = os.environ.get("PARLEY_PETRARCH_PARSE", "treebank")
    nlp = ctx.pipeline().res.nlp if mode == "spacy" else None
    per_cat: dict[str, list[int]] = {}
    passed = 0
    errors: list[str] = []
    failed_ids: set[str] = set()
    for r in records:
        got_error = None
        events: set[tuple[str, str, str]] = set()
        try:
            if mode == "spacy":
                sent = from_spacy(nlp(r["text"]))
            else:
                if not r["parse"].strip():
                    raise ParseError("no parse")
                sent = from_treebank(r["parse"], r["options"])
            events = {(a, b, c) for a, b, c, _rule in coder.code(sent, _day(r["date"]), r["options"])}
        except DiscardError as exc:
            got_error = exc.kind
        except ParseError:
            got_error = "bad_input_parse"
        if r["error"]:
            ok = got_error == r["error"] or (r["error"] == "dateline" and not events)
        elif r["no_events"]:
            ok = not events and got_error is None
        else:
            ok = events == set(r["expected"])
        cat = per_cat.setdefault(r["category"], [0, 0])
        cat[0] += int(ok)
        cat[1] += 1
        passed += int(ok)
        if not ok:
            failed_ids.add(r["id"])
            line = (f"FAIL {r['id']} [{r['category']}] {r['text'][:120]}\n   expected "
                    f"{sorted(r['expected']) or ('error ' + r['error'] if r['error'] else 'no events')}"
                    f"\n   got      {sorted(events) or ('error ' + got_error if got_error else 'no events')}")
            errors.append(line)
            if ctx.verbose:
                ctx.log(line)
    nodyad = [r for r in records if any(t == "---" or s_ in {"###"} for s_, t, _ in r["expected"])]
    nodyad_ids = {r["id"] for r in nodyad}
    rest = [r for r in records if r["id"] not in nodyad_ids]
    rest_passed = sum(1 for r in rest if r["id"] not in failed_ids)
    metrics: dict[str, Any] = {"records": len(records), "passed": passed,
                               "pass_rate": round(passed / len(records), 4) if records else 0.0, "parse": mode,
                               "null_dyad_records": len(nodyad),
                               "pass_rate_dyadic_records": round(rest_passed / len(rest), 4) if rest else 0.0}
    for c in sorted(per_cat):
        ok, n = per_cat[c]
        metrics[f"{c}_passed"] = f"{ok}/{n}"
    metrics["_errors"] = errors
    return metrics
