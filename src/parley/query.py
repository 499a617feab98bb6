"""Querying a store: the filter set shared by ``parley query/export/stats/plot`` and the Python API.

Python::

    import parley
    with parley.open("parley.duckdb") as db:          # or "postgresql://user@host/dbname"
        df = db.events(dyad="RUS,USA", code="04", since="2012-07-01")   # pandas DataFrame
        clusters = db.events(dedup=True)                                 # one row per deduplicated event
        tbl = db.arrow(source="RUS")                                     # pyarrow Table
        pl = db.polars(quad=1)                                           # polars DataFrame, when installed

Filters (all optional, combined with AND):

``source`` / ``target``  actor code prefix or country: ``RUS`` matches ``RUS``, ``RUSGOV``, ``RUSMIL``, and any actor
                         whose country is RUS; several values comma-separated (OR).
``dyad``                 ``"SRC,TGT"`` (or a 2-tuple): source matches SRC and target matches TGT (directed).
``code``                 CAMEO code prefix: ``04`` = every CONSULT code, ``041`` = 041 and its children.
``quad``                 quad class 1–4 (1 verbal cooperation, 2 material cooperation, 3 verbal conflict, 4 material
                         conflict); several comma-separated.
``since`` / ``until``    event dates, inclusive, ``YYYY-MM-DD``.
``location``             country of the event location (as the location stage gives it, e.g. ``RUS``) or place name.
``dedup``                False: raw events (one row per coded mention, with article metadata);
                         True or ``"day"``: deduplicated clusters (``event_clusters``; see :mod:`parley.dedup`);
                         ``"article"``: one row per article, date, dyad and code, with ``num_mentions``.
``limit``                at most this many rows (ordered by date, then id).
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date
from typing import Any, Iterable

from .errors import OptionsError, StoreError

RAW_SQL = ("SELECT e.*, a.url, a.title, a.source AS outlet, a.pub_date, a.story_id FROM events e "
           "JOIN articles a ON a.article_id = e.article_id")
ARTICLE_SQL = ("SELECT e.*, a.url, a.title, a.source AS outlet, a.pub_date, a.story_id FROM article_events e "
               "JOIN articles a ON a.article_id = e.article_id")
CLUSTER_SQL = "SELECT e.* FROM event_clusters e"
DEDUP_LEVELS = {False: "raw", None: "raw", "raw": "raw", "none": "raw", True: "day", "day": "day",
                "cluster": "day", "clusters": "day", "article": "article"}


def _split(v: str | Iterable[str] | None) -> list[str]:
    if v is None:
        return []
    items = v.split(",") if isinstance(v, str) else [str(x) for x in v]
    return [x.strip().upper() for x in items if x and x.strip()]


def _date(v: Any, name: str) -> date | None:
    if v in (None, ""):
        return None
    if isinstance(v, date):
        return v
    try:
        return date.fromisoformat(str(v))
    except ValueError:
        raise OptionsError(f"--{name} wants a date YYYY-MM-DD, not {v!r}") from None


@dataclass
class Filters:
    source: Any = None
    target: Any = None
    dyad: Any = None
    code: Any = None
    quad: Any = None
    since: Any = None
    until: Any = None
    location: Any = None
    dedup: Any = False
    limit: int | None = None

    def level(self) -> str:
        key = self.dedup.lower() if isinstance(self.dedup, str) else self.dedup
        if key not in DEDUP_LEVELS:
            raise OptionsError(f"dedup must be False, True/'day' or 'article', not {self.dedup!r}")
        return DEDUP_LEVELS[key]

    def where(self) -> tuple[str, list[Any]]:
        """The WHERE clause (portable SQL, ``?`` parameters) over a table aliased ``e``."""
        clauses: list[str] = []
        params: list[Any] = []

        def actor(side: str, values: list[str]) -> None:
            if not values:
                return
            parts = []
            for v in values:
                parts.append(f"(e.{side}_code LIKE ? OR e.{side}_country = ?)")
                params.extend([v + "%", v])
            clauses.append("(" + " OR ".join(parts) + ")")

        if self.dyad:
            pair = _split(self.dyad)
            if len(pair) != 2:
                raise OptionsError(f"--dyad wants SOURCE,TARGET (e.g. RUS,USA), not {self.dyad!r}")
            actor("source", [pair[0]])
            actor("target", [pair[1]])
        actor("source", _split(self.source))
        actor("target", _split(self.target))
        codes = _split(self.code)
        for c in codes:
            if not c.isdigit():
                raise OptionsError(f"--code wants a CAMEO code or prefix such as 04 or 041, not {c!r}")
        if codes:
            clauses.append("(" + " OR ".join("e.cameo LIKE ?" for _ in codes) + ")")
            params.extend(c + "%" for c in codes)
        quads = _split(str(self.quad) if isinstance(self.quad, int) else self.quad)
        if quads:
            try:
                qs = [int(q) for q in quads]
            except ValueError:
                raise OptionsError(f"--quad wants 1, 2, 3 or 4, not {self.quad!r}") from None
            if any(q not in (1, 2, 3, 4) for q in qs):
                raise OptionsError(f"--quad wants 1, 2, 3 or 4, not {self.quad!r}")
            clauses.append("e.quad_class IN (" + ", ".join("?" for _ in qs) + ")")
            params.extend(qs)
        since, until = _date(self.since, "since"), _date(self.until, "until")
        if since:
            clauses.append("e.date >= ?")
            params.append(since)
        if until:
            clauses.append("e.date <= ?")
            params.append(until)
        if self.location:
            locs = _split(self.location)
            clauses.append("(" + " OR ".join("(e.location_country = ? OR upper(e.location_name) = ?)" for _ in locs) + ")")
            for loc in locs:
                params.extend([loc, loc])
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def sql(self) -> tuple[str, list[Any]]:
        level = self.level()
        base = {"raw": RAW_SQL, "article": ARTICLE_SQL, "day": CLUSTER_SQL}[level]
        where, params = self.where()
        order = " ORDER BY e.date NULLS LAST, " + ("e.cluster_id" if level == "day" else "e.article_id, e.sentence_index, e.event_id")
        sql = base + where + order
        if self.limit is not None:
            if int(self.limit) < 0:
                raise OptionsError("--limit must be >= 0")
            sql += f" LIMIT {int(self.limit)}"
        return sql, params

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


class EventStore:
    """A read-only view of a store for analysis (``parley.open``). Readers never block a writer."""

    def __init__(self, target: str, read_only: bool = True):
        from .store import open_store

        self.target = str(target)
        self.store = open_store(self.target, read_only=read_only)

    # -- events ------------------------------------------------------------------------------------------------
    def arrow(self, **filters: Any):
        """Events matching ``filters`` (see the module doc) as a pyarrow Table."""
        sql, params = Filters(**filters).sql()
        tbl = self.store.arrow(sql, params)
        drop = [c for c in ("mention_rank",) if c in tbl.column_names]
        return tbl.drop(drop) if drop else tbl

    def events(self, **filters: Any):
        """Events matching ``filters`` as a pandas DataFrame (``dedup=True`` for deduplicated clusters)."""
        return self.arrow(**filters).to_pandas()

    def clusters(self, **filters: Any):
        """Deduplicated events (one a day across articles), as a pandas DataFrame."""
        filters["dedup"] = True
        return self.events(**filters)

    def polars(self, **filters: Any):
        """Events matching ``filters`` as a polars DataFrame (needs ``pip install polars``)."""
        try:
            import polars as pl
        except ImportError as exc:
            raise StoreError("DataFrame.polars() needs polars: pip install polars") from exc
        return pl.from_arrow(self.arrow(**filters))

    def articles(self):
        return self.store.arrow("SELECT * FROM articles ORDER BY pub_date NULLS LAST, article_id").to_pandas()

    def sql(self, query: str):
        """A read-only SQL query as a pandas DataFrame (writes raise ReadOnlyQueryError)."""
        import pandas as pd

        cols, rows = self.store.sql_readonly(query)
        return pd.DataFrame.from_records(rows, columns=cols)

    def stats(self, top: int = 10, **filters: Any) -> dict[str, Any]:
        return stats(self.store, top=top, **filters)

    # -- lifetime ----------------------------------------------------------------------------------------------
    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> "EventStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<parley store {self.target} ({self.store.backend})>"


def open(target: str = "parley.duckdb") -> EventStore:  # noqa: A001 - the public name is parley.open
    """Open a store for reading: a DuckDB path or a ``postgresql://`` URL. Use as a context manager."""
    return EventStore(target)


def stats(store: Any, top: int = 10, **filters: Any) -> dict[str, Any]:
    """Counts for ``parley stats``: totals, top actors, dyads, CAMEO roots and codes, events per month."""
    f = Filters(**filters)
    base, params = f.sql()
    base = base.split(" ORDER BY ")[0]
    sub = f"({base}) s"
    top = int(top)

    def q(sql: str) -> list[tuple]:
        return store.fetchall(sql, params)

    total = q(f"SELECT count(*), min(s.date), max(s.date), sum(s.goldstein) FROM {sub}")[0]
    # the actor union reads the filtered set twice: parameters twice
    actors = store.fetchall(
        f"SELECT code, count(*) AS n FROM (SELECT s.source_code AS code FROM {sub} UNION ALL "
        f"SELECT s.target_code AS code FROM {sub}) x WHERE code IS NOT NULL GROUP BY code "
        f"ORDER BY n DESC, code LIMIT {top}", params + params)
    dyads = q(f"SELECT s.source_code, coalesce(s.target_code, '-') AS t, count(*) AS n, sum(s.goldstein) AS g "
              f"FROM {sub} GROUP BY s.source_code, coalesce(s.target_code, '-') ORDER BY n DESC, s.source_code, t "
              f"LIMIT {top}")
    roots = q(f"SELECT s.root, count(*) AS n FROM {sub} GROUP BY s.root ORDER BY n DESC, s.root")
    codes = q(f"SELECT s.cameo, min(s.cameo_name), count(*) AS n FROM {sub} GROUP BY s.cameo "
              f"ORDER BY n DESC, s.cameo LIMIT {top}")
    quads = q(f"SELECT s.quad_class, count(*) AS n FROM {sub} GROUP BY s.quad_class ORDER BY s.quad_class")
    return {"level": f.level(), "events": total[0], "first_date": total[1], "last_date": total[2],
            "goldstein_sum": total[3], "actors": actors, "dyads": dyads, "roots": roots, "codes": codes,
            "quads": quads}


def timeline(store: Any, by: str = "day", **filters: Any) -> list[tuple]:
    """(period start, events, Goldstein sum) per day, week or month, for ``parley plot timeline``."""
    if by not in ("day", "week", "month"):
        raise OptionsError(f"--by wants day, week or month, not {by!r}")
    f = Filters(**filters)
    base, params = f.sql()
    base = base.split(" ORDER BY ")[0]
    return store.fetchall(
        f"SELECT CAST(date_trunc('{by}', s.date) AS DATE) AS p, count(*) AS n, sum(s.goldstein) AS g "
        f"FROM ({base}) s WHERE s.date IS NOT NULL GROUP BY CAST(date_trunc('{by}', s.date) AS DATE) ORDER BY p",
        params)
