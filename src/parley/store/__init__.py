"""The event store: an embedded DuckDB database by default (``parley.duckdb``)."""
from .duck import Store, open_store, EVENT_COLUMNS, event_row

__all__ = ["Store", "open_store", "EVENT_COLUMNS", "event_row"]
