"""Local engine: in-process for one worker, a process pool (one model load per process) for more.

:func:`run_partitions` codes numbered partitions and yields each one, complete and in input order,
as ``(partition, coded items)``; :func:`run_local` is the flat stream of coded items. With a pool,
partitions are cut into small chunks (half a spaCy batch) so that the workers stay balanced, and a
bounded in-flight window keeps memory flat whatever the input size.
"""
from __future__ import annotations

import multiprocessing as mp
from collections import deque
from typing import Iterable, Iterator

from ..model import Article, ErrorRecord
from ..options import Options
from .checkpoint import partitions

Item = Article | ErrorRecord

# Per-process pipeline of a pool worker, set once by the pool initializer.
_WORKER: dict[str, object] = {}


def _init_worker(options: Options) -> None:
    if _WORKER.get("options") == options and "pipeline" in _WORKER:
        return  # inherited from the parent by fork: loaded once, shared copy-on-write
    from ..pipeline import Pipeline

    _WORKER["pipeline"] = Pipeline(options)
    _WORKER["options"] = options


def _work(chunk: list[Item]) -> list[Item]:
    pipeline = _WORKER["pipeline"]
    return list(pipeline.process(chunk))  # type: ignore[attr-defined]


def _mp_context():
    return mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")


def run_partitions(parts: Iterable[tuple[int, list[Item]]], options: Options,
                   pipeline=None) -> Iterator[tuple[int, list[Item]]]:
    """Code ``(partition, items)`` pairs; yields ``(partition, coded items)`` in input order."""
    if options.workers <= 1:
        if pipeline is None:
            from ..pipeline import Pipeline

            pipeline = Pipeline(options)
        for k, items in parts:
            yield k, list(pipeline.process(items))
        return
    chunk_size = max(1, options.batch_size // 2)
    window = options.workers * 3  # chunks in flight
    ctx = _mp_context()
    if ctx.get_start_method() == "fork":
        # load once here and fork: the workers start coding at once and share the model pages
        if pipeline is None:
            from ..pipeline import Pipeline

            pipeline = Pipeline(options)
        _WORKER["pipeline"], _WORKER["options"] = pipeline, options
    try:
        yield from _pool_run(ctx, parts, options, chunk_size, window)
    finally:
        _WORKER.clear()


def _pool_run(ctx, parts, options: Options, chunk_size: int, window: int) -> Iterator[tuple[int, list[Item]]]:
    pending: deque = deque()  # (partition, [AsyncResult, ...])
    in_flight = 0
    with ctx.Pool(options.workers, initializer=_init_worker, initargs=(options,)) as pool:
        for k, items in parts:
            jobs = [pool.apply_async(_work, (items[i:i + chunk_size],)) for i in range(0, len(items), chunk_size)]
            pending.append((k, jobs))
            in_flight += len(jobs)
            while pending and in_flight >= window:
                k0, jobs0 = pending.popleft()
                in_flight -= len(jobs0)
                yield k0, [x for j in jobs0 for x in j.get()]
        while pending:
            k0, jobs0 = pending.popleft()
            yield k0, [x for j in jobs0 for x in j.get()]


def run_local(items: Iterable[Item], options: Options, pipeline=None) -> Iterator[Item]:
    """Code a stream of inputs; yields Articles (with events) and ErrorRecords in input order."""
    size = max(1, options.batch_size // 2) * max(1, options.workers) * 2 if options.workers > 1 else options.batch_size
    for _k, coded in run_partitions(partitions(items, size), options, pipeline):
        yield from coded
