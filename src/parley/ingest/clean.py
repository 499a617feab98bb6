"""Clean one article: HTML → text, page chrome out, title, publication-date stamp, dateline.

Stage contract: requires ``text`` or ``html``; assigns ``body``, ``title``, ``date``/``date_source``
(only when the record gave none), ``dateline``.
"""
from __future__ import annotations

import re
from typing import Any

from ..errors import InputError
from ..model import Article
from ..options import Options
from .. import when

# Words that make up page chrome (share bars, font-size switches, comment counters, ...).
CHROME_WORDS = frozenset("""
comments comment print mail email e-mail share large medium small font size text tweet facebook twitter
linkedin whatsapp reddit pinterest subscribe login log in sign up register newsletter related more
advertisement advertising sponsored home menu search close next previous prev back top read also click
here save bookmark copy link reprint feedback rss sms recommend like follow us a a+ a- views view
""".split())
_TOKEN_RE = re.compile(r"[A-Za-z][A-Za-z+\-]*|\d+|[^\sA-Za-z\d]")
_CJK_RE = re.compile(r"[\u3000-\u9fff\uac00-\ud7af]")
_STAMP_RE = re.compile(
    r"^\s*(?:(?:last\s+)?updated|published|posted|date|first published)\s*(?:on|at)?\s*[:\-–]?\s*(?P<date>.+?)\s*$",
    re.I)
_BYLINE_RE = re.compile(r"^\s*(?:by|source|editor|photo|file photo)\s*:\s*\S.{0,80}$", re.I)

# "MOSCOW -", "WASHINGTON (Reuters) —", "KABUL, Afghanistan, July 3 (AP) --"
_DATELINE_RE = re.compile(
    r"^(?P<place>[A-Z][A-Z\.'\- ]{1,40}[A-Z\.](?:,\s*[A-Z][A-Za-z\.' ]{1,30}?)?)"
    r"(?:,\s*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s*)?"
    r"(?P<day>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}))?"
    r"\s*(?:\((?P<agency>[A-Za-z][A-Za-z .&/-]{0,30})\))?\s*(?:-{1,2}|–|—|:|_)\s+(?=\S)")


def _is_chrome_line(line: str) -> bool:
    """A line made mostly of share/print/font-size words, counters and symbols, with no sentence."""
    stripped = line.strip()
    if not stripped:
        return False
    words = [t.lower() for t in _TOKEN_RE.findall(_CJK_RE.sub(" ", stripped))]
    alpha = [w for w in words if w[0].isalpha()]
    if not alpha:
        # only numbers/symbols/CJK: a counter or a button bar
        return len(stripped) < 80
    chrome = sum(1 for w in alpha if w.strip("+-") in CHROME_WORDS or w.endswith("()"))
    if stripped.endswith((".", "?", "!", '"', "”")) and len(alpha) > 6:
        return False
    return chrome / len(alpha) >= 0.6 and len(alpha) <= 25


def html_to_text(html: str) -> tuple[str, dict[str, Any]]:
    """Main text and metadata (title, date) of an HTML page via trafilatura."""
    import trafilatura

    def extract(**kw: Any) -> dict[str, Any]:
        got = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, **kw)
        if got is None:
            return {}
        return got if isinstance(got, dict) else got.as_dict()

    doc = extract(include_tables=False, favor_precision=True)
    if not (doc.get("text") or "").strip():
        # fall back to recall-oriented extraction before giving up
        doc = extract(favor_recall=True)
    meta = {k: doc.get(k) for k in ("title", "date", "url", "sitename")}
    return (doc.get("text") or ""), meta


def clean_article(article: Article, opts: Options) -> Article:
    if article.html is not None:
        text, meta = html_to_text(article.html)
        if not text.strip():
            raise InputError(f"{article.origin}: no article text found in HTML", reason="empty",
                             origin=article.origin)
        # chrome stamps survive in the raw text sometimes; keep a visible-stamp pass below
        article.text = text
        article.title = article.title or meta.get("title")
        article.url = article.url or meta.get("url")
        article.source = article.source or meta.get("sitename")
        if not article.date and meta.get("date"):
            article.date = when.iso_date(meta["date"])
            article.date_source = "html-meta" if article.date else None
    paragraphs = _paragraphs(article.text)
    if not paragraphs:
        raise InputError(f"{article.origin}: empty document", reason="empty", origin=article.origin)
    # Title: a plain-text file's first short line without end punctuation, followed by a break.
    if article.html is None and len(paragraphs) > 1 and _looks_like_title(paragraphs[0]) \
            and not when.stamp_line(paragraphs[0]):
        article.title = article.title or paragraphs[0]
        paragraphs = paragraphs[1:]
    elif article.title and paragraphs and paragraphs[0].strip() == article.title.strip():
        paragraphs = paragraphs[1:]
    body: list[str] = []
    for para in paragraphs:
        if _is_chrome_line(para) or _BYLINE_RE.match(para):
            continue
        # a visible stamp line ("Updated: 2012-07-19 08:02", a bare "Friday, January 4, 2019")
        found = when.stamp_line(para) if len(body) < 3 or _STAMP_RE.match(para) else None
        if found:
            if not article.date:
                article.date, article.date_source = found, "stamp"
            continue
        body.append(para)
    if body and article.html is not None and article.title and len(article.title.split()) >= 2 \
            and body[0].startswith(article.title.strip() + " "):
        # extracted HTML may run the headline into the first paragraph
        body[0] = body[0][len(article.title.strip()) + 1:]
    if body:
        m = _DATELINE_RE.match(body[0])
        if m and _plausible_dateline(m):
            article.dateline = {"place": m.group("place").strip().rstrip(","), "agency": m.group("agency"),
                                "day": m.group("day")}
            body[0] = body[0][m.end():]
    if not article.date and article.url:
        found = when.date_from_url(article.url)
        if found:
            article.date, article.date_source = found, "url"
    if not article.date:
        article.date_source = "none"
    text = "\n\n".join(body).strip()
    if not text:
        raise InputError(f"{article.origin}: nothing left to code after removing page chrome",
                         reason="empty", origin=article.origin)
    if len(text) > opts.max_chars_per_article:
        text = text[: opts.max_chars_per_article]
        article.warnings.append(f"truncated to {opts.max_chars_per_article} characters")
    article.body = text
    return article


clean_article.assigns = ("body", "title", "date", "date_source", "dateline")  # type: ignore[attr-defined]
clean_article.requires = ("text|html",)  # type: ignore[attr-defined]


_HONORIFICS = {"MR", "MRS", "MS", "DR", "Q", "A", "SEN", "REP", "GEN", "THE", "PRESIDENT", "SECRETARY"}


def _plausible_dateline(m: re.Match) -> bool:
    """A dateline names a place in at most three capitalised words ("SALT LAKE CITY"); an all-caps
    headline ("INVOKING A NATIONAL EMERGENCY:") or a speaker tag ("MS. LEAVITT:") is not one. A colon
    ends a dateline only when a country or state follows the place ("BANTUL, Indonesia:")."""
    place = m.group("place")
    caps = place.split(",")[0].split()
    if len(place) > 45 or not caps or len(caps) > 3:
        return False
    if caps[0].rstrip(".") in _HONORIFICS:
        return False
    sep = m.group(0).rstrip()[-1]
    if sep == ":" and "," not in place:
        return False
    return True


def _paragraphs(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paras = []
    for block in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        # lines inside a block: keep chrome/stamp lines apart, join the rest
        current: list[str] = []
        for k, ln in enumerate(lines):
            if _is_chrome_line(ln) or (_STAMP_RE.match(ln) and len(ln) < 80) or (k == 0 and when.stamp_line(ln)):
                if current:
                    paras.append(" ".join(current))
                    current = []
                paras.append(ln)
            else:
                current.append(ln)
        if current:
            paras.append(" ".join(current))
    return [re.sub(r"[ \t\u00a0]+", " ", p) for p in paras]


def _looks_like_title(line: str) -> bool:
    return 3 <= len(line) <= 200 and not line.rstrip().endswith((".", "!", "?", ":", ",")) \
        and len(line.split()) <= 25
