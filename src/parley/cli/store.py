"""Store commands: ``query``, ``sql``, ``export``, ``stats``, ``plot``, ``dedup`` (registered on the shared app).

Exit status: 0 = done; 1 = the store cannot be opened or read; 2 = bad usage (unknown option value, a query
that would write).
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Iterator, Optional

import typer
from rich.table import Table

from ..errors import OptionsError, ParleyError, ReadOnlyQueryError
from .app import app, err, out

DB_HELP = "Store: a DuckDB file or a postgresql:// URL."
TABLE_COLUMNS = {
    "raw": ["date", "source_code", "target_code", "cameo", "cameo_name", "goldstein", "article_id", "sentence"],
    "article": ["date", "source_code", "target_code", "cameo", "cameo_name", "num_mentions", "article_id", "sentence"],
    "day": ["date", "source_code", "target_code", "cameo", "cameo_name", "num_mentions", "num_articles",
            "num_sources", "first_article_id"],
}


@contextmanager
def _handled() -> Iterator[None]:
    try:
        yield
    except (OptionsError, ReadOnlyQueryError) as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(2)
    except ParleyError as exc:
        err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1)


def _open(db: str):
    from ..query import EventStore

    return EventStore(db)


def _filters(source, target, dyad, code, quad, since, until, location, dedup, per_article, limit=None) -> dict:
    level: Any = "article" if per_article else bool(dedup)
    return {"source": source, "target": target, "dyad": dyad, "code": code, "quad": quad, "since": since,
            "until": until, "location": location, "dedup": level, "limit": limit}


# the filter options, declared once and reused by every command
F_SOURCE = typer.Option(None, "--source", help="Source actor: code prefix or country (RUS matches RUSGOV); A,B = either.")
F_TARGET = typer.Option(None, "--target", help="Target actor: code prefix or country.")
F_DYAD = typer.Option(None, "--dyad", help="SOURCE,TARGET (directed), e.g. RUS,USA.")
F_CODE = typer.Option(None, "--code", help="CAMEO code prefix: 04 = all CONSULT codes, 041 = 041 and below.")
F_QUAD = typer.Option(None, "--quad", help="Quad class 1-4 (1 verbal coop., 2 material coop., 3 verbal conflict, "
                                           "4 material conflict); 3,4 = either.")
F_SINCE = typer.Option(None, "--since", help="Events on or after DATE (YYYY-MM-DD).")
F_UNTIL = typer.Option(None, "--until", help="Events on or before DATE (YYYY-MM-DD).")
F_LOCATION = typer.Option(None, "--location", help="Event location country (e.g. SYR) or place name.")
F_DEDUP = typer.Option(False, "--dedup", help="Deduplicated events: one per source, target, code and day across "
                                              "articles, with num_mentions, num_articles, num_sources.")
F_PER_ARTICLE = typer.Option(False, "--per-article", help="One event per article, date, dyad and code "
                                                          "(with num_mentions).")
F_DB = typer.Option("parley.duckdb", "--db", help=DB_HELP)


def _cell(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v) or str(v) in ("<NA>", "NaT"):
        return ""
    if isinstance(v, float):
        return f"{v:g}"
    s = str(v)
    return s if len(s) <= 80 else s[:77] + "..."


def _print_frame(df, fmt: str, out_path: Optional[str], level: str | None = None, title: str | None = None) -> None:
    if fmt == "table":
        cols = [c for c in (TABLE_COLUMNS.get(level or "", []) or list(df.columns)) if c in df.columns]
        t = Table(title=title)
        for c in cols:
            if c == "sentence":
                t.add_column(c, overflow="ellipsis", no_wrap=True, max_width=60)
            else:
                t.add_column(c, overflow="fold", min_width=min(len(c), 10))
        for row in df[cols].itertuples(index=False):
            t.add_row(*[_cell(v) for v in row])
        out.print(t)
        return
    target = None if out_path in (None, "-") else out_path
    if fmt == "csv":
        text = df.to_csv(index=False)
    elif fmt in ("json", "jsonl"):
        recs = json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False))
        for r in recs:  # dates as YYYY-MM-DD
            for k, v in r.items():
                if isinstance(v, str) and len(v) == 23 and v.endswith("T00:00:00.000"):
                    r[k] = v[:10]
        text = (json.dumps(recs, ensure_ascii=False, indent=1) + "\n" if fmt == "json"
                else "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs))
    elif fmt == "parquet":
        if target is None:
            raise OptionsError("--format parquet needs --out FILE.parquet")
        df.to_parquet(target, index=False)
        return
    else:
        raise OptionsError(f"unknown format {fmt!r}; choose table, csv, json, jsonl or parquet")
    if target is None:
        sys.stdout.write(text)
    else:
        with open(target, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)


@app.command()
def query(
    source: Optional[str] = F_SOURCE, target: Optional[str] = F_TARGET, dyad: Optional[str] = F_DYAD,
    code: Optional[str] = F_CODE, quad: Optional[str] = F_QUAD, since: Optional[str] = F_SINCE,
    until: Optional[str] = F_UNTIL, location: Optional[str] = F_LOCATION, dedup: bool = F_DEDUP,
    per_article: bool = F_PER_ARTICLE,
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json, jsonl or parquet."),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="Write to FILE instead of stdout."),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most N rows (table: 100 unless given)."),
    db: str = F_DB,
) -> None:
    """Events matching the filters: raw mentions, or deduplicated with --dedup."""
    from ..query import Filters

    with _handled():
        shown = limit if limit is not None or fmt != "table" else 100
        f = _filters(source, target, dyad, code, quad, since, until, location, dedup, per_article, shown)
        level = Filters(**f).level()
        with _open(db) as store:
            df = store.events(**f)
            more = ""
            if fmt == "table" and limit is None and len(df) == shown:
                more = f" (first {shown}; use --limit N or --format csv for all)"
            _print_frame(df, fmt, out_path, level,
                         title=f"{len(df)} {'deduplicated events' if level == 'day' else 'events'}{more}")


@app.command()
def sql(
    statement: str = typer.Argument(..., help="One read-only SQL query (SELECT / WITH / FROM / DESCRIBE / SHOW)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json, jsonl or parquet."),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="Write to FILE instead of stdout."),
    db: str = F_DB,
) -> None:
    """Run read-only SQL on the store (tables: events, articles, event_clusters, article_events, runs, errors)."""
    with _handled():
        with _open(db) as store:
            df = store.sql(statement)
            _print_frame(df, fmt, out_path, None)


@app.command()
def export(
    fmt: str = typer.Option(..., "--format", "-f", help="parquet, csv, jsonl, plover (PLOVER JSONL) or gdelt "
                                                         "(GDELT 2.0 event-table TSV, deduplicated)."),
    out_path: Optional[str] = typer.Option(None, "--out", "-o", help="Output file ('-' or none: stdout)."),
    source: Optional[str] = F_SOURCE, target: Optional[str] = F_TARGET, dyad: Optional[str] = F_DYAD,
    code: Optional[str] = F_CODE, quad: Optional[str] = F_QUAD, since: Optional[str] = F_SINCE,
    until: Optional[str] = F_UNTIL, location: Optional[str] = F_LOCATION, dedup: bool = F_DEDUP,
    per_article: bool = F_PER_ARTICLE, db: str = F_DB,
) -> None:
    """Export events (all, or those matching the filters)."""
    from ..store.export import export as do_export

    with _handled():
        f = _filters(source, target, dyad, code, quad, since, until, location, dedup, per_article)
        with _open(db) as store:
            got = do_export(store, fmt, out_path, **f)
        if out_path not in (None, "-"):
            extra = f"; {got['skipped']} without a PLOVER event left out" if got.get("skipped") else ""
            err.print(f"wrote {got['rows']} rows to {out_path}{extra}", highlight=False)


@app.command()
def stats(
    source: Optional[str] = F_SOURCE, target: Optional[str] = F_TARGET, dyad: Optional[str] = F_DYAD,
    code: Optional[str] = F_CODE, quad: Optional[str] = F_QUAD, since: Optional[str] = F_SINCE,
    until: Optional[str] = F_UNTIL, location: Optional[str] = F_LOCATION, dedup: bool = F_DEDUP,
    per_article: bool = F_PER_ARTICLE,
    top: int = typer.Option(10, "--top", help="How many actors, dyads and codes to list."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
    db: str = F_DB,
) -> None:
    """Top actors, dyads and codes of the store (or of the events matching the filters)."""
    with _handled():
        f = _filters(source, target, dyad, code, quad, since, until, location, dedup, per_article)
        with _open(db) as store:
            s = store.stats(top=top, **f)
            n_articles = store.store.fetchall("SELECT count(*) FROM articles")[0][0]
            n_clusters = store.store.fetchall("SELECT count(*) FROM event_clusters")[0][0]
    s["articles"], s["clusters"] = n_articles, n_clusters
    if as_json:
        out.print_json(json.dumps(s, default=str))
        return
    out.print(f"[bold]{db}[/bold]: {n_articles} articles; {s['events']} "
              f"{'deduplicated events' if s['level'] == 'day' else 'events'} match "
              f"({n_clusters} deduplicated in the store); dates {s['first_date']} to {s['last_date']}; "
              f"Goldstein sum {s['goldstein_sum'] or 0:g}", highlight=False)
    for title, cols, rows in (
        ("Top actors", ["actor", "events"], s["actors"]),
        ("Top dyads", ["source", "target", "events", "Goldstein sum"], s["dyads"]),
        ("Top CAMEO codes", ["code", "name", "events"], s["codes"]),
        ("CAMEO roots", ["root", "events"], s["roots"]),
        ("Quad classes", ["quad", "events"], s["quads"]),
    ):
        t = Table(title=title)
        for c in cols:
            t.add_column(c)
        for r in rows:
            t.add_row(*[_cell(v) for v in r])
        out.print(t)


@app.command()
def plot(
    kind: str = typer.Argument(..., help="timeline (events and Goldstein sum per period) or dyads (top dyads)."),
    out_path: str = typer.Option(..., "--out", "-o", help="PNG file to write."),
    by: str = typer.Option("week", "--by", help="timeline period: day, week or month."),
    top: int = typer.Option(15, "--top", help="dyads: how many."),
    source: Optional[str] = F_SOURCE, target: Optional[str] = F_TARGET, dyad: Optional[str] = F_DYAD,
    code: Optional[str] = F_CODE, quad: Optional[str] = F_QUAD, since: Optional[str] = F_SINCE,
    until: Optional[str] = F_UNTIL, location: Optional[str] = F_LOCATION, dedup: bool = F_DEDUP,
    per_article: bool = F_PER_ARTICLE, db: str = F_DB,
) -> None:
    """Draw a PNG chart of the store's events."""
    from ..store.plot import plot_dyads, plot_timeline

    with _handled():
        if kind not in ("timeline", "dyads"):
            raise OptionsError(f"plot what? timeline or dyads, not {kind!r}")
        f = _filters(source, target, dyad, code, quad, since, until, location, dedup, per_article)
        with _open(db) as store:
            if kind == "timeline":
                n = plot_timeline(store.store, out_path, by=by, **f)
                err.print(f"wrote {out_path}: {n} {by}s", highlight=False)
            else:
                n = plot_dyads(store.store, out_path, top=top, **f)
                err.print(f"wrote {out_path}: {n} dyads", highlight=False)


@app.command()
def dedup(
    window: int = typer.Option(None, "--window", help="Days: reports of the same source, target and code within "
                                                      "WINDOW days of the previous one are one event (default 1 = "
                                                      "one a day; kept for later runs)."),
    threshold: float = typer.Option(None, "--threshold", help="Near-duplicate articles: estimated Jaccard "
                                                              "similarity of word 4-shingles (default 0.5)."),
    db: str = F_DB,
) -> None:
    """Rebuild near-duplicate stories and deduplicated event clusters."""
    from ..store import open_store

    with _handled():
        with open_store(db) as store:
            got = store.dedup(window, threshold)
    out.print(f"{got['events']} events → {got['clusters']} deduplicated events (window {got['window_days']} "
              f"day{'s' if got['window_days'] != 1 else ''}); {got['copies']} articles are near-duplicates "
              f"of earlier ones (threshold {got['threshold']:g})", highlight=False)
