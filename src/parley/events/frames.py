"""Clause frames (``data/frames.tsv``): how governing verbs, modals and negation recode an action.

``FrameTable.verb_frame(lemma)`` names the frame of a governing verb (intent, threat, refusal,
appeal, demand, denial, hypothetical); ``FrameTable.map(frame, code)`` gives the CAMEO code of an
action coded ``code`` under that frame (longest code prefix with a value), or None. The ``threat``
frame reads the ``intent`` column: CAMEO's intent codes are 03x for cooperation and 13x for conflict.
``discard`` lists words and phrases (sports, entertainment, anniversaries) that stop coding a sentence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources

from ..errors import LexiconError
from .ontology import Ontology

FRAMES = ("intent", "threat", "refusal", "appeal", "demand", "denial", "hypothetical")
_COLUMNS = ("intent", "refusal", "appeal", "demand")
PATH = "data/frames.tsv"


@dataclass
class FrameTable:
    verbs: dict[str, str] = field(default_factory=dict)  # lemma (or lemma_particle) → frame
    columns: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)  # column → prefix → (code, line)
    generic: dict[str, tuple[str, str]] = field(default_factory=dict)  # frame → (code, 'data/frames.tsv:LINE')
    discard_words: frozenset[str] = frozenset()
    discard_phrases: tuple[str, ...] = ()

    def verb_frame(self, lemma: str) -> str | None:
        return self.verbs.get(lemma)

    def map(self, frame: str, code: str) -> tuple[str, str] | None:
        """(mapped code, 'data/frames.tsv:LINE') or None."""
        col = self.columns.get("intent" if frame == "threat" else frame)
        if not col:
            return None
        for n in range(len(code), 1, -1):
            hit = col.get(code[:n])
            if hit is not None:
                return hit[0], f"{PATH}:{hit[1]}"
        return None

    @classmethod
    def load(cls, ontology: Ontology, text: str | None = None) -> "FrameTable":
        if text is None:
            text = resources.files("parley").joinpath(PATH).read_text("utf-8")
        table = cls(columns={c: {} for c in _COLUMNS})
        section = None
        words: set[str] = set()
        phrases: list[str] = []
        for lineno, raw in enumerate(text.splitlines(), start=1):
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            if line.startswith("["):
                section = line.strip("[] ")
                if section not in {"verb", "map", "discard", "generic"}:
                    raise LexiconError(f"unknown section {section!r}", path=PATH, line=lineno)
                continue
            cells = line.split("\t")
            if section == "verb":
                if len(cells) != 2 or cells[0] not in FRAMES:
                    raise LexiconError(f"expected FRAME<TAB>lemmas with FRAME in {FRAMES}", path=PATH, line=lineno)
                for lemma in cells[1].split():
                    if lemma in table.verbs:
                        raise LexiconError(f"verb {lemma!r} has two frames", path=PATH, line=lineno)
                    table.verbs[lemma] = cells[0]
            elif section == "map":
                if len(cells) != 1 + len(_COLUMNS):
                    raise LexiconError(f"expected prefix and {len(_COLUMNS)} columns", path=PATH, line=lineno)
                prefix = cells[0].strip()
                if prefix not in ontology:
                    raise LexiconError(f"unknown CAMEO code prefix {prefix!r}", path=PATH, line=lineno)
                for col, val in zip(_COLUMNS, cells[1:]):
                    val = val.strip()
                    if val == "-":
                        continue
                    if val not in ontology:
                        raise LexiconError(f"unknown CAMEO code {val!r}", path=PATH, line=lineno)
                    if prefix in table.columns[col]:
                        raise LexiconError(f"prefix {prefix} given twice", path=PATH, line=lineno)
                    table.columns[col][prefix] = (val, lineno)
            elif section == "generic":
                if len(cells) != 2 or cells[0] not in {"appeal", "demand"} or cells[1].strip() not in ontology:
                    raise LexiconError("expected appeal|demand<TAB>CODE", path=PATH, line=lineno)
                table.generic[cells[0]] = (cells[1].strip(), f"{PATH}:{lineno}")
            elif section == "discard":
                for item in cells[0].split("|"):
                    item = item.strip().lower()
                    if " " in item:
                        phrases.append(item)
                    elif item:
                        words.add(item)
            else:
                raise LexiconError("line outside a section", path=PATH, line=lineno)
        table.discard_words = frozenset(words)
        table.discard_phrases = tuple(phrases)
        return table
