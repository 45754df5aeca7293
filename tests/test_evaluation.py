"""Metrics, run files, features and fusion checked against cases worked out by hand."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from matcher.errors import MatcherError
from matcher.evaluation import (
    score_by_language,
    score_run,
    strict_ranking,
    write_trec_run,
)
from matcher.features import FEATURES, PoolSignals, feature_matrix
from matcher.fusion import LearnedFusion, fixed_weights
from service.cli import app
from tests.conftest import BENCH


def test_metrics_match_a_graded_case_computed_by_hand() -> None:
    qrels = {"q": {"a": 2, "b": 1}, "unanswered": {"c": 1}}
    run = {"q": {"x": 3.0, "a": 2.0, "b": 1.0}}
    dcg = 2 / math.log2(3) + 1 / math.log2(4)
    ideal = 2 / math.log2(2) + 1 / math.log2(3)
    metrics = score_run(qrels, run)
    # averages run over every query in qrels; the unanswered one scores 0
    assert metrics["ndcg@10"] == pytest.approx(dcg / ideal / 2)
    assert metrics["mrr@10"] == pytest.approx(0.5 / 2)
    assert metrics["p@1"] == 0.0
    assert metrics["recall@10"] == pytest.approx(1.0 / 2)


def test_ties_break_by_profile_id_descending_as_trec_eval_does() -> None:
    assert list(strict_ranking({"a": 1.0, "b": 1.0, "c": 2.0})) == ["c", "b", "a"]
    assert score_run({"q": {"a": 1}}, {"q": {"a": 1.0, "b": 1.0}})["mrr@10"] == 0.5


def test_run_file_scores_what_score_run_reported(tmp_path: Path) -> None:
    """The reference scorer, reading our run file, agrees with score_run, ties included."""
    scorer = BENCH / "score.py"
    if not scorer.is_file():
        pytest.skip(f"the shared reference scorer {scorer} is not there")
    bench = tmp_path / "tiny"
    bench.mkdir()
    (bench / "qrels.tsv").write_text("query-id\tprofile-id\tscore\nq\ta\t1\nq\tc\t2\n")
    run = {"q": {"a": 1.0, "b": 1.0, "c": 0.5, "d": 0.5}}
    write_trec_run(tmp_path / "run.trec", run, tag="test")
    output = subprocess.run(
        [sys.executable, str(scorer), str(bench), str(tmp_path / "run.trec")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    reference = json.loads(output)
    ours = score_run({"q": {"a": 1, "c": 2}}, run)
    assert ours["mrr@10"] == pytest.approx(1 / 2)  # b ranks above a on the tie: id descending
    for name, value in ours.items():
        assert reference[name] == pytest.approx(value, abs=1e-4), name


def test_metrics_per_language_need_two_languages() -> None:
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}}
    run = {"q1": {"a": 1.0}, "q2": {"a": 1.0, "b": 0.5}}
    rows = score_by_language(qrels, run, {"q1": "sq", "q2": "mk"})
    assert rows["sq"]["mrr@10"] == 1.0 and rows["mk"]["mrr@10"] == 0.5
    assert score_by_language(qrels, run, {"q1": "sq", "q2": "sq"}) == {}


def signals(**changes: object) -> PoolSignals:
    base: dict[str, object] = {
        "dense": np.array([0.80, 0.82, 0.70], dtype=np.float32),
        "dense_english": np.array([0.1, 0.9, 0.5], dtype=np.float32),
        "english_pair": np.array([True, True, True]),
        "best_part": np.array([0.8, 0.8, 0.7], dtype=np.float32),
        "neighbours": np.zeros(3, dtype=np.float32),
        "lexical": np.array([3.0, 0.0, 1.0], dtype=np.float32),
        "languages": ["en", "en", "sq"],
        "skills": np.zeros(3, dtype=np.float32),
        "query_words": 7,
        "query_english": True,
        "plain": np.zeros(3, dtype=np.float32),
    }
    return PoolSignals(**{**base, **changes})  # type: ignore[arg-type]


def test_english_only_encoder_counts_only_where_both_sides_are_english() -> None:
    both = feature_matrix(signals())[:, FEATURES.index("dense_english")]
    assert np.argmax(both) == 1  # the English-only encoder's own preference
    mixed = signals(english_pair=np.array([True, False, True]))
    column = feature_matrix(mixed)
    dense = column[:, FEATURES.index("dense")]
    english = column[:, FEATURES.index("dense_english")]
    assert english[1] == pytest.approx(dense[1])  # not valid there: the multilingual value


def test_lexical_scores_are_standardised_within_each_language() -> None:
    lexical = feature_matrix(signals())[:, FEATURES.index("lexical")]
    assert lexical[2] == 0.0  # the only Albanian candidate: nothing to compare it with
    assert lexical[0] > 0 > lexical[1]


def test_fusion_learns_which_signal_finds_the_relevant_rows() -> None:
    """Pools of 20 where the relevant candidate has the best lexical score: the listwise
    fit must put its largest weight there, and survive a JSON round trip."""
    rng = np.random.default_rng(0)
    features = rng.normal(size=(50 * 20, len(FEATURES))).astype(np.float32)
    groups = np.repeat(np.arange(50), 20)
    lexical = features[:, FEATURES.index("lexical")].reshape(50, 20)
    labels = (lexical == lexical.max(axis=1, keepdims=True)).astype(np.int64).ravel()
    model = LearnedFusion().fit(features, labels, groups)
    weights = model.weights()
    assert max(weights, key=lambda name: abs(weights[name])) == "lexical"
    assert all(weights[name] == 0 for name in FEATURES if name not in model.features)
    restored = LearnedFusion.from_dict(json.loads(json.dumps(model.to_dict())))
    assert np.allclose(restored.predict(features), model.predict(features), atol=1e-3)
    assert fixed_weights(dense=1.0).predict(features).tolist() == pytest.approx(
        features[:, 0].tolist()
    )


def test_a_pool_without_any_relevant_candidate_teaches_nothing() -> None:
    features = np.ones((4, len(FEATURES)), dtype=np.float32)
    with pytest.raises(MatcherError, match="nothing to learn"):
        LearnedFusion().fit(features, np.zeros(4, dtype=np.int64), np.zeros(4, dtype=np.int64))


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["evaluate", "a", "b", "--run", "run.trec"], "--run: give exactly one"),
        (["evaluate", "a", "--folds"], "--folds: give at least two"),
        (["evaluate", "no-such-folder"], "profiles.jsonl is missing"),
    ],
)
def test_evaluate_refuses_bad_arguments_with_one_line(
    arguments: list[str], message: str, tmp_path: Path
) -> None:
    env = {"SMARTMATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}", "COLUMNS": "200"}
    result = CliRunner().invoke(app, arguments, env=env)
    assert result.exit_code == 2
    assert message in result.output
