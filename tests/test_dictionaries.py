"""PETRARCH dictionary import: readers, validation messages, conversion, the pattern coder, the CLI."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from parley.dictionaries.coder import DiscardError, PetrarchCoder, from_treebank
from parley.dictionaries.convert import build_tables, import_petrarch, map_pattern
from parley.dictionaries.petrarch import (PetrarchDictionaries, parse_code_block, read_actors, read_agents,
                                          read_discards, read_petrarch, read_verbs, verb_inflections)
from parley.errors import LexiconError

# Small dictionaries written for these tests (invented actors: Valoria = VAL, Kestrel = KES).
ACTORS = """\
# test actors
VALORIA_  [VAL]
+VALORIAN
KESTREL [KES]
+KESTRELI

ANNA_MORROW  # a person whose code changes
+PRESIDENT_MORROW
\t[VALELI < 050101]
\t[VALGOV 20050101 - 20091231]
\t[VALOPP >091231]

OLD_REPUBLIC
\t[ORP <911226]
\t[NEW]
"""

AGENTS = """\
!PERSON! = MAN, MEN
POLICE {} [~COP]
SOLDIER [~MIL]
FOREIGN_MINISTER [~GOVFRM]
RELIEF_GROUP [NGO~]
ARMY!PERSON! [~MIL]
"""

VERBS = """\
&TIES
+MILITARY
+TRADE

--- CUT  [---] ---
CUT {CUTS CUTTING}
- * &TIES TIES [1622]
- * TIES [162]

--- MEET [040] ---
MEET {MET MEETS MEETING}
- * WITH + [042]

--- AGREE  [030] ---
AGREE
- % * [030:030]
"""


def _dicts() -> PetrarchDictionaries:
    d = PetrarchDictionaries()
    read_actors(ACTORS, "a.txt", d, strict=True)
    read_agents(AGENTS, "g.txt", d, strict=True)
    read_verbs(VERBS, "v.txt", d, strict=True)
    read_discards("+FOOTBALL\nMONTHS LATER\n", "d.txt", d, strict=True)
    return d


def test_date_restrictions_pick_by_event_date():
    d = _dicts()
    morrow = next(a for a in d.actors if "ANNA MORROW" in a.phrases)
    assert "PRESIDENT MORROW" in morrow.phrases
    assert morrow.codes_at(date(2003, 6, 1)) == ["VALELI"]
    assert morrow.codes_at(date(2005, 1, 1)) == ["VALGOV"]  # ranges are inclusive
    assert morrow.codes_at(date(2009, 12, 31)) == ["VALGOV"]
    assert morrow.codes_at(date(2012, 1, 1)) == ["VALOPP"]
    old = next(a for a in d.actors if "OLD REPUBLIC" in a.phrases)
    assert old.codes_at(date(1990, 1, 1)) == ["ORP"]
    assert old.codes_at(date(1995, 1, 1)) == ["NEW"]  # the undated code is the fallback


def test_code_blocks_and_two_digit_years():
    (c,) = parse_code_block("RUSGOV 991231-080507")
    assert c.start == date(1999, 12, 31) and c.end == date(2008, 5, 7)
    assert [x.code for x in parse_code_block("ELR/GAL")] == ["ELR", "GAL"]
    assert parse_code_block("---")[0].code == ""
    with pytest.raises(ValueError, match="bad date"):
        parse_code_block("XYZ 2004017-20061201")
    with pytest.raises(ValueError, match="ends before"):
        parse_code_block("XYZ 20121207-20120802")


def test_agents_plurals_substitutions_and_prefix_codes():
    d = _dicts()
    by = {a.phrase: a for a in d.agents}
    assert by["POLICE"].plurals == []  # {} = no plural
    assert by["SOLDIER"].plurals == ["SOLDIERS"]
    assert by["FOREIGN MINISTER"].code == "GOVFRM"
    assert by["RELIEF GROUP"].prefix and by["RELIEF GROUP"].code == "NGO"
    assert "ARMYMAN" in by and "ARMYMEN" in by


def test_verbs_synsets_forms_and_patterns():
    d = _dicts()
    assert d.synsets["&TIES"] == [["MILITARY"], ["TRADE"]]
    forms = {f.words for f in d.verb_forms if f.verb == "MEET"}
    assert ("MET",) in forms and ("MEETS",) in forms
    assert "CUTTING" in verb_inflections("CUT") or ("CUTTING",) in {f.words for f in d.verb_forms}
    pats = [p for p in d.patterns if p.verb == "CUT"]
    assert pats[0].upper == ["&TIES", "TIES"] and pats[0].code == "1622"


def test_malformed_lines_name_file_and_line():
    d = PetrarchDictionaries()
    with pytest.raises(LexiconError) as exc:
        read_actors("GOOD [VAL]\nBROKEN [XYZ <19991301]\n", "bad.actors.txt", d, strict=True)
    assert "bad.actors.txt:2" in str(exc.value) and "bad date" in str(exc.value)
    # non-strict: every problem is collected (never a silent skip), the good lines load
    d = PetrarchDictionaries()
    read_actors("GOOD [VAL]\nBROKEN [XYZ <19991301]\nNOCODE\n\nALSO [KES]\n", "bad.actors.txt", d)
    read_agents("FINE [~GOV]\nBAD_AGENT [GOV]\n", "bad.agents.txt", d)
    msgs = [str(p) for p in d.problems]
    assert any(m.startswith("bad.actors.txt:2:") for m in msgs)
    assert any(m.startswith("bad.agents.txt:2:") and "'~'" in m for m in msgs)
    assert {p for a in d.actors for p in a.phrases} >= {"GOOD", "ALSO"}


def test_conversion_to_parley_tables_loads_in_the_knowledge_base(tmp_path: Path):
    from parley.actors import ActorResolver, KnowledgeBase

    d = _dicts()
    t = build_tables(d)
    assert "#! match: case-insensitive" in t.files["people.tsv"]
    out = tmp_path / "imp"
    from parley.dictionaries.convert import write_tables

    write_tables(t, out, ["a.txt"])
    assert json.loads((out / "manifest.json").read_text())["counts"]["people"] == 2
    kb = KnowledgeBase.load(extra=[out])
    r = ActorResolver(kb)
    assert r.resolve_text("Anna Morrow", date(2007, 3, 1)).code == "VALGOV"
    assert r.resolve_text("ANNA MORROW", date(2011, 3, 1)).code == "VALOPP"
    got = r.resolve_text("Valorian police", date(2007, 3, 1))
    assert got.code == "VALCOP"
    assert r.resolve_text("the foreign minister of Kestrel").code_2 == "FRM"


def test_verb_pattern_mapping_onto_dependency_patterns():
    d = _dicts()
    assert map_pattern(["*", "WITH", "+"], ("MEET",), d) == "meet with:@"
    assert map_pattern(["*", "&TIES", "TIES"], ("CUT",), d) == "cut =tie"
    assert map_pattern(["%", "*"], ("AGREE",), d) is None  # words before the verb cannot map


TREE_MEET = "(ROOT (S (NP (NNP Valoria)) (VP (VBD met) (PP (IN with) (NP (NNP Kestrel)))) (. .)))"
TREE_CUT = ("(ROOT (S (NP (DT The) (NNP Valorian) (NN police)) (VP (VBD cut) (NP (NN trade) (NNS ties)) "
            "(PP (IN with) (NP (NNP Kestrel)))) (. .)))")
TREE_AGREE = "(ROOT (S (NP (NNP Valoria) (CC and) (NNP Kestrel)) (VP (VBP agree)) (. .)))"
TREE_SPORT = "(ROOT (S (NP (NNP Valoria)) (VP (VBD met) (NP (NNP Kestrel)) (PP (IN at) (NP (NN football)))) (. .)))"


def test_pattern_coder_on_treebank_parses():
    c = PetrarchCoder(_dicts())
    day = date(2007, 1, 1)
    assert [e[:3] for e in c.code(from_treebank(TREE_MEET), day)] == [("VAL", "KES", "042")]
    # synset pattern beats the plain one; agent composes with the country adjective
    assert [e[:3] for e in c.code(from_treebank(TREE_CUT), day)] == [("VALCOP", "KES", "1622")]
    # a compound subject with a %-pattern: both directions
    assert {e[:3] for e in c.code(from_treebank(TREE_AGREE), day)} == {("VAL", "KES", "030"), ("KES", "VAL", "030")}
    with pytest.raises(DiscardError) as exc:
        c.code(from_treebank(TREE_SPORT), day)
    assert exc.value.kind == "storydiscard"


TREE_SAID = ("(ROOT (S (S (NP (NNP Valoria)) (VP (VBD met) (PP (IN with) (NP (NNP Kestrel))))) (, ,) "
             "(NP (DT an) (JJ unnamed) (NN official)) (VP (VBD said) (PP (IN on) (NP (NNP Friday)))) (. .)))")
TREE_SAID_TODAY = ("(ROOT (S (S (NP (NNP Valoria)) (VP (VBD met) (PP (IN with) (NP (NNP Kestrel))))) (, ,) "
                   "(NP (DT an) (NN official)) (VP (VBD said) (NP-TMP (NN today))) (. .)))")
TREE_NEW_ACTOR = ("(ROOT (S (NP (NP (DT The) (NNP Ministry)) (PP (IN of) (NP (NNP Magic)))) "
                  "(VP (VBD met) (PP (IN with) (NP (NNP Kestrel)))) (. .)))")


def test_coder_options_require_dyad_commas_and_new_actors():
    from parley.dictionaries.coder import CoderOptions, prune_commas, parse_tree

    d = _dicts()
    read_agents("OFFICIAL [~GOV]\n", "g2.txt", d, strict=True)
    read_verbs("--- SAID [023] ---\nSAID\n", "v2.txt", d, strict=True)
    c = PetrarchCoder(d)
    day = date(2007, 1, 1)

    def events(tree: str, **kw: object) -> set[tuple[str, str, str]]:
        opts = CoderOptions(**kw)  # type: ignore[arg-type]
        return {e[:3] for e in c.code(from_treebank(tree, opts), day, opts)}

    meet = ("VAL", "KES", "042")
    assert events(TREE_SAID) == {meet}  # an event needs a coded source and target
    # without require_dyad a noun phrase with no code is the null actor; the agent still gives the sector
    assert events(TREE_SAID, require_dyad=False, comma_emax=0) == {meet, ("---GOV", "---", "023")}
    # ... but a terminal comma clause of 2-8 words is removed first (PETRARCH's defaults)
    assert events(TREE_SAID, require_dyad=False) == {meet}
    assert "OFFICIAL" not in " ".join(str(x) for x in prune_commas(parse_tree(TREE_SAID), CoderOptions()))
    # and a verb with no noun phrase after it ("said today": NP-TMP) has no target at all
    assert events(TREE_SAID_TODAY, require_dyad=False, comma_emax=0) == {meet}
    # new actors: an uncoded noun phrase of at most new_actor_length words, named by its text
    assert events(TREE_NEW_ACTOR, new_actor_length=4) == {('"THE MINISTRY OF MAGIC"', "KES", "042")}
    assert events(TREE_NEW_ACTOR, new_actor_length=3) == set()
    o = CoderOptions()
    o.set("require_dyad", "FALSE")
    o.set("comma_emax", "0")
    o.set("new_actor_length", "x")  # not a number: ignored
    assert (o.require_dyad, o.comma_emax, o.new_actor_length) == (False, 0, 0)


def test_spaced_actor_phrases_and_verb_phrases_taken_by_a_matched_verb():
    d = _dicts()
    read_actors("KESTREL TELEVISION [KESTV]\nVALORIA_BROADCASTING [VALMED]\n", "a2.txt", d, strict=True)
    read_verbs("--- SAID [023] ---\nSAID\n", "v2.txt", d, strict=True)
    c = PetrarchCoder(d)
    day = date(2007, 1, 1)
    tv = ("(ROOT (S (NP (NNP Valoria)) (VP (VBD met) (PP (IN with) "
          "(NP (NNP Kestrel) (JJ state-run) (NN television)))) (. .)))")
    # words written with a space may have other words of the noun phrase between them
    assert [e[:3] for e in c.code(from_treebank(tv), day)] == [("VAL", "KESTV", "042")]
    bc = ("(ROOT (S (NP (NNP Valoria) (JJ public) (NN broadcasting)) (VP (VBD met) (PP (IN with) "
          "(NP (NNP Kestrel)))) (. .)))")
    assert [e[:3] for e in c.code(from_treebank(bc), day)] == [("VAL", "KES", "042")]  # '_' = adjacent
    # "he said Valoria met with Kestrel": SAID matched, so the verbs of its phrase are not coded
    said = ("(ROOT (S (NP (PRP he)) (VP (VBD said) (SBAR (S (NP (NNP Valoria)) (VP (VBD met) "
            "(PP (IN with) (NP (NNP Kestrel))))))) (. .)))")
    assert c.code(from_treebank(said), day) == []


def test_bad_parse_is_an_error():
    from parley.dictionaries.coder import ParseError

    with pytest.raises(ParseError):
        from_treebank("(ROOT (S (NP (NNP Valoria)) (VP (VBD met)")


def test_read_folder_and_cli_import(tmp_path: Path):
    from typer.testing import CliRunner

    from parley.cli import app

    src = tmp_path / "dicts"
    src.mkdir()
    (src / "Test.actors.txt").write_text(ACTORS)
    (src / "Test.agents.txt").write_text(AGENTS)
    (src / "Test.verbs.txt").write_text(VERBS)
    (src / "Test.discards.txt").write_text("+FOOTBALL\n")
    (src / "LICENSE.txt").write_text("MIT [not a dictionary]\n")
    d = read_petrarch([src])
    assert sorted(d.files.values()) == ["actors", "agents", "discards", "verbs"]
    res = CliRunner().invoke(app, ["dictionaries", "import", "--format", "petrarch", str(src),
                                   "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "people.tsv").exists() and (tmp_path / "out" / "verbs" / "petrarch.txt").exists()
    (src / "Broken.actors.txt").write_text("X [VAL >19991301]\n")
    res = CliRunner().invoke(app, ["dictionaries", "import", str(src), "--strict", "--out", str(tmp_path / "o2")])
    assert res.exit_code == 1 and "Broken.actors.txt:1" in res.output
    assert not (tmp_path / "o2").exists()


def test_shared_unit_test_dictionaries_read_cleanly(shared_dir: Path):
    d = read_petrarch([shared_dir / "gold" / "petrarch_unit_tests"])
    assert len(d.actors) > 100 and len(d.patterns) > 400 and "&CURRENCY" in d.synsets
    gollum = next(a for a in d.actors if "GOLLUM" in a.phrases)
    assert gollum.codes_at(date(1995, 11, 1)) == ["HOBGOV"]


def test_import_phoenix_reports_problems_with_lines(shared_dir: Path, tmp_path: Path):
    folder = shared_dir / "dictionaries" / "petrarch2"
    d, t = import_petrarch([folder / "Phoenix.International.actors.txt", folder / "Phoenix.agents.txt"],
                           tmp_path / "ph")
    assert t.counts["orgs"] + t.counts["people"] > 1000
    assert d.problems and all(":" in str(p) and ".txt:" in str(p) for p in d.problems)


def test_petrarch_unit_suite_floor_and_categories(shared_dir: Path):
    """The PETRARCH functional suite with its own dictionaries, structure from the records' parses."""
    from parley.eval import EvalContext
    from parley.eval.petrarch_unit import CATEGORIES, evaluate

    m = evaluate(EvalContext(shared=shared_dir, dictionaries=shared_dir / "gold" / "petrarch_unit_tests"))
    assert m["records"] == 284
    assert m["pass_rate"] >= 0.95, m
    assert m["pass_rate_dyadic_records"] >= 0.95, m
    for c in CATEGORIES:
        assert f"{c}_passed" in m
    assert m["ERROR_passed"] == "7/7"  # discards and unreadable parses are reported as such


def test_petrarch_unit_suite_with_spacy_structure(shared_dir: Path, pipeline, monkeypatch):
    """The same suite with clause structure from parley's own spaCy parse instead of the records' parses."""
    from parley.eval import EvalContext
    from parley.eval.petrarch_unit import evaluate

    monkeypatch.setenv("PARLEY_PETRARCH_PARSE", "spacy")
    m = evaluate(EvalContext(shared=shared_dir, dictionaries=shared_dir / "gold" / "petrarch_unit_tests",
                             _pipeline=pipeline))
    assert m["parse"] == "spacy"
    assert m["pass_rate"] >= 0.84, m


def test_replace_mode_uses_only_the_imported_tables(tmp_path: Path):
    from typer.testing import CliRunner

    from parley.actors import ActorResolver
    from parley.cli import app
    from parley.dictionaries import load_resources
    from parley.events import Ontology

    src = tmp_path / "dicts"
    src.mkdir()
    (src / "Test.actors.txt").write_text(ACTORS)
    (src / "Test.agents.txt").write_text(AGENTS)
    for flag, name in (([], "add"), (["--replace"], "only")):
        res = CliRunner().invoke(app, ["dictionaries", "import", str(src), "--out", str(tmp_path / name)] + flag)
        assert res.exit_code == 0, res.output
    onto = Ontology.load()
    kb_add, _ = load_resources(tmp_path / "add", onto)
    kb_only, lex_only = load_resources(tmp_path / "only", onto)
    assert ActorResolver(kb_add).resolve_text("Valoria").code == "VAL"
    assert ActorResolver(kb_add).resolve_text("France").code == "FRA"  # built-in still there
    assert ActorResolver(kb_only).resolve_text("Valoria").code == "VAL"
    assert ActorResolver(kb_only).resolve_text("France").code == ""  # instead of the built-in tables
    assert len(lex_only) > 0


def test_raw_petrarch_files_with_bad_lines_warn_with_file_and_line(tmp_path: Path):
    from parley.dictionaries import DictionaryWarning, load_resources
    from parley.events import Ontology

    (tmp_path / "Bad.actors.txt").write_text("GOOD [VAL]\nBROKEN [XYZ <19991301]\n")
    with pytest.warns(DictionaryWarning, match=r"Bad\.actors\.txt:2: bad date"):
        kb, _ = load_resources(tmp_path, Ontology.load())
    from parley.actors import ActorResolver

    assert ActorResolver(kb).resolve_text("Good").code == "VAL"
