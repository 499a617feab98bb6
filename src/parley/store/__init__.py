"""The event store: an embedded DuckDB file by default (``parley.duckdb``), or PostgreSQL (``postgresql://...``).

Both backends share one schema (:mod:`.schema`) and one repository interface (:class:`.base.BaseStore`).
"""
from __future__ import annotations

from pathlib import Path

from .base import BaseStore, event_row
from .duck import DuckStore, Store
from .schema import ARTICLE_COLUMNS, CLUSTER_COLUMNS, EVENT_COLUMNS, LATEST, MIGRATIONS

PG_PREFIXES = ("postgresql://", "postgres://")


def is_postgres(target: str | Path) -> bool:
    return str(target).startswith(PG_PREFIXES)


def open_store(target: str | Path, read_only: bool = False) -> BaseStore:
    """Open (and, for a writer, create or upgrade) the store at a path or ``postgresql://`` URL."""
    if is_postgres(target):
        from .pg import PgStore

        return PgStore(str(target), read_only=read_only)
    return DuckStore(target, read_only=read_only)


__all__ = ["BaseStore", "DuckStore", "Store", "open_store", "is_postgres", "EVENT_COLUMNS", "ARTICLE_COLUMNS",
           "CLUSTER_COLUMNS", "MIGRATIONS", "LATEST", "event_row"]
