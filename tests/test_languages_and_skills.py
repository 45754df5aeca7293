"""Language detection and ESCO tagging, with a tiny skills list and the hashing encoder."""

from __future__ import annotations

import pytest

from matcher import Encoder, Kind, Matcher, Query, query_for
from matcher.fusion import fixed_weights
from matcher.languages import detect_language
from matcher.profiles import SkillTag
from matcher.ranking import tag_similarity
from matcher.skills import ESCO_SKILL_URI, EscoSkill, SkillTagger, load_esco_skills
from service.enrichment import enrich
from tests.conftest import REPO
from tests.factories import make_profile


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Jemi një prodhues i vogël i vajit të ullirit dhe kërkojmë një ekspert.", "sq"),
        ("Tražimo stručnjaka za mašinsko učenje i prognozu prodaje.", "bs"),
        ("We are looking for an expert in food safety certification.", "en"),
        ("ok", None),
    ],
)
def test_detects_the_regions_languages(text: str, language: str | None) -> None:
    detected = detect_language(text)
    if language == "bs":
        assert detected in {"bs", "hr", "sr"}  # one pluricentric language
    else:
        assert detected == language


def skill(uuid: str, label: str, *alt: str) -> EscoSkill:
    return EscoSkill(uri=ESCO_SKILL_URI + uuid, label=label, alt_labels=alt, description=label)


SKILLS = [
    skill("0001", "apply HACCP", "use HACCP"),
    skill("0002", "JavaScript", "JS"),
    skill("0003", "olive oil production methods"),
    skill("0004", "manage budgets"),
]


@pytest.fixture
def tagger(hashing_encoder: Encoder) -> SkillTagger:
    return SkillTagger(SKILLS, hashing_encoder, min_score=0.5)


def test_named_skills_match_labels_and_alternatives_exactly(tagger: SkillTagger) -> None:
    tags = tagger.tag([], ["use haccp", "js", "knitting"])
    assert {(t.label, t.confidence) for t in tags} >= {("apply HACCP", 1.0), ("JavaScript", 1.0)}


def test_sentences_are_tagged_above_the_threshold_only(tagger: SkillTagger) -> None:
    tags = tagger.tag(["We improve olive oil production methods in small mills."])
    assert [t.label for t in tags] == ["olive oil production methods"]
    assert 0.5 <= tags[0].confidence < 1.0
    assert tagger.tag(["Completely unrelated sentence about sailing."]) == []


def test_tagging_reuses_vectors_the_caller_already_has(
    tagger: SkillTagger, hashing_encoder: Encoder
) -> None:
    texts, named = ["We improve olive oil production methods. We audit HACCP plans."], ["knit"]
    pieces = tagger.pieces(texts, named)
    assert pieces[0] == "knit" and len(pieces) == 3  # the unknown name, then each sentence
    vectors = hashing_encoder.encode_queries(pieces)
    assert tagger.tag(texts, named, vectors=vectors) == tagger.tag(texts, named)
    with pytest.raises(ValueError, match="pieces"):
        tagger.tag(texts, named, vectors=vectors[:1])


def test_enrich_adds_language_and_tags_and_explanations_show_the_gap(
    tagger: SkillTagger, hashing_encoder: Encoder
) -> None:
    student = enrich(
        make_profile(kind="student", text="Student of informatics.", skills=["JavaScript"]), tagger
    )
    placement = enrich(
        make_profile(
            kind="placement",
            name="Web developer",
            text="Build web shops.",
            skills=["JavaScript", "manage budgets"],
        ),
        tagger,
    )
    assert student.language == "en"
    assert [t.label for t in student.esco_skills] == ["JavaScript"]
    matcher = Matcher(hashing_encoder, backend="exact")
    matcher.add([student, placement])
    found = matcher.match(query_for(student), target_kind=Kind.PLACEMENT, k=1)[0]
    assert found.explanation.shared_esco_skills == ["JavaScript"]
    assert found.explanation.missing_skills == ["manage budgets"]
    assert Query(text="x").esco_skills == []


def test_shipped_esco_subset_is_complete_and_attributed() -> None:
    skills = load_esco_skills(REPO / "data" / "esco" / "skills.csv.gz")
    assert len(skills) == 13_896
    assert all(s.uri.startswith(ESCO_SKILL_URI) and s.label for s in skills)
    assert (
        "ESCO classification, European Commission, v1.1.1"
        in (REPO / "data" / "esco" / "README.md").read_text()
    )


def test_esco_overlap_is_a_ranking_signal(hashing_encoder: Encoder) -> None:
    def tag(uuid: str, confidence: float = 1.0) -> SkillTag:
        return SkillTag(uri=ESCO_SKILL_URI + uuid, label=uuid, confidence=confidence)

    assert tag_similarity({"a": 1.0}, {"b": 1.0}) == 0.0
    assert tag_similarity({"a": 1.0, "b": 1.0}, {"a": 1.0, "b": 1.0}) == pytest.approx(1.0)
    same_text = "Placement in a small company."
    plain = make_profile(id="plain", kind="placement", name="Job", text=same_text)
    skilled = make_profile(
        id="skilled", kind="placement", name="Job", text=same_text, esco_skills=[tag("0002")]
    )
    query = Query(text=same_text, esco_skills=[tag("0002", 0.9)])
    for weight, expected in (
        (0.0, "plain"),
        (0.2, "skilled"),
    ):  # ties break by id without the signal
        matcher = Matcher(
            hashing_encoder,
            backend="exact",
            fusion=fixed_weights(dense=0.9, lexical=0.1, skills=weight),
        )
        matcher.add([plain, skilled])
        assert matcher.match(query, target_kind=Kind.PLACEMENT, k=1)[0].profile.id == expected
