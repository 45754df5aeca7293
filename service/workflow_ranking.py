"""The learned re-ranker in the service: trained on stored feedback, used only when it won.

The model lives beside the index (`reranker.json` in the index's folder): like the index it
is derived from the database (the feedback), and `smartmatch train-reranker` or
POST /workflow/reranker/train writes it anew. It is written whether or not it won, with its
grouped cross-validation figures, so that the service can say why it keeps the unlearned
ranking (the dense cosine) when it does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from matcher import MatcherError
from matcher.pair_features import PAIR_FEATURES
from matcher.reranker import PairReranker, compare_by_groups
from service import workflow_store as store
from service.config import Settings
from service.network import Network
from service.workflow_tables import PairRow

POSITIVE_STAGES = frozenset({"met", "agreement_signed", "placement_completed"})


def reranker_path(settings: Settings) -> Path:
    return settings.index_path.parent / "reranker.json"


def label(pair: PairRow) -> int | None:
    """1: the pair worked (accepted, or a meeting or more); 0: it did not; None: unknown."""
    if pair.stage in POSITIVE_STAGES or pair.source_response == store.ACCEPTED:
        return 1
    if pair.status == "rejected" or store.NOT_RELEVANT in (
        pair.source_response,
        pair.target_response,
    ):
        return 0
    return 0 if pair.stage == "dropped" else None


def active_reranker(settings: Settings) -> tuple[PairReranker | None, str]:
    """The re-ranker to rank with, or None; and a sentence saying which ranking is used."""
    path = reranker_path(settings)
    if not path.exists():
        return None, "unlearned (dense cosine): no re-ranker trained yet"
    try:
        model, evaluation = PairReranker.load(path)
    except (MatcherError, ValueError, KeyError) as error:
        return None, f"unlearned (dense cosine): the re-ranker file is unusable ({error})"
    if not evaluation.get("wins"):
        why = evaluation.get("reason", "it did not beat the unlearned ranking")
        return None, f"unlearned (dense cosine): {why}"
    return model, "learned re-ranker (beat the unlearned ranking in grouped cross-validation)"


def training_data(network: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and item ids of every labelled pair that has stored features."""
    with network.runtime.sessions() as session:
        pairs = store.labelled_pairs(session)
    rows, labels, groups = [], [], []
    for pair in pairs:
        value = label(pair)
        if value is None or set(pair.features) != set(PAIR_FEATURES):
            continue
        rows.append([pair.features[name] for name in PAIR_FEATURES])
        labels.append(value)
        groups.append(pair.source_id)
    return (
        np.asarray(rows, dtype=np.float64).reshape(-1, len(PAIR_FEATURES)),
        np.asarray(labels, dtype=np.int64),
        np.asarray(groups, dtype=object),
    )


def train_reranker(network: Network, *, folds: int = 5) -> dict[str, Any]:
    """Compare learned and unlearned ranking on the stored feedback; save the model fitted on
    all of it, marked with whether it won (only then does a round use it)."""
    X, y, groups = training_data(network)
    evaluation = {"pairs": len(y), **compare_by_groups(X, y, groups, folds=folds)}
    if len(np.unique(y)) == 2:
        PairReranker().fit(X, y).save(
            reranker_path(network.runtime.settings), evaluation=evaluation
        )
    _, evaluation["ranking"] = active_reranker(network.runtime.settings)
    return evaluation


def reranker_status(settings: Settings) -> dict[str, Any]:
    """Which ranking rounds use, and the evaluation stored with the re-ranker, if any."""
    _, ranking = active_reranker(settings)
    path = reranker_path(settings)
    evaluation: dict[str, Any] = {}
    if path.exists():
        try:
            evaluation = PairReranker.load(path)[1]
        except (MatcherError, ValueError, KeyError):
            evaluation = {}
    return {"ranking": ranking, "evaluation": evaluation}
