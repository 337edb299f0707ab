"""Checks that passed before, by a digest of what was checked: a document against its schema, the
IATI file against the official XSD. Those checks are most of a warm build's time, and the same
input passes the same check again. cache.py keeps the digests from one build to the next; only
those of this process are kept, so checks of inputs that left do not pile up."""

from __future__ import annotations

from .dependencies import Unstable, digest

_earlier: set[str] = set()
_now: set[str] = set()


def key(check: str, *values) -> str | None:
    """What a check of values is known by; None for values without a stable digest (always checked)."""
    try:
        return digest(check, *values)
    except Unstable:
        return None


def before(known: str | None) -> bool:
    """Whether the check known by this key passed, in an earlier build or in this process."""
    if known is not None and (known in _earlier or known in _now):
        _now.add(known)
        return True
    return False


def passes(known: str | None) -> None:
    """The check known by this key passed."""
    if known is not None:
        _now.add(known)


def recall(earlier: list) -> None:
    global _earlier
    _earlier = {d for d in earlier if isinstance(d, str)}


def this_process() -> list[str]:
    return sorted(_now)


def forget() -> None:
    """As in a new process (tests)."""
    global _earlier, _now
    _earlier, _now = set(), set()
