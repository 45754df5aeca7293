"""The learned re-ranker: which proposed pairs the two sides go on to accept.

`PairReranker` follows scikit-learn's estimator contract (no logic in `__init__`, `fit`
returns self, learned attributes end in `_`, `get_params` from BaseEstimator): a logistic
regression over the standardised pair features (matcher/pair_features.py), chosen because
feedback is scarce and a linear model with nine weights cannot memorise one centre's
habits. It is stored as JSON (features, means, scales, weights and how it was trained),
never pickled, and a file naming other features than this code computes is refused.

`compare_by_groups` decides whether it may replace the unlearned ranking (the dense
cosine): grouped cross-validation by item (GroupKFold), nDCG@10 over each held-out item's
labelled pairs, learned against unlearned on exactly the same folds.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from numpy.typing import NDArray
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from matcher.errors import MatcherError
from matcher.pair_features import PAIR_FEATURES

FORMAT_VERSION = 1
Floats = NDArray[np.float64]


class PairReranker(BaseEstimator):  # type: ignore[misc]
    """Scores pairs by the log-odds that both sides accept them (higher is better)."""

    def __init__(self, C: float = 1.0, features: tuple[str, ...] = PAIR_FEATURES) -> None:
        self.C = C
        self.features = features

    def fit(self, X: Floats, y: NDArray[np.int64]) -> PairReranker:
        X = np.asarray(X, dtype=np.float64)
        self.mean_ = X.mean(axis=0)
        self.scale_ = np.where(X.std(axis=0) > 1e-9, X.std(axis=0), 1.0)
        model = LogisticRegression(C=self.C, max_iter=1000)
        model.fit((X - self.mean_) / self.scale_, np.asarray(y))
        self.coef_ = np.asarray(model.coef_[0], dtype=np.float64)
        self.intercept_ = float(model.intercept_[0])
        self.n_samples_ = len(X)
        return self

    def predict(self, X: Floats) -> Floats:
        """The score of each pair: the log-odds of acceptance."""
        X = np.asarray(X, dtype=np.float64)
        return np.asarray(((X - self.mean_) / self.scale_) @ self.coef_ + self.intercept_)

    def score_one(self, features: dict[str, float]) -> float:
        """The score of one pair from its named features; the probability, in (0, 1), so that
        a round's total fit stays a sum of positive numbers."""
        row = np.array([[features[name] for name in self.features]])
        return float(1.0 / (1.0 + np.exp(-self.predict(row)[0])))

    def save(self, path: Path, *, evaluation: dict[str, Any]) -> None:
        """Write the model as JSON with how it was trained and how it compared."""
        data = {
            "format": FORMAT_VERSION,
            "features": list(self.features),
            "C": self.C,
            "mean": self.mean_.tolist(),
            "scale": self.scale_.tolist(),
            "coef": self.coef_.tolist(),
            "intercept": self.intercept_,
            "n_samples": self.n_samples_,
            "sklearn": sklearn.__version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "evaluation": evaluation,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> tuple[PairReranker, dict[str, Any]]:
        """The model and its evaluation; refuses a file for other features or format."""
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT_VERSION or tuple(data["features"]) != PAIR_FEATURES:
            raise MatcherError(f"{path}: a re-ranker for other features or format")
        model = cls(C=float(data["C"]), features=PAIR_FEATURES)
        model.mean_ = np.asarray(data["mean"], dtype=np.float64)
        model.scale_ = np.asarray(data["scale"], dtype=np.float64)
        model.coef_ = np.asarray(data["coef"], dtype=np.float64)
        model.intercept_ = float(data["intercept"])
        model.n_samples_ = int(data["n_samples"])
        return model, dict(data["evaluation"])


def ndcg_at(scores: Floats, gains: Floats, k: int = 10) -> float:
    """nDCG@k of one item's pairs ranked by score (ties broken by position)."""
    order = np.argsort(-scores, kind="stable")[:k]
    discounts = 1.0 / np.log2(np.arange(2, len(order) + 2))
    ideal = np.sort(gains)[::-1][:k]
    best = float((ideal * discounts[: len(ideal)]).sum())
    return float((gains[order] * discounts).sum() / best) if best > 0 else 0.0


def _mean_ndcg(scores: Floats, y: Floats, groups: NDArray[Any], k: int) -> float:
    values = [
        ndcg_at(scores[groups == g], y[groups == g], k)
        for g in np.unique(groups)
        if (groups == g).sum() > 1 and y[groups == g].max() > 0
    ]
    return float(np.mean(values)) if values else float("nan")


def compare_by_groups(
    X: Floats,
    y: NDArray[np.int64],
    groups: NDArray[Any],
    *,
    unlearned: str = "dense",
    folds: int = 5,
    k: int = 10,
) -> dict[str, Any]:
    """Grouped cross-validation: nDCG@k of the learned and the unlearned ranking per fold.

    `wins` is True only when the learned one is better on average and on most folds."""
    X, labels = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    usable = [g for g in np.unique(groups) if labels[groups == g].max() > labels[groups == g].min()]
    if len(np.unique(labels)) < 2 or len(usable) < folds:
        return {"wins": False, "reason": "too little feedback", "usable_groups": len(usable)}
    column = PAIR_FEATURES.index(unlearned)
    learned, plain = [], []
    for train, test in GroupKFold(n_splits=folds).split(X, labels, groups):
        if len(np.unique(labels[train])) < 2:
            continue
        model = PairReranker().fit(X[train], labels[train].astype(np.int64))
        learned.append(_mean_ndcg(model.predict(X[test]), labels[test], groups[test], k))
        plain.append(_mean_ndcg(X[test, column], labels[test], groups[test], k))
    pairs = [(a, b) for a, b in zip(learned, plain, strict=True) if not np.isnan(a + b)]
    if not pairs:
        return {"wins": False, "reason": "no fold with a rankable item", "usable_groups": 0}
    learned_mean = float(np.mean([a for a, _ in pairs]))
    plain_mean = float(np.mean([b for _, b in pairs]))
    better = sum(a > b for a, b in pairs)
    wins = learned_mean > plain_mean and better > len(pairs) / 2
    return {
        "wins": bool(wins),
        "reason": "learned ranking is better" if wins else "learned ranking is not better",
        "usable_groups": len(usable),
        "folds": len(pairs),
        f"learned_ndcg@{k}": round(learned_mean, 4),
        f"unlearned_ndcg@{k}": round(plain_mean, 4),
        "folds_learned_better": better,
    }
