"""SMART Match's matching core: profiles in, ranked and explained matches out.

Pure Python over NumPy, FAISS and sentence-transformers; it knows nothing of HTTP or SQL.
"""

from matcher.embedding_cache import EmbeddingCache, MemoryEmbeddingCache
from matcher.encoders import (
    DEFAULT_MODEL,
    E5Encoder,
    Encoder,
    HashingEncoder,
    SentenceTransformerEncoder,
    load_encoder,
)
from matcher.engine import Matcher
from matcher.errors import (
    BenchmarkError,
    DuplicateProfileError,
    IndexMismatchError,
    MatcherError,
    ProfileError,
    UnknownProfileError,
)
from matcher.explanations import Explanation
from matcher.filters import MatchFilters
from matcher.profiles import Kind, Mode, Profile, parse_profile, profiles_checksum
from matcher.queries import Query, query_for
from matcher.ranking import RankingConfig
from matcher.results import Match

__all__ = [
    "DEFAULT_MODEL",
    "BenchmarkError",
    "DuplicateProfileError",
    "E5Encoder",
    "EmbeddingCache",
    "Encoder",
    "Explanation",
    "HashingEncoder",
    "IndexMismatchError",
    "Kind",
    "Match",
    "MatchFilters",
    "Matcher",
    "MatcherError",
    "MemoryEmbeddingCache",
    "Mode",
    "Profile",
    "ProfileError",
    "Query",
    "RankingConfig",
    "SentenceTransformerEncoder",
    "UnknownProfileError",
    "load_encoder",
    "parse_profile",
    "profiles_checksum",
    "query_for",
]
