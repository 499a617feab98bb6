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
from .nlp import Parser, is_parsed, load_nlp
from .options import Options, build_options
from .prefilter import CARRY_WORDS
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
                   lexicon=lexicon, gazetteer=Gazetteer.load_cached())


class Pipeline:
    def __init__(self, options: Options | None = None, resources: Resources | None = None):
        self.options = options or build_options()
        self.res = resources or Resources.load(self.options)
        self.parser = Parser(self.res.nlp, self.options.batch_size, lazy_ner=self.options.ner == "lazy")
        self.ner_sentences = self.ner_tokens = 0  # what the lazy NER ran over (statistics)
        if self.res.gazetteer is None:
            self.res.gazetteer = Gazetteer.load_cached()
        self.coder = EventCoder(self.res.lexicon, self.res.ontology, self.options)
        self.stages: list[Callable[[Article], Article]] = [
            ActorResolver(self.res.kb, carry_over=self.options.carry_over, gazetteer=self.res.gazetteer),
            self.coder,
            EventDater(self.options),
            EventLocator(self.res.gazetteer),
        ]
        if self.options.prefilter:  # parse only sentences with an actor candidate and a predicate head
            from .prefilter import Prefilter

            heads = self.coder.predicate_heads()
            self.parser.prefilter = Prefilter(self.res.kb, heads, self.res.nlp, self.options.carry_over,
                                              requirements=heads)

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
                for art in self.parse(arts):
                    parsed[id(art)] = self._run_stages(art, keep_doc)
            except Exception:
                # fall back to one-by-one so a single bad document cannot sink the batch
                for art in arts:
                    if id(art) in parsed:
                        continue
                    try:
                        parsed[id(art)] = self._run_stages(self.parse([art])[0], keep_doc)
                    except Exception as exc:
                        parsed[id(art)] = ErrorRecord(origin=art.origin, reason="parse", article_id=art.id,
                                                      message=f"{art.origin}: {type(exc).__name__}: {exc}")
            for x in chunk:
                yield parsed.get(id(x), x) if isinstance(x, Article) else x

    def parse(self, arts: list[Article]) -> list[Article]:
        """Parse a batch of cleaned articles (with ``ner = "lazy"``, then the NER where it is needed)."""
        parsed = list(self.parser.pipe(arts))
        return self._lazy_entities(parsed) if self.parser.lazy_ner else parsed

    def _lazy_entities(self, arts: list[Article]) -> list[Article]:
        """``ner = "lazy"``: run the NER only over the sentences with a factual lexicon predicate (the only
        ones that can yield an event) and, where such a sentence has a carry-over word, the three parsed
        sentences before it; for all articles of a batch in one pass. Counts go to ``ner_sentences`` and
        ``ner_tokens``."""
        spans = []
        for art in arts:
            if art.doc is None:
                continue
            sents = list(art.doc.sents)
            want: set[int] = set()
            facts: set[int] = set()
            art.event_sentences = facts  # the coder codes only these (it would find nothing elsewhere)
            for k, sent in enumerate(sents):
                if not self.coder.has_predicate(sent):
                    continue
                want.add(k)
                facts.add(k)
                # a carried-over actor ("he", "the minister") is named in one of the 3 sentences before
                if self.options.carry_over and any(_carried(t) for t in sent):
                    want.update(j for j in range(max(0, k - 3), k) if is_parsed(sents[j]))
            spans.extend((art.doc, sents[k].start, sents[k].end) for k in sorted(want))
        self.ner_sentences += len(spans)
        self.ner_tokens += sum(e - s for _, s, e in spans)
        self.parser.add_entities(spans)
        return arts

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


def _carried(tok: Any) -> bool:
    """Can carry-over give this token an earlier sentence's actor? A "he"/"she" subject, or a pair or
    title noun after "the", "both", "two", "each" ("the minister", "both sides", "the two leaders")."""
    low = tok.lower_
    if low in {"he", "she"}:
        return tok.dep_ in {"nsubj", "nsubjpass"}
    if low not in CARRY_WORDS or tok.i == 0:
        return False
    prev = tok.doc[tok.i - 1].lower_
    return prev in {"the", "both", "two", "each"} or (tok.i > 1 and tok.doc[tok.i - 2].lower_ in {"the", "both"})


def finalize(art: Article) -> Article:
    """Drop transient links (the Doc, mention objects) so the Article pickles small."""
    art.doc = None
    art.event_sentences = None
    for ev in art.events:
        ev.source_mention = None
        ev.target_mention = None
    for m in art.mentions:
        m.person = None
    return art
