"""Fitting a recognition :class:`~matching.ranker.Ranker` on labelled texts with scikit-learn.

Offline only (`scripts/train_recogniser.py`): a pairwise logistic regression over the candidates'
features learns the weights (pulled towards the hand-set ones), a softmax with a "none of these"
option turns scores into probabilities, and scikit-learn's Platt scaling (isotonic regression on
large sets) of cross-validated predictions makes them calibrated: a
confidence of 0.9 is right about 90% of the time on texts the ranker was not fitted on. The
acceptance threshold is the lowest confidence at which the cross-validated precision reaches the
target.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression

from .ranker import DEFAULT_RANKER, FEATURES, Ranker
from .taxonomy import Taxonomy

__all__ = ["LabelledText", "cross_validated", "fit_ranker"]

_ISOTONIC_FROM = 1000  # texts from which isotonic calibration beats Platt scaling


@dataclass(frozen=True, slots=True)
class LabelledText:
    """A text with the concepts that count as right, a case weight and a fold key (its source)."""

    text: str
    accept: frozenset[str]
    weight: float = 1.0
    group: str = ""
    domain: str = ""  # reported apart ("jobbert" titles beside the Dutch ones)


@dataclass(frozen=True, slots=True)
class _Case:
    groups: tuple[str, ...]
    features: np.ndarray  # the best label of each candidate concept
    answers: np.ndarray  # per row, which answer it is (curated and its ESCO concept are one)
    correct: np.ndarray  # bool per row
    weight: float

    def answer_scores(self, ranker: Ranker) -> tuple[np.ndarray, np.ndarray]:
        """Scores per answer as the taxonomy joins them (log-sum-exp), and their correctness."""
        if not len(self.correct):
            return np.zeros(0), np.zeros(0, bool)
        scores = ranker.scores(self.features, self.groups)
        order = np.lexsort((-scores, self.answers))
        starts = np.flatnonzero(np.r_[True, self.answers[order][1:] != self.answers[order][:-1]])
        return np.logaddexp.reduceat(scores[order], starts), self.correct[order][starts]


def _cases(taxonomy: Taxonomy, texts: Sequence[LabelledText], ranker: Ranker) -> list[_Case]:
    """Per text, the best-scoring label of each candidate concept (as the ranker would pick)."""
    out = []
    for item in texts:
        found = taxonomy.candidates(item.text)
        if not found.concepts:
            out.append(_Case((), np.zeros((0, len(FEATURES))), np.zeros(0, np.int64),
                             np.zeros(0, bool), item.weight))
            continue
        scores = ranker.scores(found.features, found.groups)
        best: dict[str, int] = {}
        for i, concept in enumerate(found.concepts):
            if concept not in best or scores[i] > scores[best[concept]]:
                best[concept] = i
        rows = list(best.values())
        answer_ids: dict[str, int] = {}
        answers = np.array([answer_ids.setdefault(taxonomy.answer_of(found.concepts[i]),
                                                  len(answer_ids)) for i in rows])
        correct = np.array([bool(taxonomy.stands_for(found.concepts[i]) & item.accept)
                            for i in rows])
        out.append(_Case(tuple(found.groups[i] for i in rows), found.features[rows], answers,
                         correct, item.weight))
    return out


def _design_blocks(cases: Sequence[_Case], group_names: Sequence[str]) -> list[np.ndarray]:
    """Per case, its feature rows with one-hot group columns appended."""
    col = {g: i for i, g in enumerate(group_names)}
    blocks = []
    for case in cases:
        onehot = np.zeros((len(case.groups), len(group_names)))
        for r, g in enumerate(case.groups):
            if g in col:
                onehot[r, col[g]] = 1.0
        blocks.append(np.hstack([case.features, onehot]))
    return blocks


def _fit_linear(cases: Sequence[_Case], group_names: Sequence[str], c: float) -> Ranker:
    """Pairwise logistic regression (RankNet style): the right answer above each wrong one.

    Only differences between candidates of one text are fitted, which is what ranking needs;
    where the scores stand against "none of these" is left to :func:`_fit_softmax`. The weights
    are pulled towards the hand-set :data:`DEFAULT_RANKER` (an L2 prior of strength 1/c), so a few
    hundred texts adjust sensible weights instead of inventing new ones.
    """
    diffs, weights = [], []
    for case, x in zip(cases, _design_blocks(cases, group_names), strict=True):
        right, wrong = np.flatnonzero(case.correct), np.flatnonzero(~case.correct)
        if not len(right) or not len(wrong):
            continue
        pairs = (x[right][:, None, :] - x[wrong][None, :, :]).reshape(-1, x.shape[1])
        diffs.append(pairs)
        weights.append(np.full(len(pairs), case.weight / len(pairs)))
    if not diffs:
        return DEFAULT_RANKER
    x, w = np.vstack(diffs), np.concatenate(weights)
    w = w * len(diffs) / w.sum()
    prior = np.r_[[DEFAULT_RANKER.weights.get(f, 0.0) for f in FEATURES],
                  np.zeros(len(group_names))]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        margin = x @ theta
        value = w @ np.logaddexp(0.0, -margin) + 0.5 / c * np.sum((theta - prior) ** 2)
        grad = -(x.T @ (w * expit(-margin))) + (theta - prior) / c
        return value, grad

    theta = minimize(loss, prior, jac=True, method="L-BFGS-B").x
    weights_by_name = dict(zip(FEATURES, theta[: len(FEATURES)], strict=True))
    groups = dict(zip(group_names, theta[len(FEATURES):], strict=True))
    return Ranker(weights=weights_by_name, group_weights=groups, bias=0.0)


def _fit_softmax(cases: Sequence[_Case], ranker: Ranker) -> Ranker:
    """Temperature and "none" logit that maximise the likelihood of the right answer."""
    scored = [(*case.answer_scores(ranker), case.weight) for case in cases]

    def loss(params: np.ndarray) -> float:
        log_t, none = params
        t = np.exp(log_t)
        total = 0.0
        for scores, correct, weight in scored:
            z = np.append(scores, none) / t
            top = z.max()
            log_norm = top + np.log(np.exp(z - top).sum())
            right = np.append(correct, not correct.any())
            total -= weight * (top + np.log(np.exp(z[right] - top).sum()) - log_norm)
        return total

    start = np.median([np.max(scores) for scores, _, _ in scored if len(scores)] or [0.0])
    result = minimize(loss, x0=np.array([0.0, start]), method="Nelder-Mead",
                      options={"xatol": 1e-3, "fatol": 1e-3, "maxiter": 400})
    return replace(ranker, temperature=float(np.exp(result.x[0])),
                   none_logit=float(result.x[1]))


def _fold(group: str, folds: int) -> int:
    return int(hashlib.sha1(group.encode("utf-8")).hexdigest(), 16) % folds


def _top1(ranker: Ranker, cases: Sequence[_Case]) -> tuple[np.ndarray, np.ndarray]:
    """Uncalibrated top-1 probability and whether the top-1 is right, per case."""
    raw = replace(ranker, calibration_x=(), calibration_y=())
    probs, right = [], []
    for case in cases:
        if not len(case.correct):
            probs.append(0.0)
            right.append(False)
            continue
        scores, correct = case.answer_scores(raw)
        p = raw.probabilities(scores)
        first = int(np.argmax(p))
        probs.append(float(p[first]))
        right.append(bool(correct[first]))
    return np.array(probs), np.array(right)


def _fit_uncalibrated(cases: Sequence[_Case], group_names: Sequence[str], c: float) -> Ranker:
    return _fit_softmax(cases, _fit_linear(cases, group_names, c))


def cross_validated(
    taxonomy: Taxonomy,
    texts: Sequence[LabelledText],
    *,
    folds: int = 5,
    c: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Top-1 probability and correctness of each text, predicted by a ranker fitted without
    the text's fold (folds by ``group``, so one source never sits on both sides)."""
    return _cross_validated(_cases(taxonomy, texts, DEFAULT_RANKER), texts, folds, c)


def _cross_validated(base: Sequence[_Case], texts: Sequence[LabelledText], folds: int, c: float
                     ) -> tuple[np.ndarray, np.ndarray]:
    group_names = sorted({g for case in base for g in case.groups})
    keys = np.array([_fold(t.group or t.text, folds) for t in texts])
    probs, right = np.zeros(len(texts)), np.zeros(len(texts), bool)
    for k in range(folds):
        held = np.flatnonzero(keys == k)
        if not len(held):
            continue
        train = [base[i] for i in np.flatnonzero(keys != k).tolist()]
        ranker = _fit_uncalibrated(train, group_names, c)
        p, r = _top1(ranker, [base[i] for i in held.tolist()])
        probs[held], right[held] = p, r
    return probs, right


def fit_ranker(
    taxonomy: Taxonomy,
    texts: Sequence[LabelledText],
    *,
    target_precision: float = 0.95,
    folds: int = 5,
    c: float = 1.0,
    calibrate_on: str | None = None,
) -> tuple[Ranker, dict[str, Any]]:
    """Fit weights, softmax and calibration on ``texts``; choose the acceptance threshold.

    Parameters
    ----------
    taxonomy : Taxonomy
        The taxonomy the ranker will serve (candidates and features come from it).
    texts : sequence of LabelledText
        The train split; ``group`` (the source) keeps a source inside one fold.
    target_precision : float
        Cross-validated precision the accepted first suggestions must reach.
    folds, c
        Cross-validation folds; inverse regularisation of the logistic regression.
    calibrate_on : str, optional
        Calibrate and choose the threshold on the texts of this domain only (the Dutch real
        texts the product serves); all texts still fit the weights.

    Returns
    -------
    (Ranker, dict)
        The ranker, and cross-validated figures: top-1, the share accepted and its precision.
    """
    base = _cases(taxonomy, texts, DEFAULT_RANKER)
    probs, right = _cross_validated(base, texts, folds, c)
    domains = np.array([t.domain for t in texts])
    mine = domains == calibrate_on if calibrate_on else np.ones(len(texts), bool)
    xs, ys = _calibration(probs[mine], right[mine])
    calibrated = np.interp(probs, xs, ys)  # as Ranker.probabilities applies it
    threshold = _threshold(calibrated[mine], right[mine], target_precision)
    group_names = sorted({g for case in base for g in case.groups})
    ranker = _fit_uncalibrated(base, group_names, c)
    ranker = replace(ranker, calibration_x=tuple(map(float, xs)),
                     calibration_y=tuple(map(float, ys)), threshold=threshold)
    by_domain = {d: round(float(right[domains == d].mean()), 4) for d in sorted(set(domains))}
    right, accepted = right[mine], calibrated[mine] >= threshold
    report = {
        "cv_top1_by_domain": by_domain,
        "n": int(len(texts)),
        "calibrated_on": int(mine.sum()),
        "cv_top1": round(float(right.mean()), 4) if len(right) else None,
        "cv_accepted_share": round(float(accepted.mean()), 4) if len(right) else None,
        "cv_accepted_precision": (round(float(right[accepted].mean()), 4)
                                  if accepted.any() else None),
        "threshold": round(threshold, 4),
    }
    return ranker, report


def _calibration(probs: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Probability -> observed precision, as points for np.interp.

    Platt scaling (a logistic curve over the log-odds) for a few hundred texts, where isotonic
    regression would fit steps to single cases; isotonic regression from 1,000 texts on.
    """
    grid = np.linspace(0.0, 1.0, 101)
    if len(probs) >= _ISOTONIC_FROM:
        iso = IsotonicRegression(y_min=0.0, y_max=1.0, increasing=True, out_of_bounds="clip")
        iso.fit(probs, right.astype(float))
        return grid, iso.predict(grid)
    model = LogisticRegression(C=10.0)
    model.fit(_logit(probs)[:, None], right.astype(int))
    calibrated: np.ndarray = model.predict_proba(_logit(grid)[:, None])[:, 1]
    return grid, calibrated


def _logit(p: np.ndarray) -> np.ndarray:
    odds: np.ndarray = np.log(np.clip(p, 1e-6, 1 - 1e-6) / np.clip(1 - p, 1e-6, 1))
    return odds


def _threshold(confidence: np.ndarray, right: np.ndarray, target: float) -> float:
    """The lowest confidence whose accepted set (confidence >= it) reaches ``target``."""
    best = 1.0
    for t in sorted(set(confidence.tolist()), reverse=True):
        if right[confidence >= t].mean() >= target:
            best = t
    return float(best)
