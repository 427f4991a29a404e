"""Normalising free text (job titles, skills) to taxonomy concepts.

Three stages, cheapest first: an exact lookup on normalised keys (spaced, space-free and word-order
free, with and without vacancy noise), character n-gram TF-IDF retrieval of candidate labels, and a
rapidfuzz rerank of those candidates. A fitted :class:`Taxonomy` holds no global state and is reused
for every query.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from matching import textnorm

__all__ = ["Concept", "Suggestion", "Taxonomy", "DEFAULT_CUTOFF"]

#: Confidence below which a suggestion is dropped; calibrated on the development set so that
#: wrong first answers mostly become an empty list.
DEFAULT_CUTOFF = 0.65
_CANDIDATES = 30  # labels reranked per query
_ALIGNED = 6  # of those, labels scored word by word
_RETRIEVE_SHARE = 0.4  # candidates need this share of the best n-gram similarity
_FUZZY_CEILING = 0.96  # a fuzzy match never outranks an exact one
_WORD_CONFIDENCE = 0.7  # an abbreviation found as a word of a longer label: 0.7 to 0.9
# Confidence of an exact match per tier of textnorm.Query.lookups: as written; without
# punctuation; without noise; with endings folded; the last two in any word order.
_EXACT_CONFIDENCE = (1.0, 0.995, 0.993, 0.99, 0.975, 0.97)
_MIN_FUZZY_CHARS = 4  # shorter queries (abbreviations such as "PV") only match exactly
_FUNCTION_WORDS = frozenset(
    "aan als bij de den der en een het in la le met na of om op per".split()
    + "te ten ter tot uit van voor".split()
)


@dataclass(frozen=True, slots=True)
class Concept:
    """A taxonomy entry: an ESCO occupation or a curated skill."""

    id: str
    label: str
    alt_labels: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A concept proposed for a piece of free text, with the label that matched best."""

    concept_id: str
    label: str
    matched_label: str
    confidence: float


class Taxonomy:
    """A fitted index over concepts; build it once with :meth:`build` and reuse it.

    Instances are read-only after :meth:`build` and safe to share between threads.
    """

    def __init__(self, concepts, kind, entries, exact):
        """Internal: use :meth:`build`."""
        self._concepts: list[Concept] = concepts
        self._by_id = {c.id: i for i, c in reversed(list(enumerate(concepts)))}
        self.kind: str = kind
        # one entry per distinct label: (concept index, label as written, spaced key,
        # space-free key, space-free key with endings unfolded, numbers in it)
        self._entry_concept = np.asarray([e[0] for e in entries], dtype=np.int64)
        self._entry_label = [e[1] for e in entries]
        self._entry_spaced = [e[2] for e in entries]
        self._entry_compact = [e[3] for e in entries]
        self._entry_plain = [e[4] for e in entries]
        self._entry_tokens = [e[2].split() for e in entries]
        self._entry_digits = [e[5] for e in entries]
        self._entry_short = [_abbreviations(ts) for ts in self._entry_tokens]
        self._words: dict[str, set[int]] = {}
        for e, toks in enumerate(self._entry_tokens):
            for t in toks:
                self._words.setdefault(t, set()).add(e)
        # word weights: length times IDF, so "medewerker" or "certificaat" explain less
        df = Counter(t for toks in self._entry_tokens for t in set(toks))
        self._word_idf = {t: math.log((1 + len(entries)) / (1 + n)) + 1.0 for t, n in df.items()}
        self._max_idf = math.log(1 + len(entries)) + 1.0
        self._entry_word_w = [[len(t) * self._word_idf[t] for t in ts] for ts in self._entry_tokens]
        self._exact: tuple[dict[str, list[int]], ...] = exact
        self._ngrams = textnorm.NgramIndex(self._entry_compact)

    @classmethod
    def build(cls, concepts: Iterable[Concept], *, kind: str = "occupation") -> Taxonomy:
        """Fit the lookup keys and the n-gram index of ``concepts``.

        Parameters
        ----------
        concepts : iterable of Concept
            The taxonomy; the first concept with a given id wins, input order breaks ties later.
        kind : {"occupation", "skill"}
            Occupations fold female job-title forms (``monteuse`` -> ``monteur``); skills do not.

        Returns
        -------
        Taxonomy
        """
        if kind not in ("occupation", "skill"):
            raise ValueError(f"kind must be 'occupation' or 'skill', not {kind!r}")
        seen: set[str] = set()
        kept = [c for c in concepts if not (c.id in seen or seen.add(c.id))]
        entries: list[tuple[int, str, str, str, str, frozenset[str]]] = []
        exact: tuple[dict[str, list[int]], ...] = tuple({} for _ in _EXACT_CONFIDENCE)
        for ci, concept in enumerate(kept):
            done: set[str] = set()
            for label in (concept.label, *concept.alt_labels):
                forms = textnorm.query_keys(label, kind=kind)
                if forms is None or forms.lookups[0][0] in done:
                    continue
                done.add(forms.lookups[0][0])
                e = len(entries)
                entries.append(
                    (ci, label.strip(), forms.spaced, forms.compact, forms.plain, forms.digits)
                )
                for tier, keys in zip(exact, forms.lookups, strict=True):
                    for key in keys:
                        tier.setdefault(key, []).append(e)
        return cls(kept, kind, entries, exact)

    def __len__(self) -> int:
        return len(self._concepts)

    def get(self, concept_id: str) -> Concept | None:
        """Return the concept with ``concept_id``, or None."""
        i = self._by_id.get(concept_id)
        return None if i is None else self._concepts[i]

    def suggest(
        self, text: str, *, limit: int = 5, cutoff: float | None = None
    ) -> list[Suggestion]:
        """Propose the concepts that ``text`` most likely means.

        Parameters
        ----------
        text : str
            Free text such as "Allround elektromonteur (m/v) 32-40 uur" or "VCA basis".
        limit : int
            Maximum number of suggestions.
        cutoff : float, optional
            Minimum confidence; defaults to :data:`DEFAULT_CUTOFF`.

        Returns
        -------
        list of Suggestion
            At most ``limit`` concepts, confidence in [0, 1] descending, ties in concept input
            order; empty when nothing reaches ``cutoff``. A label equal to the query after
            normalisation scores 0.97-1.0 and then only the concepts carrying such a label are
            returned; fuzzy matches score at most 0.96; a query under four letters (an
            abbreviation) never fuzzy-matches, it only finds labels that contain it as a word.
        """
        query = self._query(text)
        if query is None:
            return []
        found = self._lookup(query)
        if not found and len(query.compact) >= _MIN_FUZZY_CHARS:
            found = self._fuzzy(query, self._ngrams.scores(query.compact))
        return self._ranked(found, limit, DEFAULT_CUTOFF if cutoff is None else cutoff)

    def best(self, text: str, *, cutoff: float | None = None) -> Suggestion | None:
        """Return the single most likely concept for ``text``, or None below ``cutoff``."""
        found = self.suggest(text, limit=1, cutoff=cutoff)
        return found[0] if found else None

    def suggest_many(
        self, texts: Sequence[str], *, limit: int = 5, cutoff: float | None = None
    ) -> list[list[Suggestion]]:
        """Run :meth:`suggest` on each of ``texts``, retrieving with sparse products per batch.

        Parameters
        ----------
        texts : sequence of str
            Free-text queries.
        limit, cutoff
            As for :meth:`suggest`.

        Returns
        -------
        list of list of Suggestion
            One list per text, in input order, each as :meth:`suggest` returns it.
        """
        cut = DEFAULT_CUTOFF if cutoff is None else cutoff
        queries = [self._query(t) for t in texts]
        found = [self._lookup(q) if q else {} for q in queries]
        fuzzy = [
            i
            for i, q in enumerate(queries)
            if q and not found[i] and len(q.compact) >= _MIN_FUZZY_CHARS
        ]
        batch = self._ngrams.scores_many([queries[i].compact for i in fuzzy])
        for i, (scores, ids) in zip(fuzzy, batch, strict=True):
            found[i] = self._fuzzy(queries[i], scores, ids)
        return [self._ranked(f, limit, cut) for f in found]

    # -- internals ---------------------------------------------------------------------------

    def _query(self, text: str) -> textnorm.Query | None:
        return textnorm.query_keys(text, kind=self.kind)

    def _lookup(self, query: textnorm.Query) -> dict[int, tuple[float, int]]:
        """Concepts with a label equal to the query under some normalisation.

        A query too short to fuzzy-match (an abbreviation such as "PV") also finds the labels
        that contain it as a whole word, the shorter label first.
        """
        found: dict[int, tuple[float, int]] = {}
        for conf, keys, exact in zip(_EXACT_CONFIDENCE, query.lookups, self._exact, strict=True):
            for key in keys:
                for e in exact.get(key, ()):
                    found.setdefault(int(self._entry_concept[e]), (conf, e))
        if found or not 2 <= len(query.compact) < _MIN_FUZZY_CHARS:
            return found
        hits = set.intersection(*(self._words.get(t, set()) for t in query.tokens))
        for e in sorted(hits):
            conf = _WORD_CONFIDENCE + 0.2 * len(query.compact) / len(self._entry_compact[e])
            ci = int(self._entry_concept[e])
            if conf > found.get(ci, (-1.0, 0))[0]:
                found[ci] = (conf, e)
        return found

    def _ranked(
        self, found: dict[int, tuple[float, int]], limit: int, cutoff: float
    ) -> list[Suggestion]:
        ranked = sorted(found.items(), key=lambda kv: (-kv[1][0], kv[0]))
        out = []
        for ci, (conf, e) in ranked[: max(limit, 0)]:
            if conf < cutoff:
                break
            c = self._concepts[ci]
            out.append(Suggestion(c.id, c.label, self._entry_label[e], round(float(conf), 6)))
        return out

    def _fuzzy(
        self, query: textnorm.Query, scores: np.ndarray, ids: np.ndarray | None = None
    ) -> dict[int, tuple[float, int]]:
        """Rerank the labels nearest in n-grams with rapidfuzz; best label per concept."""
        if not len(scores):
            return {}
        top = np.flatnonzero(scores >= _RETRIEVE_SHARE * scores.max())
        near = np.round(scores[top], 9)  # single and batch sums may differ in the last bits
        if len(top) > _CANDIDATES:  # keep ties with the last candidate: order-independent
            kth = np.partition(near, len(near) - _CANDIDATES)[len(near) - _CANDIDATES]
            top, near = top[near >= kth], near[near >= kth]
        top = top[near > 0]
        top = (top if ids is None else ids[top]).tolist()
        if not top:
            return {}
        whole = process.cdist(
            [query.compact], [self._entry_compact[e] for e in top], scorer=fuzz.ratio
        )[0]
        order = process.cdist(
            [query.spaced], [self._entry_spaced[e] for e in top], scorer=fuzz.token_sort_ratio
        )[0]
        plain = process.cdist(
            [query.plain], [self._entry_plain[e] for e in top], scorer=fuzz.ratio
        )[0]
        cheap = np.maximum(np.maximum(whole, order), plain).tolist()
        cheap = sorted(zip(cheap, top, strict=True), reverse=True)
        idf = self._word_idf
        weights = [len(t) * idf.get(t, self._max_idf) for t in query.tokens]
        short = _abbreviations(query.tokens)
        best: dict[int, tuple[float, int]] = {}
        for rank, (score, e) in enumerate(cheap):
            conf = score / 100.0
            if rank < _ALIGNED:
                conf = max(conf, self._aligned(query, e, weights))
            if self._entry_digits[e] and self._entry_digits[e] != query.digits:
                conf *= 0.5  # "NEN 3140" must not become "NEN 1010"
            if short and (
                (self._entry_short[e] and not short & self._entry_short[e])
                or any(t in self._words and t not in self._entry_compact[e] for t in short)
            ):
                conf *= 0.8  # an abbreviation is right or wrong: "cv monteur" is no "PV-monteur"
            conf = min(1.0, max(0.0, conf)) * _FUZZY_CEILING
            ci = int(self._entry_concept[e])
            if conf > best.get(ci, (-1.0, 0))[0]:
                best[ci] = (conf, e)
        return best

    def _aligned(self, query: textnorm.Query, e: int, weights: list[float]) -> float:
        """Word-by-word match: how much of the label, and of the query, the other explains."""
        lab, lab_w = self._entry_tokens[e], self._entry_word_w[e]
        sims = process.cdist(lab, query.tokens, scorer=fuzz.ratio, score_cutoff=75).tolist()
        cover_lab = sum(w * max(row) for w, row in zip(lab_w, sims, strict=True))
        cols = zip(*sims, strict=True)
        cover_q = sum(w * max(col) for w, col in zip(weights, cols, strict=True))
        return (0.6 * cover_lab / sum(lab_w) + 0.4 * cover_q / sum(weights)) / 100


def _abbreviations(tokens: list[str]) -> frozenset[str]:
    """Words under four letters that are not Dutch function words: "pv", "cv", "cnc"."""
    return frozenset(
        t
        for t in tokens
        if 2 <= len(t) < _MIN_FUZZY_CHARS and t.isalpha() and t not in _FUNCTION_WORDS
    )
