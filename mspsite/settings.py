"""The one settings object: mspsite.yml, the command line and the environment, resolved once.

Every stage takes a `Settings`; none reads mspsite.yml or the environment itself, so a
setting means the same thing in every page and every output (the --site-url given on the
command line is the address in the pages, the sitemap, the feeds and the IATI file alike)."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

from .folder import DEFAULT_OUTPUT
from .kinds import TOP_FILES
from .visibility import VISIBILITIES


@dataclass(frozen=True)
class SiteConfig:
    """mspsite.yml, with the defaults the content format gives (and --site-url applied)."""

    title: str | dict = "Partnership"
    """The portal's title (text or a mapping of language to text)."""
    site_url: str | None = None
    """The public address, may contain a sub-path; used for canonical links, the sitemap, feeds and IATI."""
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
    """A bundled theme name, or the path of a theme folder inside the partnership folder."""
    logo: str | None = None
    """A picture in media/ shown in the header."""
    colors: dict = field(default_factory=dict)
    """Theme colours: primary, accent."""
    footer: str | dict | None = None
    """Markdown shown at the foot of every page."""
    iati: dict | None = None
    """IATI publishing settings (identifier, reporting_org, secretariat_role)."""

    @property
    def default_language(self) -> str:
        return self.languages[0]


@dataclass(frozen=True)
class Settings:
    """Everything a run of the pipeline is for. Immutable: make another with `replace`."""

    source: Path
    """The partnership folder."""
    output: Path
    """The folder the portal is written to (default: `site` inside the partnership folder)."""
    site: SiteConfig = SiteConfig()
    """The settings of mspsite.yml, with command-line overrides applied."""
    clearance: str = "public"
    """The readership the portal is for: public, funders, partners or internal. Items and
    fields above it are left out of the model, so no output can show them."""
    strict: bool = False
    """Refuse to build when the check finds warnings, not only errors."""
    history: bool = True
    """Read each file's last change from git for 'last updated' dates and the sitemap."""
    search: bool = True
    """Build the Pagefind search index."""
    pdf: bool = False
    """Also write each report as PDF (needs WeasyPrint)."""
    jobs: int | None = None
    """Processes that render pages at once: None for one per core; 1 renders page by page."""
    build_date: datetime.date = datetime.date(1970, 1, 1)
    """The date the build is for ('today' in checks and pages): SOURCE_DATE_EPOCH when set, so
    rebuilding old content gives the same bytes, else the current date."""
    review_base: str | None = None
    """For `check --format github`: the revision a pull request is compared with (--base, else
    origin/$GITHUB_BASE_REF), or None to mark every theme file."""
    language: str | None = None
    """The language of the portal being made, one of `site.languages`; None for the default (the
    first). A build makes one portal per language (`language_versions`)."""

    @property
    def portal_language(self) -> str:
        return self.language or self.site.default_language

    @property
    def prefix(self) -> str:
        """Where this language's portal lives in the published site: the default language at the top
        (its addresses stay those of a one-language portal), every other under /<language>/."""
        lang = self.portal_language
        return "" if lang == self.site.default_language else f"{lang.lower()}/"

    @property
    def skipped_output(self) -> str:
        """The folder inside the partnership folder that loading skips as built output: the output
        folder when it is inside, else the default one (a portal built there earlier)."""
        src, out = self.source.resolve(), self.output.resolve()
        return out.relative_to(src).as_posix() if out.is_relative_to(src) and out != src else DEFAULT_OUTPUT

    @property
    def edit_base(self) -> str | None:
        """Where 'edit this page' links point: the file in the repository's web editor (the partnership
        folder is the top of its content repository, as `mspsite new` makes it); public portals only."""
        repo = self.site.repository
        return f"{repo.rstrip('/')}/edit/{self.site.branch}/" if repo and self.clearance == "public" else None


def resolve_settings(source: str | os.PathLike, *, output: str | os.PathLike | None = None,
                     clearance: str = "public", site_url: str | None = None, strict: bool = False,
                     history: bool = True, search: bool = True, pdf: bool = False, jobs: int | None = None,
                     base: str | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Settings for a partnership folder: its mspsite.yml, then the command-line options, then the
    environment (SOURCE_DATE_EPOCH, GITHUB_BASE_REF). Never fails on a bad mspsite.yml: `check` reports it."""
    if clearance not in VISIBILITIES:
        raise ValueError(f"clearance must be one of {', '.join(VISIBILITIES)}, not {clearance!r}")
    env = os.environ if environ is None else environ
    src = Path(source)
    site = site_config(_read_mspsite_yml(src))
    if site_url:
        site = replace(site, site_url=site_url)
    github_base = env.get("GITHUB_BASE_REF")
    return Settings(source=src, output=Path(output) if output is not None else src / DEFAULT_OUTPUT, site=site,
                    clearance=clearance, strict=strict, history=history, search=search, pdf=pdf, jobs=jobs,
                    build_date=build_date(env), review_base=base or (f"origin/{github_base}" if github_base else None))


def language_versions(settings: Settings) -> list[Settings]:
    """The settings of each language's portal, the default language first. Each other language's
    public address is the portal's, followed by its folder, so its canonical links, feeds and
    sitemap name its own pages."""
    versions = []
    for lang in dict.fromkeys(settings.site.languages):
        version = replace(settings, language=None if lang == settings.site.default_language else lang)
        if version.prefix and settings.site.site_url:
            version = replace(version, site=replace(settings.site, site_url=settings.site.site_url.rstrip("/")
                                                    + "/" + version.prefix))
        versions.append(version)
    return versions


def build_date(environ: Mapping[str, str]) -> datetime.date:
    """SOURCE_DATE_EPOCH when set (reproducible builds), else today."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date() if epoch else datetime.date.today()


def site_config(data: dict) -> SiteConfig:
    """The settings of an mspsite.yml document's data, or defaults where it is missing or wrong."""
    known = {k: v for k, v in data.items() if k in SiteConfig.__dataclass_fields__}
    languages = known.get("languages")
    if isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages):
        known["languages"] = tuple(languages)
    else:
        known.pop("languages", None)
    for key, kind in (("colors", dict), ("iati", dict)):
        if key in known and not isinstance(known[key], kind):
            known.pop(key)
    if known.get("default_visibility") not in (None, *VISIBILITIES):
        known.pop("default_visibility")
    return SiteConfig(**{k: v for k, v in known.items() if v is not None})


def _read_mspsite_yml(src: Path) -> dict:
    """mspsite.yml's data; {} when it is missing or unreadable (loading reports why, at its line)."""
    doc = settings_document(src)
    return doc.data if doc else {}


def settings_document(src: Path):
    """mspsite.yml (or .yaml) read as loading reads it, through the same guarded reader and with its
    locations; None when it is missing or unreadable."""
    from .load import read_document   # load needs settings first; this is the one file read before

    kind = TOP_FILES["mspsite"]
    for ext in kind.extensions:
        if (src / f"mspsite{ext}").is_file():
            return read_document(src, f"mspsite{ext}", kind)
    return None
