"""Cheap sentence prefilter: parse only the sentences that can yield an event.

An event needs an actor and a predicate from the verb lexicon in the same sentence. Before the
expensive tagger/parser run, the tokenised text is

1. split into sentences by rules (:func:`split_sentences`): terminal punctuation, and line breaks
   that end a paragraph, a heading or a list item (hard-wrapped lines are not split);
2. scanned once with Aho-Corasick automata for actor candidates (every knowledge-base phrase:
   countries, adjectives, metonyms, organisations, people, agent nouns; optionally pronouns for
   carry-over) and with a set lookup for inflected forms of verb-lexicon heads (verb and noun
   heads, regular inflections derived from the spaCy lemmatizer's own suffix rules plus its
   irregular-form exceptions).

A sentence is a *candidate* when it has at least one actor candidate and at least one head form —
and, for a head none of whose patterns can match on the head alone ("have =meeting/talks",
"be on:alert"), one of the words those patterns require (see ``requirements`` of :class:`Prefilter`).
Only candidates are parsed; the others keep their tokens and sentence boundary without a parse
(they cannot yield an event: the coder needs a lexicon predicate and an actor in one sentence).
The scan is deliberately generous: a false candidate costs a parse, a missed one costs events.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import ahocorasick

_TERMINAL = frozenset({".", "!", "?", "...", "…", "?!", "!?"})
_CLOSERS = frozenset({'"', "'", "”", "’", ")", "]", "»", "''"})
# Words that carry-over may resolve to an earlier actor: "he"/"she", and the nouns of "the two leaders",
# "both sides", "the minister" (the nouns the coder and the actor resolver read, with plurals).
_PAIR_NOUNS = ("leader", "side", "country", "nation", "president", "government", "minister", "party", "state",
               "head", "counterpart", "delegation", "neighbor", "neighbour", "premier", "chancellor", "official")
CARRY_WORDS = frozenset({"he", "she"} | set(_PAIR_NOUNS) | {n + "s" for n in _PAIR_NOUNS} | {"parties"})


def split_sentences(doc: Any) -> list[tuple[int, int]]:
    """Rule-based, paragraph-aware sentence spans (token start, end) covering ``doc`` fully.

    A sentence ends after terminal punctuation (and any closing quotes/brackets) when the next word
    does not start in lower case, and at a line break that follows terminal punctuation, a blank
    line, or a line that does not end in a lower-case word, a comma or a dash (a heading, a dateline
    or a list item); a line break inside a sentence (a hard wrap) does not split it.
    """
    import numpy
    from spacy.attrs import IS_SPACE, ORTH

    n = len(doc)
    if n == 0:
        return []
    arr = doc.to_array([ORTH, IS_SPACE])
    strings = doc.vocab.strings
    term = numpy.array([strings.add(t) for t in _TERMINAL], dtype="uint64")
    closers = {strings.add(t) for t in _CLOSERS} | set(term.tolist())
    orth = arr[:, 0]
    is_space = arr[:, 1].astype(bool)
    cands = set(numpy.nonzero(numpy.isin(orth, term))[0].tolist())
    cands.update(i for i in numpy.nonzero(is_space)[0].tolist() if "\n" in doc[i].text)
    starts = {0}
    # cumulative count of words, so that a sentence made only of whitespace is never cut off
    words = numpy.concatenate([[0], numpy.cumsum(~is_space)])
    last = 0

    def start(k: int) -> None:
        nonlocal last
        if k > last and words[k] > words[last]:
            starts.add(k)
            last = k

    for i in sorted(cands):
        if is_space[i]:
            # a line break: split unless the line ends mid-sentence (hard wrap)
            k = i + 1
            while k < n and is_space[k]:
                k += 1
            if k >= n:
                continue
            blank = sum(doc[m].text.count("\n") for m in range(i, k)) >= 2
            prev = _prev_word(doc, i)
            wrap = prev is not None and (prev.text in {",", "-", "–", "—"} or prev.text[:1].islower())
            if blank or not wrap:
                start(k)
        else:
            j = i + 1
            while j < n and int(orth[j]) in closers:
                j += 1
            k = j
            while k < n and is_space[k]:
                k += 1
            if k < n and not doc[k].text[:1].islower():
                start(k)
    bounds = sorted(starts)
    return [(s, e) for s, e in zip(bounds, bounds[1:] + [n]) if e > s]


def _prev_word(doc: Any, i: int) -> Any:
    while i >= 0:
        if not doc[i].is_space:
            return doc[i]
        i -= 1
    return None


def lemma_lookups(nlp: Any) -> Any | None:
    """The rule tables of the model's lemmatizer (also when parley's cached wrapper replaced it)."""
    for name in ("lemmatizer", "parley_lemmatizer"):
        if name in nlp.pipe_names:
            comp = nlp.get_pipe(name)
            return getattr(getattr(comp, "original", comp), "lookups", None)
    return None


def head_forms(heads: Iterable[str], nlp: Any | None) -> frozenset[str]:
    """Lower-case surface forms whose lemma may be one of ``heads`` (over-generating on purpose)."""
    return frozenset(form_map(heads, nlp))


def form_map(words: Iterable[str], nlp: Any | None) -> dict[str, set[str]]:
    """Lower-case surface form → the words of ``words`` it may be an inflection of (the word itself
    included): the lemmatizer's suffix rules and irregular forms inverted, plus regular English
    inflection as a fallback when the model has no rule tables. Over-generates on purpose."""
    rules: dict[str, list[tuple[str, str]]] = {}
    exc: dict[str, dict[str, list[str]]] = {}
    lookups = lemma_lookups(nlp) if nlp is not None else None
    if lookups is not None:
        if lookups.has_table("lemma_rules"):
            # spaCy Tables are keyed by string hashes: look the POS keys up by name, never via items()
            table = lookups.get_table("lemma_rules")
            rules = {k: [tuple(r) for r in table.get(k, ())] for k in ("verb", "noun")}
        if lookups.has_table("lemma_exc"):
            table = lookups.get_table("lemma_exc")
            exc = {k: dict(table.get(k, {})) for k in ("verb", "noun")}
    heads = {h.lower() for h in words}
    out: dict[str, set[str]] = {}

    def add(form: str, h: str) -> None:
        out.setdefault(form, set()).add(h)

    for h in heads:
        add(h, h)
    for pos in ("verb", "noun"):
        for old, new in rules.get(pos, ()):
            for h in heads:
                if h.endswith(new):
                    add(h[: len(h) - len(new)] + old, h)
        for form, lemmas in exc.get(pos, {}).items():
            for lem in lemmas:
                if lem.lower() in heads:
                    add(form.lower(), lem.lower())
    for h in heads:
        for f in (h + "s", h + "es", h + "ed", h + "d", h + "ing"):
            add(f, h)
        if h.endswith("e"):
            add(h[:-1] + "ing", h)
        if h.endswith("y"):
            add(h[:-1] + "ies", h)
            add(h[:-1] + "ied", h)
        if len(h) > 2 and h[-1] not in "aeiouwxy" and h[-2] in "aeiou":
            add(h + h[-1] + "ed", h)
            add(h + h[-1] + "ing", h)
    return out


@dataclass
class PrefilterStats:
    sentences: int = 0
    parsed: int = 0

    @property
    def skipped(self) -> int:
        return self.sentences - self.parsed


class Prefilter:
    """Decide per sentence whether it is worth a parse. Built once per process from the data tables."""

    def __init__(self, kb: Any, heads: Iterable[str], nlp: Any | None = None, carry_over: bool = False,
                 requirements: Mapping[str, frozenset[str] | None] | None = None):
        """``heads``: predicate head lemmas. ``requirements`` (from
        :meth:`~parley.events.lexicon.VerbLexicon.head_requirements`): for a head whose every pattern
        needs another word ("have =meeting/talks", "be on:alert", "~sit+in"), the words one of which
        must also be in the sentence; a head not listed, or listed with ``None``, suffices alone."""
        requirements = requirements or {}
        by_form = form_map(heads, nlp)
        self.forms = frozenset(by_form)
        self._free = frozenset(f for f, hs in by_form.items() if any(requirements.get(h) is None for h in hs))
        needed = {w for f, hs in by_form.items() if f not in self._free for h in hs for w in requirements[h] or ()}
        word_forms: dict[str, set[str]] = {}
        for form, ws in form_map(needed, nlp).items():
            for w in ws:
                word_forms.setdefault(w, set()).add(form)
        # a conditional form → the surface forms of the words it needs (one of them); as string hashes
        # (what ``Doc.to_array(LOWER)`` gives), one shared set per head
        from spacy.strings import get_string_id

        per_head: dict[str, frozenset[int]] = {}
        for f, hs in by_form.items():
            for h in hs:
                if f not in self._free and h not in per_head:
                    per_head[h] = frozenset(get_string_id(x) for w in requirements[h] or () for x in word_forms[w])
        self._free_ids = frozenset(get_string_id(f) for f in self._free)
        self._needs: dict[int, frozenset[int]] = {}
        for f, hs in by_form.items():
            if f in self._free:
                continue
            sets = [per_head[h] for h in hs]
            self._needs[get_string_id(f)] = sets[0] if len(sets) == 1 else frozenset().union(*sets)
        self._exact = ahocorasick.Automaton()
        for phrase in kb.phrases:
            self._exact.add_word(phrase, len(phrase))
        self._folded = ahocorasick.Automaton()
        for phrase in kb.folded:
            self._folded.add_word(phrase, len(phrase))
        if carry_over:
            for w in CARRY_WORDS:
                self._folded.add_word(w, len(w))
        for auto in (self._exact, self._folded):
            if len(auto):
                auto.make_automaton()
        self.stats = PrefilterStats()

    def actor_chars(self, text: str) -> list[int]:
        """Start offsets of actor-candidate phrases in ``text`` (on word boundaries)."""
        hits: list[int] = []
        n = len(text)
        for auto, hay in ((self._exact, text), (self._folded, text.lower())):
            if not len(auto):
                continue
            for end, length in auto.iter(hay):
                start = end - length + 1
                if start > 0 and text[start - 1].isalnum():
                    continue
                if end + 1 < n and text[end + 1].isalnum():
                    continue
                hits.append(start)
        return hits

    def scan(self, doc: Any) -> tuple[list[tuple[int, int]], list[bool]]:
        """Sentence spans of ``doc`` and, for each, whether it is worth a parse."""
        spans = split_sentences(doc)
        return spans, self.candidates(doc, spans)

    def candidates(self, doc: Any, spans: list[tuple[int, int]]) -> list[bool]:
        """For each sentence span of ``doc`` (token ranges): can it yield an event?"""
        if not spans:
            return []
        hits = sorted(self.actor_chars(doc.text))
        has_actor = [False] * len(spans)
        bounds = [doc[s].idx for s, _ in spans]
        si = 0
        for h in hits:
            while si + 1 < len(spans) and bounds[si + 1] <= h:
                si += 1
            has_actor[si] = True
        import numpy
        from spacy.attrs import LOWER

        free, needs = self._free_ids, self._needs
        lower = doc.to_array(LOWER).tolist()
        hit = numpy.fromiter((h in free for h in lower), dtype=bool, count=len(lower))
        cum = numpy.concatenate([[0], numpy.cumsum(hit)])
        out = [bool(has_actor[k] and cum[e] > cum[s]) for k, (s, e) in enumerate(spans)]
        # heads that need another word of their pattern ("have" + meeting/talks) in the same sentence
        cond = [i for i, h in enumerate(lower) if h in needs]
        if cond:
            k = 0
            for i in cond:
                while spans[k][1] <= i:
                    k += 1
                if out[k] or not has_actor[k]:
                    continue
                s, e = spans[k]
                if not needs[lower[i]].isdisjoint(lower[s:e]):
                    out[k] = True
        self.stats.sentences += len(spans)
        self.stats.parsed += sum(out)
        return out
