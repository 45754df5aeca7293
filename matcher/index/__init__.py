"""Vector indexes: one interface, an exact NumPy backend and a FAISS backend."""

from matcher.index.base import MISSING_ID, VectorIndex
from matcher.index.exact import ExactIndex
from matcher.index.faiss_backend import FaissIndex
from matcher.index.storage import BACKENDS, build_metadata, create_index, load_index, save_index

__all__ = [
    "BACKENDS",
    "MISSING_ID",
    "ExactIndex",
    "FaissIndex",
    "VectorIndex",
    "build_metadata",
    "create_index",
    "load_index",
    "save_index",
]
