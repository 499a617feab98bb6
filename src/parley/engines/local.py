"""Local engine: in-process for one worker, a process pool (one model load per process) for more.

:func:`run_partitions` codes numbered partitions and yields each one, complete and in input order,
as ``(partition, coded items)``; :func:`run_local` is the flat stream of coded items. With a pool,
partitions are cut into small chunks (half a spaCy batch, or fewer items when their texts are long)
so that the workers stay balanced, and a
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


# a chunk also ends once its texts reach this many characters: the long documents of a corpus (a
# 30-page report among news items) then do not leave one worker busy while the others wait
CHUNK_CHARS = 32_000


def _chunks(items: list[Item], max_items: int, max_chars: int) -> list[list[Item]]:
    """Consecutive chunks of at most ``max_items`` items and (unless one item is longer) ``max_chars``."""
    out: list[list[Item]] = []
    cur: list[Item] = []
    size = 0
    for it in items:
        n = len(it.text or "") if isinstance(it, Article) else 0
        if cur and (len(cur) >= max_items or size + n > max_chars):
            out.append(cur)
            cur, size = [], 0
        cur.append(it)
        size += n
    if cur:
        out.append(cur)
    return out


def _pool_run(ctx, parts, options: Options, chunk_size: int, window: int) -> Iterator[tuple[int, list[Item]]]:
    """Submit chunks while fewer than ``window`` are unfinished (the workers never wait for the parent
    to read on), and yield each partition once all its chunks are back, in input order."""
    pending: deque = deque()  # (partition, [AsyncResult, ...])
    max_partitions = max(4, options.workers * 4)  # finished partitions held back by a slow earlier one

    def unfinished() -> list:
        return [j for _k, jobs in pending for j in jobs if not j.ready()]

    def ready_heads() -> Iterator[tuple[int, list[Item]]]:
        while pending and all(j.ready() for j in pending[0][1]):
            k0, jobs0 = pending.popleft()
            yield k0, [x for j in jobs0 for x in j.get()]

    with ctx.Pool(options.workers, initializer=_init_worker, initargs=(options,)) as pool:
        for k, items in parts:
            pending.append((k, [pool.apply_async(_work, (chunk,)) for chunk in _chunks(items, chunk_size, CHUNK_CHARS)]))
            yield from ready_heads()
            while pending:
                busy = unfinished()
                if len(busy) < window and len(pending) < max_partitions:
                    break
                (busy[0] if busy else pending[0][1][0]).wait()
                yield from ready_heads()
        while pending:
            for j in pending[0][1]:
                j.wait()
            yield from ready_heads()


def run_local(items: Iterable[Item], options: Options, pipeline=None) -> Iterator[Item]:
    """Code a stream of inputs; yields Articles (with events) and ErrorRecords in input order."""
    size = max(1, options.batch_size // 2) * max(1, options.workers) * 2 if options.workers > 1 else options.batch_size
    for _k, coded in run_partitions(partitions(items, size), options, pipeline):
        yield from coded
