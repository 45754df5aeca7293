"""Cross-lingual matching with the real models: e5 alone and the default ensemble.

Hand-written queries in Albanian and Bosnian/Croatian/Serbian must find the right
English profile, and English queries the right Albanian or BCMS one, with the shipped
fusion model. The default ensemble holds an English-only encoder; these cases fail when
its cosine leaks into cross-lingual scores. `crosslingual-dev` checks the same at scale.
"""

from __future__ import annotations

import json

import pytest

from matcher import Encoder, Kind, Matcher, Query, load_encoder, parse_profile
from service.config import Settings
from tests.conftest import DEMO_PROFILES, shipped_fusion
from tests.factories import make_profile

pytestmark = pytest.mark.slow

DEFAULT_SETTINGS_MODEL = Settings.model_fields["model"].default

ENGLISH_EXPERTS = {
    "food": "Food safety management: HACCP plans, ISO 22000 audits and laboratory tests for olive oil producers.",
    "ml": "Machine learning for demand forecasting and time-series analysis of retail sales data.",
    "solar": "Solar photovoltaic systems, battery storage sizing and connection to the electricity grid.",
    "tourism": "Digital marketing for rural and mountain tourism: social media campaigns and online advertising.",
    "wine": "Viticulture and wine making: grape varieties, fermentation control and cellar hygiene.",
}
LOCAL_PROFILES = {
    "sq-fish": ("sq", "Kërkime për akuakulturën: rritja e midhjeve dhe cilësia e ujit në gji."),
    "bs-wood": (
        "bs",
        "Prerada drveta i proizvodnja namještaja, sušenje drveta i kontrola kvaliteta.",
    ),
    "sr-health": (
        "sr",
        "Digitalno zdravstvo: elektronski zdravstveni kartoni i telemedicina za domove zdravlja.",
    ),
}


@pytest.fixture(scope="module", params=["e5", DEFAULT_SETTINGS_MODEL])
def multilingual(request: pytest.FixtureRequest) -> Encoder:
    return load_encoder(request.param)


@pytest.fixture(scope="module")
def network(multilingual: Encoder) -> Matcher:
    matcher = Matcher(multilingual, fusion=shipped_fusion())
    matcher.add(
        [make_profile(id=key, text=text, languages=["en"]) for key, text in ENGLISH_EXPERTS.items()]
    )
    matcher.add(
        [
            make_profile(id=key, text=text, languages=[lang])
            for key, (lang, text) in LOCAL_PROFILES.items()
        ]
    )
    return matcher


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Na duhet ndihmë për planin HACCP dhe certifikimin e vajit të ullirit.", "food"),
        ("Kërkojmë një ekspert për panele diellore dhe bateri për shtëpi.", "solar"),
        ("Trebamo stručnjaka za prognozu prodaje pomoću mašinskog učenja.", "ml"),
        ("Tražimo pomoć oko marketinga na društvenim mrežama za planinski turizam.", "tourism"),
        ("Potreban nam je savjet o fermentaciji vina i higijeni podruma.", "wine"),
    ],
)
def test_regional_language_query_finds_the_english_expert(
    network: Matcher, query: str, expected: str
) -> None:
    found = network.match(Query(text=query), target_kind=Kind.EXPERT, k=3)
    assert found[0].profile.id == expected, [m.profile.id for m in found]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("We need advice on mussel farming and sea water quality.", "sq-fish"),
        ("Looking for help with wood drying and furniture production quality.", "bs-wood"),
        ("Telemedicine and electronic health records for primary care.", "sr-health"),
    ],
)
def test_english_query_finds_the_regional_profile(
    network: Matcher, query: str, expected: str
) -> None:
    found = network.match(Query(text=query), target_kind=Kind.EXPERT, k=3)
    assert found[0].profile.id == expected, [m.profile.id for m in found]


def test_demo_requests_in_albanian_and_bcms_find_their_english_experts(
    multilingual: Encoder,
) -> None:
    matcher = Matcher(multilingual, fusion=shipped_fusion())
    with DEMO_PROFILES.open(encoding="utf-8") as lines:
        matcher.add([parse_profile(json.loads(line)) for line in lines if line.strip()])
    for request in ("req-001", "req-003", "req-006", "req-015"):  # sq, bs, sr, sq -> en
        found = matcher.match_profile(request, target_kind=Kind.EXPERT, k=3)
        assert found[0].profile.id == request.replace("req", "exp"), [m.profile.id for m in found]
