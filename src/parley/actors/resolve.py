"""Find actor mentions in a parsed Doc (or a bare string) and resolve them to codes.

Stage contract: requires ``Article.doc`` (a spaCy Doc) and ``Article.date``; assigns
``Article.mentions``. Adjacent pieces of one phrase ("Russian" + "President" + "Vladimir Putin")
combine into one mention: a person's dated role wins, then an organisation, then
country + sector (from an agent noun, or GOV for a government metonym such as "the Kremlin").

Beyond exact phrases:

* **accents and apostrophes** are folded before matching ("Khürelsükh" = "Khurelsukh", "’s" = "'s");
* **titled unknown people** ("Defense Minister Diego Molano"): a title agent followed by a spaCy PERSON
  span takes its sector from the title and its country from the phrase, else from the sentence;
* **fuzzy names** (rapidfuzz, conservative): a PERSON span that matches no phrase is compared with the
  knowledge base's people names; a near-identical spelling (ratio ≥ ``FUZZY_MIN``) takes that person;
* **former office holders**: after a person's last dated role has ended they are ``<country>ELI``;
  undated text takes the role the phrase names (org, country, title), else the latest office;
* **known surnames** after a title ("President Bush") or before a government word ("the Bush
  administration") when all their holders share one country;
* **context rules** (documented in ``data/actors/SCHEMA.md``): ethnic groups by country of residence,
  local agents of/in a place, local people by the sentence's scene, X-led and modified agents,
  coordinated country words sharing an agent, anti-/pro- stances, unlisted regional bodies (NGO);
* **carry-over** (option ``carry_over``, see :mod:`parley.actors.carryover`).

:meth:`ActorResolver.resolve_text` answers the same question for a bare string ("Armenian Prime
Minister", "Chile's Ministry of Mines") without a parse: the API the NGEC-style evaluation uses.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

import ahocorasick

from ..model import Actor, Article, Mention
from .kb import Entry, KnowledgeBase, Role

_JOINERS = {"'s", "’s", "-", "–", "'"}
_NON_STATE = frozenset({"IGO", "NGO", "MNC", "IMG"})  # codes in the country slot that are no state
_KIND_RANK = {"person": 0, "org": 1, "metonym": 2, "country": 3, "adjective": 4, "agent": 5}
FUZZY_MIN = 92.0
FUZZY_COUNTRY_MIN = 90.0
PLACE_MIN_POPULATION = 50_000  # smaller towns share names with people and words ("Bush", "Freedom")
_NOT_TYPOS = frozenset({"americas", "grenadines"})  # real words one letter away from a country's name
# Head nouns of generic state institutions: "Chile's Defense Department" is Chile's, even though the KB's
# "Defense Department" is the American one; "Iran's Hezbollah" stays Hezbollah.
_INSTITUTION_HEADS = frozenset({"department", "ministry", "court", "council", "parliament", "army", "navy",
                                "police", "agency", "service", "office", "commission", "guard", "forces",
                                "fleet", "senate", "congress", "assembly", "cabinet", "bank", "force"})
_GOVERNMENT_HEADS = frozenset({"department", "ministry", "office", "cabinet"})
_WORD_CHAR = re.compile(r"\w")
_REGIONAL = re.compile(r"\b(?:African|Asian|European|Arab|Latin American|Caribbean|Pacific|Nordic|Balkan|"
                       r"Third World|International|World|Global|Pan-\w+|Inter-American)\b")
_BODY_HEADS = frozenset({"Association", "Forum", "Committee", "Council", "Federation", "Union", "League",
                         "Network", "Alliance", "Coalition", "Society", "Institute", "Foundation", "Movement",
                         "Centre", "Center", "Organization", "Organisation", "Fund", "Jurists", "Lawyers",
                         "Watch", "Congress", "Academy", "Trust", "Campaign"})
_STANCE = re.compile(r"(?:^|\W)(?:anti|pro)-$", re.IGNORECASE)
# a leader's surname before these names the leader's government: "the Bush administration", "the Sharon
# government", "the Assad regime"
_LEADER_BODIES = frozenset({"administration", "government", "regime", "cabinet", "presidency"})
_PLACE_PREPS = frozenset({"of", "in", "throughout", "across", "from"})
_INCOMERS = frozenset({"settler", "colonist", "expatriate", "visitor", "tourist", "pilgrim", "immigrant",
                       "migrant", "foreigner", "delegation", "envoy", "ambassador", "diplomat", "embassy"})
_LOCAL_SECTORS = frozenset({"CVL", "OPP", "REB", "CRM", "EDU", "LAB", "MED", "HLH", "REL", "AGR", "BUS", "PTY",
                            "ENV"})
_SCENE_PREPS = frozenset({"in", "at", "near", "across", "throughout", "inside"})
_LOCATED = frozenset({"based", "operating", "living", "active"})  # "a group based in Trinidad"
_NAME_SUFFIXES = frozenset({"jr.", "sr.", "jr", "sr", "ii", "iii", "iv"})


_QUOTE_FOLD = {ord(c): "'" for c in "’‘`´"}


def fold_text(text: str) -> str:
    """Length-preserving fold: accents stripped, curly quotes straightened (case kept)."""
    table = _QUOTE_FOLD
    if not text.isascii():
        table = dict(table)
        for ch in set(text):
            if ord(ch) < 128 or ord(ch) in table:
                continue
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            if len(base) == 1 and base != ch:
                table[ord(ch)] = base
    return text.translate(table)


@dataclass(slots=True)
class Piece:
    start: int  # char offsets in the text
    end: int
    entry: Entry
    surface: str


@dataclass(slots=True)
class Resolution:
    """The answer of :meth:`ActorResolver.resolve_text`."""

    code: str
    country: str
    sectors: list[str]
    entry: str  # knowledge-base entries used
    pattern: str  # the matched phrase(s)
    rest: str  # the text with the country words removed

    @property
    def code_1(self) -> str:
        return self.sectors[0] if self.sectors else ""

    @property
    def code_2(self) -> str:
        return self.sectors[1] if len(self.sectors) > 1 else ""

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "country": self.country, "code_1": self.code_1, "code_2": self.code_2,
                "entry": self.entry, "pattern": self.pattern, "text": self.rest}


def sectors_of(code: str, country: str | None) -> list[str]:
    rest = code[len(country):] if country and code.startswith(country) else code
    return [rest[i:i + 3] for i in range(0, len(rest) - 2, 3)]


def person_role(entry: Entry, day: date | None) -> Role | None:
    """The role that holds on ``day``; after the last role has ended, the person is a former official (ELI)."""
    role = entry.role_at(day)
    if role is not None or not entry.roles:
        return role
    if day is None:  # no date at all: the person's latest known role
        return max(entry.roles, key=lambda r: (r.start or date.min))
    ends = [r.end for r in entry.roles]
    if all(e is not None and e < day for e in ends):
        last = max(entry.roles, key=lambda r: r.end or date.min)
        if last.country and last.sector not in {"ELI"}:
            return Role(code=last.country + "ELI", country=last.country, sector="ELI", start=last.end,
                        end=None, label=f"former ({last.label})" if last.label else "former")
    return None


def hinted_role(entry: Entry, day: date | None, pieces: list[Entry]) -> Role | None:
    """The person's role on ``day``; without a date, the role the phrase itself points at.

    An undated mention ("U.N. Secretary-General Kofi Annan", "former president Carlos Menem") says which
    of several roles is meant: a role scores for the organisation named in the phrase (its code starts
    with the organisation's), for the phrase's country, and for the title's sector. The best-scoring role
    wins (ties: the later one). A phrase with no such hint gets the person's latest office (not a
    "former" role: being former is a fact about a date the text does not give).
    """
    if day is not None or len(entry.roles) < 2:
        return person_role(entry, day)
    orgs = [p for p in pieces if p.kind == "org" and p.code]
    nations = {p.country for p in pieces if p.kind in {"country", "adjective", "metonym"} and p.country}
    sectors = {p.sector for p in pieces if p.kind == "agent" and p.sector}
    best, best_score = None, 0
    for role in sorted(entry.roles, key=lambda r: r.start or date.min):
        score = 0
        if any(role.code.startswith(o.code or "~") for o in orgs):
            score += 2
        if role.country in nations:
            score += 2
        if role.sector in sectors:
            score += 1
        if score >= best_score and score > 0:
            best, best_score = role, score
    if best is not None:
        return best
    # no hint: the latest office the person held ("former" needs a date to be true of the text)
    offices = [r for r in entry.roles if r.sector != "ELI"]
    if offices:
        return max(offices, key=lambda r: r.start or date.min)
    return person_role(entry, day)


def person_country(entry: Entry) -> str | None:
    """The one country all of a person's roles belong to (None when they served several, or an IGO)."""
    countries = {r.country for r in entry.roles if r.country}
    if len(countries) == 1:
        c = countries.pop()
        return None if c in _NON_STATE else c
    return None


class ActorResolver:
    assigns = ("mentions",)
    requires = ("doc", "date")

    def __init__(self, kb: KnowledgeBase, carry_over: bool = False, gazetteer: Any = None):
        self.kb = kb
        self.carry_over = carry_over
        self.gazetteer = gazetteer  # where.Gazetteer: "Shanghai police" → CHNCOP
        self._exact = ahocorasick.Automaton()
        self._exact_table: dict[str, list[Entry]] = {}
        for phrase, entries in kb.phrases.items():
            key = fold_text(phrase)
            self._exact_table.setdefault(key, []).extend(e for e in entries if e not in self._exact_table.get(key, []))
        # a single accented word of an organisation or place ("Libération") must keep its accents: folded,
        # it would be an ordinary English word ("liberation")
        self._accent_strict: dict[str, set[str]] = {}
        for phrase, entries in kb.phrases.items():
            if " " not in phrase and not phrase.isascii() and any(e.kind != "person" for e in entries):
                self._accent_strict.setdefault(fold_text(phrase), set()).add(phrase)
        for key in self._exact_table:
            self._exact.add_word(key, (len(key), key))
        self._folded = ahocorasick.Automaton()
        self._folded_table: dict[str, list[Entry]] = {}
        for phrase, entries in kb.folded.items():
            key = fold_text(phrase).lower()
            self._folded_table.setdefault(key, []).extend(entries)
        for key in self._folded_table:
            self._folded.add_word(key, (len(key), key))
        if len(self._exact):
            self._exact.make_automaton()
        if len(self._folded):
            self._folded.make_automaton()
        self._people_names: list[str] | None = None
        self._country_words: list[str] | None = None
        self._surname_set: set[str] | None = None
        self._by_surname: dict[str, list[Entry]] | None = None
        self._country_entries: list[Entry] = []
        self._people_entries: list[Entry] = []

    # -- matching on characters --------------------------------------------------------------------
    def _char_matches(self, text: str) -> list[Piece]:
        """All phrase matches on word boundaries, leftmost-longest and non-overlapping."""
        folded = fold_text(text)
        found: list[Piece] = []
        n = len(text)
        for auto, hay, table in ((self._exact, folded, self._exact_table),
                                 (self._folded, folded.lower(), self._folded_table)):
            if not len(auto):
                continue
            for end_char, (length, key) in auto.iter(hay):
                s, e = end_char - length + 1, end_char + 1
                if s > 0 and _WORD_CHAR.match(hay[s - 1]) and _WORD_CHAR.match(hay[s]):
                    continue
                if e < n and _WORD_CHAR.match(hay[e]) and _WORD_CHAR.match(hay[e - 1]):
                    continue
                entries = table[key]
                if table is self._exact_table and key in self._accent_strict and \
                        text[s:e] not in self._accent_strict[key]:
                    entries = [x for x in entries if x.kind == "person"]
                    if not entries:
                        continue
                best = min(entries, key=lambda x: _KIND_RANK.get(x.kind, 9))
                if best.kind in {"country", "adjective", "metonym"} and _STANCE.search(hay[max(0, s - 5):s]):
                    continue  # "anti-Syria journalist", "pro-Iranian militias": a stance, not a nationality
                found.append(Piece(s, e, best, text[s:e]))
        found.sort(key=lambda m: (m.start, -(m.end - m.start), _KIND_RANK.get(m.entry.kind, 9)))
        chosen: list[Piece] = []
        last_end = -1
        for m in found:
            if m.start >= last_end:
                chosen.append(m)
                last_end = m.end
        # a country named inside a longer agent phrase ("former White House official") still counts
        nested = []
        for c in chosen:
            if c.entry.kind != "agent":
                continue
            inner = [m for m in found if c.start <= m.start and m.end <= c.end and m is not c
                     and (m.entry.kind in {"country", "adjective", "metonym"} or
                          (m.entry.kind == "org" and m.entry.country and
                           m.entry.country not in _NON_STATE))]
            if inner:
                best = max(inner, key=lambda m: m.end - m.start)
                entry = best.entry
                if entry.kind == "org":  # "former CIA official": the organisation's country, the phrase's role
                    entry = Entry(key=entry.key, kind="country", country=entry.country, code=entry.country,
                                  label=entry.label)
                nested.append(Piece(best.start, best.end, entry, best.surface))
        if nested:
            chosen = sorted(chosen + nested, key=lambda m: (m.start, -(m.end - m.start)))
        return chosen

    def place_country(self, name: str) -> str | None:
        """ISO3 of a city or region named ``name`` (gazetteer), or None."""
        g = self.gazetteer
        if g is None or not name or not name[:1].isupper():
            return None
        cands = [p for p in g.candidates(name) if p.kind in {"city", "admin1", "region"} and p.country
                 and (p.kind != "city" or p.population >= PLACE_MIN_POPULATION)]
        if not cands:
            return None
        best = max(cands, key=lambda p: p.population)
        return g.iso3.get(best.country, None)

    def _raw_matches(self, doc: Any, text: str | None = None) -> list[tuple[int, int, list[Entry], str]]:
        """Token-aligned phrase matches (start_tok, end_tok, entries, surface)."""
        from spacy.attrs import IDX, LENGTH

        cols = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
        starts = {idx: i for i, (idx, _n) in enumerate(cols)}
        ends = {idx + n: i + 1 for i, (idx, n) in enumerate(cols)}
        out: list[tuple[int, int, list[Entry], str]] = []
        for p in self._char_matches(doc.text if text is None else text):
            if p.start not in starts or p.end not in ends:
                continue
            s_tok, e_tok = starts[p.start], ends[p.end]
            if p.entry.kind == "person" and p.surface.isupper() and s_tok > 0 and doc[s_tok - 1].text == "(" \
                    and e_tok < len(doc) and doc[e_tok].text == ")":
                continue  # "Montenegro Municipality Association (AKK)": an acronym of the name before it
            if p.entry.kind == "agent":
                # agent nouns: the phrase must end on a noun, not a verb ("leaders" ok, "leads" no)
                if doc[e_tok - 1].pos_ not in {"NOUN", "PROPN", ""}:
                    continue
            out.append((s_tok, e_tok, [p.entry], p.surface))
        return out

    def _surnames(self) -> set[str]:
        if self._surname_set is None:
            self._surname_set = {phrase.split()[-1] for phrase, entries in self._exact_table.items()
                                 if " " in phrase and any(e.kind == "person" for e in entries)}
        return self._surname_set

    def people_by_surname(self, surname: str) -> list[Entry]:
        """Known people whose name ends in ``surname`` ("Bush": both Presidents Bush)."""
        if self._by_surname is None:
            index: dict[str, list[Entry]] = {}
            for phrase, entries in self._exact_table.items():
                words = [w for w in phrase.split() if w.lower() not in _NAME_SUFFIXES]
                if not words:
                    continue
                for e in entries:
                    if e.kind == "person" and e not in index.setdefault(words[-1], []):
                        index[words[-1]].append(e)
            self._by_surname = index
        return self._by_surname.get(fold_text(surname), [])

    def surname_country(self, surname: str, sector: str | None, day: date | None) -> tuple[str, list[Entry]] | None:
        """The one country of the known people named ``surname`` who held a ``sector`` role (on ``day``
        when given): "President Bush" → USA. None when the surname is unknown or its holders differ."""
        found: dict[str, list[Entry]] = {}
        for person in self.people_by_surname(surname):
            for role in person.roles:
                if not role.country or role.country in _NON_STATE:
                    continue
                if sector and role.sector != sector:
                    continue
                if day is not None and not role.holds(day):
                    continue
                found.setdefault(role.country, [])
                if person not in found[role.country]:
                    found[role.country].append(person)
        if len(found) != 1:
            return None
        country, people = next(iter(found.items()))
        return country, people

    def _surname_piece(self, surname: str, sector: str | None, day: date | None) -> Entry | None:
        got = self.surname_country(surname, sector, day)
        if got is None:
            return None
        country, people = got
        if len(people) == 1:
            return people[0]
        return Entry(key="surname:" + "|".join(p.key for p in people), kind="country", country=country,
                     code=country, label=surname)

    # -- fuzzy country names ----------------------------------------------------------------------------
    def fuzzy_country(self, word: str) -> Entry | None:
        """A misspelt single-word country name or demonym ("Ethopia", "Afganistan", "Ghanians")."""
        from rapidfuzz import fuzz, process

        if len(word) < 7 or not word[:1].isupper() or not word.isalpha() or word.lower() in _NOT_TYPOS:
            return None
        if self.gazetteer is not None and self.gazetteer.candidates(word):
            return None  # a real place name ("Guayana"), not a misspelt country
        if self._country_words is None:
            self._country_words, self._country_entries = [], []
            for phrase, entries in self._exact_table.items():
                if " " in phrase or len(phrase) < 5 or not phrase[:1].isupper():
                    continue
                nation = [e for e in entries if e.kind in {"country", "adjective"}]
                if nation and len(entries) == len(nation):
                    self._country_words.append(phrase)
                    self._country_entries.append(nation[0])
        folded = fold_text(word)
        got = process.extractOne(folded, self._country_words, scorer=fuzz.ratio, score_cutoff=FUZZY_COUNTRY_MIN)
        if got is None or got[0][:1] != folded[:1]:
            return None
        low, cand = folded.lower(), got[0].lower()
        if low.startswith(cand) or cand.startswith(low) or low[:-1] == cand[:-1]:
            return None  # another word, not a typo: "Indiana" ≠ "Indian", "Americas" ≠ "American"
        return self._country_entries[got[2]]

    # -- fuzzy person names ---------------------------------------------------------------------------
    def fuzzy_person(self, name: str) -> Entry | None:
        from rapidfuzz import fuzz, process

        if self._people_names is None:
            self._people_names = []
            for phrase, entries in self._exact_table.items():
                for e in entries:
                    if e.kind == "person" and " " in phrase:
                        self._people_names.append(phrase)
                        self._people_entries.append(e)
        if len(name) < 8 or " " not in name.strip() or not self._people_names:
            return None
        got = process.extractOne(fold_text(name), self._people_names, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN)
        if got is None:
            return None
        return self._people_entries[got[2]]

    # -- composition ---------------------------------------------------------------------------------
    @staticmethod
    def compose(pieces: list[Entry], day: date | None, surfaces: list[str] | None = None
                ) -> tuple[str, str | None, str | None, str]:
        """(code, country, sector, kind) of a phrase made of knowledge-base pieces."""
        person = next((p for p in pieces if p.kind == "person"), None)
        org = next((p for p in reversed(pieces) if p.kind == "org"), None)  # the phrase head wins
        nation = next((p for p in pieces if p.kind in {"country", "adjective", "metonym"}), None)
        agents = [p for p in pieces if p.kind == "agent"]
        agent = agents[-1] if agents else None
        prefix_agent = next((p for p in agents if p.prefix), None)
        if agent is not None and agent.prefix:
            agent = next((p for p in reversed(agents) if not p.prefix), None)
        if person is not None:
            role = hinted_role(person, day, pieces)
            if role is not None:
                return role.code, role.country, role.sector, "person"
            # no role on that day: the phrase's own title and country ("Iraqi President X"), else the
            # person's home country without a sector
            k = pieces.index(person)
            rest = pieces[:k] + pieces[k + 1:]
            rest_surfaces = surfaces[:k] + surfaces[k + 1:] if surfaces is not None and len(surfaces) == len(pieces) \
                else None
            if rest:
                code, country, sector, _ = ActorResolver.compose(rest, day, rest_surfaces)
                if country:
                    return code, country, sector, "person"
            home = person_country(person)
            return (home or ""), home, None, "person"
        if org is not None and nation is not None and nation.country and org.country and \
                org.country not in _NON_STATE and org.country != nation.country and \
                pieces.index(nation) < pieces.index(org) and \
                surfaces is not None and len(surfaces) == len(pieces) and \
                surfaces[pieces.index(org)].split()[-1].lower() in _INSTITUTION_HEADS:
            # "Chile's Defense Department": another country's office name used generically for this one
            sector = org.sector or (agent.sector if agent is not None else None)
            head = surfaces[pieces.index(org)].split()[-1].lower()
            if head in _GOVERNMENT_HEADS and sector and not sector.startswith("GOV"):
                sector = "GOV" + sector  # a department or ministry is government first (defence: GOVMIL)
            return nation.country + (sector or ""), nation.country, sector, "country"
        if org is not None:
            code = org.code or ""
            sector = org.sector
            if agent is not None and org.country and not org.sector and org.country not in _NON_STATE:
                code, sector = code + (agent.code or ""), agent.sector
            elif agent is not None and org.country in _NON_STATE:
                sector = agent.sector  # "president of the European Council", "EU legislators": the role's sector
            return code, org.country, sector, "org"
        if nation is not None:
            country = nation.country or ""
            if agent is not None:
                suffix, sector = agent.code or agent.sector or "", agent.sector
            else:
                suffix, sector = (nation.sector or ""), nation.sector
            if suffix and country and suffix.startswith(country):
                suffix = suffix[len(country):]
            code = (prefix_agent.code if prefix_agent else "") + country + suffix
            kind = "metonym" if nation.kind == "metonym" and agent is None else "country"
            return code, nation.country, sector, kind
        if agent is not None or prefix_agent is not None:
            a = agent or prefix_agent
            return a.code or a.sector or "", None, a.sector, "agent"  # type: ignore[union-attr]
        return "", None, None, "none"

    # -- the stage -----------------------------------------------------------------------------------
    def find(self, doc: Any, day: date | None, text: str | None = None) -> list[Mention]:
        """Actor mentions of ``doc`` (``text``: its text, when the caller has it; ``doc.text`` is rebuilt
        from the tokens at every call)."""
        ents = tuple(doc.ents)  # also rebuilt at every access: read once
        matches = self._raw_matches(doc, doc.text if text is None else text)
        matches = self._add_people(doc, matches, day, ents)
        matches = self._regional_bodies(doc, matches, ents)
        sent_of = sentence_numbers(doc)
        groups: list[list[tuple[int, int, list[Entry], str]]] = []
        for m in matches:
            if groups:
                prev = groups[-1][-1]
                same_sentence = sent_of[prev[0]] == sent_of[m[0]]
                if not same_sentence:
                    groups.append([m])
                    continue
                gap = [doc[i] for i in range(prev[1], m[0])]
                if all(t.text in _JOINERS for t in gap) or self._joins(doc, groups[-1], m, gap):
                    groups[-1].append(m)
                    continue
            groups.append([m])
        mentions: list[Mention] = []
        for group in groups:
            mention = self._compose(doc, group, day, sent_of[group[0][0]])
            if mention is not None:
                mentions.append(mention)
        self._titled_context(doc, mentions)
        self._place_agents(doc, mentions, ents)
        self._ethnic_residence(doc, mentions, ents)
        self._local_context(doc, mentions, ents)
        self._shared_heads(doc, mentions)
        return mentions

    @staticmethod
    def _shared_heads(doc: Any, mentions: list[Mention]) -> None:
        """"French and Egyptian warships", "U.S. and Russian negotiators": a bare country word coordinated
        with a country + agent phrase shares that phrase's agent (FRAMIL, USAGOV)."""
        for k, m in enumerate(mentions[:-1]):
            o = mentions[k + 1]
            if m.kind != "country" or not m.actor.country or m.actor.code != m.actor.country:
                continue
            if len(o.parts) < 2 or o.parts[0] not in {"country", "adjective"} or "agent" not in o.parts \
                    or "person" in o.parts or not o.actor.country or o.actor.country in _NON_STATE:
                continue
            gap = [t.lower_ for t in doc[m.end:o.start]]
            if gap not in (["and"], [",", "and"], [","], ["or"]):
                continue
            t = doc[m.end - 1]  # a modifier of the shared noun, not a noun of its own ("France and German officials")
            if t.dep_ not in {"amod", "compound", "nmod", "conj"} or not (
                    o.start <= t.head.i < o.end or o.start <= t.head.head.i < o.end):
                continue
            suffix = o.actor.code[len(o.actor.country):] if o.actor.code.startswith(o.actor.country) else ""
            if suffix:
                m.actor = Actor(code=m.actor.country + suffix, country=m.actor.country, sector=o.actor.sector,
                                text=m.actor.text, entry=m.actor.entry + "+shared-head")

    def _local_context(self, doc: Any, mentions: list[Mention], ents: tuple | None = None) -> None:
        """"Egyptian police dispersed demonstrators", "bombers killed 23 people in Tel Aviv": people of a
        local kind (civilians, protesters, rebels, students, workers, ...) named without a country belong
        where the sentence takes place — the one country of the cities and regions it names (and of
        countries named as the scene: "in Hong Kong"), else the one country it names at all. Officials,
        armed forces, international staff and travellers are left alone: they are as often foreign as
        local."""
        ents = tuple(getattr(doc, "ents", ())) if ents is None else ents
        taken: set[int] | None = None
        for m in mentions:
            if m.actor.country or m.kind != "agent" or (m.actor.sector or "")[:3] not in _LOCAL_SECTORS:
                continue
            if m.actor.code[:3] in _NON_STATE or doc[m.end - 1].lemma_.lower() in _INCOMERS:
                continue
            sent = doc[m.start].sent
            if taken is None:
                taken = {i for o in mentions for i in range(o.start, o.end)}
            places = set()
            for ent in ents:
                if ent.label_ in {"GPE", "LOC"} and sent.start <= ent.start < sent.end and ent.start not in taken:
                    iso = self.place_country(ent.text)
                    if iso:
                        places.add(iso)
            countries = {o.actor.country for o in mentions if o is not m and o.actor.country
                         and o.actor.country not in _NON_STATE and sent.start <= o.start < sent.end}
            # a country or capital named as the scene ("in Hong Kong", "at a jail in East Timor") counts as
            # a place; "in defiance of Chinese authorities" does not
            for o in mentions:
                if o is not m and o.kind in {"country", "metonym"} and set(o.parts) <= {"country", "metonym"} \
                        and o.actor.country and o.actor.country not in _NON_STATE and o.start > sent.start \
                        and sent.start <= o.start < sent.end and doc[o.start - 1].lower_ in _SCENE_PREPS:
                    places.add(o.actor.country)
            pick = places if places else countries
            if len(pick) == 1:
                c = next(iter(pick))
                m.actor = Actor(code=c + (m.actor.code or ""), country=c, sector=m.actor.sector,
                                text=m.actor.text, entry=m.actor.entry + "+sentence")

    @staticmethod
    def _regional_bodies(doc: Any, matches: list[tuple[int, int, list[Entry], str]], ents: tuple | None = None
                         ) -> list[tuple[int, int, list[Entry], str]]:
        """An organisation the knowledge base does not know, named for a region or the world rather than a
        country ("Association of African Jurists", "Third World Water Forum"), is coded NGO: the
        intergovernmental bodies are few and listed by name, so an unlisted one is most likely
        non-governmental. A name with a country in it ("Liberian Peace Council") is left to that country."""
        ents = tuple(getattr(doc, "ents", ())) if ents is None else ents
        out = list(matches)
        for ent in ents:
            if ent.label_ != "ORG" or not _REGIONAL.search(ent.text):
                continue
            if not any(t.text in _BODY_HEADS for t in ent):
                continue
            inside = [m for m in out if m[0] < ent.end and m[1] > ent.start]
            if any(m[2][0].kind != "agent" or m[0] < ent.start or m[1] > ent.end for m in inside):
                continue
            out = [m for m in out if m not in inside]
            entry = Entry(key="unlisted-regional-body", kind="org", country="NGO", code="NGO", label=ent.text)
            out.append((ent.start, ent.end, [entry], ent.text))
        return sorted(out, key=lambda m: m[0])

    @staticmethod
    def _joins(doc: Any, group: list[tuple[int, int, list[Entry], str]], m: tuple[int, int, list[Entry], str],
               gap: list[Any]) -> bool:
        """Words between two pieces that still make one phrase:

        * "Vietnamese-led forces", "NATO-led troops": the leader's country (or organisation) and the agent;
        * "Nicaragua's Sandinista government", "Iraqi oil workers": a country, then up to three modifiers
          of the agent noun (adjectives, names, nouns whose syntactic head is inside the phrase);
        * "Minister for Interior Aftab Sherpao": a title, its capitalised portfolio, then the person.
        """
        if not gap:
            return False
        prev = group[-1][2][0]
        if prev.kind == "agent" and m[2][0].kind in {"person", "name"} and gap[0].lower_ in {"for", "of"} and \
                1 < len(gap) <= 5 and all(t.text[:1].isupper() or t.lower_ in {"and", "&"} for t in gap[1:]) and \
                gap[1].text[:1].isupper():
            return True  # "Minister for Interior Aftab Sherpao", "Minister of Planning and Investment X"
        if m[2][0].kind != "agent":
            return False
        words = [t.text.lower() for t in gap]
        if words in (["-", "led"], ["-led"], ["led"]) and prev.kind in {"country", "adjective", "metonym", "org"}:
            return True
        if prev.kind not in {"country", "adjective", "metonym"}:
            return False
        mods = gap[1:] if gap[0].text in {"'s", "’s"} else gap
        if not mods or len(mods) > 3:
            return False
        lo, hi = mods[0].i, m[1]
        for t in mods:
            if t.pos_ not in {"ADJ", "PROPN", "NOUN"} and t.text != "-" and t.dep_ != "amod":
                return False
            if t.ent_type_ == "PERSON" or not lo <= t.head.i < hi:
                return False
        return True

    def _ethnic_residence(self, doc: Any, mentions: list[Mention], ents: tuple | None = None) -> None:
        """"ethnic Albanians in Serbia" → SRB: a demonym marked *ethnic* names people by descent, and the
        event data codes them by the country they live in — the nearest other country (or a place of
        another country) named in the same sentence. With none, the demonym's country stays."""
        ents = tuple(getattr(doc, "ents", ())) if ents is None else ents
        for m in mentions:
            old = m.actor.country
            if not old or old in _NON_STATE or "adjective" not in m.parts or "person" in m.parts or "org" in m.parts:
                continue
            ethnic = m.start > 0 and doc[m.start - 1].lower_ == "ethnic"
            # "the Albanians of southern Serbia": a people *of* a place of another country lives there
            of_place = m.parts == ("adjective",) and m.end < len(doc) and doc[m.end].lower_ == "of"
            if not ethnic and not of_place:
                continue
            sent = doc[m.start].sent
            if of_place and not ethnic:
                sent = doc[m.end:min(m.end + 5, sent.end)]  # only what follows "of"
            cands: list[tuple[int, str]] = []
            for o in mentions:
                c = o.actor.country
                if o is m or not c or c == old or c in _NON_STATE or not sent.start <= o.start < sent.end:
                    continue
                if o.kind == "person" or "org" in o.parts:
                    continue
                if of_place and not ethnic and "adjective" in o.parts:
                    continue  # "Palestinians of the Israeli-occupied West Bank": a named place, not an adjective
                cands.append((min(abs(o.start - m.end), abs(m.start - o.end)), c))
            taken = {i for o in mentions for i in range(o.start, o.end)}
            for ent in ents:
                if ent.label_ not in {"GPE", "LOC"} or not sent.start <= ent.start < sent.end or ent.start in taken:
                    continue
                iso = self.place_country(ent.text)
                if iso and iso != old:
                    cands.append((min(abs(ent.start - m.end), abs(m.start - ent.end)), iso))
            if not cands:
                continue
            new = min(cands)[1]
            rest = m.actor.code[len(old):] if m.actor.code.startswith(old) else ""
            m.actor = Actor(code=new + rest, country=new, sector=m.actor.sector, text=m.actor.text,
                            entry=m.actor.entry + "+ethnic-residence")

    def _place_agents(self, doc: Any, mentions: list[Mention], ents: tuple | None = None) -> None:
        """"Shanghai police", "Kano State government": a place right before an agent gives its country."""
        ents = tuple(getattr(doc, "ents", ())) if ents is None else ents
        if self.gazetteer is None:
            return
        by_end = {e.end: e for e in ents if e.label_ in {"GPE", "LOC", "FAC"}}
        starts = {e.start: e for e in ents if e.label_ in {"GPE", "LOC"}}
        covered = {i for o in mentions for i in range(o.start, o.end)}
        starts = {k: v for k, v in starts.items() if k not in covered}  # a country is its own mention
        nations = {o.start: o for o in mentions if o.kind in {"country", "metonym"} and o.actor.country
                   and o.parts and set(o.parts) <= {"country", "metonym"}}
        for m in mentions:
            if m.actor.country or m.kind != "agent":
                continue
            end = m.start
            if end > 0 and doc[end - 1].text in {"'s", "’s"}:
                end -= 1
            ent = by_end.get(end)
            if ent is None:
                self._place_after(doc, m, starts, nations)
                continue
            iso = self.place_country(ent.text)
            if iso:
                m.actor = Actor(code=iso + (m.actor.code or ""), country=iso, sector=m.actor.sector,
                                text=doc[ent.start:m.end].text, entry=m.actor.entry + "+place")
                m.start = ent.start
                m.text = m.actor.text

    def _place_after(self, doc: Any, m: Mention, starts: dict[int, Any], nations: dict[int, Mention]) -> None:
        """"the government of Sindh province", "rebels in Darfur", "rebels in the Ivory Coast", "a terror
        group based in Trinidad": an agent without a country, of/in/throughout/from a place, belongs to that
        place's country. Armed forces, international, non-governmental and refugee agents travel ("troops
        in Iraq" may be anyone's), so they are left alone."""
        sector = (m.actor.sector or "")[:3]
        if sector in {"MIL", "IGO", "NGO", "MNC", "UAF", "REF", "SPY"} or m.actor.code[:3] in _NON_STATE:
            return
        if doc[m.end - 1].lemma_.lower() in _INCOMERS:
            return  # settlers in the West Bank come from elsewhere
        i = m.end
        if i + 1 < len(doc) and doc[i].lower_ in _LOCATED and doc[i + 1].lower_ == "in":
            i += 1
        if i >= len(doc) or doc[i].lower_ not in _PLACE_PREPS:
            return
        i += 1
        if i < len(doc) and doc[i].lower_ == "the":
            i += 1
        iso = None
        if i in nations:
            iso = nations[i].actor.country
        elif i in starts:
            iso = self.place_country(starts[i].text)
        if iso and iso not in _NON_STATE:
            m.actor = Actor(code=iso + (m.actor.code or ""), country=iso, sector=m.actor.sector,
                            text=m.actor.text, entry=m.actor.entry + "+place")

    def _add_people(self, doc: Any, matches: list[tuple[int, int, list[Entry], str]], day: date | None = None,
                    ents: tuple | None = None
                    ) -> list[tuple[int, int, list[Entry], str]]:
        """PERSON spans no phrase covers: a fuzzy KB name, a known surname after a title ("President
        Bush") or before a government word ("the Bush administration"), or (after a title) an unknown
        titled person."""
        ents = tuple(getattr(doc, "ents", ())) if ents is None else ents
        covered = set()
        for s, e, _, _ in matches:
            covered.update(range(s, e))
        extra = []
        for ent in ents:
            if ent.label_ != "PERSON" or any(i in covered for i in range(ent.start, ent.end)):
                continue
            person = self.fuzzy_person(ent.text)
            if person is not None:
                extra.append((ent.start, ent.end, [person], ent.text))
            else:
                # an unknown name right after a title agent joins the title's phrase (sector from the title)
                prev = next((m for m in matches if m[1] == ent.start and m[2][0].kind == "agent"), None)
                if prev is not None:
                    # a bare surname of known people who held that title's sector: "President Bush"
                    title = prev[2][0]
                    piece = self._surname_piece(ent.text, title.sector, day) if len(ent) == 1 else None
                    if piece is None:
                        piece = Entry(key="unknown-person", kind="name", label=ent.text)
                    extra.append((ent.start, ent.end, [piece], ent.text))
                    covered.update(range(ent.start, ent.end))
        # "the Bush administration", "the Sharon government": a known leader's surname names the government
        for s_tok, _e_tok, entries, surface in matches:
            if entries[0].kind != "agent" or surface.split()[-1].lower() not in _LEADER_BODIES or s_tok == 0:
                continue
            prev_tok = doc[s_tok - 1]
            if prev_tok.i in covered or prev_tok.pos_ != "PROPN" or not prev_tok.text[:1].isupper():
                continue
            piece = self._surname_piece(prev_tok.text, "GOV", day)
            if piece is not None:
                if piece.kind == "person":  # the leader's country, not the leader's own (maybe later) role
                    got = self.surname_country(prev_tok.text, "GOV", day)
                    piece = Entry(key=piece.key, kind="country", country=got[0] if got else None,
                                  code=got[0] if got else None, label=prev_tok.text)
                extra.append((prev_tok.i, prev_tok.i + 1, [piece], prev_tok.text))
                covered.add(prev_tok.i)
        person_toks = {i for e in ents if e.label_ == "PERSON" for i in range(e.start, e.end)}
        for i in _long_words(doc, 7):
            if i in covered or i in person_toks:
                continue
            t = doc[i]
            if t.pos_ not in {"PROPN", "ADJ", "NOUN"}:
                continue
            nation = self.fuzzy_country(t.text)
            if nation is not None:
                extra.append((t.i, t.i + 1, [nation], t.text))
        if not extra:
            return matches
        return sorted(matches + extra, key=lambda m: m[0])

    def _titled_context(self, doc: Any, mentions: list[Mention]) -> None:
        """A titled unknown person without a country takes the country attached to the name ("X of Y"),
        else the one country named in the sentence, else the one country named in the article."""
        for m in mentions:
            if m.actor.country or "name" not in m.parts or not m.actor.sector:
                continue
            sent = doc[m.start].sent
            # "Defense Minister X of Colombia" / "X, Colombia's ..." : the attached country first
            attached = [o for o in mentions if o.actor.country and o.kind in {"country", "metonym"}
                        and m.end < len(doc) and doc[m.end].lower_ in {"of", ","} and o.start == m.end + 1]
            countries = {o.actor.country for o in mentions if o is not m and o.actor.country
                         and o.kind in {"country", "metonym"} and sent.start <= o.start < sent.end}
            if attached:
                countries = {attached[0].actor.country}
            elif not countries:
                # no country in the sentence: the one country the whole article names, if only one
                countries = {o.actor.country for o in mentions if o.actor.country and o.kind in {"country", "metonym"}}
            if len(countries) == 1:
                c = countries.pop()
                m.actor = Actor(code=c + (m.actor.code or ""), country=c, sector=m.actor.sector,
                                text=m.actor.text, entry=m.actor.entry + "+context")

    def _compose(self, doc: Any, group: list[tuple[int, int, list[Entry], str]], day: date | None,
                 sent_index: int) -> Mention | None:
        start, end = group[0][0], group[-1][1]
        pieces = [min(entries, key=lambda e: _KIND_RANK.get(e.kind, 9)) for _, _, entries, _ in group]
        kinds = tuple(p.kind for p in pieces)
        real = [p for p in pieces if p.kind != "name"]
        if not real:
            return None
        surfaces = [g[3] for g, p in zip(group, pieces) if p.kind != "name"]
        code, country, sector, kind = self.compose(real, day, surfaces)
        if kind == "none":
            return None
        span_text = doc[start:end].text
        entry_keys = "+".join(p.key for p in pieces)
        actor = Actor(code=code, country=country, sector=sector, text=span_text, entry=entry_keys)
        person = next((p for p in real if p.kind == "person"), None)
        if kind == "agent" and "name" in kinds:
            kind = "person"  # a titled unknown person: the title's sector, no dated roles
        return Mention(sent_index, start, end, span_text, actor, kind, person=person, parts=kinds)

    def __call__(self, article: Article) -> Article:
        day = date.fromisoformat(article.date) if article.date else None
        doc = article.doc
        body = article.body
        # the parser made the Doc from the body: same text (checked by its length, cheaply)
        text = body if body is not None and len(doc) and doc[-1].idx + len(doc[-1].text_with_ws) == len(body) else None
        article.mentions = self.find(doc, day, text)
        if self.carry_over:
            from .carryover import carry_over

            carry_over(article.doc, article.mentions)
        return article

    # -- bare strings ----------------------------------------------------------------------------------
    def _place_before_piece(self, text: str, start: int, end: int, covered: list[tuple[int, int]]) -> str | None:
        """A place name modifying a matched phrase: "Kano State government", "Madras High Court", "Santa
        Marta Self Defense Forces". The capitalised run is cut where a matched piece starts, and its
        leading words (longest first) are looked up, only when a matched piece follows right after."""
        stop = min([a for a, _b in covered if start < a <= end] + [end])
        if not any(a == stop or (a > stop and not text[stop:a].strip()) for a, _b in covered):
            return None
        words = text[start:stop].split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            if n == len(words) and stop == end:
                continue  # the whole run was looked up already
            if name in self._surnames():
                return None
            iso = self.place_country(name)
            if iso:
                return iso
        return None

    def resolve_text(self, text: str, day: date | None = None, context: str = "") -> Resolution:
        """Resolve an actor string ("Armenian Prime Minister Nikol Pashinyan") on ``day``.

        The country comes from the string, else from ``context`` (e.g. "Colombian defense"); the sectors
        from the person's role, the organisation, or the agent nouns (context agents fill in when the
        string has none). Unknown strings give an empty resolution.
        """
        pieces = self._char_matches(text)
        if not pieces and text.isupper() and len(text) > 3:
            text = text.title()  # "TEHRAN" → "Tehran" (names match case-sensitively); "NATO" stays NATO
            pieces = self._char_matches(text)
        # "Canadian Ambassador to the United Nations": an organisation after to/at is where the role
        # serves, not whom the actor belongs to, when the phrase already names a country or role
        for k, p in enumerate(pieces):
            if p.entry.kind == "org" and k > 0 and re.search(r"\b(?:to|at)\s+(?:the\s+)?$", text[:p.start]) and \
                    any(q.entry.kind in {"country", "adjective", "metonym", "agent"} for q in pieces[:k]):
                pieces = pieces[:k]
                break
        entries = [p.entry for p in pieces]
        if not any(e.kind == "person" for e in entries):
            # fuzzy: a capitalised name-like run of two or more words
            found_person = False
            for m in re.finditer(r"(?:[A-Z][\w'\-]+\s+){1,3}[A-Z][\w'\-]+", fold_text(text)):
                # the whole capitalised run, then without its leading words ("President Francois Mitterand")
                starts = [m.start()] + [m.start() + k.end() for k in re.finditer(r"\S+\s+", m.group(0))]
                for st in starts:
                    if any(p.start <= st < p.end and p.entry.kind != "agent" for p in pieces):
                        continue
                    person = self.fuzzy_person(text[st:m.end()])
                    if person is not None:
                        entries.append(person)
                        pieces.append(Piece(st, m.end(), person, text[st:m.end()]))
                        pieces.sort(key=lambda p: p.start)
                        entries = [p.entry for p in pieces]
                        found_person = True
                        break
                if found_person:
                    break
        if not any(e.kind in {"country", "adjective", "metonym", "org", "person"} for e in entries):
            for m in re.finditer(r"[A-Z][a-z]+", fold_text(text)):
                if any(p.start <= m.start() < p.end for p in pieces):
                    continue
                nation = self.fuzzy_country(m.group(0))
                if nation is not None:
                    pieces.append(Piece(m.start(), m.end(), nation, text[m.start():m.end()]))
                    pieces.sort(key=lambda p: p.start)
                    entries = [p.entry for p in pieces]
                    break
        # the agent nearest the phrase head (the last one) decides when several are named
        code, country, sector, _kind = self.compose(entries, day, [p.surface for p in pieces]) \
            if entries else ("", None, None, "none")
        if context and not country:
            ctx_entries = [p.entry for p in self._char_matches(context)]
            ccode, ccountry, csector, _ = self.compose(ctx_entries, day) if ctx_entries else ("", None, None, "")
            if ccountry:
                country = ccountry
                if code and not code.startswith(ccountry) and not (code[:3] in _NON_STATE):
                    code = ccountry + code
                elif not code:
                    code = ccode
        if not country and self.gazetteer is not None:
            covered = [(p.start, p.end) for p in pieces]
            for m in re.finditer(r"[A-Z][\w'\-]+(?:\s+[A-Z][\w'\-]+){0,2}", fold_text(text)):
                if any(a <= m.start() < b for a, b in covered):
                    continue
                if m.group(0) in self._surnames():
                    continue  # "Bush administration": a known person's name, not the town of that name
                iso = self.place_country(m.group(0))
                if not iso:
                    iso = self._place_before_piece(text, m.start(), m.end(), covered)
                if iso:
                    country = iso
                    code = iso + code if code and code[:3] not in _NON_STATE else (code or iso)
                    break
        secs = sectors_of(code, country) if code else []
        if country in _NON_STATE:
            secs = [sector] if sector and sector != country else []
        rest = text
        for p in pieces:
            if p.entry.kind in {"country", "adjective", "metonym"}:
                rest = rest.replace(p.surface, "")
        return Resolution(code=code, country=country or "", sectors=secs,
                          entry="+".join(e.key for e in entries), pattern="+".join(p.surface for p in pieces),
                          rest=" ".join(rest.split()) if rest != text else text)


def _long_words(doc: Any, n: int) -> list[int]:
    """Indices of the tokens of ``doc`` at least ``n`` characters long."""
    from spacy.attrs import LENGTH

    if not len(doc):
        return []
    return [i for i, k in enumerate(doc.to_array(LENGTH).tolist()) if k >= n]


def sentence_numbers(doc: Any) -> list[int]:
    """The sentence number of every token of ``doc`` (one pass over the sentences)."""
    out = [0] * len(doc)
    for k, s in enumerate(doc.sents):
        out[s.start:s.end] = [k] * (s.end - s.start)
    return out


def actor_at(mention: Mention, day: date | None) -> Actor:
    """The mention's actor with a person's role re-chosen for ``day`` (the event date)."""
    if mention.person is None or day is None:
        return mention.actor  # undated: the role the phrase chose when it was resolved
    role = person_role(mention.person, day)
    if role is None:
        home = person_country(mention.person)
        return Actor(code=home or "", country=home, sector=None, text=mention.text, entry=mention.actor.entry)
    return Actor(code=role.code, country=role.country, sector=role.sector, text=mention.text,
                 entry=mention.actor.entry)
