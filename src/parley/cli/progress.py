"""Progress of ``parley code`` on stderr: a Rich bar on a terminal, periodic log lines otherwise.

Both show articles, articles/s, events, errors and (when the input size could be estimated) the
ETA. ``--quiet`` turns progress off.
"""
from __future__ import annotations

import gzip
import time
from pathlib import Path
from typing import Any, Iterable

_RECORD_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".tsv")


def estimate_items(inputs: Iterable[str], budget_bytes: int = 2_000_000_000) -> int | None:
    """Number of records in the inputs (lines of JSONL/CSV, one per other file), or None if unknown."""
    total = 0
    spent = 0
    for raw in inputs:
        if raw == "-":
            return None
        p = Path(raw)
        files = [f for f in sorted(p.rglob("*")) if f.is_file()] if p.is_dir() else [p]
        for f in files:
            if not f.exists():
                continue
            name = f.name.lower()
            gz = name.endswith(".gz")
            base = name[:-3] if gz else name
            if base.endswith(_RECORD_SUFFIXES):
                spent += f.stat().st_size * (4 if gz else 1)
                if spent > budget_bytes:
                    return None
                opener = gzip.open if gz else open
                with opener(f, "rb") as fh:
                    n = sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
                total += n - (1 if base.endswith((".csv", ".tsv")) else 0)
            else:
                total += 1
    return total


def _fmt_secs(s: float) -> str:
    s = int(s)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class RunProgress:
    """Counts articles/events/errors; draws a bar (terminal) or logs a line every ``interval`` s."""

    def __init__(self, console: Any, total: int | None, enabled: bool = True, interval: float = 10.0):
        self.console = console
        self.total = total
        self.enabled = enabled
        self.interval = interval
        self.articles = self.events = self.errors = 0
        self.t0 = time.perf_counter()
        self._last_log = self.t0
        self._first: tuple[float, int] | None = None
        self._bar = None
        self._task = None
        if enabled and console.is_terminal:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("[bold]coding"), BarColumn(),
                TextColumn("{task.completed} articles"), TextColumn("{task.fields[rate]:.1f}/s"),
                TextColumn("{task.fields[events]} events"), TextColumn("{task.fields[errors]} errors"),
                TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                console=console, transient=False, refresh_per_second=4)
            self._task = self._bar.add_task("code", total=total, rate=0.0, events=0, errors=0)
            self._bar.start()

    @property
    def rate(self) -> float:
        dt = time.perf_counter() - self.t0
        return (self.articles + self.errors) / dt if dt > 0 else 0.0

    def article(self, art: Any) -> None:
        self.articles += 1
        self.events += len(art.events)
        self._tick()

    def error(self, rec: Any) -> None:
        self.errors += 1
        self._tick()

    def line(self) -> str:
        done = self.articles + self.errors
        eta = ""
        if self.total and self._first is not None and done > self._first[1] and done <= self.total:
            # the rate since the first result (model loading and the first batch excluded)
            t1, n1 = self._first
            recent = (done - n1) / max(1e-9, time.perf_counter() - t1)
            eta = f", ETA {_fmt_secs((self.total - done) / recent)}"
        of = f"/{self.total}" if self.total else ""
        return (f"progress: {done}{of} items, {self.articles} articles ({self.rate:.1f}/s), {self.events} events, "
                f"{self.errors} errors, elapsed {_fmt_secs(time.perf_counter() - self.t0)}{eta}")

    def _tick(self) -> None:
        if self._first is None:
            self._first = (time.perf_counter(), self.articles + self.errors)
        if not self.enabled:
            return
        if self._bar is not None:
            self._bar.update(self._task, completed=self.articles + self.errors, rate=self.rate,
                             events=self.events, errors=self.errors)
            return
        now = time.perf_counter()
        if now - self._last_log >= self.interval:
            self._last_log = now
            self.console.print(self.line(), highlight=False, soft_wrap=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self.articles + self.errors, rate=self.rate,
                             events=self.events, errors=self.errors)
            self._bar.stop()
