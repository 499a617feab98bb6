"""The pipeline: ingest → clean → parse → actors → events → when, over a stream of Articles.

Each stage is a callable ``Article -> Article`` with ``assigns``/``requires`` attributes (like
spaCy components); the parser also has ``pipe`` for batching. A document that fails in any stage
becomes an :class:`~parley.model.ErrorRecord` and the stream goes on.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import islice
from typing import Any, Callable, Iterable, Iterator

from .actors import ActorResolver, KnowledgeBase
from .errors import InputError, ParleyError
from .events import EventCoder, Ontology, VerbLexicon
from .ingest import clean_article
from .model import Article, ErrorRecord
from .nlp import Parser, load_nlp
from .options import Options, build_options
from .when import EventDater
from .where import EventLocator, Gazetteer

Item = Article | ErrorRecord


@dataclass
class Resources:
    """Everything loaded once per process: the spaCy model and the data tables."""

    nlp: Any
    kb: KnowledgeBase
    ontology: Ontology
    lexicon: VerbLexicon
    gazetteer: Any = None  # where.Gazetteer; built on first use when not given

    @classmethod
    def load(cls, opts: Options) -> "Resources":
        ontology = Ontology.load()
        if opts.dictionaries:  # imported PETRARCH dictionaries over the built-in tables
            from .dictionaries import load_resources

            kb, lexicon = load_resources(opts.dictionaries, ontology)
        else:
            kb, lexicon = KnowledgeBase.load(), VerbLexicon.load(ontology)
        return cls(nlp=load_nlp(opts.spacy_model, opts.ner), kb=kb, ontology=ontology,
                   lexicon=lexicon, gazetteer=Gazetteer.load())


class Pipeline:
    def __init__(self, options: Options | None = None, resources: Resources | None = None):
        self.options = options or build_options()
        self.res = resources or Resources.load(self.options)
        self.parser = Parser(self.res.nlp, self.options.batch_size)
        if self.res.gazetteer is None:
            self.res.gazetteer = Gazetteer.load()
        self.coder = EventCoder(self.res.lexicon, self.res.ontology, self.options)
        self.stages: list[Callable[[Article], Article]] = [
            ActorResolver(self.res.kb, carry_over=self.options.carry_over, gazetteer=self.res.gazetteer),
            self.coder,
            EventDater(self.options),
            EventLocator(self.res.gazetteer),
        ]
        if self.options.prefilter:  # parse only sentences with an actor candidate and a predicate head
            from .prefilter import Prefilter

            heads = set(self.res.lexicon.heads) | {v.split("_")[0] for v in self.coder.frames.verbs}
            self.parser.prefilter = Prefilter(self.res.kb, heads, self.res.nlp, self.options.carry_over)

    def _clean(self, item: Item) -> Item:
        if isinstance(item, ErrorRecord):
            return item
        try:
            return clean_article(item, self.options)
        except InputError as exc:
            return ErrorRecord(origin=exc.origin or item.origin, reason=exc.reason, message=str(exc),
                               article_id=item.id)
        except Exception as exc:  # a broken document must not stop the run
            return ErrorRecord(origin=item.origin, reason="clean", message=f"{item.origin}: {type(exc).__name__}: {exc}",
                               article_id=item.id)

    def process(self, items: Iterable[Item], keep_doc: bool = False) -> Iterator[Item]:
        """Code a stream; yields every Article (with events) and ErrorRecord, in input order."""
        it = iter(items)
        while True:
            chunk = [self._clean(x) for x in islice(it, self.options.batch_size)]
            if not chunk:
                return
            arts = [x for x in chunk if isinstance(x, Article)]
            parsed: dict[int, Item] = {}
            try:
                for art in self.parser.pipe(arts):
                    parsed[id(art)] = self._run_stages(art, keep_doc)
            except Exception:
                # fall back to one-by-one so a single bad document cannot sink the batch
                for art in arts:
                    if id(art) in parsed:
                        continue
                    try:
                        parsed[id(art)] = self._run_stages(self.parser(art), keep_doc)
                    except Exception as exc:
                        parsed[id(art)] = ErrorRecord(origin=art.origin, reason="parse", article_id=art.id,
                                                      message=f"{art.origin}: {type(exc).__name__}: {exc}")
            for x in chunk:
                yield parsed.get(id(x), x) if isinstance(x, Article) else x

    def _run_stages(self, art: Article, keep_doc: bool) -> Item:
        try:
            for stage in self.stages:
                art = stage(art)
        except ParleyError as exc:
            return ErrorRecord(origin=art.origin, reason="coding", message=str(exc), article_id=art.id)
        except Exception as exc:
            return ErrorRecord(origin=art.origin, reason="coding", article_id=art.id,
                               message=f"{art.origin}: {type(exc).__name__}: {exc}")
        if not keep_doc:
            finalize(art)
        return art

    def code_text(self, text: str, date: str | None = None, article_id: str = "text",
                  title: str | None = None, keep_doc: bool = True) -> Article:
        art = Article(id=article_id, text=text, origin="<text>", date=date, title=title,
                      date_source="record" if date else None)
        out = next(self.process([art], keep_doc=keep_doc))
        if isinstance(out, ErrorRecord):
            raise InputError(out.message, reason=out.reason, origin=out.origin)
        return out


def finalize(art: Article) -> Article:
    """Drop transient links (the Doc, mention objects) so the Article pickles small."""
    art.doc = None
    for ev in art.events:
        ev.source_mention = None
        ev.target_mention = None
    for m in art.mentions:
        m.person = None
    return art
