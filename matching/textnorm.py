"""Text normalisation for Dutch job titles and skills: accents, vacancy noise, gender forms,
and the character n-gram index that retrieves labels close to a normalised query.

Everything here is a pure function on strings, applied in the same way to taxonomy labels and to
queries, so a folding that merges two spellings merges them on both sides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy import sparse

__all__ = [
    "Forms",
    "NgramIndex",
    "Query",
    "analyse",
    "fold",
    "fold_gender",
    "ngrams",
    "query_keys",
    "strip_noise",
    "tokens",
]

_PUNCT_TO_DROP = str.maketrans({"'": "", "\u2019": "", "`": "", "\u00ad": "", ".": ""})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# Vacancy noise: seniority, contract, hours, place and gender markers that say nothing about the
# occupation. Whole tokens only, so "leerlingbegeleider" or "regiomanager" stay intact.
_CITIES = (
    "amsterdam|rotterdam|den haag|utrecht|eindhoven|groningen|tilburg|almere|breda|nijmegen|"
    "apeldoorn|haarlem|arnhem|enschede|amersfoort|zaandam|zaanstad|den bosch|s hertogenbosch|"
    "zwolle|leiden|maastricht|dordrecht|zoetermeer|deventer|delft|alkmaar|heerlen|venlo|"
    "leeuwarden|hilversum|helmond|emmen|gouda|hoorn|lelystad|schiedam|vlaardingen|roosendaal|"
    "amstelveen|purmerend|oss|ede|assen|middelburg|den helder|schiphol|rijnmond|randstad|"
    "twente|limburg|brabant|gelderland|friesland|drenthe|zeeland|overijssel|flevoland|"
    "noord holland|zuid holland|noord brabant|noord nederland|oost nederland|zuid nederland|"
    "west nederland|midden nederland"
)
_NOISE_PATTERNS = (
    r"m v x|m v|v m|m f|m w|m v d|h f|m x",  # gender markers once "/" and "()" are spaces
    r"\d+\s*(?:tot|a|-|en)?\s*\d*\s*(?:uur|u|uren|hrs|hours)(?:\s+(?:per|p)\s*(?:week|w|wk))?",
    r"(?:per|p)\s*(?:week|wk)",
    r"full\s?time|part\s?time|fulltimer|parttimer|voltijd|deeltijd",
    r"(?:in\s+de\s+)?(?:regio|omgeving|omg|rondom|nabij)\s+[a-z]+(?:\s+(?:en\s+)?omstreken)?",
    r"(?:te|in)\s+(?:" + _CITIES + r")(?:\s+eo)?",
    r"(?:" + _CITIES + r")(?:\s+eo|\s+en\s+omstreken)?",
    r"en\s+omstreken|eo",
    r"junior|senior|medior|jr|sr|leerling|leer(?:ling)?\s+werk|allround|all\s+round",
    r"ervaren|ervaring|met\s+ervaring|zonder\s+ervaring|startende?|starters?|beginnende?",
    r"zelfstandig(?:\s+werkend)?|vakbekwaam|vakbekwame|gediplomeerd|gediplomeerde|enthousiaste?",
    r"vacature|vacatures|gezocht|gevraagd|nodig|wanted|hiring|urgent|spoed|nieuw|top",
    r"per\s+direct|direct\s+beschikbaar|zsm|asap|met\s+spoed|op\s+korte\s+termijn",
    r"bbl|bol|bbl\s*traject|bol\s*traject|bbl\s*opleiding|leer\s*werktraject|werkleertraject|"
    r"stage|stagiair|stagiaire|trainee|traineeship|werkstudent|bijbaan|vakantiewerk",
    r"in\s+loondienst|loondienst|vast\s+contract|vaste\s+baan|vast|tijdelijk|interim|flex|"
    r"zzp|zzper|freelance|freelancer|uitzendbasis|op\s+uitzendbasis|via\s+uitzendbureau|"
    r"detachering|gedetacheerd|payroll",
    r"mbo(?:\s*[1-4])?|hbo|wo|niveau\s*[1-4]|n[1-4]|mbo\s+niveau\s*[1-4]",
    r"\d{3,}(?:\s*(?:-|tot)\s*\d{3,})?(?:\s*(?:euro|eur|bruto|netto|per\s+maand|pm|p\s*m))*",
    r"salaris|bruto|netto|uitzendkracht|uitzendkrachten|vakkracht|werken\s+bij\s+ons",
    r"(?:met\s+|in\s+bezit\s+van\s+)?(?:rijbewijs|rijbewijzen)(?:\s+[a-e]{1,2}e?)?",
    r"met\s+doorgroeimogelijkheden|doorgroeimogelijkheden|met\s+opleiding|incl\s+opleiding|"
    r"opleiding\s+wordt\s+betaald|goed\s+salaris|hoog\s+salaris|cao|fte|\d+\s*fte",
    r"dag(?:dienst)?|nachtdienst|ploegendienst|2\s*ploegen|3\s*ploegen|"
    r"avond(?:dienst)?|weekend(?:dienst)?",
)
# How skills are padded in profiles and vacancies: "ervaring met", "kennis van", "is een pre".
_SKILL_NOISE_PATTERNS = (
    r"(?:veel\s+|enige\s+|aantoonbare\s+)?ervaring\s+(?:met|in|op\s+het\s+gebied\s+van)",
    r"(?:goede\s+|enige\s+)?(?:basis)?kennis\s+(?:van|over)|basiskennis",
    r"(?:in\s+)?(?:het\s+)?bezit\s+van|geldige?|vereist|gewenst|(?:is\s+)?een\s+pre|pre",
    r"ervaren|goede|uitstekende|vaardig\s+in|kunnen|kan|must|nice\s+to\s+have",
    r"m\s+v(?:\s+x)?",
)


def _noise_re(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(patterns) + r")(?![a-z0-9])")


_NOISE_RE = {"occupation": _noise_re(_NOISE_PATTERNS), "skill": _noise_re(_SKILL_NOISE_PATTERNS)}
_SPACES = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")

# Female -> male (or neutral) endings, first match wins; applied per token to labels and queries.
_GENDER_SUFFIXES = (
    ("vrouwen", "mannen"),
    ("vrouw", "man"),
    ("sters", "ers"),
    ("ster", "er"),
    ("euses", "eurs"),
    ("euse", "eur"),
    ("trice", "teur"),
    ("drice", "deur"),
    ("iste", "ist"),
    ("eute", "eut"),
    ("ente", "ent"),
    ("ante", "ant"),
    ("ica", "icus"),
    ("aresse", "aris"),
    ("ares", "aar"),
    ("ienne", "ien"),
    ("iere", "ier"),
)
_GENDER_MAP = dict(_GENDER_SUFFIXES)
_GENDER_RE = re.compile("(?:" + "|".join(dict.fromkeys(k for k, _ in _GENDER_SUFFIXES)) + ")$")
# Latinate endings where the female form drops a doubled vowel: biotechnologe -> biotechnoloog,
# agronome -> agronoom, fotografe -> fotograaf, filosofe -> filosoof.
_LONG_VOWEL_E = re.compile(r"([^aeiou])([aeo])([gmfnt])e$")
# The male -er form doubles a consonant or halves a vowel that the -ster form keeps:
# lasser/lasster, kapper/kapster, verkoper/verkoopster.
_HALF_VOWEL = re.compile(r"(aa|ee|oo|uu)(?=[b-df-hj-np-tv-z]er$)")
_DOUBLE_CONSONANT = re.compile(r"(?<=[aeiou])([b-df-hj-np-tv-z])\1(?=er$)")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents, apostrophes and soft hyphens."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return text.lower().translate(_PUNCT_TO_DROP)


def strip_noise(text: str, *, kind: str = "occupation") -> str:
    """Remove vacancy noise from folded, punctuation-free ``text`` (see :func:`tokens`)."""
    return _SPACES.sub(" ", _NOISE_RE[kind].sub(" ", text)).strip()


def fold_gender(token: str) -> str:
    """Map a female job-title ending to its male form (``monteuse`` -> ``monteur``).

    Both forms of an agent noun in -er end up spelled alike: ``lasser`` and ``lasster`` become
    ``laser``, ``verkoper`` and ``verkoopster`` become ``verkoper``.
    """
    m = _GENDER_RE.search(token, 3)
    if m is not None:
        token = token[: m.start()] + _GENDER_MAP[m.group()]
    elif len(token) >= 6:
        token = _LONG_VOWEL_E.sub(r"\1\2\2\3", token)
    if token.endswith("er") and len(token) >= 5:
        token = _DOUBLE_CONSONANT.sub(r"\1", _HALF_VOWEL.sub(lambda v: v.group()[0], token))
    return token


class Forms(NamedTuple):
    """The token lists of one text, from as written to fully normalised."""

    literal: list[str]  # accents and punctuation gone, nothing else
    folded: list[str]  # female job-title endings folded
    plain: list[str]  # vacancy noise removed
    clean: list[str]  # noise removed and endings folded


def analyse(text: str, *, kind: str = "occupation") -> Forms:
    """Split ``text`` into its :class:`Forms`; noise-free forms keep the noise if it is all.

    Occupations fold female job-title endings; skills do not, and have their own noise words.
    """
    flat = _NON_ALNUM.sub(" ", fold(text))
    literal = flat.split()
    plain = _NOISE_RE[kind].sub(" ", flat).split() or literal
    if kind != "occupation":
        return Forms(literal, literal, plain, plain)
    folded = [fold_gender(t) for t in literal]
    return Forms(literal, folded, plain, [fold_gender(t) for t in plain])


def tokens(text: str, *, kind: str = "occupation", noise: bool = True) -> list[str]:
    """Split ``text`` into normalised tokens.

    Parameters
    ----------
    text : str
        Free text.
    kind : {"occupation", "skill"}
        Occupations fold female job-title endings to the male form.
    noise : bool
        Remove vacancy noise such as "junior", "(m/v)", "32-40 uur" or "ervaring met" (kept
        when it is all there is).

    Returns
    -------
    list of str
        Lower-case ASCII tokens in their original order; hyphens, slashes and brackets split tokens.
    """
    forms = analyse(text, kind=kind)
    return forms.clean if noise else forms.folded


@dataclass(frozen=True, slots=True)
class Query:
    """The normalised keys of one label or query."""

    spaced: str  # noise removed, endings folded, words joined by spaces
    compact: str  # the same without spaces
    plain: str  # space-free, noise removed, endings not folded
    tokens: list[str]
    digits: frozenset[str]
    lookups: tuple[tuple[str, ...], ...]  # exact-match keys, six tiers from strict to loose


def query_keys(text: str, *, kind: str = "occupation") -> Query | None:
    """Normalised keys of a label or a query; None when no word is left."""
    f = analyse(text, kind=kind)
    if not f.literal:
        return None
    verbatim = " ".join(text.casefold().split())
    lookups = (
        (verbatim,),
        (" ".join(f.literal), "".join(f.literal)),
        (" ".join(f.plain), "".join(f.plain)),
        (" ".join(f.clean), "".join(f.clean), " ".join(f.folded), "".join(f.folded)),
        (" ".join(sorted(f.plain)), " ".join(sorted(f.literal))),
        (" ".join(sorted(f.clean)), " ".join(sorted(f.folded))),
    )
    digits = frozenset(_DIGITS.findall(" ".join(f.clean)))
    return Query(" ".join(f.clean), "".join(f.clean), "".join(f.plain), f.clean, digits, lookups)


def ngrams(compact: str, *, sizes: tuple[int, ...] = (2, 3, 4)) -> list[str]:
    """Character n-grams of a space-free key, padded so that its ends weigh more."""
    padded = f"^{compact}$"
    out = []
    for n in sizes:
        out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


class NgramIndex:
    """Character n-gram TF-IDF over space-free keys, for cosine retrieval of candidate keys."""

    def __init__(self, keys: Sequence[str], *, common_share: float = 0.05):
        self.vocab: dict[str, int] = {}
        rows, cols = [], []
        for row, key in enumerate(keys):
            for gram in ngrams(key):
                rows.append(row)
                cols.append(self.vocab.setdefault(gram, len(self.vocab)))
        shape = (len(keys), len(self.vocab))
        counts = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=shape)
        counts.sum_duplicates()
        df = np.bincount(counts.indices, minlength=len(self.vocab))
        self.idf = np.log((1 + len(keys)) / (1 + df)) + 1.0
        weighted = counts.multiply(self.idf).tocsr()
        norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        matrix = sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)
        self.n_keys = len(keys)
        self._by_gram = matrix.T.tocsr()  # n-grams x keys: one row of postings per n-gram
        self._post_idx = np.split(self._by_gram.indices, self._by_gram.indptr[1:-1])
        self._post_w = np.split(self._by_gram.data, self._by_gram.indptr[1:-1])
        self._df = np.diff(self._by_gram.indptr)
        # very common n-grams ("er", "ur$") cost most and tell least; queries skip them
        self._common = self._df > max(200, int(common_share * len(keys)))

    def vector(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """Columns and L2-normalised TF-IDF weights of the rarer known n-grams of ``key``."""
        cols: dict[int, float] = {}
        for gram in ngrams(key):
            j = self.vocab.get(gram)
            if j is not None:
                cols[j] = cols.get(j, 0.0) + 1.0
        idx = np.fromiter(cols, dtype=np.int32, count=len(cols))
        rare = ~self._common[idx]
        if rare.any():
            idx = idx[rare]
        data = self.idf[idx] * np.fromiter((cols[j] for j in idx), dtype=float, count=len(idx))
        return idx, data / (np.sqrt(data @ data) or 1.0)

    def scores(self, key: str) -> np.ndarray:
        """Cosine similarity of ``key`` to every indexed key (dense, in index order)."""
        idx, data = self.vector(key)
        if not len(idx):
            return np.zeros(self.n_keys)
        rows = np.concatenate([self._post_idx[j] for j in idx])
        weights = np.concatenate([self._post_w[j] for j in idx])
        weights *= np.repeat(data, self._df[idx])
        return np.bincount(rows, weights, minlength=self.n_keys)

    def scores_many(
        self, keys: Sequence[str], *, chunk: int = 256
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Per key, the non-zero cosine similarities and the indexed keys they belong to."""
        for start in range(0, len(keys), chunk):
            vecs = [self.vector(k) for k in keys[start : start + chunk]]
            indptr = np.cumsum([0] + [len(idx) for idx, _ in vecs])
            data = np.concatenate([w for _, w in vecs])
            indices = np.concatenate([idx for idx, _ in vecs])
            qmat = sparse.csr_matrix((data, indices, indptr), shape=(len(vecs), len(self.vocab)))
            sims = (qmat @ self._by_gram).tocsr()
            for r in range(len(vecs)):
                row = slice(sims.indptr[r], sims.indptr[r + 1])
                yield sims.data[row], sims.indices[row]
