"""Per-address limits, counted in one place for every worker when a shared store is set."""

from limits import parse as parse_rate
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter


class RateLimit:
    """A `limits` rate per address, in a fixed window (the same cost whatever the count).

    `storage` is a limits storage URI: memory:// counts in each worker process on its own;
    redis://host:6379 counts once for all workers and servers.
    """

    def __init__(self, rate: str, name: str, storage: str | Storage = "memory://") -> None:
        self._rate = parse_rate(rate)
        self._name = name
        store = storage_from_string(storage) if isinstance(storage, str) else storage
        self._limiter = FixedWindowRateLimiter(store)

    def allow(self, address: str) -> bool:
        """Count one hit; whether it is within the limit."""
        return self._limiter.hit(self._rate, self._name, address)

    def within(self, address: str) -> bool:
        """Whether one more hit would be within the limit, without counting it."""
        return self._limiter.test(self._rate, self._name, address)
