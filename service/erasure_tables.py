"""What remains of an erased account: when, which role, and how much was removed; no
e-mail, no ids, no text (GDPR Art. 17: the record proves the erasure, not the person)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.db import Base, _now


class ErasureRow(Base):
    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    role: Mapped[str] = mapped_column(String(16))
    profiles: Mapped[int] = mapped_column(Integer)
    cached_vectors: Mapped[int] = mapped_column(Integer)
    pairs: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
