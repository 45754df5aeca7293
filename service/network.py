"""The network: the store (the truth) and the matcher, kept in step.

This is the one path for writes and matches: the HTTP API, the command line and the
benchmarks all call a `Network`, so none of them touches the store or the matcher directly.

Concurrency:
- Writes are serialised by one mutex, so the matcher sees them in the order the store
  committed them. Each write commits to the store first, then changes the matcher under the
  write side of a read-write lock: once a write has returned, every later match sees it.
- Matches hold the read side: they run side by side and never see half of a write (an
  update is a remove and an add inside one write lock).
- The slow work stays outside the read-write lock: tagging a free-text query with ESCO skills,
  encoding the query (`service.encoding` memoises it), tagging a written profile and
  encoding its parts (into the embedding cache).

Why a read-write lock and not copy-on-write snapshots: a snapshot would copy the matcher on
every write, which grows with the network (`benchmarks/scale.py` measures both). The lock is
writer-preferring, so a stream of matches cannot starve a write.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from readerwriterlock.rwlock import RWLockWrite

from matcher import (
    Encoder,
    Kind,
    Match,
    Matcher,
    MatchFilters,
    Profile,
    Query,
    UnknownProfileError,
    parse_profile,
)
from service import profile_store
from service import runtime as rt
from service.config import Settings
from service.db import transaction
from service.encoding import prepare_profile_query, prepare_profiles, prepare_query
from service.enrichment import enrich
from service.importer import ImportReport, import_profiles

log = logging.getLogger("smartmatch.network")


class Network:
    """The profiles of one network, as the API, the CLI and the benchmarks read and change them."""

    def __init__(self, runtime: rt.Runtime) -> None:
        self.runtime = runtime
        self.stale = False  # set when a committed write could not reach the matcher
        self._writes = threading.Lock()  # one write at a time, in the store's order
        self._matcher_lock = RWLockWrite()
        self._unsaved = False
        self.writes = 0  # writes applied to the matcher since start-up (the audit's version)

    def __enter__(self) -> Network:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @contextmanager
    def _reading(self) -> Iterator[Matcher]:
        with self._matcher_lock.gen_rlock():
            yield self.runtime.matcher

    def reading(self) -> AbstractContextManager[Matcher]:
        """The matcher under the read lock, for a service that matches many items at once
        (a suggestion round, service/workflow.py): no write lands halfway through."""
        return self._reading()

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
        with self._reading() as matcher:
            return len(matcher), matcher.vector_count()

    def index_backends(self) -> dict[str, str]:
        """Which vector index each kind that holds profiles searches (`Matcher.index_backends`)."""
        with self._reading() as matcher:
            return matcher.index_backends()

    def __contains__(self, profile_id: object) -> bool:
        with self._reading() as matcher:
            return profile_id in matcher

    # -- writes ------------------------------------------------------------------------

    def owner_of(self, profile_id: str) -> int | None:
        """The account that owns a profile (None: no owner, managed by its centre's staff)."""
        with self.runtime.sessions() as session:
            return profile_store.owner_of(session, profile_id=profile_id)

    def create(self, *, kind: Kind, fields: dict[str, Any], owner_id: int | None = None) -> Profile:
        profile = enrich(parse_profile({**fields, "kind": kind.value}), self.runtime.tagger)
        prepare_profiles(self.runtime.matcher, [profile])
        with self._writes:
            with transaction(self.runtime.sessions) as session:
                profile_store.create_profile(session, profile=profile, owner_id=owner_id)
            self._change_matcher(lambda matcher: matcher.upsert(profile))
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

    def set_visible(self, *, owner_id: int, kind: Kind, visible: bool) -> list[str]:
        """Show or hide every profile of this kind the account owns, in the store and in the
        catalogue's visibility mask (consent given or withdrawn); their ids."""
        with self.runtime.sessions() as session:
            ids = profile_store.owned_ids(session, owner_id=owner_id, kind=kind)
        for profile_id in ids:
            self.patch(kind=kind, profile_id=profile_id, changes={"visible": visible})
        return ids

    def delete(self, *, kind: Kind, profile_id: str) -> None:
        with self._writes:
            with transaction(self.runtime.sessions) as session:
                profile_store.delete_profile(session, profile_id=profile_id, kind=kind)
            self._change_matcher(lambda matcher: _remove_if_present(matcher, profile_id))

    def import_text(self, text: str, *, fmt: str, show_progress: bool = False) -> ImportReport:
        """Store the good rows of a CSV or JSONL text and index them; report the bad ones."""
        with self._writes:
            with transaction(self.runtime.sessions) as session:
                report, imported = import_profiles(
                    session, text, fmt=fmt, tagger=self.runtime.tagger
                )
            prepare_profiles(self.runtime.matcher, imported, show_progress=show_progress)
            self._change_matcher(lambda matcher: matcher.add(imported))
        return report

    def rebuild_index(self, *, show_progress: bool = False) -> Matcher:
        """Build a new index from the store aside, then swap it in and save it."""
        with self._writes:
            runtime = self.runtime
            rebuilt = rt.rebuild_index(
                runtime.settings,
                runtime.sessions,
                runtime.matcher.encoder,
                show_progress=show_progress,
            )
            with self._matcher_lock.gen_wlock():
                runtime.matcher, self.stale, self._unsaved = rebuilt, False, False
            return rebuilt

    def _change(
        self,
        kind: Kind,
        profile_id: str,
        new_fields: Callable[[dict[str, Any]], dict[str, Any]],
    ) -> Profile:
        with self._writes:
            with transaction(self.runtime.sessions) as session:
                current = profile_store.get_profile(session, profile_id=profile_id, kind=kind)
                stored = current.model_dump(mode="json", exclude={"id", "kind", "esco_skills"})
                data = new_fields(stored)
                profile = parse_profile({**data, "id": profile_id, "kind": kind.value})
                profile = enrich(profile, self.runtime.tagger)
                profile_store.replace_profile(session, profile=profile)
            prepare_profiles(self.runtime.matcher, [profile])
            self._change_matcher(lambda matcher: matcher.upsert(profile))
        return profile

    def _change_matcher(self, change: Callable[[Matcher], object]) -> None:
        """Apply a committed change to the matcher; if that fails, the index is stale."""
        with self._matcher_lock.gen_wlock():
            self._unsaved, self.writes = True, self.writes + 1
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
        filters: MatchFilters | None = None,
    ) -> list[Match]:
        """Matches for a stored profile of this kind (another kind's id is unknown here)."""
        with self._reading() as matcher:
            profile = _profile_of_kind(matcher, profile_id, kind)
        prepare_profile_query(matcher, profile)
        with self._reading() as matcher:
            _profile_of_kind(matcher, profile_id, kind)  # it may have gone meanwhile
            return matcher.match_profile(profile_id, target_kind=target, k=k, filters=filters)

    def match_text(
        self, query: Query, *, target: Kind, k: int, filters: MatchFilters | None = None
    ) -> list[Match]:
        """Matches for free text, tagged with ESCO skills as a stored profile would be.

        The query and the pieces the tagger reads are encoded together first (their
        vectors are memoised), so the tagger encodes nothing again."""
        tagger = None if query.esco_skills else self.runtime.tagger
        pieces = [] if tagger is None else tagger.pieces([query.text], query.skills)
        prepare_query(self.runtime.matcher, query, also=pieces)
        if tagger is not None:
            query = query.model_copy(update={"esco_skills": tagger.tag([query.text], query.skills)})
        with self._reading() as matcher:
            return matcher.match(query, target_kind=target, k=k, filters=filters)

    # -- lifecycle ---------------------------------------------------------------------

    def save_index(self) -> None:
        """Save the index if a write changed it since it was loaded, built or saved."""
        with self._writes, self._reading() as matcher:
            if self._unsaved and not self.stale:
                rt.save_index(self.runtime.settings, self.runtime.sessions, matcher)
                self._unsaved = False

    def close(self) -> None:
        """Save the index and release the store's connections."""
        try:
            self.save_index()
        finally:
            self.runtime.close()


def open_network(
    settings: Settings, *, encoder: Encoder | None = None, show_progress: bool = False
) -> Network:
    """The network that `settings` name, with its index loaded or rebuilt (close it after)."""
    return Network(rt.open_runtime(settings, encoder=encoder, show_progress=show_progress))


def _profile_of_kind(matcher: Matcher, profile_id: str, kind: Kind) -> Profile:
    if profile_id not in matcher or (profile := matcher.get(profile_id)).kind != kind:
        raise UnknownProfileError(profile_id)
    return profile


def _remove_if_present(matcher: Matcher, profile_id: str) -> None:
    if profile_id in matcher:
        matcher.remove(profile_id)
