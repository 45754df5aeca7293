"""The network behind the API: the store (the truth) and the matcher, kept in step.

Every write commits to the database first, then updates the in-memory matcher, both under
one lock: once a write has returned, the next match sees it, and concurrent writers reach
the matcher in the order they reached the store. Matching takes the same lock, because the
matcher is not thread-safe and sync endpoints run in a thread pool.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from matcher import Kind, Match, Matcher, MatchFilters, Profile, Query, UnknownProfileError
from matcher import parse_profile as _parse_profile
from service import profile_store
from service import runtime as rt
from service.db import transaction
from service.enrichment import enrich
from service.importer import ImportReport, import_profiles

log = logging.getLogger("smartmatch.api")


class Network:
    """The profiles of one network, as the API reads and changes them."""

    def __init__(self, runtime: rt.Runtime) -> None:
        self.runtime = runtime
        self.stale = False  # set when a committed write could not reach the matcher
        self._lock = threading.Lock()

    # -- reads -------------------------------------------------------------------------

    def get(self, *, kind: Kind, profile_id: str) -> Profile:
        with self.runtime.sessions() as session:
            return profile_store.get_profile(session, profile_id=profile_id, kind=kind)

    def page(
        self,
        *,
        kind: Kind,
        offset: int,
        limit: int,
        countries: list[str],
        centres: list[str],
    ) -> tuple[list[Profile], int]:
        with self.runtime.sessions() as session:
            return profile_store.page_profiles(
                session,
                kind=kind,
                offset=offset,
                limit=limit,
                countries=countries,
                centres=centres,
            )

    def counts(self) -> tuple[int, int]:
        """How many profiles and vectors the matcher holds."""
        with self._lock:
            return len(self.runtime.matcher), self.runtime.matcher.vector_count()

    # -- writes ------------------------------------------------------------------------

    def create(self, *, kind: Kind, fields: dict[str, Any]) -> Profile:
        profile = _parse_profile({**fields, "kind": kind.value})
        with self._lock:
            profile = enrich(profile, self.runtime.tagger)
            with transaction(self.runtime.sessions) as session:
                profile_store.create_profile(session, profile=profile)
            self._update_matcher(lambda matcher: matcher.upsert(profile))
        return profile

    def replace(self, *, kind: Kind, profile_id: str, fields: dict[str, Any]) -> Profile:
        """Replace everything but the id and kind; language and ESCO skills are derived anew."""
        return self._change(kind, profile_id, lambda _: fields)

    def patch(self, *, kind: Kind, profile_id: str, changes: dict[str, Any]) -> Profile:
        """Change only the given fields; a new text means its language is detected anew."""

        def patched(current: dict[str, Any]) -> dict[str, Any]:
            if "text" in changes and "language" not in changes:
                current.pop("language", None)
            return {**current, **changes}

        return self._change(kind, profile_id, patched)

    def delete(self, *, kind: Kind, profile_id: str) -> None:
        with self._lock:
            with transaction(self.runtime.sessions) as session:
                profile_store.delete_profile(session, profile_id=profile_id, kind=kind)
            self._update_matcher(lambda matcher: _remove_if_present(matcher, profile_id))

    def import_text(self, text: str, *, fmt: str) -> ImportReport:
        """Store the good rows of a CSV or JSONL text and index them; report the bad ones."""
        with self._lock:
            with transaction(self.runtime.sessions) as session:
                report, imported = import_profiles(
                    session, text, fmt=fmt, tagger=self.runtime.tagger
                )
            self._update_matcher(lambda matcher: matcher.add(imported))
        return report

    def _change(
        self,
        kind: Kind,
        profile_id: str,
        new_fields: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> Profile:
        with self._lock:
            with transaction(self.runtime.sessions) as session:
                current = profile_store.get_profile(session, profile_id=profile_id, kind=kind)
                stored = current.model_dump(mode="json", exclude={"id", "kind", "esco_skills"})
                data = new_fields(stored)
                profile = _parse_profile({**data, "id": profile_id, "kind": kind.value})
                profile = enrich(profile, self.runtime.tagger)
                profile_store.replace_profile(session, profile=profile)
            self._update_matcher(lambda matcher: matcher.upsert(profile))
        return profile

    def _update_matcher(self, change: Callable[[Matcher], object]) -> None:
        """Apply a committed change to the matcher; if that fails, the index is stale."""
        try:
            change(self.runtime.matcher)
        except Exception:
            self.stale = True
            log.exception("a committed write did not reach the matcher; the index is stale")
            raise

    # -- matching ----------------------------------------------------------------------

    def match_profile(
        self,
        *,
        kind: Kind,
        profile_id: str,
        target: Kind,
        k: int,
        filters: MatchFilters,
    ) -> list[Match]:
        """Matches for a stored profile of this kind (another kind's id is unknown here)."""
        with self._lock:
            matcher = self.runtime.matcher
            if profile_id not in matcher or matcher.get(profile_id).kind != kind:
                raise UnknownProfileError(profile_id)
            return matcher.match_profile(profile_id, target_kind=target, k=k, filters=filters)

    def match_text(
        self, query: Query, *, target: Kind, k: int, filters: MatchFilters
    ) -> list[Match]:
        """Matches for free text, tagged with ESCO skills as a stored profile would be."""
        with self._lock:
            tagger = self.runtime.tagger
            if tagger is not None and not query.esco_skills:
                tags = tagger.tag([query.text], query.skills)
                query = query.model_copy(update={"esco_skills": tags})
            return self.runtime.matcher.match(query, target_kind=target, k=k, filters=filters)

    # -- lifecycle ---------------------------------------------------------------------

    def save_index(self) -> None:
        with self._lock:
            if not self.stale:
                rt.save_index(self.runtime.settings, self.runtime.sessions, self.runtime.matcher)


def _remove_if_present(matcher: Matcher, profile_id: str) -> None:
    if profile_id in matcher:
        matcher.remove(profile_id)
