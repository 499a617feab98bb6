"""The verb-pattern lexicon: data files ``data/verbs/*.txt``, a parser and a validator.

One pattern per line: ``CODE<TAB>PATTERN`` (``#`` starts a comment). A PATTERN is a head followed by
elements, separated by spaces:

``hold``            head: a verb lemma; ``pull_out`` = verb + particle; ``a/b`` = alternatives
``~talk``           head: a noun lemma (a nominal event such as "talks between X and Y")
``~arms+sale``      head: a noun with a modifier (compound/amod): "arms sales to X"
``=sanction``       the direct object's lemma (``a/b`` alternatives); ``=telephone+conversation``
                    also needs a modifier ``telephone`` (compound/amod) on the object
``with:sanction``   a prepositional phrase (on the verb or its object): preposition ``with`` and
                    object lemma ``sanction`` (``*`` = any)
``for:military+aid`` a prepositional object with a modifier (compound/amod, or a compound of one:
                    "a car bomb explosion" has ``car`` and ``bomb``)
``on:@``            the object of this preposition is the target
``@``               the direct object is the target
``!stative``        "X is opposed to Y": the passive subject is the source
``!notarget``       never look for a target
``!recip``          reciprocal event whatever its root: "X and Y exchanged prisoners" → X→Y and Y→X
``!speech``         a reporting verb: a pronoun subject of its complement is its subject ("Syria says
                    it will ..."); a root-01 code is dropped when the complement gives events

The most specific matching pattern wins (most elements); ties go to the earliest line.

What the coder does around a pattern (modals, negation, framing verbs such as "promised to",
"threatened to", "refused to", "urged X to", "demanded that") is table-driven (``data/frames.tsv``)
and documented with the syntax in ``data/verbs/SYNTAX.md``: write the plain action ("meet", "impose
=sanction on:@"), never "will meet" or "threaten to impose".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Iterable

from ..errors import LexiconError
from .ontology import Ontology

_LEMMA_RE = re.compile(r"^[a-z0-9][a-z0-9'\-]*(?:_[a-z]+)?$")
_FLAGS = {"stative", "notarget", "recip", "speech"}


@dataclass(frozen=True, slots=True)
class PrepReq:
    prep: str
    objs: frozenset[str] | None  # None = any object
    target: bool = False
    mods: frozenset[str] | None = None  # required modifier of the object ("for:military+aid")


@dataclass(frozen=True, slots=True)
class Pattern:
    code: str
    head: str  # lemma or lemma_particle
    nominal: bool
    obj: frozenset[str] | None = None
    head_mod: frozenset[str] | None = None  # nominal head's required modifier
    obj_mod: frozenset[str] | None = None
    preps: tuple[PrepReq, ...] = ()
    obj_is_target: bool = False
    flags: frozenset[str] = field(default_factory=frozenset)
    source: str = ""  # file:line
    text: str = ""

    spec: int = -1  # cached specificity (set by parse_pattern)

    @property
    def specificity(self) -> int:
        if self.spec >= 0:
            return self.spec
        return (self.obj is not None) * 2 + 2 * (self.obj_mod is not None) + 2 * (self.head_mod is not None) + 2 * len(
            [p for p in self.preps if p.objs is not None]) + 2 * len([p for p in self.preps if p.mods is not None]) + len(
            self.preps) + ("_" in self.head)


def _alts(value: str, where: tuple[str, int], what: str) -> frozenset[str]:
    items = [v for v in value.split("/") if v]
    for v in items:
        if not _LEMMA_RE.match(v):
            raise LexiconError(f"bad {what} {v!r}", path=where[0], line=where[1])
    if not items:
        raise LexiconError(f"empty {what}", path=where[0], line=where[1])
    return frozenset(items)


def parse_pattern(code: str, text: str, path: str, line: int) -> list[Pattern]:
    parts = text.split()
    if not parts:
        raise LexiconError("empty pattern", path=path, line=line)
    where = (path, line)
    head = parts[0]
    nominal = head.startswith("~")
    head_mod = None
    body = head.lstrip("~")
    if "+" in body:
        if not nominal:
            raise LexiconError("a head modifier (mod+noun) needs a nominal head (~)", path=path, line=line)
        mod, _, body = body.partition("+")
        head_mod = _alts(mod, where, "head modifier")
    heads = _alts(body, where, "head")
    obj = obj_mod = None
    preps: list[PrepReq] = []
    obj_is_target = False
    flags: set[str] = set()
    for el in parts[1:]:
        if el == "@":
            obj_is_target = True
        elif el.startswith("!"):
            if el[1:] not in _FLAGS:
                raise LexiconError(f"unknown flag {el!r} (known: {sorted(_FLAGS)})", path=path, line=line)
            flags.add(el[1:])
        elif el.startswith("="):
            if obj is not None:
                raise LexiconError("two direct objects in one pattern", path=path, line=line)
            body = el[1:]
            if "+" in body:
                mod, _, noun = body.partition("+")
                obj_mod = _alts(mod, where, "object modifier")
                obj = _alts(noun, where, "object")
            else:
                obj = _alts(body, where, "object")
        elif ":" in el:
            prep, _, val = el.partition(":")
            if not _LEMMA_RE.match(prep):
                raise LexiconError(f"bad preposition {prep!r}", path=path, line=line)
            if val == "@":
                preps.append(PrepReq(prep, None, True))
            elif val == "*":
                preps.append(PrepReq(prep, None, False))
            elif "+" in val:
                mod, _, noun = val.partition("+")
                preps.append(PrepReq(prep, _alts(noun, where, "prepositional object"), False,
                                     _alts(mod, where, "prepositional object modifier")))
            else:
                preps.append(PrepReq(prep, _alts(val, where, "prepositional object"), False))
        else:
            raise LexiconError(f"cannot read element {el!r} (see the pattern syntax)", path=path, line=line)
    made = [Pattern(code=code, head=h, nominal=nominal, obj=obj, obj_mod=obj_mod, head_mod=head_mod, preps=tuple(preps),
                    obj_is_target=obj_is_target, flags=frozenset(flags), source=f"{path}:{line}", text=text)
            for h in sorted(heads)]
    # cache the specificity (dataclass is frozen: set it through object.__setattr__)
    for p in made:
        object.__setattr__(p, "spec", Pattern.specificity.fget(p))
    return made


def _needed_words(p: Pattern) -> frozenset[str] | None:
    """Words one of which a sentence must contain for ``p`` to match there (None: only the head)."""
    if p.obj is not None:
        return p.obj
    if p.head_mod is not None:
        return p.head_mod
    for req in p.preps:
        if req.objs is not None:
            return req.objs
    if "_" in p.head:
        return frozenset({p.head.split("_", 1)[1]})
    if p.preps:
        return frozenset({p.preps[0].prep})
    return None


class VerbLexicon:
    """Patterns indexed by head lemma."""

    def __init__(self, patterns: Iterable[Pattern]):
        self.patterns: list[Pattern] = list(patterns)
        self.by_head: dict[tuple[bool, str], list[Pattern]] = {}
        for p in self.patterns:
            self.by_head.setdefault((p.nominal, p.head), []).append(p)
        for plist in self.by_head.values():
            plist.sort(key=lambda p: -p.specificity)  # stable: earlier line first among equals

    def __len__(self) -> int:
        return len(self.patterns)

    @property
    def heads(self) -> set[str]:
        return {h.split("_")[0] for _, h in self.by_head}

    def head_requirements(self) -> dict[str, frozenset[str] | None]:
        """Per head word (the lemma before a particle): ``None`` when some pattern of that head can
        match on the head alone, else the words one of which every match needs in its sentence (each
        pattern's direct object, head modifier, prepositional object, particle or preposition, the
        first of these it has). The prefilter reads it to skip "has"/"was"/"in" sentences that no
        pattern of those heads can match."""
        out: dict[str, set[str] | None] = {}
        for p in self.patterns:
            h = p.head.split("_")[0]
            need = _needed_words(p)
            if need is None or out.get(h, set()) is None:
                out[h] = None
            else:
                out.setdefault(h, set()).update(need)  # type: ignore[union-attr]
        return {h: (None if v is None else frozenset(v)) for h, v in out.items()}

    @classmethod
    def load(cls, ontology: Ontology, files: Iterable[str | Path] | None = None) -> "VerbLexicon":
        sources: list[tuple[str, str]] = []
        if files is None:
            base = resources.files("parley").joinpath("data/verbs")
            for item in sorted(base.iterdir(), key=lambda x: x.name):
                if item.name.endswith(".txt"):
                    sources.append((f"data/verbs/{item.name}", item.read_text("utf-8")))
        else:
            for f in files:
                sources.append((str(f), Path(f).read_text("utf-8")))
        patterns: list[Pattern] = []
        seen: dict[tuple[str, str], str] = {}
        for path, text in sources:
            for lineno, raw in enumerate(text.splitlines(), start=1):
                line = raw.split("#", 1)[0].rstrip()
                if not line.strip():
                    continue
                if "\t" not in line:
                    raise LexiconError("expected CODE<TAB>PATTERN", path=path, line=lineno)
                code, _, body = line.partition("\t")
                code = code.strip()
                if code not in ontology:
                    raise LexiconError(f"unknown CAMEO code {code!r}", path=path, line=lineno)
                norm = " ".join(body.split())
                key = (code, norm)
                if key in seen:
                    raise LexiconError(f"duplicate pattern {norm!r} for {code} (first at {seen[key]})",
                                       path=path, line=lineno)
                seen[key] = f"{path}:{lineno}"
                patterns.extend(parse_pattern(code, norm, path, lineno))
        return cls(patterns)
