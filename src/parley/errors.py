"""All of parley's exception types, in one place.

Library code raises these; only the CLI turns them into messages and exit codes.
"""
from __future__ import annotations


class ParleyError(Exception):
    """Base class of every error parley raises on purpose."""


class OptionsError(ParleyError):
    """An option name or value is not valid."""


class InputError(ParleyError):
    """One input document cannot be read or decoded; the run goes on without it.

    ``reason`` is a short machine-readable tag (``binary``, ``encoding``, ``empty``,
    ``too_large``, ``parse``, ...); the message says what happened for humans.
    """

    def __init__(self, message: str, *, reason: str = "input", origin: str | None = None):
        super().__init__(message)
        self.reason = reason
        self.origin = origin


class LexiconError(ParleyError):
    """A data file (lexicon, knowledge base, ontology) is malformed.

    Always names the file and, where it has one, the line.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        where = path or "<data>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.problem = message


class StoreError(ParleyError):
    """The event store cannot be opened, migrated, read or written."""


class ReadOnlyQueryError(StoreError):
    """A query given to the read-only SQL interface tries to write."""


class ModelError(ParleyError):
    """The spaCy model cannot be loaded."""


class EvalError(ParleyError):
    """An evaluation cannot run (unknown name, gold data missing, evaluator not installed)."""
