"""Ingest: turn input paths (files, folders, .gz, JSONL/CSV corpora, RSS/Atom, stdin) into Articles.

:func:`iter_inputs` streams: it yields one :class:`~parley.model.Article` or
:class:`~parley.model.ErrorRecord` at a time and never holds a whole corpus in memory.
"""
from .readers import iter_inputs, read_text_bytes
from .clean import clean_article

__all__ = ["iter_inputs", "read_text_bytes", "clean_article"]
