"""The store schema, written once for every backend, and its migrations.

Column types are written in a small portable vocabulary (VARCHAR, INTEGER, BIGINT, DOUBLE, BOOLEAN, DATE,
TIMESTAMP); a backend's :class:`Dialect` renders them (``DOUBLE`` is ``DOUBLE PRECISION`` in PostgreSQL).
Migrations are numbered; ``schema_migrations`` records which ones a store has. A migration is a list of
statements (SQL text with ``{DOUBLE}``-style type placeholders) and, optionally, a Python step that
back-fills data through the store's own interface.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

TYPES = ("VARCHAR", "INTEGER", "BIGINT", "DOUBLE", "BOOLEAN", "DATE", "TIMESTAMP")

# -- tables (current shape) -----------------------------------------------------------------------------------

EVENT_COLUMNS: list[tuple[str, str]] = [
    ("event_id", "VARCHAR"), ("run_id", "VARCHAR"), ("article_id", "VARCHAR"), ("sentence_index", "INTEGER"),
    ("sentence", "VARCHAR"), ("date", "DATE"), ("date_precision", "VARCHAR"), ("date_source", "VARCHAR"),
    ("historical", "BOOLEAN"),
    ("source_code", "VARCHAR"), ("source_country", "VARCHAR"), ("source_sector", "VARCHAR"), ("source_text", "VARCHAR"),
    ("target_code", "VARCHAR"), ("target_country", "VARCHAR"), ("target_sector", "VARCHAR"), ("target_text", "VARCHAR"),
    ("cameo", "VARCHAR"), ("cameo_name", "VARCHAR"), ("root", "VARCHAR"), ("quad_class", "INTEGER"),
    ("goldstein", "DOUBLE"), ("plover_event", "VARCHAR"), ("plover_mode", "VARCHAR"), ("plover_context", "VARCHAR"),
    ("location", "VARCHAR"), ("verb_text", "VARCHAR"), ("rule", "VARCHAR"), ("flags", "VARCHAR"),
    # migration 2
    ("location_name", "VARCHAR"), ("location_country", "VARCHAR"),
]
EVENT_COLUMNS_V1 = EVENT_COLUMNS[:29]

ARTICLE_COLUMNS: list[tuple[str, str]] = [
    ("article_id", "VARCHAR"), ("run_id", "VARCHAR"), ("origin", "VARCHAR"), ("url", "VARCHAR"), ("title", "VARCHAR"),
    ("source", "VARCHAR"), ("pub_date", "DATE"), ("date_source", "VARCHAR"), ("dateline", "VARCHAR"),
    ("content_hash", "VARCHAR"), ("n_sentences", "INTEGER"), ("n_events", "INTEGER"),
    # migration 2
    ("added_at", "TIMESTAMP"), ("minhash", "VARCHAR"), ("story_id", "VARCHAR"), ("similarity", "DOUBLE"),
]
ARTICLE_COLUMNS_V1 = ARTICLE_COLUMNS[:12]

CLUSTER_COLUMNS: list[tuple[str, str]] = [
    ("cluster_id", "VARCHAR"), ("date", "DATE"), ("date_end", "DATE"),
    ("source_code", "VARCHAR"), ("source_country", "VARCHAR"), ("source_sector", "VARCHAR"), ("source_text", "VARCHAR"),
    ("target_code", "VARCHAR"), ("target_country", "VARCHAR"), ("target_sector", "VARCHAR"), ("target_text", "VARCHAR"),
    ("cameo", "VARCHAR"), ("cameo_name", "VARCHAR"), ("root", "VARCHAR"), ("quad_class", "INTEGER"),
    ("goldstein", "DOUBLE"), ("plover_event", "VARCHAR"), ("plover_mode", "VARCHAR"), ("plover_context", "VARCHAR"),
    ("location", "VARCHAR"), ("location_name", "VARCHAR"), ("location_country", "VARCHAR"),
    ("num_mentions", "INTEGER"), ("num_articles", "INTEGER"), ("num_stories", "INTEGER"), ("num_sources", "INTEGER"),
    ("num_outlets", "INTEGER"),
    ("first_event_id", "VARCHAR"), ("first_article_id", "VARCHAR"), ("first_url", "VARCHAR"),
    ("first_source", "VARCHAR"), ("first_pub_date", "DATE"), ("sentence", "VARCHAR"), ("verb_text", "VARCHAR"),
    ("rule", "VARCHAR"), ("window_days", "INTEGER"),
]


def columns_sql(cols: list[tuple[str, str]]) -> str:
    return ", ".join(f"{n} {{{t}}}" for n, t in cols)


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]
    backfill: Callable[[Any], None] | None = None  # called with the store, inside the migration's transaction


def _backfill_v2(store: Any) -> None:
    """Fill the columns migration 2 added from data the store already holds."""
    store._backfill_locations()
    store.execute("UPDATE articles SET story_id = article_id WHERE story_id IS NULL")


MIGRATIONS: list[Migration] = [
    Migration(1, "runs, articles, events, errors", (
        "CREATE TABLE IF NOT EXISTS runs (run_id VARCHAR PRIMARY KEY, started_at {TIMESTAMP}, finished_at {TIMESTAMP}, "
        "inputs VARCHAR, options VARCHAR, n_articles INTEGER, n_events INTEGER, n_errors INTEGER, status VARCHAR)",
        "CREATE TABLE IF NOT EXISTS articles (" + columns_sql(ARTICLE_COLUMNS_V1).replace(
            "article_id {VARCHAR}", "article_id {VARCHAR} PRIMARY KEY", 1) + ")",
        "CREATE TABLE IF NOT EXISTS events (" + columns_sql(EVENT_COLUMNS_V1) + ")",
        "CREATE TABLE IF NOT EXISTS errors (run_id VARCHAR, origin VARCHAR, article_id VARCHAR, reason VARCHAR, "
        "message VARCHAR, \"at\" {TIMESTAMP})",
    )),
    Migration(2, "deduplication: article signatures and stories, event locations, clusters", (
        "ALTER TABLE articles ADD COLUMN added_at {TIMESTAMP}",
        "ALTER TABLE articles ADD COLUMN minhash VARCHAR",
        "ALTER TABLE articles ADD COLUMN story_id VARCHAR",
        "ALTER TABLE articles ADD COLUMN similarity {DOUBLE}",
        "ALTER TABLE events ADD COLUMN location_name VARCHAR",
        "ALTER TABLE events ADD COLUMN location_country VARCHAR",
        "CREATE TABLE IF NOT EXISTS article_bands (band VARCHAR, article_id VARCHAR)",
        "CREATE TABLE IF NOT EXISTS event_clusters (" + columns_sql(CLUSTER_COLUMNS) + ")",
        "CREATE TABLE IF NOT EXISTS cluster_members (event_id VARCHAR, article_id VARCHAR, cluster_id VARCHAR)",
        "CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        "CREATE INDEX IF NOT EXISTS events_article_idx ON events (article_id)",
        "CREATE INDEX IF NOT EXISTS bands_band_idx ON article_bands (band)",
        "CREATE INDEX IF NOT EXISTS articles_hash_idx ON articles (content_hash)",
        "CREATE INDEX IF NOT EXISTS members_cluster_idx ON cluster_members (cluster_id)",
        # level 1 of deduplication: one row per article, date, dyad and code, with its number of mentions
        """CREATE VIEW article_events AS
        SELECT * FROM (
            SELECT e.*, count(*) OVER k AS num_mentions,
                   row_number() OVER (PARTITION BY e.article_id, e.date, e.source_code, e.target_code, e.cameo
                                      ORDER BY e.sentence_index, e.event_id) AS mention_rank
            FROM events e
            WINDOW k AS (PARTITION BY e.article_id, e.date, e.source_code, e.target_code, e.cameo)
        ) m WHERE mention_rank = 1""",
    ), _backfill_v2),
]

LATEST = MIGRATIONS[-1].version


def render(sql: str, types: dict[str, str]) -> str:
    return sql.format(**types) if "{" in sql else sql
