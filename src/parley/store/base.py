"""The store's repository interface, written once: every backend runs the same SQL.

A backend (:mod:`.duck`, :mod:`.pg`) supplies only the connection, parameter style, bulk insert, transactions,
locking and its type names; everything else — migrations, idempotent ingest, near-duplicate stories, clusters,
queries — lives here and in :mod:`parley.dedup` / :mod:`parley.query`.

**Article identity and content hash.** ``articles.article_id`` is the document's identity as the reader gave it
(the record ``id``, else the file's name; texts from stdin or ``Coder`` get ``stdin:<hash12>``, since they have
no identity of their own). ``content_hash`` is the SHA-1 of the cleaned text. When an article is stored:

* same id, same hash → unchanged, nothing is written (coding the same input twice adds nothing);
* same id, another hash → the article changed: its row, its events and its signature are replaced;
* new id, but the same hash, URL and outlet as a stored article → the same document under another name
  (a copied file): nothing is written;
* otherwise a new article. An identical or near-identical text from another outlet or URL is a *syndicated
  copy*: stored (it counts in ``num_articles`` and ``num_outlets``) and joined to the original's story.

**One writer at a time, readers never block.** A writer holds the backend's write lock (DuckDB's file lock; a
PostgreSQL advisory lock) for as long as it is open; a second writer gets a :class:`StoreError` at once.
Readers never wait: PostgreSQL readers see the last committed state (MVCC); a DuckDB reader that finds the
file locked by a writer reads a snapshot copy of the last checkpoint (the writer checkpoints after each batch).
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import date, datetime, timezone
from typing import Any, Iterable, Iterator

import pyarrow as pa

from ..errors import ReadOnlyQueryError, StoreError
from ..model import Article, ErrorRecord, Event
from .schema import ARTICLE_COLUMNS, EVENT_COLUMNS, LATEST, MIGRATIONS, render

PLACEHOLDER_IDS = {"", "stdin", "text", "t"}
BATCH_ARTICLES = 500
BATCH_EVENTS = 20000

_ARROW = {"VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
          "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us")}

READ_STARTS = {"select", "with", "from", "describe", "show", "summarize", "explain", "values", "table"}


def now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def as_date(v: Any) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        return None


def location_fields(loc: Any) -> tuple[str | None, str | None]:
    """(name, country) of an event location (a dict, or its JSON text)."""
    if isinstance(loc, str):
        try:
            loc = json.loads(loc)
        except ValueError:
            return None, None
    if not isinstance(loc, dict):
        return None, None
    name = loc.get("name") or loc.get("place") or loc.get("text")
    country = loc.get("country") or loc.get("country_code") or loc.get("iso3")
    return (str(name) if name else None), (str(country).upper() if country else None)


def event_row(ev: Event, run_id: str, article_id: str | None = None) -> list[Any]:
    """One ``events`` row (in EVENT_COLUMNS order) for an event."""
    pl = ev.plover or {}
    ctx = pl.get("context")
    if isinstance(ctx, (list, tuple)):
        ctx = ";".join(str(c) for c in ctx)
    loc_name, loc_country = location_fields(ev.location)

    def actor(a: Any) -> list[Any]:
        return [None] * 4 if a is None else [a.code, a.country, a.sector, a.text]

    return [ev.event_id, run_id, article_id or ev.article_id, ev.sentence_index, ev.sentence, as_date(ev.date),
            ev.date_precision, ev.date_source, ev.historical, *actor(ev.source), *actor(ev.target),
            ev.cameo, ev.cameo_name, ev.root, ev.quad_class, ev.goldstein, pl.get("event"), pl.get("mode"),
            ctx, json.dumps(ev.location, ensure_ascii=False) if ev.location else None, ev.verb_text, ev.rule,
            json.dumps(ev.flags), loc_name, loc_country]


def store_article_id(art: Article) -> str:
    return f"{art.id or 'text'}:{art.content_hash[:12]}" if art.id in PLACEHOLDER_IDS else art.id


class BaseStore:
    """Runs, articles, events, errors and deduplicated clusters, behind one interface for every backend."""

    backend = "base"
    types: dict[str, str] = {t: t for t in ("VARCHAR", "INTEGER", "BIGINT", "DOUBLE", "BOOLEAN", "DATE", "TIMESTAMP")}

    def __init__(self, target: str, read_only: bool = False):
        self.path = target
        self.read_only = read_only
        self._events: list[list[Any]] = []
        self._articles: list[list[Any]] = []
        self._bands: list[tuple[str, str]] = []
        self._pending: dict[str, str] = {}  # article_id -> content hash, queued in this batch
        self._pending_delete: list[str] = []
        self._pending_sigs: dict[str, Any] = {}  # article_id -> MinHash signature, queued in this batch
        self._dirty = False
        self._settings = None
        self._known: dict[str, str] | None = None  # article_id -> content hash (loaded by the first write)
        self._known_hash: dict[str, set] = {}

    # -- backend primitives (overridden) ---------------------------------------------------------------------
    def execute(self, sql: str, params: list[Any] | tuple | None = None) -> None:
        raise NotImplementedError

    def fetchall(self, sql: str, params: list[Any] | tuple | None = None) -> list[tuple]:
        raise NotImplementedError

    def query(self, sql: str, params: list[Any] | None = None) -> tuple[list[str], list[tuple]]:
        raise NotImplementedError

    def arrow(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        raise NotImplementedError

    def insert_rows(self, table: str, columns: list[tuple[str, str]], rows: list[list[Any]]) -> None:
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        raise NotImplementedError
        yield  # pragma: no cover

    def checkpoint(self) -> None:
        """Make written data visible to readers (DuckDB: checkpoint the WAL into the file)."""

    def analyze(self, tables: list[str]) -> None:
        """Refresh the planner's statistics after bulk writes (PostgreSQL; DuckDB keeps its own)."""

    def _close_connection(self) -> None:
        raise NotImplementedError

    def _readonly_guard(self, sql: str) -> Any:
        """Backend's own refusal of writes for ``sql_readonly`` (a read-only connection or transaction)."""
        raise NotImplementedError

    def has_table(self, name: str) -> bool:
        return bool(self.fetchall(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ? AND table_schema = current_schema()",
            [name])[0][0])

    @staticmethod
    def arrow_schema(columns: list[tuple[str, str]]) -> pa.Schema:
        return pa.schema([(n, _ARROW[t]) for n, t in columns])

    # -- schema ------------------------------------------------------------------------------------------------
    def schema_version(self) -> int:
        if not self.has_table("schema_migrations"):
            return 0
        v = self.fetchall("SELECT max(version) FROM schema_migrations")[0][0]
        return int(v or 0)

    def migrate(self) -> int:
        """Apply every migration the store lacks, each in its own transaction. Returns the schema version."""
        self.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at "
                     f"{self.types['TIMESTAMP']})")
        done = {r[0] for r in self.fetchall("SELECT version FROM schema_migrations")}
        for m in MIGRATIONS:
            if m.version in done:
                continue
            try:
                with self.transaction():
                    for sql in m.statements:
                        self.execute(render(sql, self.types))
                    if m.backfill is not None:
                        m.backfill(self)
                    self.execute("INSERT INTO schema_migrations VALUES (?, ?)", [m.version, now()])
            except StoreError:
                raise
            except Exception as exc:
                raise StoreError(f"{self.path}: migration {m.version} ({m.description}) failed: {exc}") from exc
        return LATEST

    def _backfill_locations(self) -> None:
        rows = self.fetchall("SELECT DISTINCT location FROM events WHERE location IS NOT NULL")
        for (loc,) in rows:
            name, country = location_fields(loc)
            if name or country:
                self.execute("UPDATE events SET location_name = ?, location_country = ? WHERE location = ?",
                             [name, country, loc])

    # -- meta --------------------------------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return {k: v for k, v in self.fetchall("SELECT key, value FROM store_meta")}

    def set_meta(self, values: dict[str, str]) -> None:
        keys = list(values)
        marks = ", ".join("?" for _ in keys)
        self.execute(f"DELETE FROM store_meta WHERE key IN ({marks})", keys)
        self.insert_rows("store_meta", [("key", "VARCHAR"), ("value", "VARCHAR")],
                         [[k, str(v)] for k, v in values.items()])

    def dedup_settings(self):
        from ..dedup import DEFAULT_THRESHOLD, DEFAULT_WINDOW, DedupSettings

        m = self.meta()
        return DedupSettings(int(m.get("dedup_window", DEFAULT_WINDOW)),
                             float(m.get("dedup_threshold", DEFAULT_THRESHOLD)))

    # -- runs --------------------------------------------------------------------------------------------------
    def start_run(self, inputs: Iterable[str], options: dict[str, Any], run_id: str | None = None) -> str:
        import uuid

        run_id = run_id or uuid.uuid4().hex[:12]
        self.execute("INSERT INTO runs VALUES (?, ?, NULL, ?, ?, 0, 0, 0, 'running')",
                     [run_id, now(), json.dumps(list(inputs)), json.dumps(options, default=str)])
        return run_id

    def finish_run(self, run_id: str, n_articles: int, n_events: int, n_errors: int, status: str = "done") -> None:
        self.flush()
        self.execute("UPDATE runs SET finished_at=?, n_articles=?, n_events=?, n_errors=?, status=? WHERE run_id=?",
                     [now(), n_articles, n_events, n_errors, status, run_id])
        self.refresh_clusters()

    # -- writing -----------------------------------------------------------------------------------------------
    def _load_known(self) -> None:
        """What the store holds, read once per writer: id -> hash, and hash -> (url, outlet) pairs."""
        self._known = {}
        self._known_hash = {}
        for aid, h, url, src in self.fetchall("SELECT article_id, content_hash, url, source FROM articles"):
            self._known[aid] = h
            self._known_hash.setdefault(h, set()).add((url, src))

    def _stored_hash(self, article_id: str) -> str | None:
        if self._known is None:
            self._load_known()
        return self._known.get(article_id)  # type: ignore[union-attr]

    def add_article(self, art: Article, run_id: str) -> bool:
        """Queue an article and its events. Returns False when it is already stored unchanged (see module doc)."""
        from .. import dedup

        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        h = art.content_hash
        aid = store_article_id(art)
        old = self._stored_hash(aid)
        if old == h:
            return False
        if old is None:
            if (art.url, art.source) in self._known_hash.get(h, ()):  # type: ignore[union-attr]
                return False
        else:
            if aid in self._pending:  # changed twice within one batch: write what is queued first
                self.flush()
            self._pending_delete.append(aid)
        sig = dedup.minhash(art.body or art.text or "")
        self._articles.append([aid, run_id, art.origin, art.url, art.title, art.source, as_date(art.date),
                               art.date_source, json.dumps(art.dateline) if art.dateline else None, h,
                               len(art.sentences), len(art.events), now(), dedup.to_hex(sig), aid, None])
        self._pending[aid] = h
        self._known[aid] = h  # type: ignore[index]
        self._known_hash.setdefault(h, set()).add((art.url, art.source))  # type: ignore[union-attr]
        self._pending_sigs[aid] = sig
        self._bands.extend((k, aid) for k in dedup.band_keys(sig))
        self._events.extend(event_row(e, run_id, aid) for e in art.events)
        if len(self._articles) >= BATCH_ARTICLES or len(self._events) >= BATCH_EVENTS:
            self.flush()
        return True

    def _assign_stories(self) -> None:
        """Near-duplicate stories of the queued articles (one join per batch against the stored bands).

        A queued article joins the story of the most similar earlier article (stored, or queued before it) whose
        estimated Jaccard similarity reaches the threshold; otherwise it starts its own story.
        """
        from .. import dedup

        if not self._bands:
            return
        if self._settings is None:
            self._settings = self.dedup_settings()
        threshold = self._settings.threshold
        self.execute("CREATE TEMP TABLE IF NOT EXISTS parley_pending_bands (band VARCHAR, article_id VARCHAR)")
        self.execute("DELETE FROM parley_pending_bands")
        self.insert_rows("parley_pending_bands", [("band", "VARCHAR"), ("article_id", "VARCHAR")],
                         [list(b) for b in self._bands])
        stored: dict[str, dict[str, tuple[Any, str]]] = {}  # queued id -> stored candidate -> (sig, story)
        for new, old, h, story in self.fetchall(
                "SELECT DISTINCT p.article_id, a.article_id, a.minhash, a.story_id FROM parley_pending_bands p "
                "JOIN article_bands b ON b.band = p.band JOIN articles a ON a.article_id = b.article_id "
                "WHERE a.article_id <> p.article_id"):
            stored.setdefault(new, {})[old] = (dedup.from_hex(h), story or old)
        self.execute("DELETE FROM parley_pending_bands")
        by_band: dict[str, list[str]] = {}
        for k, aid in self._bands:
            by_band.setdefault(k, []).append(aid)
        story_of: dict[str, str] = {}
        for row in self._articles:  # in the order queued: earlier articles first
            aid = row[0]
            sig = self._pending_sigs.get(aid)
            best: tuple[float, str] | None = None
            for old, (osig, ostory) in stored.get(aid, {}).items():
                sim = dedup.similarity(sig, osig)
                if sim >= threshold and (best is None or sim > best[0]):
                    best = (sim, ostory)
            earlier = {c for k in dedup.band_keys(sig) for c in by_band.get(k, ()) if c in story_of and c != aid}
            for c in earlier:
                sim = dedup.similarity(sig, self._pending_sigs.get(c))
                if sim >= threshold and (best is None or sim > best[0]):
                    best = (sim, story_of[c])
            story_of[aid] = best[1] if best else aid
            row[14], row[15] = (best[1], best[0]) if best else (aid, None)

    def add_error(self, err: ErrorRecord, run_id: str) -> None:
        self.execute("INSERT INTO errors VALUES (?, ?, ?, ?, ?, ?)",
                     [run_id, err.origin, err.article_id, err.reason, err.message, now()])

    def delete_articles(self, article_ids: list[str]) -> None:
        from ..dedup import iter_chunks

        for chunk in iter_chunks(article_ids):
            marks = ", ".join("?" for _ in chunk)
            for table in ("events", "article_bands", "articles"):
                self.execute(f"DELETE FROM {table} WHERE article_id IN ({marks})", chunk)

    def flush(self) -> None:
        if not self._articles and not self._events and not self._pending_delete:
            return
        try:
            with self.transaction():
                if self._pending_delete:
                    self.delete_articles(self._pending_delete)
                self._assign_stories()
                if self._articles:
                    self.insert_rows("articles", ARTICLE_COLUMNS, self._articles)
                if self._bands:
                    self.insert_rows("article_bands", [("band", "VARCHAR"), ("article_id", "VARCHAR")],
                                     [list(b) for b in self._bands])
                if self._events:
                    self.insert_rows("events", EVENT_COLUMNS, self._events)
                self.set_meta({"clusters_dirty": "1"})
        except StoreError:
            self._known = None  # re-read what the store really holds
            raise
        except Exception as exc:
            self._known = None
            raise StoreError(f"cannot write to store {self.path}: {exc}") from exc
        finally:
            self._articles, self._events, self._bands, self._pending_delete = [], [], [], []
            self._pending, self._pending_sigs = {}, {}
        self._dirty = True
        self.checkpoint()

    def set_stories(self, rows: list[tuple[str, str, float | None]]) -> None:
        """Set ``story_id`` and ``similarity`` of articles: rows of (article_id, story_id, similarity)."""
        self.execute("UPDATE articles SET story_id = article_id, similarity = NULL")
        for aid, story, sim in rows:
            if story != aid:
                self.execute("UPDATE articles SET story_id = ?, similarity = ? WHERE article_id = ?", [story, sim, aid])

    def refresh_clusters(self, force: bool = False) -> dict[str, Any] | None:
        """Rebuild the event clusters when written data made them stale (stories are kept as assigned)."""
        from ..dedup import rebuild

        self.flush()
        if self.read_only:
            return None
        if not force and self.meta().get("clusters_dirty", "1") == "0":
            return None
        out = rebuild(self, stories=False)
        self.checkpoint()
        return out

    def dedup(self, window_days: int | None = None, threshold: float | None = None) -> dict[str, Any]:
        """``parley dedup``: recompute near-duplicate stories and clusters (with a new window or threshold)."""
        from ..dedup import rebuild

        if self.read_only:
            raise StoreError(f"{self.path} is open read-only")
        self.flush()
        out = rebuild(self, window_days, threshold, stories=True)
        self._settings = None
        self.checkpoint()
        return out

    # -- reading -----------------------------------------------------------------------------------------------
    def sql_readonly(self, sql: str) -> tuple[list[str], list[tuple]]:
        """Run one read-only SQL statement; anything that would write raises :class:`ReadOnlyQueryError`."""
        stripped = sql.strip().rstrip(";").strip()
        first = stripped.split(None, 1)[0].lower() if stripped else ""
        if ";" in stripped or first not in READ_STARTS:
            raise ReadOnlyQueryError(
                "parley sql runs one read-only query (SELECT, WITH, FROM, DESCRIBE, SHOW, EXPLAIN, VALUES); "
                f"refused: {first.upper() or 'an empty query'}")
        return self._readonly_guard(stripped)

    def summary(self) -> dict[str, Any]:
        n_art = self.fetchall("SELECT count(*) FROM articles")[0][0]
        n_ev = self.fetchall("SELECT count(*) FROM events")[0][0]
        n_err = self.fetchall("SELECT count(*) FROM errors")[0][0]
        roots = self.fetchall(
            "SELECT root, min(cameo_name), count(*) AS n FROM events GROUP BY root ORDER BY root")
        dyads = self.fetchall(
            "SELECT source_code, coalesce(target_code, '-') AS t, count(*) AS n FROM events "
            "GROUP BY source_code, coalesce(target_code, '-') ORDER BY n DESC, source_code, t LIMIT 10")
        return {"articles": n_art, "events": n_ev, "errors": n_err, "roots": roots, "dyads": dyads}

    def close(self) -> None:
        try:
            if not self.read_only:
                self.flush()
                if self._dirty:
                    self.refresh_clusters()
        finally:
            self._close_connection()

    def __enter__(self):
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
