"""Requirement lines read as what they ask (matching.requirements), on real vacancy and CV lines."""

from pathlib import Path

import pytest

from matching import load_reference, parse_requirement, taxonomies
from matching.requirements import Cues

DATA = Path(__file__).resolve().parents[1] / "spt" / "data"


@pytest.fixture(scope="module")
def parse():
    reference = load_reference(DATA)
    _, skills = taxonomies(reference)
    return lambda line: parse_requirement(line, skills, reference.cues)


def kinds(found) -> list[str]:
    return [r.kind for r in found]


@pytest.mark.parametrize(
    ("line", "categories", "hard"),
    [
        ("Je bent in het bezit van een rijbewijs B;", ["B"], True),
        ("een rijbewijs is noodzakelijk", ["B"], True),
        ("Rijbewijs C/CE en code 95", ["C", "CE"], None),
        ("groot rijbewijs", ["C"], None),
        ("rijbewijs B is een pré", ["B"], False),
    ],
)
def test_a_driving_licence_is_read_with_its_categories_and_whether_it_is_a_must(
        parse, line, categories, hard):
    licences = [r for r in parse(line) if r.kind == "licence"]
    assert [r.value for r in licences] == categories
    assert all(r.hard is hard for r in licences)
    assert all(r.concept_id == f"rijbewijs-{c.lower()}" for r, c in
               zip(licences, categories, strict=True))


def test_code_95_beside_a_licence_is_a_certificate(parse):
    found = parse("Rijbewijs C/CE en code 95")
    assert ("certificate", "code-95") in [(r.kind, r.concept_id) for r in found]


@pytest.mark.parametrize(
    ("line", "language", "level"),
    [
        ("je spreekt vloeiend Nederlands", "nl", "C1"),
        ("NT2 niveau B1", "nl", "B1"),
        ("Goede beheersing van de Engelse taal", "en", "B2"),
    ],
)
def test_a_language_line_gives_the_language_and_its_cefr_level(parse, line, language, level):
    (found,) = [r for r in parse(line) if r.kind == "language"]
    assert (found.value, found.level) == (language, level)


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("mbo-3 elektrotechniek", "mbo-3"),
        ("Afgeronde mbo-opleiding niveau 3 werktuigbouwkunde", "mbo-3"),
        ("hbo werk- en denkniveau", "bachelor"),
    ],
)
def test_an_education_line_is_a_level_and_never_a_skill(parse, line, level):
    found = parse(line)
    assert kinds(found) == ["education"]
    assert found[0].value == level


@pytest.mark.parametrize(
    ("line", "years"),
    [
        ("5 jaar werkervaring in de bouw", 5),
        ("Minimaal 2 jaar ervaring als servicemonteur", 2),
    ],
)
def test_years_of_experience_are_experience_and_never_a_skill(parse, line, years):
    found = parse(line)
    assert kinds(found) == ["experience"]
    assert found[0].years == years


def test_experience_with_a_skill_gives_both(parse):
    found = parse("3 jaar ervaring met PLC programmeren")
    assert [(r.kind, r.years or r.concept_id) for r in found] == [
        ("experience", 3), ("skill", "plc-programmeren")]


@pytest.mark.parametrize(
    ("line", "skill"),
    [
        ("kennis van de NEN 1010", "nen-1010"),
        ("ervaring met solderen", "solderen"),
        ("Je bent in het bezit van een geldig VCA-VOL diploma", "vca-vol"),
    ],
)
def test_a_skill_or_certificate_is_found_after_the_polite_words(parse, line, skill):
    found = [r for r in parse(line) if r.kind in ("skill", "certificate")]
    assert found[0].concept_id == skill


def test_a_certificate_is_typed_as_a_certificate_and_an_activity_as_a_skill(parse):
    (vca,) = [r for r in parse("VCA VOL") if r.concept_id]
    assert vca.kind == "certificate"
    (forklift,) = [r for r in parse("heftruck rijden") if r.concept_id]
    assert (forklift.kind, forklift.concept_id) == ("skill", "heftruck-rijden")


@pytest.mark.parametrize("line", ["Je bent vol ambities;", "Je hebt humor",
                                  "Een sociaal en gemotiveerd persoon je bent namelijk ons "
                                  "visitekaartje;"])
def test_a_line_that_is_no_skill_we_know_is_never_taken_as_a_sure_one(parse, line):
    assert not any(r.sure for r in parse(line) if r.kind in ("skill", "certificate"))


def test_an_empty_line_asks_nothing(parse):
    assert parse("") == ()


def test_an_unsure_skill_names_its_best_guess_with_the_alternatives(parse):
    unsure = [r for r in parse("Verhelpen van storingen aan verlichting;") if not r.sure]
    assert unsure and unsure[0].alternatives
    assert unsure[0].alternatives[0].concept_id == unsure[0].concept_id


def test_cue_kinds_are_checked():
    with pytest.raises(ValueError, match="cue kind"):
        Cues.build([("vereist", "verplichting", "true")])
