"""Recognising free-text job titles and skills as taxonomy concepts (matching.taxonomy).

The first part checks the rules on a small taxonomy with the shipped lexicon and the default
ranker; the second part checks real titles and requirement lines (from the issue reports and the
public vacancies behind tests/eval/real) against the shipped reference data and trained rankers.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching import Concept, Suggestion, Taxonomy, load_lexicon, load_reference, taxonomies
from matching.taxonomy import DEFAULT_CUTOFF
from tests.profiles import examples

DATA = Path(__file__).resolve().parents[1] / "spt" / "data"
LEXICON = load_lexicon(DATA)

OCCUPATIONS = [
    Concept("elektromonteur", "elektromonteur", ("monteur elektrotechnische installaties",)),
    Concept("monteur", "monteur"),
    Concept("elektricien", "elektricien", ("installateur elektra",)),
    Concept("chromatograaf", "operator chromatograaf"),
    Concept("operator", "operator productielijn"),
    Concept("verhuur", "verhuurmedewerker personenauto's"),
    Concept("zonnepanelen", "monteur zonnepanelen", ("zonnepaneelmonteur",)),
    Concept("magazijn", "magazijnmedewerker", ("orderpicker",)),
    Concept("analist", "chemisch analist"),
    Concept("loodgieter", "loodgieter"),
    Concept("chauffeur", "vrachtwagenchauffeur"),
    Concept("stuurman", "stuurman binnenvaart"),
    Concept("machinist", "machinist"),
    Concept("biotech", "biotechnoloog"),
    Concept("directeur", "technisch directeur"),
    Concept("lasser", "lasser", ("constructielasser",)),
    Concept("liftmonteur", "liftmonteur"),
    Concept("gasmonteur", "gasmonteur"),
]
SKILLS = [
    Concept("pv", "zonnestroomsystemen", ("PV-techniek", "pv-systemen"), "kennis"),
    Concept("pvc", "pvc-leidingen lijmen", (), "vaardigheid"),
    Concept("nen-3140", "NEN 3140", ("NEN3140", "veilig werken aan elektrische installaties")),
    Concept("nen-1010", "NEN 1010", ("installatievoorschriften laagspanning",)),
    Concept("vca-basis", "VCA basis", ("VCA", "B-VCA")),
    Concept("vca-vol", "VCA VOL", ("VOL-VCA",)),
    Concept("f-gassen", "F-gassen", ("STEK", "F-gassencertificaat")),
    Concept("solderen", "solderen", ("soldeerwerk",)),
    Concept("storingen", "storingen verhelpen"),
]


@pytest.fixture(scope="module")
def occupations() -> Taxonomy:
    return Taxonomy.build(OCCUPATIONS, lexicon=LEXICON)


@pytest.fixture(scope="module")
def skills() -> Taxonomy:
    return Taxonomy.build(SKILLS, kind="skill", lexicon=LEXICON)


def top_id(tax: Taxonomy, text: str) -> str | None:
    found = tax.suggest(text, limit=1)
    return found[0].concept_id if found else None


def accepted_id(tax: Taxonomy, text: str) -> str | None:
    accepted = tax.recognise(text).accepted
    return accepted.concept_id if accepted else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("elektromontuer", "elektromonteur"),
        ("loodgietr", "loodgieter"),
        ("vrachtwagenchaufeur", "chauffeur"),
        ("operator chromatorgaaf", "chromatograaf"),
        ("magazijnmedewerkr", "magazijn"),
    ],
)
def test_a_typo_still_finds_the_intended_occupation(occupations, query, expected):
    assert top_id(occupations, query) == expected


@pytest.mark.parametrize("query", ["ELEKTROMONTEUR", "Elektromonteur", "eLeKtRoMoNtEuR"])
def test_capitals_do_not_matter(occupations, query):
    assert accepted_id(occupations, query) == "elektromonteur"


@pytest.mark.parametrize(
    ("query", "expected"),
    [("zonnepanelen monteur", "zonnepanelen"), ("analist chemisch", "analist")],
)
def test_word_order_does_not_matter(occupations, query, expected):
    assert accepted_id(occupations, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("operator chrom-atograaf", "chromatograaf"),
        ("verhu-urmedewerker personenauto's", "verhuur"),
        ("magazijn medewerker", "magazijn"),
        ("zonnepaneel-monteur", "zonnepanelen"),
        ("vrachtwagen chauffeur", "chauffeur"),
        ("elektro-monteur", "elektromonteur"),
    ],
)
def test_compounds_written_apart_or_hyphenated_are_joined(occupations, query, expected):
    assert top_id(occupations, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("elektromonteuse", "elektromonteur"),  # -eur/-euse
        ("magazijnmedewerkster", "magazijn"),  # medewerker/medewerkster
        ("constructielasster", "lasser"),  # -er/-ster
        ("machiniste", "machinist"),  # -ist/-iste
        ("stuurvrouw binnenvaart", "stuurman"),  # -man/-vrouw
        ("biotechnologe", "biotech"),  # -loog/-loge
        ("technisch directrice", "directeur"),  # -teur/-trice
    ],
)
def test_female_forms_find_the_occupation(occupations, query, expected):
    assert accepted_id(occupations, query) == expected


@pytest.mark.parametrize(
    "query",
    [
        "junior elektromonteur",
        "senior elektromonteur",
        "leerling elektromonteur",
        "allround elektromonteur",
        "Elektromonteur (m/v)",
        "elektromonteur (m/v/x)",
        "elektromonteur 32-40 uur",
        "elektromonteur fulltime",
        "elektromonteur regio Amsterdam",
        "vacature elektromonteur",
        "BBL elektromonteur",
        "elektromonteur per direct",
        "Ervaren elektromonteur gezocht",
        "elektromonteur in loondienst",
        "Allround elektromonteur (m/v) - fulltime - 32-40 uur - regio Utrecht",
        "Elektromonteur bij Becker International B.V.",
        "elektromonteur @ Feenstra",
        "Elektromonteur | Installatiebedrijf Smit",
        "elektromonteur € 2.800 - € 3.600 bruto per maand",
    ],
)
def test_vacancy_noise_employers_and_places_are_ignored(occupations, query):
    assert accepted_id(occupations, query) == "elektromonteur"


@pytest.mark.parametrize(
    "query",
    ["junior elektromontuer (m/v)", "leerling loodgietr 32-40 uur", "magazijnmedewerkstr gezocht"],
)
def test_a_typo_with_a_qualifier_is_still_found(occupations, query):
    assert top_id(occupations, query) in {"elektromonteur", "loodgieter", "magazijn"}


@pytest.mark.parametrize("query", ["qwerty zxcv", "xyz", "", "   ", "(m/v)!!", "zzzzzzzzzz"])
def test_nonsense_is_never_accepted_and_offers_at_most_unlikely_guesses(occupations, query):
    found = occupations.recognise(query)
    assert found.accepted is None
    assert all(s.confidence < 0.2 for s in found.suggestions)


def test_a_cutoff_of_one_keeps_nothing_but_certainties(occupations):
    assert occupations.suggest("qwerty zxcv", cutoff=0.99) == []
    assert [s.concept_id for s in occupations.suggest("Loodgieter", cutoff=0.95)] == ["loodgieter"]


def test_suggestions_name_the_preferred_and_the_matched_label(occupations):
    best = occupations.best("orderpickster")
    assert best == Suggestion("magazijn", "magazijnmedewerker", "orderpicker", best.confidence,
                              "alt")


def test_ties_come_in_concept_input_order():
    concepts = [Concept("a", "monteur"), Concept("b", "Monteur"), Concept("c", "monteur")]
    forward = Taxonomy.build(concepts).suggest("monteur", cutoff=0.0)
    backward = Taxonomy.build(concepts[::-1]).suggest("monteur", cutoff=0.0)
    assert [s.concept_id for s in forward] == ["a", "b", "c"]
    assert [s.concept_id for s in backward] == ["c", "b", "a"]
    assert len({s.confidence for s in forward}) == 1


def test_suggestions_are_ranked_by_confidence_and_limited(occupations):
    found = occupations.suggest("monteur zonnepaneel", limit=3, cutoff=0.0)
    assert 0 < len(found) <= 3
    assert [s.confidence for s in found] == sorted((s.confidence for s in found), reverse=True)
    assert occupations.suggest("monteur", limit=0) == []


def test_suggest_many_answers_like_suggest(occupations):
    texts = ["elektromontuer", "monteur", "qwerty", "", "verhu-urmedewerker", "vrachtwagen"]
    assert occupations.suggest_many(texts, limit=3) == [
        occupations.suggest(t, limit=3) for t in texts
    ]


@settings(max_examples=examples(150))
@given(st.text(max_size=40), st.integers(min_value=0, max_value=8))
def test_confidence_lies_in_zero_one_and_concepts_are_unique(text, limit):
    tax = Taxonomy.build(OCCUPATIONS, lexicon=LEXICON)
    found = tax.suggest(text, limit=limit, cutoff=0.0)
    assert len(found) <= limit
    assert all(0.0 <= s.confidence <= 1.0 for s in found)
    assert len({s.concept_id for s in found}) == len(found)
    assert [s.confidence for s in found] == sorted((s.confidence for s in found), reverse=True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("NEN 3140", "nen-3140"),
        ("nen3140", "nen-3140"),
        ("NEN-3140", "nen-3140"),
        ("NEN 1010", "nen-1010"),
        ("VCA basis", "vca-basis"),
        ("vca-basis", "vca-basis"),
        ("VCA VOL", "vca-vol"),
        ("F-gassen", "f-gassen"),
        ("f gassen", "f-gassen"),
        ("STEK", "f-gassen"),
        ("ervaring met solderen", "solderen"),
        ("soldeerwek", "solderen"),
        ("het verhelpen van storingen", "storingen"),  # stems: storingen/storing, verhelpen
    ],
)
def test_skill_jargon_abbreviations_and_word_forms_are_accepted(skills, query, expected):
    assert accepted_id(skills, query) == expected


@pytest.mark.parametrize("query", ["PVA", "VCB", "NEN 3141", "NEN 3", "EV", "pc", "F"])
def test_abbreviations_and_numbers_never_fuzzy_match_another_skill(skills, query):
    assert skills.recognise(query).accepted is None


def test_pv_does_not_match_pvc(skills):
    found = skills.suggest("PV", cutoff=0.0)
    assert found[0].concept_id == "pv"
    assert all(s.concept_id != "pvc" or s.confidence < 0.01 for s in found)


def test_skills_keep_their_gender_like_endings():
    tax = Taxonomy.build([Concept("s", "meester"), Concept("m", "meer")], kind="skill")
    assert top_id(tax, "meester") == "s"


def test_a_hidden_label_counts_far_less_than_an_alternative_one():
    tax = Taxonomy.build([
        Concept("ingenieur", "installatie-ingenieur", hidden_labels=("installateur",)),
        Concept("installateur", "installatiemonteur", ("installateur",)),
    ])
    found = tax.suggest("installateur", cutoff=0.0)
    assert found[0].concept_id == "installateur"
    assert found[0].confidence > 3 * found[1].confidence


def test_an_exact_preferred_label_beats_another_concepts_exact_alternative_label():
    tax = Taxonomy.build([
        Concept("groen", "medewerker groenvoorziening", ("hovenier",)),
        Concept("hovenier", "hovenier"),
    ])
    assert top_id(tax, "Hovenier") == "hovenier"


def test_a_compound_missing_from_the_taxonomy_is_split_into_modifier_and_head():
    tax = Taxonomy.build(OCCUPATIONS + [Concept("dakkapel", "monteur dakkapellen"),
                                        Concept("warmtenet", "monteur warmtenetten")])
    assert top_id(tax, "dakkapelmonteur") == "dakkapel"
    assert top_id(tax, "warmtenetmonteur") == "warmtenet"


def test_jargon_is_spelled_out_from_the_lexicon():
    tax = Taxonomy.build([
        Concept("w", "monteur werktuigkundige installaties"),
        Concept("e", "monteur elektrotechnische installaties"),
    ], lexicon=LEXICON)
    assert accepted_id(tax, "Monteur W (BBL)") == "w"
    assert accepted_id(tax, "monteur E") == "e"


def test_a_curated_concept_counts_as_the_esco_concept_it_stands_for():
    tax = Taxonomy.build([
        Concept("esco:pv", "monteur zonnepanelen"),
        Concept("spt:pv", "zonnepanelenmonteur", ("pv-monteur",), maps_to=("esco:pv",)),
    ])
    found = tax.suggest("zonnepanelenmonteur", cutoff=0.0)
    assert [s.concept_id for s in found][:1] == ["spt:pv"]
    assert "esco:pv" not in [s.concept_id for s in found]  # one answer, never split in two
    assert tax.stands_for("spt:pv") == {"spt:pv", "esco:pv"}


def test_get_len_and_duplicate_ids():
    tax = Taxonomy.build([Concept("a", "lasser"), Concept("a", "dubbel"), Concept("b", "smid")])
    assert len(tax) == 2
    assert tax.get("a").label == "lasser"
    assert tax.get("zzz") is None


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        Taxonomy.build(OCCUPATIONS, kind="module")


def test_default_cutoff_is_a_probability():
    assert 0.0 < DEFAULT_CUTOFF < 1.0


# --- real titles and lines with the shipped data --------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return taxonomies(load_reference(DATA))


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ("huisvrouw", "huishoud(st)er"),
        ("kassiere albert heijn", "kassamedewerker"),
        ("monteur laadinfrastructuur", "laadpaalmonteur"),
        ("assistent-uitvoerder GWW", "assistent-uitvoerder GWW"),
        ("1e monteur E", "eerste monteur E (elektrotechniek)"),
        ("chauffeur C/CE", "vrachtwagenchauffeur"),
        ("Servicemonteur warmtepompen regio Utrecht", "servicemonteur warmtepompen"),
        ("glasvezelmonteur", "glasvezelmonteur"),
        ("werkvoorbereider", "werkvoorbereider bouw"),
        ("BIM-modelleur", "BIM-modelleur"),
        ("verzorgende IG", "thuiszorgmedewerker"),
    ],
)
def test_real_titles_from_the_issue_reports_are_recognised(shipped, query, label):
    occupations, _ = shipped
    first = occupations.suggest(query, limit=1)[0]
    assert occupations.get(first.concept_id).label == label


@pytest.mark.parametrize(
    "query",
    ["monteur", "installateur", "servicemonteur", "onderhoudsmonteur", "elektromonteur"],
)
def test_mbo_trades_are_not_filed_as_engineers(shipped, query):
    occupations, _ = shipped
    first = occupations.suggest(query, limit=1)[0]
    assert occupations.get(first.concept_id).group[:1] not in "12"  # ISCO major groups 1-2


@pytest.mark.parametrize(
    ("query", "skill"),
    [
        ("rijbewijs D", "rijbewijs-d"),
        ("heftruck rijden", "heftruck-rijden"),
        ("Je bent in het bezit van een geldig VCA-VOL diploma", "vca-vol"),
        ("kennis van de NEN 1010", "nen-1010"),
    ],
)
def test_real_requirement_lines_find_their_skill(shipped, query, skill):
    _, skills = shipped
    assert skills.suggest(query, limit=1)[0].concept_id == skill


def test_an_activity_is_never_recognised_as_a_certificate(shipped):
    _, skills = shipped
    found = skills.suggest("heftruck rijden", limit=3)
    assert found[0].concept_id == "heftruck-rijden"
    assert skills.get(found[0].concept_id).group != "certificaat"


def test_an_answer_found_through_an_english_label_is_offered_never_accepted_on_its_own():
    tax = Taxonomy.build([
        Concept("monteur-service", "servicemonteur", english_labels=("field service engineer",)),
        Concept("lasser", "lasser")], lexicon=LEXICON)
    english = tax.recognise("field service engineer")
    assert english.suggestions[0].concept_id == "monteur-service"
    assert english.suggestions[0].label_kind == "english"
    assert english.accepted is None  # "Bedoel je ...?", whatever the confidence
    dutch = tax.recognise("servicemonteur")
    assert dutch.accepted is not None and dutch.accepted.concept_id == "monteur-service"
