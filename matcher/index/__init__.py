"""Vector indexes: one interface; exact NumPy, exact FAISS and approximate IVF backends."""

from matcher.index.ann import IvfIndex, measured_recall, recall_at_k
from matcher.index.auto import ANN_THRESHOLD, AutoIndex
from matcher.index.base import MISSING_ID, VectorIndex
from matcher.index.exact import ExactIndex
from matcher.index.faiss_backend import FaissIndex
from matcher.index.storage import BACKENDS, build_metadata, create_index, load_index, save_index

__all__ = [
    "ANN_THRESHOLD",
    "BACKENDS",
    "MISSING_ID",
    "AutoIndex",
    "ExactIndex",
    "FaissIndex",
    "IvfIndex",
    "VectorIndex",
    "build_metadata",
    "create_index",
    "load_index",
    "measured_recall",
    "recall_at_k",
    "save_index",
]
