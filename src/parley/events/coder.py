"""Clause-level event coder over the dependency parse.

Stage contract: requires ``Article.doc`` and ``Article.mentions``; assigns ``Article.events``
(without dates: the ``when`` stage dates them and re-chooses people's roles by the event date).

Per sentence:

1. **Predicates.** Every verb (or noun, for nominal patterns) gets the most specific matching
   pattern of the verb lexicon → a :class:`Clause` with a CAMEO code and its rule (file:line).
2. **Frames** (``data/frames.tsv``). A predicate that is the ``xcomp``/``ccomp`` complement of a
   framing verb is coded through the frame and replaces the framing verb's own event:
   "promised to send aid" → 0331, "threatened to impose sanctions" → 1312, "refused to meet" → 125,
   "urged Israel to withdraw" → 0256, "demanded that X release" → 1053. A modal "will/would/shall"
   (or "going to") gives the intent frame, "will not" the refusal frame; "could/might/may" make the
   clause hypothetical; "must/should" under a speech verb ("X said Y must ...") give the demand frame
   with the speaker as source. Complements with no frame value are not coded (the framing verb keeps
   its code); complements of "deny" are not coded.
3. **Facts only.** Negated predicates ("did not attack") that no frame recodes, questions, clauses
   inside ``if``/``unless`` conditions and hypotheticals are not coded (``explain`` shows why); nor
   are the content of a proposal ("rejected a request to attack X"), allegations ("accused X of
   attacking Y"), purpose clauses ("met Y to discuss Z"), background (relative clauses, participles
   on non-subject nouns: "asylum to rebels who entered the country"; a trailing after/since clause:
   "..., a day after X shot down a jet"), nor a participle elaborating an
   event that its head clause already coded ("rejected X, saying ..."), nor what that participle says.
   A future action with an ``unless`` condition is an ultimatum (130 unless already a 13x threat). A speech verb whose
   complement is an obligation the lexicon does not know ("declared that China must drop ...") is a
   generic demand (100); so is an appeal/demand verb with no pattern of its own whose complement the
   lexicon does not know ("ordered X to appear": the frame's generic code, aimed at X). Sentences with a
   discard word (sports, entertainment, anniversaries) are
   not coded. Armed forces arriving are no visit (042/044): peacekeepers give 074, other troops nothing.
4. **Actors.** Source = the subject (the ``by``-agent of a passive; the governing clause's subject
   for ``xcomp``/``conj``/``advcl`` predicates; the modified noun for relative clauses). A subject
   that names no actor but is a document or body ("a resolution whose sponsors include X",
   "a draft proposed by X") takes the actors of that relative clause or ``by`` phrase; otherwise
   the first actor inside the subject phrase ("doctors from two American aid groups"). A possessed
   subject in a report ("X said its troops ...") is the speaker. An agentless passive of investigation
   or coercion takes the state where it happened ("was arrested in Lebanon", flag ``locative source``).
   A nominal event after a light verb takes the verb's modality ("would allow the return of ..."). A pronoun
   subject in the complement of a speech verb ("Syria says it will ...") is the speaker.
   **Carry-over** (option ``carry_over``): "he"/"she" resolve to the one person named in the nearest
   earlier sentence that names people; "both leaders", "the two sides/countries/presidents" to the
   two countries of the nearest earlier sentence (up to three back) that names exactly two (people or
   governments first for "leaders"); events so resolved carry the flag ``carry-over`` (also when the
   actors stage resolved the mention). Target = the pattern's marked argument, else the direct object,
   the author of the object ("rejected calls by X", "welcomed X's statement"), an indirect or
   prepositional object; an unmatched ``xcomp``'s object ("threatened to ban X"); the place of
   coercion and force ("imposed a curfew in Algiers"); for threats, the subject of the
   ``if``/``unless`` condition ("... if the Syrian government fails to ..."); as a last resort the
   nearest actor in the predicate's own phrase and complements, up to 8 dependency levels down (never its
   subject). Two differently named mentions of one code ("ethnic Albanians ... in Serbia", a president
   and his capital) are a domestic dyad; one name on both sides is no target. Nominal predicates
   ("talks between X and Y", "X's visit to Y") take actors from ``between``/possessor/modifiers or
   from the light verb's subject.
   A protest (root 14) by a non-state actor with no named target is aimed at its own state: the target
   is that country's government (flag ``implicit target``, no mention); a curfew, state of emergency or
   martial law (172x, also threatened or lifted) by a state actor with no named target is over its own country.
5. **Dyads.** Coordinated actors expand to every dyad; reciprocal events (roots 04 and 06, the
   mutual codes 030–032, 036, 037, 050, 057, agreement verbs of roots 03/05/08 such as "agreed to a
   ceasefire", a refused or failed mutual act ("X and Y failed to reach agreement"), patterns flagged
   ``!recip``, or the target "each other") between several source countries (or parties of one
   country by sector: "the government and the rebels") give both directions. A statement-type
   event (root 01) whose complement already gave events is dropped (the report is subordinate).
6. **Guard.** Duplicates are merged; an event without a target is dropped when the same source has an event
   of the same root with a target in the sentence ("summoned X's ambassador to complain"); more than
   ``max_events_per_sentence`` events are cut and every kept event is flagged ``capped``.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..model import Actor, Article, Event, Mention
from ..nlp import UNPARSED_DEP
from ..options import Options
from .frames import FrameTable
from .lexicon import Pattern, VerbLexicon
from .ontology import Ontology

RECIPROCAL_ROOTS = frozenset({"04", "06"})
# mutual by nature when several parties are the subject ("X and Y agreed / signed / cooperated"); one-sided
# intents and support ("X and Y pledged funds", "praised") are not
RECIPROCAL_CODES = frozenset({"030", "031", "0311", "0312", "0313", "0314", "032", "036", "037", "050", "057"})
_MUTUAL_LEMMAS = frozenset({"agree", "sign", "reach", "conclude", "negotiate", "settle", "exchange", "reconcile",
                            "cooperate", "collaborate", "ink", "seal", "forge"})
_SUBJ = {"nsubj", "csubj"}
_PASS_SUBJ = {"nsubjpass", "csubjpass"}
_OBJ = {"dobj", "obj"}
_TARGET_PREPS = ("to", "with", "against", "on", "at", "toward", "towards", "into", "for", "from", "over", "between",
                 "among")
_REL_PRON = {"that", "which", "who", "whom", "whose"}
_DESCEND_DEPS = {"prep", "pobj", "pcomp", "conj", "appos", "dobj", "poss", "compound", "nmod"}
_DESCEND_PREPS = {"of", "in", "from", "for", "on", "against", "to"}
_PRONOUNS = {"he", "she", "it", "they", "we", "i"}
_PERSON_PRON = {"he", "she"}
_SPEECH = {"say", "tell", "state", "announce", "declare", "add", "claim", "insist", "report", "note", "stress",
           "warn", "write", "explain", "assert", "reiterate", "confirm", "indicate", "suggest", "argue", "believe",
           "think", "reply", "respond", "acknowledge", "admit", "emphasize", "emphasise", "told", "remark"}
_SPEECH_NOUNS = {"statement", "reminder", "warning", "message", "letter", "declaration", "communique", "note",
                 "demand", "call", "appeal", "ultimatum", "insistence", "announcement", "resolution"}
_FUTURE = {"will", "would", "shall", "'ll", "wo"}
_HYPO = {"could", "might", "may"}
_OBLIG = {"must", "should"}
_LEADER_NOUNS = {"leader", "president", "minister", "head", "counterpart"}
_PAIR_NOUNS = {"leader", "side", "country", "nation", "president", "government", "minister", "party", "state",
               "head", "counterpart", "delegation", "neighbor", "neighbour"}
_DOC_HINT_DEPS = {"relcl", "acl"}
_TRANSPARENT = {"help", "continue", "begin", "start", "try", "attempt", "keep", "resume"}
_WORD_RE = re.compile(r"[a-z][a-z\-]*")
_LIGHT_VERBS = {"hold", "have", "conduct", "launch", "stage", "declare", "announce", "make", "take", "begin", "start",
                "mount", "carry", "give", "sign", "reach", "continue", "resume", "undertake", "wage", "open", "impose",
                "order", "issue", "call", "complete", "initiate", "organize", "organise", "lead", "go", "allow",
                "permit", "accept", "approve", "authorize", "authorise", "speed", "step", "intensify", "escalate",
                "expand", "pursue"}
_AGREEMENT_NOUNS = {"agreement", "consensus", "deal", "accord", "understanding", "decision", "commitment", "pact"}
_PROPOSAL_NOUNS = {"request", "offer", "proposal", "plan", "invitation", "call", "appeal", "demand", "ultimatum",
                   "threat", "promise", "pledge", "bid", "initiative", "idea", "suggestion", "plea", "wish", "desire",
                   "readiness", "willingness", "intention", "proposition", "draft", "motion", "order", "warning"}
_ALLEGATION_HEADS = {"accuse", "charge", "blame", "suspect", "convict", "indict", "sentence", "jail", "try", "arrest",
                     "detain", "condemn", "criticize", "criticise", "denounce", "allege",
                     "investigate", "probe", "punish", "fine", "sue", "prosecute", "acquit"}
_QUANTITY_NOUNS = {"ton", "tonne", "amount", "number", "lot", "million", "billion", "thousand", "hundred", "dozen",
                   "batch", "worth", "kg", "kilogram", "package", "consignment", "load", "quantity", "portion", "part",
                   "series", "round", "wave", "set", "total", "sum", "bundle", "supply", "shipment"}
_LOCATIVE_TARGET_ROOTS = {"13", "15", "17", "18", "19", "20"}
_LIGHT_DEPS = {"dobj", "attr", "nsubjpass", "pobj"}
_VISIT_CODES = frozenset({"042", "044"})
_MILITARY_NOUNS = frozenset({"troop", "troops", "soldier", "soldiers", "force", "forces", "peacekeeper", "peacekeepers",
                             "contingent", "battalion", "brigade", "regiment", "marine", "marines", "paratrooper",
                             "paratroopers", "warship", "warships", "tank", "tanks", "unit", "units"})
# how deep (dependency levels) the last-resort target search goes: a target is often far down a purpose or
# grievance phrase ("staged a hunger strike in protest against violations by X", "to press demands ... from X")
_DEEP_LEVELS = 8
# prepositions whose phrase is not the act's party ("agreed to resign without returning to X")
_NOT_PREPS = frozenset({"without", "except", "unlike"})
# a clause after its main clause with these marks tells what happened before: "X suspended flights, one day after
# a Serbian jet shot down a helicopter"
_EARLIER_MARKS = frozenset({"after", "since"})
_STATE_SECTORS = frozenset({"GOV", "MIL", "COP", "JUD", "LEG", "SPY"})
_NON_STATES = frozenset({"IGO", "NGO", "IMG", "MNC", "UIS"})
_DOMESTIC_RULE_CODES = frozenset({"172"})  # administrative sanctions: curfew, state of emergency, martial law
_PARTICLE_WORDS = frozenset({"out", "away", "back", "off"})  # "walked out of", "backed away from"
_CHANGE_DEMANDS = frozenset({"104", "024"})  # demands / appeals for leadership, policy, rights, institutional change


@dataclass
class Clause:
    """One predicate the lexicon matched, and what the coder made of it."""

    pred: Any
    pattern: Pattern
    code: str
    rule: str
    target_tok: Any = None
    fact: bool = True
    why: str = ""
    frame: str | None = None
    governor: Any = None  # the framing verb token
    source_tok: Any = None  # overrides the subject
    target_override: Any = None  # a token whose actors are the target
    speaker_tok: Any = None  # speech verb's subject, for pronoun subjects in its complement
    flags: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    superseded_by: "Clause | None" = None


class EventCoder:
    assigns = ("events",)
    requires = ("doc", "mentions")

    def __init__(self, lexicon: VerbLexicon, ontology: Ontology, options: Options,
                 frames: FrameTable | None = None):
        self.lexicon = lexicon
        self.ontology = ontology
        self.max_events = options.max_events_per_sentence
        self.carry_over = bool(getattr(options, "carry_over", True))
        self.frames = frames or FrameTable.load(ontology)
        self._speech_lemmas = _SPEECH
        self._particle_heads = {h.split("_", 1)[0] for (nom, h) in lexicon.by_head if not nom and "_" in h}
        self._coded_i: set[int] = set()

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
        heads = [tok] + [c for c in tok.conjuncts if c.i > tok.i and not _stolen_subject(c)]
        for h in heads:
            for pair in self._actor_of_head(h, idx, deep):
                if all(pair[0] is not o[0] for o in out):
                    out.append(pair)
        return out

    def _actor_of_head(self, h: Any, idx: dict[int, Mention], deep: bool) -> list[tuple[Mention, Actor]]:
        if h.pos_ == "ADP" and not any(c.dep_ in {"pobj", "pcomp"} for c in h.children):
            # a preposition the parser left without its object ("to five Panamanian officers holed up"):
            # the first actor named right after it, before the next verb
            doc = h.doc
            for j in range(h.i + 1, min(len(doc), h.i + 7)):
                if doc[j].pos_ in {"VERB", "AUX", "PUNCT"} and doc[j].i not in idx:
                    break
                mj = idx.get(j)
                if mj is not None and (mj.actor.country or mj.person is not None):
                    return [(mj, mj.actor)]
            return []
        m = idx.get(h.i)
        if m is None:
            mods = [c for c in h.children if c.dep_ in {"compound", "amod", "nmod", "poss"}]
            # one level deeper: "U.N. mediator Diego Cordovez" (U.N. → mediator → Cordovez)
            mods += [g for c in mods if c.dep_ == "compound" for g in c.children if g.dep_ in {"compound", "amod", "poss"}]
            for c in mods:
                if c.i in idx and idx[c.i].actor.country:
                    m = idx[c.i]
                    break
        if m is not None and (m.actor.country or m.person is not None):
            out = [(m, m.actor)]
            # "Hungarian and Romanian officials": coordinated modifiers name one actor each
            for mod in h.children:
                if mod.dep_ not in {"amod", "compound", "nmod"} or not mod.conjuncts:
                    continue
                for t in (mod, *mod.conjuncts):
                    tm = idx.get(t.i)
                    if tm is None or tm is m or not tm.actor.country or any(tm is o[0] for o in out):
                        continue
                    sector = m.actor.sector if m.kind != "person" else None
                    a = tm.actor
                    if sector and not a.sector:
                        a = Actor(code=a.country + sector, country=a.country, sector=sector,
                                  text=f"{a.text} {h.text}", entry=a.entry)
                    out.append((tm, a))
            return out
        sector = m.actor.sector if m is not None else None
        if m is not None and sector:
            # "Bangladeshi peacekeeping troops" left as two mentions: the country modifier + the agent
            mods = [c for c in h.children if c.dep_ in {"amod", "compound", "nmod", "poss"}]
            mods += [g for c in mods if c.dep_ == "compound" for g in c.children if g.dep_ in {"compound", "amod"}]
            for c in mods:
                cm = idx.get(c.i)
                if cm is not None and cm is not m and cm.actor.country and cm.kind in {"country", "org", "metonym"}:
                    a = cm.actor
                    if cm.kind != "org":
                        a = Actor(code=a.country + sector, country=a.country, sector=sector,
                                  text=f"{cm.text} {m.text}", entry=f"{a.entry}+{m.actor.entry}")
                    return [(cm, a)]
        # "the presidents of Russia and the United States": sector from the head, country from "of"
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

    def _match_context(self, v: Any, dobj: Any | None) -> tuple:
        """What patterns test at ``v``, computed once per predicate (children are costly to walk)."""
        kids = list(v.children)
        particles = {c.lower_ for c in kids if c.dep_ in {"prt", "prep"}}
        head_mods = set()
        for c in kids:
            if c.dep_ in {"compound", "amod", "nmod"}:
                head_mods.add(c.lemma_.lower())
                head_mods.add(c.lower_)
        preps: list[tuple[str, Any, Any]] = []  # (preposition, its object or None, the preposition token)
        obj_lemmas: set[str] = set()
        obj_mods: set[str] = set()
        # "walked out of the talks": spaCy hangs the preposition under the particle (a prt, or a prep with no object)
        under_prt = [g for c in kids if c.lower_ in _PARTICLE_WORDS and c.dep_ in {"prt", "advmod", "prep"}
                     and self._pobj(c) is None for g in c.children]
        for holder_kids in (kids, list(dobj.children) if dobj is not None else [], under_prt):
            for c in holder_kids:
                if c.dep_ in {"prep", "agent", "dative"}:
                    preps.append((c.lower_, self._pobj(c), c))
        if dobj is not None:
            obj_lemmas = {dobj.lemma_.lower(), dobj.lower_}
            obj_mods = {c.lemma_.lower() for c in dobj.children if c.dep_ in {"compound", "amod", "nmod"}}
        psubj = next((c for c in kids if c.dep_ in _PASS_SUBJ), None)
        return particles, head_mods, preps, obj_lemmas, obj_mods, psubj

    def _match(self, p: Pattern, v: Any, dobj: Any | None, ctx: tuple | None = None) -> tuple[bool, Any | None]:
        """Does pattern ``p`` hold at predicate ``v``? Returns (ok, target head token or None)."""
        particles, head_mods, preps, obj_lemmas, obj_mods, psubj = ctx or self._match_context(v, dobj)
        target = None
        if p.head_mod is not None and not (head_mods & p.head_mod):
            return False, None
        if "_" in p.head and p.head.split("_", 1)[1] not in particles:
            return False, None
        if p.obj is not None:
            if dobj is None or not (obj_lemmas & p.obj):
                return False, None
            if p.obj_mod is not None and not (obj_mods & p.obj_mod):
                return False, None
        if p.obj_is_target:
            if dobj is None:
                # passive "France was attacked by Germany": the passive subject is the object
                if psubj is None:
                    return False, None
                target = psubj
            else:
                target = dobj
        for req in p.preps:
            hit = None
            for word, pobj, prep in preps:
                if word != req.prep:
                    continue
                if req.objs is not None:
                    if pobj is None or not ({pobj.lemma_.lower(), pobj.lower_} & req.objs):
                        continue
                    if req.mods is not None and not (_modifiers(pobj) & req.mods):
                        continue
                hit = pobj if pobj is not None else prep
                break
            if hit is None:
                return False, None
            if req.target:
                target = hit
        return True, target

    @staticmethod
    def _dobj(v: Any) -> Any | None:
        for c in v.children:
            if c.dep_ in _OBJ:
                if c.lemma_.lower() in _QUANTITY_NOUNS or c.pos_ == "NUM":
                    # "provide 25,000 tons of food aid": the object is what the quantity counts
                    for p in c.children:
                        if p.dep_ == "prep" and p.lower_ == "of":
                            for o in p.children:
                                if o.dep_ == "pobj":
                                    return o
                return c
        if v.tag_ == "VBN" and v.dep_ in {"acl", "amod"} and v.head.pos_ in {"NOUN", "PROPN"}:
            return v.head  # "the sanctions imposed on Syria": the modified noun is the object
        return None

    def best_pattern(self, v: Any) -> tuple[Pattern | None, Any | None]:
        if v.dep_ in {"amod", "compound"}:
            return None, None  # "starving civilians", "peacekeeping troops": modifiers are not predicates
        lemma = v.lemma_.lower()
        pos = v.pos_
        nominal = pos in {"NOUN", "PROPN"}
        if not nominal and pos not in {"VERB", "AUX"} and v.tag_ not in {"VBN", "VBG", "JJ"}:
            return None, None
        get = self.lexicon.by_head.get
        cands: list[Pattern] = list(get((nominal, lemma), ()))
        if not nominal and lemma in self._particle_heads:
            extra = []
            for c in v.children:
                if c.dep_ in {"prt", "prep"}:
                    extra.extend(get((False, f"{lemma}_{c.lower_}"), ()))
            if extra:
                cands = sorted(extra + cands, key=_neg_spec)
        if not cands:
            return None, None
        dobj = None if nominal else self._dobj(v)
        ctx = self._match_context(v, dobj)
        for p in cands:
            ok, target = self._match(p, v, dobj, ctx)
            if ok:
                return p, target
        return None, None

    # -- clause analysis ------------------------------------------------------------------------
    @staticmethod
    def subject_of(v: Any) -> tuple[Any | None, bool]:
        """(subject head, is_passive) following xcomp/conj/relcl links up to the governing clause."""
        t = v
        for _ in range(5):
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
            if t.dep_ == "conj":
                prev = _prev_noun(t)
                if prev is not None and _stolen_subject(prev):
                    return prev, False
            if t.dep_ in {"xcomp", "conj", "advcl", "acl", "acomp", "pcomp"} and t.head != t:
                if t.dep_ == "acl" and t.head.pos_ in {"NOUN", "PROPN"}:
                    n = t.head
                    if n.dep_ in _OBJ | {"attr"} and n.head != n and n.head.pos_ in {"VERB", "AUX"}:
                        t = n.head  # "X issued a declaration demanding ...": X
                        continue
                    if n.dep_ in _SUBJ:
                        return n, False  # "a resolution threatening ...": the noun (document sources apply)
                    return None, False
                t = t.head
                if t.dep_ == "prep":  # "... by quoting": prep → its head
                    t = t.head
                continue
            break
        return None, False

    def clause_subject(self, tok: Any) -> Any | None:
        """Subject of a verb, or for a noun ("its demand", "issued a reminder") its possessor or light verb's subject."""
        if tok.pos_ in {"NOUN", "PROPN"}:
            for c in tok.children:
                if c.dep_ == "poss" and c.lower_ not in {"its", "their", "his", "her"}:
                    return c
            h = tok.head
            if h != tok and h.pos_ in {"VERB", "AUX"}:
                s, passive = self.subject_of(h)
                return None if passive else s
            return None
        s, passive = self.subject_of(tok)
        return None if passive else s

    @staticmethod
    def _aux(v: Any) -> set[str]:
        return {c.lower_ for c in v.children if c.dep_ in {"aux", "auxpass"}}

    @staticmethod
    def _negated(v: Any) -> bool:
        return any(c.dep_ == "neg" for c in v.children)

    @staticmethod
    def _in_condition(v: Any) -> bool:
        t = v
        for _ in range(6):
            if t.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in {"if", "unless"} for c in t.children):
                return True
            if t.head == t:
                break
            t = t.head
        return False

    def _governor(self, v: Any) -> tuple[Any | None, str | None]:
        """The framing verb whose complement ``v`` is, and the frame."""
        t = v
        for _ in range(4):
            if t.dep_ == "conj" and t.head != t:
                t = t.head
            elif t.dep_ in {"xcomp", "ccomp"} and t.head.lemma_.lower() in _TRANSPARENT and t.head.dep_ in {
                    "xcomp", "ccomp", "conj"}:
                t = t.head  # "urged X to help save ...", "promised to continue sending ..."
            else:
                break
        if t.dep_ in {"acl", "ccomp", "xcomp"} and t.head.pos_ == "NOUN":
            # "its demand that Israel ease ...", "a threat to impose ...", "a promise to send ..."
            if not _content_clause(t):
                return None, None  # "the agreement signed in March": a description, not the content
            f = self.frames.verb_frame(t.head.lemma_.lower())
            if f in {"intent", "threat", "refusal", "appeal", "demand"} and t.head.lemma_.lower() not in {"plan", "order"}:
                return t.head, f
            return None, None
        if t.dep_ in {"xcomp", "ccomp"} or (t.dep_ in _OBJ and t.tag_ == "VBG") or t.dep_ == "pcomp":
            g = t.head
            if t.dep_ == "pcomp" and g.dep_ == "prep":
                g = g.head
            if g == t:
                return None, None
            lemma = g.lemma_.lower()
            for c in g.children:
                if c.dep_ in {"prt", "prep"}:
                    f = self.frames.verb_frame(f"{lemma}_{c.lower_}")
                    if f:
                        return g, f
            f = self.frames.verb_frame(lemma)
            if f:
                return g, f
            # "is going to meet" → intent
            if lemma == "go" and g.tag_ == "VBG" and t.dep_ == "xcomp":
                return g, "intent"
            if t.dep_ == "ccomp" and _content_clause(t):
                # "reiterated its demand today that Israel ease ...": the parser hung the content clause on
                # the verb; it is the content of the verb's frame noun
                for o in g.children:
                    f = self.frames.verb_frame(o.lemma_.lower()) if o.dep_ in _OBJ and o.pos_ == "NOUN" else None
                    if f in {"intent", "threat", "refusal", "appeal", "demand"} and o.lemma_.lower() not in {
                            "plan", "order"} and o.i < t.i:
                        return o, f
        return None, None

    def _verb_frame(self, g: Any) -> str | None:
        """The frame of a governing verb, by its lemma with a particle ("call_on") or alone."""
        lemma = g.lemma_.lower()
        for c in g.children:
            if c.dep_ in {"prt", "prep"}:
                f = self.frames.verb_frame(f"{lemma}_{c.lower_}")
                if f:
                    return f
        return self.frames.verb_frame(lemma)

    def _speech_head(self, v: Any, by_i: dict[int, Clause]) -> Any | None:
        """The speech verb whose ccomp contains ``v`` ("X said (that) v ..."), if any."""
        t = v
        for _ in range(5):
            if t.dep_ in {"conj", "acomp", "xcomp"} and t.head != t:
                t = t.head  # "Syria says it is willing to withdraw": willing → is → says
                continue
            if t.dep_ in {"acl", "ccomp"} and t.head.pos_ == "NOUN" and t.head.lemma_.lower() in _SPEECH_NOUNS:
                return t.head  # "a reminder to Iraq that it must cooperate"
            if t.dep_ == "ccomp" or (t.dep_ == "parataxis"):
                g = t.head
                if t.dep_ == "parataxis":
                    # "..., the Kremlin said": the speech verb hangs off v
                    return None
                c = by_i.get(g.i)
                if g.lemma_.lower() in self._speech_lemmas or (
                        c is not None and (c.code[:2] == "01" or "speech" in c.pattern.flags)):
                    return g
                return None
            break
        for c in v.children:  # "..., the Kremlin said" parsed with the speech verb as a child
            if c.dep_ in {"parataxis", "ccomp"} and c.lemma_.lower() in self._speech_lemmas and c.i > v.i:
                return c
        return None

    def predicate_heads(self) -> dict[str, frozenset[str] | None]:
        """The head words that can make a clause, for the prefilter: each maps to ``None`` when it can
        do so alone, else to the words one of which its sentence must also contain. From the lexicon
        (:meth:`VerbLexicon.head_requirements`), the appeal and demand verbs of ``frames.tsv`` (their
        generic codes need no pattern; "call_on" needs "on"), and the speech verbs (a clause of their
        own only over an obligation: "said X must ...", "has to", "needs to")."""
        heads: dict[str, set[str] | None] = {h: (None if v is None else set(v))
                                             for h, v in self.lexicon.head_requirements().items()}

        def add(head: str, need: set[str] | None) -> None:
            if head in heads and heads[head] is None:
                return
            if need is None:
                heads[head] = None
            else:
                heads.setdefault(head, set()).update(need)  # type: ignore[union-attr]

        for verb, frame in self.frames.verbs.items():
            if frame in {"appeal", "demand"}:
                lemma, _, particle = verb.partition("_")
                add(lemma, {particle} if particle else None)
        for lemma in self._speech_lemmas:
            add(lemma, set(_OBLIG) | {"have", "need"})
        return {h: (None if v is None else frozenset(v)) for h, v in heads.items()}

    def has_predicate(self, sent: Any) -> bool:
        """Whether the sentence has a predicate the lexicon matches (or an appeal, demand or speech verb
        that makes a clause of its own) that is a fact — not negated, hypothetical, conditional, a
        question or background — or a framing clause that may stand in for its complement: only such a
        sentence can yield an event. The test for sentences worth
        the NER with ``ner = "lazy"``; needs the parse, not the actors."""
        if len(sent) > 1 and sent[1].dep_ == UNPARSED_DEP:
            return False  # skipped by the prefilter
        # a framing clause recoded through its complement comes back when the complement codes nothing
        return any(c.fact or c.superseded_by is not None for c in self.analyse(sent, {}))

    def analyse(self, sent: Any, idx: dict[int, Mention]) -> list[Clause]:
        """Predicates of one sentence with their final codes and fact status (no actors yet)."""
        clauses: list[Clause] = []
        speech = False
        framers: list[tuple[Any, str]] = []  # appeal/demand verbs without a pattern of their own
        for v in sent:
            pattern, target_tok = self.best_pattern(v)
            if pattern is not None:
                clauses.append(Clause(pred=v, pattern=pattern, code=pattern.code, target_tok=target_tok,
                                      rule=f"{pattern.source} [{pattern.code} {pattern.text}]"))
                continue
            if not speech and v.pos_ == "VERB" and v.lemma_ in self._speech_lemmas:
                speech = True
            if v.pos_ == "VERB":
                f = self._verb_frame(v)
                if f in {"appeal", "demand"}:
                    framers.append((v, f))
        if not clauses and not speech and not framers:
            return clauses
        text_low = sent.text.lower()
        discard = next((w for w in self.frames.discard_phrases if w in text_low), None)
        if discard is None and self.frames.discard_words:
            words = set(_WORD_RE.findall(text_low)) & self.frames.discard_words
            discard = min(words) if words else None
        question = sent.text.rstrip().rstrip('"”’\'').endswith("?")
        by_i = {c.pred.i: c for c in clauses}
        for c in clauses:
            v = c.pred
            if discard:
                c.fact, c.why = False, f"discard: {discard}"
                continue
            if question:
                c.fact, c.why = False, "question"
                continue
            if self._in_condition(v):
                c.fact, c.why = False, "conditional"
                continue
            bg = self._background(v)
            if bg:
                c.fact, c.why = False, bg
                continue
            neg = self._negated(v)
            aux = self._aux(v)
            if v.pos_ in {"NOUN", "PROPN"} and v.dep_ in _LIGHT_DEPS and v.head.pos_ in {"VERB", "AUX"}:
                # "would allow the return of ...", "did not hold talks": the light verb's modality
                aux = aux | self._aux(v.head)
                neg = neg or self._negated(v.head)
            gov, frame = self._governor(v)
            if (frame is not None and gov is not None and gov.pos_ == "NOUN" and gov.head.i in by_i
                    and by_i[gov.head.i].pattern.code[:2] in {"11", "12", "16"}):
                # "rejected France's offer to meet": the offer's content is nobody's intent here
                c.fact, c.why = False, f"content of a rejected {gov.lemma_.lower()}"
                continue
            if frame is not None and gov is not None:
                gneg = self._negated(gov)
                gaux = self._aux(gov)
                if gov.dep_ in {"acomp", "attr", "xcomp"} and gov.head != gov:
                    gaux = gaux | self._aux(gov.head)  # "the US must be ready to mediate": must → be
                if frame == "denial":
                    c.fact, c.why = False, f"denied ({gov.text})"
                    continue
                if frame == "hypothetical":
                    c.fact, c.why = False, "hypothetical"
                    continue
                if gaux & _HYPO:
                    c.fact, c.why = False, "hypothetical"
                    continue
                eff = frame
                if gaux & _OBLIG and frame in {"intent", "threat"}:
                    # "the US must be ready to mediate", said X → X demands it of the US
                    spk = self._speech_head(gov, by_i)
                    if spk is not None and not (gneg or neg):
                        c.source_tok = self.clause_subject(spk)
                        c.target_override = next((x for x in gov.children if x.dep_ in _SUBJ), None)
                        self._apply_frame(c, "demand", spk, by_i, keep_unmapped=True)
                    else:
                        c.fact, c.why = False, "obligation (not a fact)"
                    continue
                if gneg or neg:
                    if frame in {"intent", "threat"}:
                        eff = "refusal"
                    elif frame == "refusal" and gneg:
                        c.fact, c.why = False, "negated refusal"
                        continue
                    elif frame in {"appeal", "demand"} and gneg:
                        c.fact, c.why = False, "negated"
                        continue
                self._apply_frame(c, eff, gov, by_i)
                continue
            nf = self._nonfactive(v, by_i)
            if nf:
                c.fact, c.why = False, nf
                continue
            if aux & _HYPO:
                cond = any(ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless"}
                                                     for m in ch.children) for ch in v.children)
                mapped = self.frames.map("threat", c.code) if cond and not neg else None
                if mapped is not None and mapped[0][:2] == "13":
                    # "the EC may halt mediation if ...": a conditional threat
                    c.rule = f"{c.rule} + conditional threat {mapped[1]} → {mapped[0]}"
                    c.code = mapped[0]
                else:
                    c.fact, c.why = False, "hypothetical"
                continue
            if aux & _FUTURE or self._going_to(v):
                self._apply_frame(c, "refusal" if neg else "intent", None, by_i)
                if not neg and c.fact and self._has_unless(v):
                    # "X will withdraw its force unless Y ...": an ultimatum, coded as a threat
                    if c.code[:2] != "13":
                        c.rule = f"{c.rule} + 'unless' condition → 130"
                        c.code = "130"
                continue
            if aux & _OBLIG or self._has_to(v):
                spk = self._speech_head(v, by_i)
                if spk is not None and not neg:
                    c.source_tok = self.clause_subject(spk)
                    own_subj = next((x for x in v.children if x.dep_ in _SUBJ), None)
                    c.target_override = own_subj
                    soft = bool(aux & {"should", "ought"}) or v.head.lemma_ == "need"
                    self._apply_frame(c, "appeal" if soft else "demand", spk, by_i, keep_unmapped=True)
                else:
                    c.fact, c.why = False, "obligation (not a fact)"
                continue
            if neg:
                c.fact, c.why = False, "negated"
                continue
        # "demanded that its partners refuse to recognize X": what the demanded party should refuse is the
        # demand's content, not a refusal that happened; the demand codes the sentence
        for c in clauses:
            g = by_i.get(c.governor.i) if c.fact and c.governor is not None else None
            if g is not None and g is not c and g.frame in {"appeal", "demand"} and c.frame in {
                    "intent", "threat", "refusal"}:
                c.fact, c.why = False, f"content of the {g.frame} '{g.pred.text}'"
        # "peacekeeping troops arrived in X": armed forces arriving are not a diplomatic visit; peacekeepers
        # provide military protection (074), other troops are a deployment the visit codes do not cover
        for c in clauses:
            if not c.fact or c.code not in _VISIT_CODES or c.pred.pos_ in {"NOUN", "PROPN"}:
                continue
            subj, passive = self.subject_of(c.pred)
            if subj is None or passive:
                continue
            words = {t.lemma_.lower() for t in subj.subtree}
            if subj.lemma_.lower() in _MILITARY_NOUNS or (words & _MILITARY_NOUNS and subj.lemma_.lower() in {
                    "deployment", "batch", "patch", "group", "contingent", "unit", "first", "part", "element"}):
                if any(w.startswith("peacekeep") for w in words):
                    c.rule = f"{c.rule} + peacekeepers arriving → 074"
                    c.code = "074"
                else:
                    c.fact, c.why = False, "armed forces arriving (not a visit)"
        # "rejected a request to interrogate detainees", "rejected calls for economic aid": a refusal of a
        # proposal is coded through the proposal's content (refusal column of frames.tsv)
        for c in clauses:
            if not c.fact or c.code[:2] != "12" or c.frame is not None:
                continue
            obj = self._dobj(c.pred)
            if obj is None or obj.lemma_.lower() not in _PROPOSAL_NOUNS:
                continue
            content = None
            for ch in obj.children:
                if ch.dep_ in {"acl", "xcomp", "relcl"} and ch.i in by_i and _content_clause(ch):
                    content = by_i[ch.i]
                elif ch.dep_ == "prep" and ch.lower_ == "for":
                    p = self._pobj(ch)
                    if p is not None and p.i in by_i:
                        content = by_i[p.i]
                if content is not None:
                    break
            if content is None:
                continue
            mapped = self.frames.map("refusal", content.pattern.code)
            if mapped is not None and mapped[0] != c.code:
                c.rule = f"{c.rule} + refused content '{content.pred.text}' {mapped[1]} → {mapped[0]}"
                c.code = mapped[0]
        # "X declared that China must drop barriers": an obligation reported by a speech verb whose
        # complement the lexicon does not know is still a demand by the speaker (generic 100); bare
        # speech verbs ("said") have no pattern, so a clause is made for them from frames.tsv
        if speech and not question and not discard:
            for v in sent:
                if v.i in by_i or v.lemma_.lower() not in self._speech_lemmas or v.pos_ != "VERB":
                    continue
                if any(ch.dep_ == "ccomp" and ch.i not in by_i and not self._negated(ch)
                       and (self._aux(ch) & _OBLIG or self._has_to(ch)) for ch in v.children):
                    code, where = self.frames.generic["demand"]
                    pat = Pattern(code=code, head=v.lemma_.lower(), nominal=False, source=where,
                                  text=f"{v.lemma_.lower()} + obligation")
                    c = Clause(pred=v, pattern=pat, code="010", rule=f"{where} [{code} {pat.text}]")
                    clauses.append(c)
                    by_i[v.i] = c
        # "ordered X to appear", "demanded that X resign": an appeal/demand verb with no pattern of its own whose
        # complement the lexicon does not know is the frame's generic code (frames.tsv [generic]), aimed at the
        # complement's subject or the verb's object
        if framers and not question and not discard:
            for v, f in framers:
                if v.i in by_i or self._negated(v) or self._aux(v) & _HYPO or self._in_condition(v) \
                        or self._background(v) or self._nonfactive(v, by_i):
                    continue
                comp = next((ch for ch in v.children if ch.dep_ in {"xcomp", "ccomp"} and ch.pos_ in {"VERB", "AUX"}
                             and ch.i not in by_i and not self._negated(ch)), None)
                if comp is None or any(ch.i in by_i and ch.pos_ in {"VERB", "AUX"} for ch in comp.children
                                       if ch.dep_ in {"xcomp", "ccomp", "conj"}):
                    continue
                tgt = next((x for x in comp.children if x.dep_ in _SUBJ), None) or next(
                    (x for x in v.children if x.dep_ in _OBJ or x.dep_ == "dative"), None)
                if tgt is None or f not in self.frames.generic:
                    continue
                code, where = self.frames.generic[f]
                pat = Pattern(code=code, head=v.lemma_.lower(), nominal=False, source=where,
                              text=f"{v.lemma_.lower()} + uncoded complement")
                c = Clause(pred=v, pattern=pat, code=code, rule=f"{where} [{code} {pat.text}]", frame=f,
                           target_override=tgt)
                clauses.append(c)
                by_i[v.i] = c
        for c in clauses:
            v = c.pred
            if not c.fact or not (c.code[:2] == "01" or "speech" in c.pattern.flags
                                  or v.lemma_.lower() in self._speech_lemmas):
                continue
            for ch in v.children:
                if ch.dep_ != "ccomp" or ch.i in by_i or self._negated(ch):
                    continue
                if self._aux(ch) & _OBLIG or self._has_to(ch) or any(
                        x.dep_ == "xcomp" and x.i not in by_i and self._has_to(x) for x in ch.children):
                    c.rule = f"{c.rule} + obligation in its complement '{ch.text}' → 100"
                    c.code = "100"
                    c.target_override = next((x for x in ch.children if x.dep_ in _SUBJ), None)
                    break
        return clauses

    @staticmethod
    def _nonfactive(v: Any, by_i: dict[int, Clause]) -> str:
        """Why ``v`` is not a reported fact: the content of a proposal, an allegation, a purpose."""
        t = v
        for _ in range(3):
            if t.dep_ == "conj" and t.head != t:
                t = t.head
            else:
                break
        h = t.head
        if h == t:
            return ""
        if t.dep_ in {"acl", "xcomp", "ccomp", "relcl"} and h.pos_ == "NOUN" and h.lemma_.lower() in _PROPOSAL_NOUNS:
            return f"content of a {h.lemma_.lower()}"
        if t.dep_ in {"pcomp", "pobj"} and h.dep_ == "prep" and h.lower_ == "without":
            return "negated (without)"  # "left without speaking to reporters"
        if t.dep_ == "pcomp" and h.dep_ == "prep" and h.lower_ in {"of", "for", "with", "over"}:
            g = h.head
            gc = by_i.get(g.i)
            if g.lemma_.lower() in _ALLEGATION_HEADS or (gc is not None and gc.code[:2] == "11"):
                return f"allegation ({g.text} {h.text})"
        if t.dep_ == "pcomp" and h.dep_ == "prep" and h.lower_ in {"on", "about", "over", "regarding", "concerning"} \
                and h.head.pos_ in {"NOUN", "PROPN"}:
            return f"topic of '{h.head.text}'"  # "talks on limiting missiles"
        if t.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children) and not any(
                c.dep_ in _SUBJ for c in t.children):
            return "purpose clause"
        return ""

    @staticmethod
    def _background(v: Any) -> str:
        """A relative clause, or a participle on a non-subject noun, describes background, not news:
        "asylum to rebels who entered the country", "detainees held after ...", "a team trying to broker"."""
        t = v
        for _ in range(8):
            h = t.head
            if h == t:
                return ""
            if t.dep_ == "relcl":
                return "background (relative clause)"
            if t.dep_ == "advcl" and t.i > h.i and any(m.dep_ == "mark" and m.lower_ in _EARLIER_MARKS
                                                       for m in t.children):
                return "background (earlier event)"
            if (t.dep_ == "acl" and h.pos_ in {"NOUN", "PROPN", "PRON"} and h.dep_ not in _SUBJ | _PASS_SUBJ
                    and not (h.lemma_.lower() in _SPEECH_NOUNS | _PROPOSAL_NOUNS | _AGREEMENT_NOUNS
                             and _content_clause(t))):
                return "background (participle on a noun)"
            t = h
        return ""

    @staticmethod
    def _has_unless(v: Any) -> bool:
        return any(ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ == "unless" for m in ch.children)
                   for ch in v.children)

    @staticmethod
    def _going_to(v: Any) -> bool:
        h = v.head
        return v.dep_ == "xcomp" and h.lemma_ == "go" and h.tag_ == "VBG" and any(
            c.dep_ == "aux" and c.lemma_ == "be" for c in h.children)

    @staticmethod
    def _has_to(v: Any) -> bool:
        h = v.head
        return v.dep_ == "xcomp" and h.lemma_ in {"have", "need"} and any(
            c.lower_ == "to" and c.dep_ == "aux" for c in v.children)

    def _apply_frame(self, c: Clause, frame: str, gov: Any | None, by_i: dict[int, Clause],
                     keep_unmapped: bool = False) -> None:
        mapped = self.frames.map(frame, c.code)
        if mapped is None and frame in {"appeal", "demand"} and c.code[:2] not in {"02", "10"}:
            # an appeal/demand for an action with no specific code: the generic appeal/demand
            mapped = self.frames.generic.get(frame)
        if mapped is not None and c.code[:2] in {"02", "10", "13"} and frame in {"appeal", "demand", "threat"}:
            mapped = (c.code, "kept")
        gclause = by_i.get(gov.i) if gov is not None else None
        if mapped is None:
            if gov is None:
                if frame == "refusal":
                    c.fact, c.why = False, "negated"
                # plain future without a frame value: the action keeps its code (an announced act)
                return
            if keep_unmapped:
                return
            c.fact, c.why = False, f"complement of {frame} verb '{gov.text}'"
            return
        code, where = mapped
        c.frame = frame
        c.governor = gov
        c.rule = f"{c.rule} + {frame} frame {where} → {code}"
        c.code = code
        if gov is not None:
            if frame in {"appeal", "demand"}:
                if c.source_tok is None:
                    c.source_tok = self.clause_subject(gov)
                if c.target_override is None:
                    own = next((x for x in c.pred.children if x.dep_ in _SUBJ), None)
                    gobj = next((x for x in gov.children if x.dep_ in _OBJ or x.dep_ == "dative"), None)
                    on = None
                    for p in self._prep_children(gov):
                        if p.lower_ in {"on", "upon", "to"}:
                            on = self._pobj(p)
                    c.target_override = own or gobj or on
            if gclause is not None and gclause is not c:
                gclause.fact, gclause.why = False, f"recoded through its complement '{c.pred.text}'"
                gclause.superseded_by = c

    # -- actors for a clause ----------------------------------------------------------------------
    def _document_sources(self, subj: Any, idx: dict[int, Mention]) -> list[tuple[Mention, Actor]]:
        """"a resolution whose sponsors include X", "a draft proposed by X": X are the sources."""
        for c in subj.children:
            if c.dep_ in _DOC_HINT_DEPS:
                # relative clause "whose sponsors include X": objects/attributes of the clause verb
                has_whose = any(w.lower_ == "whose" for w in c.subtree)
                if has_whose:
                    for o in c.children:
                        if o.dep_ in _OBJ | {"attr", "oprd"}:
                            got = self.actors_at(o, idx)
                            if got:
                                return got
                for a in c.children:
                    if a.dep_ == "agent":
                        p = self._pobj(a)
                        if p is not None:
                            got = self.actors_at(p, idx)
                            if got:
                                return got
            if c.dep_ == "prep" and c.lower_ == "by":
                p = self._pobj(c)
                if p is not None:
                    got = self.actors_at(p, idx)
                    if got:
                        return got
        return []

    def _pronoun_referent(self, subj: Any, c: Clause, by_i: dict[int, Clause], idx: dict[int, Mention],
                          memory: "_Memory") -> tuple[list[tuple[Mention, Actor]], str]:
        low = subj.lower_
        if subj.pos_ in {"NOUN", "PROPN"} and any(ch.dep_ == "poss" and ch.lower_ in {"their", "its", "his", "her", "our"}
                                                  for ch in subj.children):
            low = "it"  # "Bosnian Serbs said their forces had completed ...": the speaker's forces
        if low in _PRONOUNS:
            spk = self._speech_head(c.pred if c.governor is None else c.governor, by_i)
            if spk is None and c.governor is not None:
                spk = self._speech_head(c.pred, by_i)
            if spk is not None:
                s2, _ = self.subject_of(spk)
                if s2 is not None and s2 != subj:
                    got = self.actors_at(s2, idx)
                    if got:
                        return got, "speaker"
            if self.carry_over and low in _PERSON_PRON:
                got = memory.person()
                if got:
                    return got, "carry-over"
            return [], ""
        if self.carry_over and subj.lemma_.lower() in _PAIR_NOUNS and any(
                d.lower_ in {"both", "two"} for d in subj.children):
            got = memory.pair(people=subj.lemma_.lower() in _LEADER_NOUNS)
            if got:
                return got, "carry-over"
        return [], ""

    def _sources(self, c: Clause, by_i: dict[int, Clause], idx: dict[int, Mention], memory: "_Memory"
                 ) -> tuple[list[tuple[Mention, Actor]], Any | None, list[str]]:
        """(sources, passive-subject token to use as default target, flags)."""
        v = c.pred
        flags: list[str] = []
        if c.source_tok is not None:
            subj, passive = c.source_tok, False
        elif v.pos_ in {"NOUN", "PROPN"}:
            got = self._nominal_sources(v, idx, memory)
            if not got and v.dep_ in _LIGHT_DEPS and v.head.pos_ in {"VERB", "AUX"}:
                lsubj, lpass = self.subject_of(v.head)
                if lsubj is not None and not lpass:  # "Iraq said it would allow the return of ...": Iraq
                    got, how = self._pronoun_referent(lsubj, Clause(pred=v.head, pattern=c.pattern, code=c.code,
                                                                    rule=c.rule), by_i, idx, memory)
                    if how:
                        flags.append(how)
            return got, None, flags
        else:
            subj, passive = self.subject_of(v)
        if subj is None:
            return [], None, flags
        passive_target = None
        if passive and "stative" not in c.pattern.flags:
            agent_tok = None
            for ch in v.children:
                if ch.dep_ == "agent":
                    agent_tok = self._pobj(ch)
            if agent_tok is None:
                if c.code[:2] in {"09", "17"}:
                    # "X was arrested in Lebanon", "put under investigation in Italy": the state where it happened
                    for p in self._prep_children(v):
                        if p.lower_ == "in":
                            pobj = self._pobj(p)
                            got = [(m, a) for m, a in (self.actors_at(pobj, idx) if pobj is not None else [])
                                   if m.kind in {"country", "metonym"}]
                            if got:
                                flags.append("locative source")
                                return got, subj, flags
                return [], None, flags
            sources = self.actors_at(agent_tok, idx)
            passive_target = subj
        else:
            sources = self.actors_at(subj, idx)
            if not sources:
                sources, how = self._pronoun_referent(subj, c, by_i, idx, memory)
                if how:
                    flags.append(how)
            if not sources:
                sources = self._document_sources(subj, idx)
                if sources:
                    flags.append("relative-clause source")
            if not sources and subj.pos_ in {"NOUN", "PROPN"}:
                # "doctors from two American aid groups": the first actor inside the subject phrase
                sources = [(m, a) for m, a in self.actors_at(subj, idx, deep=True) if m.kind != "agent"]
            if not sources and c.governor is not None and c.frame in {"intent", "threat", "refusal"}:
                # "X agreed that their countries should cooperate": the framing verb's subject
                gsubj, gpass = self.subject_of(c.governor)
                if gsubj is not None and not gpass:
                    sources = self.actors_at(gsubj, idx)
        return sources, passive_target, flags

    def _nominal_sources(self, v: Any, idx: dict[int, Mention], memory: "_Memory") -> list[tuple[Mention, Actor]]:
        if _culpable_pobj(v):
            # "X is responsible for mass killings": X did it (CAMEO codes the deed)
            subj, passive = self.subject_of(v.head.head)
            if subj is not None and not passive:
                got = self.actors_at(subj, idx)
                if got:
                    return got
        if v.dep_ in _LIGHT_DEPS and v.head != v and v.head.pos_ in {"VERB", "AUX"}:
            # "X undertook a mediation mission between Y and Z": X; Y and Z are targets
            subj, passive = self.subject_of(v.head)
            if subj is not None and not passive:
                got = self.actors_at(subj, idx)
                if got:
                    return got
        for ch in v.children:
            if ch.dep_ == "prep" and ch.lower_ in {"between", "among"}:
                p = self._pobj(ch)
                if p is not None:
                    got = self.actors_at(p, idx)
                    if got:
                        return got
        got = []
        for ch in v.children:
            if ch.dep_ in {"poss", "compound", "amod", "nmod"} and ch.i in idx:
                m = idx[ch.i]
                if m.actor.country and all(m is not g[0] for g in got):
                    got.append((m, m.actor))
        if got:
            return got
        if v.dep_ in _LIGHT_DEPS and v.head != v and v.head.pos_ in {"VERB", "AUX"}:
            subj, passive = self.subject_of(v.head)
            if subj is not None and not passive:
                return self.actors_at(subj, idx)
        return []

    def _targets(self, c: Clause, passive_target: Any | None, idx: dict[int, Mention],
                 reciprocal: bool = False) -> list[tuple[Mention, Actor]]:
        if "notarget" in c.pattern.flags:
            return []
        v = c.pred
        if c.target_override is not None:
            got = self.actors_at(c.target_override, idx, deep=True)
            if got:
                return got
            if c.target_override.pos_ == "PRON" and c.governor is not None:
                # "a reminder to Iraq that it must cooperate", "told Iraq it must ...": the pronoun is the
                # addressee of the speech noun or verb
                g = c.governor
                kids = list(g.children)
                if g.pos_ in {"NOUN", "PROPN"} and g.dep_ in _OBJ and g.head != g:
                    kids += [k for k in g.head.children if k.dep_ in {"dative", "prep"}]  # "issued a reminder to X"
                for ch in kids:
                    hold = (self._pobj(ch) if ch.lower_ == "to" else None) if ch.dep_ in {"prep", "dative"} else (
                        ch if ch.dep_ in _OBJ and g.pos_ in {"VERB", "AUX"} else None)
                    got = self.actors_at(hold, idx) if hold is not None else []
                    if got:
                        return got
        if c.target_tok is not None:
            got = self.actors_at(c.target_tok, idx, deep=True)
            if got or c.target_tok.pos_ in {"PROPN", "PRON"}:
                return got
            # the marked argument names no actor ("embargoes on pharmaceutical sales to Iran"): search on
        if reciprocal:  # "X and Y held talks on Syria": only a direct partner breaks the reciprocity
            return self._default_targets(v, idx, preps=("with", "to", "against"), deep=False)
        got = self._default_targets(v, idx)
        if not got and passive_target is not None and not c.pattern.preps:
            got = self.actors_at(passive_target, idx)
        if not got and c.governor is not None and c.frame in {"intent", "threat", "refusal"}:
            got = self._default_targets(c.governor, idx)
        if not got:
            for ch in v.children:  # "threatened to ban X" when "ban" itself is not coded
                if ch.dep_ == "xcomp" and ch.i not in self._coded_i:
                    got = self._default_targets(ch, idx)
                    if got:
                        break
        if not got and c.code[:2] in _LOCATIVE_TARGET_ROOTS:
            # "imposed a curfew in Algiers": the place is the target of coercion and force
            for t in [v] + [ch for ch in v.children if ch.dep_ == "xcomp"]:
                for p in self._prep_children(t):
                    if p.lower_ == "in":
                        pobj = self._pobj(p)
                        if pobj is not None:
                            got = [(m, a) for m, a in self.actors_at(pobj, idx) if m.kind in {"country", "metonym"}]
                            if got:
                                return got
        if not got and c.code[:2] == "13":
            for t in (v, c.governor):
                if t is None:
                    continue
                for ch in t.children:
                    if ch.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in {"if", "unless"}
                                                  for m in ch.children):
                        s, _ = self.subject_of(ch)
                        if s is not None:
                            got = self.actors_at(s, idx)
                            if got:
                                return got
        if not got and c.code[:2] != "01":
            got = self._deep_target(v, idx, c)
        return got

    _SKIP_DEEP = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass", "punct", "cc", "mark", "aux", "auxpass",
                            "neg", "parataxis", "det", "advmod", "npadvmod", "relcl", "appos"})

    def _deep_target(self, v: Any, idx: dict[int, Mention], c: Clause) -> list[tuple[Mention, Actor]]:
        """Last resort: the nearest actor (breadth-first) in the predicate's own phrase and complements,
        never in its subject ("demanded that the DPRK forsake ...", "threatened to resume attacks in Israel")."""
        return self._deep_search(v, idx, _NOT_PREPS)

    def _deep_search(self, v: Any, idx: dict[int, Mention], skip: frozenset[str]) -> list[tuple[Mention, Actor]]:
        frontier = [ch for ch in v.children if ch.dep_ not in self._SKIP_DEEP and not (
            ch.dep_ == "advcl" and any(x.dep_ in _SUBJ | _PASS_SUBJ for x in ch.children))
            and not (ch.dep_ == "prep" and ch.lower_ in skip)]
        seen_m: set[int] = set()
        for _ in range(_DEEP_LEVELS):
            nxt = []
            for t in frontier:
                m = idx.get(t.i)
                if m is not None and id(m) not in seen_m:
                    seen_m.add(id(m))
                    if m.actor.code and (m.actor.country or m.person is not None) and m.kind != "agent":
                        return [(m, m.actor)] + [(idx[x.i], idx[x.i].actor) for x in t.conjuncts
                                                 if x.i > t.i and x.i in idx and idx[x.i].actor.code]
                nxt.extend(ch for ch in t.children if ch.dep_ not in {"punct", "cc", "relcl"} and not (
                    ch.dep_ == "appos" and m is not None) and not (
                    ch.dep_ == "advcl" and any(x.dep_ in _SUBJ | _PASS_SUBJ for x in ch.children))
                    and not (ch.dep_ == "prep" and ch.lower_ in skip))
                if t.dep_ in {"ccomp", "xcomp"}:
                    nxt.extend(ch for ch in t.children if ch.dep_ in {"nsubj", "nsubjpass"})
            frontier = sorted(nxt, key=lambda x: x.i)
            if not frontier:
                break
        return []

    def _default_targets(self, v: Any, idx: dict[int, Mention], preps: tuple[str, ...] = _TARGET_PREPS,
                         deep: bool = True) -> list[tuple[Mention, Actor]]:
        dobj = self._dobj(v) if v.pos_ not in {"NOUN", "PROPN"} else None
        if dobj is not None and dobj != v.head:
            got = self.actors_at(dobj, idx)
            if got:
                return got
        for c in v.children:
            if c.dep_ == "dative":
                got = self.actors_at(c, idx)
                if got:
                    return got
        if dobj is not None and dobj != v.head:
            # "rejected calls by X", "welcomed X's statement": the author of the object
            for ch in dobj.children:
                if ch.dep_ == "poss" and ch.lower_ not in {"its", "their", "his", "her"}:
                    got = self.actors_at(ch, idx)
                    if got:
                        return got
                if ch.dep_ == "prep" and ch.lower_ in {"by", "from"} and dobj.lemma_.lower() in _PROPOSAL_NOUNS | {
                        "statement", "decision", "move", "policy", "action", "resolution", "ultimatum"}:
                    pobj = self._pobj(ch)
                    got = self.actors_at(pobj, idx) if pobj is not None else []
                    if got:
                        return got
        holders = [v] + ([dobj] if dobj is not None else [])
        for prep_word in preps:
            for holder in holders:
                for prep in self._prep_children(holder):
                    if prep.lower_ == prep_word:
                        pobj = self._pobj(prep)
                        if pobj is not None:
                            got = self.actors_at(pobj, idx, deep=deep)
                            if got:
                                return got
        return []

    # -- events ---------------------------------------------------------------------------------
    def code_sentence(self, sent: Any, sent_index: int, idx: dict[int, Mention], article_id: str,
                      memory: "_Memory | None" = None) -> list[Event]:
        return [e for c in self.code_clauses(sent, sent_index, idx, article_id, memory) for e in c.events
                if "dropped" not in e.flags]

    def code_clauses(self, sent: Any, sent_index: int, idx: dict[int, Mention], article_id: str,
                     memory: "_Memory | None" = None) -> list[Clause]:
        memory = memory or _Memory([], sent_index)
        clauses = self.analyse(sent, idx)
        by_i = {c.pred.i: c for c in clauses}
        self._coded_i = set(by_i)
        # a noun predicate is an event only as a clause's subject or root, the object of a light verb
        # ("held talks", "launched an offensive"), or with its parties ("talks between X and Y");
        # elsewhere it is a reference ("since the U.S. invasion", "during a summit")
        for c in clauses:
            n = c.pred
            if c.fact and n.pos_ in {"NOUN", "PROPN"}:
                ok = (n.dep_ in _SUBJ | _PASS_SUBJ | {"ROOT"} or _culpable_pobj(n)
                      or (n.dep_ in _OBJ | {"attr"} and n.head.lemma_.lower() in _LIGHT_VERBS)
                      or (n.dep_ != "pobj" and any(ch.dep_ == "prep" and ch.lower_ in {"between", "among"}
                                                   for ch in n.children)))
                if not ok:
                    c.fact, c.why = False, "nominal reference, not an event"
        # a nominal predicate that is the object of a coded verb is that verb's event, unless the verb's
        # pattern is a bare head ("declared a ceasefire": the ceasefire is the event, the verb light)
        for c in clauses:
            if c.pred.pos_ in {"NOUN", "PROPN"}:
                h = c.pred.head
                if h != c.pred and h.i in by_i and by_i[h.i].pred.pos_ not in {"NOUN", "PROPN"}:
                    hc = by_i[h.i]
                    if (c.pred.dep_ in _OBJ and hc.pattern.specificity == 0 and c.pattern.code[:2] != "01"
                            and hc.frame is None and hc.fact and h.lemma_.lower() in _LIGHT_VERBS):
                        hc.fact, hc.why = False, f"light verb of '{c.pred.text}'"
                        hc.superseded_by = c
                    elif c.fact:
                        c.fact, c.why = False, f"object of coded verb '{h.text}'"
        # a protest whose purpose clause or participle demands or appeals for a change (leadership, policy,
        # rights, institutions: sub-codes 104x/024x) takes the protest sub-code of that change: "staged rallies
        # to demand the minister's resignation" 1411, "marched, calling for independence" 1414
        for c in clauses:
            if c.fact and c.code[:2] == "14" and len(c.code) == 3 and c.code != "140":
                for d in clauses:
                    pc = d.code  # the pattern's code, or what a demand/appeal frame made of it ("saying he must resign")
                    if (d is not c and len(pc) == 4 and pc[:3] in _CHANGE_DEMANDS and d.frame in {None, "demand", "appeal"}
                            and self._protest_complement(d.pred, c.pred) and c.code + pc[3] in self.ontology):
                        c.code = c.code + pc[3]
                        break
        seen: set[tuple[str, str, str]] = set()
        for c in clauses:
            if c.fact:
                self._emit(c, by_i, idx, memory, seen, article_id, sent_index, sent)
        # a participial adjunct of a coded clause elaborates it ("rejected X, saying ...", "rioted, setting
        # fire to ..."): it is not a separate event when its head clause already gave one
        for c in clauses:
            if not c.events:
                continue
            v = self._elaborating_participle(c.pred, by_i)
            if v is not None:
                c.why = f"elaboration of '{v.head.text}'"
                for e in c.events:
                    e.flags.append("dropped")
                c.fact = False
                c.events = []
        # a framing verb whose recoded complement found no actors codes its own event after all
        for c in clauses:
            d = c.superseded_by
            if d is not None and not d.events and not c.events:
                c.fact, c.why = True, ""
                self._emit(c, by_i, idx, memory, seen, article_id, sent_index, sent)
        # a report (a root-01 statement) whose complement produced events is subordinate: drop it
        for c in clauses:
            if c.events and c.code[:2] == "01":
                for d in clauses:
                    if d is not c and d.events and d.code[:2] != "01" and self._under(d.pred, c.pred):
                        c.why = f"report of '{d.pred.text}'"
                        for e in c.events:
                            e.flags.append("dropped")
                        break
        kept = [e for c in clauses for e in c.events if "dropped" not in e.flags]
        # "summoned X's ambassador to complain ...": an event without a target is subsumed by the same source's
        # event of the same root with a target in this sentence
        aimed = {(e.source.code, e.root) for e in kept if e.target is not None}
        for e in kept:
            if e.target is None and (e.source.code, e.root) in aimed:
                e.flags.append("dropped")
        kept = [e for e in kept if "dropped" not in e.flags]
        if len(kept) > self.max_events:
            for e in kept[self.max_events:]:
                e.flags.append("dropped")
            for e in kept[: self.max_events]:
                e.flags.append("capped")
        return clauses

    def _emit(self, c: Clause, by_i: dict[int, Clause], idx: dict[int, Mention], memory: "_Memory",
              seen: set[tuple[str, str, str]], article_id: str, sent_index: int, sent: Any) -> None:
        sources, passive_target, flags = self._sources(c, by_i, idx, memory)
        sources = [(m, a) for m, a in sources if a.code and (a.country or m.person is not None)]
        if not sources:
            c.why = "no source actor"
            return
        code = self.ontology[c.code]
        # the parties: one per country, or per sector within one country ("the government and the rebels agreed")
        one_country = len({a.country for _, a in sources}) == 1
        party = (lambda a: a.code) if one_country else (lambda a: a.country)
        src_countries = {party(a) for _, a in sources}
        recip = (code.root in RECIPROCAL_ROOTS or code.code in RECIPROCAL_CODES or "recip" in c.pattern.flags
                 or (code.root in {"03", "05", "08"} and c.pred.lemma_.lower() in _MUTUAL_LEMMAS)
                 # "X and Y failed to reach agreement": a refused mutual act is mutual too
                 or (c.frame == "refusal" and self.ontology[c.pattern.code].root in {"03", "05", "08"}
                     and c.pred.lemma_.lower() in _MUTUAL_LEMMAS)
                 ) and len(src_countries) > 1
        targets = [(m, a) for m, a in self._targets(c, passive_target, idx, recip)
                   if a.code and (a.country or m.person is not None)]
        each_other = (not targets and len(src_countries) > 1 and not recip and any(
            t.lower_ in {"other", "another"} and any(d.lower_ in {"each", "one"} for d in t.children)
            for t in c.pred.subtree))
        dyads: list[tuple[tuple[Mention, Actor], tuple[Mention, Actor] | None]] = []
        if targets:
            for s in sources:
                for t in targets:
                    if s[0] is not t[0] and not (_same_actor(s[1], t[1]) and _same_name(s[0], t[0])):
                        dyads.append((s, t))
            if not dyads:  # the only target is the source itself: an event without a target
                dyads = [(s, None) for s in sources]
        elif (recip or each_other) and len(src_countries) > 1:
            for s in sources:
                for t in sources:
                    if s[0] is not t[0] and party(s[1]) != party(t[1]):
                        dyads.append((s, t))
        else:
            dyads = [(s, None) for s in sources]
        if c.pattern.code[:3] in _DOMESTIC_RULE_CODES:
            # a curfew, state of emergency or martial law with no named target (imposed, threatened or lifted)
            # is a state's rule over its own country
            dyads = [(s, t if t is not None else self._own_country(s[1])) for s, t in dyads]
        if code.root == "14":
            # dissent with no named target is aimed at the protesters' own state (CAMEO's convention for
            # protests): "thousands rallied in Lagos to protest ..." → the Nigerian government
            dyads = [(s, t if t is not None else self._home_state(s[1])) for s, t in dyads]
        for s, t in dyads:
            key = (s[1].code, t[1].code if t else "", c.code)
            if key in seen:
                continue
            seen.add(key)
            ev = self._event(article_id, sent_index, sent, c, s, t)
            ev.flags.extend(flags)
            if "carry-over" not in ev.flags and (s[0].kind == "carry" or (
                    t is not None and t[0] is not None and t[0].kind == "carry")):
                ev.flags.append("carry-over")  # the actors stage resolved "he"/"the minister"
            if t is not None and t[0] is None:
                ev.flags.append("implicit target")
            c.events.append(ev)

    @staticmethod
    def _own_country(a: Actor) -> tuple[Any, Actor] | None:
        """(no mention, ``a``'s country as a whole) for a state actor of a country; else None."""
        if not a.country or len(a.country) != 3 or a.country in _NON_STATES or (a.sector or "GOV")[:3] not in {
                "GOV", "MIL", "COP", "JUD", "LEG"}:
            return None
        return None, Actor(code=a.country, country=a.country, sector=None, text=a.country,
                           entry="implicit: the state's own country")

    @staticmethod
    def _home_state(a: Actor) -> tuple[Any, Actor] | None:
        """(no mention, the government of ``a``'s country) for a non-state actor of a country; else None."""
        if not a.country or len(a.country) != 3 or a.country in _NON_STATES or (a.sector or "")[:3] in _STATE_SECTORS:
            return None
        return None, Actor(code=a.country + "GOV", country=a.country, sector="GOV", text=f"{a.country} government",
                           entry="implicit: target of dissent")

    def _elaborating_participle(self, v: Any, by_i: dict[int, Clause]) -> Any | None:
        """The subjectless participle adjunct of a clause with events that ``v`` is, or whose reported content
        ``v`` is ("rejected X, saying he would only meet Y in Z": the saying and what is said elaborate)."""
        t = v
        for _ in range(4):
            h = by_i.get(t.head.i) if t.dep_ == "advcl" else None
            if (h is not None and t.tag_ == "VBG" and not any(x.dep_ in _SUBJ for x in t.children)
                    and (h.events or (h.superseded_by is not None and h.superseded_by.events))
                    and (t is v or t.lemma_.lower() in self._speech_lemmas)):
                return t
            if t.dep_ not in {"ccomp", "xcomp", "conj"} or t.head == t:
                return None
            t = t.head
        return None

    @staticmethod
    def _protest_complement(v: Any, protest: Any) -> bool:
        """``v`` is a purpose clause, participle or gerund within a few steps below ``protest`` ("rallied to
        demand ...", "marched, calling for ...", "joined demonstrators in demanding ...")."""
        if v.dep_ not in {"advcl", "xcomp", "acl", "pcomp", "conj", "ccomp"}:
            return False
        t = v
        for _ in range(4):
            if t.head == t or t.dep_ not in {"advcl", "xcomp", "acl", "pcomp", "conj", "ccomp", "prep", "pobj", "dobj"}:
                return False
            # a clause with its own subject or a time/condition conjunction is not the protesters' demand
            # ("rallied after Somalia demanded independence"); what a subjectless "saying" says is
            if t.dep_ in {"advcl", "xcomp", "acl", "pcomp", "conj"} and any(
                    x.dep_ in _SUBJ or (x.dep_ == "mark" and x.lower_ not in {"to", "in", "order"}) for x in t.children):
                return False
            t = t.head
            if t == protest:
                return True
        return False

    @staticmethod
    def _under(tok: Any, anc: Any) -> bool:
        t = tok
        for _ in range(12):
            if t.head == t:
                return False
            t = t.head
            if t == anc:
                return True
        return False

    def _event(self, article_id: str, sent_index: int, sent: Any, c: Clause,
               s: tuple[Mention, Actor], t: tuple[Mention, Actor] | None) -> Event:
        code = self.ontology[c.code]
        target = t[1] if t else None
        v = c.pred
        raw = f"{article_id}|{sent_index}|{v.i}|{s[1].code}|{target.code if target else ''}|{code.code}"
        return Event(
            event_id=hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16],
            article_id=article_id, sentence_index=sent_index, sentence=sent.text.strip(),
            source=s[1], target=target, cameo=code.code, cameo_name=code.name, root=code.root,
            quad_class=code.quad_class, goldstein=code.goldstein, plover=code.plover(),
            rule=c.rule, verb_text=v.text, verb_index=v.i, source_mention=s[0],
            target_mention=t[0] if t else None)

    def clauses(self, article: Article) -> list[Clause]:
        """All clauses of an article (with their events), for ``explain`` and the evaluations."""
        out: list[Clause] = []
        idx = self._index(article.mentions)
        by_sent = _mentions_by_sentence(article.mentions)
        for si, sent in enumerate(article.doc.sents):
            out.extend(self.code_clauses(sent, si, idx, article.id, _Memory(by_sent, si)))
        return out

    def __call__(self, article: Article) -> Article:
        doc = article.doc
        idx = self._index(article.mentions)
        by_sent = _mentions_by_sentence(article.mentions)
        events: list[Event] = []
        only = article.event_sentences  # known already (lazy NER): the others have no factual predicate
        for si, sent in enumerate(doc.sents):
            if (only is not None and si not in only) or (len(sent) > 1 and sent[1].dep_ == UNPARSED_DEP):
                continue  # no factual predicate, or skipped by the prefilter (no parse)
            events.extend(self.code_sentence(sent, si, idx, article.id, _Memory(by_sent, si)))
        article.events = events
        return article


def _modifiers(n: Any) -> set[str]:
    """Lemmas and forms of ``n``'s compound/amod/nmod modifiers and of their own compounds ("car bomb explosion")."""
    out: set[str] = set()
    for c in n.children:
        if c.dep_ in {"compound", "amod", "nmod"}:
            out.update((c.lemma_.lower(), c.lower_))
            out.update(x for g in c.children if g.dep_ in {"compound", "amod", "nmod"} for x in (g.lemma_.lower(), g.lower_))
    return out


def _neg_spec(p: Pattern) -> int:
    return -p.specificity


def _culpable_pobj(n: Any) -> bool:
    """ "(is) responsible for killings", "guilty of atrocities": the deed of the adjective's subject."""
    p = n.head
    return (n.dep_ == "pobj" and p.lower_ in {"for", "of"} and p.head.lemma_.lower() in {"responsible", "guilty"}
            and p.head.pos_ == "ADJ")


def _content_clause(t: Any) -> bool:
    """A to-infinitive or that-clause: the content of a noun such as "demand", "agreement", "plan"."""
    return t.dep_ == "ccomp" or (t.dep_ == "acl" and t.tag_ == "VBG") or any(
        (c.dep_ == "aux" and c.lower_ == "to") or (c.dep_ == "mark" and c.lower_ == "that") for c in t.children)


def _same_actor(a: Actor, b: Actor) -> bool:
    """One actor on both sides: the same code (a country as a whole against itself); a government acting on
    its own country ("Croatia investigates Croatian extremists") is a domestic event, kept."""
    if a.code == b.code:
        return True
    if a.country and a.country == b.country and a.country not in {"IGO", "NGO"}:
        return not a.sector and not b.sector
    return False


def _same_name(a: Mention, b: Mention) -> bool:
    """Two mentions name one actor only when they use one name ("Serbia ... Serbia"); differently named
    mentions of one code are a group and its state ("ethnic Albanians demonstrated in Serbia", "Gbagbo
    extended the curfew in Abidjan"): a domestic event, kept."""
    return _WORD_RE.findall(a.text.lower()) == _WORD_RE.findall(b.text.lower())


def _depth(tok: Any) -> int:
    d = 0
    while tok.head != tok and d < 50:
        tok = tok.head
        d += 1
    return d


def primary_clause(clauses: list[Clause], with_events: bool = True) -> Clause | None:
    """The sentence's main coded clause: nearest the root of the parse, then leftmost; a report
    (root 01 or ``!speech``) gives way to a coded clause it governs."""
    cands = [c for c in clauses if c.fact and (c.events or not with_events)]
    if with_events:
        cands = [c for c in cands if any("dropped" not in e.flags for e in c.events)]

    def is_report(c: Clause) -> bool:
        return c.code[:2] == "01"

    keep = [c for c in cands if not (is_report(c) and any(
        d is not c and not is_report(d) and EventCoder._under(d.pred, c.pred) for d in cands))]
    if not with_events:  # a framing verb gives way to the complement it was recoded through
        keep = [c for c in keep if c.superseded_by is None or c.superseded_by not in keep] or keep
    if not keep:
        return None
    return min(keep, key=lambda c: (_depth(c.pred), c.pred.i))


def _prev_noun(v: Any) -> Any | None:
    """The noun just before verb ``v`` (skipping adverbs), if any."""
    i = v.i - 1
    doc = v.doc
    while i >= 0 and doc[i].pos_ in {"ADV", "AUX", "PART"}:
        i -= 1
    if i < 0:
        return None
    t = doc[i]
    while t.dep_ in {"compound", "flat"} and t.head.i > t.i:
        t = t.head
    return t if t.pos_ in {"NOUN", "PROPN", "PRON"} else None


def _stolen_subject(n: Any) -> bool:
    """A parse error of small models: "X attacked Y and Z imposed ...", Z parsed as a conjunct of Y.

    True when ``n`` is a coordinated noun directly followed by a finite coordinated verb that has no
    subject of its own: ``n`` is that verb's subject, not a conjunct of the object.
    """
    if n.dep_ != "conj" or n.pos_ not in {"NOUN", "PROPN", "PRON"}:
        return False
    doc = n.doc
    j = n.right_edge.i + 1
    while j < len(doc) and doc[j].pos_ in {"ADV", "AUX", "PART"}:
        j += 1
    if j >= len(doc):
        return False
    v = doc[j]
    return (v.dep_ == "conj" and v.pos_ == "VERB" and v.tag_ in {"VBD", "VBZ", "VBP"}
            and not any(c.dep_ in _SUBJ | _PASS_SUBJ for c in v.children))


def _mentions_by_sentence(mentions: Iterable[Mention]) -> dict[int, list[Mention]]:
    out: dict[int, list[Mention]] = {}
    for m in mentions:
        out.setdefault(m.sentence_index, []).append(m)
    return out


class _Memory:
    """Earlier sentences' actor mentions, for carry-over."""

    def __init__(self, by_sent: dict[int, list[Mention]] | list, sent_index: int):
        self.by_sent = by_sent if isinstance(by_sent, dict) else {}
        self.si = sent_index

    def person(self) -> list[tuple[Mention, Actor]]:
        for si in range(self.si - 1, max(-1, self.si - 4), -1):
            people = [m for m in self.by_sent.get(si, []) if m.person is not None and m.actor.country]
            keys = {m.actor.entry or m.text for m in people}
            if len(keys) == 1:
                return [(people[0], people[0].actor)]
            if len(keys) > 1:
                return []
        return []

    def pair(self, people: bool = False) -> list[tuple[Mention, Actor]]:
        """The two countries of the nearest earlier sentence naming exactly two (people only for "both leaders")."""
        if people:
            got = self._pair(lambda m: m.person is not None or m.actor.sector == "GOV")
            if got:
                return got
        return self._pair(lambda m: True)

    def _pair(self, keep: Any) -> list[tuple[Mention, Actor]]:
        for si in range(self.si - 1, max(-1, self.si - 4), -1):
            ms = [m for m in self.by_sent.get(si, []) if m.actor.country and m.actor.code and keep(m)]
            countries: dict[str, Mention] = {}
            for m in ms:
                countries.setdefault(m.actor.country, m)
            if len(countries) == 2:
                return [(m, m.actor) for m in countries.values()]
            if len(countries) > 2:
                return []
        return []
