"""The CAMEO ontology table (``data/cameo.tsv``): code → name, root, QuadClass, Goldstein, PLOVER.

Goldstein values follow the GDELT table; the ICEWS values are kept alongside (they differ on
016, 022, 164 and 165). QuadClass: roots 01–05 → 1 (verbal cooperation), 06–08 → 2 (material
cooperation), 09–13 → 3 (verbal conflict), 14–20 → 4 (material conflict). CAMEO roots 01 and 02
have no PLOVER event.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

from ..errors import LexiconError


@dataclass(frozen=True, slots=True)
class CameoCode:
    code: str
    name: str
    root: str
    quad_class: int
    goldstein: float
    goldstein_icews: float
    plover_event: str | None
    plover_mode: str | None
    plover_context: str | None

    def plover(self) -> dict[str, str | None] | None:
        if not self.plover_event:
            return None
        return {"event": self.plover_event, "mode": self.plover_mode or None, "context": self.plover_context or None}


class Ontology:
    def __init__(self, codes: dict[str, CameoCode]):
        self.codes = codes

    @classmethod
    def load(cls) -> "Ontology":
        path = "data/cameo.tsv"
        text = resources.files("parley").joinpath(path).read_text("utf-8")
        lines = [ln for ln in text.splitlines() if not ln.startswith("#")]
        codes: dict[str, CameoCode] = {}
        reader = csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t")
        for lineno, row in enumerate(reader, start=3):
            try:
                code = row["code"].strip()
                if not code.isdigit() or not 2 <= len(code) <= 4:
                    raise ValueError(f"bad code {code!r}")
                if code in codes:
                    raise ValueError(f"duplicate code {code}")
                codes[code] = CameoCode(
                    code=code, name=row["name"], root=row["root"], quad_class=int(row["quad_class"]),
                    goldstein=float(row["goldstein"]), goldstein_icews=float(row["goldstein_icews"] or row["goldstein"]),
                    plover_event=row["plover_event"] or None, plover_mode=row["plover_mode"] or None,
                    plover_context=row["plover_context"] or None)
            except (KeyError, ValueError, TypeError) as exc:
                raise LexiconError(str(exc), path=path, line=lineno) from None
        return cls(codes)

    def __contains__(self, code: str) -> bool:
        return code in self.codes

    def __getitem__(self, code: str) -> CameoCode:
        return self.codes[code]
