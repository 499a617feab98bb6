"""PETRARCH records → parley's own structures.

* actors with dated codes → ``people.tsv`` rows (one per dated code; an undated code is the fallback role);
  actors with one undated code → ``orgs.tsv`` rows (a bare country code composes like a country name);
* agents → ``agents.tsv`` (``GOVFRM`` long codes, ``NGO~`` prefix codes);
* discards → ``discards.txt`` (one phrase a line, ``+`` = whole story);
* verb patterns that map onto parley's dependency patterns → ``verbs/petrarch.txt`` in the verb-lexicon
  syntax (``verb =object prep:object prep:@``); patterns with words before the verb, source/compound
  markers or skipped phrases cannot be expressed there and are counted as ``unmapped``.

The same tables are used in memory (``parley code --dictionaries FOLDER-OF-PETRARCH-FILES``) and written
to disk by ``parley dictionaries import``; either way the knowledge-base loader validates them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import LexiconError
from .petrarch import PetrarchDictionaries, read_petrarch

FOLD = "#! match: case-insensitive"
_CODE_OK = re.compile(r"^[A-Z]{3}[A-Z0-9]{0,12}$")
_PREPS = {"ABOUT", "ABOVE", "ACROSS", "AFTER", "AGAINST", "ALONG", "AMONG", "AROUND", "AS", "AT", "BEFORE",
          "BEHIND", "BETWEEN", "BY", "DOWN", "DURING", "FOR", "FROM", "IN", "INTO", "NEAR", "OF", "OFF", "ON",
          "ONTO", "OUT", "OVER", "THROUGH", "TO", "TOWARD", "TOWARDS", "UNDER", "UNTIL", "UP", "UPON", "WITH",
          "WITHIN", "WITHOUT", "AWAY", "BACK"}
_PARTICLES = {"UP", "DOWN", "OUT", "OFF", "AWAY", "BACK", "IN", "ON", "OVER"}
_SKIP_WORDS = {"A", "AN", "THE", "ITS", "THEIR", "HIS", "HER", "NEW", "OF"}
_LEMMA_OK = re.compile(r"^[a-z][a-z'\-]*$")


@dataclass
class Tables:
    files: dict[str, str] = field(default_factory=dict)  # relative name → text
    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # 'file:line: why'


def _tsv_cell(text: str) -> str:
    return text.replace("\t", " ").replace("|", " ").strip()


def _singular(word: str) -> str:
    w = word.lower()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 4 and w.endswith(("ches", "shes", "sses", "xes")):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def actor_tables(d: PetrarchDictionaries, t: Tables) -> None:
    people = [FOLD, "# imported from PETRARCH actor dictionaries by parley (dated codes)",
              "names\tcode\tstart\tend\trole"]
    orgs = [FOLD, "# imported from PETRARCH actor dictionaries by parley (undated codes)",
            "code\tcountry\tsector\tnames"]
    n_people = n_orgs = 0
    for rec in d.actors:
        names = "|".join(dict.fromkeys(_tsv_cell(p) for p in rec.phrases if _tsv_cell(p)))
        if not names:
            continue
        brackets = [b for b in rec.codes if b]
        dated = any(b[0].dated for b in brackets)
        usable = []
        for b in brackets:
            code = b[0].code.upper()
            if not _CODE_OK.match(code):
                t.skipped.append(f"{rec.where}: code {code or '---'!r} has no country/sector form; not imported")
                continue
            usable.append((code, b[0]))
        if not usable:
            continue
        if dated:
            for code, dc in usable:
                people.append("\t".join([names, code, dc.start.isoformat() if dc.start else "",
                                         dc.end.isoformat() if dc.end else "", f"imported {rec.where}"]))
            n_people += 1
        else:
            code = usable[0][0]
            sector = code[3:6] if re.fullmatch(r"[A-Z]{3}", code[3:6]) else ""
            orgs.append("\t".join([code, code[:3], sector, names]))
            n_orgs += 1
    t.files["people.tsv"] = "\n".join(people) + "\n"
    t.files["orgs.tsv"] = "\n".join(orgs) + "\n"
    t.counts.update(people=n_people, orgs=n_orgs)


def agent_tables(d: PetrarchDictionaries, t: Tables) -> None:
    by_code: dict[str, list[str]] = {}
    seen: set[str] = set()
    for a in d.agents:
        code = a.code + ("~" if a.prefix else "")
        if not re.fullmatch(r"[A-Z]{3}(?:[A-Z0-9]{3})*~?", code):
            t.skipped.append(f"{a.where}: agent code {code!r} is not made of 3-letter sectors; not imported")
            continue
        for ph in [a.phrase] + a.plurals:
            low = _tsv_cell(ph).lower()
            if low and low not in seen:
                seen.add(low)
                by_code.setdefault(code, []).append(low)
    lines = ["# imported from PETRARCH agent dictionaries by parley", "sector\tphrases"]
    for code, phrases in by_code.items():
        lines.append(f"{code}\t{'|'.join(phrases)}")
    t.files["agents.tsv"] = "\n".join(lines) + "\n"
    t.counts["agents"] = len(seen)


def discard_table(d: PetrarchDictionaries, t: Tables) -> None:
    lines = ["# imported discards: a phrase a line; '+' = discard the whole story"]
    for x in d.discards:
        lines.append(("+" if x.story else "") + x.phrase.lower())
    t.files["discards.txt"] = "\n".join(lines) + "\n"
    t.counts["discards"] = len(d.discards)


def _expand(token: str, d: PetrarchDictionaries) -> list[str] | None:
    """A single-word pattern element → lower-case alternatives (synsets expanded), None if multi-word."""
    if token.startswith("&"):
        out: list[str] = []
        for alt in d.synsets.get(token.rstrip("_"), []):
            if len(alt) != 1:
                return None
            out.extend(_expand(alt[0], d) or [])
        return out or None
    return [token]


def map_pattern(tokens: list[str], verb_words: tuple[str, ...], d: PetrarchDictionaries) -> str | None:
    """PETRARCH pattern tokens → parley pattern text (without the code), or None if it cannot map."""
    i = tokens.index("*")
    if tokens[:i]:
        return None  # words before the verb
    upper = [x for x in tokens[i + 1:] if x not in {"(", ")", "{", "}", "_"}]
    head = "_".join(w.lower() for w in verb_words)
    if not all(_LEMMA_OK.match(w.lower()) for w in verb_words) or len(verb_words) > 2:
        return None
    if len(verb_words) == 2 and verb_words[1] not in _PARTICLES:
        return None
    els: list[str] = []
    obj_done = False
    j = 0
    while j < len(upper):
        w = upper[j]
        if w in _SKIP_WORDS:
            j += 1
            continue
        if w in {"$", "%", "^"}:
            return None
        if w == "+":
            if obj_done or els:
                return None
            els.append("@")
            obj_done = True
            j += 1
            continue
        if w in _PREPS and not w.startswith("&"):
            nxt = upper[j + 1] if j + 1 < len(upper) else None
            while nxt in _SKIP_WORDS:
                j += 1
                nxt = upper[j + 1] if j + 1 < len(upper) else None
            if nxt is None:
                if len(verb_words) == 1 and w in _PARTICLES and not els:
                    head = f"{head}_{w.lower()}"
                    j += 1
                    continue
                els.append(f"{w.lower()}:*")
                j += 1
                continue
            if nxt == "+":
                els.append(f"{w.lower()}:@")
                j += 2
                continue
            alts = _expand(nxt, d)
            if alts is None or nxt in {"$", "%", "^"} or nxt in _PREPS:
                return None
            lem = sorted({_singular(a) for a in alts})
            if not all(_LEMMA_OK.match(x) for x in lem):
                return None
            els.append(f"{w.lower()}:{'/'.join(lem)}")
            j += 2
            continue
        alts = _expand(w, d)
        if alts is None or obj_done:
            return None
        # a noun phrase: the object head is its last word before a preposition/marker
        k = j
        while k + 1 < len(upper) and upper[k + 1] not in _PREPS and upper[k + 1] not in {"+", "$", "%", "^"} \
                and not upper[k + 1].startswith("&"):
            k += 1
        alts = _expand(upper[k], d)
        if alts is None:
            return None
        lem = sorted({_singular(a) for a in alts})
        if not all(_LEMMA_OK.match(x) for x in lem):
            return None
        els.append("=" + "/".join(lem))
        obj_done = True
        j = k + 1
    return " ".join([head] + els)


def verb_table(d: PetrarchDictionaries, t: Tables, codes: set[str] | None = None) -> None:
    """Map what maps; ``codes`` = the CAMEO codes parley's ontology knows (others are skipped)."""
    lines = ["# imported from a PETRARCH verb dictionary by parley: the patterns that map onto",
             "# parley's dependency patterns (see parley/events/lexicon.py)."]
    first_by_where: dict[str, tuple[str, ...]] = {}
    bases_by_verb: dict[str, list[tuple[str, ...]]] = {}
    for f in d.verb_forms:
        if f.where not in first_by_where:
            first_by_where[f.where] = f.words
            bases_by_verb.setdefault(f.verb, []).append(f.words)
    seen: set[tuple[str, str]] = set()
    mapped = unmapped = 0

    def emit(code: str, text: str) -> None:
        nonlocal mapped
        code = code.split(":")[0].strip()
        if codes is not None and code not in codes:
            return
        if (code, text) in seen:
            return
        seen.add((code, text))
        lines.append(f"{code}\t{text}")
        mapped += 1

    # bare verbs: each synonym line's base form with the block code
    for f in d.verb_forms:
        if f.code in {"---", ""} or len(f.words) > 2:
            continue
        base = f.words
        if base != first_by_where[f.where]:
            continue
        text = map_pattern(["*"], base, d)
        if text:
            emit(f.code, text)
    for p in d.patterns:
        if p.code in {"---", ""}:
            continue
        bases = bases_by_verb.get(p.verb, [])
        done = False
        for words in bases:
            text = map_pattern(p.tokens, words, d)
            if text:
                emit(p.code, text)
                done = True
        if not done:
            unmapped += 1
    t.files["verbs/petrarch.txt"] = "\n".join(lines) + "\n"
    t.counts.update(verb_patterns_mapped=mapped, verb_patterns_unmapped=unmapped)


def build_tables(d: PetrarchDictionaries, codes: set[str] | None = None) -> Tables:
    t = Tables()
    if d.actors:
        actor_tables(d, t)
    if d.agents:
        agent_tables(d, t)
    if d.discards:
        discard_table(d, t)
    if d.patterns or d.verb_forms:
        verb_table(d, t, codes)
    t.counts["problems"] = len(d.problems)
    return t


def write_tables(t: Tables, out_dir: str | Path, sources: Iterable[str] = (), mode: str = "add") -> list[Path]:
    out = Path(out_dir)
    written = []
    for name, text in t.files.items():
        p = out / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, "utf-8")
        written.append(p)
    manifest = {"format": "parley-import/1", "from": "petrarch", "sources": [Path(s).name for s in sources],
                "mode": mode, "counts": t.counts}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    written.append(out / "manifest.json")
    return written


def import_petrarch(paths: Iterable[str | Path], out_dir: str | Path | None = None, *, strict: bool = False,
                    codes: set[str] | None = None, mode: str = "add") -> tuple[PetrarchDictionaries, Tables]:
    paths = list(paths)
    d = read_petrarch(paths, strict=strict)
    if not d.files:
        raise LexiconError("no PETRARCH dictionary files found", path=", ".join(str(p) for p in paths))
    t = build_tables(d, codes)
    if out_dir is not None:
        write_tables(t, out_dir, d.files, mode)
    return d, t
