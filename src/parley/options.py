"""One options object for the CLI and the Python API.

Every setting is declared once here (name, type, help); its packaged default value lives in
``data/defaults.toml``. :func:`build_options` merges packaged defaults, an optional user TOML
file and explicit overrides, and validates the result. ``docs/options.md`` must document every
setting (a test checks it).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from .errors import OptionsError


def _opt(help: str) -> Any:
    return field(default=None, metadata={"help": help})


@dataclass(frozen=True)
class Options:
    spacy_model: str = _opt("Name of the spaCy pipeline to load (one load per process).")
    batch_size: int = _opt("Documents per nlp.pipe batch.")
    workers: int = _opt("Worker processes for the local engine (1 = in-process).")
    engine: str = _opt("Execution engine: 'local' or 'dask'.")
    max_article_bytes: int = _opt("Inputs larger than this many bytes are refused with an error record.")
    max_chars_per_article: int = _opt("Cleaned article text longer than this is truncated (and flagged).")
    max_events_per_sentence: int = _opt("Over-generation guard: more events than this in one sentence are cut and flagged.")
    carry_over: bool = _opt("Resolve 'he', 'the two leaders', 'the minister' to an unambiguous earlier actor.")
    code_undated: bool = _opt("Code articles without any publication date (events then have no date).")
    historical_days: int = _opt("Events dated more than this many days before publication are flagged historical.")
    dictionaries: str = _opt("Folder or file of imported PETRARCH dictionaries to use ('' = built-in only).")
    db: str = _opt("Path of the DuckDB store, or a postgresql:// URL.")
    prefilter: bool = _opt("Parse only sentences with an actor candidate and a verb-lexicon head (others cannot yield events).")
    ner: str = _opt("Where entities come from: spaCy's NER run only on sentences with a lexicon predicate ('lazy'), on every parsed sentence ('model'), or a regex DATE/TIME finder ('rules', fastest, no place or person entities).")
    partition_size: int = _opt("Items per partition: the unit of checkpoints (resume) and of Dask tasks.")
    scheduler: str = _opt("Dask scheduler address (tcp://HOST:PORT) for engine 'dask'; '' starts a local cluster.")

    def with_overrides(self, **overrides: Any) -> "Options":
        return build_options(base=self, overrides=overrides)

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def option_help() -> dict[str, str]:
    """Name → help text of every declared option."""
    return {f.name: f.metadata["help"] for f in fields(Options)}


def _packaged_defaults() -> dict[str, Any]:
    text = resources.files("parley").joinpath("data/defaults.toml").read_text("utf-8")
    return tomllib.loads(text)


def _coerce(name: str, value: Any, ftype: str) -> Any:
    try:
        if ftype == "int":
            if isinstance(value, bool):
                raise ValueError
            return int(value)
        if ftype == "bool":
            if isinstance(value, str):
                low = value.strip().lower()
                if low in {"1", "true", "yes", "on"}:
                    return True
                if low in {"0", "false", "no", "off"}:
                    return False
                raise ValueError
            return bool(value)
        return str(value)
    except (TypeError, ValueError):
        raise OptionsError(f"option {name!r} expects {ftype}, got {value!r}") from None


def build_options(
    overrides: Mapping[str, Any] | None = None,
    config_file: str | Path | None = None,
    base: Options | None = None,
) -> Options:
    """Packaged defaults, then a user TOML file, then explicit overrides (None values ignored)."""
    declared = {f.name: f for f in fields(Options)}
    values: dict[str, Any] = base.to_dict() if base is not None else _packaged_defaults()
    layers: list[Mapping[str, Any]] = []
    if config_file is not None:
        try:
            layers.append(tomllib.loads(Path(config_file).read_text("utf-8")))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise OptionsError(f"cannot read config file {config_file}: {exc}") from exc
    if overrides:
        layers.append({k: v for k, v in overrides.items() if v is not None})
    for layer in layers:
        for key, val in layer.items():
            if key not in declared:
                raise OptionsError(f"unknown option {key!r}; known: {', '.join(sorted(declared))}")
            values[key] = val
    missing = [n for n in declared if n not in values]
    if missing:
        raise OptionsError(f"packaged defaults miss options: {missing}")
    out = {}
    for name, f in declared.items():
        ftype = f.type if isinstance(f.type, str) else f.type.__name__
        out[name] = _coerce(name, values[name], ftype)
    opts = Options(**out)
    if opts.workers < 1:
        raise OptionsError("option 'workers' must be >= 1")
    if opts.engine not in {"local", "dask"}:
        raise OptionsError("option 'engine' must be 'local' or 'dask'")
    if opts.ner not in {"model", "rules", "lazy"}:
        raise OptionsError("option 'ner' must be 'lazy', 'model' or 'rules'")
    if opts.partition_size < 1:
        raise OptionsError("option 'partition_size' must be >= 1")
    if opts.max_events_per_sentence < 1:
        raise OptionsError("option 'max_events_per_sentence' must be >= 1")
    return opts


__all__ = ["Options", "build_options", "option_help", "replace"]
