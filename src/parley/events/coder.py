"""Clause-level event coder over the dependency parse.

Stage contract: requires ``Article.doc`` and ``Article.mentions``; assigns ``Article.events``
(without dates: the ``when`` stage dates them and re-chooses people's roles by the event date).

For each predicate (a verb, or a noun for nominal patterns) the most specific matching pattern
of the verb lexicon gives the CAMEO code. The source comes from the subject (the ``by``-agent of
a passive; the governing clause's subject for ``xcomp``/``conj`` predicates; the modified noun
for relative clauses), the target from the pattern's marked argument or else the direct object
or a prepositional object. Coordinated actors expand to every dyad; reciprocal events (roots
03–06) between coordinated subjects with no target give both directions. Negated predicates,
questions and conditional clauses are not coded as facts.
"""
from __future__ import annotations

import hashlib
from typing import Any, Iterable

from ..model import Actor, Article, Event, Mention
from ..options import Options
from .lexicon import Pattern, PrepReq, VerbLexicon
from .ontology import Ontology

RECIPROCAL_ROOTS = frozenset({"03", "04", "05", "06"})
_SUBJ = {"nsubj", "csubj"}
_PASS_SUBJ = {"nsubjpass", "csubjpass"}
_OBJ = {"dobj", "obj"}
_TARGET_PREPS = ("to", "with", "against", "on", "at", "toward", "towards", "into", "for", "from")
_REL_PRON = {"that", "which", "who", "whom", "whose"}
_DESCEND_DEPS = {"prep", "pobj", "pcomp", "conj", "appos", "dobj", "poss", "compound", "nmod"}
_DESCEND_PREPS = {"of", "in", "from", "for", "on"}


class EventCoder:
    assigns = ("events",)
    requires = ("doc", "mentions")

    def __init__(self, lexicon: VerbLexicon, ontology: Ontology, options: Options):
        self.lexicon = lexicon
        self.ontology = ontology
        self.max_events = options.max_events_per_sentence

    # -- actors around a token ----------------------------------------------------------------
    @staticmethod
    def _index(mentions: Iterable[Mention]) -> dict[int, Mention]:
        idx: dict[int, Mention] = {}
        for m in mentions:
            for i in range(m.start, m.end):
                idx[i] = m
        return idx

    def actors_at(self, tok: Any, idx: dict[int, Mention], deep: bool = False) -> list[tuple[Mention, Actor]]:
        """Actors named by the phrase headed by ``tok`` (coordination expanded)."""
        out: list[tuple[Mention, Actor]] = []
        heads = [tok] + [c for c in tok.conjuncts if c.i > tok.i]
        for h in heads:
            got = self._actor_of_head(h, idx, deep)
            for pair in got:
                if all(pair[0] is not o[0] for o in out):
                    out.append(pair)
        return out

    def _actor_of_head(self, h: Any, idx: dict[int, Mention], deep: bool) -> list[tuple[Mention, Actor]]:
        m = idx.get(h.i)
        if m is None:
            for c in h.children:
                if c.dep_ in {"compound", "amod", "nmod", "poss"} and c.i in idx and idx[c.i].actor.country:
                    m = idx[c.i]
                    break
        if m is not None and m.actor.country:
            return [(m, m.actor)]
        # "the presidents of Russia and the United States": sector from the head, country from "of"
        sector = m.actor.sector if m is not None else None
        found: list[tuple[Mention, Actor]] = []
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                for p in c.children:
                    if p.dep_ == "pobj":
                        for pm, pa in self.actors_at(p, idx, deep=False):
                            if pa.country and sector and pm.kind in {"country", "metonym"}:
                                pa = Actor(code=pa.country + sector, country=pa.country, sector=sector,
                                           text=pa.text, entry=pa.entry)
                            found.append((pm, pa))
        if found or not deep:
            return found
        # deeper: the first actor reached through of/in/for chains ("victims of floods in Russia")
        frontier = [h]
        for _ in range(4):
            nxt = []
            for t in frontier:
                for c in t.children:
                    if c.dep_ not in _DESCEND_DEPS:
                        continue
                    if c.dep_ == "prep" and c.lower_ not in _DESCEND_PREPS:
                        continue
                    cm = idx.get(c.i)
                    if cm is not None and cm.actor.country:
                        return [(cm, cm.actor)]
                    nxt.append(c)
            frontier = nxt
        return []

    # -- pattern matching -----------------------------------------------------------------------
    @staticmethod
    def _prep_children(tok: Any) -> list[Any]:
        return [c for c in tok.children if c.dep_ in {"prep", "agent", "dative"}]

    @staticmethod
    def _pobj(prep: Any) -> Any | None:
        for c in prep.children:
            if c.dep_ in {"pobj", "pcomp"}:
                return c
        return None

    def _match(self, p: Pattern, v: Any, dobj: Any | None) -> tuple[bool, Any | None]:
        """Does pattern ``p`` hold at predicate ``v``? Returns (ok, target head token or None)."""
        target = None
        if "_" in p.head:
            particle = p.head.split("_", 1)[1]
            if not any(c.dep_ in {"prt", "prep"} and c.lower_ == particle for c in v.children):
                return False, None
        if p.obj is not None:
            if dobj is None:
                return False, None
            lemmas = {dobj.lemma_.lower(), dobj.lower_}
            if not lemmas & p.obj:
                return False, None
            if p.obj_mod is not None:
                mods = {c.lemma_.lower() for c in dobj.children if c.dep_ in {"compound", "amod", "nmod"}}
                if not mods & p.obj_mod:
                    return False, None
        if p.obj_is_target:
            if dobj is None:
                return False, None
            target = dobj
        holders = [v] + ([dobj] if dobj is not None else [])
        for req in p.preps:
            hit = None
            for holder in holders:
                for prep in self._prep_children(holder):
                    if prep.lower_ != req.prep:
                        continue
                    pobj = self._pobj(prep)
                    if req.objs is not None:
                        if pobj is None or not ({pobj.lemma_.lower(), pobj.lower_} & req.objs):
                            continue
                    hit = pobj if pobj is not None else prep
                    break
                if hit is not None:
                    break
            if hit is None:
                return False, None
            if req.target:
                target = hit
        return True, target

    def best_pattern(self, v: Any) -> tuple[Pattern | None, Any | None]:
        lemma = v.lemma_.lower()
        nominal = v.pos_ in {"NOUN", "PROPN"}
        if not nominal and v.pos_ not in {"VERB", "AUX"} and v.tag_ not in {"VBN", "VBG", "JJ"}:
            return None, None
        cands: list[Pattern] = []
        if not nominal:
            for c in v.children:
                if c.dep_ in {"prt", "prep"}:
                    cands.extend(self.lexicon.by_head.get((False, f"{lemma}_{c.lower_}"), ()))
        cands.extend(self.lexicon.by_head.get((nominal, lemma), ()))
        if not cands:
            return None, None
        cands.sort(key=lambda p: -p.specificity)
        dobj = next((c for c in v.children if c.dep_ in _OBJ), None)
        for p in cands:
            ok, target = self._match(p, v, dobj)
            if ok:
                return p, target
        return None, None

    # -- clause analysis ------------------------------------------------------------------------
    @staticmethod
    def _is_fact(v: Any, sent: Any) -> tuple[bool, str]:
        if any(c.dep_ == "neg" for c in v.children):
            return False, "negated"
        if sent.text.rstrip().endswith("?"):
            return False, "question"
        t = v
        for _ in range(4):
            if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in t.children):
                return False, "conditional"
            if t.head is t:
                break
            t = t.head
        return True, ""

    @staticmethod
    def subject_of(v: Any) -> tuple[Any | None, bool]:
        """(subject head, is_passive) following xcomp/conj/relcl links up to the governing clause."""
        t = v
        for _ in range(4):
            subj = next((c for c in t.children if c.dep_ in _SUBJ), None)
            if subj is not None:
                if subj.lower_ in _REL_PRON and t.dep_ == "relcl":
                    return t.head, False
                return subj, False
            psubj = next((c for c in t.children if c.dep_ in _PASS_SUBJ), None)
            if psubj is not None:
                return psubj, True
            if t.dep_ == "relcl":
                return t.head, False
            if t.dep_ in {"xcomp", "conj", "advcl", "acl", "acomp"} and t.head is not t:
                t = t.head
                continue
            break
        return None, False

    def code_sentence(self, sent: Any, sent_index: int, idx: dict[int, Mention], article_id: str) -> list[Event]:
        events: list[Event] = []
        for v in sent:
            pattern, target_tok = self.best_pattern(v)
            if pattern is None:
                continue
            fact, _why = self._is_fact(v, sent)
            if not fact:
                continue
            subj, passive = self.subject_of(v)
            agent_tok = None
            if passive:
                for c in v.children:
                    if c.dep_ == "agent":
                        agent_tok = self._pobj(c)
            if subj is None:
                continue
            if passive and "stative" not in pattern.flags:
                if agent_tok is None:
                    continue
                sources = self.actors_at(agent_tok, idx)
                if target_tok is None and not pattern.preps:
                    target_tok = subj
            else:
                sources = self.actors_at(subj, idx)
            sources = [(m, a) for m, a in sources if (a.code and a.country) or m.person is not None]
            if not sources:
                continue
            targets: list[tuple[Mention, Actor]] = []
            if "notarget" not in pattern.flags:
                if target_tok is not None:
                    targets = self.actors_at(target_tok, idx, deep=True)
                else:
                    targets = self._default_targets(v, idx)
            targets = [(m, a) for m, a in targets if (a.code and a.country) or m.person is not None]
            code = self.ontology[pattern.code]
            dyads: list[tuple[tuple[Mention, Actor], tuple[Mention, Actor] | None]] = []
            if targets:
                for s in sources:
                    for t in targets:
                        if s[1].code != t[1].code and s[0] is not t[0]:
                            dyads.append((s, t))
            elif code.root in RECIPROCAL_ROOTS and len({a.country for _, a in sources}) > 1:
                for s in sources:
                    for t in sources:
                        if s[0] is not t[0] and s[1].country != t[1].country:
                            dyads.append((s, t))
            else:
                dyads = [(s, None) for s in sources]
            for s, t in dyads:
                events.append(self._event(article_id, sent_index, sent, v, pattern, s, t))
        if len(events) > self.max_events:
            events = events[: self.max_events]
            for e in events:
                e.flags.append("capped")
        return events

    def _default_targets(self, v: Any, idx: dict[int, Mention]) -> list[tuple[Mention, Actor]]:
        dobj = next((c for c in v.children if c.dep_ in _OBJ), None)
        if dobj is not None:
            got = self.actors_at(dobj, idx)
            if got:
                return got
        holders = [v] + ([dobj] if dobj is not None else [])
        for prep_word in _TARGET_PREPS:
            for holder in holders:
                for prep in self._prep_children(holder):
                    if prep.lower_ == prep_word:
                        pobj = self._pobj(prep)
                        if pobj is not None:
                            got = self.actors_at(pobj, idx, deep=True)
                            if got:
                                return got
        return []

    def _event(self, article_id: str, sent_index: int, sent: Any, v: Any, pattern: Pattern,
               s: tuple[Mention, Actor], t: tuple[Mention, Actor] | None) -> Event:
        code = self.ontology[pattern.code]
        target = t[1] if t else None
        raw = f"{article_id}|{sent_index}|{v.i}|{s[1].code}|{target.code if target else ''}|{code.code}"
        return Event(
            event_id=hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16],
            article_id=article_id, sentence_index=sent_index, sentence=sent.text.strip(),
            source=s[1], target=target, cameo=code.code, cameo_name=code.name, root=code.root,
            quad_class=code.quad_class, goldstein=code.goldstein, plover=code.plover(),
            rule=f"{pattern.source} [{pattern.code} {pattern.text}]", verb_text=v.text,
            verb_index=v.i, source_mention=s[0], target_mention=t[0] if t else None)

    def __call__(self, article: Article) -> Article:
        doc = article.doc
        idx = self._index(article.mentions)
        events: list[Event] = []
        for si, sent in enumerate(doc.sents):
            events.extend(self.code_sentence(sent, si, idx, article.id))
        article.events = events
        return article
