"""Runs, partitions and checkpoints (resumable runs).

The input stream is cut into numbered partitions of ``partition_size`` items, in input order, so the
same inputs always give the same partitions. A run keeps its checkpoint in a sidecar folder beside
the store: ``<store>.runs/<run_id>/``

* ``run.json`` — run id, inputs, partition size, options (written once, when the run starts);
* ``done.log`` — one JSON line per finished partition (its items are in the store): partition number,
  articles, events, errors. Appended and fsync'd only after the store has committed the partition;
* ``parts/`` — Parquet part files written by the Dask engine, one per partition.

Killing a run at any point and resuming it (``parley code --resume RUN_ID``) codes only the
partitions not in ``done.log``. A partition that was partly stored when the run died is coded again;
the store skips the articles it already holds unchanged (same id and content hash), so no event is
stored twice and none is missing.
"""
from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import OptionsError


def runs_root(db: str) -> Path:
    """The sidecar folder of a store's run checkpoints."""
    return Path(str(db) + ".runs")


def new_run_id() -> str:
    return uuid.uuid4().hex[:12]


def partitions(items: Iterable[Any], size: int, skip: set[int] | frozenset[int] = frozenset()) -> Iterator[tuple[int, list[Any]]]:
    """Numbered partitions of ``size`` items in input order; partitions in ``skip`` are read past."""
    it = iter(items)
    k = 0
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        if k not in skip:
            yield k, chunk
        k += 1


@dataclass
class PartitionDone:
    partition: int
    articles: int
    events: int
    errors: int


@dataclass
class Checkpoint:
    folder: Path
    run_id: str
    inputs: list[str]
    partition_size: int
    options: dict[str, Any] = field(default_factory=dict)
    done: dict[int, PartitionDone] = field(default_factory=dict)

    @property
    def parts_dir(self) -> Path:
        return self.folder / "parts"

    @classmethod
    def create(cls, root: Path, run_id: str, inputs: list[str], partition_size: int,
               options: dict[str, Any]) -> "Checkpoint":
        folder = Path(root) / run_id
        folder.mkdir(parents=True, exist_ok=False)
        meta = {"run_id": run_id, "inputs": inputs, "partition_size": partition_size, "options": options}
        tmp = folder / "run.json.tmp"
        tmp.write_text(json.dumps(meta, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, folder / "run.json")
        (folder / "done.log").touch()
        return cls(folder, run_id, inputs, partition_size, options)

    @classmethod
    def open(cls, root: Path, run_id: str) -> "Checkpoint":
        folder = Path(root) / run_id
        meta_path = folder / "run.json"
        if not meta_path.exists():
            known = sorted(p.name for p in Path(root).glob("*") if (p / "run.json").exists()) if Path(root).is_dir() else []
            raise OptionsError(f"no checkpoint for run {run_id!r} in {root}"
                               + (f"; known runs: {', '.join(known)}" if known else ""))
        meta = json.loads(meta_path.read_text("utf-8"))
        cp = cls(folder, meta["run_id"], list(meta["inputs"]), int(meta["partition_size"]), meta.get("options", {}))
        log = folder / "done.log"
        if log.exists():
            raw = log.read_bytes()
            if raw and not raw.endswith(b"\n"):  # a line torn by a kill: drop it before appending again
                with open(log, "r+b") as fh:
                    fh.truncate(raw.rfind(b"\n") + 1)
            for line in log.read_text("utf-8").splitlines():
                try:
                    d = json.loads(line)
                except json.JSONDecodeError:
                    continue
                cp.done[int(d["partition"])] = PartitionDone(int(d["partition"]), d["articles"], d["events"], d["errors"])
        return cp

    def mark_done(self, rec: PartitionDone) -> None:
        line = json.dumps({"partition": rec.partition, "articles": rec.articles, "events": rec.events,
                           "errors": rec.errors}) + "\n"
        with open(self.folder / "done.log", "a", encoding="utf-8") as fh:
            fh.write(line)
            fh.flush()
            os.fsync(fh.fileno())
        self.done[rec.partition] = rec

    def totals(self) -> tuple[int, int, int]:
        a = sum(d.articles for d in self.done.values())
        e = sum(d.events for d in self.done.values())
        r = sum(d.errors for d in self.done.values())
        return a, e, r
