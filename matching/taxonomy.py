"""Recognising free text (job titles, skills) as taxonomy concepts, with a calibrated confidence.

A query is normalised like every label (folding, the lexicon's noise and jargon, female forms),
its unknown words are split into compound parts or corrected to a known word, and three cheap
retrievals propose candidate labels: equal keys, shared words and character n-grams. Each candidate
gets the features of :data:`matching.ranker.FEATURES`; a :class:`~matching.ranker.Ranker` scores
them, keeps the best label per concept and turns the scores into the probability that the concept
is right. A fitted :class:`Taxonomy` holds no global state and is reused for every query.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import snowballstemmer
from rapidfuzz import fuzz, process
from scipy import sparse

from . import textnorm
from .lexicon import EMPTY_LEXICON, Lexicon
from .ranker import DEFAULT_RANKER, FEATURES, Ranker

__all__ = ["DEFAULT_CUTOFF", "LABEL_KINDS", "Candidates", "Concept", "Recognition",
           "Suggestion", "Taxonomy"]

#: Suggestions below this confidence are not offered at all.
DEFAULT_CUTOFF = 0.01
#: Where a label comes from, strongest first; the ranker weighs each kind.
LABEL_KINDS = ("preferred", "alt", "synonym", "hidden", "english")
_RETRIEVE = 30  # candidate labels by shared words and character n-grams, besides equal keys
_MIN_PART = 3  # shortest modifier of a compound ("pv" is no part, "glasvezel" is)
_MIN_HEAD = 4  # shortest head noun ("monteur", "kok" is too short to split on)
_HEAD_COMPOUNDS = 3  # a word is a head noun when this many longer words end in it
_CORRECT_SCORE = 85  # rapidfuzz ratio to correct an unknown word to a known one
# Weight of a word no label uses. In a job title it is mostly an employer, a place or a name;
# in a requirement line it is what the line is about and our list lacks ("ambities").
_UNKNOWN_WEIGHT = {"occupation": 0.5, "skill": None}  # None: as rare as the rarest known word
_QUALIFIER_SHARE = 0.25  # a qualifier ("allround", "eerste", "bbl") weighs this share of its IDF
_SHORT = 3  # words this short are abbreviations ("PV", "CE") unless they are common words
_COMMON_SHARE = 0.005  # a short word in more labels than this share is a function word ("de")
_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURES)}
# columns computed per query, in the order _features builds them
_DYNAMIC = [_FEATURE_INDEX[n] for n in ("exact", "cover_query", "cover_label", "cover_min", "head",
                                        "unmatched_label_words", "key_word_missing",
                                        "numbers_differ", "short_word_missing")]
_RATIO, _TOKEN_SET, _NGRAM = (_FEATURE_INDEX[n] for n in ("ratio", "token_set", "ngram"))
_STEMMER = snowballstemmer.stemmer("dutch")


@dataclass(frozen=True, slots=True)
class Concept:
    """A taxonomy entry (an occupation or a skill) with every label it is known by.

    ``maps_to`` names the concepts of another scheme that a curated concept stands for (a
    curated occupation's closest ESCO occupations, a curated skill's ESCO skills).
    """

    id: str
    label: str
    alt_labels: tuple[str, ...] = ()
    group: str = ""
    hidden_labels: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    english_labels: tuple[str, ...] = ()
    maps_to: tuple[str, ...] = ()

    def labels(self) -> Iterator[tuple[str, str]]:
        """(label, kind) pairs, strongest kind first."""
        yield self.label, "preferred"
        for kind, labels in zip(
            LABEL_KINDS[1:],
            (self.alt_labels, self.synonyms, self.hidden_labels, self.english_labels),
            strict=True,
        ):
            for label in labels:
                yield label, kind


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A concept proposed for a piece of free text, with the label that matched best."""

    concept_id: str
    label: str
    matched_label: str
    confidence: float
    label_kind: str = "preferred"


@dataclass(frozen=True, slots=True)
class Recognition:
    """What a text was recognised as: the suggestions, and the first one if it is sure enough."""

    text: str
    suggestions: tuple[Suggestion, ...]
    threshold: float

    @property
    def accepted(self) -> Suggestion | None:
        """The first suggestion when its confidence reaches the threshold, else None.

        An answer found through an English label is never accepted on its own: the threshold is
        calibrated mostly on Dutch titles, and on English vacancy titles (JobBERT) the answers
        it accepted were right only 63% of the time. It is offered as "Bedoel je" instead.
        """
        first = self.suggestions[0] if self.suggestions else None
        if first is None or first.label_kind == "english":
            return None
        return first if first.confidence >= self.threshold else None


@dataclass(frozen=True, slots=True)
class Candidates:
    """The candidate concepts of one query with their features (for training and inspection)."""

    concepts: tuple[str, ...]
    labels: tuple[str, ...]
    label_kinds: tuple[str, ...]
    groups: tuple[str, ...]
    features: np.ndarray  # one row per candidate, columns in FEATURES order


@dataclass(frozen=True, slots=True)
class _Text:
    """A label or a query after normalisation."""

    tokens: tuple[str, ...]
    parts: frozenset[str]  # the tokens and their compound parts
    split: tuple[tuple[str, tuple[str, ...]], ...]  # per token: its stem and its parts' stems
    heads: frozenset[str]
    spaced: str
    compact: str
    key: str  # tokens sorted: equal keys are equal texts in any word order
    digits: frozenset[str]
    short: frozenset[str] = frozenset()  # abbreviations among the tokens (queries only)


class Taxonomy:
    """A fitted index over concepts; build it once with :meth:`build` and reuse it.

    Instances are read-only after :meth:`build` and safe to share between threads.
    """

    def __init__(self, concepts: list[Concept], kind: str, lexicon: Lexicon, ranker: Ranker,
                 entries: Sequence[tuple[int, str, str, _Text]], heads: frozenset[str]) -> None:
        """Internal: use :meth:`build`."""
        self._concepts: list[Concept] = concepts
        self._by_id = {c.id: i for i, c in reversed(list(enumerate(concepts)))}
        self.kind: str = kind
        self.lexicon: Lexicon = lexicon
        self.ranker: Ranker = ranker
        self._heads: frozenset[str] = heads
        self._surface = frozenset(t for e in entries for t in e[3].tokens)
        self._qualifiers = frozenset(map(stem, lexicon.qualifiers.get(kind, ())))
        self._entry_concept = np.asarray([e[0] for e in entries], dtype=np.int64)
        self._entry_label = [e[1] for e in entries]
        self._entry_kind = [e[2] for e in entries]
        self._entry_text: list[_Text] = [e[3] for e in entries]
        self._groups = [_group(c, kind) for c in concepts]
        # a curated concept and the ESCO concept it stands for first are the same answer
        self._answer = np.array([self._by_id.get(c.maps_to[0], i) if c.maps_to else i
                                 for i, c in enumerate(concepts)], dtype=np.int64)
        self._concept_labels_log = np.log1p(np.bincount(self._entry_concept,
                                                        minlength=len(concepts)))
        self._reviewed = np.array([bool(c.synonyms) for c in concepts], dtype=float)
        self._exact: dict[str, list[int]] = {}
        for e, text in enumerate(self._entry_text):
            for key in {text.key, text.compact}:
                self._exact.setdefault(key, []).append(e)
        self._build_word_index()
        self._ngrams = textnorm.NgramIndex([t.compact for t in self._entry_text])
        self._vocab_list = sorted(self._surface)
        self._vocab_ngrams = textnorm.NgramIndex(self._vocab_list)
        # per label, its words (split in parts) with their weights: fixed once built
        self._entry_units = [
            tuple((unit, self._unit_weight(unit)) for unit in text.split)
            for text in self._entry_text
        ]
        self._static = self._static_features()
        # per label, which of its words weighs most (its identity)
        self._entry_key_unit = [_heaviest(units) for units in self._entry_units]
        self._learned: dict[str, list[int]] = {}  # see with_learned
        self._extra: list[tuple[int, str]] = []  # learned labels: (concept index, text)
        self._correct = lru_cache(maxsize=50_000)(self._correct_uncached)
        self._analyse_query = lru_cache(maxsize=20_000)(self._analyse_query_uncached)

    @classmethod
    def build(
        cls,
        concepts: Iterable[Concept],
        *,
        kind: str = "occupation",
        lexicon: Lexicon = EMPTY_LEXICON,
        ranker: Ranker = DEFAULT_RANKER,
    ) -> Taxonomy:
        """Fit the normalised labels, word and n-gram indexes of ``concepts``.

        Parameters
        ----------
        concepts : iterable of Concept
            The taxonomy; the first concept with a given id wins, input order breaks ties.
        kind : {"occupation", "skill"}
            Occupations fold female job-title forms (``monteuse`` -> ``monteur``); skills do not.
            The lexicon's noise and jargon of this kind apply.
        lexicon : Lexicon
            Noise, jargon and place names; place names that are words of a label are kept.
        ranker : Ranker
            Weights and calibration; a trained one comes from `spt/data/recognition/`.

        Returns
        -------
        Taxonomy
        """
        if kind not in ("occupation", "skill"):
            raise ValueError(f"kind must be 'occupation' or 'skill', not {kind!r}")
        seen: set[str] = set()
        kept: list[Concept] = []
        for c in concepts:
            if c.id not in seen:
                seen.add(c.id)
                kept.append(c)
        raw = []
        for ci, concept in enumerate(kept):
            done: set[tuple[str, ...]] = set()
            for label, label_kind in concept.labels():
                tokens = tuple(textnorm.tokenize(label))
                if tokens and tokens not in done:
                    done.add(tokens)
                    raw.append((ci, label.strip(), label_kind, tokens))
        vocabulary = {t for *_, tokens in raw for t in tokens}
        lexicon = lexicon.without_words(vocabulary)
        normalised = [_normalise(tokens, kind, lexicon) for *_, tokens in raw]
        words = {t for tokens in normalised for t in tokens}
        heads = _head_nouns(words)
        entries = [
            (ci, label, label_kind, _text(tokens, heads, words))
            for (ci, label, label_kind, _), tokens in zip(raw, normalised, strict=True)
        ]
        return cls(kept, kind, lexicon, ranker, entries, heads)

    def __len__(self) -> int:
        return len(self._concepts)

    def __iter__(self) -> Iterator[Concept]:
        return iter(self._concepts)

    def get(self, concept_id: str) -> Concept | None:
        """Return the concept with ``concept_id``, or None."""
        i = self._by_id.get(concept_id)
        return None if i is None else self._concepts[i]

    def with_learned(self, labels: Iterable[tuple[str, str]]) -> Taxonomy:
        """A copy that also knows these (concept id, text) synonyms learned from people.

        A learned synonym counts for a query equal to it after normalisation (in any word order,
        with the same noise around it), as an indexed synonym equal to the query would; fuzzy
        variants need it fitted by :meth:`build`. Unknown concept ids are ignored.
        """
        new = copy.copy(self)
        new._learned, new._extra = {}, []
        base = len(self._entry_text)
        for concept_id, text in labels:
            ci = self._by_id.get(concept_id)
            if ci is None:
                continue
            query = self._normalised_query(tuple(textnorm.tokenize(text)))
            if query is None:
                continue
            entry = base + len(new._extra)
            new._extra.append((ci, text.strip()))
            for key in {query.key, query.compact}:
                new._learned.setdefault(key, []).append(entry)
        return new

    def stands_for(self, concept_id: str) -> frozenset[str]:
        """The concept's id and the ids it maps to (a curated concept's ESCO concepts)."""
        concept = self.get(concept_id)
        return frozenset((concept_id, *(concept.maps_to if concept else ())))

    def recognise(self, text: str, *, limit: int = 5, cutoff: float | None = None) -> Recognition:
        """Recognise ``text``: ranked suggestions and whether the first is sure enough.

        Parameters
        ----------
        text : str
            Free text such as "Allround Monteur W (m/v) regio Utrecht" or "VCA-VOL diploma".
        limit : int
            Maximum number of suggestions.
        cutoff : float, optional
            Minimum confidence of a suggestion; defaults to :data:`DEFAULT_CUTOFF`.

        Returns
        -------
        Recognition
            Suggestions by confidence descending (the calibrated probability, in [0, 1], that the
            concept is right), ties in concept input order; ``accepted`` is the first suggestion
            when its confidence reaches the ranker's threshold.
        """
        found = self.suggest(text, limit=limit, cutoff=cutoff)
        return Recognition(text, tuple(found), self.ranker.threshold)

    def suggest(
        self, text: str, *, limit: int = 5, cutoff: float | None = None
    ) -> list[Suggestion]:
        """Propose the concepts that ``text`` most likely means (see :meth:`recognise`).

        Returns
        -------
        list of Suggestion
            At most ``limit`` concepts with confidence >= ``cutoff``, highest first, ties in
            concept input order; empty when nothing is plausible.
        """
        cut = DEFAULT_CUTOFF if cutoff is None else cutoff
        scored = self._score(text)
        if scored is None:
            return []
        concepts, entries, probabilities = scored
        out = []
        for ci, e, p in zip(concepts[: max(limit, 0)], entries, probabilities, strict=False):
            if p < cut:
                break
            c = self._concepts[ci]
            out.append(Suggestion(c.id, c.label, self._label_of(e), round(float(p), 6),
                                  self._kind_of(e)))
        return out

    def best(self, text: str, *, cutoff: float | None = None) -> Suggestion | None:
        """The most likely concept when its confidence reaches ``cutoff`` (the threshold)."""
        found = self.suggest(text, limit=1, cutoff=self.ranker.threshold if cutoff is None
                             else cutoff)
        return found[0] if found else None

    def suggest_many(
        self, texts: Sequence[str], *, limit: int = 5, cutoff: float | None = None
    ) -> list[list[Suggestion]]:
        """Run :meth:`suggest` on each of ``texts``; one list per text, in input order."""
        return [self.suggest(t, limit=limit, cutoff=cutoff) for t in texts]

    def candidates(self, text: str) -> Candidates:
        """Every candidate label of ``text`` with its features, before ranking (for training)."""
        rows, feats = self._candidate_rows(text)
        cis = self._concept_of(rows)
        return Candidates(
            concepts=tuple(self._concepts[i].id for i in cis),
            labels=tuple(map(self._label_of, rows.tolist())),
            label_kinds=tuple(map(self._kind_of, rows.tolist())),
            groups=tuple(self._groups[i] for i in cis),
            features=feats,
        )

    # -- internals ---------------------------------------------------------------------------

    def _build_word_index(self) -> None:
        """Word postings: which labels hold a word or a compound part, weighted by IDF."""
        vocab: dict[str, int] = {}
        rows, cols = [], []
        for e, text in enumerate(self._entry_text):
            for part in text.parts:
                rows.append(e)
                cols.append(vocab.setdefault(part, len(vocab)))
        n = len(self._entry_text)
        df = np.bincount(cols, minlength=len(vocab))
        idf = np.log((1 + n) / (1 + df)) + 1.0
        self._word_id = vocab
        # the IDF of a word in _COMMON_SHARE of the labels: rarer short words are abbreviations
        self._max_idf_common = float(np.log((1 + n) / (1 + _COMMON_SHARE * n)) + 1.0)
        self._vocab_word = list(vocab)
        self._unknown_weight = _UNKNOWN_WEIGHT[self.kind] or float(idf.max(initial=1.0))
        self._idf = {w: float(idf[i]) for w, i in vocab.items()}
        matrix = sparse.csr_matrix((idf[cols], (rows, cols)), shape=(n, len(vocab)))
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        by_word = sparse.csr_matrix(sparse.diags(1.0 / norms) @ matrix).T.tocsr()
        self._post_idx = np.split(by_word.indices, by_word.indptr[1:-1])
        self._post_w = np.split(by_word.data, by_word.indptr[1:-1])

    def _correct_uncached(self, token: str) -> str | None:
        """The known word an unknown one is a typo of, or None."""
        if len(token) < 5 or token.isdigit():
            return None
        near = _top(self._vocab_ngrams.scores(token), 8)
        if not len(near):
            return None
        words = [self._vocab_list[i] for i in near]
        hit = process.extractOne(token, words, scorer=fuzz.ratio, score_cutoff=_CORRECT_SCORE)
        return hit[0] if hit else None

    def _analyse_query_uncached(self, text: str) -> tuple[_Text, ...]:
        """The normalised query, and the same without its tail when it has one."""
        tokens = tuple(textnorm.tokenize(text))
        views = [tokens]
        cut = self.lexicon.tail_start(tokens, self.kind)
        if cut:
            views.append(tokens[:cut])
        return tuple(q for q in map(self._normalised_query, views) if q is not None)

    def _normalised_query(self, raw: tuple[str, ...]) -> _Text | None:
        tokens = _normalise(raw, self.kind, self.lexicon)
        if not tokens:
            return None
        fixed = []
        for t in tokens:
            if t in self._surface or _split(t, self._heads, self._surface):
                fixed.append(t)
            else:
                fixed.append(self._correct(t) or t)
        text = _text(tuple(fixed), self._heads, self._surface)
        rare = self._max_idf_common
        short = frozenset(t for t in fixed if len(t) <= _SHORT and t.isalpha()
                          and t not in self._qualifiers
                          and self._idf.get(stem(t), rare + 1) > rare)
        return replace(text, short=short) if short else text

    def _weight(self, word: str) -> float:
        weight = self._idf.get(word, self._unknown_weight)
        return weight * _QUALIFIER_SHARE if word in self._qualifiers else weight

    def _unit_weight(self, unit: tuple[str, tuple[str, ...]]) -> float:
        whole, atoms = unit
        return self._weight(whole) if whole in self._idf else max(map(self._weight, atoms))

    def _retrieve(self, query: _Text, ngram_scores: np.ndarray) -> np.ndarray:
        """Candidate labels: equal keys, then the best by shared words plus n-gram cosine."""
        exact = self._exact.get(query.key, []) + self._exact.get(query.compact, [])
        ids = [self._word_id[p] for p in query.parts if p in self._word_id]
        scores = ngram_scores
        if ids:
            weights = np.array([self._idf[self._vocab_word[i]] for i in ids])
            rows = np.concatenate([self._post_idx[i] for i in ids])
            posted = np.concatenate([self._post_w[i] * w for i, w in zip(ids, weights,
                                                                         strict=True)])
            words = np.bincount(rows, posted, minlength=len(self._entry_text))
            scores = ngram_scores + words / np.sqrt(weights @ weights)
        return np.unique(np.concatenate([np.asarray(exact, dtype=np.int64),
                                         _top(scores, _RETRIEVE)]))

    def _features(self, query: _Text, rows: np.ndarray, ngram_scores: np.ndarray) -> np.ndarray:
        """The FEATURES of each candidate label (rows of entries) against the query."""
        texts = [self._entry_text[e] for e in rows]
        q_units = [(unit, self._unit_weight(unit)) for unit in query.split]
        q_total = sum(w for _, w in q_units) or 1.0
        q_parts, q_heads, q_key, q_compact = query.parts, query.heads, query.key, query.compact
        q_digits, q_short = query.digits, query.short
        dynamic = []
        for e, text in zip(rows.tolist(), texts, strict=True):
            t_parts = text.parts
            cover_q = sum(w * _covered(unit, t_parts) for unit, w in q_units) / q_total
            l_units = self._entry_units[e]
            l_hits = [_covered(unit, q_parts) for unit, _ in l_units]
            cover_l = (sum(w * h for (_, w), h in zip(l_units, l_hits, strict=True))
                       / (sum(w for _, w in l_units) or 1.0))
            dynamic.append((
                text.key == q_key or text.compact == q_compact,
                cover_q,
                cover_l,
                min(cover_q, cover_l),
                not text.heads.isdisjoint(q_heads),
                min(1.0, l_hits.count(0.0) / 3),
                l_hits[self._entry_key_unit[e]] == 0.0,
                bool(text.digits) and text.digits != q_digits,
                bool(q_short) and not q_short <= t_parts,
            ))
        out: np.ndarray = self._static[rows]  # a copy: fancy indexing
        out[:, _DYNAMIC] = np.array(dynamic, dtype=float)
        out[:, _RATIO] = process.cdist([q_compact], [t.compact for t in texts],
                                       scorer=fuzz.ratio)[0] / 100
        out[:, _TOKEN_SET] = process.cdist([query.spaced], [t.spaced for t in texts],
                                           scorer=fuzz.token_set_ratio)[0] / 100
        out[:, _NGRAM] = ngram_scores[rows]
        return out

    def _static_features(self) -> np.ndarray:
        """The features of each label that do not depend on the query."""
        out = np.zeros((len(self._entry_text), len(FEATURES)))
        col = _FEATURE_INDEX
        for e, text in enumerate(self._entry_text):
            kind = self._entry_kind[e]
            if kind != "preferred":
                out[e, col["kind_" + kind]] = 1.0
            # an ESCO label that is one head noun alone ("monteur" for a film editor); a
            # reviewed synonym such as "monteur" -> installatiemonteur is a decision, not noise
            out[e, col["generic_label"]] = (len(text.tokens) == 1 and text.tokens[0] in self._heads
                                            and kind not in ("preferred", "synonym"))
        out[:, col["labels_log"]] = self._concept_labels_log[self._entry_concept]
        out[:, col["reviewed"]] = self._reviewed[self._entry_concept]
        return out

    def _candidate_rows(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """Candidate labels (entry rows) and their features, for every view of the text.

        A title with a tail ("Chauffeur bij Becker International", "tekenaar @ Verkaart") is
        also read without it; a label's best view counts.
        """
        rows, feats = [], []
        for query in self._analyse_query(text):
            ngram_scores = self._ngrams.scores(query.compact)
            found = self._retrieve(query, ngram_scores)
            if len(found):
                rows.append(found)
                feats.append(self._features(query, found, ngram_scores))
            learned = self._learned.get(query.key, []) + self._learned.get(query.compact, [])
            if learned:
                learned = sorted(set(learned))
                rows.append(np.asarray(learned, dtype=np.int64))
                feats.append(np.vstack([self._learned_features(e, query) for e in learned]))
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros((0, len(FEATURES)))
        return np.concatenate(rows), np.vstack(feats)

    def _score(self, text: str) -> tuple[list[int], list[int], list[float]] | None:
        """Concepts by probability, each with its best label; None when nothing is found."""
        rows, features = self._candidate_rows(text)
        if not len(rows):
            return None
        cis = self._concept_of(rows)
        scores = self.ranker.scores(features, [self._groups[i] for i in cis])
        # best label per concept: sort by concept, then score descending, keep the first
        order = np.lexsort((-scores, cis))
        first = np.ones(len(order), dtype=bool)
        first[1:] = cis[order][1:] != cis[order][:-1]
        keep = order[first]
        concepts, best_rows, best = self._one_per_answer(cis[keep], rows[keep], scores[keep])
        ranked = np.lexsort((concepts, -best))
        probabilities = self.ranker.probabilities(best[ranked])
        return concepts[ranked].tolist(), best_rows[ranked].tolist(), probabilities.tolist()

    def _concept_of(self, rows: np.ndarray) -> np.ndarray:
        """Concept index of each candidate row (a label, or a learned synonym past the labels)."""
        base = len(self._entry_text)
        labels: np.ndarray = self._entry_concept[np.minimum(rows, base - 1)]
        if not self._extra or not len(rows) or rows.max() < base:
            return labels
        extra = np.array([ci for ci, _ in self._extra], dtype=np.int64)
        return np.where(rows < base, labels, extra[np.maximum(rows - base, 0)])

    def _label_of(self, row: int) -> str:
        base = len(self._entry_text)
        return self._entry_label[row] if row < base else self._extra[row - base][1]

    def _kind_of(self, row: int) -> str:
        return self._entry_kind[row] if row < len(self._entry_text) else "synonym"

    def _learned_features(self, row: int, query: _Text) -> np.ndarray:
        """What an indexed synonym equal to the query would score: a perfect match."""
        ci = self._extra[row - len(self._entry_text)][0]
        out = np.zeros(len(FEATURES))
        col = _FEATURE_INDEX
        for name in ("exact", "cover_query", "cover_label", "cover_min", "ratio", "token_set",
                     "ngram", "kind_synonym", "reviewed"):
            out[col[name]] = 1.0
        out[col["head"]] = float(bool(query.heads))
        out[col["labels_log"]] = self._concept_labels_log[ci]
        return out

    def _one_per_answer(self, concepts: np.ndarray, rows: np.ndarray, scores: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A curated concept and the ESCO concept it stands for first are one answer: keep the
        higher-scoring one, with the two scores joined (log-sum-exp), so they never split the
        probability between them."""
        answers = self._answer[concepts]
        if len(np.unique(answers)) == len(answers):
            return concepts, rows, scores
        order = np.lexsort((-scores, answers))
        starts = np.flatnonzero(np.r_[True, answers[order][1:] != answers[order][:-1]])
        joined = np.logaddexp.reduceat(scores[order], starts)
        keep = order[starts]
        return concepts[keep], rows[keep], joined

    def answer_of(self, concept_id: str) -> str:
        """The id that stands for the same answer: a curated concept's first ESCO concept."""
        i = self._by_id.get(concept_id)
        return concept_id if i is None else self._concepts[self._answer[i]].id


def _heaviest(units: Sequence[tuple[object, float]]) -> int:
    """Index of the word of a label that weighs most."""
    return max(range(len(units)), key=lambda i: units[i][1])


def _group(concept: Concept, kind: str) -> str:
    """The prior a ranker may weigh: ISCO major group of an occupation, the kind of a skill."""
    if kind == "occupation":
        return f"isco:{concept.group[:1]}" if concept.group else "isco:"
    return f"kind:{concept.group}"


def _normalise(tokens: tuple[str, ...], kind: str, lexicon: Lexicon) -> tuple[str, ...]:
    """Lexicon noise and jargon, then (occupations) female endings folded."""
    cleaned = lexicon.apply(tokens, kind)
    if kind == "occupation":
        cleaned = [textnorm.fold_gender(t) for t in cleaned]
    return tuple(cleaned)


def _head_nouns(words: set[str]) -> frozenset[str]:
    """Words that end several longer words: the heads of Dutch compounds ("monteur")."""
    counts: dict[str, int] = {}
    for w in words:
        for i in range(_MIN_PART, len(w) - _MIN_HEAD + 1):
            tail = w[i:]
            if tail in words:
                counts[tail] = counts.get(tail, 0) + 1
    return frozenset(w for w, n in counts.items() if n >= _HEAD_COMPOUNDS and len(w) >= _MIN_HEAD)


def _split(token: str, heads: frozenset[str], words: Collection[str]) -> tuple[str, ...] | None:
    """A compound as (modifier, head) with the longest known head, or None.

    A linking "s" or "e" is dropped from the modifier when the shorter form is a known word:
    "veiligheidskundige" -> ("veiligheid", "kundige").
    """
    for i in range(_MIN_PART, len(token) - _MIN_HEAD + 1):
        head = token[i:]
        if head in heads:
            modifier = token[:i]
            if modifier[-1] in "se" and modifier[:-1] in words:
                modifier = modifier[:-1]
            return (modifier, head)
    return None


def _atoms(token: str, heads: frozenset[str], words: Collection[str], depth: int = 0
           ) -> tuple[str, ...]:
    """A word split into its smallest known parts: "kledingwinkelmanager" -> kleding, winkel,
    manager (at most three levels deep)."""
    split = _split(token, heads, words) if depth < 3 else None
    if split is None:
        return (token,)
    modifier, head = split
    return (*_atoms(modifier, heads, words, depth + 1), *_atoms(head, heads, words, depth + 1))


def _text(tokens: tuple[str, ...], heads: frozenset[str], words: Collection[str]) -> _Text:
    """Normalised tokens with their compound parts; ``parts`` and ``split`` hold stems, so
    "storingen verhelpen" and "storing verhelp" cover each other."""
    atoms = tuple(_atoms(t, heads, words) for t in tokens)
    split = tuple((stem(t), tuple(map(stem, a))) for t, a in zip(tokens, atoms, strict=True))
    parts = frozenset(whole for whole, _ in split) | frozenset(p for _, a in split for p in a)
    head_words = frozenset(a[-1] for a in atoms if a[-1] in heads)
    return _Text(
        tokens=tokens,
        parts=parts,
        split=split,
        heads=head_words,
        spaced=" ".join(tokens),
        compact="".join(tokens),
        key=" ".join(sorted(tokens)),
        digits=textnorm.digits(tokens),
    )


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Dutch Snowball stem of a word ("storingen" -> "stor", "laadpalen" -> "laadpaal")."""
    return _STEMMER.stemWord(word) if len(word) > _SHORT else word


def _covered(unit: tuple[str, tuple[str, ...]], other: frozenset[str]) -> float:
    """How much of a word (its stem, else its parts by length) the other text holds."""
    whole, atoms = unit
    if whole in other:
        return 1.0
    if len(atoms) == 1:
        return 0.0
    return sum(len(a) for a in atoms if a in other) / sum(len(a) for a in atoms)


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    """Indexes of the k highest positive scores (ties kept in index order)."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k:
        kth = np.partition(scores[positive], len(positive) - k)[len(positive) - k]
        positive = positive[scores[positive] >= kth]
    return positive
