"""Import formats for other coders' dictionaries (PETRARCH/TABARI), read into parley's own structures.

``parley dictionaries import --format petrarch FILE... --out DIR`` writes DIR as parley tables
(``people.tsv``, ``orgs.tsv``, ``agents.tsv``, ``discards.txt``, ``verbs/petrarch.txt``, ``manifest.json``).
``--dictionaries PATH`` (option ``dictionaries``) accepts such a folder, or PETRARCH files / a folder of
them directly (converted in memory). Imported actors are looked up before the built-in knowledge base
(they shadow built-in phrases); imported verb patterns are added to the built-in verb lexicon. A folder
imported with ``--replace`` (``"mode": "replace"`` in its manifest) is used *instead of* the built-in
tables: its actors and agents only, and its verb patterns only when it has any.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import LexiconError
from .petrarch import PetrarchDictionaries, read_petrarch

__all__ = ["PetrarchDictionaries", "read_petrarch", "is_import_folder", "load_resources", "DictionaryWarning"]


class DictionaryWarning(UserWarning):
    """Lines of an imported dictionary that could not be read (each named FILE:LINE: problem)."""


def is_import_folder(path: Path) -> bool:
    return path.is_dir() and ((path / "manifest.json").exists() or
                              any((path / n).exists() for n in ("orgs.tsv", "people.tsv", "agents.tsv")))


def load_resources(spec: str | Path, ontology: Any) -> tuple[Any, Any]:
    """(KnowledgeBase with the imported tables over the built-in ones, VerbLexicon built-in + imported)."""
    import tempfile

    from ..actors import KnowledgeBase
    from ..events import VerbLexicon
    from .convert import build_tables, write_tables

    paths = [Path(p) for p in str(spec).split(",") if p.strip()]
    for p in paths:
        if not p.exists():
            raise LexiconError("dictionaries path not found", path=str(p))
    if len(paths) == 1 and is_import_folder(paths[0]):
        folder = paths[0]
        verb_files = sorted((folder / "verbs").glob("*.txt")) if (folder / "verbs").is_dir() else []
        if _mode(folder) == "replace":  # imported with --replace: the imported tables instead of the built-in ones
            kb = KnowledgeBase.load(folder, include_pycountry=False)
            lexicon = VerbLexicon.load(ontology, verb_files) if verb_files else VerbLexicon.load(ontology)
            return kb, lexicon
        kb = KnowledgeBase.load(extra=[folder])
        lexicon = _lexicon(ontology, verb_files)
        return kb, lexicon
    d = read_petrarch(paths)
    if not d.files:
        raise LexiconError("no PETRARCH dictionary files found", path=str(spec))
    if d.problems:  # never a silent partial load: say what was skipped and where
        import warnings

        shown = "; ".join(str(p) for p in d.problems[:3])
        warnings.warn(f"{len(d.problems)} dictionary line(s) could not be read and were skipped ({shown}"
                      f"{'; ...' if len(d.problems) > 3 else ''}); 'parley dictionaries import' lists them all",
                      DictionaryWarning, stacklevel=2)
    tables = build_tables(d, set(ontology.codes))
    with tempfile.TemporaryDirectory(prefix="parley-dict-") as tmp:
        write_tables(tables, tmp, d.files)
        kb = KnowledgeBase.load(extra=[tmp])
        verb_files = sorted((Path(tmp) / "verbs").glob("*.txt"))
        lexicon = _lexicon(ontology, verb_files)
    return kb, lexicon


def _mode(folder: Path) -> str:
    import json

    try:
        return json.loads((folder / "manifest.json").read_text("utf-8")).get("mode", "add")
    except (OSError, ValueError):
        return "add"


def _lexicon(ontology: Any, extra_files: list[Path]) -> Any:
    from ..events import VerbLexicon

    builtin = VerbLexicon.load(ontology)
    if not extra_files:
        return builtin
    imported = VerbLexicon.load(ontology, extra_files)
    return VerbLexicon(list(builtin.patterns) + list(imported.patterns))
