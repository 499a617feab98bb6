"""When: publication-date stamps and event dates resolved against the publication date.

Stage contract (:func:`date_events`): requires ``Article.date`` and events with their verb token
index; assigns ``Event.date``, ``date_precision``, ``date_source`` and ``historical``.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, Iterable

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], start=1)}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate(
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"])}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_ISO_RE = re.compile(r"(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})")
_MDY_RE = re.compile(_MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)", re.I)
_DMY_RE = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(?P<y>(?:19|20)\d\d)", re.I)
_URL_RE = re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>[01]?\d)[/-](?P<d>[0-3]?\d)(?:/|[^\d]|$)")


def _mk(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def iso_date(value: Any) -> str | None:
    """Normalise a date-like value (date, datetime, ISO or common written form) to YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return parse_stamp(str(value))


def parse_stamp(text: str) -> str | None:
    """A complete calendar date in a short stamp ("2012-07-19 08:02", "Friday, January 4, 2019")."""
    s = text.strip()
    if not s or len(s) > 80:
        return None
    for rx in (_ISO_RE, _MDY_RE, _DMY_RE):
        m = rx.search(s)
        if m:
            mon = m.group("mon") if "mon" in m.groupdict() else None
            month = MONTHS.get(mon.lower().rstrip(".")) if mon else int(m.group("m"))
            if month is None and mon:
                month = MONTHS.get(mon.lower()[:3])
            return _mk(int(m.group("y")), int(month), int(m.group("d")))
    return None


def date_from_url(url: str) -> str | None:
    m = _URL_RE.search(url)
    return _mk(int(m.group("y")), int(m.group("m")), int(m.group("d"))) if m else None


def resolve_expression(expr: str, pub: date) -> tuple[str, str] | None:
    """Resolve one temporal expression against the publication date → (ISO date, precision)."""
    s = " ".join(expr.lower().replace(",", " ").split())
    if not s:
        return None
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", s):
        return pub.isoformat(), "day"
    if re.search(r"\b(yesterday|last night)\b", s):
        return (pub - timedelta(days=1)).isoformat(), "day"
    if re.search(r"\btomorrow\b", s):
        return (pub + timedelta(days=1)).isoformat(), "day"
    full = parse_stamp(s)
    if full:
        return full, "day"
    for name, wd in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", s):
            if re.search(rf"\bnext {name}\b", s):
                delta = (wd - pub.weekday()) % 7 or 7
                return (pub + timedelta(days=delta)).isoformat(), "day"
            delta = (pub.weekday() - wd) % 7
            if re.search(rf"\blast {name}\b", s) and delta == 0:
                delta = 7
            return (pub - timedelta(days=delta)).isoformat(), "day"
    m = re.search(_MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b", s) or \
        re.search(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON, s)
    if m:
        month = MONTHS[m.group("mon").rstrip(".")[:3] if m.group("mon")[:4] != "sept" else "sept"]
        got = _mk(pub.year, month, int(m.group("d")))
        if got and date.fromisoformat(got) > pub + timedelta(days=7):
            got = _mk(pub.year - 1, month, int(m.group("d")))
        if got:
            return got, "day"
    m = re.search(_MON + r"\s+(?P<y>(?:19|20)\d\d)\b", s)
    if m:
        month = MONTHS[m.group("mon").rstrip(".")[:3]]
        return date(int(m.group("y")), month, 1).isoformat(), "month"
    if re.search(r"\blast week\b", s):
        return (pub - timedelta(days=7)).isoformat(), "week"
    if re.search(r"\bthis week\b", s):
        return pub.isoformat(), "week"
    if re.search(r"\b(earlier|late|later) this month\b|\bthis month\b", s):
        return pub.replace(day=1).isoformat(), "month"
    if re.search(r"\blast month\b", s):
        first = pub.replace(day=1) - timedelta(days=1)
        return first.replace(day=1).isoformat(), "month"
    if re.search(r"\blast year\b", s):
        return date(pub.year - 1, 1, 1).isoformat(), "year"
    m = re.search(r"\b(?:in|during|since)\s+(?P<y>(?:19|20)\d\d)\b", s) or re.fullmatch(r"(?P<y>(?:19|20)\d\d)", s)
    if m:
        return date(int(m.group("y")), 1, 1).isoformat(), "year"
    for mon, num in MONTHS.items():
        if len(mon) > 3 and re.search(rf"\bin {mon}\b", s):
            y = pub.year if num <= pub.month else pub.year - 1
            return date(y, num, 1).isoformat(), "month"
    return None


_TEMPORAL_DEPS = {"npadvmod", "tmod", "advmod", "prep", "obl", "nmod"}
_TEMPORAL_PREPS = {"on", "in", "at", "during", "since", "by", "until", "before", "after", "over", "late", "early"}
_CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "parataxis", "conj"}


def temporal_phrases(verb: Any) -> list[str]:
    """Temporal expressions attached to a verb token (its own clause only, not nested clauses)."""
    out: list[str] = []
    for child in verb.children:
        if child.dep_ in _CLAUSE_DEPS:
            continue
        if child.dep_ == "prep" and child.lower_ in _TEMPORAL_PREPS:
            toks = [t for t in child.subtree]
            if any(t.ent_type_ in {"DATE", "TIME"} or t.lower_ in WEEKDAYS for t in toks):
                out.append(" ".join(t.text for t in toks))
        elif child.ent_type_ in {"DATE", "TIME"} or child.lower_ in {"yesterday", "today", "tonight", "tomorrow"}:
            toks = [t for t in child.subtree]
            out.append(" ".join(t.text for t in toks))
    return out


def date_event(verb: Any, pub_iso: str | None, dateline_day: str | None = None) -> tuple[str | None, str | None, str]:
    """(date, precision, source) for an event whose predicate is ``verb``."""
    if not pub_iso:
        return None, None, "none"
    pub = date.fromisoformat(pub_iso)
    head = verb
    # an xcomp/conj predicate inherits the governing verb's time when it has none
    for _ in range(3):
        for expr in temporal_phrases(head):
            got = resolve_expression(expr, pub)
            if got:
                return got[0], got[1], "text"
        if head.dep_ in {"xcomp", "conj"} and head.head is not head:
            head = head.head
        else:
            break
    if dateline_day:
        got = resolve_expression(dateline_day, pub)
        if got:
            return got[0], got[1], "dateline"
    return pub.isoformat(), "day", "publication"


def is_historical(event_iso: str | None, pub_iso: str | None, days: int) -> bool:
    if not event_iso or not pub_iso:
        return False
    return (date.fromisoformat(pub_iso) - date.fromisoformat(event_iso)).days > days


def dates_in(texts: Iterable[str]) -> list[str]:  # pragma: no cover - helper for callers
    return [d for d in (parse_stamp(t) for t in texts) if d]


class EventDater:
    """Stage: date each event from its own clause and re-choose people's roles by that date."""

    assigns = ("events.date", "events.date_precision", "events.date_source", "events.historical")
    requires = ("doc", "events", "date")

    def __init__(self, options: Any):
        self.historical_days = options.historical_days

    def __call__(self, article: Any) -> Any:
        from .actors.resolve import actor_at

        doc = article.doc
        day = article.dateline.get("day") if article.dateline else None
        kept = []
        for ev in article.events:
            if ev.verb_index >= 0 and doc is not None:
                ev.date, ev.date_precision, ev.date_source = date_event(doc[ev.verb_index], article.date, day)
            else:
                ev.date, ev.date_precision, ev.date_source = article.date, "day", "publication"
            ev.historical = is_historical(ev.date, article.date, self.historical_days)
            when_day = date.fromisoformat(ev.date) if ev.date else None
            if ev.source_mention is not None and ev.source_mention.person is not None:
                ev.source = actor_at(ev.source_mention, when_day)
            if ev.target_mention is not None and ev.target_mention.person is not None:
                ev.target = actor_at(ev.target_mention, when_day)
                if not ev.target.code:
                    ev.target = None
            if ev.source.code:
                kept.append(ev)
        article.events = kept
        return article
