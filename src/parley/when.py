"""When: publication-date stamps and event dates resolved against the publication date.

Stage contract (:class:`EventDater`): requires ``Article.date`` and events with their verb token
index; assigns ``Event.date``, ``date_precision``, ``date_source`` and ``historical``.

Temporal expressions are resolved by the rules in :func:`resolve_expression`, not by dateparser:
measured on the expression types below, dateparser takes ~0.1 s per call after a slow first call,
returns the previous week for a weekday equal to the reference day, the reference day of the month
for "in June 2012" and nothing for "late on Tuesday" or "earlier this month". The rules here cover
weekdays, relative days/weeks/months/years, written dates with or without a year, months, years and
ranges, and answer a (date, precision) pair with precision ``day``/``week``/``month``/``year``.

An expression counts for an event only when it hangs off the event's clause in the dependency
parse (the predicate, its arguments, or the governing predicate of an xcomp/conj chain), never
because it merely occurs somewhere in the sentence.
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
WEEKDAYS_SHORT = {d[:3]: i for d, i in WEEKDAYS.items()}
_MON = (r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
        r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_MON2 = _MON.replace("?P<mon>", "?P<mon2>")
_ISO_RE = re.compile(r"(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})")
_MDY_RE = re.compile(r"\b" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
_DMY_RE = re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r",?\s+(?P<y>(?:19|20)\d\d)\b", re.I)
# "/2019/03/14/" or "2019-03-14" in a URL; not "/2026/08/2-million-donation"
_URL_RE = re.compile(r"/(?P<y>(?:19|20)\d\d)/(?P<m>[01]?\d)/(?P<d>[0-3]?\d)(?:/|\.html?|\?|#|$)"
                     r"|(?<!\d)(?P<y2>(?:19|20)\d\d)-(?P<m2>[01]\d)-(?P<d2>[0-3]\d)(?!\d)")
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                 "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "several": 3,
                 "few": 3, "a few": 3, "couple": 2, "a couple of": 2}

# Words a visible stamp line may contain besides the date itself.
_STAMP_WORDS = frozenset("""
updated update last published posted date dated first on at am pm a.m. p.m. gmt utc bst cet cest est edt
pst pdt cst cdt mst mdt ist jst msk et pt local time by modified
""".split()) | set(WEEKDAYS) | set(WEEKDAYS_SHORT) | set(MONTHS)
_STAMP_PREFIX_RE = re.compile(
    r"^\s*(?:(?:last\s+)?updated|published|posted|dated?|first published|modified)\s*(?:on|at)?\s*[:\-–]?\s*",
    re.I)


def _mk(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


def _month(name: str) -> int:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTHS.get("sept" if key.startswith("sept") else key[:3], 0)


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
            month = _month(m.group("mon")) if "mon" in m.groupdict() else int(m.group("m"))
            return _mk(int(m.group("y")), month, int(m.group("d")))
    return None


def stamp_line(line: str) -> str | None:
    """The date of a line that is a visible date stamp and nothing else.

    "Updated: 2012-07-19 08:02", "Friday, January 4, 2019", "Published 3 March 2020 | 10:15 GMT" are
    stamps; "Putin met Obama on July 4, 2019" is a sentence, not a stamp, and gives None.
    """
    s = line.replace("\u00a0", " ").strip()
    if not s or len(s) > 80:
        return None
    m = _STAMP_PREFIX_RE.match(s)
    if m is None and s.endswith((".", ",", ";")) and not re.search(r"\b[A-Z][a-z]{2}\.$", s):
        return None  # the end of a sentence wrapped onto its own line ("... on Monday,\nApril 21, 2025.")
    rest = s[m.end():] if m else s
    found = parse_stamp(rest)
    if not found:
        return None
    words = re.findall(r"[A-Za-z][A-Za-z.]*", rest)
    leftover = [w for w in words if w.lower().rstrip(".") not in _STAMP_WORDS and w.lower() not in _STAMP_WORDS
                and not re.fullmatch(r"(?:st|nd|rd|th|of|T|Z)", w)]
    return found if not leftover else None


def date_from_url(url: str) -> str | None:
    m = _URL_RE.search(url)
    if not m:
        return None
    if m.group("y"):
        return _mk(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return _mk(int(m.group("y2")), int(m.group("m2")), int(m.group("d2")))


# --------------------------------------------------------------------------- expression resolver

_PRECISION_ORDER = {"day": 0, "week": 1, "month": 2, "year": 3}


def _span_precision(a: date, b: date) -> str:
    """The finest precision that covers the range a..b (a <= b)."""
    if a == b:
        return "day"
    if (b - a).days <= 6:
        return "week"
    if (a.year, a.month) == (b.year, b.month):
        return "month"
    return "year"


def _weekday_back(pub: date, wd: int) -> date:
    """The most recent given weekday on or before ``pub``."""
    return pub - timedelta(days=(pub.weekday() - wd) % 7)


def _day_month(month: int, day: int, pub: date, year: int | None) -> date | None:
    """A day of a month; without a year, the one nearest before the publication date (a week of slack)."""
    if year is not None:
        got = _mk(year, month, day)
        return date.fromisoformat(got) if got else None
    got = _mk(pub.year, month, day)
    if got and date.fromisoformat(got) > pub + timedelta(days=7):
        got = _mk(pub.year - 1, month, day)
    return date.fromisoformat(got) if got else None


def _month_start(month: int, pub: date, year: int | None) -> date:
    if year is not None:
        return date(year, month, 1)
    return date(pub.year if month <= pub.month else pub.year - 1, month, 1)


_RANGE_SEP = r"\s*(?:-|–|—|to|through|until|till|and)\s*"
_MONTH_DAY_RANGE = re.compile(
    r"\b" + _MON + r"\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?" + _RANGE_SEP
    + r"(?:" + _MON2 + r"\s+)?(?P<d2>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>(?:19|20)\d\d))?")
_DAY_MONTH_RANGE = re.compile(
    r"\b(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:\s+" + _MON2 + r")?" + _RANGE_SEP
    + r"(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r"(?:,?\s+(?P<y>(?:19|20)\d\d))?")
_WEEKDAY_RANGE = re.compile(
    r"\b(?:from|between)\s+(?P<w1>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    + _RANGE_SEP + r"(?P<w2>monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b")
_YEAR_RANGE = re.compile(r"\b(?P<y1>(?:19|20)\d\d)\s*(?:-|–|to|and|through|until)\s*(?P<y2>(?:19|20)?\d\d)\b")
_MONTH_RANGE = re.compile(r"\b(?:from|between)\s+" + _MON + _RANGE_SEP + _MON2 + r"(?:\s+(?P<y>(?:19|20)\d\d))?\b")


def _resolve_range(s: str, pub: date) -> tuple[str, str] | None:
    m = _MONTH_DAY_RANGE.search(s) or _DAY_MONTH_RANGE.search(s)
    if m:
        mon1 = _month(m.group("mon2") or m.group("mon")) if m.re is _DAY_MONTH_RANGE else _month(m.group("mon"))
        mon2 = _month(m.group("mon")) if m.re is _DAY_MONTH_RANGE else _month(m.group("mon2") or m.group("mon"))
        y = int(m.group("y")) if m.group("y") else None
        a = _day_month(mon1, int(m.group("d1")), pub, y)
        b = _day_month(mon2, int(m.group("d2")), pub, y)
        if a and b:
            if b < a:  # "December 30 - January 2"
                a = a.replace(year=a.year - 1) if y is None or mon1 > mon2 else a
            if a <= b:
                return a.isoformat(), _span_precision(a, b)
    m = _WEEKDAY_RANGE.search(s)
    if m:
        b = _weekday_back(pub, WEEKDAYS[m.group("w2")])
        a = b - timedelta(days=(WEEKDAYS[m.group("w2")] - WEEKDAYS[m.group("w1")]) % 7)
        return a.isoformat(), _span_precision(a, b)
    m = _MONTH_RANGE.search(s)
    if m:
        y = int(m.group("y")) if m.group("y") else None
        a = _month_start(_month(m.group("mon")), pub, y)
        b = _month_start(_month(m.group("mon2")), pub, y)
        if b >= a:
            return a.isoformat(), "month" if a == b else "year"
    m = _YEAR_RANGE.search(s)
    if m:
        y1 = int(m.group("y1"))
        y2 = m.group("y2")
        y2 = int(y2) if len(y2) == 4 else y1 // 100 * 100 + int(y2)
        if y1 <= y2:
            return date(y1, 1, 1).isoformat(), "year"
    return None


def _count(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def resolve_expression(expr: str, pub: date, future: bool = False) -> tuple[str, str] | None:
    """Resolve one temporal expression against the reference (publication) date → (ISO date, precision).

    Weekdays name the most recent such day on or before the reference day (a Wednesday story's
    "on Wednesday" is that same Wednesday); "next <weekday>" looks forward. With ``future`` (the
    clause is in the future tense: "will meet on Friday") weekdays, days and months without a year
    name the next such day on or after the reference day.
    """
    s = " ".join(expr.lower().replace(",", " ").replace("\u00a0", " ").split())
    if not s:
        return None
    full = parse_stamp(s)
    rng = _resolve_range(s, pub)
    if rng:
        return rng
    if full:
        return full, "day"
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", s):
        return pub.isoformat(), "day"
    if re.search(r"\b(yesterday|last night)\b", s):
        return (pub - timedelta(days=1)).isoformat(), "day"
    if re.search(r"\bday before yesterday\b", s):
        return (pub - timedelta(days=2)).isoformat(), "day"
    if re.search(r"\btomorrow\b", s):
        return (pub + timedelta(days=1)).isoformat(), "day"
    m = re.search(r"\b(?P<n>\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|several|few)"
                  r"\s+(?P<unit>day|week|month|year)s?\s+(?:ago|earlier|before)\b", s)
    if m and _count(m.group("n")):
        n = _count(m.group("n")) or 1
        unit = m.group("unit")
        if unit == "day":
            return (pub - timedelta(days=n)).isoformat(), "day"
        if unit == "week":
            return (pub - timedelta(days=7 * n)).isoformat(), "week"
        if unit == "month":
            y, mo = divmod(pub.year * 12 + pub.month - 1 - n, 12)
            return date(y, mo + 1, 1).isoformat(), "month"
        return date(pub.year - n, 1, 1).isoformat(), "year"
    for name, wd in WEEKDAYS.items():
        if re.search(rf"\b{name}\b", s):
            if re.search(rf"\bnext {name}\b", s):
                delta = (wd - pub.weekday()) % 7 or 7
                return (pub + timedelta(days=delta)).isoformat(), "day"
            got = pub + timedelta(days=(wd - pub.weekday()) % 7) if future else _weekday_back(pub, wd)
            if re.search(rf"\blast {name}\b", s) and got == pub:
                got -= timedelta(days=7)
            return got.isoformat(), "day"
    m = re.search(r"\b" + _MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?::|\d))", s) or \
        re.search(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MON + r"(?!\w)", s)
    if m:
        got_d = _day_month(_month(m.group("mon")), int(m.group("d")), pub, None)
        if future and got_d is not None and got_d < pub:
            got_d = _day_month(_month(m.group("mon")), int(m.group("d")), pub, got_d.year + 1)
        if got_d:
            return got_d.isoformat(), "day"
    m = re.search(r"\b" + _MON + r"\s+(?:of\s+)?(?P<rel>last|this|next) year\b", s)
    if m:  # "in March last year"
        y = pub.year + {"last": -1, "this": 0, "next": 1}[m.group("rel")]
        return date(y, _month(m.group("mon")), 1).isoformat(), "month"
    m = re.search(r"\bon the (?P<d>\d{1,2})(?:st|nd|rd|th)\b", s)
    if m:  # "on the 17th": this month, or last month when that is still to come
        d = int(m.group("d"))
        got = _mk(pub.year, pub.month, d)
        if got is None or date.fromisoformat(got) > pub:
            prev = pub.replace(day=1) - timedelta(days=1)
            got = _mk(prev.year, prev.month, d)
        if got:
            return got, "day"
    m = re.search(r"\b" + _MON + r"\s+(?:of\s+)?(?P<y>(?:19|20)\d\d)\b", s)
    if m:
        return date(int(m.group("y")), _month(m.group("mon")), 1).isoformat(), "month"
    if re.search(r"\b(?:last|past|previous) weekend\b|\bthe weekend\b|\bweekend\b", s):
        sat = _weekday_back(pub, 5)
        if re.search(r"\b(?:last|past|previous) weekend\b", s) and pub - sat < timedelta(days=2):
            sat -= timedelta(days=7)
        return sat.isoformat(), "week"
    if re.search(r"\b(?:last|past|previous) week\b|\ba week ago\b", s):
        monday = pub - timedelta(days=pub.weekday() + 7)
        return monday.isoformat(), "week"
    if re.search(r"\b(?:this|earlier this|later this) week\b", s):
        return (pub - timedelta(days=pub.weekday())).isoformat(), "week"
    if re.search(r"\bnext week\b", s):
        return (pub - timedelta(days=pub.weekday()) + timedelta(days=7)).isoformat(), "week"
    if re.search(r"\b(?:earlier |later |late |early )?this month\b", s):
        return pub.replace(day=1).isoformat(), "month"
    if re.search(r"\b(?:last|past|previous) month\b", s):
        first = pub.replace(day=1) - timedelta(days=1)
        return first.replace(day=1).isoformat(), "month"
    if re.search(r"\bnext month\b", s):
        nxt = (pub.replace(day=28) + timedelta(days=4)).replace(day=1)
        return nxt.isoformat(), "month"
    if re.search(r"\b(?:earlier |later |late |early )?this year\b", s):
        return date(pub.year, 1, 1).isoformat(), "year"
    if re.search(r"\b(?:last|past|previous) year\b", s):
        return date(pub.year - 1, 1, 1).isoformat(), "year"
    m = re.search(r"\b(?:(?:in|during|since|of|by|until|before|after)\s+(?:(?:early|late|mid|the)[\s-]+)?)"
                  + _MON + r"(?!\w)", s)
    if m:
        return _month_start(_month(m.group("mon")), pub, None).isoformat(), "month"
    m = re.search(r"\b(?:in|during|since|of|by|until|before|after)\s+(?:(?:early|late|mid|the)[\s-]+)?"
                  r"(?P<y>(?:19|20)\d\d)\b", s) or re.fullmatch(r"(?:(?:early|late|mid)[\s-]+)?(?P<y>(?:19|20)\d\d)", s)
    if m:
        return date(int(m.group("y")), 1, 1).isoformat(), "year"
    m = re.fullmatch(r"(?:(?:early|late|mid)[\s-]+)?" + _MON, s)
    if m:
        return _month_start(_month(m.group("mon")), pub, None).isoformat(), "month"
    return None


# --------------------------------------------------------------------------- dependency linking

# Prepositions whose object dates the event. Not "until/by/before/after": a deadline or a reference
# point ("extended the mandate until March") is not when the event happened.
_TEMPORAL_PREPS = {"on", "in", "at", "during", "since", "over", "from", "between", "through", "throughout",
                   "of", "around"}
_CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "relcl", "acl", "csubj", "csubjpass", "parataxis", "conj", "pcomp"}
_TIME_WORDS = {"yesterday", "today", "tonight", "tomorrow", "week", "weekend", "month", "year", "ago",
               "morning", "afternoon", "evening", "night"} | set(WEEKDAYS) | set(MONTHS)
_ARG_DEPS = {"dobj", "obj", "attr", "nsubjpass", "oprd"}
_EVENT_NOUNS = {"attack", "raid", "clash", "fighting", "bombing", "strike", "airstrike", "ambush", "explosion",
                "blast", "shelling", "assault", "offensive", "operation", "protest", "demonstration", "rally",
                "meeting", "talks", "summit", "vote", "election", "visit", "ceremony", "shooting"}


def _phrase_tokens(tok: Any) -> list[Any]:
    """The subtree of ``tok`` without nested clauses (a date inside a relative clause is not ours)."""
    out = []
    stack = [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ not in _CLAUSE_DEPS or t is tok and c.dep_ == "pcomp")
    return sorted(out, key=lambda t: t.i)


def _is_temporal(toks: list[Any]) -> bool:
    return any(t.ent_type_ in {"DATE", "TIME"} or t.lower_ in _TIME_WORDS for t in toks)


def temporal_phrases(verb: Any, with_args: bool = True) -> list[str]:
    """Temporal expressions attached to a predicate (its own clause only, not nested clauses).

    Looks at the predicate's prepositional/adverbial/noun-phrase modifiers and, when ``with_args``,
    at temporal modifiers of its object (spaCy often hangs "on Monday" off the object).
    """
    out: list[str] = []
    holders = [verb]
    if with_args:
        holders += [c for c in verb.children if c.dep_ in _ARG_DEPS]
        # "killed in an attack on Monday": the date of the event noun the predicate is about
        holders += [g for c in verb.children if c.dep_ == "prep" and c.lower_ in {"in", "during", "at"}
                    for g in c.children if g.dep_ == "pobj" and g.lemma_.lower() in _EVENT_NOUNS]
        # "Monday's attack killed five": a temporal possessive of the subject
        for c in verb.children:
            if c.dep_ in {"nsubj", "nsubjpass"}:
                for p in c.children:
                    if p.dep_ == "poss" and (p.lower_ in WEEKDAYS or p.ent_type_ == "DATE"):
                        out.append(" ".join(t.text for t in _phrase_tokens(p) if t.dep_ != "case"))
    for holder in holders:
        for child in holder.children:
            if child.dep_ in _CLAUSE_DEPS - {"pcomp"} or child.dep_ in {"nsubj", "punct", "cc", "aux", "auxpass"}:
                continue
            if holder is not verb and child.dep_ not in {"prep", "npadvmod", "advmod", "tmod", "nmod", "obl"}:
                continue
            if child.dep_ == "prep" and child.lower_ not in _TEMPORAL_PREPS:
                continue
            toks = _phrase_tokens(child)
            if child.dep_ == "prep":
                objs = [t for t in toks if t is not child]
                if not objs or not _is_temporal(objs):
                    continue
                if child.lower_ == "from":
                    # "from Monday to Wednesday": the parser often hangs the two ends apart
                    end = next((c for c in holder.children if c.dep_ == "prep" and c.i > child.i
                                and c.lower_ in {"to", "until", "till", "through"}
                                and _is_temporal(_phrase_tokens(c))), None)
                    if end is not None:
                        toks = toks + _phrase_tokens(end)
                out.append(" ".join(t.text for t in toks))
            elif child.ent_type_ in {"DATE", "TIME"} or child.lower_ in _TIME_WORDS or \
                    (child.dep_ in {"advmod", "npadvmod"} and _is_temporal(toks)):
                out.append(" ".join(t.text for t in toks))
    return out


_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_PLAN_VERBS = frozenset({"plan", "schedule", "expect", "intend", "due", "set"})


def _is_future(verb: Any) -> bool:
    """Future tense ("will meet", "is due to meet", "plans to visit")."""
    t = verb
    for _ in range(3):
        if any(c.dep_ == "aux" and c.lower_ in _FUTURE_AUX for c in t.children):
            return True
        if t.dep_ == "xcomp" and t.head is not t:
            if t.head.lemma_.lower() in _PLAN_VERBS:
                return True
            t = t.head
            continue
        break
    return False


def date_event(verb: Any, pub_iso: str | None, dateline_day: str | None = None) -> tuple[str | None, str | None, str]:
    """(date, precision, source) for an event whose predicate is ``verb``."""
    if not pub_iso:
        return None, None, "none"
    pub = date.fromisoformat(pub_iso)
    ref = pub
    dl = resolve_expression(dateline_day, pub) if dateline_day else None
    if dl and dl[1] == "day" and date.fromisoformat(dl[0]) <= pub:
        ref = date.fromisoformat(dl[0])  # relative expressions count from the dateline's day
    head = verb
    # an xcomp/conj predicate inherits the governing predicate's time when it has none
    for _ in range(4):
        future = _is_future(head)
        found = [got for expr in temporal_phrases(head) if (got := resolve_expression(expr, ref, future))]
        if found:
            best = min(found, key=lambda g: _PRECISION_ORDER[g[1]])
            return best[0], best[1], "text"
        if head.dep_ in {"xcomp", "conj"} and head.head is not head:
            head = head.head
        else:
            break
    if dl:
        return dl[0], dl[1], "dateline"
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
        self.code_undated = options.code_undated

    def __call__(self, article: Any) -> Any:
        from .actors.resolve import actor_at

        if not article.date and not self.code_undated:
            if article.events:
                article.warnings.append("no publication date: events not kept (option code_undated)")
            article.events = []
            return article
        doc = article.doc
        day = article.dateline.get("day") if article.dateline else None
        kept = []
        for ev in article.events:
            if ev.verb_index >= 0 and doc is not None:
                ev.date, ev.date_precision, ev.date_source = date_event(doc[ev.verb_index], article.date, day)
            elif article.date:
                ev.date, ev.date_precision, ev.date_source = article.date, "day", "publication"
            else:
                ev.date, ev.date_precision, ev.date_source = None, None, "none"
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
