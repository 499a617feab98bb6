"""Commands: store (registered on the shared app)."""
from __future__ import annotations

from .app import app, err, out  # noqa: F401
