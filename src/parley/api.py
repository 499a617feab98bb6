"""The Python API. The CLI is a thin layer over these functions."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .engines import run_partitions
from .ingest import iter_inputs
from .model import Article, ErrorRecord, Event
from .options import Options, build_options
from .output import EventWriter


@dataclass
class RunResult:
    run_id: str | None
    n_articles: int = 0
    n_skipped: int = 0  # already stored, unchanged
    n_events: int = 0
    errors: list[ErrorRecord] = field(default_factory=list)

    @property
    def n_errors(self) -> int:
        return len(self.errors)

    @property
    def exit_code(self) -> int:
        """0: everything coded; 3: partial failure (some documents became error records)."""
        return 3 if self.errors else 0


class Coder:
    """A loaded pipeline (spaCy model + data) for coding texts in-process."""

    def __init__(self, options: Options | None = None, **overrides: Any):
        from .pipeline import Pipeline

        self.options = options or build_options(overrides)
        self.pipeline = Pipeline(self.options)

    def code_text(self, text: str, date: str | None = None, title: str | None = None,
                  article_id: str = "text") -> list[Event]:
        return self.code_article(text, date=date, title=title, article_id=article_id).events

    def code_article(self, text: str, date: str | None = None, title: str | None = None,
                     article_id: str = "text") -> Article:
        return self.pipeline.code_text(text, date=date, article_id=article_id, title=title)


def code(
    inputs: Iterable[str | Path] | None,
    *,
    options: Options | None = None,
    db: str | None = None,
    out: str | None = None,
    fmt: str = "jsonl",
    on_error: Callable[[ErrorRecord], None] | None = None,
    on_article: Callable[[Article], None] | None = None,
    resume: str | None = None,
) -> RunResult:
    """Code files/folders/'-' into the store ``db`` (None = no store) and/or an output file.

    The input is cut into partitions of ``options.partition_size`` items; with a store, each finished
    partition is checkpointed beside it (``<db>.runs/<run_id>/``) and ``resume=RUN_ID`` codes only the
    partitions a killed run had not finished (``inputs`` may then be None: the run's own are used).
    ``options.engine`` picks the local engine (``workers`` processes) or Dask.
    """
    from .engines.checkpoint import Checkpoint, PartitionDone, new_run_id, partitions, runs_root
    from .errors import OptionsError

    opts = options or build_options()
    checkpoint = None
    if resume:
        if not db:
            raise OptionsError("--resume needs the store the run was writing to (--db)")
        if out is not None:
            raise OptionsError("--resume continues a run into its store; export events from the store instead of --out")
        checkpoint = Checkpoint.open(_runs_root(db), resume)
        if inputs and [str(i) for i in inputs] != checkpoint.inputs:
            raise OptionsError(f"run {resume} coded {checkpoint.inputs}; resume it without inputs or with the same ones")
        if "-" in checkpoint.inputs:
            raise OptionsError(f"run {resume} read standard input, which cannot be read again; code the rest anew")
        inputs = inputs or checkpoint.inputs
        opts = opts.with_overrides(partition_size=checkpoint.partition_size)
    inputs = [str(i) for i in (inputs or [])]
    if not inputs:
        raise OptionsError("nothing to code: give files, folders or '-'")
    writer = EventWriter(out, fmt) if out is not None else None
    store = None
    if db:
        from .store import open_store

        store = open_store(db)
    result = RunResult(run_id=None)
    try:
        seen_errors: set[tuple] = set()
        if store is not None:
            if checkpoint is None:
                run_id = store.start_run(inputs, opts.to_dict())
                checkpoint = Checkpoint.create(_runs_root(db), run_id, inputs, opts.partition_size, opts.to_dict())
            else:
                seen_errors = _stored_errors(store, checkpoint.run_id)
            result.run_id = checkpoint.run_id
        else:
            result.run_id = new_run_id()
        skip = set(checkpoint.done) if checkpoint is not None else set()
        parts = partitions(iter_inputs(inputs, opts), opts.partition_size, skip)
        for k, coded in _engine_partitions(parts, opts, checkpoint):
            n_a = n_e = n_r = 0
            for item in coded:
                if isinstance(item, ErrorRecord):
                    n_r += 1
                    result.errors.append(item)
                    if store is not None and (item.origin, item.article_id, item.reason) not in seen_errors:
                        store.add_error(item, result.run_id or "")
                    if on_error:
                        on_error(item)
                    continue
                n_a += 1
                result.n_articles += 1
                if store is not None and not store.add_article(item, result.run_id or ""):
                    result.n_skipped += 1
                n_e += len(item.events)
                result.n_events += len(item.events)
                if writer is not None:
                    for ev in item.events:
                        writer.write(ev)
                if on_article:
                    on_article(item)
            if store is not None and checkpoint is not None:
                store.flush()  # the partition is in the store before it is marked done
                checkpoint.mark_done(PartitionDone(k, n_a, n_e, n_r))
        if store is not None and checkpoint is not None:
            n_a, n_e, n_r = checkpoint.totals()
            store.finish_run(result.run_id or "", n_a, n_e, n_r)
    finally:
        if writer is not None:
            writer.close()
        if store is not None:
            store.close()
    return result


def _runs_root(db: str) -> Path:
    from .engines.checkpoint import runs_root

    # a database URL has no folder beside it: keep its checkpoints in the working directory
    return Path("parley.runs") if "://" in str(db) else runs_root(db)


def _stored_errors(store: Any, run_id: str) -> set[tuple]:
    """Errors a killed run already stored (so a resumed run does not store them twice)."""
    try:
        _cols, rows = store.query("SELECT origin, article_id, reason FROM errors WHERE run_id = ?", [run_id])
    except Exception:  # an older/other store without this query: errors may then repeat, events never do
        return set()
    return {tuple(r) for r in rows}


def _engine_partitions(parts: Iterable[tuple[int, list[Any]]], opts: Options, checkpoint: Any):
    """Run the chosen engine over numbered partitions; yields (partition, coded items) in order."""
    if opts.engine == "dask":
        import shutil
        import tempfile

        from .engines.dask import DaskEngine

        tmp = None
        if checkpoint is not None:
            parts_dir = checkpoint.parts_dir
        else:
            tmp = parts_dir = Path(tempfile.mkdtemp(prefix="parley-parts-"))
        try:
            with DaskEngine(opts) as engine:
                yield from engine.run_partitions(parts, parts_dir)
        finally:
            if tmp is not None:
                shutil.rmtree(tmp, ignore_errors=True)
    else:
        yield from run_partitions(parts, opts)
