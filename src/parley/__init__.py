"""parley: turn news text into political event data (CAMEO and PLOVER), offline.

Quick use::

    import parley
    coder = parley.Coder()
    events = coder.code_text("Russia and China held talks on Monday.", date="2024-03-06")
    parley.code(["articles/"], db="parley.duckdb")
    events = parley.open("parley.duckdb").events(dyad="RUS,USA", code="04")  # pandas DataFrame
"""
from .api import Coder, RunResult, code
from .errors import ParleyError
from .model import Actor, Article, ErrorRecord, Event, Mention, Sentence
from .options import Options, build_options
from .query import open

__version__ = "0.1.0"

__all__ = ["Coder", "RunResult", "code", "ParleyError", "Actor", "Article", "ErrorRecord", "Event", "Mention",
           "Sentence", "Options", "build_options", "open", "__version__"]
