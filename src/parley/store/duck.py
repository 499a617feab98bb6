"""DuckDB store: runs, articles, events and errors tables, with schema migrations.

Writes are buffered and flushed in batches through Arrow tables. Re-coding an article whose
content hash is unchanged adds nothing; a changed article replaces its old events.
"""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable

import duckdb
import pyarrow as pa

from ..errors import ReadOnlyQueryError, StoreError
from ..model import Article, ErrorRecord, Event

EVENT_COLUMNS: list[tuple[str, str]] = [
    ("event_id", "VARCHAR"), ("run_id", "VARCHAR"), ("article_id", "VARCHAR"), ("sentence_index", "INTEGER"),
    ("sentence", "VARCHAR"), ("date", "DATE"), ("date_precision", "VARCHAR"), ("date_source", "VARCHAR"),
    ("historical", "BOOLEAN"),
    ("source_code", "VARCHAR"), ("source_country", "VARCHAR"), ("source_sector", "VARCHAR"), ("source_text", "VARCHAR"),
    ("target_code", "VARCHAR"), ("target_country", "VARCHAR"), ("target_sector", "VARCHAR"), ("target_text", "VARCHAR"),
    ("cameo", "VARCHAR"), ("cameo_name", "VARCHAR"), ("root", "VARCHAR"), ("quad_class", "INTEGER"),
    ("goldstein", "DOUBLE"), ("plover_event", "VARCHAR"), ("plover_mode", "VARCHAR"), ("plover_context", "VARCHAR"),
    ("location", "VARCHAR"), ("verb_text", "VARCHAR"), ("rule", "VARCHAR"), ("flags", "VARCHAR"),
]

MIGRATIONS: list[tuple[int, str]] = [
    (1, f"""
    CREATE TABLE IF NOT EXISTS runs (
        run_id VARCHAR PRIMARY KEY, started_at TIMESTAMP, finished_at TIMESTAMP, inputs VARCHAR,
        options VARCHAR, n_articles INTEGER, n_events INTEGER, n_errors INTEGER, status VARCHAR);
    CREATE TABLE IF NOT EXISTS articles (
        article_id VARCHAR PRIMARY KEY, run_id VARCHAR, origin VARCHAR, url VARCHAR, title VARCHAR,
        source VARCHAR, pub_date DATE, date_source VARCHAR, dateline VARCHAR, content_hash VARCHAR,
        n_sentences INTEGER, n_events INTEGER);
    CREATE TABLE IF NOT EXISTS events ({", ".join(f"{n} {t}" for n, t in EVENT_COLUMNS)});
    CREATE TABLE IF NOT EXISTS errors (
        run_id VARCHAR, origin VARCHAR, article_id VARCHAR, reason VARCHAR, message VARCHAR, created_at TIMESTAMP);
    """),
]


def _flat(prefix: str, actor: Any) -> list[Any]:
    if actor is None:
        return [None, None, None, None]
    return [actor.code, actor.country, actor.sector, actor.text]


def event_row(ev: Event, run_id: str) -> list[Any]:
    pl = ev.plover or {}
    return [ev.event_id, run_id, ev.article_id, ev.sentence_index, ev.sentence, ev.date, ev.date_precision,
            ev.date_source, ev.historical, *_flat("source", ev.source), *_flat("target", ev.target),
            ev.cameo, ev.cameo_name, ev.root, ev.quad_class, ev.goldstein, pl.get("event"), pl.get("mode"),
            pl.get("context"), json.dumps(ev.location) if ev.location else None, ev.verb_text, ev.rule,
            json.dumps(ev.flags)]


_WRITE_WORDS = ("insert", "update", "delete", "create", "drop", "alter", "attach", "detach", "copy",
                "install", "load", "pragma", "set", "call", "export", "import", "checkpoint", "vacuum")


class Store:
    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = str(path)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        self.read_only = read_only
        if not read_only:
            self.migrate()
        self._events: list[list[Any]] = []
        self._articles: list[list[Any]] = []
        self._pending_delete: list[str] = []

    # -- schema ------------------------------------------------------------------------------
    def migrate(self) -> int:
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP)")
        done = {r[0] for r in self.con.execute("SELECT version FROM schema_migrations").fetchall()}
        for version, sql in MIGRATIONS:
            if version in done:
                continue
            self.con.execute("BEGIN")
            try:
                self.con.execute(sql)
                self.con.execute("INSERT INTO schema_migrations VALUES (?, ?)", [version, _now()])
                self.con.execute("COMMIT")
            except duckdb.Error as exc:
                self.con.execute("ROLLBACK")
                raise StoreError(f"migration {version} failed: {exc}") from exc
        return max([v for v, _ in MIGRATIONS])

    # -- runs ----------------------------------------------------------------------------------
    def start_run(self, inputs: Iterable[str], options: dict[str, Any], run_id: str | None = None) -> str:
        run_id = run_id or uuid.uuid4().hex[:12]
        self.con.execute("INSERT INTO runs VALUES (?, ?, NULL, ?, ?, 0, 0, 0, 'running')",
                         [run_id, _now(), json.dumps(list(inputs)), json.dumps(options, default=str)])
        return run_id

    def finish_run(self, run_id: str, n_articles: int, n_events: int, n_errors: int, status: str = "done") -> None:
        self.flush()
        self.con.execute("UPDATE runs SET finished_at=?, n_articles=?, n_events=?, n_errors=?, status=? WHERE run_id=?",
                         [_now(), n_articles, n_events, n_errors, status, run_id])

    # -- writing -------------------------------------------------------------------------------
    def add_article(self, art: Article, run_id: str) -> bool:
        """Queue an article and its events. Returns False when it is already stored unchanged."""
        h = art.content_hash
        row = self.con.execute("SELECT content_hash FROM articles WHERE article_id = ?", [art.id]).fetchall()
        if row and row[0][0] == h:
            return False
        if row:
            self._pending_delete.append(art.id)
        self._articles.append([art.id, run_id, art.origin, art.url, art.title, art.source, art.date,
                               art.date_source, json.dumps(art.dateline) if art.dateline else None, h,
                               len(art.sentences), len(art.events)])
        self._events.extend(event_row(e, run_id) for e in art.events)
        if len(self._articles) >= 500 or len(self._events) >= 20000:
            self.flush()
        return True

    def add_error(self, err: ErrorRecord, run_id: str) -> None:
        self.con.execute("INSERT INTO errors VALUES (?, ?, ?, ?, ?, ?)",
                         [run_id, err.origin, err.article_id, err.reason, err.message, _now()])

    def flush(self) -> None:
        if not self._articles and not self._events:
            return
        self.con.execute("BEGIN")
        try:
            if self._pending_delete:
                ids = pa.table({"article_id": self._pending_delete})
                self.con.register("_del", ids)
                self.con.execute("DELETE FROM events WHERE article_id IN (SELECT article_id FROM _del)")
                self.con.execute("DELETE FROM articles WHERE article_id IN (SELECT article_id FROM _del)")
                self.con.unregister("_del")
            if self._articles:
                cols = ["article_id", "run_id", "origin", "url", "title", "source", "pub_date", "date_source",
                        "dateline", "content_hash", "n_sentences", "n_events"]
                tbl = pa.table({c: [r[i] for r in self._articles] for i, c in enumerate(cols)})
                self.con.register("_arts", tbl)
                self.con.execute("INSERT OR REPLACE INTO articles SELECT article_id, run_id, origin, url, title, source, "
                                 "TRY_CAST(pub_date AS DATE), date_source, dateline, content_hash, n_sentences, n_events FROM _arts")
                self.con.unregister("_arts")
            if self._events:
                names = [n for n, _ in EVENT_COLUMNS]
                tbl = pa.table({n: pa.array([r[i] for r in self._events],
                                            type=pa.string() if t == "VARCHAR" or n == "date" else None)
                                for i, (n, t) in enumerate(EVENT_COLUMNS)})
                self.con.register("_evs", tbl)
                sel = ", ".join(f"TRY_CAST({n} AS DATE)" if n == "date" else n for n in names)
                self.con.execute(f"INSERT INTO events SELECT {sel} FROM _evs")
                self.con.unregister("_evs")
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            self.con.execute("ROLLBACK")
            raise StoreError(f"cannot write to store {self.path}: {exc}") from exc
        finally:
            self._articles, self._events, self._pending_delete = [], [], []

    # -- reading -------------------------------------------------------------------------------
    def query(self, sql: str, params: list[Any] | None = None) -> tuple[list[str], list[tuple]]:
        cur = self.con.execute(sql, params or [])
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall()

    def sql_readonly(self, sql: str) -> tuple[list[str], list[tuple]]:
        stripped = sql.strip().rstrip(";").strip()
        first = stripped.split(None, 1)[0].lower() if stripped else ""
        if ";" in stripped or first in _WRITE_WORDS or first not in {"select", "with", "from", "describe",
                                                                     "show", "summarize", "explain", "values"}:
            raise ReadOnlyQueryError("parley sql runs read-only queries only (SELECT/WITH/FROM/DESCRIBE/SHOW); "
                                     f"refused: {first.upper() or 'empty query'}")
        return self.query(stripped)

    def summary(self) -> dict[str, Any]:
        n_art = self.con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        n_ev = self.con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        n_err = self.con.execute("SELECT count(*) FROM errors").fetchall()[0][0]
        roots = self.con.execute(
            "SELECT root, any_value(cameo_name) FILTER (WHERE length(cameo)=3), count(*) AS n FROM events "
            "GROUP BY root ORDER BY root").fetchall()
        dyads = self.con.execute(
            "SELECT source_code, coalesce(target_code, '-') AS t, count(*) AS n FROM events "
            "GROUP BY source_code, t ORDER BY n DESC, source_code, t LIMIT 10").fetchall()
        return {"articles": n_art, "events": n_ev, "errors": n_err, "roots": roots, "dyads": dyads}

    def close(self) -> None:
        if not self.read_only:
            self.flush()
        self.con.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def open_store(path: str | Path, read_only: bool = False) -> Store:
    return Store(path, read_only=read_only)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
