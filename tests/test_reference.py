"""Reference data in the database: ESCO import, skills, modules, career paths, postcodes."""

import time

import pytest
from sqlmodel import func, select

from spt.db import get_db
from spt.models import CareerPath, CareerPathStep, Module, ModuleSkill, Occupation, Skill
from spt.services import postcodes, reference
from spt.services.errors import DomainError


def count(model) -> int:
    return get_db().exec(select(func.count()).select_from(model)).one()


def test_all_esco_occupations_are_loaded_with_labels_and_isco_groups(app):
    with app.app_context():
        db = get_db()
        assert db.exec(select(func.count()).where(Occupation.source == "esco")).one() == 3039
        curated = db.exec(select(Occupation).where(Occupation.source == "spt")).all()
        assert curated and all(o.uri.startswith("spt:") and o.maps_to for o in curated)
        solar = get_db().exec(select(Occupation).where(
            Occupation.preferred_label == "monteur zonnepanelen")).one()
        assert solar.isco_group == "7411"
        assert solar.uri.startswith("http://data.europa.eu/esco/occupation/")
        assert sum(len(o.alt_labels) for o in get_db().exec(select(Occupation))) > 15_000
        # ESCO's hidden labels are spellings to catch, kept apart from the names
        assert sum(len(o.hidden_labels) for o in get_db().exec(select(Occupation))) > 1_000


REFERENCE_TABLES = (Occupation, Skill, Module, CareerPath, CareerPathStep, ModuleSkill)


def test_loading_reference_data_twice_changes_nothing(app, runner):
    with app.app_context():
        before = {m.__name__: count(m) for m in REFERENCE_TABLES}
    result = runner.invoke(args=["load-reference"])
    assert result.exit_code == 0, result.output
    assert "0 toegevoegd, 0 bijgewerkt" in result.output
    with app.app_context():
        after = {m.__name__: count(m) for m in REFERENCE_TABLES}
    assert after == before


def test_catalogue_sizes(app):
    with app.app_context():
        assert count(Skill) >= 300
        assert count(Module) >= 40
        assert count(CareerPath) >= 12
        assert count(ModuleSkill) >= count(Module)


def test_jargon_is_kept_as_synonyms(app):
    with app.app_context():
        skills = list(get_db().exec(select(Skill)))
        words = {w.lower() for s in skills for w in [s.label, *s.synonyms]}
        for jargon in ("nen 3140", "vca basis", "plc", "domotica", "bim"):
            assert any(jargon in word for word in words), jargon


def test_esco_import_is_fast_enough_on_an_empty_table(app):
    with app.app_context():
        db = get_db()
        start = time.perf_counter()
        summary = reference.import_esco(db)
        assert summary.added == 0 and summary.updated == 0
        assert time.perf_counter() - start < 30


def test_distance_between_amsterdam_centre_and_almere(app):
    with app.app_context():
        assert 20 <= postcodes.distance_km("1012", "1315") <= 30
        assert postcodes.distance_km("1012", "1012") == 0


@pytest.mark.parametrize("bad", ["", "abcd", "0123", "12345", "1234 S", "1050", "1093 SS",
                                 "1093AB; DROP TABLE", "１２３４"])
def test_malformed_or_unknown_postcodes_get_a_dutch_message(app, bad):
    with app.app_context(), pytest.raises(DomainError) as raised:
        postcodes.parse(bad)
    assert "postcode" in raised.value.message.lower() or "Postcode" in raised.value.message


def test_unknown_pc4_in_a_distance_is_a_clear_error(app):
    with app.app_context(), pytest.raises(DomainError, match="kennen we niet"):
        postcodes.distance_km("1012", "0000")


def test_postcode_is_normalised_and_only_pc4_is_kept_for_matching(app):
    with app.app_context():
        assert postcodes.parse(" 1093ab ") == ("1093 AB", "1093")
        assert postcodes.area("1093").region == "Groot Amsterdam"
