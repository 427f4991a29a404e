"""Dutch postcodes: validation, the shipped PC4 table and distances between PC4 areas."""

import csv
import re
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _

from matching.geo import haversine_km
from spt.services.errors import DomainError
from spt.services.reference import data_file

# 1234 AB, 1234AB or just 1234; PC4 areas start at 1000 and letter pairs SA, SD and SS are unused.
POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s?(?!SA|SD|SS)([A-Z]{2})?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Area:
    """A PC4 area with its centroid, municipality and labour-market region."""

    pc4: str
    lat: float
    lon: float
    place: str
    municipality: str
    province: str
    region: str


@cache
def areas() -> dict[str, Area]:
    """The shipped PC4 table, loaded once per process."""
    with data_file("pc4.csv").open(encoding="utf-8", newline="") as handle:
        return {row["pc4"]: Area(row["pc4"], float(row["lat"]), float(row["lon"]), row["place"],
                                 row["gemeente"], row["province"], row["arbeidsmarktregio"])
                for row in csv.DictReader(handle)}


def parse(text: str | None) -> tuple[str, str]:
    """Return (normalised postcode, PC4) or raise a DomainError with a Dutch message."""
    match = POSTCODE.match(text or "")
    if not match:
        raise DomainError(_("Vul een Nederlandse postcode in, bijvoorbeeld 1234 AB."),
                          field="postcode")
    pc4, letters = match.group(1), (match.group(2) or "").upper()
    if pc4 not in areas():
        raise DomainError(_("Postcode %(pc4)s kennen we niet. Controleer de cijfers.", pc4=pc4),
                          field="postcode")
    return (f"{pc4} {letters}" if letters else pc4), pc4


def area(pc4: str | None) -> Area | None:
    """The area of a PC4 code, or None when unknown or malformed."""
    return areas().get((pc4 or "").strip())


def distance_km(pc4_a: str, pc4_b: str) -> float:
    """Distance in km between the centroids of two PC4 areas; a DomainError when one is unknown."""
    a, b = area(pc4_a), area(pc4_b)
    if a is None or b is None:
        unknown = pc4_a if a is None else pc4_b
        raise DomainError(_("Postcode %(pc4)s kennen we niet.", pc4=str(unknown)[:10]),
                          field="postcode")
    return float(haversine_km(a.lat, a.lon, b.lat, b.lon))
