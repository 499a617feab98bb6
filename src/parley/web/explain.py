"""Explanations of events for the web app: which words, which lexicon entries, which rule.

An event's explanation is its ``rule`` (lexicon file, line and pattern, plus any frame that recoded it), its verb,
its actors (text, code and, when the sentence is coded live, the knowledge-base entries used) and the sentence with
character spans to highlight (``source``, ``target``, ``verb``, other ``actor`` mentions).

* Events coded live (``POST /api/code``, or a stored event re-coded with ``trace``) have exact spans from the
  parse: token offsets of the mentions and of the predicate.
* Stored events keep the texts but not the offsets: :func:`stored_spans` finds them in the sentence again
  (the verb as a whole word, preferring the occurrence between the two actors).
"""
from __future__ import annotations

import re
from typing import Any

RULE_RE = re.compile(r"^(?P<file>[^\s:\[]+):(?P<line>\d+)\s*\[(?P<pattern>[^\]]*)\](?P<rest>.*)$")
FRAME_RE = re.compile(r"\+\s*(?P<kind>[\w-]+)\s+frame\s+(?P<file>[^\s:]+):(?P<line>\d+)\s*(?:→|->)\s*(?P<code>\d+)")


def parse_rule(rule: str | None) -> dict[str, Any]:
    """``data/verbs/04_consult.txt:18 [040 hold =talks] + intent frame data/frames.tsv:29 → 039`` → parts."""
    out: dict[str, Any] = {"text": rule or "", "file": None, "line": None, "pattern": None, "pattern_code": None,
                           "frames": []}
    if not rule:
        return out
    m = RULE_RE.match(rule.strip())
    if not m:
        return out
    out["file"], out["line"], out["pattern"] = m["file"], int(m["line"]), m["pattern"].strip()
    head = out["pattern"].split(None, 1)[0] if out["pattern"] else ""
    out["pattern_code"] = head if head.isdigit() else None
    for f in FRAME_RE.finditer(m["rest"]):
        out["frames"].append({"kind": f["kind"], "file": f["file"], "line": int(f["line"]), "code": f["code"]})
    return out


TAIL_STOP = frozenset("the of and for his her its their says said president minister leader leaders officials "
                      "government".split())


def _find_all(text: str, needle: str, word: bool) -> list[int]:
    if not needle:
        return []
    pat = re.escape(needle)
    if word:
        pat = r"(?<!\w)" + pat + r"(?!\w)"
    hits = [m.start() for m in re.finditer(pat, text)]
    if not hits:
        hits = [m.start() for m in re.finditer(pat, text, flags=re.IGNORECASE)]
    return hits


def stored_spans(sentence: str, source_text: str | None, target_text: str | None,
                 verb_text: str | None) -> list[dict[str, Any]]:
    """Spans (start, end, role, text) of a stored event's actors and verb in its sentence, left to right."""
    spans: list[dict[str, Any]] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def place(role: str, text: str | None, starts: list[int], prefer: float | None = None) -> int | None:
        if not text:
            return None
        cands = [s for s in starts if free(s, s + len(text))]
        if not cands:
            return None
        s = min(cands, key=lambda x: abs(x - prefer)) if prefer is not None else cands[0]
        taken.append((s, s + len(text)))
        spans.append({"start": s, "end": s + len(text), "role": role, "text": sentence[s:s + len(text)]})
        return s

    def actor(role: str, text: str | None, prefer: float | None) -> int | None:
        # a composed actor text ("presidents of United States") may not stand in the sentence as written:
        # fall back to its longest tail of words that does ("United States")
        words = (text or "").split()
        for i in range(len(words)):
            tail = " ".join(words[i:])
            if len(tail) < 3 or tail.lower() in TAIL_STOP:
                break
            got = place(role, tail, _find_all(sentence, tail, True), prefer)
            if got is not None:
                return got
        return None

    s0 = actor("source", source_text, None)
    t0 = actor("target", target_text, None if s0 is None else s0)
    if verb_text:
        anchors = [x for x in (s0, t0) if x is not None]
        prefer = sum(anchors) / len(anchors) if anchors else None
        place("verb", verb_text, _find_all(sentence, verb_text, True), prefer=prefer)
    return sorted(spans, key=lambda x: x["start"])


def stored_explanation(ev: dict[str, Any]) -> dict[str, Any]:
    """The explanation of a stored event (a row of ``events`` as a dict)."""
    sentence = ev.get("sentence") or ""
    return {
        "rule": parse_rule(ev.get("rule")),
        "verb": ev.get("verb_text"),
        "code": {"cameo": ev.get("cameo"), "name": ev.get("cameo_name"), "root": ev.get("root"),
                 "quad_class": ev.get("quad_class"), "goldstein": ev.get("goldstein"),
                 "plover": {"event": ev.get("plover_event"), "mode": ev.get("plover_mode"),
                            "context": ev.get("plover_context")}},
        "actors": [{"role": role, "text": ev.get(f"{role}_text"), "code": ev.get(f"{role}_code"),
                    "country": ev.get(f"{role}_country"), "sector": ev.get(f"{role}_sector"), "entry": None,
                    "kind": None}
                   for role in ("source", "target") if ev.get(f"{role}_code")],
        "date": {"date": ev.get("date"), "precision": ev.get("date_precision"), "source": ev.get("date_source")},
        "sentence": sentence,
        "spans": stored_spans(sentence, ev.get("source_text"), ev.get("target_text"), ev.get("verb_text")),
        "exact_spans": False,
    }


# -- events coded live ----------------------------------------------------------------------------------------

def _mention_span(doc: Any, m: Any, offset: int) -> tuple[int, int]:
    first, last = doc[m.start], doc[m.end - 1]
    return first.idx - offset, last.idx + len(last.text) - offset


def live_explanation(art: Any, ev: Any) -> dict[str, Any]:
    """The explanation of an event of a coded :class:`~parley.model.Article` (its Doc still attached)."""
    doc = art.doc
    sent = art.sentences[ev.sentence_index] if 0 <= ev.sentence_index < len(art.sentences) else None
    offset = sent.start_char if sent is not None else 0
    sentence = sent.text if sent is not None else ev.sentence
    spans: list[dict[str, Any]] = []
    actors = []
    used: set[tuple[int, int]] = set()
    for role, m, a in (("source", ev.source_mention, ev.source), ("target", ev.target_mention, ev.target)):
        if a is None:
            continue
        actors.append({"role": role, "text": a.text, "code": a.code, "country": a.country, "sector": a.sector,
                       "entry": a.entry or (m.actor.entry if m is not None else None),
                       "kind": m.kind if m is not None else None})
        if m is not None and doc is not None and m.sentence_index == ev.sentence_index:
            s, e = _mention_span(doc, m, offset)
            if (s, e) not in used:
                used.add((s, e))
                spans.append({"start": s, "end": e, "role": role, "text": sentence[s:e]})
    if doc is not None and ev.verb_index >= 0:
        tok = doc[ev.verb_index]
        s = tok.idx - offset
        spans.append({"start": s, "end": s + len(tok.text), "role": "verb", "text": tok.text})
    for m in art.mentions:
        if m.sentence_index != ev.sentence_index or doc is None:
            continue
        s, e = _mention_span(doc, m, offset)
        if all(e <= x["start"] or s >= x["end"] for x in spans):
            spans.append({"start": s, "end": e, "role": "actor", "text": sentence[s:e], "code": m.actor.code,
                          "entry": m.actor.entry})
    spans.sort(key=lambda x: x["start"])
    return {
        "rule": parse_rule(ev.rule),
        "verb": ev.verb_text,
        "code": {"cameo": ev.cameo, "name": ev.cameo_name, "root": ev.root, "quad_class": ev.quad_class,
                 "goldstein": ev.goldstein, "plover": ev.plover},
        "actors": actors,
        "date": {"date": ev.date, "precision": ev.date_precision, "source": ev.date_source},
        "sentence": sentence,
        "spans": spans,
        "exact_spans": True,
    }


def coded_response(art: Any) -> dict[str, Any]:
    """The body of ``POST /api/code``: the events, each with its explanation, and the actor mentions."""
    doc = art.doc
    mentions = []
    for m in art.mentions:
        item = {"sentence_index": m.sentence_index, "text": m.text, "code": m.actor.code, "kind": m.kind,
                "entry": m.actor.entry, "start": None, "end": None}
        if doc is not None:
            item["start"], item["end"] = doc[m.start].idx, doc[m.end - 1].idx + len(doc[m.end - 1].text)
        mentions.append(item)
    events = []
    for ev in art.events:
        d = ev.to_dict()
        d["explanation"] = live_explanation(art, ev)
        events.append(d)
    return {"date": art.date, "sentences": [{"index": s.index, "text": s.text, "start": s.start_char,
                                             "end": s.end_char} for s in art.sentences],
            "mentions": mentions, "events": events}


def trace_stored(coder: Any, ev: dict[str, Any]) -> dict[str, Any]:
    """Re-code a stored event's sentence and explain the matching event (exact spans, knowledge-base entries).

    The sentence is coded alone, so context from the rest of its article (earlier mentions, the dateline) is
    missing; when no event with the same code and actors comes out, ``reproduced`` is False.
    """
    sentence = ev.get("sentence") or ""
    art = coder.code_article(sentence, date=ev.get("pub_date") or ev.get("date"))
    best = None
    for cand in art.events:
        score = (cand.cameo == ev.get("cameo")) * 4 + (cand.source.code == ev.get("source_code")) * 2 + \
            ((cand.target.code if cand.target else None) == ev.get("target_code")) * 1
        if best is None or score > best[0]:
            best = (score, cand)
    if best is None or best[0] < 4:
        return {"reproduced": False, "events": len(art.events),
                "mentions": [{"text": m.text, "code": m.actor.code, "kind": m.kind, "entry": m.actor.entry}
                             for m in art.mentions]}
    out = live_explanation(art, best[1])
    out["reproduced"] = best[0] == 7
    return out
