"""Checks on the reference data shipped in spt/data (formats as described in spt/data/README.md).

Reads the files directly with the standard library and PyYAML; imports neither flask nor spt.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parent.parent / "spt" / "data"

THEMES = {"bouw", "installatie", "energie", "mobiliteit", "ict"}
LEVELS = {"mbo-1", "mbo-2", "mbo-3", "mbo-4", "ad", "bachelor", "master"}
NT2 = {"A1", "A2", "B1", "B2", "C1", "C2"}
KINDS = {"vaardigheid", "kennis", "certificaat", "transversaal"}
CREDENTIALS = {"mbo-certificaat", "mbo-verklaring", "keuzedeel", "microcredential",
               "branchecertificaat", "praktijkverklaring", "geen"}
CIVIL_VALUES = {"wettelijk erkend", "landelijk erkend", "instellingsgebonden", "geen"}
PLACEMENT_KINDS = {"vacature", "wep", "bbl", "stage", "proefplaatsing"}
STEP_KINDS = {"orientation", "module", "placement", "job"}
RELATIONS = {"essential", "optional"}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

EVAL_PHRASES = [
    "veilig werken op hoogte", "zonnepanelen monteren", "VCA basis", "storingen zoeken",
    "klantvriendelijk", "projectmanagement", "NEN 3140", "elektrische installaties ontwerpen",
    "warmtepompen installeren", "laadpalen installeren", "plannen", "Python programmeren", "SQL",
    "computerproblemen oplossen", "elektrische installaties aanleggen",
]

MODULE_FIELDS = ["id", "title", "provider", "credential", "civil_value", "level", "weeks",
                 "hours_per_week", "cost_eur", "location", "online", "start_moments", "min_nt2",
                 "min_level", "themes", "skills", "status", "description", "nt2_to"]
PATH_FIELDS = ["id", "title", "theme", "description", "target_occupations", "levels",
               "entry_profiles", "required_skills", "steps"]


def read_csv(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def split(cell: str) -> list[str]:
    return [v for v in cell.split("|") if v] if cell else []


@cache
def occupations() -> list[dict[str, str]]:
    return read_csv("esco/occupations_nl.csv")


@cache
def occupation_uris() -> frozenset[str]:
    return frozenset(r["uri"] for r in occupations())


@cache
def occupation_skills() -> list[dict[str, str]]:
    with gzip.open(DATA / "esco" / "occupation_skills.csv.gz", "rt", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@cache
def skills() -> list[dict[str, str]]:
    return read_csv("skills.csv")


@cache
def skill_ids() -> frozenset[str]:
    return frozenset(r["id"] for r in skills())


@cache
def modules() -> list[dict]:
    return json.loads((DATA / "modules.json").read_text(encoding="utf-8"))


@cache
def career_paths() -> list[dict]:
    return yaml.safe_load((DATA / "career_paths.yaml").read_text(encoding="utf-8"))


def terms_of(row: dict[str, str]) -> list[str]:
    return [row["label"], *split(row["synonyms"])]


# --- ESCO ---------------------------------------------------------------------------------

def test_all_esco_occupations_are_shipped_once():
    rows = occupations()
    assert list(rows[0]) == ["uri", "isco_group", "code", "preferred_label", "alt_labels",
                             "hidden_labels"]
    assert len(rows) == 3039
    assert len(occupation_uris()) == 3039
    assert all(re.fullmatch(r"\d{4}", r["isco_group"]) for r in rows)
    assert all(r["preferred_label"] == r["preferred_label"].strip() != "" for r in rows)
    assert all("\n" not in r["alt_labels"] for r in rows)
    assert not any(set(split(r["alt_labels"])) & set(split(r["hidden_labels"])) for r in rows)


def test_isco_groups_have_codes_and_labels():
    rows = read_csv("esco/isco_groups_nl.csv")
    assert list(rows[0]) == ["code", "label"]
    codes = {r["code"] for r in rows}
    assert len(codes) == len(rows)
    assert {"7411", "7126", "7231", "2512"} <= codes
    assert {r["isco_group"] for r in occupations()} <= codes


def test_all_occupation_skill_links_are_shipped():
    rows = occupation_skills()
    assert list(rows[0]) == ["occupation_uri", "relation", "skill_uri", "skill_label_en"]
    assert len(rows) == 129004
    assert {r["relation"] for r in rows} == RELATIONS
    assert {r["occupation_uri"] for r in rows} <= occupation_uris()


def test_solar_panel_installer_is_an_electrician_occupation():
    hits = [r for r in occupations()
            if r["preferred_label"] == "monteur zonnepanelen"
            or "monteur zonnepanelen" in split(r["alt_labels"])]
    assert [r["isco_group"] for r in hits] == ["7411"]
    assert "PV-monteur" in split(hits[0]["alt_labels"])


# --- curated skills -----------------------------------------------------------------------

def test_skills_have_the_documented_columns_and_enough_rows():
    rows = skills()
    assert list(rows[0]) == ["id", "label", "kind", "themes", "synonyms", "esco_uris"]
    assert len(rows) >= 320


def test_skill_ids_are_unique_slugs():
    ids = [r["id"] for r in skills()]
    assert len(ids) == len(set(ids))
    assert all(SLUG.fullmatch(i) for i in ids)


def test_skill_kinds_and_themes_are_valid():
    for r in skills():
        assert r["kind"] in KINDS, r["id"]
        assert set(split(r["themes"])) <= THEMES, r["id"]
        assert r["label"] == r["label"].strip() != "", r["id"]


def test_no_label_or_synonym_belongs_to_two_skills():
    owners: dict[str, set[str]] = {}
    counts: Counter[str] = Counter()
    for r in skills():
        for term in terms_of(r):
            key = term.strip().casefold()
            counts[key] += 1
            owners.setdefault(key, set()).add(r["id"])
    assert [k for k, n in counts.items() if n > 1] == []
    assert all(len(v) == 1 for v in owners.values())


def test_most_skills_have_synonyms_and_esco_uris():
    rows = skills()
    assert sum(bool(r["synonyms"]) for r in rows) >= 0.8 * len(rows)
    assert sum(bool(r["esco_uris"]) for r in rows) >= 0.6 * len(rows)


def test_skill_esco_uris_exist_in_the_occupation_skill_links():
    known = {r["skill_uri"] for r in occupation_skills()}
    for r in skills():
        assert set(split(r["esco_uris"])) <= known, r["id"]


@pytest.mark.parametrize("phrase", EVAL_PHRASES)
def test_eval_phrase_resolves_to_exactly_one_skill(phrase):
    key = phrase.casefold()
    hits = [r["id"] for r in skills() if key in {t.casefold() for t in terms_of(r)}]
    assert len(hits) == 1, (phrase, hits)


# --- skill -> occupation links ------------------------------------------------------------

@pytest.mark.parametrize("name", ["skill_occupations.csv", "skill_occupations_curated.csv"])
def test_skill_occupation_links_refer_to_known_rows(name):
    rows = read_csv(name)
    assert list(rows[0]) == ["skill_id", "occupation_uri", "relation"]
    keys = [(r["skill_id"], r["occupation_uri"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert keys == sorted(keys)
    assert {r["skill_id"] for r in rows} <= skill_ids()
    assert {r["occupation_uri"] for r in rows} <= occupation_uris()
    assert {r["relation"] for r in rows} <= RELATIONS


def test_derived_links_include_the_curated_ones_and_the_esco_ones():
    derived = {(r["skill_id"], r["occupation_uri"]): r["relation"]
               for r in read_csv("skill_occupations.csv")}
    for r in read_csv("skill_occupations_curated.csv"):
        assert (r["skill_id"], r["occupation_uri"]) in derived
    solar = next(r["uri"] for r in occupations() if r["preferred_label"] == "monteur zonnepanelen")
    assert derived.get(("zonnepanelen-monteren", solar)) == "essential"


# --- modules and career paths -------------------------------------------------------------

def test_modules_have_exactly_the_documented_fields():
    rows = modules()
    assert len(rows) >= 45
    for m in rows:
        assert list(m) == MODULE_FIELDS, m.get("id")


def test_module_values_are_valid():
    ids = [m["id"] for m in modules()]
    assert {m["id"] for m in modules() if m["nt2_to"]} >= {"nt2-nederlands-techniek-a2",
                                                         "nt2-nederlands-werkniveau-b1"}
    assert all(m["nt2_to"] in (None, *NT2) for m in modules())
    assert len(ids) == len(set(ids))
    for m in modules():
        assert SLUG.fullmatch(m["id"])
        assert m["credential"] in CREDENTIALS and m["civil_value"] in CIVIL_VALUES, m["id"]
        assert m["level"] is None or m["level"] in LEVELS, m["id"]
        assert m["min_level"] is None or m["min_level"] in LEVELS, m["id"]
        assert m["min_nt2"] in NT2, m["id"]
        for key in ("weeks", "hours_per_week", "cost_eur"):
            assert type(m[key]) is int and m[key] >= 0, (m["id"], key)
        assert m["weeks"] > 0 and m["hours_per_week"] > 0, m["id"]
        assert type(m["online"]) is bool and m["location"], m["id"]
        assert m["start_moments"], m["id"]
        assert all(isinstance(s, str) and re.fullmatch(r"\d{4}-\d{2}|doorlopend", s)
                   for s in m["start_moments"]), m["id"]
        assert set(m["themes"]) <= THEMES, m["id"]
        assert m["status"] in {"actief", "in_ontwikkeling"}, m["id"]
        assert isinstance(m["description"], str) and m["description"].endswith("."), m["id"]


def test_every_module_teaches_known_skills():
    for m in modules():
        assert m["skills"], m["id"]
        assert set(m["skills"]) <= skill_ids(), (m["id"], set(m["skills"]) - skill_ids())


def test_career_paths_have_the_documented_fields():
    rows = career_paths()
    assert len(rows) >= 14
    ids = [p["id"] for p in rows]
    assert len(ids) == len(set(ids))
    for p in rows:
        assert list(p) == PATH_FIELDS, p.get("id")
        assert SLUG.fullmatch(p["id"]) and p["theme"] in THEMES, p["id"]
        assert p["levels"] and set(p["levels"]) <= LEVELS, p["id"]
        assert p["entry_profiles"] and all(isinstance(e, str) for e in p["entry_profiles"])


def test_career_paths_refer_to_known_occupations_modules_and_skills():
    module_ids = {m["id"] for m in modules()}
    for p in career_paths():
        assert p["target_occupations"], p["id"]
        assert set(p["target_occupations"]) <= occupation_uris(), p["id"]
        assert p["required_skills"] and set(p["required_skills"]) <= skill_ids(), p["id"]
        kinds = [s["kind"] for s in p["steps"]]
        assert set(kinds) <= STEP_KINDS and "module" in kinds and kinds[-1] == "job", p["id"]
        for step in p["steps"]:
            assert step["title"], p["id"]
            assert ("module" in step) == (step["kind"] == "module"), p["id"]
            assert ("placement_kinds" in step) == (step["kind"] == "placement"), p["id"]
            if step["kind"] == "module":
                assert step["module"] in module_ids, (p["id"], step["module"])
            if step["kind"] == "placement":
                assert step["placement_kinds"]
                assert set(step["placement_kinds"]) <= PLACEMENT_KINDS, p["id"]


def test_modules_named_in_the_programme_report_are_in_the_catalogue():
    titles = " ".join(m["title"].casefold() for m in modules())
    for name in [
        "prefab bouwen", "schadeherstel", "energiepositieve stad", "smart robotic production",
        "industriële energie", "fietstechniek", "werkvoorbereiding", "beveiligingsinstallaties",
        "python", "databases ontwerp", "databases sql", "waterstof", "windenergie", "laadpalen",
        "droning", "warmtepomp", "nt2", "basisvaardigheden", "praktijkopleider", "techniekdocent",
        "biobased", "serviceadviseur automotive", "gww", "timmeren", "autotechniek",
    ]:
        assert name in titles, name
    in_development = [m for m in modules() if m["status"] == "in_ontwikkeling"]
    assert any("industriële energie" in m["title"].casefold() for m in in_development)


# --- postcodes and mbo --------------------------------------------------------------------

def test_pc4_rows_are_unique_sorted_and_inside_the_netherlands():
    rows = read_csv("pc4.csv")
    assert list(rows[0]) == ["pc4", "lat", "lon", "place", "gemeente", "province",
                             "arbeidsmarktregio"]
    codes = [r["pc4"] for r in rows]
    assert codes == sorted(set(codes)) and len(codes) > 4000
    assert all(re.fullmatch(r"\d{4}", c) for c in codes)
    for r in rows:
        assert 50.7 <= float(r["lat"]) <= 53.6 and 3.3 <= float(r["lon"]) <= 7.25, r["pc4"]
    amsterdam = next(r for r in rows if r["pc4"] == "1011")
    assert amsterdam["arbeidsmarktregio"] == "Groot Amsterdam"


def test_mbo_qualifications_are_copied():
    rows = read_csv("mbo_kwalificaties.csv")
    assert len(rows) == 470
    assert {"kwalificatie_crebo", "kwalificatie", "mbo_niveau"} <= set(rows[0])
