"""Visibility filtering: the one place that decides what a readership may see."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from .kinds import translation_base

# Readerships from the widest to the narrowest: a build for one sees its own level and those before it.
VISIBILITIES = ("public", "funders", "partners", "internal")

_HIDDEN = object()


def visibility_rank(level: str) -> int:
    return VISIBILITIES.index(level)


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


def without_hidden_links(text: str, base: str, hidden: set[str]) -> str:
    """Markdown with every link to a hidden item's file turned into its words.

    Bodies and text fields are published as they are written in open data and the
    search index, so the link target itself ('../decisions/secret.md') must go,
    not only the rendered <a>: it names the hidden item."""
    if not text or not hidden or ("](" not in text and "href" not in text and "]:" not in text):
        return text
    from .markup import TooComplex, link_targets   # Markdown finds links exactly as the renderer will

    try:
        targets = link_targets(text)
    except TooComplex:   # check refuses such a text; a model built anyway must not publish it
        return ""
    for _tag, url in targets:
        path = posixpath.normpath(posixpath.join(base, unquote(urlsplit(url).path))) if url else ""
        if not path or translation_base(path) not in hidden:
            continue
        target = re.escape(url)
        text = re.sub(r"!?\[([^\]]*)\]\(\s*<?" + target + r">?(\s+(\"[^\"]*\"|'[^']*'))?\s*\)", r"\1", text)
        text = re.sub(r"(?m)^[ ]{0,3}\[[^\]]+\]:\s*<?" + target + r">?.*$", "", text)
        text = re.sub(r"""\s(href|src)\s*=\s*(["']?)""" + target + r"\2", "", text)
        text = text.replace(url, "")
    return text

