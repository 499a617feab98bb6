"""The Typer application object shared by the command modules, and the consoles."""
from __future__ import annotations

import typer
from rich.console import Console

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="parley: code news text into political event data (CAMEO + PLOVER).")
err = Console(stderr=True)
out = Console()
