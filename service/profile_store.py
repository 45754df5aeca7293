"""Profiles in the database: keyword-only functions, one per operation, no HTTP here."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from matcher import DuplicateProfileError, Kind, Profile, UnknownProfileError
from service.db import ProfileRow


def _to_profile(row: ProfileRow) -> Profile:
    return Profile.model_validate(row.data)


def _row_data(profile: Profile) -> dict[str, object]:
    return profile.model_dump(mode="json")


def create_profile(session: Session, *, profile: Profile, owner_id: int | None = None) -> Profile:
    if session.get(ProfileRow, profile.id) is not None:
        raise DuplicateProfileError(profile.id)
    session.add(
        ProfileRow(
            id=profile.id,
            kind=profile.kind.value,
            data=_row_data(profile),
            content_hash=profile.content_hash(),
            owner_id=owner_id,
        )
    )
    session.flush()
    return profile


def exists(session: Session, *, profile_id: str) -> bool:
    return session.get(ProfileRow, profile_id) is not None


def owner_of(session: Session, *, profile_id: str) -> int | None:
    """The account that owns the profile; None for none (or no such profile)."""
    return session.scalar(select(ProfileRow.owner_id).where(ProfileRow.id == profile_id))


def owned_ids(session: Session, *, owner_id: int, kind: Kind) -> list[str]:
    """The ids of an account's profiles of one kind."""
    query = select(ProfileRow.id).where(
        ProfileRow.owner_id == owner_id, ProfileRow.kind == kind.value
    )
    return list(session.scalars(query))


def get_profile(session: Session, *, profile_id: str, kind: Kind | None = None) -> Profile:
    row = session.get(ProfileRow, profile_id)
    if row is None or (kind is not None and row.kind != kind.value):
        raise UnknownProfileError(profile_id)
    return _to_profile(row)


def replace_profile(session: Session, *, profile: Profile) -> Profile:
    """Store the new version of an existing profile (same id and kind)."""
    row = session.get(ProfileRow, profile.id)
    if row is None or row.kind != profile.kind.value:
        raise UnknownProfileError(profile.id)
    row.data, row.content_hash = _row_data(profile), profile.content_hash()
    session.flush()
    return profile


def delete_profile(session: Session, *, profile_id: str, kind: Kind | None = None) -> Profile:
    profile = get_profile(session, profile_id=profile_id, kind=kind)
    row = session.get(ProfileRow, profile_id)
    session.delete(row)
    session.flush()
    return profile


def list_profiles(
    session: Session, *, kind: Kind | None = None, offset: int = 0, limit: int | None = None
) -> list[Profile]:
    """Profiles in id order, optionally of one kind, one page at a time."""
    query = select(ProfileRow).order_by(ProfileRow.id).offset(offset)
    if kind is not None:
        query = query.where(ProfileRow.kind == kind.value)
    if limit is not None:
        query = query.limit(limit)
    return [_to_profile(row) for row in session.scalars(query)]


def count_profiles(session: Session, *, kind: Kind | None = None) -> int:
    query = select(func.count()).select_from(ProfileRow)
    if kind is not None:
        query = query.where(ProfileRow.kind == kind.value)
    return int(session.scalar(query) or 0)


def page_profiles(
    session: Session,
    *,
    kind: Kind,
    offset: int = 0,
    limit: int = 50,
    countries: list[str] | None = None,
    centres: list[str] | None = None,
) -> tuple[list[Profile], int]:
    """One page of a kind's profiles in id order, narrowed by country and centre; and the total."""
    conditions = [ProfileRow.kind == kind.value]
    if countries:
        conditions.append(ProfileRow.data["country"].as_string().in_(countries))
    if centres:
        conditions.append(ProfileRow.data["centre"].as_string().in_(centres))
    total = session.scalar(select(func.count()).select_from(ProfileRow).where(*conditions))
    rows = session.scalars(
        select(ProfileRow).where(*conditions).order_by(ProfileRow.id).offset(offset).limit(limit)
    )
    return [_to_profile(row) for row in rows], int(total or 0)
