"""Token buckets that keep the event endpoint from being flooded.

One bucket for the whole process, and one per client address kept in memory only (never
written anywhere, forgotten when the process stops or when the table is full).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict


class TokenBucket:
    """`rate` tokens a second, holding at most `burst`."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updated = time.monotonic()

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class RateLimiter:
    """Allows a request when both the process's bucket and the address's bucket have room.

    A rate of 0 turns that limit off.
    """

    MAX_ADDRESSES = 10_000

    def __init__(self, per_address: float = 20, total: float = 2000) -> None:
        self.per_address = per_address
        self.total = TokenBucket(total, total * 2) if total > 0 else None
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, address: str) -> bool:
        """True if a request from `address` may go ahead now."""
        now = time.monotonic()
        with self._lock:
            if self.per_address > 0:
                bucket = self._buckets.pop(address, None)
                if bucket is None:
                    bucket = TokenBucket(self.per_address, self.per_address * 3)
                    while len(self._buckets) >= self.MAX_ADDRESSES:
                        self._buckets.popitem(last=False)
                self._buckets[address] = bucket
                if not bucket.take(now):
                    return False
            return self.total is None or self.total.take(now)
