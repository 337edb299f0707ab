"""Site settings from mspsite.yml, with the defaults the content format gives."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field

from .load import RawProject


@dataclass(frozen=True)
class SiteConfig:
    title: str | dict = "Partnership"
    """The portal's title (text or a mapping of language to text)."""
    site_url: str | None = None
    """The public address, may contain a sub-path; used for canonical links and feeds."""
    languages: tuple[str, ...] = ("en",)
    """Languages of the portal; the first is the default."""
    repository: str | None = None
    """The content repository, for 'edit this page' links."""
    branch: str = "main"
    """The branch that holds the content."""
    currency: str | None = None
    """The reporting currency (ISO 4217)."""
    default_visibility: str = "public"
    """Visibility of items that set none."""
    theme: str = "portal"
    """A bundled theme name or a path."""
    logo: str | None = None
    colors: dict = field(default_factory=dict)
    footer: str | dict | None = None
    iati: dict | None = None
    """IATI publishing settings (identifier, reporting_org)."""

    @property
    def default_language(self) -> str:
        return self.languages[0]


def read_config(raw: RawProject) -> SiteConfig:
    """The settings, or defaults where mspsite.yml is missing or says nothing.
    Validation reports what is wrong in the file; this never fails."""
    doc = raw.single("mspsite")
    data = doc.data if doc else {}
    known = {k: v for k, v in data.items() if k in SiteConfig.__dataclass_fields__}
    languages = known.get("languages")
    if isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages):
        known["languages"] = tuple(languages)
    else:
        known.pop("languages", None)
    for key, kind in (("colors", dict), ("iati", dict)):
        if key in known and not isinstance(known[key], kind):
            known.pop(key)
    if known.get("default_visibility") not in (None, "public", "funders", "partners", "internal"):
        known.pop("default_visibility")
    return SiteConfig(**{k: v for k, v in known.items() if v is not None})


def build_date() -> datetime.date:
    """The date a build is for: SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date() if epoch else datetime.date.today()
