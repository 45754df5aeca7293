"""Log-in rate limits: failed attempts per account and per address in a sliding window.

In memory, per process: enough for the one-process service this is; behind several
processes each keeps its own count (a shared store such as Redis would be needed then).
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` events per key within the last `seconds`."""

    def __init__(
        self, *, limit: int, seconds: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit, self.seconds, self._clock = limit, seconds, clock
        self._events: defaultdict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str) -> deque[float]:
        events, horizon = self._events[key], self._clock() - self.seconds
        while events and events[0] <= horizon:
            events.popleft()
        return events

    def retry_after(self, key: str) -> float:
        """Seconds until the key may try again; 0 when it may now."""
        with self._lock:
            events = self._recent(key)
            if len(events) < self.limit:
                if not events:
                    self._events.pop(key, None)
                return 0.0
            return max(events[0] + self.seconds - self._clock(), 0.0)

    def record(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self._clock())


class LoginLimits:
    """Failed log-ins: 5 per account and 20 per address in 15 minutes by default."""

    def __init__(self, *, per_account: int = 5, per_address: int = 20, seconds: float = 900):
        self.accounts = SlidingWindow(limit=per_account, seconds=seconds)
        self.addresses = SlidingWindow(limit=per_address, seconds=seconds)

    def retry_after(self, *, email: str, address: str) -> float:
        return max(
            self.accounts.retry_after(email.strip().lower()), self.addresses.retry_after(address)
        )

    def failed(self, *, email: str, address: str) -> None:
        self.accounts.record(email.strip().lower())
        self.addresses.record(address)
