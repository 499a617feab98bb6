"""Rebuild parley's CAMEO ontology table (src/parley/data/cameo.tsv) from ontology facts.

Facts carried: code, short name, root, QuadClass (rule: 01-05 → 1, 06-08 → 2, 09-13 → 3, 14-20 → 4),
Goldstein value (GDELT table; ICEWS differs on 016, 022, 164, 165, kept in a second column) and the
CAMEO→PLOVER mapping (event, mode, context). No descriptions, notes or examples are carried.

Usage: python scripts/build_ontology.py SHARED_DIR
"""
from __future__ import annotations

import csv
import re
import sys
from pathlib import Path


def quad(root: str) -> int:
    r = int(root)
    return 1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4


def main(shared: Path) -> None:
    book = shared / "gold/cameo_codebook/cameo_codebook_derived.csv"
    mapping = shared / "gold/plover_gsr/CAMEO2PLOVER-2021.txt"
    plover: dict[str, tuple[str, str, str]] = {}
    for line in mapping.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        m = re.match(r"^(\d{2,4}):\s*(.*)$", line)
        if not m:
            continue
        parts = [p.strip() for p in m.group(2).split(",")]
        parts += [""] * (3 - len(parts))
        ev, mode, ctx = parts[0], parts[1], ",".join(p for p in parts[2:] if p)
        ctx = ";".join(c.strip() for c in ctx.replace(",", ";").split(";") if c.strip())
        plover[m.group(1)] = (ev, mode, ctx)
    gdelt_txt = {}
    for line in (shared / "gold/cameo_codebook/GDELT_CAMEO.goldsteinscale.txt").read_text("utf-8").splitlines()[1:]:
        parts = line.split()
        if len(parts) == 2:
            gdelt_txt[parts[0]] = parts[1]
    out = Path(__file__).resolve().parents[1] / "src/parley/data/cameo.tsv"
    rows = []
    with book.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            code = rec["code"].strip()
            root = code[:2]
            ev, mode, ctx = plover.get(code, ("", "", ""))
            if root in {"01", "02"}:
                ev, mode, ctx = "", "", ""
            gdelt = rec["goldstein_gdelt"].strip() or gdelt_txt.get(code, "")
            icews = rec["goldstein_icews_pkg"].strip()
            # a code missing from one table takes the other's value
            rows.append([code, rec["name"].strip(), root, str(quad(root)),
                         gdelt or icews, icews or gdelt, ev, mode, ctx])
    with out.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# parley CAMEO ontology v1: code, short name, root, QuadClass, Goldstein (GDELT), "
                 "Goldstein (ICEWS), PLOVER event, mode, context (';'-separated)\n")
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["code", "name", "root", "quad_class", "goldstein", "goldstein_icews",
                    "plover_event", "plover_mode", "plover_context"])
        w.writerows(rows)
    print(f"wrote {len(rows)} codes to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared"))
