"""Commands: ``parley dictionaries import`` (registered on the shared app).

``parley dictionaries import --format petrarch FILE_OR_FOLDER... --out DIR`` reads PETRARCH/TABARI
dictionaries (verbs with synonym sets and patterns, actors with dated codes, agents, discards) and writes
them as parley tables in DIR (see ``parley/data/actors/SCHEMA.md``); ``parley code --dictionaries DIR``
then uses them. Every line that could not be read is printed as ``FILE:LINE: problem``; with
``--strict`` the first one stops the import (exit 1) and nothing is written.
"""
from __future__ import annotations

from typing import List, Optional

import typer

from .app import app, err, out

dictionaries_app = typer.Typer(no_args_is_help=True, help="Import other coders' dictionaries.")
app.add_typer(dictionaries_app, name="dictionaries")


@dictionaries_app.command("import")
def import_cmd(
    files: List[str] = typer.Argument(..., help="PETRARCH dictionary files or folders of them."),
    fmt: str = typer.Option("petrarch", "--format", help="Input format (only 'petrarch')."),
    out_dir: Optional[str] = typer.Option(None, "--out", "-o", help="Folder to write the parley tables to (default: only report)."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first malformed line (nothing is written)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not list the skipped lines."),
    replace: bool = typer.Option(False, "--replace", help="Mark DIR to be used instead of the built-in tables (default: in addition to them)."),
) -> None:
    """Import PETRARCH dictionaries into parley's own tables."""
    from ..dictionaries.convert import import_petrarch
    from ..errors import ParleyError
    from ..events import Ontology

    if fmt != "petrarch":
        err.print(f"[red]error:[/red] unknown format {fmt!r} (known: petrarch)")
        raise typer.Exit(2)
    try:
        d, tables = import_petrarch(files, out_dir, strict=strict, codes=set(Ontology.load().codes),
                                    mode="replace" if replace else "add")
    except ParleyError as exc:
        err.print(f"error: {exc}", highlight=False, markup=False, soft_wrap=True)
        raise typer.Exit(1)
    if not quiet:
        for p in d.problems:
            err.print(f"skipped {p}", highlight=False, markup=False, soft_wrap=True)
        for s in tables.skipped:
            err.print(f"skipped {s}", highlight=False, markup=False, soft_wrap=True)
    for path, kind in d.files.items():
        out.print(f"read {kind:8} {path}", highlight=False)
    counts = ", ".join(f"{k}={v}" for k, v in tables.counts.items())
    out.print(f"imported: {counts}", highlight=False)
    if out_dir:
        out.print(f"wrote parley tables to {out_dir}", highlight=False)
