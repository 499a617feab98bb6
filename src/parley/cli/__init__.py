"""The ``parley`` command line: a thin layer over :mod:`parley.api`.

Each command group lives in its own module, registered on the shared Typer app by import.
"""
from __future__ import annotations

import sys

from .app import app
from . import coding  # noqa: F401  (code, explain, summary, version)
from . import evaluate  # noqa: F401  (eval)
from . import dictionaries  # noqa: F401  (dictionaries import)
from . import store  # noqa: F401  (query, sql, export, stats, plot, dedup)
from . import serve  # noqa: F401  (serve)


def main() -> None:  # console-script entry point
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


__all__ = ["app", "main"]
