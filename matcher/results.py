"""What a match returns: the profile, its final score and why it matched."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict

from matcher.explanations import Explanation, explain
from matcher.profiles import Profile
from matcher.queries import Query
from matcher.ranking import RankingConfig
from matcher.scoring import Pool


class Match(BaseModel):
    model_config = ConfigDict(frozen=True)

    profile: Profile
    score: float
    explanation: Explanation


def ranked(
    query: Query,
    pool: Pool,
    k: int,
    final: NDArray[np.float32],
    profiles: Mapping[str, Profile],
    config: RankingConfig,
) -> list[Match]:
    """The k best of the pool by final score (ties by profile id), explained."""
    if not pool.ids or k <= 0:
        return []
    order = np.lexsort((np.array(pool.ids), -final))[:k]
    return [
        Match(
            profile=profiles[pool.ids[i]],
            score=float(final[i]),
            explanation=explain(
                profile=profiles[pool.ids[i]],
                part_no=pool.best_parts.get(pool.ids[i], 0),
                query=query,
                score=float(final[i]),
                dense=float(pool.signals.dense[i]) if config.uses_dense else None,
                lexical=float(pool.signals.lexical[i]) if config.uses_lexical else None,
            ),
        )
        for i in order.tolist()
    ]
