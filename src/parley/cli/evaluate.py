"""Command: ``parley eval NAME`` — run an evaluation against a gold set (registered on the shared app).

``parley eval list`` names the evaluations; ``--check`` compares the metrics with the floors pinned
in the baseline file and exits 1 when one is below; ``--raise-floors`` raises the pinned floors to
the measured values (floors only ever rise).
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Optional

import typer

from .app import app, err, out


def _find_shared(given: Optional[str]) -> Path | None:
    if given:
        return Path(given)
    env = os.environ.get("PARLEY_SHARED")
    if env:
        return Path(env)
    here = Path.cwd()
    pkg_repo = Path(__file__).resolve().parents[3]
    for cand in (here.parent / "shared", here / "shared", pkg_repo.parent / "shared"):
        if (cand / "gold").is_dir():
            return cand
    return None


@app.command(name="eval")
def eval_cmd(
    name: str = typer.Argument(..., help="Evaluation name (plover-gsr, cameo-examples, petrarch-unit, ...) or 'list'."),
    dictionaries: Optional[str] = typer.Option(None, "--dictionaries", help="Folder of imported PETRARCH dictionaries."),
    limit: Optional[int] = typer.Option(None, "--limit", "-n", help="Evaluate only the first N records."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Print every record that is not fully right."),
    shared: Optional[str] = typer.Option(None, "--shared", help="Shared data folder (default: ../shared or $PARLEY_SHARED)."),
    as_json: bool = typer.Option(False, "--json", help="Print the metrics as JSON."),
    check: bool = typer.Option(False, "--check", help="Exit 1 when a metric is below its pinned floor."),
    raise_floors: bool = typer.Option(False, "--raise-floors", help="Raise the pinned floors to the measured values."),
) -> None:
    """Evaluate parley against a gold set: P/R/F1 and accuracies at each level."""
    from ..eval import (REGISTRY, EvalContext, EvalError, baseline_path, check_floors, format_metrics,
                        load_baseline, run)
    from ..errors import ParleyError

    if name == "list":
        for n, (_target, help_text) in REGISTRY.items():
            out.print(f"{n:16} {help_text}", highlight=False)
        return
    root = _find_shared(shared)
    if root is None:
        err.print("[red]error:[/red] shared data folder not found (use --shared DIR or set PARLEY_SHARED)")
        raise typer.Exit(2)
    ctx = EvalContext(shared=root, limit=limit, verbose=verbose,
                      dictionaries=Path(dictionaries) if dictionaries else None,
                      log=lambda line: err.print(line, highlight=False, markup=False, soft_wrap=True))
    try:
        metrics = run(name, ctx)
    except EvalError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    except ParleyError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1)
    shown = {k: v for k, v in metrics.items() if not k.startswith("_")}
    if as_json:
        out.print(json.dumps({"evaluation": name, **shown}, indent=1), highlight=False)
    else:
        out.print(format_metrics(name, shown), highlight=False, markup=False)
    if raise_floors:
        if limit is not None:
            err.print("[red]error:[/red] --raise-floors needs a full run (no --limit)")
            raise typer.Exit(2)
        path = baseline_path()
        data = json.loads(path.read_text("utf-8"))
        floors = data.setdefault(name, {})
        for k, v in list(floors.items()):
            if not k.startswith("_") and k in shown and float(shown[k]) > float(v):
                floors[k] = shown[k]
        path.write_text(json.dumps(data, indent=1) + "\n", "utf-8")
        err.print(f"floors for {name} raised where the measured value is higher ({path.name})")
    if check:
        floors = load_baseline().get(name, {})
        bad = check_floors(name, shown, floors)
        for b in bad:
            err.print(f"[red]below floor:[/red] {b}", highlight=False)
        if bad:
            raise typer.Exit(1)
