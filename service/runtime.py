"""Opening SMART Match: the store, the encoder and a matcher whose index agrees with the store.

The index is derived state. At start-up it is loaded only if it was built with the same
model from exactly the stored profiles; otherwise (missing, damaged, stale) it is rebuilt
from the store, with vectors from the embedding cache, and saved again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from matcher import Encoder, IndexMismatchError, Matcher, load_encoder
from matcher.fusion import LearnedFusion
from matcher.skills import SkillTagger, load_esco_skills
from matcher.threads import limit_threads
from service import profile_store
from service.config import Settings
from service.db import IndexStateRow, make_engine, session_factory, transaction
from service.embedding_store import SqlEmbeddingCache
from service.encoding import with_query_memo

log = logging.getLogger("smartmatch")


@dataclass
class Runtime:
    """What one process opens: the store, the matcher and the tagger. Close it when done:
    the store's connections are released only then."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    matcher: Matcher
    index_status: str
    tagger: SkillTagger | None

    def __enter__(self) -> Runtime:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()


def open_runtime(
    settings: Settings, *, encoder: Encoder | None = None, show_progress: bool = False
) -> Runtime:
    """Open the store and the model, and load (or rebuild) the index; close it after use."""
    engine = make_engine(settings.database_url)
    try:
        sessions = session_factory(engine)
        encoder = with_query_memo(
            encoder or load_encoder(settings.model),
            threads_per_call=settings.encoder_threads,
            batching=settings.query_batching,
            side_by_side=settings.query_side_by_side,
        )
        limit_threads(encoders=settings.encoder_threads)  # once its libraries are loaded
        matcher, status = load_matcher(settings, sessions, encoder, show_progress=show_progress)
        tagger = load_tagger(settings, sessions, encoder, show_progress=show_progress)
    except BaseException:
        engine.dispose()
        raise
    return Runtime(settings, engine, sessions, matcher, status, tagger)


def load_tagger(
    settings: Settings,
    sessions: sessionmaker[Session],
    encoder: Encoder,
    *,
    show_progress: bool = False,
) -> SkillTagger | None:
    """The ESCO tagger, its skill vectors read from (or added to) the embedding cache."""
    if not settings.esco_tagging:
        return None
    skills = load_esco_skills(settings.esco_skills)
    return SkillTagger(
        skills, encoder, cache=SqlEmbeddingCache(sessions), show_progress=show_progress
    )


def new_matcher(settings: Settings, sessions: sessionmaker[Session], encoder: Encoder) -> Matcher:
    """A matcher ranking with the shipped fusion model (SMARTMATCH_FUSION_MODEL), its index
    and FAISS threads as the settings say."""
    return Matcher(
        encoder,
        backend=settings.index_backend,
        cache=SqlEmbeddingCache(sessions),
        fusion=LearnedFusion.load(settings.fusion_model),
        ann_threshold=settings.ann_threshold,
        search_threads=settings.search_threads,
    )


def load_matcher(
    settings: Settings,
    sessions: sessionmaker[Session],
    encoder: Encoder,
    *,
    show_progress: bool = False,
) -> tuple[Matcher, str]:
    """The saved index if it agrees with the store, else a rebuilt one; and which it was."""
    with sessions() as session:
        profiles = profile_store.list_profiles(session)
    matcher = new_matcher(settings, sessions, encoder)
    try:
        matcher.restore(settings.index_path, profiles)
        return matcher, "loaded"
    except FileNotFoundError:
        reason = "no saved index"
    except IndexMismatchError as error:
        reason = str(error)
    log.warning("rebuilding the index from the store: %s", reason)
    return rebuild_index(settings, sessions, encoder, show_progress=show_progress), "rebuilt"


def rebuild_index(
    settings: Settings,
    sessions: sessionmaker[Session],
    encoder: Encoder,
    *,
    show_progress: bool = False,
) -> Matcher:
    with sessions() as session:
        profiles = profile_store.list_profiles(session)
    matcher = new_matcher(settings, sessions, encoder)
    matcher.add(profiles, show_progress=show_progress)
    save_index(settings, sessions, matcher)
    return matcher


def save_index(settings: Settings, sessions: sessionmaker[Session], matcher: Matcher) -> None:
    """Save the index file and record what it was built from."""
    matcher.save(settings.index_path)
    with transaction(sessions) as session:
        session.merge(
            IndexStateRow(
                path=str(settings.index_path),
                model=matcher.encoder.name,
                backend=settings.index_backend,
                checksum=matcher.checksum(),
                vectors=matcher.vector_count(),
            )
        )
