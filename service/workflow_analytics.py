"""Centre analytics: what the network holds and what the workflow made of it, per centre and
per country, counted by the database (GROUP BY over the stored JSON fields), never by a
Python loop over the profiles.

- profiles by kind;
- suggestions (pairs proposed for the place's items, not counting proposals a later
  round withdrew unreviewed), approvals, outcomes by stage;
- the median days from a request being stored to its first meeting;
- exposure: each place's share of suggestions as a target against its share of the
  profiles that can be suggested (experts and placements), and the share of experts that
  were never suggested at all.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any, Literal

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session, aliased

from service.db import ProfileRow
from service.network import Network
from service.workflow_tables import PairEventRow, PairRow

Place = Literal["centre", "country"]
TARGET_KINDS = ("expert", "placement")
UNKNOWN = "(none)"
SHOWN = PairRow.status != "superseded"  # withdrawn by a later round before anyone saw it


def _field(row: Any, place: Place) -> Any:
    return func.coalesce(row.data[place].as_string(), UNKNOWN)


def _profiles_by_kind(session: Session, place: Place) -> dict[str, dict[str, int]]:
    where = _field(ProfileRow, place)
    query = select(where, ProfileRow.kind, func.count()).group_by(where, ProfileRow.kind)
    found: dict[str, dict[str, int]] = defaultdict(dict)
    for name, kind, count in session.execute(query):
        found[name][kind] = int(count)
    return found


def _pair_counts(session: Session, place: Place) -> dict[str, dict[str, Any]]:
    """Suggestions, approvals and stages per place of the pair's item."""
    source = aliased(ProfileRow)
    where = _field(source, place)
    query = (
        select(where, PairRow.status, PairRow.stage, func.count())
        .select_from(PairRow)
        .join(source, source.id == PairRow.source_id, isouter=True)
        .where(SHOWN)
        .group_by(where, PairRow.status, PairRow.stage)
    )
    found: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"suggestions": 0, "approved": 0, "rejected": 0, "outcomes": {}}
    )
    for name, status, stage, count in session.execute(query):
        entry = found[name]
        entry["suggestions"] += int(count)
        if status in ("approved", "rejected"):
            entry[status] += int(count)
        if stage:
            entry["outcomes"][stage] = entry["outcomes"].get(stage, 0) + int(count)
    return found


def _days_to_first_meeting(session: Session, place: Place) -> dict[str, float]:
    """Median days from a request's creation to its first `met` event, per place."""
    source = aliased(ProfileRow)
    first_met = (
        select(PairRow.source_id, func.min(PairEventRow.at).label("met_at"))
        .join(PairEventRow, PairEventRow.pair_id == PairRow.id)
        .where(PairEventRow.event == "met", PairRow.source_kind == "request")
        .group_by(PairRow.source_id)
        .subquery()
    )
    query = (
        select(_field(source, place), source.created_at, first_met.c.met_at)
        .select_from(first_met)
        .join(source, source.id == first_met.c.source_id)
    )
    days: dict[str, list[float]] = defaultdict(list)
    for name, created, met in session.execute(query):
        days[name].append(max((met - created).total_seconds(), 0.0) / 86400)
    return {name: round(statistics.median(values), 2) for name, values in days.items()}


def _exposure(session: Session, place: Place) -> dict[str, dict[str, float]]:
    target = aliased(ProfileRow)
    where = _field(target, place)
    suggested: dict[str, int] = dict(
        session.execute(
            select(where, func.count())
            .select_from(PairRow)
            .join(target, target.id == PairRow.target_id)
            .where(SHOWN)
            .group_by(where)
        ).all()
    )
    held: dict[str, int] = dict(
        session.execute(
            select(_field(ProfileRow, place), func.count())
            .where(ProfileRow.kind.in_(TARGET_KINDS))
            .group_by(_field(ProfileRow, place))
        ).all()
    )
    total_suggested = sum(suggested.values()) or 1
    total_held = sum(held.values()) or 1
    return {
        name: {
            "share_of_suggestions": round(suggested.get(name, 0) / total_suggested, 4),
            "share_of_profiles": round(held.get(name, 0) / total_held, 4),
        }
        for name in sorted(set(suggested) | set(held))
    }


def _never_suggested(session: Session) -> dict[str, Any]:
    experts = session.scalar(
        select(func.count()).select_from(ProfileRow).where(ProfileRow.kind == "expert")
    )
    suggested = session.scalar(
        select(func.count(distinct(PairRow.target_id)))
        .select_from(PairRow)
        .join(ProfileRow, ProfileRow.id == PairRow.target_id)
        .where(ProfileRow.kind == "expert", SHOWN)
    )
    experts, suggested = int(experts or 0), int(suggested or 0)
    share = round((experts - suggested) / experts, 4) if experts else 0.0
    return {"experts": experts, "experts_suggested": suggested, "share_never_suggested": share}


def analytics(network: Network) -> dict[str, Any]:
    """The report for staff: `by_centre`, `by_country` and `experts` (see the module doc)."""
    with network.runtime.sessions() as session:
        report: dict[str, Any] = {"experts": _never_suggested(session)}
        for place in ("centre", "country"):
            profiles = _profiles_by_kind(session, place)
            pairs = _pair_counts(session, place)
            days = _days_to_first_meeting(session, place)
            exposure = _exposure(session, place)
            names = sorted(set(profiles) | set(pairs) | set(exposure))
            report[f"by_{place}"] = {
                name: {
                    "profiles": profiles.get(name, {}),
                    **pairs.get(
                        name, {"suggestions": 0, "approved": 0, "rejected": 0, "outcomes": {}}
                    ),
                    "median_days_to_first_meeting": days.get(name),
                    "exposure": exposure.get(
                        name, {"share_of_suggestions": 0.0, "share_of_profiles": 0.0}
                    ),
                }
                for name in names
            }
    return report
