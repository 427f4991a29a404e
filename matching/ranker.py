"""The learned part of recognition: a linear scorer over candidate features and its calibration.

A :class:`Ranker` is plain numbers (weights, a softmax temperature, a "none of these" logit and an
isotonic map from probability to observed precision) so that it loads from JSON, scores with numpy
and needs no scikit-learn at run time. `scripts/train_recogniser.py` fits it with scikit-learn on
the train split of the real evaluation sets; :data:`DEFAULT_RANKER` holds hand-set weights for a
taxonomy without a trained model (tests, a fresh data directory).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["DEFAULT_RANKER", "FEATURES", "Ranker"]

#: Candidate features, in the order of a feature vector (see `matching.taxonomy`).
FEATURES = (
    "exact",  # the label equals the query once both are normalised (any word order)
    "cover_query",  # weighted share of the query's words the label explains
    "cover_label",  # weighted share of the label's words the query explains
    "cover_min",  # the smaller of the two
    "head",  # query and label share their head noun ("monteur" in "glasvezelmonteur")
    "ratio",  # character similarity of the space-free forms
    "token_set",  # rapidfuzz token_set_ratio of the spaced forms
    "ngram",  # character n-gram cosine
    "unmatched_label_words",  # label words the query does not explain (/ 3, capped at 1)
    "key_word_missing",  # the label's rarest word (its identity: "VCA" in "VCA VOL") is missing
    "numbers_differ",  # the label carries a number the query lacks ("NEN 3140" vs "NEN 1010")
    "short_word_missing",  # a short word of the query ("PV", "E", "CE") is not in the label
    "generic_label",  # the label is one head noun alone ("monteur", "medewerker")
    "kind_alt",  # the label is an alternative label
    "kind_synonym",  # a reviewed SPT synonym or correction
    "kind_hidden",  # an ESCO hidden label: a spelling to catch, not a name for the concept
    "kind_english",  # an English label
    "labels_log",  # log(1 + labels of the concept): how well known the concept is
    "reviewed",  # the concept has reviewed SPT synonyms (an occupation an SPT works with)
)


@dataclass(frozen=True)
class Ranker:
    """Weights for :data:`FEATURES` plus group priors, and how a score becomes a confidence.

    The probability that candidate *i* is right is a softmax over the candidates' scores and a
    "none of these" option, ``exp(s_i / T) / (exp(none / T) + sum_j exp(s_j / T))``; the
    isotonic map then turns it into the precision observed at that probability on held-out folds.
    """

    weights: Mapping[str, float]
    group_weights: Mapping[str, float] = field(default_factory=dict)
    bias: float = 0.0
    temperature: float = 1.0
    none_logit: float = 0.0
    calibration_x: tuple[float, ...] = ()
    calibration_y: tuple[float, ...] = ()
    threshold: float = 0.8
    _vector: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        vec = np.array([float(self.weights.get(name, 0.0)) for name in FEATURES])
        object.__setattr__(self, "_vector", vec)

    def scores(self, features: np.ndarray, groups: Sequence[str]) -> np.ndarray:
        """Linear scores of candidate rows (features in :data:`FEATURES` order)."""
        prior = np.fromiter((self.group_weights.get(g, 0.0) for g in groups), float, len(groups))
        scores: np.ndarray = features @ self._vector + prior + self.bias
        return scores

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        """Calibrated probability that each candidate is right, from its score among the others."""
        if not len(scores):
            return scores
        z = np.append(scores, self.none_logit) / self.temperature
        z = np.exp(z - z.max())
        p: np.ndarray = z[:-1] / z.sum()
        if self.calibration_x:
            p = np.interp(p, self.calibration_x, self.calibration_y)
        return p

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (see :meth:`from_dict`)."""
        return {
            "features": list(FEATURES),
            "weights": {k: round(float(v), 6) for k, v in self.weights.items()},
            "group_weights": {k: round(float(v), 6) for k, v in sorted(self.group_weights.items())},
            "bias": round(float(self.bias), 6),
            "temperature": round(float(self.temperature), 6),
            "none_logit": round(float(self.none_logit), 6),
            "calibration_x": [round(float(v), 6) for v in self.calibration_x],
            "calibration_y": [round(float(v), 6) for v in self.calibration_y],
            "threshold": round(float(self.threshold), 6),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Ranker:
        """Read :meth:`to_dict`'s form; unknown feature names are refused."""
        unknown = set(data.get("weights", {})) - set(FEATURES)
        if unknown:
            raise ValueError(f"unknown ranker features: {sorted(unknown)}")
        return cls(
            weights=dict(data["weights"]),
            group_weights=dict(data.get("group_weights", {})),
            bias=float(data.get("bias", 0.0)),
            temperature=float(data.get("temperature", 1.0)),
            none_logit=float(data.get("none_logit", 0.0)),
            calibration_x=tuple(data.get("calibration_x", ())),
            calibration_y=tuple(data.get("calibration_y", ())),
            threshold=float(data.get("threshold", 0.8)),
        )

    @classmethod
    def load(cls, path: str | Path) -> Ranker:
        """Read a ranker from a JSON file."""
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))


#: Hand-set weights for a taxonomy without a trained ranker: an equal label scores about +3 to
#: +10 (a probability near 1), a fair fuzzy match about 0, noise well below; hidden labels far
#: behind preferred and alternative ones.
DEFAULT_RANKER = Ranker(
    weights={
        "exact": 5.0,
        "cover_query": 1.5,
        "cover_label": 1.5,
        "cover_min": 4.0,
        "head": 0.5,
        "ratio": 2.5,
        "token_set": 1.0,
        "ngram": 1.5,
        "unmatched_label_words": -1.5,
        "key_word_missing": -2.0,
        "numbers_differ": -5.0,
        "short_word_missing": -4.0,
        "generic_label": -1.5,
        "kind_alt": -0.5,
        "kind_synonym": -0.1,
        "kind_hidden": -2.5,
        "kind_english": -0.5,
        "labels_log": 0.0,
        "reviewed": 0.2,
    },
    bias=-7.0,
    temperature=1.0,
    none_logit=0.0,
    threshold=0.8,
)
