from __future__ import annotations

import pytest

from matcher import Kind, ProfileError, parse_profile
from tests.factories import make_profile

VALID = {"id": "exp-1", "kind": "expert", "name": "Ana", "text": "Food safety."}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id": "has space"}, "id"),
        ({"kind": "alien"}, "kind"),
        ({"text": ""}, "text"),
        ({"country": "Albania"}, "country"),
        ({"languages": ["english"]}, "languages.0"),
        ({"mode": "remote"}, "mode"),
        ({"capacity": -1}, "capacity"),
        ({"start": "2027-02-01", "end": "2027-01-01"}, "end"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_invalid_profile_names_the_field(change: dict[str, object], field: str) -> None:
    with pytest.raises(ProfileError) as caught:
        parse_profile({**VALID, **change})
    assert caught.value.field == field


def test_people_are_embedded_without_their_name() -> None:
    expert = make_profile(name="Ana Hoxha", text="Olive oil quality.", documents=["HACCP in mills"])
    placement = make_profile(kind="placement", name="Web developer", text="React work.")
    assert expert.parts() == ["Olive oil quality.", "HACCP in mills"]
    assert placement.embedded_text() == "Web developer. React work."
    assert placement.kind is Kind.PLACEMENT


def test_content_hash_changes_with_content_only() -> None:
    one = make_profile(id="x", text="A")
    assert one.content_hash() == make_profile(id="x", text="A").content_hash()
    assert one.content_hash() != make_profile(id="x", text="B").content_hash()
