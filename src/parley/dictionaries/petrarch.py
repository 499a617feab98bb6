"""Readers for the PETRARCH/TABARI dictionary formats (an *import format*: never bundled).

Four kinds of file, each read into plain records that keep the file and line they came from:

* **actors** — ``PHRASE [CODE]`` or a block::

      GOLLUM                 # primary phrase (``_`` joins words)
      +SMEAGOL               # synonyms
          [HOB < 950601]     # dated codes: before, ranges, after; first one that holds wins
          [HOBGOV 19950601 - 19990815]
          [HOBREB > 990816]
          [HOB]              # an undated code is the fallback

  ``[ELR/GAL]`` lists several actors, ``[---]`` is the null code. Dates are ``YYMMDD`` or ``YYYYMMDD``.
* **agents** — ``PHRASE {PLURALS} [~GOV]`` (suffix) or ``[NGO~]`` (prefix); ``{}`` = no plural;
  substitution sets ``!PERSON! = MAN, MEN, ...`` expand inside phrases.
* **discards** — one phrase a line; a leading ``+`` discards the whole story, otherwise the sentence.
* **verbs** — synonym sets (``&NAME`` then ``+WORD`` lines) and verb blocks
  ``--- VERB [CODE] ---`` with the verb and its synonyms (``BREAK {BROKE BROKEN}``) followed by
  patterns ``- WORDS * WORDS [CODE]`` (``*`` = the verb, ``$`` source, ``+`` target, ``%`` compound,
  ``^`` skip a noun phrase, ``&SET`` a synonym set, ``(...)``/``{...}`` groupings of PETRARCH-2).

A malformed line is a :class:`~parley.errors.LexiconError` naming the file, line and problem. In
``strict`` mode the first one raises; otherwise each is collected in ``problems`` (the import
command prints them all) and the line is skipped — never silently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable

from ..errors import LexiconError

_CODE_TOKEN = re.compile(r"^[A-Za-z0-9~+#\-]+$")
_DATE_RE = re.compile(r"^\d{6}$|^\d{8}$")


# --------------------------------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class DatedCode:
    code: str  # '' = the null code ---
    start: date | None = None
    end: date | None = None

    def holds(self, day: date | None) -> bool:
        if self.start is None and self.end is None:
            return True
        if day is None:
            return self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None


@dataclass(slots=True)
class ActorRecord:
    phrases: list[str]  # normalised: upper case, words joined by single spaces
    codes: list[list[DatedCode]]  # one list per bracket; ``[A/B]`` gives several codes in one bracket
    where: str  # file:line
    # phrases written with spaces between words (``ITHILEN TELEVISION``, not ``ITHILEN_TELEVISION``):
    # TABARI/PETRARCH let other words of the same noun phrase come between them
    loose: set[str] = field(default_factory=set)

    def codes_at(self, day: date | None) -> list[str]:
        """The codes that apply on ``day``: the first dated bracket that holds, else the undated ones."""
        for bracket in self.codes:
            if bracket and bracket[0].dated and bracket[0].holds(day):
                return [c.code for c in bracket]
        for bracket in self.codes:
            if bracket and not bracket[0].dated:
                return [c.code for c in bracket]
        return []


@dataclass(slots=True)
class AgentRecord:
    phrase: str
    plurals: list[str]
    code: str  # e.g. GOV, GOVFRM
    prefix: bool  # [NGO~]: the code goes before the country
    where: str


@dataclass(slots=True)
class DiscardRecord:
    phrase: str
    story: bool
    where: str


@dataclass(slots=True)
class VerbPattern:
    tokens: list[str]  # upper case; '*' marks the verb
    code: str  # '---' = null; 'a:b' = paired
    verb: str  # the block's primary verb
    where: str

    @property
    def lower(self) -> list[str]:
        i = self.tokens.index("*") if "*" in self.tokens else len(self.tokens)
        return self.tokens[:i]

    @property
    def upper(self) -> list[str]:
        i = self.tokens.index("*") if "*" in self.tokens else len(self.tokens)
        return self.tokens[i + 1:]


@dataclass(slots=True)
class VerbForm:
    words: tuple[str, ...]  # the multi-word form, upper case ("BREAK", "DOWN")
    head: int  # index of the inflected word in ``words``
    verb: str  # block's primary verb
    code: str  # the form's own code (a line's [CODE]) or the block's
    where: str


@dataclass
class PetrarchDictionaries:
    actors: list[ActorRecord] = field(default_factory=list)
    agents: list[AgentRecord] = field(default_factory=list)
    discards: list[DiscardRecord] = field(default_factory=list)
    synsets: dict[str, list[list[str]]] = field(default_factory=dict)  # NAME → alternatives (word lists)
    verb_forms: list[VerbForm] = field(default_factory=list)
    patterns: list[VerbPattern] = field(default_factory=list)
    block_codes: dict[str, str] = field(default_factory=dict)  # primary verb → block code
    problems: list[LexiconError] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)  # path → kind

    def summary(self) -> dict[str, int]:
        return {"actors": len(self.actors), "actor_phrases": sum(len(a.phrases) for a in self.actors),
                "agents": len(self.agents), "discards": len(self.discards), "synsets": len(self.synsets),
                "verb_forms": len(self.verb_forms), "verb_patterns": len(self.patterns),
                "problems": len(self.problems)}


# --------------------------------------------------------------------------------------------- helpers
def norm_phrase(text: str) -> str:
    """'MINAS_TIRITH_' → 'MINAS TIRITH'."""
    return " ".join(text.replace("_", " ").split()).upper()


def parse_petrarch_date(value: str) -> date:
    """YYMMDD (two-digit years 00–29 are 20xx, else 19xx) or YYYYMMDD."""
    if not _DATE_RE.match(value):
        raise ValueError(f"bad date {value!r} (want YYMMDD or YYYYMMDD)")
    if len(value) == 6:
        yy = int(value[:2])
        year = 2000 + yy if yy < 30 else 1900 + yy
        m, d = int(value[2:4]), int(value[4:6])
    else:
        year, m, d = int(value[:4]), int(value[4:6]), int(value[6:8])
    try:
        return date(year, m, d)
    except ValueError as exc:
        raise ValueError(f"bad date {value!r}: {exc}") from None


def parse_code_block(body: str) -> list[DatedCode]:
    """'HOBGOV 19950601 - 19990815' / 'HOB < 950601' / 'ELR/GAL' / '---' → DatedCodes."""
    body = " ".join(body.split())
    m = re.match(r"^(?P<code>[^\s<>]+)?\s*(?P<rest>.*)$", body)
    assert m is not None
    code_part = m.group("code") or ""
    rest = m.group("rest").strip()
    if re.fullmatch(r"\d{6}(\d{2})?\s*-\s*\d{6}(\d{2})?", code_part + rest) and not rest:
        raise ValueError(f"date restriction without a code: [{body}]")
    if re.match(r"^\d", code_part):
        raise ValueError(f"date restriction without a code: [{body}]")
    start = end = None
    if rest:
        if rest.startswith("<"):
            end = parse_petrarch_date(rest[1:].strip()) - timedelta(days=1)
        elif rest.startswith(">"):
            start = parse_petrarch_date(rest[1:].strip()) + timedelta(days=1)
        else:
            parts = [p.strip() for p in rest.split("-")]
            if len(parts) != 2:
                raise ValueError(f"cannot read date restriction {rest!r} (want <DATE, >DATE or DATE-DATE)")
            start, end = parse_petrarch_date(parts[0]), parse_petrarch_date(parts[1])
            if end < start:
                raise ValueError(f"date range ends before it starts: {rest!r}")
    out = []
    for c in code_part.split("/"):
        c = c.strip().upper()
        if not c:
            raise ValueError(f"empty code in [{body}]")
        if not _CODE_TOKEN.match(c):
            raise ValueError(f"bad code {c!r}")
        out.append(DatedCode("" if c == "---" else c, start, end))
    return out


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def _lines(text: str) -> Iterable[tuple[int, str]]:
    """Lines with ``#`` and ``<!-- -->`` comments removed (multi-line HTML comments too)."""
    in_html = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw
        out = ""
        while line:
            if in_html:
                j = line.find("-->")
                if j < 0:
                    line = ""
                    break
                line = line[j + 3:]
                in_html = False
                continue
            i = min([k for k in (line.find("<!--"), line.find("<! --")) if k >= 0], default=-1)
            if i < 0:
                out += line
                break
            out += line[:i]
            line = line[i + 4:]
            in_html = True
        cleaned = _strip_comment(out)
        if cleaned.strip() or not raw.strip():
            yield lineno, cleaned  # comment-only lines vanish; blank lines end synonym sets


class _Reader:
    def __init__(self, d: PetrarchDictionaries, path: str, strict: bool):
        self.d, self.path, self.strict = d, path, strict

    def problem(self, msg: str, line: int) -> None:
        err = LexiconError(msg, path=self.path, line=line)
        if self.strict:
            raise err
        self.d.problems.append(err)


# --------------------------------------------------------------------------------------------- actors
def _loose(raw: str) -> bool:
    """A phrase with a space between two of its words (``_`` joins words that must be adjacent)."""
    return len(raw.strip().split()) > 1


def read_actors(text: str, path: str, d: PetrarchDictionaries, strict: bool = False) -> None:
    r = _Reader(d, path, strict)
    current: ActorRecord | None = None

    def flush() -> None:
        nonlocal current
        if current is not None:
            if not current.codes:
                r.problem(f"actor {current.phrases[0]!r} has no code", int(current.where.rsplit(":", 1)[1]))
            else:
                d.actors.append(current)
        current = None

    for lineno, line in _lines(text):
        if not line.strip():
            continue
        stripped = line.strip()
        brackets = re.findall(r"\[([^\]]*)\]", stripped)
        if stripped.count("[") != stripped.count("]"):
            r.problem(f"unbalanced brackets in {stripped!r}", lineno)
            continue
        head = re.sub(r"\[[^\]]*\]", " ", stripped).strip()
        where = f"{path}:{lineno}"
        if stripped.startswith("+"):
            if current is None:
                r.problem(f"synonym {stripped!r} outside an actor entry", lineno)
                continue
            phrase = norm_phrase(head[1:])
            if phrase:
                current.phrases.append(phrase)
                if _loose(head[1:]):
                    current.loose.add(phrase)
        elif head:
            phrase = norm_phrase(head)
            if current is not None and not current.codes:
                current.phrases.append(phrase)  # consecutive phrases before a code block share it
            else:
                flush()
                current = ActorRecord(phrases=[phrase], codes=[], where=where)
            if _loose(head):
                current.loose.add(phrase)
        elif not brackets:
            continue
        elif current is None:
            r.problem(f"code {stripped!r} outside an actor entry", lineno)
            continue
        for body in brackets:
            try:
                current.codes.append(parse_code_block(body))  # type: ignore[union-attr]
            except ValueError as exc:
                r.problem(str(exc), lineno)
    flush()


# --------------------------------------------------------------------------------------------- agents
def read_agents(text: str, path: str, d: PetrarchDictionaries, strict: bool = False) -> None:
    r = _Reader(d, path, strict)
    subs: dict[str, list[str]] = {}
    for lineno, line in _lines(text):
        s = line.strip()
        if not s:
            continue
        m = re.match(r"^(![A-Z]+!)\s*=\s*(.+)$", s)
        if m:
            subs[m.group(1)] = [norm_phrase(w) for w in m.group(2).split(",") if w.strip()]
            continue
        m = re.match(r"^(?P<phrase>[^\[{]+?)\s*(?:\{(?P<pl>[^}]*)\})?\s*\[(?P<code>[^\]]*)\]\s*$", s)
        if not m:
            r.problem(f"cannot read agent line {s!r} (want PHRASE {{PLURALS}} [~CODE])", lineno)
            continue
        code = m.group("code").strip().upper()
        if "~" not in code or code.count("~") != 1:
            r.problem(f"agent code {code!r} needs one '~' ([~GOV] or [NGO~])", lineno)
            continue
        prefix = code.endswith("~") and not code.startswith("~")
        body = code.strip("~").strip()
        if not re.fullmatch(r"[A-Z0-9]{2,}", body):
            r.problem(f"bad agent code {code!r}", lineno)
            continue
        raw = m.group("phrase").strip()
        plurals_raw = m.group("pl")
        explicit = [] if plurals_raw is None else [norm_phrase(p) for p in plurals_raw.split()]
        phrases = _expand_subs(raw, subs)
        for ph in phrases:
            if not ph:
                continue
            if plurals_raw is None:
                plurals = [_plural(ph)]
            else:
                plurals = explicit
            d.agents.append(AgentRecord(ph, [p for p in plurals if p and p != ph], body, prefix, f"{path}:{lineno}"))


def _expand_subs(raw: str, subs: dict[str, list[str]]) -> list[str]:
    m = re.search(r"![A-Z]+!", raw)
    if not m:
        return [norm_phrase(raw)]
    key = m.group(0)
    alts = subs.get(key)
    if not alts:
        return [norm_phrase(raw.replace(key, ""))]
    out = []
    for a in alts:
        out.extend(_expand_subs(raw[: m.start()] + a.replace(" ", "_") + raw[m.end():], subs))
    return out


def _plural(phrase: str) -> str:
    words = phrase.split()
    last = words[-1]
    if last.endswith(("S", "SH", "CH", "X", "Z")):
        pl = last + "ES"
    elif last.endswith("Y") and len(last) > 1 and last[-2] not in "AEIOU":
        pl = last[:-1] + "IES"
    elif last.endswith("MAN"):
        pl = last[:-3] + "MEN"
    else:
        pl = last + "S"
    return " ".join(words[:-1] + [pl])


# --------------------------------------------------------------------------------------------- discards
def read_discards(text: str, path: str, d: PetrarchDictionaries, strict: bool = False) -> None:
    for lineno, line in _lines(text):
        s = line.strip()
        if not s:
            continue
        story = s.startswith("+")
        phrase = norm_phrase(s[1:] if story else s)
        if phrase:
            d.discards.append(DiscardRecord(phrase, story, f"{path}:{lineno}"))


# --------------------------------------------------------------------------------------------- verbs
_VERB_BLOCK = re.compile(r"^-{3}\s*(?P<verb>[^\[]+?)\s*\[(?P<code>[^\]]*)\](?:\s*\[[^\]]*\])*\s*(?:-{3}\s*)*$")


def verb_inflections(base: str) -> list[str]:
    """Regular forms of an (upper-case) verb: base, 3rd person, past, gerund."""
    b = base
    if b.endswith("E"):
        ing, ed = b[:-1] + "ING", b + "D"
    elif re.search(r"[^AEIOU][AEIOU][BDGLMNPRT]$", b) and len(b) <= 4:
        ing, ed = b + b[-1] + "ING", b + b[-1] + "ED"
    elif b.endswith("Y") and len(b) > 1 and b[-2] not in "AEIOU":
        ing, ed = b + "ING", b[:-1] + "IED"
    else:
        ing, ed = b + "ING", b + "ED"
    if b.endswith(("S", "SH", "CH", "X", "Z", "O")):
        s = b + "ES"
    elif b.endswith("Y") and len(b) > 1 and b[-2] not in "AEIOU":
        s = b[:-1] + "IES"
    else:
        s = b + "S"
    out = [b, s, ed, ing]
    if ing != b + "ING":
        out.append(b + "ING")
    return out


def _verb_words(raw: str) -> tuple[tuple[str, ...], int]:
    """'WIRE_+TAP' → (('WIRE', 'TAP'), 1); '+BREAK_DOWN' → (('BREAK','DOWN'), 0); 'BAN' → (('BAN',), 0)."""
    parts = [p for p in re.split(r"[_\s]+", raw.strip()) if p]
    head = 0
    words = []
    for i, p in enumerate(parts):
        if p.startswith("+"):
            head = i
            p = p[1:]
        words.append(p.upper())
    return tuple(words), head


def read_verbs(text: str, path: str, d: PetrarchDictionaries, strict: bool = False) -> None:
    r = _Reader(d, path, strict)
    synset: str | None = None
    block_verb: str | None = None
    block_code = "---"
    for lineno, line in _lines(text):
        s = line.strip()
        where = f"{path}:{lineno}"
        if not s:
            synset = None
            continue
        if s.startswith("&") and not s.startswith("- "):
            name = s.split()[0].rstrip("_").upper()
            d.synsets.setdefault(name, [])
            synset = name
            continue
        if synset is not None and s.startswith("+"):
            d.synsets[synset].append(norm_phrase(s[1:]).split())
            continue
        synset = None
        m = _VERB_BLOCK.match(s)
        if m:
            block_verb = norm_phrase(m.group("verb"))
            block_code = m.group("code").strip() or "---"
            d.block_codes[block_verb] = block_code
            continue
        if s.startswith("-"):
            if block_verb is None:
                r.problem("pattern outside a verb block", lineno)
                continue
            pm = re.match(r"^-\s*(?P<body>.*?)\s*\[(?P<code>[^\]]*)\]\s*(?:\[[^\]]*\])?\s*$", s)
            if not pm:
                r.problem(f"pattern without [CODE]: {s!r}", lineno)
                continue
            body = pm.group("body")
            tokens = _pattern_tokens(body)
            if "*" not in tokens:
                r.problem(f"pattern has no verb marker '*': {s!r}", lineno)
                continue
            d.patterns.append(VerbPattern(tokens, pm.group("code").strip() or "---", block_verb, where))
            continue
        if block_verb is None:
            r.problem(f"cannot read line {s!r} outside a verb block", lineno)
            continue
        # a verb (or synonym) line: WORD {FORMS} [CODE]  (TABARI ';' comments dropped)
        s = s.split(";", 1)[0].strip()
        vm = re.match(r"^(?P<verb>[^{\[]+?)\s*(?:\{(?P<forms>[^}]*)\})?\s*(?:\[(?P<code>[^\]]*)\])?\s*$", s) or \
            re.match(r"^(?P<verb>[^{\[]+?)\s*(?:\[(?P<code>[^\]]*)\])?\s*(?:\{(?P<forms>[^}]*)\})?\s*$", s)
        if not vm:
            r.problem(f"cannot read verb line {s!r}", lineno)
            continue
        code = (vm.group("code") or "").strip() or block_code
        words, head = _verb_words(vm.group("verb"))
        if not words:
            continue
        forms: list[tuple[tuple[str, ...], int]] = []
        for infl in verb_inflections(words[head]):
            forms.append((words[:head] + (infl,) + words[head + 1:], head))
        if vm.group("forms"):
            for f in vm.group("forms").split():
                forms.append(_verb_words(f))
        seen = set()
        for fw, fh in forms:
            if fw in seen:
                continue
            seen.add(fw)
            d.verb_forms.append(VerbForm(fw, fh, block_verb, code, where))


def _pattern_tokens(body: str) -> list[str]:
    """Pattern text → tokens. '_' joins words that must be adjacent; we keep '_' as its own token."""
    body = body.replace("(", " ( ").replace(")", " ) ").replace("{", " { ").replace("}", " } ")
    out: list[str] = []
    for chunk in body.split():
        pieces = chunk.split("_")
        for i, p in enumerate(pieces):
            if p:
                out.append(p.upper())
            if i < len(pieces) - 1:
                out.append("_")
    # collapse repeated/edge '_'
    cleaned: list[str] = []
    for t in out:
        if t == "_" and (not cleaned or cleaned[-1] == "_"):
            continue
        cleaned.append(t)
    while cleaned and cleaned[-1] == "_":
        cleaned.pop()
    return cleaned


# --------------------------------------------------------------------------------------------- files
def sniff_kind(path: Path, text: str) -> str | None:
    """Which kind of PETRARCH file this is, from its name, else its content."""
    name = path.name.lower()
    if name.split(".")[0] in {"license", "source", "readme", "changes", "notice"}:
        return None
    for kind, keys in (("verbs", ("verb", "cameo.2", "cameo.verbpatterns")), ("agents", ("agent",)),
                       ("discards", ("discard",)), ("actors", ("actor",))):
        if any(k in name for k in keys):
            return kind
    if "issuecoding" in name or "preposition" in name:
        return None
    if re.search(r"^-{3}\s*\S+.*\[.*\]\s*-{3}\s*$", text, re.M):
        return "verbs"
    if re.search(r"\[~[A-Z]+\]|\[[A-Z]+~\]", text):
        return "agents"
    if re.search(r"\[[A-Z-]{3,}[^\]]*\]", text):
        return "actors"
    return None


_READERS = {"actors": read_actors, "agents": read_agents, "discards": read_discards, "verbs": read_verbs}


def read_petrarch(paths: Iterable[str | Path], strict: bool = False,
                  kinds: dict[str, str] | None = None) -> PetrarchDictionaries:
    """Read PETRARCH dictionary files (or folders of them) into one :class:`PetrarchDictionaries`."""
    d = PetrarchDictionaries()
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(x for x in p.iterdir() if x.is_file() and x.suffix.lower() == ".txt"))
        elif p.exists():
            files.append(p)
        else:
            raise LexiconError("no such dictionary file or folder", path=str(p))
    for f in files:
        try:
            text = f.read_text("utf-8")
        except UnicodeDecodeError:
            text = f.read_text("latin-1")
        kind = (kinds or {}).get(str(f)) or sniff_kind(f, text)
        if kind is None:
            continue
        d.files[str(f)] = kind
        _READERS[kind](text, str(f), d, strict)
    return d
