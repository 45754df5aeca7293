"""How many threads the native libraries may use for one call, in every thread that calls them.

FAISS and e5's engine parallelise with OpenMP, which keeps its thread count per calling
thread: a limit set at start-up in the main thread never reaches the threads a server
answers requests in (each would use every core, and concurrent requests would fight over
them). So the limits are set once per process (`limit_threads`) and applied in each
thread before its first search or encoding (`in_this_thread`, a thread-local check).
torch and NumPy's BLAS keep one count for the whole process, set at once.

On a 2-core machine one thread per call was fastest for FAISS (matcher/index/faiss_backend.py)
and, for the encoders, let an ensemble's models encode a query side by side while
concurrent requests share the cores (README, Scale): `side_by_side` runs calls in parallel
only while no other such call is running, since otherwise the cores are busy already.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from threadpoolctl import ThreadpoolController


@dataclass
class _Limits:
    search: int | None = None  # FAISS's OpenMP (and its BLAS)
    encoders: int | None = None  # every other runtime: e5's and torch's OpenMP, NumPy's BLAS
    version: int = 0
    libraries: list[tuple[Any, int]] = field(default_factory=list)


_limits = _Limits()
_applied = threading.local()
_lock = threading.Lock()


def limit_threads(*, search: int | None = None, encoders: int | None = None) -> None:
    """Set the process's limits (None keeps the one set before); call it after the encoder
    is loaded, so that its libraries are found."""
    with _lock:
        _limits.search = search if search is not None else _limits.search
        _limits.encoders = encoders if encoders is not None else _limits.encoders
        libraries = ThreadpoolController().lib_controllers
        _limits.libraries = [
            (library, limit)
            for library in libraries
            if library.internal_api == "openmp"
            and (limit := _limit_of(str(library.filepath))) is not None
        ]
        _limits.version += 1
        for library in libraries:  # a BLAS with its own thread pool has one for the process
            own_pool = library.user_api == "blas" and library.threading_layer != "openmp"
            if own_pool and (limit := _limit_of(str(library.filepath))) is not None:
                library.set_num_threads(limit)
        if _limits.encoders is not None and "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(_limits.encoders)
    in_this_thread()


def _limit_of(path: str) -> int | None:
    return _limits.search if "faiss" in path else _limits.encoders


def in_this_thread() -> None:
    """Apply the process's limits in the calling thread, once per setting."""
    if getattr(_applied, "version", 0) == _limits.version:
        return
    with _lock:
        for library, limit in _limits.libraries:
            library.set_num_threads(limit)
        _applied.version = _limits.version


T = TypeVar("T")
_HELPERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="side-by-side")
_running = 0  # side_by_side calls now, counted under _lock


def side_by_side(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Each call's result, in order. Alone, the first call runs in this thread and the
    others in helper threads (worth it for work outside the GIL); while another
    `side_by_side` runs, they take turns here, which costs less on busy cores."""
    global _running
    with _lock:
        _running += 1
        alone = _running == 1
    try:
        if not alone or len(calls) < 2:
            return [call() for call in calls]
        others = [_HELPERS.submit(call) for call in calls[1:]]
        return [calls[0](), *(future.result() for future in others)]
    finally:
        with _lock:
            _running -= 1
