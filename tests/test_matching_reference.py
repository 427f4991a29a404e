"""Loading reference data from a directory, and distances between postcodes."""

import gzip

import numpy as np
import pytest

from matching import haversine_km, load_reference


def write(path, text, *, gz=False):
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if gz else data)


@pytest.fixture
def data_dir(tmp_path):
    write(
        tmp_path / "esco" / "occupations_nl.csv",
        "uri,isco_group,code,preferred_label,alt_labels\n"
        "occ:1,7411,7411.1,elektricien,elektromonteur|installateur elektra\n"
        "occ:2,8332,8332.1,vrachtwagenchauffeur,\n",
    )
    write(tmp_path / "esco" / "isco_groups_nl.csv", "code,label\n7411,Elektriciens\n")
    write(
        tmp_path / "skills.csv",
        "id,label,kind,themes,synonyms,esco_uris\n"
        "vca-basis,VCA basis,certificaat,bouw|installatie,B-VCA|VCA,\n"
        "pv-monteren,zonnepanelen monteren,vaardigheid,energie,PV leggen,\n",
    )
    write(
        tmp_path / "skill_occupations.csv",
        "skill_id,occupation_uri,relation\nvca-basis,occ:1,essential\npv-monteren,occ:1,optional\n",
    )
    write(tmp_path / "pc4.csv", "pc4,lat,lon,place\n1011,52.371,4.9041,Amsterdam\n9999,x,y,bad\n")
    return tmp_path


def test_load_reference_reads_concepts_links_and_postcodes(data_dir):
    ref = load_reference(data_dir)
    assert [c.id for c in ref.occupations] == ["occ:1", "occ:2"]
    assert ref.occupations[0].alt_labels == ("elektromonteur", "installateur elektra")
    assert ref.occupations[0].group == "7411"
    assert (
        ref.skills[0].alt_labels == ("B-VCA", "VCA")
        and ref.skill_kinds["vca-basis"] == "certificaat"
    )
    assert ref.knowledge.essential["occ:1"] == ("vca-basis",)
    assert ref.knowledge.optional["occ:1"] == ("pv-monteren",)
    assert ref.knowledge.group_of("occ:2") == "8332"
    assert ref.pc4 == {"1011": (52.371, 4.9041)}
    assert ref.isco_groups == {"7411": "Elektriciens"}


def test_missing_files_give_empty_parts(tmp_path):
    ref = load_reference(tmp_path)
    assert ref.occupations == () and ref.skills == () and ref.pc4 == {}


def test_haversine_amsterdam_utrecht_is_about_35_km_and_broadcasts():
    assert haversine_km(52.3702, 4.8952, 52.0907, 5.1214) == pytest.approx(35.0, abs=1.0)
    d = haversine_km(
        np.array([[52.37], [52.09]]),
        np.array([[4.90], [5.12]]),
        np.array([52.37, 51.44]),
        np.array([4.90, 5.48]),
    )
    assert d.shape == (2, 2) and d[0, 0] == pytest.approx(0.0)
    assert np.isnan(haversine_km(np.nan, 4.9, 52.0, 5.0))
