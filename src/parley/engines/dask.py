"""Dask engine: the same pipeline on a Dask cluster (a local one when no scheduler is given).

* One task per partition (``partition_size`` items, cut from the input stream in order).
* One model load per worker: a worker plugin builds the :class:`~parley.pipeline.Pipeline` when the
  worker starts (or joins later) and tasks reuse it.
* Each task writes its partition as a Parquet part file ``part-NNNNNN.parquet`` (written to a temporary
  name and renamed, so a part file is always complete) and returns its name and counts; the client
  reads finished parts back and loads them into the store. On a real cluster the parts folder must be
  on storage every worker and the client can reach (a shared file system).
* A bounded window of partitions in flight keeps client memory flat; parts come back in input order.

Part files hold one row per coded item: ``seq``, ``kind`` (article | error), ``article_id``,
``origin``, ``n_events``, ``events`` (the events as JSON, the output contract) and ``record`` (the
coded item, pickled, so it loads into the store exactly as the local engine would store it).
"""
from __future__ import annotations

import json
import os
import pickle
from collections import deque
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import ParleyError
from ..model import Article, ErrorRecord
from ..options import Options

Item = Article | ErrorRecord

try:  # the plugin base class; dask is a dependency, but keep the import failure readable
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # pragma: no cover
    WorkerPlugin = object  # type: ignore[assignment,misc]


class PipelinePlugin(WorkerPlugin):  # type: ignore[misc,valid-type]
    """Loads one Pipeline per worker process, keyed by the options it was built with."""

    name = "parley-pipeline"

    def __init__(self, options: Options):
        self.options = options

    def setup(self, worker: Any) -> None:
        _worker_pipeline(worker, self.options)


def _worker_pipeline(worker: Any, options: Options) -> Any:
    cache = getattr(worker, "_parley_pipelines", None)
    if cache is None:
        cache = {}
        worker._parley_pipelines = cache
    key = json.dumps(options.to_dict(), sort_keys=True, default=str)
    if key not in cache:
        from ..pipeline import Pipeline

        cache[key] = Pipeline(options)
    return cache[key]


def part_name(k: int) -> str:
    return f"part-{k:06d}.parquet"


def write_part(path: Path, coded: list[Item]) -> tuple[int, int, int]:
    """Write one partition's coded items as a Parquet part file; returns (articles, events, errors)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows: dict[str, list[Any]] = {k: [] for k in ("seq", "kind", "article_id", "origin", "n_events", "events", "record")}
    n_a = n_e = n_r = 0
    for i, item in enumerate(coded):
        art = isinstance(item, Article)
        rows["seq"].append(i)
        rows["kind"].append("article" if art else "error")
        rows["article_id"].append(item.id if art else item.article_id)
        rows["origin"].append(item.origin)
        evs = item.events if art else []
        rows["n_events"].append(len(evs))
        rows["events"].append(json.dumps([e.to_dict() for e in evs], ensure_ascii=False))
        rows["record"].append(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL))
        if art:
            n_a += 1
            n_e += len(evs)
        else:
            n_r += 1
    schema = pa.schema([("seq", pa.int32()), ("kind", pa.string()), ("article_id", pa.string()),
                        ("origin", pa.string()), ("n_events", pa.int32()), ("events", pa.string()),
                        ("record", pa.binary())])
    table = pa.table(rows, schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    pq.write_table(table, str(tmp))
    os.replace(tmp, path)
    return n_a, n_e, n_r


def read_part(path: Path) -> list[Item]:
    import pyarrow.parquet as pq

    table = pq.read_table(str(path), columns=["seq", "record"])
    recs = sorted(zip(table.column("seq").to_pylist(), table.column("record").to_pylist()))
    return [pickle.loads(r) for _, r in recs]


def code_partition(k: int, items: list[Item], options: Options, parts_dir: str) -> tuple[int, str, int, int, int]:
    """Dask task: code one partition on this worker's pipeline and write its part file."""
    from distributed import get_worker

    pipeline = _worker_pipeline(get_worker(), options)
    coded = list(pipeline.process(items))
    path = Path(parts_dir) / part_name(k)
    n_a, n_e, n_r = write_part(path, coded)
    return k, str(path), n_a, n_e, n_r


class DaskEngine:
    """A client on a scheduler (``options.scheduler``) or on a LocalCluster it starts and stops."""

    def __init__(self, options: Options):
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - dependency
            raise ParleyError(f"the Dask engine needs dask[distributed]: {exc}") from exc
        self.options = options
        self.cluster = None
        if options.scheduler:
            try:
                self.client = Client(options.scheduler, timeout="30s")
            except OSError as exc:
                raise ParleyError(f"cannot reach Dask scheduler {options.scheduler}: {exc}") from exc
        else:
            self.cluster = LocalCluster(n_workers=max(1, options.workers), threads_per_worker=1,
                                        processes=True, dashboard_address=None)
            self.client = Client(self.cluster)
        self.client.register_plugin(PipelinePlugin(options), name=PipelinePlugin.name)

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()

    def __enter__(self) -> "DaskEngine":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def run_partitions(self, parts: Iterable[tuple[int, list[Item]]], parts_dir: Path) -> Iterator[tuple[int, list[Item]]]:
        """Code ``(partition, items)`` pairs on the cluster; yields ``(partition, coded items)`` in order.

        A partition whose part file already exists (a resumed run) is read back, not coded again.
        """
        parts_dir = Path(parts_dir)
        parts_dir.mkdir(parents=True, exist_ok=True)
        n_workers = max(1, len(self.client.scheduler_info().get("workers", {})) or self.options.workers)
        window = n_workers * 2 + 1
        pending: deque = deque()
        for k, items in parts:
            existing = parts_dir / part_name(k)
            if existing.exists():
                pending.append((k, None, existing))
            else:
                fut = self.client.submit(code_partition, k, items, self.options, str(parts_dir),
                                         key=f"parley-part-{k}-{os.getpid()}-{id(self)}", pure=False)
                pending.append((k, fut, None))
            while len(pending) >= window:
                yield self._collect(*pending.popleft())
        while pending:
            yield self._collect(*pending.popleft())

    @staticmethod
    def _collect(k: int, fut: Any, path: Path | None) -> tuple[int, list[Item]]:
        if fut is not None:
            _k, p, *_counts = fut.result()
            path = Path(p)
        assert path is not None
        return k, read_part(path)
