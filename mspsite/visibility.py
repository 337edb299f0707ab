"""Visibility filtering: the one place that decides what a readership may see."""

from __future__ import annotations

from .kinds import VISIBILITIES, visibility_rank

_HIDDEN = object()


def visible(level: str | None, clearance: str, default: str = "public") -> bool:
    level = level if level in VISIBILITIES else default
    return visibility_rank(level) <= visibility_rank(clearance)


def filter_nested(data, clearance: str) -> tuple[object, int]:
    """The data without every nested mapping above the clearance, and how many were dropped.
    An entry's own visibility can only make it stricter than its item's, which the
    caller has already checked, so an entry is kept exactly when its own level is."""
    withheld = 0

    def walk(node):
        nonlocal withheld
        if isinstance(node, dict):
            if "visibility" in node and not visible(node["visibility"], clearance):
                withheld += 1
                return _HIDDEN
            kept = {k: walk(v) for k, v in node.items()}
            return {k: v for k, v in kept.items() if v is not _HIDDEN}
        if isinstance(node, list):
            return [v for v in map(walk, node) if v is not _HIDDEN]
        return node

    result = walk(data)
    return ({} if result is _HIDDEN else result), withheld
