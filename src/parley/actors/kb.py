"""The actor knowledge base: data files under ``parley/data/actors`` with a schema and a loader.

Files (tab-separated, ``#`` comments, a header row naming the columns):

* ``countries.tsv`` — iso3, names, adjectives, metonyms. Official names are added from pycountry.
* ``orgs.tsv`` — code, country, sector, names.
* ``people.tsv`` — names, code, start, end, role (one row per dated role).
* ``agents.tsv`` — sector, phrases.

A malformed file raises :class:`~parley.errors.LexiconError` naming the file and line; nothing
is ever half-loaded. See ``data/actors/SCHEMA.md`` for the full schema, including the optional
extensions used by imported dictionaries (``#! match: case-insensitive``, long/prefix agent codes).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import LexiconError

_ISO3_RE = re.compile(r"^[A-Z]{3}$")
_CODE_RE = re.compile(r"^[A-Z]{3}[A-Z0-9]{0,12}$")
_SECTOR_RE = re.compile(r"^[A-Z]{3}$")
# agents.tsv may carry a longer code (GOVFRM: several 3-letter sectors) or a prefix code (NGO~)
_AGENT_CODE_RE = re.compile(r"^(?:[A-Z]{3}(?:[A-Z0-9]{3})*|[A-Z]{3}(?:[A-Z0-9]{3})*~)$")
_FOLD_DIRECTIVE = re.compile(r"^#!\s*match:\s*case-insensitive\s*$", re.I | re.M)
SPECIAL_COUNTRIES = {"IGO", "NGO", "MNC", "IMG", "XKX", "PSE", "TWN"}


@dataclass(frozen=True, slots=True)
class Role:
    code: str
    country: str | None
    sector: str | None
    start: date | None
    end: date | None
    label: str = ""

    def holds(self, day: date | None) -> bool:
        if day is None:
            return self.end is None
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(slots=True)
class Entry:
    """One knowledge-base entry. ``kind``: country | adjective | metonym | org | person | agent."""

    key: str  # stable id: file:line
    kind: str
    country: str | None = None
    sector: str | None = None
    code: str | None = None
    roles: list[Role] = field(default_factory=list)
    label: str = ""
    prefix: bool = False  # agent codes written before the country (NGO~ → NGOARN)

    def role_at(self, day: date | None) -> Role | None:
        for role in self.roles:
            if role.holds(day):
                return role
        return None


def _parse_date(value: str, path: str, line: int) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LexiconError(f"bad date {value!r} (want YYYY-MM-DD)", path=path, line=line) from None


def split_code(code: str) -> tuple[str | None, str | None]:
    """'RUSGOV' → ('RUS', 'GOV'); 'IGOUNO' → ('IGO', 'IGO'); 'GOV' → (None, 'GOV')."""
    if len(code) == 3 and code in _SECTORS_ONLY:
        return None, code
    country = code[:3]
    rest = code[3:6] or None
    if country in {"IGO", "NGO", "MNC"}:
        return country, country
    return country, rest


_SECTORS_ONLY = {"GOV", "MIL", "COP", "REB", "OPP", "LEG", "JUD", "CVL", "MED", "REF", "HLH", "BUS", "ELI",
                 "EDU", "LAB", "REL", "SPY", "UAF", "CRM", "AGR", "ENV", "PTY", "IGO", "NGO", "MNC", "INS", "SEP"}


def _rows(path: Path, text: str, columns: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
    header_seen = False
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = raw.split("\t")
        if not header_seen:
            if [c.strip() for c in cells] != columns:
                raise LexiconError(f"header must be {columns}, got {cells}", path=str(path), line=lineno)
            header_seen = True
            continue
        if len(cells) > len(columns):
            raise LexiconError(f"expected {len(columns)} tab-separated columns, got {len(cells)}",
                               path=str(path), line=lineno)
        cells += [""] * (len(columns) - len(cells))
        yield lineno, dict(zip(columns, (c.strip() for c in cells)))
    if not header_seen:
        raise LexiconError(f"no header row {columns}", path=str(path))


def _alts(value: str) -> list[str]:
    return [v.strip() for v in value.split("|") if v.strip()]


class KnowledgeBase:
    """Surface phrase → entries. Build with :meth:`load`."""

    def __init__(self) -> None:
        self.phrases: dict[str, list[Entry]] = {}
        self.folded: dict[str, list[Entry]] = {}  # case-insensitive phrases (agents)
        self.entries: list[Entry] = []
        self.countries: dict[str, str] = {}  # iso3 → display name
        self.sources: list[str] = []  # files loaded, in order

    # -- building -------------------------------------------------------------------------
    def add_phrase(self, phrase: str, entry: Entry, *, fold: bool = False) -> None:
        phrase = " ".join(phrase.split())
        if not phrase:
            return
        table = self.folded if fold else self.phrases
        key = phrase.lower() if fold else phrase
        bucket = table.setdefault(key, [])
        if entry not in bucket:
            bucket.append(entry)

    @classmethod
    def load(cls, folder: str | Path | None = None, *, include_pycountry: bool = True,
             extra: "list[str | Path] | None" = None) -> "KnowledgeBase":
        """The built-in tables (or those in ``folder``), then each folder of ``extra`` on top (imported
        dictionaries: their phrases are looked up before the built-in ones)."""
        kb = cls._load_one(folder, include_pycountry=include_pycountry)
        for more in extra or ():
            kb.merge(cls._load_one(more, include_pycountry=False), override=True)
        return kb

    def merge(self, other: "KnowledgeBase", *, override: bool = False) -> None:
        """Add ``other``'s entries; with ``override`` its phrases shadow ours."""
        self.entries.extend(other.entries)
        for iso, name in other.countries.items():
            self.countries.setdefault(iso, name)
        for mine, theirs in ((self.phrases, other.phrases), (self.folded, other.folded)):
            for phrase, entries in theirs.items():
                if override or phrase not in mine:
                    mine[phrase] = list(entries)
                else:
                    mine[phrase].extend(e for e in entries if e not in mine[phrase])
        self.sources.extend(other.sources)

    @classmethod
    def _load_one(cls, folder: str | Path | None = None, *, include_pycountry: bool = True) -> "KnowledgeBase":
        kb = cls()
        if folder is None:
            base = resources.files("parley").joinpath("data/actors")
            files = {name: (f"data/actors/{name}", base.joinpath(name).read_text("utf-8"))
                     for name in ("countries.tsv", "orgs.tsv", "people.tsv", "agents.tsv")}
        else:
            root = Path(folder)
            files = {}
            if not root.is_dir():
                raise LexiconError("knowledge-base folder not found", path=str(root))
            for name in ("countries.tsv", "orgs.tsv", "people.tsv", "agents.tsv"):
                p = root / name
                if p.exists():
                    files[name] = (str(p), p.read_text("utf-8"))
        kb.sources.extend(v[0] for v in files.values())
        if "countries.tsv" in files:
            kb._load_countries(*files["countries.tsv"])
        if include_pycountry:
            kb._load_pycountry()
        if "orgs.tsv" in files:
            kb._load_orgs(*files["orgs.tsv"])
        if "people.tsv" in files:
            kb._load_people(*files["people.tsv"])
        if "agents.tsv" in files:
            kb._load_agents(*files["agents.tsv"])
        return kb

    def _load_countries(self, path: str, text: str) -> None:
        seen: set[str] = set()
        for line, row in _rows(Path(path), text, ["iso3", "names", "adjectives", "metonyms"]):
            iso = row["iso3"]
            if not _ISO3_RE.match(iso):
                raise LexiconError(f"bad ISO3 code {iso!r}", path=path, line=line)
            if iso in seen:
                raise LexiconError(f"duplicate country {iso}", path=path, line=line)
            seen.add(iso)
            names = _alts(row["names"])
            if not names:
                raise LexiconError(f"country {iso} has no name", path=path, line=line)
            self.countries.setdefault(iso, names[0])
            key = f"{Path(path).name}:{line}"
            for kind, col in (("country", "names"), ("adjective", "adjectives"), ("metonym", "metonyms")):
                sector = "GOV" if kind == "metonym" else None
                entry = Entry(key=key, kind=kind, country=iso, sector=sector,
                              code=iso + (sector or ""), label=names[0])
                self.entries.append(entry)
                for phrase in _alts(row[col]):
                    self.add_phrase(phrase, entry)
                    if phrase.startswith("the "):
                        self.add_phrase(phrase[4:], entry)

    def _load_pycountry(self) -> None:
        try:
            import pycountry
        except ImportError:  # pragma: no cover - dependency
            return
        for c in pycountry.countries:
            iso = c.alpha_3
            entry = Entry(key=f"pycountry:{iso}", kind="country", country=iso, code=iso, label=c.name)
            self.countries.setdefault(iso, c.name)
            for attr in ("name", "official_name", "common_name"):
                val = getattr(c, attr, None)
                if val and val not in self.phrases:
                    self.add_phrase(val, entry)

    def _load_orgs(self, path: str, text: str) -> None:
        fold = bool(_FOLD_DIRECTIVE.search(text))
        for line, row in _rows(Path(path), text, ["code", "country", "sector", "names"]):
            code = row["code"]
            if not _CODE_RE.match(code):
                raise LexiconError(f"bad actor code {code!r}", path=path, line=line)
            if row["sector"] and not _SECTOR_RE.match(row["sector"]):
                raise LexiconError(f"bad sector {row['sector']!r}", path=path, line=line)
            names = _alts(row["names"])
            if not names:
                raise LexiconError(f"organisation {code} has no name", path=path, line=line)
            # a bare 3-letter code that is its own country (GON, FRA) composes like a country name
            kind = "country" if len(code) == 3 and row["country"] == code and not row["sector"] else "org"
            entry = Entry(key=f"{Path(path).name}:{line}", kind=kind, country=row["country"] or None,
                          sector=row["sector"] or None, code=code, label=names[0])
            self.entries.append(entry)
            for phrase in names:
                self.add_phrase(phrase, entry, fold=fold)

    def _load_people(self, path: str, text: str) -> None:
        fold = bool(_FOLD_DIRECTIVE.search(text))
        by_names: dict[str, Entry] = {}
        for line, row in _rows(Path(path), text, ["names", "code", "start", "end", "role"]):
            code = row["code"]
            if not _CODE_RE.match(code):
                raise LexiconError(f"bad actor code {code!r}", path=path, line=line)
            names = _alts(row["names"])
            if not names:
                raise LexiconError("person row has no name", path=path, line=line)
            start = _parse_date(row["start"], path, line)
            end = _parse_date(row["end"], path, line)
            if start and end and end < start:
                raise LexiconError(f"role ends ({end}) before it starts ({start})", path=path, line=line)
            country, sector = split_code(code)
            role = Role(code=code, country=country, sector=sector, start=start, end=end, label=row["role"])
            ident = names[0]
            entry = by_names.get(ident)
            if entry is None:
                entry = Entry(key=f"{Path(path).name}:{line}", kind="person", label=ident)
                by_names[ident] = entry
                self.entries.append(entry)
                for phrase in names:
                    self.add_phrase(phrase, entry, fold=fold)
            entry.roles.append(role)
        for entry in by_names.values():
            # dated roles by start date; a role with neither start nor end is the fallback, tried last
            entry.roles.sort(key=lambda r: (r.start is None and r.end is None, r.start or date.min))

    def _load_agents(self, path: str, text: str) -> None:
        seen: dict[str, int] = {}
        generated: list[tuple[str, Entry]] = []
        for line, row in _rows(Path(path), text, ["sector", "phrases"]):
            code = row["sector"]
            if not _AGENT_CODE_RE.match(code):
                raise LexiconError(f"bad sector {code!r} (want a 3-letter sector such as GOV, a longer code "
                                   f"such as GOVFRM, or a prefix code such as NGO~)", path=path, line=line)
            prefix = code.endswith("~")
            code = code.rstrip("~")
            entry = Entry(key=f"{Path(path).name}:{line}", kind="agent", sector=code[:3], code=code, label=code,
                          prefix=prefix)
            self.entries.append(entry)
            for phrase in _alts(row["phrases"]):
                low = phrase.lower()
                if low in seen:
                    raise LexiconError(f"agent phrase {phrase!r} already listed on line {seen[low]}",
                                       path=path, line=line)
                seen[low] = line
                self.add_phrase(phrase, entry, fold=True)
                for form in _plurals(low) + _singulars(low):
                    generated.append((form, entry))
        # regular plurals of singular phrases and singulars of plural ones ("soldiers" → "soldier"), only
        # where no line lists that form itself
        for form, entry in generated:
            if form not in seen and " ".join(form.split()) not in self.folded:
                self.add_phrase(form, entry, fold=True)

    def iter_phrases(self) -> Iterable[tuple[str, bool]]:
        for p in self.phrases:
            yield p, False
        for p in self.folded:
            yield p, True


_NOT_PLURAL = {"news", "arms", "means", "series", "species", "police", "people", "forces", "politics",
               "headquarters", "services", "affairs", "relations", "customs", "elections"}


def _singulars(phrase: str) -> list[str]:
    words = phrase.split()
    last = words[-1]
    if not last.isalpha() or len(last) < 4 or last in _NOT_PLURAL or last.endswith(("ss", "us", "is", "ics")):
        return []
    if last.endswith("ies"):
        sg = last[:-3] + "y"
    elif last.endswith("men"):
        sg = last[:-3] + "man"
    elif last.endswith(("ches", "shes", "xes")):
        sg = last[:-2]
    elif last.endswith("s"):
        sg = last[:-1]
    else:
        return []
    return [" ".join(words[:-1] + [sg])]


def _plurals(phrase: str) -> list[str]:
    words = phrase.split()
    last = words[-1]
    if last.endswith(("s", "ia")) or not last.isalpha():
        return []
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        pl = last[:-1] + "ies"
    elif last.endswith(("ch", "sh", "x")):
        pl = last + "es"
    elif last.endswith("man"):
        pl = last[:-3] + "men"
    else:
        pl = last + "s"
    return [" ".join(words[:-1] + [pl])]
