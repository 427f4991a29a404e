"""Build the seeded development sets for the normaliser (tests/eval/dev_normalise_*.jsonl).

Queries are ESCO occupation labels (and curated skill labels) with the noise a candidate or an
employer adds: typos, capitals, qualifiers, word order, compounds split or hyphenated, male/female
forms and combinations. ``accept`` lists every concept that carries the clean label.

    python scripts/make_dev_normalise_set.py [--seed 20261129] [--n-occupations 2000]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OCCUPATIONS = ROOT / "spt" / "data" / "esco" / "occupations_nl.csv"
SKILLS = ROOT / "spt" / "data" / "skills.csv"
OUT = ROOT / "tests" / "eval"

KEYBOARD = "qwertyuiop asdfghjkl zxcvbnm".split()
PREFIXES = [
    "junior",
    "Junior",
    "senior",
    "Senior",
    "medior",
    "leerling",
    "Leerling",
    "allround",
    "Allround",
    "ervaren",
    "Ervaren",
    "startende",
    "zelfstandig",
    "vacature:",
    "Vacature",
    "BBL",
    "trainee",
    "gediplomeerd",
    "enthousiaste",
    "vakbekwaam",
]
SUFFIXES = [
    "(m/v)",
    "(m/v/x)",
    "(v/m)",
    "m/v",
    "32-40 uur",
    "- 32 uur",
    "(36 uur)",
    "24-32 uur per week",
    "fulltime",
    "- fulltime",
    "parttime",
    "Fulltime",
    "regio Amsterdam",
    "regio Utrecht",
    "regio Eindhoven",
    "in de regio Rotterdam",
    "omgeving Den Haag",
    "te Zwolle",
    "Groningen e.o.",
    "per direct",
    "gezocht",
    "GEZOCHT",
    "in loondienst",
    "BBL",
    "bbl-traject",
    "ZZP",
    "op uitzendbasis",
    "met doorgroeimogelijkheden",
    "vast contract",
    "(tijdelijk)",
    "mbo 3",
    "niveau 2",
    "(BBL)",
    "per direct gezocht",
    "nachtdienst",
    "- vacature",
]
SKILL_PREFIXES = [
    "ervaring met",
    "Ervaring met",
    "kennis van",
    "basiskennis",
    "goede kennis van",
    "ervaren in",
    "in bezit van",
]
SKILL_SUFFIXES = ["is een pre", "(pre)", "vereist", "gewenst", "- must", "(geldig)"]
UNSEEN = ["met rijbewijs B", "- nieuw!", "a.s.a.p.", "(ZZP/loondienst)", "wo/hbo"]
MALE_TO_FEMALE = [
    ("medewerker", "medewerkster"),
    ("monteur", "monteuse"),
    ("eur", "euse"),
    ("ist", "iste"),
    ("man", "vrouw"),
    ("leider", "leidster"),
    ("er", "ster"),
    ("loog", "loge"),
    ("icus", "ica"),
    ("aar", "ares"),
    ("ent", "ente"),
    ("ant", "ante"),
    ("teur", "trice"),
]


def typo(text: str, rng: random.Random) -> str:
    """Swap, drop, insert or replace one letter inside a word of four letters or more."""
    spots = [m for m in re.finditer(r"[^\W\d_]{4,}", text)]
    if not spots:
        return text
    word = rng.choice(spots)
    i = rng.randrange(word.start() + 1, word.end() - 1)
    op = rng.choice(["swap", "drop", "insert", "replace"])
    if op == "swap":
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op == "drop":
        return text[:i] + text[i + 1 :]
    row = next((r for r in KEYBOARD if text[i].lower() in r), KEYBOARD[0])
    j = row.index(text[i].lower()) if text[i].lower() in row else 0
    near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)] or ["e"]
    ch = rng.choice(near + ["e", "a", "n", "t"])
    if op == "insert":
        return text[:i] + ch + text[i:]
    return text[:i] + ch + text[i + 1 :]


def qualify(text: str, rng: random.Random, *, unseen: bool = False, skill: bool = False) -> str:
    """Add a seniority, contract, hours or place qualifier before or after the title."""
    prefixes, suffixes = (SKILL_PREFIXES, SKILL_SUFFIXES) if skill else (PREFIXES, SUFFIXES)
    if unseen:
        return f"{text} {rng.choice(UNSEEN)}"
    if rng.random() < 0.4:
        return f"{rng.choice(prefixes)} {text}"
    if rng.random() < 0.15:
        return f"{rng.choice(prefixes)} {text} {rng.choice(suffixes)}"
    return f"{text} {rng.choice(suffixes)}"


def casing(text: str, rng: random.Random) -> str:
    """Upper case, title case or a capital first letter."""
    return rng.choice([text.upper(), text.title(), text[:1].upper() + text[1:]])


def compound(text: str, rng: random.Random) -> str | None:
    """Split a long word with a hyphen or space, or write an existing hyphen apart or together."""
    if "-" in text and rng.random() < 0.4:
        return text.replace("-", rng.choice([" ", ""]), 1)
    spots = [m for m in re.finditer(r"[^\W\d_]{8,}", text)]
    if not spots:
        return None
    word = rng.choice(spots)
    i = rng.randrange(word.start() + 3, word.end() - 3)
    return text[:i] + rng.choice(["-", "-", " "]) + text[i:]


def word_order(text: str, rng: random.Random) -> str | None:
    """Move the head word behind the rest (``monteur zonnepanelen`` -> ``zonnepanelen monteur``)."""
    words = text.split()
    if len(words) < 2:
        return None
    if rng.random() < 0.5:
        return " ".join(words[1:] + words[:1])
    return " ".join(words[-1:] + words[:-1])


def gender(text: str, rng: random.Random) -> str | None:
    """Turn the first male job-title ending into its female form (or back)."""
    words = text.split()
    for k, w in enumerate(words):
        for male, female in MALE_TO_FEMALE:
            if w.endswith(female) and len(w) > len(female) + 2 and rng.random() < 0.3:
                words[k] = w[: -len(female)] + male
                return " ".join(words)
            if w.endswith(male) and len(w) > len(male) + 2:
                words[k] = w[: -len(male)] + female
                return " ".join(words)
    return None


SKILL_NOISES = {
    "exact": (0.15, lambda t, r: t),
    "casing": (0.15, casing),
    "typo": (0.2, typo),
    "qualifier": (0.15, lambda t, r: qualify(t, r, skill=True)),
    "word_order": (0.07, word_order),
    "compound": (0.1, compound),
    "typo+qualifier": (0.18, lambda t, r: qualify(typo(t, r), r, skill=True)),
}
NOISES = {
    "exact": (0.08, lambda t, r: t),
    "casing": (0.09, casing),
    "typo": (0.2, typo),
    "qualifier": (0.14, qualify),
    "word_order": (0.07, word_order),
    "compound": (0.13, compound),
    "gender": (0.09, gender),
    "typo+qualifier": (0.17, lambda t, r: qualify(typo(t, r), r)),
    "typo+qualifier_unseen": (0.03, lambda t, r: qualify(typo(t, r), r, unseen=True)),
    "gender+typo+qualifier": (0.05, lambda t, r: qualify(typo(gender(t, r) or t, r), r)),
}


def make_cases(
    labels: dict[str, list[str]], task: str, n: int, rng: random.Random, noises: dict = NOISES
) -> list[dict]:
    """Draw ``n`` noisy queries from ``labels`` (clean label -> accepted ids)."""
    clean = sorted(labels)
    lowered = {lab.lower() for lab in clean}
    names, weights = zip(*[(k, w) for k, (w, _) in noises.items()], strict=True)
    cases, seen = [], set()
    while len(cases) < n:
        label = rng.choice(clean)
        noise = rng.choices(names, weights)[0]
        query = noises[noise][1](label, rng)
        if not query or query in seen:
            continue
        if noise != "exact" and query.lower() in lowered and query.lower() != label.lower():
            continue  # the noise produced another real label
        seen.add(query)
        cases.append({"task": task, "query": query, "accept": labels[label], "noise": noise})
    return cases


def occupation_labels() -> dict[str, list[str]]:
    """Clean label -> every occupation URI that has it as preferred or alternative label."""
    out: dict[str, list[str]] = defaultdict(list)
    with OCCUPATIONS.open(encoding="utf-8") as fh:
        for row in sorted(csv.DictReader(fh), key=lambda r: r["uri"]):
            for lab in [row["preferred_label"], *row["alt_labels"].split("|")]:
                lab = lab.replace("\xa0", " ").strip()
                if lab and row["uri"] not in out[lab]:
                    out[lab].append(row["uri"])
    return dict(out)


def skill_labels() -> dict[str, list[str]]:
    """Clean label or synonym -> every curated skill id that has it."""
    out: dict[str, list[str]] = defaultdict(list)
    with SKILLS.open(encoding="utf-8") as fh:
        for row in sorted(csv.DictReader(fh), key=lambda r: r["id"]):
            for lab in [row["label"], *row.get("synonyms", "").split("|")]:
                lab = lab.strip()
                if lab and row["id"] not in out[lab]:
                    out[lab].append(row["id"])
    return dict(out)


def write(path: Path, cases: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case, ensure_ascii=False) + "\n")
    print(f"wrote {len(cases)} cases to {path.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--n-occupations", type=int, default=2000)
    parser.add_argument("--n-skills", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    occ = make_cases(occupation_labels(), "normalise_occupation", args.n_occupations, rng)
    write(OUT / "dev_normalise_occupation.jsonl", occ)
    if SKILLS.exists():
        skills = skill_labels()
        n = min(args.n_skills, 3 * len(skills))
        cases = make_cases(skills, "normalise_skill", n, rng, SKILL_NOISES)
        write(OUT / "dev_normalise_skill.jsonl", cases)
    else:
        print(f"{SKILLS.relative_to(ROOT)} not found; no skill cases written")


if __name__ == "__main__":
    main()
