"""Text normalisation for Dutch job titles and skills: accents, number formats, gender forms,
and the character n-gram index that retrieves labels close to a normalised query.

Everything here is a pure function on strings, applied in the same way to taxonomy labels and to
queries, so a folding that merges two spellings merges them on both sides. Words that carry no
meaning (vacancy noise, jargon) are data: see :mod:`matching.lexicon`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

import numpy as np
from scipy import sparse

__all__ = ["NgramIndex", "digits", "fold", "fold_gender", "ngrams", "tokenize"]

_PUNCT_TO_DROP = str.maketrans({"'": "", "\u2019": "", "`": "", "\u00ad": "", ".": ""})
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Number formats that never name an occupation or a skill: hours, salaries, dates, phone numbers.
# They are formats rather than words, so they live here and not in the lexicon's word lists.
_NUMBER_NOISE = re.compile(
    r"\d+\s*(?:-|tot|a|/)?\s*\d*\s*(?:uur|uren|u|hrs|hours)\b(?:\s*(?:per|p|/)\s*(?:week|wk|w)\b)?"
    r"|(?:eur|euro|€)\s*\d[\d.,]*(?:\s*(?:-|tot)\s*(?:eur|euro|€)?\s*\d[\d.,]*)?"
    r"|\b\d{1,3}(?:[.,]\d{3})+(?:,\d+|,-)?\b"
    r"|\b\d{4,}\s*(?:-|tot)\s*\d{4,}\b"
)
_DIGITS = re.compile(r"\d+")
_SEPARATORS = re.compile(r"@|\s[|\u2013\u2014-]\s|\|")

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


def tokenize(text: str) -> list[str]:
    """Folded words of ``text`` without number formats; "E&I" gives ``["e", "i"]``.

    "@" and the separators " | ", " - ", " – " become the word "at": in a title they start the
    employer or the place ("Developer | TELUS", "monteur @ Feenstra").
    """
    folded = _SEPARATORS.sub(" at ", _NUMBER_NOISE.sub(" ", fold(text)))
    return _NON_ALNUM.sub(" ", folded).split()


def digits(tokens: Sequence[str]) -> frozenset[str]:
    """The numbers among ``tokens`` ("NEN 3140" -> {"3140"})."""
    return frozenset(d for t in tokens for d in _DIGITS.findall(t))


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


def ngrams(compact: str, *, sizes: tuple[int, ...] = (2, 3, 4)) -> list[str]:
    """Character n-grams of a space-free key, padded so that its ends weigh more."""
    padded = f"^{compact}$"
    out: list[str] = []
    for n in sizes:
        out.extend(padded[i : i + n] for i in range(len(padded) - n + 1))
    return out


class NgramIndex:
    """Character n-gram TF-IDF over space-free keys, for cosine retrieval of candidate keys."""

    def __init__(self, keys: Sequence[str], *, common_share: float = 0.01):
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
