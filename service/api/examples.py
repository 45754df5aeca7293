"""Examples shown in the OpenAPI document, one per request body and per response.

They are valid requests (the schemathesis suite sends them), drawn from the demo network.
"""

from __future__ import annotations

from typing import Any

from matcher import Kind

PROFILES: dict[Kind, dict[str, Any]] = {
    Kind.BUSINESS: {
        "id": "biz-042",
        "name": "Adria Olive Mill",
        "text": "A family olive mill that wants to cut acidity defects and export to the EU.",
        "skills": ["olive oil production"],
        "country": "ME",
        "languages": ["en", "sr"],
        "centre": "centre-bar",
        "domains": ["agrifood"],
    },
    Kind.EXPERT: {
        "id": "exp-042",
        "name": "Dr. Elira Marku",
        "text": "Food technologist: HACCP plans, ISO 22000 audits and olive oil quality.",
        "skills": ["HACCP", "food safety standards"],
        "country": "AL",
        "languages": ["en", "sq"],
        "centre": "centre-durres",
        "domains": ["agrifood"],
        "mode": "hybrid",
        "capacity": 12,
    },
    Kind.STUDENT: {
        "id": "stu-042",
        "name": "Ben Hodžić",
        "text": "Computer science student learning React and data visualisation.",
        "skills": ["JavaScript", "React"],
        "country": "BA",
        "languages": ["en", "bs"],
        "start": "2025-07-01",
        "end": "2025-09-30",
    },
    Kind.PLACEMENT: {
        "id": "plc-042",
        "name": "Front-end intern",
        "text": "Build dashboards in React for a tourism start-up.",
        "skills": ["React", "JavaScript"],
        "country": "ME",
        "mode": "on-site",
        "capacity": 2,
        "start": "2025-07-01",
        "end": "2025-12-31",
    },
    Kind.REQUEST: {
        "id": "req-042",
        "name": "HACCP plan for a small olive mill",
        "text": "We need help writing a HACCP plan and preparing for an ISO 22000 audit.",
        "skills": ["HACCP"],
        "country": "AL",
        "centre": "centre-durres",
        "domains": ["agrifood"],
        "mode": "virtual",
    },
}

CREATE = PROFILES[Kind.EXPERT]
UPDATE = {key: value for key, value in CREATE.items() if key != "id"}
PATCH = {"skills": ["HACCP", "ISO 22000"], "capacity": 10}
_DEFAULTS: dict[str, Any] = {
    "documents": [],
    "skills": [],
    "country": None,
    "languages": [],
    "centre": None,
    "domains": [],
    "mode": None,
    "capacity": None,
    "capacity_used": 0,
    "start": None,
    "end": None,
    "owner": None,
    "visible": True,
    "language": "en",
    "esco_skills": [],
}


def public(kind: Kind) -> dict[str, Any]:
    """The example profile of a kind as the API returns it."""
    shown = {**_DEFAULTS, **PROFILES[kind], "kind": kind.value}
    shown["capacity_left"] = shown["capacity"]
    return shown


def create_body(kind: Kind) -> dict[str, Any]:
    return PROFILES[kind]


def update_body(kind: Kind) -> dict[str, Any]:
    return {key: value for key, value in PROFILES[kind].items() if key != "id"}


PUBLIC = public(Kind.EXPERT)
PAGE = {"items": [PUBLIC], "total": 1, "offset": 0, "limit": 50}
EXPLANATION = {
    "score": 0.71,
    "dense": 0.64,
    "lexical": 8.2,
    "best_part": "text",
    "snippet": "Food technologist: HACCP plans, ISO 22000 audits and olive oil quality.",
    "shared_skills": ["HACCP"],
    "shared_esco_skills": ["food safety standards"],
    "missing_skills": ["ISO 22000"],
    "shared_terms": ["audit", "haccp", "iso"],
}


def results(target: Kind) -> dict[str, Any]:
    """An example list of ranked matches of the target kind."""
    return {
        "target": target.value,
        "matches": [{"profile": public(target), "score": 0.71, "explanation": EXPLANATION}],
    }


RESULTS = results(Kind.EXPERT)
MATCH = {
    "text": "We need help writing a HACCP plan for our olive mill.",
    "target": "expert",
    "filters": {"countries": ["AL", "ME"], "languages": ["en"]},
    "k": 5,
}
READY = {
    "status": "ready",
    "profiles": 145,
    "vectors": 410,
    "index": "loaded",
    "indexes": {"business": "faiss", "expert": "faiss", "placement": "faiss", "student": "ivf"},
}
IMPORT_JSONL = (
    '{"id": "exp-100", "kind": "expert", "name": "Ana", "text": "Olive oil food safety."}\n'
    '{"id": "stu-100", "kind": "student", "name": "Ben", "text": "Learning React."}\n'
)
IMPORT_CSV = (
    "id,kind,name,text,skills,country\nstu-101,student,Ben,Learning React,JavaScript|React,BA\n"
)
IMPORT_REPORT = {
    "imported": ["exp-100"],
    "errors": [{"line": 2, "field": "country", "message": "String should match pattern"}],
}
