"""What is derived from an object that is never changed once made, kept while that object lives.

A loaded plan, a filtered or hypothesised plan, a page's view, its tables and figures are never
changed afterwards (another filter, hypothesis or store state makes new ones): what several views or
reruns derive from the same object (a plan's planned periods, a figure's JSON values, a table's Arrow
conversion) is then derived once. An entry goes with its object (weak reference): nothing to evict.
"""

from __future__ import annotations

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
            ref = weakref.ref(owner, lambda _: _KEPT.pop(ident, None))
        except TypeError:
            return compute()
        entry = _KEPT[ident] = (ref, {})
    values = entry[1]
    if key not in values:
        if len(values) >= MAX_KEYS:
            values.clear()
        values[key] = compute()
    return values[key]
