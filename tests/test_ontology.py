"""The CAMEO ontology table (data/cameo.tsv) against the codebook and CAMEO2PLOVER in ../shared."""
from __future__ import annotations

import csv
import re

import pytest

from parley.events import Ontology


@pytest.fixture(scope="module")
def onto():
    return Ontology.load()


@pytest.fixture(scope="module")
def codebook(shared_dir):
    with open(shared_dir / "gold/cameo_codebook/cameo_codebook_derived.csv", encoding="utf-8", newline="") as fh:
        return {r["code"].strip(): r for r in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def c2p(shared_dir):
    out = {}
    for line in (shared_dir / "gold/plover_gsr/CAMEO2PLOVER-2021.txt").read_text("utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([^#]*)", line)
        if m:
            parts = [p.strip() for p in m.group(2).split(",")]
            out[m.group(1)] = (parts[0], parts[1] if len(parts) > 1 else "")
    return out


def test_table_shape(onto):
    codes = onto.codes
    assert len(codes) >= 300
    roots = {c for c in codes if len(c) == 2}
    assert roots == {f"{i:02d}" for i in range(1, 21)}
    for code, c in codes.items():
        assert c.root == code[:2]
        assert code[:-1] in codes or len(code) == 2, f"{code} has no parent"
        r = int(c.root)
        assert c.quad_class == (1 if r <= 5 else 2 if r <= 8 else 3 if r <= 13 else 4)
        assert -10.0 <= c.goldstein <= 10.0


def test_every_codebook_code_with_name_and_goldstein(onto, codebook):
    for code, rec in codebook.items():
        assert code in onto, f"codebook code {code} missing"
        c = onto[code]
        assert c.name.lower() == rec["name"].strip().lower()
        assert c.quad_class == int(rec["quad_class"])
        if rec["goldstein_gdelt"].strip():
            assert c.goldstein == pytest.approx(float(rec["goldstein_gdelt"])), code
        if rec["goldstein_icews_pkg"].strip():
            assert c.goldstein_icews == pytest.approx(float(rec["goldstein_icews_pkg"])), code
    # the documented GDELT/ICEWS disagreements exist and are kept apart
    differ = {code for code, c in onto.codes.items() if c.goldstein != c.goldstein_icews}
    assert {"016", "022", "164", "165"} <= differ


def test_plover_mapping(onto, c2p):
    for code, c in onto.codes.items():
        if c.root in {"01", "02"}:
            assert c.plover() is None, f"{code}: CAMEO roots 01-02 have no PLOVER event"
            continue
        assert c.plover_event, f"{code} has no PLOVER event"
        if code in c2p:
            assert c.plover_event == c2p[code][0], code
            mode = c2p[code][1] or None
            assert (c.plover_mode or None) == mode, code
    mapped = [code for code in c2p if code in onto and code[:2] not in {"01", "02"}]
    assert len(mapped) >= 250


def test_event_fields_follow_the_table(code_text, onto):
    art = code_text("Russia and China held talks on Monday.", date="2024-03-06")
    for e in art.events:
        c = onto[e.cameo]
        assert (e.root, e.quad_class, e.goldstein, e.cameo_name) == (c.root, c.quad_class, c.goldstein, c.name)
        assert e.plover == c.plover()
