"""Execution engines: run the pipeline over a stream of inputs (local processes, or Dask)."""
from .local import run_local, run_partitions

__all__ = ["run_local", "run_partitions"]
