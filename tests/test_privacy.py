"""Privacy by construction: every table with candidate data is covered by export and erasure."""

from spt.models import metadata
from spt.services.privacy import COVERAGE

# Tables that refer to users only as staff or employer accounts, never to a candidate's data.
STAFF_ONLY = {
    "employer": "the employer's own account",
    "matchround": "the advisor who ran the round",
    "kpitarget": "the admin who set the target",
}


def _references(table, target: str) -> bool:
    return any(fk.column.table.name == target for fk in table.foreign_keys)


def test_every_table_referring_to_a_candidate_is_covered_by_export_and_erasure():
    holding = {name for name, table in metadata.tables.items()
               if _references(table, "candidate")}
    assert holding, "the model lost its candidate tables"
    assert holding - set(COVERAGE) == set()


def test_every_table_referring_to_a_user_is_covered_or_staff_only():
    holding = {name for name, table in metadata.tables.items() if _references(table, "user")}
    uncovered = holding - set(COVERAGE) - set(STAFF_ONLY)
    assert uncovered == set(), f"add these tables to privacy.COVERAGE: {sorted(uncovered)}"


def test_coverage_names_only_real_tables():
    assert set(COVERAGE) <= set(metadata.tables)
