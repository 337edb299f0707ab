"""Stage 5: planned pages -> HTML with a theme, and the theme's assets. The other files of
a portal (feeds, open data, search...) are outputs (mspsite/outputs), made from what this returns."""

from __future__ import annotations

import posixpath
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

from jinja2 import pass_context
from markupsafe import Markup, escape

from . import charts, figures
from .model import label
from .cache import page_key
from .csp import POLICY
from .dependencies import Digests, Reads, Recorder, Unstable, digest, record_reads
from .diagnostics import Location
from .labels import translated_labels
from .languages import Alternate, alternates, is_right_to_left
from .outputs.opendata import DATA_TABLES
from .factors import FACTORS
from .i18n import Formats, collation_key, country_name, language_name, translations
from .errors import MspsiteError
from .folder import is_inside
from .kinds import translation_base
from .markup import URL_SCHEMES, to_html
from .pagecache import KeptPage, PageCache
from .parallel import jobs_for, render_in_processes
from .plan import PlannedPage, Site
from .terms import Glossary
from .theme import Theme, ThemeLoader, static_files, template_environment, template_failure, template_location
from .urls import FILE_PAGES, file_of, file_url, relative, url_of

ASSETS = "assets/"


@dataclass(frozen=True)
class LinkedFrom:
    """Where a file was first linked: the page being rendered, and the template line that made the link."""

    page: str
    template: Location


@dataclass(frozen=True)
class RenderedSite:
    """The portal in memory: what write_site puts on disk and serve serves."""

    files: dict[str, bytes]   # relative posix path in the output ("partners/moe/index.html") -> content
    copies: dict[str, Path]   # relative output path -> source file to copy (media: images, PDFs)
    links: dict[str, LinkedFrom] = field(default_factory=dict, compare=False)  # linked file -> where first linked
    site: Site | None = field(default=None, compare=False, repr=False)   # the plan the pages were rendered from
    reused: int = field(default=0, compare=False)   # pages taken unchanged from the last build (pagecache.py)
    versions: tuple[RenderedSite, ...] = field(default=(), compare=False, repr=False)  # each language's, merged

    @property
    def pages(self) -> int:
        """The pages of every language."""
        return sum(len(v.site.pages) for v in self.versions) if self.versions else len(self.site.pages)


class _Links:
    """Resolves links in Markdown: item source files become item pages, media files
    are copied, anything else local (or hidden at this clearance) becomes plain text."""

    def __init__(self, site: Site, src: Path, recorder: Recorder):
        self.src, self.recorder = src, recorder
        self.used: dict[str, None] = {}   # media files the page being rendered uses, in order
        self.pages: dict[str, str] = {}
        for page in site.pages:
            if page.source and page.source not in self.pages:
                self.pages[page.source] = page.url
        self.pages.update(FILE_PAGES)
        for page in site.pages:  # translations link to the same page as their original
            if page.source and page.source.endswith(".md"):
                self.pages.setdefault(page.source, page.url)

    def resolver(self, page_url: str, source: str | None):
        base = posixpath.dirname(source or "")

        def resolve(url: str, image: bool) -> str | None:
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):   # images only from the portal itself (csp.POLICY)
                return url if parts.scheme.lower() in URL_SCHEMES and not image else None
            if not parts.path:
                return url
            rel = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
            target = self.target(rel)
            if target is None:
                return None
            return relative(page_url, target) + (f"#{parts.fragment}" if parts.fragment else "")

        return resolve

    def target(self, rel: str, use: bool = True) -> str | None:
        """The portal URL for a file in the partnership folder, or None."""
        if use:
            self.recorder.name(LINK + rel)
        page = self.pages.get(rel) or self.pages.get(translation_base(rel))
        if page is not None:
            return page
        return self.media(rel, use)

    def media(self, rel: str | None, use: bool = True) -> str | None:
        """The URL of a media file, copied under its own name, or None."""
        if use and rel:
            self.recorder.name(MEDIA + rel)
        if not rel or rel.startswith("../") or not rel.startswith("media/"):
            return None
        path = self.src / rel
        if not path.is_file() or path.is_symlink() or not is_inside(self.src, path):
            return None
        if use:
            self.used[rel] = None
        return file_url(rel)

    def lookup(self, name: str) -> str | None:
        """A link or media lookup again, by its dependency name, without using what it finds."""
        if name.startswith(LINK):
            return self.target(name[len(LINK):], use=False)
        return self.media(name[len(MEDIA):], use=False) if name.startswith(MEDIA) else None


LINK, MEDIA, UNTRANSLATED = "l\0", "m\0", "u\0"   # dependency names of lookups (dependencies.py)


@lru_cache(maxsize=100_000)   # a summary shows on its page, in lists, cards and the meta description
def plain_text(text: str | None) -> str:
    """Markdown as plain words, for meta descriptions and one-line teasers: no markup, no link targets."""
    return Markup(to_html(text or "", lambda url, image: None)).striptags()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


@dataclass(frozen=True)
class RenderedPage:
    """One page's HTML, what it read, the files it linked (each at the template line that
    first did) and the media files it used."""

    html: bytes
    reads: list[str]
    links: dict[str, LinkedFrom]
    media: tuple[str, ...]


class Renderer:
    def __init__(self, site: Site, theme: Theme, overrides_globals: dict | None = None):
        p = site.partnership
        self.site, self.theme, self.src = site, theme, site.settings.source
        self.recorder = Recorder()
        self.links = _Links(site, self.src, self.recorder)
        self.targets: dict[str, LinkedFrom] = {}     # every file the page being rendered links -> where it first did
        self._lines: dict[tuple[str, int], Location] = {}
        self._untranslated_digests: set[str] | None = None
        self.formats = Formats(p.language, p.config.currency)
        self.gettext = translations(theme.locales, p.language, theme.src)
        self.env = template_environment(ThemeLoader(theme.templates, self.src))
        self.env.install_gettext_translations(self.gettext, newstyle=True)
        self.terms = {name.casefold(): slug(t.term) for t in p.glossary for name in (t.term, *t.aliases)}
        self.glossary = Glossary(self.terms)
        labels = translated_labels(self.gettext.gettext)
        self.env.globals.update(
            p=p, site=site, config=p.config, fmt=self.formats, factors=FACTORS, charts=self._charts(),
            progress=figures.progress, slug=slug, md=self._md, plain=plain_text, url=self._url, label=label,
            csp=POLICY,   # the base template's <meta>: one policy for every page
            asset=self._asset, media=self._media, factor_title=lambda k: self.gettext.gettext(FACTORS[k].title),
            today=site.settings.build_date, data_tables=DATA_TABLES and [(n, self.gettext.gettext(t)) for n, t in DATA_TABLES],
            kind_name=lambda item: labels["kind_names"][item.content_kind],
            alternates=self._alternates, rtl=is_right_to_left(p.language),
            **labels, **(overrides_globals or {}))
        self.env.filters.update(
            zip=lambda a, b: zip(a, b), country_name=lambda code: country_name(code, p.language),
            factor_title=self.env.globals["factor_title"], label=label)
        self.env.filters["collated"] = lambda items, attribute: sorted(
            items, key=lambda item: collation_key(str(self.env.getattr(item, attribute))))   # names in a reader's order
        self.env.tests["contains_key"] = lambda mapping, key: key in mapping
        record_reads(self.env, self.recorder, p, site)

    def _charts(self):
        """The chart functions with this portal's translations bound in."""
        gettext = self.gettext.gettext
        return SimpleNamespace(**{name: partial(getattr(charts, name), gettext=gettext, formats=self.formats)
                                  for name in ("line_chart", "bar_chart", "progress_bar")})

    # -- template helpers: each reads the page being rendered from the context ----------------
    def link(self, page_url: str, to: str) -> str:
        target = file_of(to)
        if target not in self.targets:   # the frame walk once per file and page, not once per link
            self.targets[target] = LinkedFrom(page_url, self._template_line())
        if page_url == "404.html" and self.site.site_url:
            # served in place of any missing page, at any depth: only root-relative links work
            path = file_url(file_of(to)).removesuffix("index.html")
            return urlsplit(self.site.site_url).path.rstrip("/") + "/" + path
        return relative(page_url, to)

    def _template_line(self) -> Location:
        """The template line being run: Jinja compiles a template to a module whose globals name it,
        and maps the module's lines back to the template's."""
        frame = sys._getframe(1)
        while frame is not None and "__jinja_template__" not in frame.f_globals:
            frame = frame.f_back
        if frame is None:   # not called from a template: the theme is all we can name
            return template_location(self.src, str(self.theme.templates[-1]), 1)
        template = frame.f_globals["__jinja_template__"]
        line = (template.filename or str(self.theme.templates[-1] / template.name), frame.f_lineno)
        if line not in self._lines:
            self._lines[line] = template_location(self.src, line[0], template.get_corresponding_lineno(line[1]))
        return self._lines[line]

    @pass_context
    def _url(self, ctx, target) -> str:
        return self.link(ctx["page"].url, target if isinstance(target, str) else url_of(target))

    @pass_context
    def _asset(self, ctx, name: str) -> str:
        return self.link(ctx["page"].url, ASSETS + name)

    @pass_context
    def _media(self, ctx, path: str | None) -> str | None:
        rel = self.links.media(path)
        return self.link(ctx["page"].url, rel) if rel else None

    @pass_context
    def _alternates(self, ctx) -> list[Alternate]:
        """The page in each of the portal's languages (languages.py)."""
        self.recorder.name("s\0versions")
        return alternates(self.site, ctx["page"].url)

    @pass_context
    def _md(self, ctx, text: str | None, source: str | None = None) -> Markup:
        if not text:
            return Markup("")
        page: PlannedPage = ctx["page"]
        html = to_html(text, self.links.resolver(page.url, source or page.source))
        html = self.glossary.link(html, ctx["linked_terms"], relative(page.url, "glossary/"))
        if self._untranslated(text):   # shown in the default language: say so, and mark its language
            default = self.site.settings.site.default_language
            notice = self.gettext.gettext("Not yet translated into %(language)s; shown in %(original)s.") % {
                "language": language_name(self.site.partnership.language, self.site.partnership.language),
                "original": language_name(default, self.site.partnership.language)}
            html = (f'<div class="untranslated" lang="{default}"><p class="translation-notice" '
                    f'lang="{self.site.partnership.language}">{escape(notice)}</p>{html}</div>')
        return Markup(html)

    def _untranslated(self, text: str) -> bool:
        name = UNTRANSLATED + digest(text)
        self.recorder.name(name)
        return self.lookup(name) == "yes"

    def lookup(self, name: str) -> str | None:
        """A dependency's value by its name (dependencies.py): a link or media lookup, or whether a text
        is shown untranslated."""
        if name.startswith(UNTRANSLATED):
            if self._untranslated_digests is None:
                self._untranslated_digests = {digest(t) for t in self.site.partnership.untranslated}
            return "yes" if name[len(UNTRANSLATED):] in self._untranslated_digests else "no"
        return self.links.lookup(name)

    def page(self, page: PlannedPage) -> RenderedPage:
        """One page, with what it read and linked."""
        reads = self.recorder.reads = Reads()
        self.targets, self.links.used = {}, {}
        try:
            template = self.env.get_template(page.template)
            html = template.render(page=page, linked_terms=set(), **page.context)
        except MspsiteError:
            raise
        except Exception as exc:  # a template error, or a helper given wrong arguments: say where
            raise template_failure(exc, self.theme, page.template, page.url) from None
        finally:
            self.recorder.reads = None
        return RenderedPage(html.encode("utf-8"), reads.keys(), self.targets, tuple(self.links.used))

    def render(self, progress=None, cache: PageCache | None = None) -> RenderedSite:
        """Every page, each taken from the cache when nothing it is made of changed."""
        pages = self.site.pages
        digests = Digests(self.site.partnership, self.site, self.lookup)
        made: dict[int, RenderedPage | KeptPage] = {}
        keys: list[str | None] = [None] * len(pages)
        if cache:
            made_with = page_key(self.site.settings, self.theme, self.site.partnership.language, self.terms)
            for index, page in enumerate(pages):
                keys[index] = key = self._key(made_with, page)
                if key and (kept := cache.kept(page.url, key, digests)):
                    made[index] = kept
        todo = [i for i in range(len(pages)) if i not in made]
        done = _Done(progress, len(made), len(pages))
        jobs = jobs_for(len(todo), self.site.settings.jobs)
        if jobs > 1 and self._compiled(pages[i] for i in todo):
            made.update(render_in_processes(self, todo, jobs, done))
        else:
            for i in todo:
                made[i] = self.page(pages[i])
                done(1)
        files, copies, targets = {}, {}, {}
        for index, page in enumerate(pages):   # in page order: the same site however it was made
            result = made[index]
            files[file_of(page.url)] = result.html
            for target, linked in result.links.items():
                targets.setdefault(target, linked if isinstance(linked, LinkedFrom) else LinkedFrom(page.url, linked))
            for rel in result.media:
                copies[rel] = self.src / rel
            if keys[index] and isinstance(result, RenderedPage):
                cache.keep(page.url, keys[index], result.reads, result.html,
                           {t: w.template for t, w in result.links.items()}, result.media)
        if cache:
            cache.save({page.url for page in pages}, digests)
        files.update({ASSETS + rel: data for rel, data in static_files(self.theme).items()})
        return RenderedSite(files, copies, targets, self.site, len(pages) - len(todo))

    @staticmethod
    def _key(made_with: str, page: PlannedPage) -> str | None:
        """What a page is apart from what its templates read: its plan entry, and what every
        page is made with (mspsite, the settings, the theme...); None if it cannot be digested."""
        try:
            return digest(made_with, page)
        except Unstable:
            return None

    def _compiled(self, pages) -> bool:
        """Compile every template the pages use once, before the workers fork; False if one fails
        (rendering page by page then reports it, at its line)."""
        try:
            for name in dict.fromkeys(page.template for page in pages):
                self.env.get_template(name)
        except Exception:
            return False
        return True


class _Done:
    """Progress as pages are made: those kept from the last build count as done at once."""

    def __init__(self, progress, done: int, total: int):
        self.progress, self.done, self.total = progress, done, total
        if progress and done:
            progress(done, total)

    def __call__(self, pages: int) -> None:
        self.done += pages
        if self.progress:
            self.progress(self.done, self.total)


def render_site(site: Site, theme: Theme, progress=None, cache: PageCache | None = None) -> RenderedSite:
    """Every planned page as HTML, and the theme's assets; progress(done, total) after each page.
    With a cache, pages whose every input is unchanged since the last build are not rendered again."""
    return Renderer(site, theme).render(progress, cache)

