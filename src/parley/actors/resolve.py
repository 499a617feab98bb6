"""Find actor mentions in a parsed Doc and resolve them to codes.

Stage contract: requires ``Article.doc`` (a spaCy Doc) and ``Article.date``; assigns
``Article.mentions``. Adjacent pieces of one phrase ("Russian" + "President" + "Vladimir Putin")
combine into one mention: a person's dated role wins, then an organisation, then
country + sector (from an agent noun, or GOV for a government metonym such as "the Kremlin").
"""
from __future__ import annotations

from datetime import date
from typing import Any

import ahocorasick

from ..model import Actor, Article, Mention
from .kb import Entry, KnowledgeBase

_JOINERS = {"'s", "’s", "-", "–"}
_KIND_RANK = {"person": 0, "org": 1, "metonym": 2, "country": 3, "adjective": 4, "agent": 5}


class ActorResolver:
    assigns = ("mentions",)
    requires = ("doc", "date")

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self._exact = ahocorasick.Automaton()
        for phrase, entries in kb.phrases.items():
            self._exact.add_word(phrase, (len(phrase), phrase))
        self._folded = ahocorasick.Automaton()
        for phrase, entries in kb.folded.items():
            self._folded.add_word(phrase, (len(phrase), phrase))
        self._exact.make_automaton() if len(self._exact) else None
        self._folded.make_automaton() if len(self._folded) else None

    # -- matching ---------------------------------------------------------------------------
    def _raw_matches(self, doc: Any) -> list[tuple[int, int, list[Entry], str]]:
        """Token-aligned phrase matches (start_tok, end_tok, entries, surface)."""
        text = doc.text
        starts = {t.idx: t.i for t in doc}
        ends = {t.idx + len(t.text): t.i + 1 for t in doc}
        found: list[tuple[int, int, list[Entry], str]] = []
        for auto, hay, table in ((self._exact, text, self.kb.phrases),
                                 (self._folded, text.lower(), self.kb.folded)):
            if not len(auto):
                continue
            for end_char, (length, phrase) in auto.iter(hay):
                s_char = end_char - length + 1
                e_char = end_char + 1
                if s_char not in starts or e_char not in ends:
                    continue
                s_tok, e_tok = starts[s_char], ends[e_char]
                if table is self.kb.folded:
                    # agent nouns: the phrase must end on a noun, not a verb ("leaders" ok, "leads" no)
                    last = doc[e_tok - 1]
                    if last.pos_ not in {"NOUN", "PROPN"}:
                        continue
                found.append((s_tok, e_tok, table[phrase], text[s_char:e_char]))
        # leftmost-longest, non-overlapping
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        chosen: list[tuple[int, int, list[Entry], str]] = []
        last_end = -1
        for m in found:
            if m[0] >= last_end:
                chosen.append(m)
                last_end = m[1]
        return chosen

    def find(self, doc: Any, day: date | None) -> list[Mention]:
        matches = self._raw_matches(doc)
        groups: list[list[tuple[int, int, list[Entry], str]]] = []
        for m in matches:
            if groups:
                prev = groups[-1][-1]
                gap = [doc[i] for i in range(prev[1], m[0])]
                same_sentence = doc[prev[0]].sent.start == doc[m[0]].sent.start
                if same_sentence and all(t.text in _JOINERS for t in gap):
                    groups[-1].append(m)
                    continue
            groups.append([m])
        mentions: list[Mention] = []
        for group in groups:
            mention = self._compose(doc, group, day)
            if mention is not None:
                mentions.append(mention)
        return mentions

    def _compose(self, doc: Any, group: list[tuple[int, int, list[Entry], str]], day: date | None) -> Mention | None:
        start, end = group[0][0], group[-1][1]
        pieces: list[Entry] = []
        for _, _, entries, _ in group:
            pieces.append(min(entries, key=lambda e: _KIND_RANK.get(e.kind, 9)))
        kinds = tuple(p.kind for p in pieces)
        person = next((p for p in pieces if p.kind == "person"), None)
        org = next((p for p in reversed(pieces) if p.kind == "org"), None)  # the phrase head wins
        nation = next((p for p in pieces if p.kind in {"country", "adjective", "metonym"}), None)
        agent = next((p for p in reversed(pieces) if p.kind == "agent"), None)
        span_text = doc[start:end].text
        sent_index = _sent_index(doc, start)
        entry_keys = "+".join(p.key for p in pieces)
        if person is not None:
            role = person.role_at(day)
            if role is None:
                # outside every dated role: keep the mention (for carry-over and explain) without a code
                actor = Actor(code="", country=None, sector=None, text=span_text, entry=entry_keys)
            else:
                actor = Actor(code=role.code, country=role.country, sector=role.sector, text=span_text,
                              entry=entry_keys)
            return Mention(sent_index, start, end, span_text, actor, "person", person=person, parts=kinds)
        if org is not None:
            actor = Actor(code=org.code or "", country=org.country, sector=org.sector, text=span_text, entry=entry_keys)
            return Mention(sent_index, start, end, span_text, actor, "org", parts=kinds)
        if nation is not None:
            sector = agent.sector if agent is not None else nation.sector
            code = (nation.country or "") + (sector or "")
            kind = "metonym" if nation.kind == "metonym" else "country"
            actor = Actor(code=code, country=nation.country, sector=sector, text=span_text, entry=entry_keys)
            return Mention(sent_index, start, end, span_text, actor, kind, parts=kinds)
        if agent is not None:
            actor = Actor(code=agent.sector or "", country=None, sector=agent.sector, text=span_text, entry=entry_keys)
            return Mention(sent_index, start, end, span_text, actor, "agent", parts=kinds)
        return None

    def __call__(self, article: Article) -> Article:
        day = date.fromisoformat(article.date) if article.date else None
        article.mentions = self.find(article.doc, day)
        return article


def _sent_index(doc: Any, token_i: int) -> int:
    sent_start = doc[token_i].sent.start
    for i, s in enumerate(doc.sents):
        if s.start == sent_start:
            return i
    return 0


def actor_at(mention: Mention, day: date | None) -> Actor:
    """The mention's actor with a person's role re-chosen for ``day`` (the event date)."""
    if mention.person is None:
        return mention.actor
    role = mention.person.role_at(day)
    if role is None:
        return Actor(code="", country=None, sector=None, text=mention.text, entry=mention.actor.entry)
    return Actor(code=role.code, country=role.country, sector=role.sector, text=mention.text,
                 entry=mention.actor.entry)
