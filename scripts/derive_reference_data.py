"""Rebuild the derived reference files in spt/data/ from the shared public data sets.

Usage: python scripts/derive_reference_data.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data relative to the repository root. The script uses the
standard library only and writes byte-identical output for identical input (gzip mtime is 0), so a
rerun shows no diff. The curated files (skills.csv, skill_occupations_curated.csv, modules.yaml,
career_paths.yaml) are inputs here, never outputs, except that skill_occupations.csv is derived
from skills.csv and the curated links.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import sys
from collections import Counter, defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "spt" / "data"
RELATION_RANK = {"essential": 0, "optional": 1}
# Netherlands (incl. Wadden islands and Zeeuws-Vlaanderen); a Postcodetabel centroid outside it
# (a few PO-box codes) is replaced by the mean GeoNames centroid of the same place, or dropped.
NL_BOX = (50.70, 53.60, 3.30, 7.25)


def split_multi(cell: str) -> list[str]:
    """Split an ESCO multi-value cell (one value per line) into stripped, non-empty values."""
    return [v.strip() for v in (cell or "").splitlines() if v.strip()]


def unique(values: list[str]) -> list[str]:
    """Drop duplicates while keeping the first occurrence order."""
    seen: set[str] = set()
    out = []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """Write a UTF-8 CSV with Unix line endings."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def derive_occupations(src: Path) -> int:
    """Dutch ESCO occupations; hidden labels (spellings to catch) apart from alternative ones."""
    rows = []
    for r in read_csv(src / "esco" / "occupations_nl.csv"):
        pref = r["preferredLabel"].strip()
        alts = [a for a in unique(split_multi(r["altLabels"])) if a != pref]
        hidden = [h for h in unique(split_multi(r.get("hiddenLabels", "")))
                  if h != pref and h not in alts]
        rows.append([r["conceptUri"].strip(), r["iscoGroup"].strip(), r["code"].strip(), pref,
                     "|".join(a.replace("|", "/") for a in alts),
                     "|".join(h.replace("|", "/") for h in hidden)])
    rows.sort(key=lambda x: x[0])
    write_csv(OUT / "esco" / "occupations_nl.csv",
              ["uri", "isco_group", "code", "preferred_label", "alt_labels", "hidden_labels"], rows)
    return len(rows)


def derive_english_occupations(src: Path) -> int:
    """ESCO v1.0 English labels of the occupations the Dutch file holds (English job titles)."""
    dutch = {r["conceptUri"].strip() for r in read_csv(src / "esco" / "occupations_nl.csv")}
    rows = []
    for r in read_csv(src / "esco" / "occupations_en_v10.csv"):
        uri = r["conceptUri"].strip()
        if uri in dutch:
            pref = r["preferredLabel"].strip()
            alts = [a for a in unique(split_multi(r["altLabels"])) if a != pref]
            rows.append([uri, pref, "|".join(a.replace("|", "/") for a in alts)])
    rows.sort(key=lambda x: x[0])
    write_csv(OUT / "esco" / "occupations_en.csv", ["uri", "preferred_label", "alt_labels"], rows)
    return len(rows)


def derive_english_examples(src: Path) -> int:
    """Labelled English vacancy titles (JobBERT validation file) as extra English labels.

    Only the validation file: the test file stays in tests/eval/jobbert for reporting.
    """
    dutch = {r["conceptUri"].strip() for r in read_csv(src / "esco" / "occupations_nl.csv")}
    pairs = {(r["vacancyTitle"].strip(), r["conceptUri"].strip())
             for r in read_csv(src / "jobbert" / "titles.validation.csv")}
    rows = sorted([t, u] for t, u in pairs if t and u in dutch)
    write_csv(OUT / "recognition" / "english_examples.csv", ["title", "uri"], rows)
    return len(rows)


def derive_isco_groups(src: Path) -> int:
    rows = [[r["code"].strip(), r["preferredLabel"].strip()]
            for r in read_csv(src / "esco" / "ISCOGroups_nl.csv")]
    rows.sort(key=lambda x: (len(x[0]), x[0]))
    write_csv(OUT / "esco" / "isco_groups_nl.csv", ["code", "label"], rows)
    return len(rows)


def derive_occupation_skills(src: Path) -> int:
    with gzip.open(src / "esco" / "occupationSkillRelations_en.csv.gz", "rt",
                   encoding="utf-8", newline="") as f:
        rows = [[r["occupationUri"].strip(), r["relationType"].strip(), r["skillUri"].strip(),
                 r["skillLabel_en"].strip()] for r in csv.DictReader(f)]
    rows.sort(key=lambda x: (x[0], RELATION_RANK.get(x[1], 9), x[2]))
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["occupation_uri", "relation", "skill_uri", "skill_label_en"])
    w.writerows(rows)
    target = OUT / "esco" / "occupation_skills.csv.gz"
    with target.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw,
                                                 compresslevel=9, mtime=0) as gz:
        gz.write(buf.getvalue().encode("utf-8"))
    return len(rows)


def derive_pc4(src: Path) -> tuple[int, int, int]:
    geonames = read_csv(src / "geo" / "pc4_centroids_geonames.csv")
    table: dict[str, list] = {}
    by_city: dict[str, Counter] = defaultdict(Counter)
    city_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for r in geonames:
        pc4 = r["pc4"].strip()
        region = (r["gemeente"].strip(), r["province"].strip(), r["arbeidsmarktregio"].strip())
        table[pc4] = [pc4, round(float(r["lat"]), 5), round(float(r["lon"]), 5),
                      r["place"].strip(), *region]
        by_city[r["place"].strip().lower()][region] += 1
        city_points[r["place"].strip().lower()].append((float(r["lat"]), float(r["lon"])))
    extra = json.loads((src / "pc4" / "pc4_city_centroids.json").read_text(encoding="utf-8"))
    added = dropped = 0
    for pc4, info in extra.items():
        pc4 = pc4.strip()
        if pc4 in table or not (len(pc4) == 4 and pc4.isdigit()):
            continue
        city = (info.get("city") or "").strip()
        lat, lon = info["c"]
        if not (NL_BOX[0] <= lat <= NL_BOX[1] and NL_BOX[2] <= lon <= NL_BOX[3]):
            points = city_points.get(city.lower())
            if not points:
                dropped += 1
                continue
            lat = sum(p[0] for p in points) / len(points)
            lon = sum(p[1] for p in points) / len(points)
        regions = by_city.get(city.lower())
        # Most common region of the GeoNames PC4s with the same place name; ties by sort order.
        region = (sorted(regions.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
                  if regions else ("", "", ""))
        table[pc4] = [pc4, round(float(lat), 5), round(float(lon), 5), city, *region]
        added += 1
    rows = [table[k] for k in sorted(table)]
    write_csv(OUT / "pc4.csv",
              ["pc4", "lat", "lon", "place", "gemeente", "province", "arbeidsmarktregio"], rows)
    return len(rows), added, dropped


def copy_mbo(src: Path) -> None:
    shutil.copyfile(src / "mbo" / "kwalificaties_mbo_2015.csv", OUT / "mbo_kwalificaties.csv")


def _skills_by_esco_uri(skills_path: Path) -> tuple[dict[str, list[str]], set[str]]:
    """ESCO skill URI -> the curated skill ids that name it, and every curated skill id."""
    by_uri: dict[str, list[str]] = defaultdict(list)
    skill_ids = set()
    for r in read_csv(skills_path):
        skill_ids.add(r["id"])
        for uri in filter(None, (u.strip() for u in r["esco_uris"].split("|"))):
            by_uri[uri].append(r["id"])
    return by_uri, skill_ids


def derive_skill_occupations() -> int | None:
    """Link curated skills to ESCO occupations through esco_uris, then merge the curated links."""
    skills_path = OUT / "skills.csv"
    if not skills_path.exists():
        return None
    by_uri, skill_ids = _skills_by_esco_uri(skills_path)
    links: dict[tuple[str, str], str] = {}

    def add(skill_id: str, occ: str, relation: str) -> None:
        key = (skill_id, occ)
        old = links.get(key)
        if old is None or RELATION_RANK[relation] < RELATION_RANK[old]:
            links[key] = relation  # essential wins over optional

    with gzip.open(OUT / "esco" / "occupation_skills.csv.gz", "rt", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            for skill_id in by_uri.get(r["skill_uri"], ()):
                add(skill_id, r["occupation_uri"], r["relation"])
    curated = OUT / "skill_occupations_curated.csv"
    if curated.exists():
        occupations = {r["uri"] for r in read_csv(OUT / "esco" / "occupations_nl.csv")}
        for r in read_csv(curated):
            if r["skill_id"] not in skill_ids or r["occupation_uri"] not in occupations:
                raise SystemExit(f"curated link refers to unknown skill or occupation: {r}")
            add(r["skill_id"], r["occupation_uri"], r["relation"])
    rows = [[s, o, rel] for (s, o), rel in sorted(links.items())]
    write_csv(OUT / "skill_occupations.csv", ["skill_id", "occupation_uri", "relation"], rows)
    return len(rows)


def main(argv: list[str]) -> int:
    src = Path(argv[1]) if len(argv) > 1 else REPO.parent / "shared" / "data"
    if not (src / "esco" / "occupations_nl.csv").exists():
        print(f"no shared data at {src}", file=sys.stderr)
        return 2
    print("occupations", derive_occupations(src))
    print("english occupation labels", derive_english_occupations(src))
    print("english vacancy titles (JobBERT validation)", derive_english_examples(src))
    print("isco groups", derive_isco_groups(src))
    print("occupation-skill links", derive_occupation_skills(src))
    print("pc4 (total, added from Postcodetabel, dropped)", derive_pc4(src))
    copy_mbo(src)
    n = derive_skill_occupations()
    print("skill-occupation links", "skipped (no skills.csv)" if n is None else n)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
