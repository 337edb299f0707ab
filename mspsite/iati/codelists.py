"""IATI codelists shipped with the package (CC BY 4.0, see data/NOTICE.md)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from functools import cache
from importlib import resources


@cache
def codelist(name: str) -> dict[str, str]:
    """Code -> English name of an IATI codelist (withdrawn codes left out)."""
    path = resources.files(__package__) / "data" / "codelists" / f"{name}.xml"
    root = ET.fromstring(path.read_bytes())
    return {
        item.findtext("code"): (item.findtext("name/narrative") or "").strip()
        for item in root.iter("codelist-item")
        if item.get("status") != "withdrawn"
    }
