"""The Python API. The CLI is a thin layer over these functions."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from .engines import run_local
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
    inputs: Iterable[str | Path],
    *,
    options: Options | None = None,
    db: str | None = None,
    out: str | None = None,
    fmt: str = "jsonl",
    on_error: Callable[[ErrorRecord], None] | None = None,
    on_article: Callable[[Article], None] | None = None,
) -> RunResult:
    """Code files/folders/'-' into the store ``db`` (None = no store) and/or an output file."""
    opts = options or build_options()
    inputs = [str(i) for i in inputs]
    writer = EventWriter(out, fmt) if out is not None else None
    store = None
    if db:
        from .store import open_store

        store = open_store(db)
    result = RunResult(run_id=None)
    try:
        if store is not None:
            result.run_id = store.start_run(inputs, opts.to_dict())
        for item in run_local(iter_inputs(inputs, opts), opts):
            if isinstance(item, ErrorRecord):
                result.errors.append(item)
                if store is not None:
                    store.add_error(item, result.run_id or "")
                if on_error:
                    on_error(item)
                continue
            result.n_articles += 1
            if store is not None and not store.add_article(item, result.run_id or ""):
                result.n_skipped += 1
            result.n_events += len(item.events)
            if writer is not None:
                for ev in item.events:
                    writer.write(ev)
            if on_article:
                on_article(item)
        if store is not None:
            store.finish_run(result.run_id or "", result.n_articles, result.n_events, result.n_errors)
    finally:
        if writer is not None:
            writer.close()
        if store is not None:
            store.close()
    return result
