"""The audit of recommendations (AI Act Art. 12): every list of matches shown, who asked,
when, with which model and index, and what was ranked how, and why (the explanation's parts,
without its text snippet)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, _now


class RecommendationRow(Base):
    __tablename__ = "recommendation_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    account_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    role: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    model: Mapped[str] = mapped_column(String(200))
    index_version: Mapped[str] = mapped_column(String(100))
    candidates: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
