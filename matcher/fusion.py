"""Fusion: one score per candidate from its features (matcher/features.py).

`LearnedFusion` is a small learning-to-rank model that follows scikit-learn's estimator
contract (no logic in `__init__`, `fit` returns self, learned attributes end in `_`): a
linear scorer over the pool-normalised features, fitted with a listwise loss, each query
weighted equally within its benchmark and each benchmark equally, so that no single data
set decides. Linear and listwise were chosen by leave-one-benchmark-out figures (README,
models/fusion.md): LightGBM's lambdarank and a pointwise logistic regression both did
worse on the benchmark held out.

The model is stored as JSON (its feature names, coefficients and how it was trained), never
pickled, and a model that names other features than this code computes is refused.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from matcher.errors import MatcherError
from matcher.features import FEATURES, FloatArray, PoolSignals, feature_matrix

FORMAT_VERSION = 2
# Chosen by leave-one-benchmark-out figures (README): more features (the name part's own
# cosine, query pieces on their own, the best part) fitted one benchmark and cost the others.
DEFAULT_FEATURES: tuple[str, ...] = ("dense", "dense_english", "neighbours", "lexical")


class Scorer(Protocol):
    """Turns a pool's signals into one score per candidate (higher is better)."""

    def score(self, signals: PoolSignals) -> FloatArray: ...


class LearnedFusion:
    """A linear listwise ranker over pool features; see the module docstring.

    `fit` minimises, per query, the cross-entropy between the softmax of the model's scores
    over the pool and the relevance gains normalised to sum 1 (ListNet, top-one), plus
    `alpha` x the squared weights. Queries without a relevant candidate in their pool
    teach nothing and are skipped.
    """

    def __init__(self, alpha: float = 1e-3, features: Sequence[str] = DEFAULT_FEATURES) -> None:
        self.alpha = alpha
        self.features = features

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"alpha": self.alpha, "features": self.features}

    def set_params(self, **params: Any) -> LearnedFusion:
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def fit(
        self,
        X: FloatArray,
        y: NDArray[np.integer[Any]],
        groups: NDArray[np.integer[Any]],
        *,
        sample_weight: NDArray[np.floating[Any]] | None = None,
    ) -> LearnedFusion:
        """Learn weights from rows of FEATURES; `groups` numbers each row's query (rows of a
        query are contiguous), `y` its gain, `sample_weight` its query's weight."""
        from scipy.optimize import minimize

        columns = self._columns()
        lists = QueryLists.build(
            np.asarray(X, dtype=np.float64)[:, columns], y, groups, sample_weight
        )

        def loss(beta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            value, gradient = lists.listnet(beta)
            return value + self.alpha * float(beta @ beta), gradient + 2 * self.alpha * beta

        found = minimize(loss, np.zeros(len(columns)), jac=True, method="L-BFGS-B")
        self.coef_ = np.zeros(len(FEATURES), dtype=np.float64)
        self.coef_[columns] = found.x
        self.intercept_ = 0.0
        self.n_queries_ = lists.count
        return self

    def predict(self, X: FloatArray) -> FloatArray:
        return (np.asarray(X, dtype=np.float64) @ self.coef_ + self.intercept_).astype(np.float32)

    def score(self, signals: PoolSignals) -> FloatArray:
        return self.predict(feature_matrix(signals))

    def _columns(self) -> list[int]:
        unknown = set(self.features) - set(FEATURES)
        if unknown:
            raise MatcherError(f"unknown fusion features: {sorted(unknown)}")
        return [FEATURES.index(name) for name in self.features]

    # -- persistence -------------------------------------------------------------------

    def to_dict(self, **provenance: Any) -> dict[str, Any]:
        return {
            "format": FORMAT_VERSION,
            "kind": "listnet-linear",
            "features": list(FEATURES),
            "coefficients": [round(float(c), 6) for c in self.coef_],
            "intercept": round(self.intercept_, 6),
            "params": {"alpha": self.alpha, "features": list(self.features)},
            **provenance,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LearnedFusion:
        if data.get("format") != FORMAT_VERSION or data.get("features") != list(FEATURES):
            raise MatcherError(
                "the fusion model was trained on other features than this version computes;"
                " retrain it with `smartmatch train-fusion`"
            )
        model = cls(**{**data["params"], "features": tuple(data["params"]["features"])})
        model.coef_ = np.asarray(data["coefficients"], dtype=np.float64)
        model.intercept_ = float(data["intercept"])
        return model

    def save(self, path: Path, **provenance: Any) -> None:
        path.write_text(json.dumps(self.to_dict(**provenance), indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> LearnedFusion:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise MatcherError(f"cannot read the fusion model {path}: {error}") from None
        return cls.from_dict(data)

    def weights(self) -> dict[str, float]:
        return {name: float(c) for name, c in zip(FEATURES, self.coef_, strict=True)}


@dataclass(frozen=True)
class QueryLists:
    """Training rows grouped by query: features, target distribution, query weights."""

    features: NDArray[np.float64]
    targets: NDArray[np.float64]  # gains / their sum within the query
    starts: NDArray[np.int64]
    lengths: NDArray[np.int64]
    weights: NDArray[np.float64]  # one per query, summing to 1

    @property
    def count(self) -> int:
        return len(self.starts)

    @classmethod
    def build(
        cls,
        features: NDArray[np.float64],
        gains: NDArray[np.integer[Any]],
        groups: NDArray[np.integer[Any]],
        weights: NDArray[np.floating[Any]] | None,
    ) -> QueryLists:
        groups = np.asarray(groups)
        starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
        lengths = np.diff(np.r_[starts, len(groups)])
        gain = np.maximum(np.asarray(gains, dtype=np.float64), 0.0)
        keep = np.add.reduceat(gain, starts) > 0 if len(starts) else np.zeros(0, dtype=bool)
        if not keep.any():
            raise MatcherError("no query has a relevant candidate in its pool: nothing to learn")
        rows = np.repeat(keep, lengths)
        query_weights = (
            np.ones(len(starts)) if weights is None else np.asarray(weights, float)[starts]
        )[keep]
        kept_lengths = lengths[keep]
        kept_starts = np.r_[0, np.cumsum(kept_lengths)[:-1]].astype(np.int64)
        kept_gain = gain[rows]
        sums = np.repeat(np.add.reduceat(kept_gain, kept_starts), kept_lengths)
        return cls(
            features[rows],
            kept_gain / sums,
            kept_starts,
            kept_lengths.astype(np.int64),
            query_weights / query_weights.sum(),
        )

    def listnet(self, beta: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        """Weighted cross-entropy of the pools' softmax against the targets, and its gradient."""
        scores = self.features @ beta
        top = np.maximum.reduceat(scores, self.starts)
        exp = np.exp(scores - np.repeat(top, self.lengths))
        totals = np.add.reduceat(exp, self.starts)
        log_norm = np.log(totals) + top
        value = float(
            (self.weights * (log_norm - np.add.reduceat(self.targets * scores, self.starts))).sum()
        )
        softmax = exp / np.repeat(totals, self.lengths)
        row_weights = np.repeat(self.weights, self.lengths)
        return value, self.features.T @ (row_weights * (softmax - self.targets))


class SignalScorer:
    """One raw signal as the score: the plain baselines (BM25 alone, one cosine alone)."""

    def __init__(self, signal: str) -> None:
        self.signal = signal

    def score(self, signals: PoolSignals) -> FloatArray:
        value: FloatArray = getattr(signals, self.signal)
        return value


def fixed_weights(**weights: float) -> LearnedFusion:
    """A fusion model with the given weights (FEATURES names) and none learned."""
    unknown = set(weights) - set(FEATURES)
    if unknown:
        raise MatcherError(f"unknown fusion features: {sorted(unknown)}")
    model = LearnedFusion()
    model.coef_ = np.array([weights.get(name, 0.0) for name in FEATURES], dtype=np.float64)
    model.intercept_ = 0.0
    return model


def hand_weights() -> LearnedFusion:
    """Fixed weights close to the first pipeline's, used when no trained model is given."""
    return fixed_weights(dense=0.45, dense_english=0.45, neighbours=0.3, lexical=0.1, skills=0.2)
