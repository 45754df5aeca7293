"""The learned re-ranker: scikit-learn's estimator contract, JSON without pickle, and a
grouped cross-validation that lets it replace the unlearned ranking only when it wins."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone

from matcher import MatcherError
from matcher.pair_features import PAIR_FEATURES
from matcher.reranker import PairReranker, compare_by_groups, ndcg_at


def feedback(seed: int, *, hidden: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """120 items with 8 candidates each; acceptance follows shared language (hidden) or is
    noise that the dense score already explains best."""
    rng = np.random.default_rng(seed)
    X = rng.random((960, len(PAIR_FEATURES)))
    X[:, PAIR_FEATURES.index("shared_language")] = rng.integers(0, 2, 960)
    logit = 3 * X[:, 0] + (4 * X[:, PAIR_FEATURES.index("shared_language")] if hidden else 0)
    y = (rng.random(960) < 1 / (1 + np.exp(-(logit - 4)))).astype(np.int64)
    return X, y, np.repeat(np.arange(120), 8)


def test_estimator_contract_and_json_round_trip(tmp_path: Path) -> None:
    X, y, _ = feedback(0, hidden=True)
    model = PairReranker(C=0.5)
    assert model.get_params() == {"C": 0.5, "features": PAIR_FEATURES}
    assert not hasattr(model, "coef_")
    assert clone(model).fit(X, y) is not model
    fitted = model.fit(X, y)
    assert fitted is model and model.coef_.shape == (len(PAIR_FEATURES),)
    model.save(tmp_path / "reranker.json", evaluation={"wins": True})
    loaded, evaluation = PairReranker.load(tmp_path / "reranker.json")
    assert evaluation == {"wins": True}
    np.testing.assert_allclose(loaded.predict(X), model.predict(X))
    assert "pickle" not in (tmp_path / "reranker.json").read_text()
    (tmp_path / "other.json").write_text('{"format": 1, "features": ["dense"]}')
    with pytest.raises(MatcherError):
        PairReranker.load(tmp_path / "other.json")


def test_it_wins_only_when_feedback_holds_a_preference_ranking_misses() -> None:
    X, y, groups = feedback(1, hidden=True)
    assert compare_by_groups(X, y, groups)["wins"] is True
    X, y, groups = feedback(2, hidden=False)
    assert compare_by_groups(X, y, groups)["wins"] is False
    few = compare_by_groups(X[:16], y[:16], groups[:16])
    assert few["wins"] is False and few["reason"] == "too little feedback"


def test_ndcg_known_answers() -> None:
    assert ndcg_at(np.array([0.9, 0.1]), np.array([1.0, 0.0])) == 1.0
    assert ndcg_at(np.array([0.1, 0.9]), np.array([1.0, 0.0])) == pytest.approx(1 / np.log2(3))
