"""Local engine: in-process for one worker, a process pool (one model load per process) for more."""
from __future__ import annotations

import multiprocessing as mp
from collections import deque
from itertools import islice
from typing import Iterable, Iterator

from ..model import Article, ErrorRecord
from ..options import Options

Item = Article | ErrorRecord

# Per-process pipeline of a pool worker, set once by the pool initializer.
_WORKER: dict[str, object] = {}


def _init_worker(options: Options) -> None:
    from ..pipeline import Pipeline

    _WORKER["pipeline"] = Pipeline(options)


def _work(chunk: list[Item]) -> list[Item]:
    pipeline = _WORKER["pipeline"]
    return list(pipeline.process(chunk))  # type: ignore[attr-defined]


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    it = iter(items)
    while True:
        chunk = list(islice(it, size))
        if not chunk:
            return
        yield chunk


def run_local(items: Iterable[Item], options: Options, pipeline=None) -> Iterator[Item]:
    """Code a stream of inputs; yields Articles (with events) and ErrorRecords in input order."""
    if options.workers <= 1:
        if pipeline is None:
            from ..pipeline import Pipeline

            pipeline = Pipeline(options)
        yield from pipeline.process(items)
        return
    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
    chunk_size = max(1, options.batch_size // 2)
    # bounded in-flight window (Pool.imap would read the whole input ahead of the workers)
    window = options.workers * 3
    pending: deque = deque()
    with ctx.Pool(options.workers, initializer=_init_worker, initargs=(options,)) as pool:
        for chunk in _chunks(items, chunk_size):
            pending.append(pool.apply_async(_work, (chunk,)))
            while len(pending) >= window:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
