"""Rate limits: one token bucket per client, in memory, so one client cannot starve the others.

This module owns the bucket arithmetic and how a limit is written (``10/s``, ``600/min``). A
client is its access token when it presents a valid one, else its network address (anonymous
readers of a public server, everyone on an open one); the app's middleware picks the key and
answers ``429 rate_limited`` with ``Retry-After``. Buckets live in this process only: a restart
refills them, and several server processes would each allow the full rate.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

UNITS = {"s": 1.0, "sec": 1.0, "min": 60.0, "m": 60.0, "h": 3600.0, "hour": 3600.0}
LIMIT_RE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*/\s*([a-z]+)\s*")
MAX_CLIENTS = 10_000  # buckets kept; a flood of new addresses evicts the least recent


@dataclass(frozen=True)
class RateLimit:
    """``rate`` requests a second on average, up to ``burst`` at once after a quiet spell."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if not (self.rate > 0 and math.isfinite(self.rate)) or self.burst < 1:
            raise ValueError("a rate limit needs a positive rate and a burst of at least 1")

    @classmethod
    def parse(cls, rate: str, burst: int | None = None) -> RateLimit:
        """``"10/s"``, ``"600/min"`` or ``"5000/h"``; the burst defaults to one second's worth
        (at least 1), so that a page load with its API calls passes."""
        match = LIMIT_RE.fullmatch(rate.lower())
        if match is None or match.group(2) not in UNITS:
            raise ValueError(f"a rate is N/s, N/min or N/h, not {rate[:40]!r}")
        per_second = float(match.group(1)) / UNITS[match.group(2)]
        return cls(per_second, burst if burst is not None else max(1, math.ceil(per_second)))


@dataclass
class _Bucket:
    tokens: float
    stamp: float


class RateLimiter:
    """Token buckets by client key; thread-safe (sync routes and the event loop share it)."""

    def __init__(
        self,
        limit: RateLimit,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Spend one request of ``key``'s allowance: 0 if allowed, else seconds to wait."""
        now = self._clock()
        with self._lock:
            bucket = self._refilled(key, now)
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.limit.rate

    def _refilled(self, key: str, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            # A forgotten client starts full, as if it had been quiet: evicting only ever
            # forgives, so a flood of new keys cannot lock out anyone.
            bucket = _Bucket(float(self.limit.burst), now)
            self._buckets[key] = bucket
            while len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            elapsed = max(0.0, now - bucket.stamp)
            bucket.tokens = min(float(self.limit.burst), bucket.tokens + elapsed * self.limit.rate)
            bucket.stamp = now
        return bucket


def retry_after(wait: float) -> str:
    """The ``Retry-After`` value: whole seconds, rounded up, never 0 (RFC 9110 allows no less)."""
    return str(max(1, math.ceil(wait)))
