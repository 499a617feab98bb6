"""Execution engines: run the pipeline over a stream of inputs (local processes; Dask later)."""
from .local import run_local

__all__ = ["run_local"]
