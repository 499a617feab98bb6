"""Evaluations against gold sets: a registry of evaluators and the scoring helpers they share.

An evaluator is a function ``evaluate(ctx: EvalContext) -> dict`` that returns a flat metrics dict
(metric name → float or int). Keys starting with ``_`` carry extra material (for example
``_errors``, a list of strings) and are neither printed as metrics nor gated. Evaluators never print:
they send per-record lines to ``ctx.log`` (shown by ``parley eval NAME --verbose``).

Registering an evaluator is one line in :data:`REGISTRY`: ``"name": ("module:function", "help")``.
The module is imported only when that evaluation runs. The gate (``tests/test_eval_gate.py``)
compares metrics with the floors pinned in ``eval/baseline.json``; floors may only rise.

Shared helpers:

* :class:`Counts` — true/false positives and negatives with ``precision``/``recall``/``f1``;
  ``counts.add_sets(gold, pred)`` scores one record's sets.
* :class:`Accuracy` — correct/total per named level (``exact``, ``root``, ...).
* :func:`format_metrics` — the table ``parley eval`` prints.
* :func:`read_jsonl` — read a gold file.
"""
from __future__ import annotations

import importlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from ..errors import EvalError

# name → ("module:function", one-line help). One line per evaluator.
REGISTRY: dict[str, tuple[str, str]] = {
    "plover-gsr": ("parley.eval.plover_gsr:evaluate",
                   "PLOVER gold-standard records: event type accuracy, (source, target, event) tuple P/R/F1"),
    "cameo-examples": ("parley.eval.cameo_examples:evaluate",
                       "CAMEO codebook example sentences: accuracy at exact code, 3-digit, root, QuadClass"),
    "petrarch-unit": ("parley.eval.petrarch_unit:evaluate",
                      "PETRARCH functional tests (needs --dictionaries from the PETRARCH import)"),
    "ngec-actors": ("parley.eval.ngec_actors:evaluate", "NGEC actor-resolution expectations"),
    "event-location": ("parley.eval.event_location:evaluate", "event location gold records"),
}


def _noop(_line: str) -> None:
    return None


@dataclass
class EvalContext:
    """What an evaluator gets: where the gold data is, limits, and a loaded pipeline on demand."""

    shared: Path
    limit: int | None = None
    verbose: bool = False
    dictionaries: Path | None = None
    options: Any = None
    log: Callable[[str], None] = _noop
    _pipeline: Any = None

    def pipeline(self) -> Any:
        """The (lazily loaded) Pipeline; tests pass their session pipeline in ``_pipeline``."""
        if self._pipeline is None:
            from ..pipeline import Pipeline

            opts = self.options
            if self.dictionaries is not None:  # --dictionaries: imported dictionaries over the built-in ones
                from ..options import build_options

                opts = (opts or build_options()).with_overrides(dictionaries=str(self.dictionaries))
            self._pipeline = Pipeline(opts)
        return self._pipeline

    def gold(self, *parts: str) -> Path:
        p = self.shared.joinpath(*parts)
        if not p.exists():
            raise EvalError(f"gold data missing: {Path(*parts)} under the shared data folder")
        return p

    def take(self, items: Iterable[Any]) -> Iterator[Any]:
        for i, x in enumerate(items):
            if self.limit is not None and i >= self.limit:
                return
            yield x


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add_sets(self, gold: set, pred: set) -> tuple[set, set]:
        """Score one record; returns (missed, spurious)."""
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)
        return gold - pred, pred - gold

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def metrics(self, prefix: str) -> dict[str, float | int]:
        return {f"{prefix}_precision": round(self.precision, 4), f"{prefix}_recall": round(self.recall, 4),
                f"{prefix}_f1": round(self.f1, 4), f"{prefix}_tp": self.tp, f"{prefix}_fp": self.fp,
                f"{prefix}_fn": self.fn}


@dataclass
class Accuracy:
    total: int = 0
    correct: dict[str, int] = field(default_factory=dict)

    def add(self, **hits: bool) -> None:
        """Count one record; ``hits`` = level name → correct?"""
        self.total += 1
        for level, ok in hits.items():
            self.correct[level] = self.correct.get(level, 0) + int(bool(ok))

    def metrics(self, prefix: str = "") -> dict[str, float | int]:
        pre = f"{prefix}_" if prefix else ""
        out: dict[str, float | int] = {f"{pre}n": self.total}
        for level, n in self.correct.items():
            out[f"{pre}{level}_accuracy"] = round(n / self.total, 4) if self.total else 0.0
        return out


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def names() -> list[str]:
    return list(REGISTRY)


def get(name: str) -> Callable[[EvalContext], dict[str, Any]]:
    if name not in REGISTRY:
        raise EvalError(f"unknown evaluation {name!r} (known: {', '.join(REGISTRY)})")
    target = REGISTRY[name][0]
    module, _, func = target.partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            raise EvalError(f"evaluation {name!r} is registered but not installed ({module})") from None
        raise
    return getattr(mod, func)


def available(name: str) -> bool:
    try:
        get(name)
        return True
    except EvalError:
        return False


def run(name: str, ctx: EvalContext) -> dict[str, Any]:
    return get(name)(ctx)


def baseline_path() -> Path:
    return Path(__file__).with_name("baseline.json")


def load_baseline() -> dict[str, dict[str, float]]:
    """The pinned floors: {evaluation: {metric: floor}} (keys starting with ``_`` are notes)."""
    data = json.loads(baseline_path().read_text("utf-8"))
    return {k: {m: float(v) for m, v in d.items() if not m.startswith("_")}
            for k, d in data.items() if not k.startswith("_")}


def check_floors(name: str, metrics: dict[str, Any], floors: dict[str, float]) -> list[str]:
    """Metrics below their floor, as messages (empty = the gate passes)."""
    bad = []
    for metric, floor in floors.items():
        if metric not in metrics:
            bad.append(f"{name}: metric {metric!r} missing from the evaluation's output")
        elif float(metrics[metric]) + 1e-9 < floor:
            bad.append(f"{name}: {metric} = {metrics[metric]} is below its floor {floor}")
    return bad


def format_metrics(name: str, metrics: dict[str, Any]) -> str:
    """A plain-text table of the metrics (the CLI prints it)."""
    rows = [(k, v) for k, v in metrics.items() if not k.startswith("_")]
    width = max((len(k) for k, _ in rows), default=10)
    lines = [f"evaluation: {name}"]
    for k, v in rows:
        val = f"{v:.4f}" if isinstance(v, float) else str(v)
        lines.append(f"  {k.ljust(width)}  {val}")
    return "\n".join(lines)


__all__ = ["REGISTRY", "EvalContext", "EvalError", "Counts", "Accuracy", "read_jsonl", "names", "get", "run",
           "available", "load_baseline", "check_floors", "format_metrics", "baseline_path"]
