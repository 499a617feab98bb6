"""A PETRARCH-style pattern coder over imported PETRARCH dictionaries.

PETRARCH verb patterns are word sequences around the verb (``- $ NOT * ^ TO_ +``), not dependency
relations, so they are matched here by a dedicated matcher rather than mapped onto parley's verb lexicon
(the mappable subset is also exported to the lexicon by :mod:`parley.dictionaries.convert`).

Input is a :class:`Sentence`: tokens (word + Penn tag) and, per verb, the clause structure —
the subject span and the span the verb governs. Two front-ends build it:

* :func:`from_treebank` — a Penn Treebank bracketed parse (PETRARCH's own input format);
* :func:`from_spacy` — a spaCy Doc (subject = ``nsubj`` subtree, governed span = the verb's right subtree).

Coding, per verb found in the verb dictionary (multi-word forms such as ``BREAK DOWN`` included):

1. actor phrases (longest match, codes chosen by the sentence date) and agent phrases are found in the
   token sequence and composed into actors: ``Gondor police`` → GONCOP, ``MSF Arnor`` → NGOARN,
   ``lawmakers in Fornost`` → FORLEG; coordinated actors (``A, B and C``) form compounds;
2. every pattern of the verb's block is tried: words after ``*`` must follow the verb in order (``_`` =
   adjacent), words before it precede it; ``&SET`` matches any member; ``+``/``$`` mark the target/source
   actor, ``^`` skips a phrase, ``%`` is a compound actor giving both directions. The pattern with most
   matched words wins (ties: earlier line); none → the code of the verb's line;
3. source = ``$`` or the subject's actors; target = ``+`` or the first actors after the verb; a paired
   code ``a:b`` also gives the reverse event ``b``; ``---`` codes nothing.

A verb whose pattern or own code matched takes its whole verb phrase: verbs inside it are not coded,
whether or not the match yielded an event (PETRARCH resumes its verb search after that phrase).
Actor phrases written with spaces (``ITHILEN TELEVISION``) may have other words of the same noun phrase
between their words; ``_`` (``VALORIA_BROADCASTING``) requires adjacent words.

Options (:class:`CoderOptions`, PETRARCH's ``require_dyad``, ``new_actor_length`` and ``comma_*``):
comma-delimited clauses of the configured lengths are removed from a Treebank parse before coding, null
actors are coded when a dyad is not required, and uncoded short noun phrases can become text actors.

Discards: a sentence containing a discard phrase is not coded (``+`` phrases discard the whole story).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..errors import ParleyError
from .petrarch import PetrarchDictionaries, VerbPattern


_PRONOUNS = {"IT", "THEY"}  # "Ethiopia indicated it would act": a state or group, never a guessed person


class DiscardError(ParleyError):
    def __init__(self, kind: str, phrase: str):
        super().__init__(f"{kind}: {phrase}")
        self.kind = kind
        self.phrase = phrase


class ParseError(ParleyError):
    pass


@dataclass
class Tok:
    word: str  # upper case
    tag: str


@dataclass
class Clause:
    verb: int  # token index of the verb
    subject: tuple[int, int] | None  # token span of the subject
    upper: tuple[int, int]  # span governed by the verb, after it
    lower_start: int  # where the clause's words before the verb start


@dataclass
class Sentence:
    toks: list[Tok]
    clauses: list[Clause] = field(default_factory=list)
    # noun phrases (Treebank ``NP``; not ``NP-TMP``): span -> spans of its coordinated NP members
    # ("Eriador's death and injury toll" -> two members), or just itself
    nps: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)

    @property
    def words(self) -> list[str]:
        return [t.word for t in self.toks]


# ----------------------------------------------------------------------------------------- front-ends
def parse_tree(text: str) -> Any:
    """Penn bracketed tree → nested [label, children...] with leaves (tag, word)."""
    tokens = re.findall(r"\(|\)|[^\s()]+", text)
    pos = 0

    def node() -> Any:
        nonlocal pos
        if tokens[pos] != "(":
            raise ParseError(f"expected '(' at token {pos}")
        pos += 1
        label = tokens[pos]
        pos += 1
        if label == "(":
            pos -= 1
            label = ""
        kids: list[Any] = []
        while pos < len(tokens) and tokens[pos] != ")":
            if tokens[pos] == "(":
                kids.append(node())
            else:
                kids.append(tokens[pos])
                pos += 1
        if pos >= len(tokens):
            raise ParseError("unbalanced parentheses in the parse")
        pos += 1
        return [label] + kids

    if not tokens:
        raise ParseError("empty parse")
    tree = node()
    if pos != len(tokens):
        raise ParseError("text after the end of the parse")
    return tree


@dataclass
class CoderOptions:
    """PETRARCH's coding options (``PETR_config.ini``; a validation file changes them with ``<Config>``).

    * ``require_dyad`` — an event needs a coded source *and* target; when false, noun phrases without a
      code still count as (null ``---``) actors, so "a senior official said on Saturday" gives
      ``---GOV`` → ``---``. A verb with no noun phrase at all (``said today``) still codes nothing.
    * ``new_actor_length`` — an uncoded noun phrase of at most this many words becomes an actor named by
      its text (``"INJURY TOLL"``); 0 turns this off.
    * ``comma_*`` — lengths (in words) of comma-delimited clauses removed before coding: initial clause
      (``bmin``–``bmax``, off by default), terminal clause (``emin``–``emax``) and clauses between two
      commas (``min``–``max``); a ``max`` of 0 turns that kind off. Commas inside a simple noun phrase
      ("complete, full diplomatic ties") do not delimit clauses.
    """
    require_dyad: bool = True
    new_actor_length: int = 0
    comma_min: int = 2
    comma_max: int = 8
    comma_bmin: int = 0
    comma_bmax: int = 0
    comma_emin: int = 2
    comma_emax: int = 8

    def set(self, option: str, value: str) -> None:
        """Apply one ``<Config option=... value=...>`` (unknown options are ignored, as PETRARCH does)."""
        option = option.strip().lower()
        if option == "require_dyad":
            self.require_dyad = "false" not in value.lower()
        elif option == "new_actor_length" or option.startswith("comma_"):
            if hasattr(self, option):
                try:
                    setattr(self, option, int(value))
                except ValueError:
                    pass


def _leaf_count(n: Any) -> int:
    return sum(_leaf_count(k) if isinstance(k, list) else 1 for k in n[1:])


def _is_simple_np(n: Any) -> bool:
    return n[0] == "NP" and all(isinstance(k, list) and len(k) == 2 and isinstance(k[1], str) for k in n[1:])


def _has_clause(n: Any) -> bool:
    return any(isinstance(k, list) and (k[0] in {"S", "VP", "SBAR", "SINV", "SQ"} or _has_clause(k))
               for k in n[1:])


def _comma_free_np(n: Any) -> bool:
    """Noun phrases whose commas are not clause delimiters: simple ones ("complete, full diplomatic ties")
    and coordinations of noun phrases ("Mordor, the Shire, Fornost and Bree"), PETRARCH's compounds."""
    if n[0] != "NP":
        return False
    if _is_simple_np(n):
        return True
    return any(isinstance(k, list) and k[0] == "CC" for k in n[1:]) and not _has_clause(n)


def prune_commas(tree: Any, opts: CoderOptions) -> Any:
    """Remove comma-delimited clauses from a parse tree (PETRARCH's comma-clause elimination).

    Initial clause (start → first comma), terminal clause (last comma → final punctuation) and each clause
    between two commas are removed when their word count (tokens starting with a letter) lies in the
    configured range; the commas themselves stay. Constituents left empty disappear.
    """
    leaves: list[tuple[str, str, bool]] = []  # (tag, word, delimiting comma)

    def walk(n: Any) -> None:
        simple = _comma_free_np(n)
        for k in n[1:]:
            if isinstance(k, list):
                if len(k) == 2 and isinstance(k[1], str):
                    leaves.append((k[0], k[1], k[0] == "," and not simple))
                else:
                    walk(k)
            else:
                leaves.append((n[0], k, False))

    walk(tree)
    commas = [i for i, lf in enumerate(leaves) if lf[2]]
    if not commas:
        return tree
    drop: set[int] = set()

    def words(a: int, b: int) -> int:
        return sum(1 for i in range(a, b) if i not in drop and leaves[i][1][:1].isalpha())

    def delete(a: int, b: int) -> None:
        drop.update(range(a, b))

    if opts.comma_bmax:
        n = words(0, commas[0])
        if opts.comma_bmin <= n <= opts.comma_bmax:
            delete(0, commas[0])
    if opts.comma_emax:
        end = len(leaves)
        while end > 0 and not leaves[end - 1][1][:1].isalnum() and (end - 1) not in commas:
            end -= 1  # the final punctuation stays
        last = commas[-1]
        n = words(last + 1, len(leaves))
        if opts.comma_emin <= n <= opts.comma_emax:
            delete(last + 1, end)
    if opts.comma_max:
        for a, b in zip(commas, commas[1:]):
            n = words(a + 1, b)
            if opts.comma_min <= n <= opts.comma_max:
                delete(a + 1, b)
    if not drop:
        return tree
    pos = 0

    def rebuild(n: Any) -> Any:
        nonlocal pos
        out = [n[0]]
        for k in n[1:]:
            if isinstance(k, list):
                if len(k) == 2 and isinstance(k[1], str):
                    if pos not in drop:
                        out.append(k)
                    pos += 1
                else:
                    sub = rebuild(k)
                    if sub is not None:
                        out.append(sub)
            else:
                if pos not in drop:
                    out.append(k)
                pos += 1
        return out if len(out) > 1 else None

    return rebuild(tree) or tree


def from_treebank(parse: str, opts: CoderOptions | None = None) -> Sentence:
    tree = parse_tree(parse)
    if opts is not None:
        tree = prune_commas(tree, opts)
    toks: list[Tok] = []
    spans: dict[int, tuple[int, int]] = {}
    parent: dict[int, Any] = {}

    def walk(n: Any, par: Any) -> tuple[int, int]:
        parent[id(n)] = par
        start = len(toks)
        if len(n) == 2 and isinstance(n[1], str):
            toks.append(Tok(n[1].upper(), n[0]))
        else:
            for k in n[1:]:
                if isinstance(k, list):
                    walk(k, n)
                else:
                    toks.append(Tok(k.upper(), n[0]))
        spans[id(n)] = (start, len(toks))
        return spans[id(n)]

    walk(tree, None)
    sent = Sentence(toks)
    nodes: list[Any] = []

    def collect(n: Any) -> None:
        nodes.append(n)
        for k in n[1:]:
            if isinstance(k, list):
                collect(k)

    collect(tree)
    for n in nodes:
        if n[0] == "NP":
            kids = [k for k in n[1:] if isinstance(k, list)]
            members = [spans[id(k)] for k in kids if k[0] == "NP"]
            if any(k[0] == "CC" for k in kids) and len(members) >= 2:
                sent.nps[spans[id(n)]] = members
            else:
                sent.nps[spans[id(n)]] = [spans[id(n)]]
    for n in nodes:
        if n[0] != "VP":
            continue
        for k in n[1:]:
            if isinstance(k, list) and k[0].startswith("VB") and len(k) == 2 and isinstance(k[1], str):
                vi = spans[id(k)][0]
                upper = (vi + 1, spans[id(n)][1])
                subj, lower_start = _tree_subject(n, parent, spans)
                sent.clauses.append(Clause(vi, subj, upper, lower_start))
                break
    sent.clauses.sort(key=lambda c: c.verb)
    return sent


def _tree_subject(vp: Any, parent: dict[int, Any], spans: dict[int, tuple[int, int]]
                  ) -> tuple[tuple[int, int] | None, int]:
    """Climb VP/S chains to the clause whose NP child precedes the VP chain."""
    cur = vp
    for _ in range(8):
        par = parent.get(id(cur))
        if par is None:
            break
        if par[0] in {"S", "SINV", "SQ"}:
            kids = [k for k in par[1:] if isinstance(k, list)]
            idx = next(i for i, k in enumerate(kids) if k is cur)
            nps = [k for k in kids[:idx] if k[0] == "NP"]
            if nps:
                return spans[id(nps[-1])], spans[id(par)][0]
        if par[0] == "NP":
            # a reduced relative ("a Pakistani woman believed linked to ..."): the noun it modifies
            kids = [k for k in par[1:] if isinstance(k, list)]
            idx = next(i for i, k in enumerate(kids) if k is cur)
            nps = [k for k in kids[:idx] if k[0] == "NP"]
            if nps:
                return spans[id(nps[-1])], spans[id(nps[-1])][0]
        if par[0] in {"SBAR", "ROOT"}:
            # a relative clause: the NP the SBAR modifies
            gp = parent.get(id(par))
            if par[0] == "SBAR" and gp is not None and gp[0] == "NP":
                return spans[id(gp)], spans[id(gp)][0]
            if par[0] == "SBAR" and gp is not None and gp[0] in {"S", "VP"}:
                cur = par  # a subjectless subordinate clause ("inching nearer to accord"): the matrix subject
                continue
            break
        cur = par
    return None, spans[id(vp)][0]


def from_spacy(doc: Any) -> Sentence:
    toks = [Tok(t.text.upper(), t.tag_) for t in doc]
    sent = Sentence(toks)
    for t in doc:
        if not t.tag_.startswith("VB"):
            continue
        head = t
        subj = None
        for _ in range(4):
            s = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"}), None)
            if s is None:  # a subject attached to the auxiliary ("The Philippines was ... criticized")
                s = next((g for c in head.children if c.dep_ in {"aux", "auxpass"} for g in c.children
                          if g.dep_ in {"nsubj", "nsubjpass"}), None)
            if s is not None:
                subj = (s.left_edge.i, s.right_edge.i + 1)
                break
            if head.dep_ in {"xcomp", "conj", "aux", "auxpass", "pcomp", "prep", "acomp", "advcl"} and \
                    head.head is not head:
                head = head.head
                continue
            if head.dep_ == "relcl":
                subj = (head.head.left_edge.i, head.head.i + 1)
            break
        def governed_end(v: Any) -> int:
            # the verb's own phrase: its right dependents, not a coordinated second predicate
            ends = [c.right_edge.i + 1 for c in v.rights if c.dep_ not in {"conj", "cc", "punct"}]
            return max([v.i + 1] + ends)

        upper_end = governed_end(t)
        if t.dep_ in {"aux", "auxpass"}:
            upper_end = governed_end(t.head)
        lower = subj[0] if subj else t.left_edge.i
        sent.clauses.append(Clause(t.i, subj, (t.i + 1, upper_end), lower))
    return sent


# ----------------------------------------------------------------------------------------- the coder
@dataclass
class ActorHit:
    start: int
    end: int
    codes: list[str]  # '' = null code
    agent: str = ""  # agent code (suffix)
    prefix: str = ""  # agent code written before the country
    distribute: bool = False  # the agent came before the country through of/in: it spreads over compounds


class PetrarchCoder:
    def __init__(self, d: PetrarchDictionaries):
        self.d = d
        self._toks: list[Tok] = []
        self._nps: list[tuple[int, int]] = []
        self.actor_index: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for rec in d.actors:
            for ph in rec.phrases:
                words = tuple(ph.split())
                if words:
                    self.actor_index.setdefault(words[0], []).append((words, rec))
        # spaced phrases ("ITHILEN TELEVISION"): other words of the same noun phrase may come between
        self.loose_index: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for rec in d.actors:
            for ph in getattr(rec, "loose", ()):
                words = tuple(ph.split())
                if len(words) > 1:
                    self.loose_index.setdefault(words[0], []).append((words, rec))
        self.agent_index: dict[str, list[tuple[tuple[str, ...], Any]]] = {}
        for a in d.agents:
            for ph in [a.phrase] + a.plurals:
                words = tuple(ph.split())
                if words:
                    self.agent_index.setdefault(words[0], []).append((words, a))
        for idx in (self.actor_index, self.agent_index):
            for lst in idx.values():
                lst.sort(key=lambda x: -len(x[0]))
        self.verbs: dict[str, list[Any]] = {}
        for f in d.verb_forms:
            self.verbs.setdefault(f.words[f.head], []).append(f)
        self.patterns: dict[str, list[VerbPattern]] = {}
        for p in d.patterns:
            self.patterns.setdefault(p.verb, []).append(p)
        self.discards = [(tuple(x.phrase.split()), x.story) for x in d.discards]

    # -- actors ------------------------------------------------------------------------------------
    def _match_at(self, words: list[str], i: int, index: dict) -> tuple[int, Any] | None:
        for phrase, rec in index.get(words[i], ()):
            n = len(phrase)
            if tuple(words[i:i + n]) == phrase:
                return n, rec
        return None

    def _loose_at(self, s: Sentence, i: int) -> tuple[int, Any] | None:
        """A spaced actor phrase starting at ``i`` whose words all lie, in order, in the smallest noun
        phrase around ``i`` ("Ithilen state-run television" for ITHILEN TELEVISION); needs a parse."""
        cands = self.loose_index.get(s.toks[i].word)
        if not cands or not s.nps:
            return None
        spans = [sp for sp in s.nps if sp[0] <= i < sp[1]]
        if not spans:
            return None
        end = min(spans, key=lambda sp: sp[1] - sp[0])[1]
        for phrase, rec in cands:
            k = i + 1
            for w in phrase[1:]:
                while k < end and s.toks[k].word != w:
                    k += 1
                if k >= end:
                    break
                k += 1
            else:
                return k - i, rec
        return None

    def actor_hits(self, s: Sentence, day: date | None) -> list[ActorHit]:
        words = s.words
        hits: list[ActorHit] = []
        i = 0
        while i < len(words):
            a = self._match_at(words, i, self.actor_index)
            g = self._match_at(words, i, self.agent_index)
            loose = self._loose_at(s, i)
            if loose and (not a or loose[0] > a[0]):
                a = loose
            if a and (not g or a[0] >= g[0]):
                codes = a[1].codes_at(day)
                hits.append(ActorHit(i, i + a[0], codes))
                i += a[0]
            elif g:
                rec = g[1]
                hits.append(ActorHit(i, i + g[0], [], agent="" if rec.prefix else rec.code,
                                     prefix=rec.code if rec.prefix else ""))
                i += g[0]
            else:
                i += 1
        return self._compose(s, hits)

    def _compose(self, s: Sentence, hits: list[ActorHit]) -> list[ActorHit]:
        """Join adjacent actor/agent pieces of one noun phrase into actors."""
        out: list[ActorHit] = []
        i = 0
        glue = {"'S", "'", "THE"}
        while i < len(hits):
            h = hits[i]
            group = [h]
            distribute = False
            j = i + 1
            while j < len(hits):
                gap = [t for t in s.toks[group[-1].end:hits[j].start]]
                if all(t.word in glue or t.tag in {"JJ", "POS", "DT"} for t in gap) and len(gap) <= 3 or \
                        (not hits[j].codes and len(gap) <= 3 and
                         all(t.word in glue or t.tag in {"JJ", "POS", "DT", "NN", "NNP"} for t in gap)):
                    # "Dagolath's first Deputy Prime Minister": modifiers before the head agent
                    group.append(hits[j])
                    j += 1
                    continue
                # "activists in Arnor", "government of Gondor": agent(s) then IN/OF + a country
                if len(gap) >= 1 and gap[0].word in {"IN", "OF", "FROM"} and \
                        all(t.word in glue or t.tag in {"DT", "JJ"} for t in gap[1:]) and \
                        all(not x.codes for x in group) and hits[j].codes and \
                        not self._nested_pp(s, group[-1].end + 1, hits[j]):
                    group.append(hits[j])
                    j += 1
                    distribute = True
                    continue
                # "Ithilen's awful and evil minister": coordinated adjectives inside one phrase
                if gap and all(t.tag in {"JJ", "CC", ",", "POS", "DT"} or t.word in glue for t in gap) and \
                        any(t.tag == "CC" for t in gap) and gap[-1].tag == "JJ" and len(gap) <= 6 and \
                        not hits[j].codes and (gap[0].tag == "JJ" or gap[0].word in glue):
                    group.append(hits[j])
                    j += 1
                    continue
                # "Danish media and government": a second agent shares the phrase's country
                if [t.word for t in gap] == ["AND"] and not hits[j].codes and hits[j].agent and \
                        any(x.codes for x in group) and j + 1 <= len(hits) and \
                        not self._separate_members(s, group[-1], hits[j]):
                    out.append(self._merge(group, distribute))
                    shared = self._merge(group[:-1] if len(group) > 1 else group)
                    group = [ActorHit(hits[j].start, hits[j].start, shared.codes,
                                      shared.agent if len(group) > 1 else "", shared.prefix), hits[j]]
                    j += 1
                    continue
                break
            merged = self._merge(group, distribute)
            lead = s.toks[max(0, merged.start - 2):merged.end]
            if any(t.word in {"FORMER", "EX"} for t in lead):
                # former officials are elites: ELI replaces the office's sector ("former Gondor prosecutors")
                merged.agent = "ELI" if merged.codes else "ELI"
            out.append(merged)
            i = j
        return out

    @staticmethod
    def _nested_pp(s: Sentence, start: int, hit: ActorHit) -> bool:
        """The noun phrase after the preposition has a prepositional phrase of its own ("the parliament
        of Gondor in Eriador"): PETRARCH does not fold two levels of prepositions into one actor phrase."""
        spans = [sp for sp in s.nps if sp[0] == start and sp[1] >= hit.end]
        if not spans:
            return False
        end = max(sp[1] for sp in spans)
        return any(t.tag in {"IN", "TO"} for t in s.toks[hit.end:end])

    @staticmethod
    def _separate_members(s: Sentence, left: ActorHit, right: ActorHit) -> bool:
        """Both in one coordination of noun phrases, in different members: "(the Danish media) and
        (government)" shares nothing, unlike the flat "Danish media and government"."""
        for members in s.nps.values():
            if len(members) < 2:
                continue
            a = next((k for k, (x, y) in enumerate(members) if x <= left.start and left.end <= y), None)
            b = next((k for k, (x, y) in enumerate(members) if x <= right.start and right.end <= y), None)
            if a is not None and b is not None and a != b:
                return True
        return False

    @staticmethod
    def _merge(group: list[ActorHit], distribute: bool = False) -> ActorHit:
        countries = next((g.codes for g in group if g.codes), [])
        agent = ""
        for g in group:
            if g.agent and g.agent not in agent:
                agent += g.agent
        prefix = next((g.prefix for g in group if g.prefix), "")
        return ActorHit(group[0].start, group[-1].end, list(countries), agent, prefix, distribute)

    @staticmethod
    def codes_of(h: ActorHit) -> list[str]:
        if not h.codes:
            return [h.prefix + "---" + h.agent] if (h.agent or h.prefix) else []
        out = []
        for c in h.codes:
            if not c:
                continue
            code = c
            if h.agent and not code.endswith(h.agent):
                # redundant sectors are not repeated (WEST_GERMAN [GMWGOV] + government → GMWGOV)
                add = "".join(h.agent[k:k + 3] for k in range(0, len(h.agent), 3)
                              if h.agent[k:k + 3] not in code[3:])
                code = code + add
            out.append(h.prefix + code)
        return out

    # -- compounds ---------------------------------------------------------------------------------------
    @staticmethod
    def _coordinated(s: Sentence, left: ActorHit, right: ActorHit) -> bool:
        if s.nps and not any(a <= left.start and right.end <= b for a, b in s.nps):
            return False  # with a parse, coordinated actors share one noun phrase ("A, B and C")
        gap = s.toks[left.end:right.start]
        words = [t.word for t in gap]
        return bool(gap) and any(w in {",", "AND", "NOR", "OR"} for w in words) and len(gap) <= 5 and \
            all(t.word in {",", "AND", "NOR", "OR", "THE", "NEITHER", "EITHER"} or t.tag in {"JJ", "DT", "RB"}
                for t in gap)

    def compound(self, s: Sentence, hits: list[ActorHit], first: int, limit: int) -> list[ActorHit]:
        """The coordination containing hit ``first`` ("A, B and the evil C"), from ``first`` on.

        An agent that governs the first member through of/in ("the ambassadors of A, B and C",
        "lawmakers in A and B") applies to every member.
        """
        group = [hits[first]]
        j = first + 1
        while j < len(hits) and hits[j].start < limit and self._coordinated(s, group[-1], hits[j]):
            group.append(hits[j])
            j += 1
        agent_only = [h for h in group if not h.codes and h.agent]
        if agent_only and any(h.distribute for h in group):
            # "lawmakers and officials in Fornost and Gondor": every agent with every country
            agents = [h.agent for h in agent_only] + [h.agent for h in group if h.distribute and h.agent]
            countries = [h for h in group if h.codes]
            return [ActorHit(c.start, c.end, c.codes, a, c.prefix) for c in countries
                    for a in dict.fromkeys(agents)]
        head = hits[first]
        if head.distribute and head.agent:
            group = [head] + [ActorHit(h.start, h.end, h.codes, h.agent or head.agent, h.prefix or head.prefix)
                              if h.codes and not h.agent else h for h in group[1:]]
        return group

    def compound_start(self, s: Sentence, hits: list[ActorHit], k: int) -> int:
        while k > 0 and self._coordinated(s, hits[k - 1], hits[k]):
            k -= 1
        return k

    # -- patterns -----------------------------------------------------------------------------------------
    def _elem_match(self, el: str, words: list[str], i: int) -> int:
        """How many words element ``el`` matches at ``i`` (0 = no match)."""
        if i >= len(words) or i < 0:
            return 0
        if el.startswith("&"):
            best = 0
            for alt in self.d.synsets.get(el.rstrip("_"), []):
                n = 0
                ok = True
                k = i
                for w in alt:
                    if w.startswith("&"):
                        m = self._elem_match(w, words, k)
                        if not m:
                            ok = False
                            break
                        k += m
                        n += m
                    elif k < len(words) and words[k] == w:
                        k += 1
                        n += 1
                    else:
                        ok = False
                        break
                if ok and n > best:
                    best = n
            return best
        return 1 if words[i] == el else 0

    def _match_seq(self, elems: list[str], words: list[str], start: int, hits: list[ActorHit],
                   backwards: bool = False, limit: int = 0) -> tuple[bool, float, dict[str, int]]:
        """Match pattern elements from ``start`` (forwards, or backwards for the part before the verb).

        ``_`` glues an element to the previous one (no words between); otherwise words may be skipped.
        Returns (matched, score, marks) where marks map ``+ $ %`` to indices into ``hits``.
        """
        marks: dict[str, int] = {}
        score = 0.0
        pos = start
        adjacent = False
        els = [e for e in elems if e not in {"(", ")", "{", "}"}]
        if backwards:
            els = list(reversed(els))
        for el in els:
            if el == "_":
                adjacent = True
                continue
            if el == "^":
                pos = self._skip_phrase(pos, hits, backwards)
                adjacent = False
                continue
            if el in {"+", "$", "%"}:
                if not backwards:
                    cand = [k for k, h in enumerate(hits) if h.start >= pos and h.start < (limit or len(words))]
                    k = cand[0] if cand else None
                    if k is None or (adjacent and hits[k].start != pos):
                        return False, 0, marks
                    pos = hits[k].end
                else:
                    cand = [k for k, h in enumerate(hits) if h.end - 1 <= pos and h.start >= limit]
                    k = cand[-1] if cand else None
                    if k is None or (adjacent and hits[k].end - 1 != pos):
                        return False, 0, marks
                    pos = hits[k].start - 1
                marks[el] = k
                score += 0.5
                adjacent = False
                continue
            found, width = -1, 0
            if not backwards:
                i = pos
                while 0 <= i < len(words):
                    n = self._elem_match(el, words, i)
                    if n:
                        found, width = i, n
                        break
                    if adjacent:
                        break
                    i += 1
            else:
                i = pos
                while i >= max(limit, 0):
                    for w in range(1, 6):
                        if i - w + 1 >= 0 and self._elem_match(el, words, i - w + 1) == w:
                            found, width = i - w + 1, w
                            break
                    if found >= 0 or adjacent:
                        break
                    i -= 1
            if found < 0:
                return False, 0, marks
            score += width
            pos = found + width if not backwards else found - 1
            adjacent = False
        return True, score, marks

    def _skip_phrase(self, pos: int, hits: list[ActorHit], backwards: bool) -> int:
        """``^``: skip one noun phrase (determiners and adjectives, then an actor or a run of nouns)."""
        toks = self._toks
        step = -1 if backwards else 1
        i = pos
        if not backwards:
            while 0 <= i < len(toks) and toks[i].tag in {"DT", "JJ", "PRP$", "CD"}:
                i += 1
            h = next((h for h in hits if h.start == i), None)
            if h is not None:
                return h.end
            start = i
            while 0 <= i < len(toks) and toks[i].tag.startswith("NN"):
                i += 1
            if i > start:
                return i
            # no phrase right here ("TABASKI ^ $" over "Tabaski with Eriador ... at Cirith Ungol"): with a
            # parse, the next noun phrase is skipped, words before it included
            starts = [sp[0] for sp in self._nps if sp[0] > pos] + [h.start for h in hits if h.start > pos]
            if starts:
                j = min(starts)
                h = next((h for h in hits if h.start == j), None)
                inner = min((sp for sp in self._nps if sp[0] == j), key=lambda sp: sp[1], default=None)
                return max(h.end if h is not None else 0, inner[1] if inner is not None else 0)
            return pos + 1
        h = next((h for h in hits if h.end - 1 == i), None)
        if h is not None:
            i = h.start - 1
        else:
            start = i
            while i >= 0 and toks[i].tag.startswith("NN"):
                i += step
            if i == start:
                i -= 1
        while i >= 0 and toks[i].tag in {"DT", "JJ", "PRP$", "CD"}:
            i -= 1
        return i

    def best_pattern(self, s: Sentence, c: Clause, form: Any, hits: list[ActorHit], vend: int
                     ) -> tuple[str, dict[str, int], str]:
        words = s.words
        self._toks = s.toks
        self._nps = list(s.nps)
        best: tuple[float, int, VerbPattern | None, dict[str, int]] = (-1.0, 0, None, {})
        upper_words = words[: c.upper[1]]
        for order, p in enumerate(self.patterns.get(form.verb, [])):
            ok1, sc1, m1 = self._match_seq(p.upper, upper_words, vend, hits, limit=c.upper[1])
            if not ok1:
                continue
            ok2, sc2, m2 = self._match_seq(p.lower, words, c.verb - 1, hits, backwards=True,
                                           limit=0) if p.lower else (True, 0.0, {})
            if not ok2:
                continue
            score = sc1 + sc2
            if score > best[0]:
                if "%" in m1:  # a compound after the verb is the target ("agrees with A and B")
                    m1["+"] = m1.pop("%")
                best = (score, -order, p, {**m1, **m2})
        if best[2] is None or best[0] <= 0:
            return form.code, {}, f"{form.where} {form.verb}"
        code = best[2].code
        if code == "+++":  # PETRARCH's "complex coding" marker: the verb's own code applies
            code = form.code
        return code, best[3], f"{best[2].where} {' '.join(best[2].tokens)}"

    # -- sentences ---------------------------------------------------------------------------------------
    def discard(self, s: Sentence) -> None:
        words = s.words
        for phrase, story in self.discards:
            n = len(phrase)
            for i in range(len(words) - n + 1):
                if tuple(words[i:i + n]) == phrase:
                    raise DiscardError("storydiscard" if story else "sentencediscard", " ".join(phrase))

    @staticmethod
    def _np_at(s: Sentence, lo: int, hi: int) -> tuple[int, int] | None:
        """The outermost noun phrase starting first in [lo, hi)."""
        cands = [sp for sp in s.nps if lo <= sp[0] < hi and sp[1] <= hi]
        return min(cands, key=lambda sp: (sp[0], -sp[1])) if cands else None

    @staticmethod
    def _new_actors(s: Sentence, span: tuple[int, int], hits: list[ActorHit], limit: int) -> list[str]:
        """PETRARCH's new actors: uncoded members of a noun phrase, named by their text (≤ limit words)."""
        out = []
        for a, b in s.nps.get(span, [span]):
            if any(a <= h.start < b and h.codes for h in hits):
                continue
            words = [t.word for t in s.toks[a:b] if t.tag not in {"POS", ",", ".", ":", "``", "''"}]
            if words and len(words) <= limit:
                out.append('"' + " ".join(words) + '"')
        return out

    def code(self, s: Sentence, day: date | None, opts: CoderOptions | None = None
             ) -> list[tuple[str, str, str, str]]:
        """Events (source, target, code, rule) of one sentence."""
        opts = opts or CoderOptions()
        self.discard(s)
        words = s.words
        hits = self.actor_hits(s, day)
        events: list[tuple[str, str, str, str]] = []
        used_verbs: set[int] = set()
        consumed: list[tuple[int, int]] = []
        for c in s.clauses:
            if c.verb in used_verbs:
                continue
            form, vend = self._verb_at(words, c.verb)
            if form is None:
                continue
            used_verbs.update(range(c.verb, vend))
            if any(a < c.verb < b for a, b in consumed):
                continue  # inside the phrase an earlier verb already coded ("abandoned efforts to stop ...")
            code, marks, rule = self.best_pattern(s, c, form, hits, vend)
            if code in {"---", ""}:
                continue
            # a verb whose pattern (or own code) matched takes its whole phrase, event or not: PETRARCH
            # resumes the search for verbs after the end of that verb phrase ("he said government
            # proposed ...": PROPOSE is not coded)
            consumed.append((vend, c.upper[1]))
            # sources
            if "$" in marks:
                src_hits = self.compound(s, hits, self.compound_start(s, hits, marks["$"]), len(words))
            elif "%" in marks:
                src_hits = self.compound(s, hits, self.compound_start(s, hits, marks["%"]), len(words))
            else:
                src_hits = []
                if c.subject is not None:
                    idx = [k for k, h in enumerate(hits) if c.subject[0] <= h.start < c.subject[1]]
                    if idx:
                        src_hits = self.compound(s, hits, idx[0], c.subject[1])
                        last = src_hits[-1] if src_hits else None
                        for k in idx[1:]:
                            h = hits[k]
                            if last is None or h.start < last.end:
                                continue
                            gap = s.toks[last.end:h.start]
                            if any(t.word in {"AND", "NOR", "OR"} for t in gap) and len(gap) <= 6 and \
                                    not any(t.tag.startswith("VB") for t in gap):
                                # coordinated noun phrases of the subject: "A's sheep and goats of B"
                                src_hits = src_hits + [h]
                                last = h
                    elif all(t.word in _PRONOUNS for t in s.toks[c.subject[0]:c.subject[1]]):
                        # "Ethiopia indicated it would act": a pronoun subject is the nearest earlier actor
                        before = [k for k, h in enumerate(hits) if h.end <= c.subject[0] and h.codes]
                        if before:
                            src_hits = [hits[before[-1]]]
            if "+" in marks:
                tgt_hits = self.compound(s, hits, self.compound_start(s, hits, marks["+"]), len(words))
            else:
                idx = [k for k, h in enumerate(hits) if vend <= h.start < c.upper[1]]
                tgt_hits = self.compound(s, hits, idx[0], c.upper[1]) if idx else []
            if "+" in marks and "$" not in marks and marks["+"] < len(hits) and hits[marks["+"]].end <= c.verb \
                    and any(h is hits[marks["+"]] for h in src_hits):
                # "X noted that Y regretted ...": a target marked before the verb is the clause's subject;
                # the source is the actor before it
                before = [k for k, h in enumerate(hits) if h.end <= hits[marks["+"]].start and h.codes]
                src_hits = [self._merge([hits[before[0]]] + [h for h in hits[before[0] + 1:marks["+"]]
                                                             if not h.codes])] if before else []
            if "$" not in marks and "+" not in marks and self._passive(s, c):
                by = [k for k, h in enumerate(hits) if vend <= h.start < c.upper[1]
                      and s.toks[h.start - 1].word == "BY"]
                if by:  # "Eriador was opposed by Osgiliath": the by-phrase is the source
                    tgt_hits, src_hits = src_hits, self.compound(s, hits, by[0], c.upper[1])
            sources = [x for h in src_hits for x in self.codes_of(h)]
            targets = [x for h in tgt_hits for x in self.codes_of(h)]
            if "$" not in marks and "%" not in marks and c.subject is not None and c.subject in s.nps:
                if opts.new_actor_length:
                    sources += self._new_actors(s, c.subject, hits, opts.new_actor_length)
                if not sources and not opts.require_dyad:
                    sources = ["---"]  # an uncoded subject noun phrase: the null actor
            if not targets and "+" not in marks:
                np = self._np_at(s, vend, c.upper[1])
                if np is not None:
                    if opts.new_actor_length:
                        targets = self._new_actors(s, np, hits, opts.new_actor_length)
                    if not targets and not opts.require_dyad:
                        targets = ["---"]
            if "%" in marks and len(sources) > 1:  # "A and B agree": each with the other
                for a in sources:
                    for b in sources:
                        if a != b:
                            events.append((a, b, code.split(":")[0], rule))
                continue
            if not sources:
                continue
            if not targets:
                continue  # PETRARCH's require_dyad: an event needs a target
            main, _, reverse = code.partition(":")
            for a in sources:
                for b in targets:
                    if a == b:
                        continue
                    events.append((a, b, main, rule))
                    if reverse and b != "---":
                        events.append((b, a, reverse, rule))
        out = []
        for e in events:
            if e not in out:
                out.append(e)
        return out

    @staticmethod
    def _passive(s: Sentence, c: Clause) -> bool:
        if s.toks[c.verb].tag != "VBN":
            return False
        for k in range(c.verb - 1, max(-1, c.verb - 5), -1):
            w = s.toks[k].word
            if w in {"WAS", "WERE", "IS", "ARE", "BEEN", "BEING", "BE"}:
                return True
            if s.toks[k].tag not in {"RB", "RBR", "ADVP", "CC"}:  # "was heavily and unjustly criticized"
                return False
        return False

    def _verb_at(self, words: list[str], i: int) -> tuple[Any, int]:
        best = None
        best_end = i + 1
        for f in self.verbs.get(words[i], ()):
            start = i - f.head
            if start < 0:
                continue
            if tuple(words[start:start + len(f.words)]) == f.words:
                end = start + len(f.words)
                if best is None or len(f.words) > len(best.words):
                    best, best_end = f, end
        return best, best_end
