"""The web app's read layer: the queries behind ``/api/...``, over the store's query API.

Filters are :class:`parley.query.Filters` (the same set as ``parley query``); this module adds what a browser
needs on top: pagination, sorting, per-dyad series, graph edges, map points and one article with its events.

Requests read through a :class:`ReaderPool`: one shared read-only connection, a cursor per request; the server
holds the store's file only while it is being browsed (see :class:`ReaderPool`).
"""
from __future__ import annotations

import json
import math
import threading
import time
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, Iterator

from ..errors import OptionsError
from ..query import Filters

# sortable columns, per level: the public name -> SQL column of the aliased table ``e``
SORTS_COMMON = {"date": "date", "goldstein": "goldstein", "cameo": "cameo", "source": "source_code",
                "target": "target_code", "quad": "quad_class", "location": "location_name"}
SORTS_DAY = {**SORTS_COMMON, "articles": "num_articles", "mentions": "num_mentions", "sources": "num_sources"}
SORTS_ARTICLE = {**SORTS_COMMON, "mentions": "num_mentions"}
PERIODS = ("day", "week", "month", "year")
ORDERS_KEPT = 32  # orders of filtered event sets kept per connection (8 bytes an event each)

# columns the events list returns (the rest is in /api/events/{id})
LIST_COLS_RAW = ["event_id", "article_id", "sentence_index", "date", "source_code", "source_text", "target_code",
                 "target_text", "cameo", "cameo_name", "root", "quad_class", "goldstein", "plover_event",
                 "location_name", "location_country", "verb_text", "sentence", "title", "outlet"]
LIST_COLS_DAY = ["cluster_id", "first_event_id", "first_article_id", "date", "date_end", "source_code", "source_text",
                 "target_code", "target_text", "cameo", "cameo_name", "root", "quad_class", "goldstein",
                 "plover_event", "location_name", "location_country", "verb_text", "sentence", "num_mentions",
                 "num_articles", "num_stories", "num_sources", "num_outlets", "first_source"]


def jsonable(v: Any) -> Any:
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v


def row_dict(cols: list[str], row: tuple) -> dict[str, Any]:
    return {c: jsonable(v) for c, v in zip(cols, row)}


class _DuckCursor:
    """The part of the store interface the reader uses, over one DuckDB cursor (one per request, thread-safe)."""

    backend = "duckdb"

    def __init__(self, cursor: Any):
        self.con = cursor

    def fetchall(self, sql: str, params: list[Any] | tuple | None = None) -> list[tuple]:
        return self.con.execute(sql, list(params) if params else None).fetchall()

    def query(self, sql: str, params: list[Any] | None = None) -> tuple[list[str], list[tuple]]:
        cur = self.con.execute(sql, list(params) if params else None)
        return [d[0] for d in cur.description] if cur.description else [], cur.fetchall()

    def close(self) -> None:
        self.con.close()


class Reader:
    """The queries of one request, over a store interface (``fetchall``, ``query``, ``backend``)."""

    def __init__(self, store: Any, cache: dict | None = None):
        self.store = store
        self.cache = cache

    def q(self, sql: str, params: list[Any] | None = None) -> tuple[list[str], list[tuple]]:
        return self.store.query(sql, params or [])

    # -- events ------------------------------------------------------------------------------------------------
    def events(self, filters: Filters, *, limit: int = 50, offset: int = 0, sort: str = "-date") -> dict[str, Any]:
        """A page of events; pages are remembered while the connection lives (the data cannot change under it)."""
        key = ("page", repr(sorted(_filter_kwargs(filters).items(), key=lambda kv: kv[0])), limit, offset, sort)
        if self.cache is not None and key in self.cache:
            return self.cache[key]
        out = self._events(filters, limit=limit, offset=offset, sort=sort)
        self._remember(key, out)
        return out

    def _remember(self, key: Any, value: Any) -> None:
        if self.cache is not None:
            if len(self.cache) > 1000:
                orders = self.cache.get("orders")
                self.cache.clear()
                if orders is not None:
                    self.cache["orders"] = orders
            self.cache[key] = value

    def _events(self, filters: Filters, *, limit: int, offset: int, sort: str) -> dict[str, Any]:
        level = filters.level()
        sorts = {"raw": SORTS_COMMON, "article": SORTS_ARTICLE, "day": SORTS_DAY}[level]
        desc = sort.startswith("-")
        key = sort.lstrip("-+")
        if key not in sorts:
            raise OptionsError(f"sort wants one of {', '.join(sorted(sorts))} (prefix - for descending), not {sort!r}")
        tie = "cluster_id" if level == "day" else "event_id"
        order = f" ORDER BY s.{sorts[key]} {'DESC' if desc else 'ASC'} NULLS LAST, s.{tie}"
        page = f" LIMIT {int(limit)} OFFSET {int(offset)}"
        if level == "raw" and self.store.backend == "duckdb":
            total, items = self._raw_page(filters, sorts[key], desc, limit, offset)
        else:
            base, params = _base(filters)
            cols = LIST_COLS_DAY if level == "day" else LIST_COLS_RAW + (["num_mentions"] if level == "article" else [])
            total = self._count(base, params)
            sel = ", ".join(f"s.{c}" for c in cols)
            names, rows = self.q(f"SELECT {sel} FROM ({base}) s{order}{page}", params)
            items = [row_dict(names, r) for r in rows]
        for d in items:
            d["id"] = d.get("event_id") or d.get("first_event_id")
        return {"level": level, "total": int(total), "limit": limit, "offset": offset, "sort": sort, "items": items}

    def _raw_page(self, filters: Filters, col: str, desc: bool, limit: int, offset: int) -> tuple[int, list[dict]]:
        """A page of raw events from DuckDB: the filtered set's order (row ids) is computed once per filter and
        sort while the connection lives, so any page is a slice of it plus one fetch of its rows."""
        where, params = filters.where()
        key = (where, tuple(str(p) for p in params), col, desc)
        orders = self.cache.setdefault("orders", {}) if self.cache is not None else {}
        order = orders.get(key)
        if order is None:
            order = self.store.con.execute(
                f"SELECT e.rowid AS rid FROM events e{where} ORDER BY e.{col} {'DESC' if desc else 'ASC'} NULLS LAST, "
                "e.rowid", params or None).fetchnumpy()["rid"]
            if len(orders) >= ORDERS_KEPT:
                orders.clear()
            orders[key] = order
        ids = order[offset:offset + limit].tolist()
        if not ids:
            return len(order), []
        cols = [c for c in LIST_COLS_RAW if c not in ("title", "outlet")]
        names, rows = self.q(f"SELECT rowid AS _rid, {', '.join(cols)} FROM events WHERE rowid = ANY(?)", [ids])
        by_rid = {r[0]: row_dict(names[1:], r[1:]) for r in rows}
        items = [by_rid[i] for i in ids if i in by_rid]
        arts = sorted({d["article_id"] for d in items if d.get("article_id")})
        titles = {a: (t, o) for a, t, o in self.store.fetchall(
            "SELECT article_id, title, source FROM articles WHERE article_id = ANY(?)", [arts])} if arts else {}
        for d in items:
            d["title"], d["outlet"] = titles.get(d.get("article_id"), (None, None))
        return len(order), items

    def _count(self, base: str, params: list[Any]) -> int:
        """Rows of a filtered set; remembered while the connection lives (the data cannot change under it)."""
        key = (base, tuple(str(p) for p in params))
        if self.cache is not None and key in self.cache:
            return self.cache[key]
        n = int(self.store.fetchall(f"SELECT count(*) FROM ({base}) s", params)[0][0])
        self._remember(key, n)
        return n

    def event(self, event_id: str) -> dict[str, Any] | None:
        names, rows = self.q("SELECT e.*, a.url, a.title, a.source AS outlet, a.pub_date, a.origin FROM events e "
                             "LEFT JOIN articles a ON a.article_id = e.article_id WHERE e.event_id = ? LIMIT 1",
                             [event_id])
        if not rows:
            return None
        d = row_dict(names, rows[0])
        d["location"] = _json(d.get("location"))
        d["flags"] = _json(d.get("flags")) or []
        return d

    # -- article -----------------------------------------------------------------------------------------------
    def article(self, article_id: str) -> dict[str, Any] | None:
        names, rows = self.q("SELECT * FROM articles WHERE article_id = ?", [article_id])
        if not rows:
            return None
        art = row_dict(names, rows[0])
        for k in ("minhash",):
            art.pop(k, None)
        art["dateline"] = _json(art.get("dateline"))
        names, rows = self.q("SELECT * FROM events WHERE article_id = ? ORDER BY sentence_index, event_id",
                             [article_id])
        events = []
        for r in rows:
            d = row_dict(names, r)
            d["location"] = _json(d.get("location"))
            d["flags"] = _json(d.get("flags")) or []
            events.append(d)
        return {"article": art, "events": events}

    def articles(self, q: str | None, limit: int, offset: int) -> dict[str, Any]:
        where, params = "", []
        if q:
            where = " WHERE upper(article_id) LIKE ? OR upper(coalesce(title, '')) LIKE ?"
            params = [f"%{q.upper()}%", f"%{q.upper()}%"]
        total = self.store.fetchall(f"SELECT count(*) FROM articles{where}", params)[0][0]
        names, rows = self.q("SELECT article_id, title, source, url, pub_date, n_sentences, n_events FROM articles"
                             f"{where} ORDER BY pub_date DESC NULLS LAST, article_id LIMIT {int(limit)} "
                             f"OFFSET {int(offset)}", params)
        return {"total": int(total), "items": [row_dict(names, r) for r in rows]}

    # -- actors ------------------------------------------------------------------------------------------------
    def actors(self, filters: Filters, q: str | None, limit: int) -> list[dict[str, Any]]:
        base, params = _base(filters)
        where, xp = "x.code IS NOT NULL", []
        if q:
            where += " AND (upper(x.code) LIKE ? OR upper(x.text) LIKE ?)"
            xp = [f"%{q.upper()}%", f"%{q.upper()}%"]
        names, rows = self.q(
            "SELECT x.code, min(x.country) AS country, sum(x.src) AS as_source, sum(x.tgt) AS as_target, "
            "count(*) AS events, min(x.text) AS example_text FROM ("
            "SELECT s.source_code AS code, s.source_country AS country, s.source_text AS text, 1 AS src, 0 AS tgt "
            f"FROM ({base}) s UNION ALL "
            f"SELECT s.target_code, s.target_country, s.target_text, 0, 1 FROM ({base}) s) x "
            f"WHERE {where} GROUP BY x.code ORDER BY events DESC, x.code LIMIT {int(limit)}", params + params + xp)
        return [row_dict(names, r) for r in rows]

    # -- statistics --------------------------------------------------------------------------------------------
    def timeline(self, filters: Filters, by: str, split: int) -> dict[str, Any]:
        from ..query import timeline

        total = None
        if by != "year":  # parley.query.timeline does day, week and month
            total = [{"period": jsonable(p), "events": int(n), "goldstein": _round(g)}
                     for p, n, g in timeline(self.store, by, **_filter_kwargs(filters))]
        base, params = _base(filters)
        trunc = f"CAST(date_trunc('{by}', s.date) AS DATE)"
        if total is None:
            rows = self.store.fetchall(f"SELECT {trunc} AS p, count(*), sum(s.goldstein) FROM ({base}) s "
                                       f"WHERE s.date IS NOT NULL GROUP BY {trunc} ORDER BY p", params)
            total = [{"period": jsonable(p), "events": int(n), "goldstein": _round(g)} for p, n, g in rows]
        series = [{"key": "all", "source": None, "target": None, "points": total}]
        if split > 0:
            top = self.store.fetchall(
                f"SELECT s.source_code, s.target_code, count(*) AS n FROM ({base}) s WHERE s.date IS NOT NULL "
                f"AND s.target_code IS NOT NULL GROUP BY s.source_code, s.target_code "
                f"ORDER BY n DESC, s.source_code, s.target_code LIMIT {int(split)}", params)
            for src, tgt, _n in top:
                rows = self.store.fetchall(
                    f"SELECT {trunc} AS p, count(*), sum(s.goldstein) FROM ({base}) s WHERE s.date IS NOT NULL "
                    f"AND s.source_code = ? AND s.target_code = ? GROUP BY {trunc} ORDER BY p",
                    params + [src, tgt])
                series.append({"key": f"{src}>{tgt}", "source": src, "target": tgt,
                               "points": [{"period": jsonable(p), "events": int(n), "goldstein": _round(g)}
                                          for p, n, g in rows]})
        return {"by": by, "series": series}

    def dyads(self, filters: Filters, by: str, limit: int) -> dict[str, Any]:
        base, params = _base(filters)
        sc, tc = ("s.source_country", "s.target_country") if by == "country" else ("s.source_code", "s.target_code")
        rows = self.store.fetchall(
            f"SELECT {sc} AS a, {tc} AS b, count(*) AS n, sum(s.goldstein) AS g, "
            "sum(CASE WHEN s.quad_class = 1 THEN 1 ELSE 0 END), sum(CASE WHEN s.quad_class = 2 THEN 1 ELSE 0 END), "
            "sum(CASE WHEN s.quad_class = 3 THEN 1 ELSE 0 END), sum(CASE WHEN s.quad_class = 4 THEN 1 ELSE 0 END) "
            f"FROM ({base}) s WHERE {sc} IS NOT NULL AND {tc} IS NOT NULL GROUP BY {sc}, {tc} "
            f"ORDER BY n DESC, a, b LIMIT {int(limit)}", params)
        edges, nodes = [], {}
        for a, b, n, g, q1, q2, q3, q4 in rows:
            quads = {"1": int(q1), "2": int(q2), "3": int(q3), "4": int(q4)}
            dominant = int(max(quads, key=lambda k: (quads[k], -int(k))))
            edges.append({"source": a, "target": b, "events": int(n), "goldstein": _round(g), "quad_class": dominant,
                          "quads": quads})
            for code, out_n, in_n in ((a, n, 0), (b, 0, n)):
                node = nodes.setdefault(code, {"id": code, "events": 0, "out": 0, "in": 0})
                node["events"] += int(n)
                node["out"] += int(out_n)
                node["in"] += int(in_n)
        return {"by": by, "nodes": sorted(nodes.values(), key=lambda x: (-x["events"], x["id"])), "edges": edges}

    def locations(self, filters: Filters, limit: int) -> list[dict[str, Any]]:
        base, params = _base(filters)
        if filters.level() == "day":
            # clusters keep the location name and country only: plot them at the first event's coordinates
            base = (f"SELECT c.*, ev.location FROM ({base}) c LEFT JOIN events ev ON ev.event_id = c.first_event_id")
        rows = self.store.fetchall(
            f"SELECT s.location, count(*) AS n, sum(s.goldstein), "
            "sum(CASE WHEN s.quad_class = 1 THEN 1 ELSE 0 END), sum(CASE WHEN s.quad_class = 2 THEN 1 ELSE 0 END), "
            "sum(CASE WHEN s.quad_class = 3 THEN 1 ELSE 0 END), sum(CASE WHEN s.quad_class = 4 THEN 1 ELSE 0 END) "
            f"FROM ({base}) s WHERE s.location IS NOT NULL GROUP BY s.location ORDER BY n DESC LIMIT {int(limit) * 4}",
            params)
        points: dict[tuple, dict[str, Any]] = {}
        for loc, n, g, q1, q2, q3, q4 in rows:
            d = _json(loc)
            if not isinstance(d, dict) or d.get("lat") is None or d.get("lon") is None:
                continue
            key = (round(float(d["lat"]), 3), round(float(d["lon"]), 3))
            p = points.setdefault(key, {"name": d.get("name"), "country": d.get("country"), "lat": key[0],
                                        "lon": key[1], "precision": d.get("precision"), "events": 0, "goldstein": 0.0,
                                        "quads": {"1": 0, "2": 0, "3": 0, "4": 0}})
            p["events"] += int(n)
            p["goldstein"] = _round((p["goldstein"] or 0) + (g or 0))
            for k, v in zip("1234", (q1, q2, q3, q4)):
                p["quads"][k] += int(v)
        out = sorted(points.values(), key=lambda p: (-p["events"], str(p["name"])))[:limit]
        for p in out:
            p["quad_class"] = int(max(p["quads"], key=lambda k: (p["quads"][k], -int(k))))
        return out

    def overview(self) -> dict[str, Any]:
        n_art = self.store.fetchall("SELECT count(*) FROM articles")[0][0]
        n_ev, first, last = self.store.fetchall("SELECT count(*), min(date), max(date) FROM events")[0]
        return {"articles": int(n_art), "events": int(n_ev), "first_date": jsonable(first),
                "last_date": jsonable(last), "backend": self.store.backend}


def _filter_kwargs(f: Filters) -> dict[str, Any]:
    return {k: getattr(f, k) for k in Filters.names() if k != "limit"}


def _base(filters: Filters) -> tuple[str, list[Any]]:
    """The filtered row set, without order or limit, as SQL over a table aliased ``e``."""
    f = Filters(**{**_filter_kwargs(filters), "limit": None})
    sql, params = f.sql()
    return sql.split(" ORDER BY ")[0], params


def _json(v: Any) -> Any:
    if isinstance(v, str):
        try:
            return json.loads(v)
        except ValueError:
            return v
    return v


def _round(v: Any) -> float | None:
    return None if v is None else round(float(v), 2)


class ReaderPool:
    """Read connections for the app's requests.

    DuckDB: one read-only connection is opened on demand and each request gets its own cursor on it (cheap and
    thread-safe). The connection is closed again once no request has used it for ``idle_s`` seconds, so that a
    writer (``parley code``, which needs the file to itself) can get in while nobody is browsing, and the next
    request sees what it wrote. PostgreSQL: one connection per request (readers never block writers there).
    """

    def __init__(self, target: str, idle_s: float = 5.0, threads: int | None = None):
        self.target = str(target)
        self.threads = threads  # DuckDB threads per query (None: DuckDB's default, one per core)
        self.idle_s = idle_s
        self.lock = threading.Lock()
        self.db: Any = None
        self.active = 0
        self.last = 0.0
        self.timer: threading.Timer | None = None
        self.cache: dict = {}  # per open connection: counts and pages of filtered sets

    @property
    def postgres(self) -> bool:
        return self.target.startswith(("postgresql://", "postgres://"))

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        from ..query import EventStore

        if self.postgres:
            db = EventStore(self.target)
            try:
                yield Reader(db.store)
            finally:
                db.close()
            return
        with self.lock:
            if self.db is None:
                self.db = EventStore(self.target)
                self.cache = {}
                if self.threads:
                    self.db.store.con.execute(f"SET threads = {int(self.threads)}")
            cur = _DuckCursor(self.db.store.con.cursor())
            self.active += 1
        try:
            yield Reader(cur, self.cache)
        finally:
            cur.close()
            with self.lock:
                self.active -= 1
                self.last = time.monotonic()
                if self.timer is None and self.idle_s > 0:
                    self.timer = threading.Timer(self.idle_s, self._reap)
                    self.timer.daemon = True
                    self.timer.start()

    def _reap(self) -> None:
        with self.lock:
            self.timer = None
            if self.db is None:
                return
            idle = time.monotonic() - self.last
            if self.active == 0 and idle >= self.idle_s:
                self.db.close()
                self.db = None
                self.cache = {}
            else:  # still in use: look again later
                self.timer = threading.Timer(max(0.1, self.idle_s - idle), self._reap)
                self.timer.daemon = True
                self.timer.start()

    def close(self) -> None:
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            if self.db is not None:
                self.db.close()
                self.db = None
