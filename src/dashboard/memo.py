"""What is derived from an object that is never changed once made, kept while that object lives; and
the values shared by every session of the server (Shared).

A loaded plan, a filtered or hypothesised plan, a page's view, its tables and figures are never
changed afterwards (another filter, hypothesis or store state makes new ones): what several views or
reruns derive from the same object (a plan's planned periods, a figure's JSON values, a table's Arrow
conversion) is then derived once. An entry goes with its object (weak reference): nothing to evict.
"""

from __future__ import annotations

import collections
import threading
import time
import weakref

_KEPT: dict[int, tuple[weakref.ref, dict]] = {}
MAX_KEYS = 256  # per object: the searches typed on a view, say; beyond, its values are made again


def per_object(owner, key, compute):
    """compute() once per (owner, key) while `owner` lives. Callers hand out copies of what may be
    changed. An object that cannot be weakly referenced gets compute() every time."""
    entry = _KEPT.get(id(owner))
    if entry is None or entry[0]() is not owner:
        ident = id(owner)
        try:
            # the dict itself is bound: at interpreter exit the module's globals may already be None
            ref = weakref.ref(owner, lambda _, kept=_KEPT: kept.pop(ident, None))
        except TypeError:
            return compute()
        entry = _KEPT[ident] = (ref, {})
    values = entry[1]
    if key not in values:
        if len(values) >= MAX_KEYS:
            values.clear()
        values[key] = compute()
    return values[key]


class Shared:
    """fn's values shared by every caller (every session of the server), keyed on key(*args, **kwargs).

    Each value is computed once per key, even when several threads ask for it at once (the others wait
    for it); at most `max_entries` are kept (the least recently used goes first), each for `ttl` seconds
    when given. An exception is not kept: the next call computes again. `computing`: a context manager
    factory entered around each computation (a spinner). A key that cannot be made (`key` raises
    TypeError: an argument it does not know) leaves the call uncached.

    A lookup is a key and a dictionary access: the pages ask for a dozen values on every run."""

    _MISSING = object()

    def __init__(self, fn, key, max_entries: int | None = None, ttl: float | None = None, computing=None):
        self.fn, self.key, self.max_entries, self.ttl, self.computing = fn, key, max_entries, ttl, computing
        self._values: collections.OrderedDict = collections.OrderedDict()  # key -> (value, expiry)
        self._lock = threading.Lock()
        self._computing_locks: dict = {}  # key -> [its lock, how many hold or wait for it]
        self.__wrapped__ = fn
        self.__doc__, self.__name__ = fn.__doc__, getattr(fn, "__name__", "shared")

    def _get(self, key):
        with self._lock:
            hit = self._values.get(key)
            if hit is None:
                return self._MISSING
            if hit[1] is not None and time.monotonic() >= hit[1]:
                del self._values[key]
                return self._MISSING
            self._values.move_to_end(key)
            return hit[0]

    def _put(self, key, value) -> None:
        with self._lock:
            self._values[key] = (value, None if self.ttl is None else time.monotonic() + self.ttl)
            self._values.move_to_end(key)
            while self.max_entries is not None and len(self._values) > self.max_entries:
                self._values.popitem(last=False)

    def __call__(self, *args, **kwargs):
        try:
            key = self.key(*args, **kwargs)
            hash(key)
        except TypeError:
            return self.fn(*args, **kwargs)
        value = self._get(key)
        if value is not self._MISSING:
            return value
        if self.computing is None:
            return self._wait_or_compute(key, args, kwargs)
        with self.computing():  # also shown to who waits for another caller's computation
            return self._wait_or_compute(key, args, kwargs)

    def _wait_or_compute(self, key, args, kwargs):
        """The value of `key`: computed here, or by the caller already computing it (waited for). The
        key's lock lives while someone holds or waits for it: a failed computation lets the next
        waiter compute, and nobody else at the same time."""
        with self._lock:
            entry = self._computing_locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                value = self._get(key)
                if value is self._MISSING:
                    value = self.fn(*args, **kwargs)
                    self._put(key, value)  # before anything that may interrupt the caller
                return value
        finally:
            with self._lock:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._computing_locks[key]

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
