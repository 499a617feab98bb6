"""Within-article carry-over: "he"/"she", "the minister", "the president" → an unambiguous earlier actor.

Only when exactly one candidate fits is a mention added (kind ``carry``, entry ``carry:<sentence>:<text>``):

* ``he``/``she`` as a clause subject → the one person mention of the nearest earlier sentence that
  names people (two different people there: ambiguous, nothing added);
* ``the minister`` / ``the president`` / ``the premier`` ... (a definite singular title with no country
  of its own) → the one earlier person, in the last three sentences, named with that same title word
  ("Foreign Minister X" ... "the minister"); institutions ("the government") are never carried over.

"The two leaders" would need one mention for two actors; it is not resolved here.
"""
from __future__ import annotations

from typing import Any

from spacy.attrs import LOWER

from ..model import Actor, Mention

_PRONOUNS = {"he", "she"}


def _copy(m: Mention, start: int, end: int, text: str, sent_index: int) -> Mention:
    a = m.actor
    actor = Actor(code=a.code, country=a.country, sector=a.sector, text=text,
                  entry=f"carry:{m.sentence_index}:{m.text}")
    return Mention(sent_index, start, end, text, actor, "carry", person=m.person, parts=("carry",))


def carry_over(doc: Any, mentions: list[Mention]) -> list[Mention]:
    """Add carry-over mentions to ``mentions`` (in place, kept in token order); returns the added ones."""
    if doc is None:
        return []
    sents = list(doc.sents)
    by_sent: dict[int, list[Mention]] = {}
    for m in mentions:
        by_sent.setdefault(m.sentence_index, []).append(m)
    covered = {i for m in mentions for i in range(m.start, m.end)}
    added: list[Mention] = []
    pronoun_hashes = {doc.vocab.strings.add(w) for w in _PRONOUNS}
    pronouns = [i for i, low in enumerate(doc.to_array(LOWER).tolist()) if low in pronoun_hashes] if len(doc) else []
    for si, sent in enumerate(sents):
        for i in pronouns:
            if not sent.start <= i < sent.end or i in covered:
                continue
            tok = doc[i]
            if tok.dep_ in {"nsubj", "nsubjpass"}:
                cand = None
                for back in range(si - 1, max(-1, si - 4), -1):
                    people = [m for m in by_sent.get(back, []) if m.kind == "person" and m.actor.code]
                    if people:
                        if len({m.person.key if m.person is not None else m.text for m in people}) == 1:
                            cand = people[0]
                        break
                if cand is not None:
                    added.append(_copy(cand, tok.i, tok.i + 1, tok.text, si))
        # "the minister": a definite title mention without a country
        for m in by_sent.get(si, []):
            if m.kind != "agent" or m.actor.country or m.end - m.start > 3:
                continue
            first = doc[m.start - 1] if m.start > 0 else None
            if first is None or first.lower_ != "the" or doc[m.end - 1].tag_ in {"NNS", "NNPS"}:
                continue
            head = doc[m.end - 1].lower_
            cands = []
            for back in range(si - 1, max(-1, si - 4), -1):
                for o in by_sent.get(back, []):
                    # the same title was used for that person ("Foreign Minister X" ... "the minister")
                    if o.kind == "person" and o.actor.country and o.actor.sector == m.actor.sector and \
                            head in o.text.lower().split():
                        cands.append(o)
            keys = {o.person.key if o.person is not None else o.actor.code for o in cands}
            if len(keys) == 1:
                new = _copy(cands[-1], m.start, m.end, m.text, si)
                mentions[mentions.index(m)] = new
    if added:
        mentions.extend(added)
        mentions.sort(key=lambda x: x.start)
    return added
