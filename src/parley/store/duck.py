"""DuckDB backend (the default store, one file such as ``parley.duckdb``).

Only what DuckDB does differently lives here: connecting (its file lock makes one writer at a time), bulk
inserts through Arrow, transactions, checkpoints, and the snapshot a reader falls back to while a writer holds
the file. The schema, ingest and queries are shared: see :mod:`.base`.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import duckdb
import pyarrow as pa

from ..errors import ReadOnlyQueryError, StoreError
from .base import BaseStore, event_row
from .schema import EVENT_COLUMNS, LATEST

_READ_TYPES = {"StatementType.SELECT", "StatementType.EXPLAIN"}


def _locked(exc: Exception) -> bool:
    msg = str(exc).lower()
    return "lock" in msg or "different configuration" in msg


def _snapshot(path: str) -> str:
    """A read-only copy of the store's last checkpoint, shared by readers until the file changes again."""
    st = os.stat(path)
    key = hashlib.sha1(os.path.abspath(path).encode("utf-8")).hexdigest()[:12]
    folder = os.path.join(tempfile.gettempdir(), "parley-snapshots")
    os.makedirs(folder, exist_ok=True)
    name = f"{key}-{st.st_mtime_ns}-{st.st_size}.duckdb"
    snap = os.path.join(folder, name)
    if not os.path.exists(snap):
        part = f"{snap}.{os.getpid()}.part"
        shutil.copyfile(path, part)
        os.replace(part, snap)
        for old in os.listdir(folder):  # older snapshots of this store (open ones stay readable until closed)
            if old.startswith(key + "-") and old != name and not old.endswith(".part"):
                try:
                    os.remove(os.path.join(folder, old))
                except OSError:
                    pass
    return snap


class DuckStore(BaseStore):
    """The DuckDB store. ``lock_wait``: seconds a writer waits for readers in other processes to close."""

    backend = "duckdb"
    lock_wait = 10.0

    def __init__(self, path: str | Path, read_only: bool = False):
        super().__init__(str(path), read_only)
        self.snapshot: str | None = None
        self._tx = 0
        self._lock = None
        if read_only:
            self.con = self._open_reader()
            if self.schema_version() < LATEST:
                self._upgrade_then_reopen()
        else:
            self.con = self._open_writer()
            try:
                self.migrate()
                self.checkpoint()
            except Exception:
                self.con.close()
                self._release_lock()
                raise

    # -- connections -------------------------------------------------------------------------------------------
    def _take_lock(self) -> None:
        """One writer at a time, within a process too (DuckDB's own file lock only stops other processes)."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not on POSIX: DuckDB's lock alone
            return
        fh = open(self.path + ".lock", "a+")
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            fh.close()
            raise StoreError(f"store {self.path} is being written by another writer (one writer at a time)") from exc
        self._lock = fh

    def _release_lock(self) -> None:
        if self._lock is not None:
            self._lock.close()  # closing the file releases the lock
            self._lock = None

    def _open_writer(self) -> duckdb.DuckDBPyConnection:
        self._take_lock()
        deadline = time.monotonic() + self.lock_wait
        while True:
            try:
                return duckdb.connect(self.path)
            except duckdb.Error as exc:
                if not _locked(exc):
                    self._release_lock()
                    raise StoreError(f"cannot open store {self.path}: {exc}") from exc
                # we hold the writer lock, so readers in other processes have the file open: they are short
                if time.monotonic() >= deadline:
                    self._release_lock()
                    raise StoreError(f"store {self.path} is held open by another process (one writer at a time; "
                                     f"waited {self.lock_wait:g} s for readers to let go): {exc}") from exc
                time.sleep(0.1)

    def _open_reader(self) -> duckdb.DuckDBPyConnection:
        if not os.path.exists(self.path):
            raise StoreError(f"no store at {self.path} (code something into it first: parley code ... --db {self.path})")
        try:
            return duckdb.connect(self.path, read_only=True)
        except duckdb.Error as exc:
            if not _locked(exc):
                raise StoreError(f"cannot open store {self.path}: {exc}") from exc
        # a writer holds the file: read its last checkpoint from a snapshot copy, never wait
        last: Exception | None = None
        for _ in range(3):  # a copy taken during a checkpoint may not open: take another
            try:
                snap = _snapshot(self.path)
                con = duckdb.connect(snap, read_only=True)
                self.snapshot = snap
                return con
            except (OSError, duckdb.Error) as exc:
                last = exc
                time.sleep(0.05)
        raise StoreError(f"store {self.path} is being written and no snapshot could be read: {last}") from last

    def _upgrade_then_reopen(self) -> None:
        """A reader of a store older than this parley: upgrade it once (needs a moment of write access)."""
        if self.snapshot:
            raise StoreError(f"store {self.path} has an older schema and is being written; try again when the "
                             "writer is done")
        self.con.close()
        DuckStore(self.path).close()
        self.con = self._open_reader()

    def _close_connection(self) -> None:
        self.con.close()
        self._release_lock()
        self.snapshot = None

    # -- primitives --------------------------------------------------------------------------------------------
    def execute(self, sql: str, params: list[Any] | tuple | None = None) -> None:
        self.con.execute(sql, list(params) if params else None)

    def fetchall(self, sql: str, params: list[Any] | tuple | None = None) -> list[tuple]:
        return self.con.execute(sql, list(params) if params else None).fetchall()

    def query(self, sql: str, params: list[Any] | None = None) -> tuple[list[str], list[tuple]]:
        cur = self.con.execute(sql, list(params) if params else None)
        cols = [d[0] for d in cur.description] if cur.description else []
        return cols, cur.fetchall()

    def arrow(self, sql: str, params: list[Any] | None = None) -> pa.Table:
        return self.con.sql(sql, params=list(params) if params else None).to_arrow_table()

    def insert_rows(self, table: str, columns: list[tuple[str, str]], rows: list[list[Any]]) -> None:
        if not rows:
            return
        names = [n for n, _ in columns]
        data = pa.table([pa.array([r[i] for r in rows], type=f.type) for i, f in enumerate(self.arrow_schema(columns))],
                        names=names)
        view = f"_parley_insert_{table}"
        self.con.register(view, data)
        try:
            cols = ", ".join(names)
            self.con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {view}")
        finally:
            self.con.unregister(view)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._tx:  # nested: part of the outer transaction
            self._tx += 1
            try:
                yield
            finally:
                self._tx -= 1
            return
        self.con.execute("BEGIN TRANSACTION")
        self._tx = 1
        try:
            yield
        except BaseException:
            self._tx = 0
            self.con.execute("ROLLBACK")
            raise
        self._tx = 0
        self.con.execute("COMMIT")

    def checkpoint(self) -> None:
        if not self.read_only and not self._tx:
            self.con.execute("CHECKPOINT")

    def _readonly_guard(self, sql: str) -> tuple[list[str], list[tuple]]:
        try:
            kinds = [str(s.type) for s in duckdb.extract_statements(sql)]
        except duckdb.Error as exc:
            raise StoreError(f"SQL error: {exc}") from exc
        if len(kinds) != 1 or kinds[0] not in _READ_TYPES:
            raise ReadOnlyQueryError(f"parley sql runs read-only queries only; refused a {', '.join(kinds) or 'empty'} "
                                     "statement")
        try:
            # no file access from user SQL (read_csv, COPY, ATTACH ...): the store's own tables only
            self.con.execute("SET enable_external_access = false")
            return self.query(sql)
        except duckdb.Error as exc:
            if "read-only" in str(exc).lower() or "read only" in str(exc).lower():
                raise ReadOnlyQueryError(f"parley sql runs read-only queries only: {exc}") from exc
            raise StoreError(f"SQL error: {exc}") from exc


Store = DuckStore

__all__ = ["DuckStore", "Store", "EVENT_COLUMNS", "event_row"]
