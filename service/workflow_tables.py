"""The staff workflow's tables: suggestion rounds, the pairs they propose, and every event
that happens to a pair (review, each side's answer, outcome stages), kept for analytics and
for training the re-ranker. Nothing is deleted: a pair's history is its events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, _now


class RoundRow(Base):
    """One suggestion round: its scope and parameters, and what it achieved."""

    __tablename__ = "suggestion_rounds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    centre: Mapped[str | None] = mapped_column(String(128), nullable=True)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PairRow(Base):
    """A proposed pair: an item (request, student) and a target (expert, placement).

    `status` is the staff's review (proposed, approved, rejected, superseded);
    `source_response` and `target_response` each side's answer (accepted, not_relevant);
    `stage` the furthest outcome reached. `features` are the re-ranker's inputs as they were
    when the pair was proposed, so that training sees what ranking saw.
    """

    __tablename__ = "suggested_pairs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("suggestion_rounds.id"), index=True)
    source_id: Mapped[str] = mapped_column(String(128), index=True)
    target_id: Mapped[str] = mapped_column(String(128), index=True)
    source_kind: Mapped[str] = mapped_column(String(16))
    target_kind: Mapped[str] = mapped_column(String(16))
    fit: Mapped[float] = mapped_column(Float)
    units: Mapped[int] = mapped_column(Integer, default=1)
    features: Mapped[dict[str, float]] = mapped_column(JSON)
    alternatives: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    source_response: Mapped[str | None] = mapped_column(String(16), nullable=True)
    target_response: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    stage: Mapped[str | None] = mapped_column(String(32), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=_now, onupdate=_now
    )


class PairEventRow(Base):
    """Something that happened to a pair, and when: the timeline analytics read."""

    __tablename__ = "pair_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("suggested_pairs.id"), index=True)
    event: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(16))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
