"""Fusion: one score per candidate from its features (matcher/features.py).

`LearnedFusion` is a small learning-to-rank model that follows scikit-learn's estimator
contract (no logic in `__init__`, `fit` returns self, learned attributes end in `_`): a
logistic regression on the pool-normalised features, trained with each query weighted
equally and each benchmark weighted equally, so that no single data set decides. A linear
model was chosen over gradient-boosted trees by leave-one-benchmark-out figures (README):
trees fitted the training benchmarks' quirks and lost on the benchmark held out.

The model is stored as JSON (its feature names, coefficients and how it was trained), never
pickled, and a model that names other features than this code computes is refused.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from matcher.errors import MatcherError
from matcher.features import FEATURES, FloatArray, PoolSignals, feature_matrix

FORMAT_VERSION = 1


class Scorer(Protocol):
    """Turns a pool's signals into one score per candidate (higher is better)."""

    def score(self, signals: PoolSignals) -> FloatArray: ...


class LearnedFusion:
    """Logistic regression over pool features; see the module docstring."""

    def __init__(self, C: float = 1.0, features: Sequence[str] = FEATURES) -> None:
        self.C = C
        self.features = features

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        return {"C": self.C, "features": self.features}

    def set_params(self, **params: Any) -> LearnedFusion:
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def fit(
        self,
        X: FloatArray,
        y: NDArray[np.integer[Any]],
        *,
        sample_weight: NDArray[np.floating[Any]] | None = None,
    ) -> LearnedFusion:
        """Learn weights from rows of FEATURES, `y` > 0 for relevant candidates."""
        from sklearn.linear_model import LogisticRegression

        columns = self._columns()
        model = LogisticRegression(C=self.C, max_iter=2000)
        model.fit(X[:, columns], (np.asarray(y) > 0).astype(int), sample_weight=sample_weight)
        self.coef_ = np.zeros(len(FEATURES), dtype=np.float64)
        self.coef_[columns] = model.coef_[0]
        self.intercept_ = float(model.intercept_[0])
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
            "kind": "logistic",
            "features": list(FEATURES),
            "coefficients": [round(float(c), 6) for c in self.coef_],
            "intercept": round(self.intercept_, 6),
            "params": {"C": self.C, "features": list(self.features)},
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
