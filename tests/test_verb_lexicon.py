"""The built-in verb lexicon (data/verbs/*.txt): size, validity, organisation, loader errors, and
sentences written for this test that must code to the expected CAMEO root."""
from __future__ import annotations

import re
from collections import defaultdict
from importlib import resources

import pytest

from parley.errors import LexiconError
from parley.events import Ontology, VerbLexicon
from parley.events.lexicon import parse_pattern

VERB_DIR = resources.files("parley").joinpath("data/verbs")
ROOT_FILE = re.compile(r"^(\d\d)_[a-z_]+\.txt$")


@pytest.fixture(scope="module")
def ontology() -> Ontology:
    return Ontology.load()


@pytest.fixture(scope="module")
def lexicon(ontology: Ontology) -> VerbLexicon:
    return VerbLexicon.load(ontology)


def _root_files() -> list:
    return sorted((f for f in VERB_DIR.iterdir() if ROOT_FILE.match(f.name)), key=lambda f: f.name)


def _entries(f):
    """(line number, code, pattern text) of every pattern line in a lexicon file."""
    for lineno, raw in enumerate(f.read_text("utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].rstrip()
        if line.strip():
            code, _, body = line.partition("\t")
            yield lineno, code.strip(), " ".join(body.split())


# -- size and validity -------------------------------------------------------------------------

def test_lexicon_is_large_and_covers_the_ontology(lexicon: VerbLexicon, ontology: Ontology) -> None:
    codes = {p.code for p in lexicon.patterns}
    assert len(lexicon) >= 3000
    assert len(codes) >= 280
    # every event code (3 or 4 digits) that text can express has patterns; list the gaps if any
    missing = sorted(c for c in ontology.codes if len(c) > 2 and c not in codes)
    assert len(missing) <= 12, missing


def test_every_code_is_an_event_code_of_the_ontology(lexicon: VerbLexicon, ontology: Ontology) -> None:
    for p in lexicon.patterns:
        assert p.code in ontology.codes, p.source
        assert len(p.code) >= 3, f"{p.source}: root-only code {p.code}"


def test_no_pattern_is_given_twice(lexicon: VerbLexicon) -> None:
    """The same expanded pattern (head, object, modifier, prepositions, flags) must not appear twice,
    whether for the same code or, worse, for two codes (the later one could never win)."""
    seen: dict[tuple, str] = {}
    clashes = []
    for p in lexicon.patterns:
        key = (p.nominal, p.head, getattr(p, "head_mod", None), p.obj, p.obj_mod, p.preps, p.obj_is_target)
        if key in seen:
            clashes.append(f"{p.source} [{p.code} {p.text}] repeats {seen[key]}")
        else:
            seen[key] = f"{p.source} [{p.code} {p.text}]"
    assert not clashes, clashes[:10]


def test_one_file_per_root_with_header() -> None:
    files = _root_files()
    assert [f.name[:2] for f in files] == [f"{i:02d}" for i in range(1, 21)]
    for f in files:
        head = f.read_text("utf-8").splitlines()[:3]
        assert head[0].startswith("# parley verb lexicon v"), f.name
        assert any("CODE<TAB>PATTERN" in line for line in head), f.name
        for lineno, code, _ in _entries(f):
            assert code[:2] == f.name[:2], f"{f.name}:{lineno}: {code} belongs to another root"


def test_bare_common_verbs_never_code_on_their_own(lexicon: VerbLexicon) -> None:
    """'say', 'make', 'take', 'go' ... only code with an object or a preposition that pins the sense."""
    common = {"say", "tell", "make", "take", "go", "have", "get", "give", "do", "come", "put", "see",
              "be", "add", "keep", "hold", "set", "run", "leave", "use", "work", "move", "send", "open"}
    loose = [f"{p.source} [{p.code} {p.text}]" for p in lexicon.patterns
             if not p.nominal and p.head in common and p.obj is None and not p.preps]
    assert not loose, loose


def test_heads_and_objects_are_lemmas(lexicon: VerbLexicon) -> None:
    """spaCy lemmas are lower case; an upper-case or inflected-looking head would never match."""
    for p in lexicon.patterns:
        assert p.head == p.head.lower(), p.source
        # spaCy splits "cease-fire" into cease / - / fire: write =cease+fire, never a hyphenated lemma
        words = {p.head} | set(p.obj or ()) | set(p.obj_mod or ()) | set(getattr(p, "head_mod", None) or ())
        for q in p.preps:
            words |= set(q.objs or ())
        assert not [w for w in words if "-" in w], f"{p.source}: hyphenated lemma never matches"
        # predicate adjectives ("said it was worried about ...") keep their -ed form as spaCy's lemma
        assert not p.head.endswith("ed") or p.head in {"need", "proceed", "exceed", "succeed", "seed", "bleed", "feed", "speed", "shed", "embed", "bed", "wed", "shred", "breed",
                                                       "concerned", "worried", "alarmed", "troubled", "disturbed"}, \
            f"{p.source}: head {p.head!r} looks like a past form, not a lemma"


def test_modifier_lists_do_not_swallow_objects(lexicon: VerbLexicon) -> None:
    """In ``=a/b/mod+obj`` everything before ``+`` is a modifier: a list meant as "objects a, b and
    mod+obj" silently loses its plain objects. Such a slip shows as a word on both sides of ``+``
    ("=law/laws/.../international+law") or as an object repeated within its list."""
    for p in lexicon.patterns:
        if p.obj and p.obj_mod:
            assert not set(p.obj) & set(p.obj_mod), f"{p.source}: {sorted(set(p.obj) & set(p.obj_mod))} on both sides of '+'"
    for f in _root_files():
        for lineno, _code, body in _entries(f):
            for el in body.split():
                core = el.lstrip("=~").split(":", 1)[-1]
                for side in core.split("+"):
                    items = side.split("/")
                    assert len(items) == len(set(items)), f"{f.name}:{lineno}: repeated alternative in {el!r}"


# -- loader errors name file and line ------------------------------------------------------------

@pytest.mark.parametrize("body, what", [
    ("042\tvisit @\n999\tvisit @\n", "unknown CAMEO code"),
    ("042\tvisit @\n042\tvisit =Capital!\n", "bad object"),
    ("042\tvisit @\n042 visit @\n", "CODE<TAB>PATTERN"),
    ("042\tvisit @\n042\tvisit   @\n", "duplicate pattern"),
    ("042\tvisit @\n042\tvisit !sometimes\n", "unknown flag"),
])
def test_loader_error_names_file_and_line(tmp_path, ontology: Ontology, body: str, what: str) -> None:
    bad = tmp_path / "broken_lexicon.txt"
    bad.write_text("# a lexicon with one bad line\n" + body, encoding="utf-8")
    with pytest.raises(LexiconError) as err:
        VerbLexicon.load(ontology, files=[bad])
    msg = str(err.value)
    assert "broken_lexicon.txt:3" in msg
    assert what in msg


def test_loader_accepts_a_good_extra_file(tmp_path, ontology: Ontology) -> None:
    good = tmp_path / "extra.txt"
    good.write_text("# extra\n042\tpop_in on:@\n", encoding="utf-8")
    lex = VerbLexicon.load(ontology, files=[good])
    assert len(lex) == 1 and lex.patterns[0].source.endswith("extra.txt:2")


def test_prepositional_object_modifier_parses_and_counts() -> None:
    (p,) = parse_pattern("0232", "ask for:military/defense+aid", "t.txt", 1)
    (q,) = parse_pattern("023", "ask for:aid", "t.txt", 2)
    assert p.preps[0].objs == {"aid"} and p.preps[0].mods == {"military", "defense"}
    assert q.preps[0].mods is None
    assert p.specificity == q.specificity + 2  # the modifier makes it more specific
    with pytest.raises(LexiconError):
        parse_pattern("0232", "ask for:Military+aid", "t.txt", 3)


def test_every_builtin_line_parses_on_its_own(ontology: Ontology) -> None:
    for f in _root_files():
        for lineno, code, text in _entries(f):
            assert code in ontology.codes, f"{f.name}:{lineno}"
            assert parse_pattern(code, text, f.name, lineno), f"{f.name}:{lineno}"


# -- sentences written for these tests: (sentence, source, expected root) -------------------------

SENTENCES = [
    ("Canada announced on Tuesday that it would review its policy.", "CAN", "01"),
    ("Brazil voiced concern about the rising tensions with Venezuela.", "BRA", "01"),
    ("Mexico conveyed its condolences to Spain after the floods.", "MEX", "01"),
    ("Kenya appealed to Uganda for help with the refugees.", "KEN", "02"),
    ("Poland asked Germany for reparations.", "POL", "02"),
    ("Norway called for a truce between Armenia and Azerbaijan.", "NOR", "02"),
    ("Australia offered financial assistance to Fiji.", "AUS", "03"),
    ("Vietnam expressed readiness to hold talks with China.", "VNM", "03"),
    ("Greece and Turkey discussed the dispute by telephone.", "GRC", "04"),
    ("The Indian prime minister arrived in Tokyo on Monday.", "IND", "04"),
    ("Egypt mediated between Israel and Jordan.", "EGY", "04"),
    ("Chile praised Peru for its cooperation.", "CHL", "05"),
    ("Spain and Morocco signed an agreement on migration.", "ESP", "05"),
    ("South Korea established diplomatic relations with Cuba.", "KOR", "05"),
    ("Japan and India conducted joint naval exercises.", "JPN", "06"),
    ("Germany provided a loan of 500 million euros to Ukraine.", "DEU", "07"),
    ("Britain granted asylum to the Afghan interpreters.", "GBR", "07"),
    ("Iran released the British tanker.", "IRN", "08"),
    ("Israel eased restrictions on Gaza.", "ISR", "08"),
    ("Armenia declared a ceasefire with Azerbaijan.", "ARM", "08"),
    ("The United States lifted sanctions on Venezuela.", "USA", "08"),
    ("Sweden launched an investigation into the killing of a Swedish diplomat in Iraq.", "SWE", "09"),
    ("Ukraine demanded the return of its sailors from Russia.", "UKR", "10"),
    ("Iran demanded an apology from Britain.", "IRN", "10"),
    ("France condemned the attack on its embassy in Niger.", "FRA", "11"),
    ("China accused Japan of provoking tensions.", "CHN", "11"),
    ("Ecuador sued Colombia at the international court.", "ECU", "11"),
    ("Hungary rejected the proposal of the European Union.", "HUN", "12"),
    ("Serbia rejected calls for the independence of Kosovo.", "SRB", "12"),
    ("Russia vetoed a draft resolution on Syria.", "RUS", "12"),
    ("China threatened Taiwan with military action.", "CHN", "13"),
    ("Turkey issued an ultimatum to Syria.", "TUR", "13"),
    ("Armenians rallied in Yerevan against the agreement with Azerbaijan.", "ARM", "14"),
    ("India placed its forces on high alert along the border with Pakistan.", "IND", "15"),
    ("Russia amassed troops near the border with Ukraine.", "RUS", "15"),
    ("Morocco severed diplomatic ties with Iran.", "MAR", "16"),
    ("Lithuania expelled three Russian diplomats.", "LTU", "16"),
    ("The United States imposed tariffs on Chinese goods.", "USA", "16"),
    ("Egypt imposed a curfew in Sinai.", "EGY", "17"),
    ("Iran arrested a French citizen on charges of espionage.", "IRN", "17"),
    ("Nigeria deported hundreds of migrants to Niger.", "NGA", "17"),
    ("Israel bombed targets in Syria.", "ISR", "19"),
    ("Russia shelled Ukrainian positions near Kharkiv.", "RUS", "19"),
    ("Azerbaijan launched an offensive against Armenia.", "AZE", "19"),
    ("Syria used chlorine gas against the rebels.", "SYR", "20"),
    ("Myanmar carried out ethnic cleansing against the Rohingya.", "MMR", "20"),
    # the action patterns are what the coder's frames recode (intent, refusal, threat, appeal, demand)
    ("Russia offered to help Serbia.", "RUS", "03"),
    ("Greece will send firefighters to Turkey.", "GRC", "03"),
    ("The United States urged China to release the activists.", "USA", "02"),
    ("Britain demanded that Iran release the tanker.", "GBR", "10"),
    ("Russia refused to extradite the suspects.", "RUS", "12"),
    ("Iran threatened to close the Strait of Hormuz.", "IRN", "13"),
    ("Turkey warned that it would retaliate.", "TUR", "13"),
    ("Kenyan opposition parties began collecting signatures against the new law.", "KEN", "14"),
    ("Thousands of Kenyan farmers converged on Monday for a rally in Nairobi.", "KEN", "14"),
]

# the phrase decides the sub-code, not only the root
EXACT = [
    ("Russia imposed sanctions on Iran on Monday.", "163"),
    # "attack" a plan, a policy, a stance: criticism; an army's positions: fighting
    ("France attacked the German budget plan.", "111"),
    ("Syrian troops attacked rebel positions near Aleppo.", "190"),
    ("France expressed condolences to Japan.", "018"),
    ("Germany threatened Iran with sanctions.", "1312"),
    ("The French president telephoned his German counterpart.", "041"),
    ("Qatar brokered a truce between Israel and Lebanon.", "045"),
    ("Germany called for the release of the detained journalists in Iran.", "0253"),
    ("Britain appealed for humanitarian aid for Yemen.", "0233"),  # CAMEO: appeal for humanitarian aid (for:humanitarian+aid)
    ("Israel launched airstrikes on Gaza.", "195"),
    ("Syria summoned the Turkish ambassador.", "114"),
    ("Pakistan freed twenty Indian fishermen.", "0841"),
    ("Iran demanded the withdrawal of American troops from Iraq.", "1056"),
    ("The United States provided military aid to Ukraine.", "072"),
    ("Saudi Arabia sent humanitarian aid to Yemen.", "073"),
    ("Iran lifted the ban on opposition parties.", "0812"),
    ("Israel demolished Palestinian homes in the West Bank.", "1712"),
    ("Thailand declared a state of emergency.", "1724"),
    ("Serbia rejected calls for the independence of Kosovo.", "1234"),
    ("Sudan expelled foreign aid agencies.", "1663"),
    ("Kenya appealed for food and medicine for the refugees.", "0233"),
    ("Ukraine asked Germany for weapons and ammunition.", "0232"),
    ("Australia pledged military aid to Papua New Guinea.", "0332"),
    ("Norway offered its good offices to Colombia.", "039"),
    ("Argentina recognized the new government of Bolivia.", "054"),
    ("China forgave the debts of Zambia.", "071"),
    ("Peru lifted the state of emergency in Lima.", "0814"),
    ("Israel allowed humanitarian aid into Gaza.", "0863"),
    ("Ethiopia demobilized thousands of soldiers.", "0873"),
    ("Syria demanded the resignation of the Lebanese prime minister.", "1041"),
    ("Nepal rejected calls for the release of the detained activists.", "1243"),
    ("Venezuela rejected the offer of mediation from Brazil.", "126"),
    ("India threatened Pakistan with war.", "138"),
    ("Iraq threatened Kuwait with invasion.", "1384"),
    ("Thailand banned the opposition party.", "1722"),
    ("Myanmar shut down the internet in Rakhine.", "1721"),
    ("Bahrain stripped dissidents of their citizenship.", "1233"),
    ("Somalia carried out a car bombing in Kenya.", "1832"),
    ("Azerbaijan shelled Armenian villages.", "194"),
    ("Israel violated the ceasefire with Lebanon.", "196"),
    ("China blockaded the island of Taiwan.", "191"),
    ("Jordan suspended talks with Israel.", "164"),
    ("The United States suspended military aid to Egypt.", "1622"),
    ("North Korea test-fired a ballistic missile on Sunday.", "150"),
    ("Egypt declared a unilateral cease-fire.", "0871"),
    # past forms that the small English model lemmatizes oddly (waged -> wag, raped -> rap)
    ("Russia waged war on Ukraine.", "190"),
    ("Sudanese troops raped dozens of women.", "1821"),
    ("Japan hoped for progress in the talks.", "013"),
    # calling off a visit reduces relations, calling off talks halts negotiations
    ("Italy called off a planned visit to Egypt.", "161"),
    ("Iran cancelled the nuclear talks with France.", "164"),
    ("Chad boycotted all contact with Sudan.", "161"),
    ("Iran rejected a proposal from Iraq for a cease-fire.", "1246"),
    ("Hundreds of Afghan families sought asylum in Germany.", "1033"),
    ("Pakistan handed over the suspected bombers to the United States.", "063"),
    ("Libya offered to hand over two of its citizens to Britain.", "0313"),
    ("Colombia returned the seized weapons to Venezuela.", "0842"),
    ("The United States is providing satellite images to Israel.", "064"),
    ("The Red Cross suspended aid deliveries in Somalia.", "1623"),
    ("The United Nations completed its investigation into the shooting.", "090"),
    ("Jordanian border guards sexually abused Syrian migrants.", "182"),
    ("Iran refused to abandon its nuclear program.", "124"),
    ("Kenyan riots against the government's austerity policies continued.", "1452"),
    ("Romania asked the European Union for the delivery of food aid.", "023"),
    ("The Turkish interior ministry denied a permit for the march.", "120"),
    ("Israel allowed the return of Palestinian refugees.", "0833"),
    ("The Egyptian government expanded political freedoms.", "0811"),
    ("The United States would prohibit all aid to the rebels in Sudan.", "1311"),
    ("Japan urged Britain to help save the lives of the refugees.", "0233"),
    ("Norway promised to send equipment to Estonia.", "033"),
    ("China said it was optimistic about the talks with Japan.", "013"),
    ("The German chancellor said she was worried about the fighting in Ukraine.", "012"),
    ("The Indian government is wary of Chinese investment.", "012"),
    ("Brazil said it was concerned about the clashes.", "012"),
    ("Iranian and British diplomats gathered in Vienna for talks on the nuclear deal.", "040"),
    ("The United Nations evacuated its peacekeepers from Somalia.", "1661"),
    ("Chechen rebels murdered three Russian soldiers in an ambush.", "190"),
    ("Russia cut off gas supplies to Ukraine.", "160"),
    ("Israel cut off water to Gaza.", "1623"),
    ("Indonesia lifted trade barriers on rice imports.", "061"),
    ("Kenyan jurists investigated the welfare of Libyan prisoners.", "092"),
    ("Some 500,000 Serbian workers stopped work on Monday over a new labour bill.", "1432"),
    ("Britain urged Japan to implement economic reforms.", "0242"),
    ("Kenyan doctors went on strike over unpaid wages.", "143"),
    ("Britain handed the suspects to Spanish police.", "063"),
    ("The Venezuelan government confiscated the property of an exiled Venezuelan businessman.", "1711"),
    ("The United States froze the assets of the Iranian central bank.", "163"),
    ("Belarusian police stopped the opposition march in Minsk.", "175"),
    # where two codes share a verb and object, the earlier line wins: these check the intended winner
    ("French unions called a general strike.", "143"),
    ("Chilean students organized a protest against the war.", "1412"),
    ("Iranian security forces suppressed the demonstrations in Tehran.", "175"),
    ("The United States withheld military aid from Egypt.", "1622"),
    ("Russia and Ukraine exchanged prisoners.", "0841"),
    ("Sudan refused food aid from the United Nations.", "1223"),
    ("Somali rebels launched an attack against government forces.", "190"),
    # plain objects listed before a modifier+object (lines that were split)
    ("A Lebanese newspaper has violated a ban by the Lebanese army.", "128"),
    ("Russia launched an offensive in eastern Ukraine.", "190"),
    ("Kenyan prosecutors opened a case against the governor.", "115"),
    ("Israel built settlements in the West Bank.", "192"),
    ("The Kenyan parliament approved constitutional amendments.", "0834"),
    ("Zambian farmers demanded a change in the agricultural policy.", "1042"),
    ("The United Nations urged Myanmar to allow aid workers into Rakhine.", "0255"),
    # a modifier on a prepositional object (for:military+aid); a preposition under a particle
    ("Bolivia appealed to Brazil for humanitarian aid.", "0233"),
    ("Somali militants killed two Kenyan soldiers in a car bomb attack in Mogadishu.", "1832"),
    ("Taliban fighters killed three Afghan policemen in a roadside bomb blast in Kandahar.", "1833"),
    ("Chile and Peru agreed on a new free-trade pact on Monday.", "0311"),
    ("Kurdish rebels walked out of the peace talks with Turkey.", "164"),
    # a protest's demand for change selects its sub-code
    ("Thousands of Bolivian miners marched in La Paz, calling for the resignation of the president.", "1411"),
]


@pytest.mark.parametrize("sentence, source, root", SENTENCES)
def test_sentence_codes_to_root(code_text, sentence: str, source: str, root: str) -> None:
    art = code_text(sentence, date="2024-03-06")
    got = {(e.source.country, e.root) for e in art.events}
    assert (source, root) in got, (sentence, [(e.source.code, e.cameo, e.rule) for e in art.events])


@pytest.mark.parametrize("sentence, code", EXACT)
def test_sentence_codes_to_exact_code(code_text, sentence: str, code: str) -> None:
    art = code_text(sentence, date="2024-03-06")
    assert code in {e.cameo for e in art.events}, (sentence, [(e.cameo, e.rule) for e in art.events])


@pytest.mark.parametrize("sentence", [
    "France made a decision about its budget on Monday.",
    "Germany took a long time to count the votes.",
    "Japan has a very old population.",
    "Italy went through a difficult winter.",
    "Spain said that the weather was cold.",
    "China reported its economic data on Monday.",
    "Germany will fight inflation with higher interest rates.",
    "Japan demonstrated its commitment to free trade.",
    "Brazil ordered twenty new aircraft from France.",
    "Canada mobilized two billion dollars for climate projects.",
    "Mexico equipped its hospitals with new ventilators.",
    "Spain targets growth of two percent next year.",
    "Brazil charged higher fees for visas.",
    "Chile opened a new port.",
    "Turkey raised interest rates.",
])
def test_common_verbs_alone_code_nothing(code_text, sentence: str) -> None:
    art = code_text(sentence, date="2024-03-06")
    assert not art.events, [(e.cameo, e.rule) for e in art.events]


def test_each_event_names_its_lexicon_line(code_text) -> None:
    art = code_text("Russia imposed sanctions on Iran on Monday.", date="2024-03-06")
    rules = [e.rule for e in art.events]
    assert rules and all(re.search(r"data/verbs/\d\d_[a-z_]+\.txt:\d+", r) for r in rules), rules


def test_patterns_per_root_are_balanced(lexicon: VerbLexicon) -> None:
    per_root: dict[str, int] = defaultdict(int)
    for p in lexicon.patterns:
        per_root[p.code[:2]] += 1
    assert set(per_root) == {f"{i:02d}" for i in range(1, 21)}
    assert min(per_root.values()) >= 60, dict(per_root)
