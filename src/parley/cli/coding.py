"""Commands to code text: ``code``, ``explain``, ``summary``, ``version``.

Exit status of ``parley code``: 0 = every input coded; 3 = partial failure (some documents could
not be read or coded: each is a row in the store's ``errors`` table and a line on stderr; all
other documents are coded); 2 = bad usage or options; 1 = fatal error (nothing could run).
"""
from __future__ import annotations

from typing import List, Optional

import typer
from rich.table import Table

from ..errors import ParleyError
from .app import app, err, out


def _options(config: Optional[str], **overrides):
    from ..options import build_options

    return build_options(overrides=overrides, config_file=config)


@app.command()
def code(
    inputs: Optional[List[str]] = typer.Argument(None, help="Files, folders (recursive), .gz, JSONL/CSV corpora, or '-' for stdin (optional with --resume)."),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="Write events to FILE, or '-' for stdout."),
    fmt: str = typer.Option("jsonl", "--format", "-f", help="Output format: jsonl, csv or parquet."),
    db: Optional[str] = typer.Option(None, "--db", help="Store path (default: parley.duckdb)."),
    no_db: bool = typer.Option(False, "--no-db", help="Do not write to a store."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", help="Worker processes."),
    config: Optional[str] = typer.Option(None, "--config", help="TOML file of option overrides."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress or summary on stderr."),
    engine: Optional[str] = typer.Option(None, "--engine", help="Execution engine: local (processes) or dask."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help="Dask scheduler tcp://HOST:PORT (with --engine dask; default: a local cluster)."),
    resume: Optional[str] = typer.Option(None, "--resume", help="Resume the killed run RUN_ID (its store and checkpoint): code only what it left."),
    dictionaries: Optional[str] = typer.Option(None, "--dictionaries", help="PETRARCH dictionaries (files, a folder, or a 'parley dictionaries import' folder) used over the built-in ones."),
) -> None:
    """Code INPUTS into events (store and/or --out)."""
    from ..api import code as api_code

    try:
        opts = _options(config, workers=workers, db=db, dictionaries=dictionaries, engine=engine,
                        scheduler=scheduler)
        if scheduler and engine is None:
            opts = opts.with_overrides(engine="dask")
    except ParleyError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    target_db = None if no_db else opts.db
    if target_db is None and out_path is None:
        out_path = "-"

    from .progress import RunProgress, estimate_items

    progress = RunProgress(err, estimate_items(inputs) if inputs and not quiet else None, enabled=not quiet)

    def on_error(rec):
        progress.error(rec)
        err.print(f"[yellow]skipped[/yellow] {rec.origin}: {rec.reason}: {rec.message}", highlight=False)

    try:
        result = api_code(inputs, options=opts, db=target_db, out=out_path, fmt=fmt, on_error=on_error,
                          on_article=progress.article, resume=resume)
    except ParleyError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2 if exc.__class__.__name__ == "OptionsError" else 1)
    finally:
        progress.close()
    if not quiet:
        stored = f" into {target_db}" if target_db else ""
        if target_db and result.run_id:
            err.print(f"run {result.run_id} ({progress.rate:.1f} items/s)", highlight=False)
        err.print(f"coded {result.n_articles} articles, {result.n_events} events{stored}; "
                  f"{result.n_errors} errors" + (f"; {result.n_skipped} unchanged" if result.n_skipped else ""),
                  highlight=False)
    raise typer.Exit(result.exit_code)


@app.command()
def summary(db: str = typer.Option("parley.duckdb", "--db", help="Store path.")) -> None:
    """Print a summary of a store: articles, events by CAMEO root, top dyads."""
    from ..store import open_store

    try:
        store = open_store(db, read_only=True)
    except ParleyError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1)
    with store:
        s = store.summary()
    out.print(f"[bold]{db}[/bold]: {s['articles']} articles, {s['events']} events, {s['errors']} errors")
    t = Table(title="Events by CAMEO root")
    t.add_column("root"), t.add_column("name"), t.add_column("events", justify="right")
    from ..events import Ontology

    onto = Ontology.load()
    for root, _name, n in s["roots"]:
        t.add_row(root, onto[root].name if root in onto else "", str(n))
    out.print(t)
    d = Table(title="Top dyads")
    d.add_column("source"), d.add_column("target"), d.add_column("events", justify="right")
    for src, tgt, n in s["dyads"]:
        d.add_row(src, tgt, str(n))
    out.print(d)


@app.command()
def explain(
    sentence: str = typer.Argument(..., help="A sentence (or short text) to code and explain."),
    date: Optional[str] = typer.Option(None, "--date", help="Publication date YYYY-MM-DD."),
) -> None:
    """Show tokens with roles, actor mentions and codes, the matched patterns and the events."""
    from ..api import Coder
    from ..events import EventCoder

    try:
        coder = Coder(prefilter=False)  # explain every sentence, even one the prefilter would skip
    except ParleyError:
        coder = Coder()
    art = coder.code_article(sentence, date=date)
    doc = art.doc
    ec = next((s for s in coder.pipeline.stages if isinstance(s, EventCoder)), None)
    clauses = ec.clauses(art) if ec is not None else []
    role: dict[int, list[str]] = {}
    for c in clauses:
        role.setdefault(c.pred.i, []).append(f"PRED {c.code}" + ("" if c.fact else " (not coded)"))
    for e in art.events:
        for m, tag in ((e.source_mention, "SRC"), (e.target_mention, "TGT")):
            if m is not None:
                for i in range(m.start, m.end):
                    if tag not in role.get(i, []):
                        role.setdefault(i, []).append(tag)
    tt = Table(title="Tokens")
    for col in ("i", "text", "lemma", "pos", "dep", "head", "role"):
        tt.add_column(col)
    for t in doc:
        tt.add_row(str(t.i), t.text, t.lemma_, t.pos_, t.dep_, f"{t.head.i}:{t.head.text}", " ".join(role.get(t.i, [])))
    out.print(tt)
    mt = Table(title="Actor mentions")
    for col in ("text", "code", "kind", "entry"):
        mt.add_column(col)
    for m in art.mentions:
        mt.add_row(m.text, m.actor.code or "-", m.kind, m.actor.entry)
    out.print(mt)
    ct = Table(title="Predicates matched (verb lexicon)")
    for col in ("predicate", "code", "coded?", "pattern (file:line) and frames"):
        ct.add_column(col)
    for c in clauses:
        status = f"{len(c.events)} event(s)" if c.events else (c.why or "no actors")
        ct.add_row(f"{c.pred.i}:{c.pred.text}", c.code, status if c.fact or not c.why else f"no: {c.why}", c.rule)
    out.print(ct)
    et = Table(title="Events")
    for col in ("source", "target", "cameo", "name", "plover", "date", "where", "verb", "flags", "pattern"):
        et.add_column(col)
    for e in art.events:
        loc = e.location or {}
        et.add_row(e.source.code, e.target.code if e.target else "-", e.cameo, e.cameo_name,
                   (e.plover or {}).get("event") or "-", f"{e.date} ({e.date_precision}, {e.date_source})",
                   f"{loc['name']} ({loc.get('country') or '?'}, {loc.get('source')})" if loc else "-",
                   e.verb_text, ",".join(e.flags), e.rule)
    out.print(et)
    if not art.events:
        out.print("no events coded")


@app.command()
def version() -> None:
    """Print the parley version."""
    from .. import __version__

    out.print(__version__)
