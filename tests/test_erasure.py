"""Erasure and export: after DELETE /me and a restart the person's vectors are gone from the
index file, their embeddings from the cache table (a text another profile shares stays), their
id from every match; GET /me/export holds everything they gave."""

from __future__ import annotations

import numpy as np
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from matcher import Encoder, Kind
from matcher.embedding_cache import text_key
from matcher.parts import profile_parts
from matcher.ranking import RankingConfig
from service.accounts import Role
from service.api import create_app
from service.config import Settings
from service.consent import WORDING_VERSION
from tests.api_helpers import match_ids, sign_in

MINE = {
    "id": "stu-erase",
    "name": "Drita Kola",
    "text": "Student of chemistry who analyses olive oil acidity in the laboratory.",
    "documents": ["Thesis: peroxide value of cold-pressed olive oil from small mills."],
    "skills": ["titration", "HPLC"],
}
TWIN = {**MINE, "id": "stu-twin", "name": "Someone Else", "documents": []}  # same text
PLACEMENT = {
    "id": "plc-lab",
    "name": "Lab internship",
    "text": "Olive oil laboratory: acidity and peroxide analysis.",
}


def test_erasure_removes_rows_vectors_and_cached_embeddings(
    settings: Settings, hashing_encoder: Encoder
) -> None:
    profile = None
    with TestClient(create_app(settings, encoder=hashing_encoder)) as admin:
        sign_in(admin)
        student = TestClient(admin.app)
        sign_in(student, Role.STUDENT)
        decision = {"purpose": "matching", "given": True, "wording_version": WORDING_VERSION}
        assert student.post("/me/consents", json=decision).status_code == 200
        assert student.post("/students", json=MINE).status_code == 201
        assert admin.post("/students", json=TWIN).status_code == 201
        assert admin.post("/placements", json=PLACEMENT).status_code == 201
        assert "stu-erase" in match_ids(admin.get("/placements/plc-lab/students"))

        exported = student.get("/me/export").json()
        (given,) = exported["profiles"]
        for field, value in MINE.items():
            assert given[field] == value, field
        assert exported["consents"][0]["wording_version"] == WORDING_VERSION
        assert exported["account"]["role"] == "student"

        network = admin.app.state.network  # type: ignore[attr-defined]
        profile = network.get(kind=Kind.STUDENT, profile_id="stu-erase")
        erased_vector = hashing_encoder.encode_documents([MINE["documents"][0]])[0]
        assert student.delete("/me").status_code == 204
        assert student.get("/auth/me").status_code == 401  # the account is gone
        assert "stu-erase" not in match_ids(admin.get("/placements/plc-lab/students"))

    # after shutdown: the index file, the cache table and the audit record
    with np.load(settings.index_path, allow_pickle=False) as saved:
        assert "stu-erase" not in saved["extra_profile_ids"].tolist()
        blobs = b"".join(saved[name].tobytes() for name in saved.files)
    twin_vector = hashing_encoder.encode_documents([profile.embedded_text()])[0]
    assert np.asarray(twin_vector, dtype=np.float32).tobytes() in blobs  # the check can see
    assert np.asarray(erased_vector, dtype=np.float32).tobytes() not in blobs
    parts = dict(profile_parts(profile, RankingConfig()))
    own_keys = {text_key(parts[no]) for no in parts if parts[no] != profile.embedded_text()}
    shared_key = text_key(profile.embedded_text())
    engine = create_engine(settings.database_url)
    with engine.connect() as connection:
        cached = set(connection.execute(text("SELECT text_hash FROM embeddings")).scalars())
        record = connection.execute(text("SELECT * FROM erasures")).mappings().one()
    engine.dispose()
    assert own_keys and not own_keys & cached
    assert shared_key in cached  # the twin has the same text
    assert record["role"] == "student" and record["profiles"] == 1
    assert "Drita" not in str(dict(record)) and "stu-erase" not in str(dict(record))

    with TestClient(create_app(settings, encoder=hashing_encoder)) as again:
        sign_in(again)
        assert again.get("/students/stu-erase").status_code == 404
        assert "stu-erase" not in match_ids(again.get("/placements/plc-lab/students"))
        by_text = again.post("/match", json={"text": MINE["text"], "target": "student"})
        assert "stu-erase" not in match_ids(by_text)
        assert "stu-twin" in match_ids(by_text)
