"""PostgreSQL backend: ``--db postgresql://user@host:port/dbname``.

Same schema and the same SQL as DuckDB (:mod:`.base`); what differs is only the dialect (``%s`` parameters,
``DOUBLE PRECISION``), bulk inserts through ``COPY``, and locking: a writer holds a session advisory lock (one
writer at a time per schema), readers run in read-only transactions and never wait (MVCC).
"""
from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal
from typing import Any, Iterator

import pyarrow as pa

from ..errors import ReadOnlyQueryError, StoreError
from .base import BaseStore
from .schema import LATEST

_OID_ARROW = {16: pa.bool_(), 20: pa.int64(), 21: pa.int32(), 23: pa.int32(), 25: pa.string(), 1043: pa.string(),
              700: pa.float64(), 701: pa.float64(), 1700: pa.float64(), 1082: pa.date32(), 1114: pa.timestamp("us")}


def _import_psycopg():
    try:
        import psycopg
    except ImportError as exc:  # pragma: no cover - a dependency
        raise StoreError("the PostgreSQL backend needs psycopg: pip install 'psycopg[binary]'") from exc
    return psycopg


class PgStore(BaseStore):
    backend = "postgresql"
    types = {"VARCHAR": "VARCHAR", "INTEGER": "INTEGER", "BIGINT": "BIGINT", "DOUBLE": "DOUBLE PRECISION",
             "BOOLEAN": "BOOLEAN", "DATE": "DATE", "TIMESTAMP": "TIMESTAMP"}

    def __init__(self, url: str, read_only: bool = False):
        super().__init__(url, read_only)
        self._psycopg = _import_psycopg()
        self._tx = 0
        try:
            self.con = self._psycopg.connect(url, autocommit=True, connect_timeout=10)
        except self._psycopg.Error as exc:
            raise StoreError(f"cannot connect to {_redact(url)}: {exc}") from exc
        try:
            if read_only:
                if self.schema_version() < LATEST:
                    PgStore(url).close()  # upgrade an older store once
                self.con.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            else:
                got = self.con.execute("SELECT pg_try_advisory_lock(hashtext('parley-writer:' || current_schema()))"
                                       ).fetchone()
                if not got or not got[0]:
                    raise StoreError(f"store {_redact(url)} is being written by another writer (one writer at a time)")
                self.migrate()
        except Exception:
            self.con.close()
            raise

    @staticmethod
    def _sql(sql: str, params: Any) -> str:
        return sql.replace("%", "%%").replace("?", "%s") if params else sql

    def _wrap(self, exc: Exception) -> StoreError:
        return StoreError(f"{_redact(self.path)}: {exc}")

    def execute(self, sql: str, params: list[Any] | tuple | None = None) -> None:
        try:
            self.con.execute(self._sql(sql, params), list(params) if params else None)
        except self._psycopg.Error as exc:
            raise self._wrap(exc) from exc

    def fetchall(self, sql: str, params: list[Any] | tuple | None = None) -> list[tuple]:
        try:
            return self.con.execute(self._sql(sql, params), list(params) if params else None).fetchall()
        except self._psycopg.Error as exc:
            raise self._wrap(exc) from exc

    def _cursor(self, sql: str, params: list[Any] | None):
        try:
            return self.con.execute(self._sql(sql, params), list(params) if params else None)
        except self._psycopg.Error as exc:
            raise self._wrap(exc) from exc

    def query(self, sql: str, params: list[Any] | None = None) -> tuple[list[str], list[tuple]]:
        cur = self._cursor(sql, params)
        cols = [d.name for d in cur.description] if cur.description else []
        return cols, [tuple(float(v) if isinstance(v, Decimal) else v for v in r) for r in cur.fetchall()]

    def arrow(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        cur = self._cursor(sql, params)
        desc = cur.description or []
        rows = cur.fetchall()
        arrays = []
        for i, d in enumerate(desc):
            vals = [r[i] for r in rows]
            if d.type_code == 1700:
                vals = [None if v is None else float(v) for v in vals]
            typ = _OID_ARROW.get(d.type_code)
            arrays.append(pa.array(vals, type=typ) if typ is not None else pa.array(vals))
        return pa.table(arrays, names=[d.name for d in desc]) if desc else pa.table({})

    def insert_rows(self, table: str, columns: list[tuple[str, str]], rows: list[list[Any]]) -> None:
        if not rows:
            return
        cols = ", ".join(n for n, _ in columns)
        try:
            with self.con.cursor() as cur:
                with cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                    for r in rows:
                        cp.write_row(r)
        except self._psycopg.Error as exc:
            raise self._wrap(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self._tx += 1
        try:
            with self.con.transaction():
                yield
        finally:
            self._tx -= 1

    def analyze(self, tables: list[str]) -> None:
        # without fresh statistics the planner takes just-loaded tables for tiny ones (nested loops)
        self.execute("ANALYZE " + ", ".join(tables))

    def _close_connection(self) -> None:
        self.con.close()

    def _readonly_guard(self, sql: str) -> tuple[list[str], list[tuple]]:
        errors = self._psycopg.errors
        try:
            with self.con.transaction(force_rollback=True):
                self.con.execute("SET TRANSACTION READ ONLY")
                cur = self.con.execute(sql)
                cols = [d.name for d in cur.description] if cur.description else []
                rows = [tuple(float(v) if isinstance(v, Decimal) else v for v in r) for r in cur.fetchall()] \
                    if cur.description else []
        except errors.ReadOnlySqlTransaction as exc:
            raise ReadOnlyQueryError(f"parley sql runs read-only queries only: {exc}") from exc
        except self._psycopg.Error as exc:
            raise StoreError(f"SQL error: {exc}") from exc
        return cols, rows


def _redact(url: str) -> str:
    """The URL without its password, for messages."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        cred, host = rest.rsplit("@", 1)
        return f"{scheme}://{cred.split(':', 1)[0]}@{host}"
    return url
