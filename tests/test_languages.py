"""One portal per language: the default language at the top, each other under /<language>/, each
page with a switcher and hreflang links to itself in the others; interface strings from complete
catalogues; numbers and dates in the language's forms; Arabic right to left."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po

from conftest import ROOT, edited_starter, portal_in_memory
from mspsite import load
from mspsite.i18n import collation_key

LOCALE = ROOT / "themes" / "portal" / "locale"
SHIPPED = sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / "messages.po").is_file())
SWITCHER = re.compile(r'<nav class="language-switcher"[^>]*>\s*<ul>(.*?)</ul>', re.S)
LINK = re.compile(r'<a href="([^"]+)" hreflang="([^"]+)" lang="[^"]+"( aria-current="true")?>([^<]+)</a>')


def test_every_shipped_catalogue_translates_every_interface_string():
    template = {m.id for m in read_po(open(LOCALE / "messages.pot", "rb")) if m.id}
    assert SHIPPED == ["ar", "de", "es", "fr", "pt", "sw"]
    for lang in SHIPPED:
        catalog = read_po(open(LOCALE / lang / "LC_MESSAGES" / "messages.po", "rb"), locale=lang)
        ids = {m.id for m in catalog if m.id}
        assert ids == template, (lang, sorted(template - ids)[:5], sorted(ids - template)[:5])
        untranslated = [m.id for m in catalog if m.id and (not m.string or isinstance(m.string, tuple)
                                                             and not all(m.string))]
        assert untranslated == [], (lang, untranslated[:5])
        assert [m.id for m in catalog if m.id and m.fuzzy] == [], lang
        assert [(m.id, e) for m, errors in catalog.check() for e in errors] == [], lang   # placeholders agree


def test_the_sample_builds_a_portal_per_language(built_sample: Path):
    assert 'lang="en"' in (built_sample / "index.html").read_text()[:200]
    sw = (built_sample / "sw" / "index.html").read_text()
    assert '<html lang="sw">' in sw and "Ruka hadi maudhui" in sw   # the interface in Swahili
    assert (built_sample / "sw" / "stories" / "akinyi-switches-to-lpg" / "index.html").is_file()
    assert (built_sample / "sw" / "pagefind" / "pagefind.js").is_file()   # its own search index
    assert (built_sample / "sw" / "feeds" / "stories.xml").is_file()
    for only_at_the_top in ("404.html", "robots.txt", ".nojekyll"):
        assert (built_sample / only_at_the_top).is_file() and not (built_sample / "sw" / only_at_the_top).exists()


def test_switcher_links_resolve_both_ways_on_every_page(built_sample: Path):
    pages = sorted(p.relative_to(built_sample).as_posix() for p in built_sample.rglob("*.html")
                   if "pagefind" not in p.parts and p.name != "404.html")
    assert len(pages) > 200
    checked = 0
    for page in pages:
        html = (built_sample / page).read_text()
        nav = SWITCHER.search(html)
        assert nav, f"no language switcher on {page}"
        links = LINK.findall(nav.group(1))
        assert [lang for _, lang, _, _ in links] == ["en", "sw"], page
        assert [name for *_, name in links] == ["English", "Kiswahili"], page
        own = "sw" if page.startswith("sw/") else "en"
        for href, lang, current, _ in links:
            target = posixpath_join(page, href)
            assert (built_sample / target).is_file(), f"{page}: {href} -> {target}"
            assert bool(current) == (lang == own), page
            if lang != own:   # and back: the other language's page offers this one (or a page above it)
                back = dict((l, h) for h, l, _, _ in LINK.findall(SWITCHER.search(
                    (built_sample / target).read_text()).group(1)))
                returned = posixpath_join(target, back[own])
                assert page.startswith(returned.removesuffix("index.html")), (page, target, returned)
                checked += 1
    assert checked == len(pages)


def posixpath_join(page: str, href: str) -> str:
    return urlsplit(urljoin("http://x/" + page, href)).path.lstrip("/")


def test_hreflang_names_every_language_with_the_public_address(built_sample: Path):
    html = (built_sample / "sw" / "stories" / "akinyi-switches-to-lpg" / "index.html").read_text()
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert alternates == {"en": "https://example.github.io/ccpk/stories/akinyi-switches-to-lpg/",
                          "sw": "https://example.github.io/ccpk/sw/stories/akinyi-switches-to-lpg/"}
    assert '<link rel="canonical" href="https://example.github.io/ccpk/sw/stories/akinyi-switches-to-lpg/">' in html
    robots = (built_sample / "robots.txt").read_text()
    assert "Sitemap: https://example.github.io/ccpk/sitemap.xml" in robots
    assert "Sitemap: https://example.github.io/ccpk/sw/sitemap.xml" in robots


@pytest.fixture(scope="module")
def french(tmp_path_factory):
    src = edited_starter(tmp_path_factory.mktemp("fr") / "p", {"mspsite.yml": [("languages: [en]", "languages: [fr, en]")]})
    return portal_in_memory(src)


def test_a_french_portal_speaks_french_and_formats_the_french_way(french):
    home = french.files["index.html"].decode()
    assert '<html lang="fr">' in home and "Aller au contenu" in home
    assert french.files["en/index.html"].decode().count('<html lang="en">') == 1
    finances = french.files["finances/index.html"].decode()
    amounts = re.findall(r"\d[\d\u202f\u00a0]*(?:,\d+)?\u00a0\S*€|\d[\d\u202f\u00a0]*(?:,\d+)?\u00a0[A-Z]{3}", finances)
    assert amounts, "no amount in the French form"
    assert not re.search(r"\d,\d{3}\b", finances), "an amount with an English thousands separator"
    assert re.search(r"\d+\u00a0%", finances) or re.search(r"\d+\u202f%", finances)   # 54 %, not 54%


def test_an_arabic_portal_is_right_to_left(tmp_path):
    src = edited_starter(tmp_path / "p", {"mspsite.yml": [("languages: [en]", "languages: [ar, en]")]})
    home = portal_in_memory(src).files["index.html"].decode()
    assert '<html lang="ar" dir="rtl">' in home
    assert "انتقل إلى المحتوى" in home   # Skip to content


def test_names_sort_as_readers_expect_not_by_code_point():
    words = ["Produire", "Zèbre", "Préparer", "école", "Ecole", "Äpfel", "Apfel"]
    assert sorted(words)[-2:] == ["Äpfel", "école"]   # code points: accented capitals and small letters last
    assert sorted(words, key=collation_key) == ["Apfel", "Äpfel", "Ecole", "école", "Préparer", "Produire", "Zèbre"]


def test_the_glossary_is_in_alphabetical_order(tmp_path):
    src = edited_starter(tmp_path / "p", {"glossary.yml": [("terms:\n", "terms:\n  - term: Énergie\n    definition: E.\n"
                                                              "  - term: Foyer\n    definition: F.\n"
                                                              "  - term: Eau\n    definition: W.\n")]})
    terms = [t.term for t in load(src, history=False).glossary]
    assert terms.index("Eau") < terms.index("Énergie") < terms.index("Foyer")


def test_reports_show_names_not_the_codes_of_the_files(built_sample: Path):
    """A funder reads "Kupokelewa"/"Received", never "received" or "civil-society"."""
    for page in ("reports/annual-2024/index.html", "sw/reports/annual-2024/index.html"):
        cells = {re.sub(r"<[^>]+>", "", cell).strip()
                 for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", (built_sample / page).read_text(), re.S)}
        assert len(cells) > 50
        codes = cells & {"cash", "in-kind", "received", "committed", "pledged", "implemented", "adopted",
                         "civil-society", "academia", "public", "private", "success", "failure", "insight", "consensus"}
        assert codes == set(), (page, codes)


# -- right to left, in Chromium -----------------------------------------------------------------
RTL_PAGES = ["", "stories/akinyi-switches-to-lpg/", "reports/annual-2024/", "governance/decisions/"]   # text, tables, lists


@pytest.fixture(scope="module")
def served_arabic(tmp_path_factory):
    """The sample in English and Arabic (its texts fall back to English), built and served; its
    Swahili translations are left out, so two portals are built, not three."""
    import functools
    import http.server
    import shutil
    import threading

    from conftest import SAMPLE, build_reproducibly

    src = tmp_path_factory.mktemp("ar") / "p"
    shutil.copytree(SAMPLE, src, ignore=shutil.ignore_patterns(".mspsite-cache", "site"))
    settings = src / "mspsite.yml"
    settings.write_text(settings.read_text().replace("languages: [en, sw]", "languages: [en, ar]"))
    for translation in src.rglob("*.sw.md"):
        translation.unlink()
    out = build_reproducibly(src, src.parent / "site")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(out))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/ar/"
    server.shutdown()


def test_an_arabic_portal_reads_right_to_left_on_a_phone_and_passes_axe(browser, served_arabic):
    from axe_playwright_python.sync_playwright import Axe

    from test_accessibility import OPTIONS, _report

    axe = Axe()
    ctx = browser.new_context(viewport={"width": 375, "height": 740})
    try:
        page = ctx.new_page()
        for url in RTL_PAGES:
            page.goto(served_arabic + url)
            assert page.evaluate("getComputedStyle(document.body).direction") == "rtl", url
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{url} scrolls sideways"
            header = page.locator(".site-title").bounding_box()
            assert header["x"] > 375 / 2, f"{url}: the title is not on the right"   # mirrored layout
            violations = axe.run(page, options=OPTIONS).response["violations"]
            assert not violations, _report(served_arabic + url, violations)
    finally:
        ctx.close()


# -- translation coverage -----------------------------------------------------------------------
def _coverage(src: Path, *args: str) -> list[str]:
    from click.testing import CliRunner

    from mspsite.cli import cli

    result = CliRunner().invoke(cli, ["check", str(src), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [line for line in result.output.splitlines() if line.startswith(("translations", "  "))]


def test_check_reports_each_missing_translation_at_its_text(tmp_path):
    src = edited_starter(tmp_path / "p", {"mspsite.yml": [("languages: [en]", "languages: [en, fr]")]})
    (src / "stories" / "first-steps.fr.md").write_text(
        "---\ntitle: Nos premiers pas ensemble\nsummary: Comment trois organisations se sont accordées.\n---\n"
        "Racontez l'histoire du partenariat.\n")
    summary, *detail = _coverage(src, "--translations")
    assert summary == "translations into 'fr': 0 of 13 items complete"
    assert [line for line in detail if "first-steps" in line] == [
        "  stories/first-steps.md:6:12: no 'fr' text for 'image_alt'"]   # title, summary and body are translated
    assert "  goals/energy-access.yml:8:12: no 'fr' text for 'outcomes.0.title'" in detail
    assert _coverage(src) == [summary]   # without --translations: the summary line only


def test_check_marks_a_translation_older_than_its_original(tmp_path):
    import os
    import subprocess

    src = edited_starter(tmp_path / "p", {"mspsite.yml": [("languages: [en]", "languages: [en, fr]")]})
    (src / "stories" / "first-steps.fr.md").write_text("---\ntitle: Nos premiers pas\n---\nTexte.\n")

    def commit(message: str, day: str) -> None:
        env = {**os.environ, "GIT_AUTHOR_DATE": f"{day}T12:00:00Z", "GIT_COMMITTER_DATE": f"{day}T12:00:00Z"}
        subprocess.run(["git", "-C", str(src), "add", "."], check=True)
        subprocess.run(["git", "-C", str(src), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit",
                        "-qm", message], check=True, env=env)

    subprocess.run(["git", "init", "-q", str(src)], check=True)
    commit("content and its translation", "2026-03-02")
    assert not any("older than" in line for line in _coverage(src, "--translations"))
    story = src / "stories" / "first-steps.md"
    story.write_text(story.read_text().replace("who, what changed", "who, what changed, where"))
    commit("the original changes", "2026-05-14")
    lines = _coverage(src, "--translations")
    assert lines[0] == "translations into 'fr': 0 of 13 items complete; 1 translation older than the original"
    assert "  stories/first-steps.fr.md: older than stories/first-steps.md (translated 2026-03-02, original " \
           "changed 2026-05-14)" in lines


def test_a_text_without_a_translation_is_marked_with_its_language_and_a_notice(built_sample: Path):
    untranslated = (built_sample / "sw" / "stories" / "sales-agents-of-nyakach" / "index.html").read_text()
    assert ('<div class="untranslated" lang="en"><p class="translation-notice" lang="sw">Bado haijatafsiriwa '
            'kwa Kiswahili; inaonyeshwa kwa Kiingereza.</p>') in untranslated
    translated = (built_sample / "sw" / "stories" / "akinyi-switches-to-lpg" / "index.html").read_text()
    assert "translation-notice" not in translated and "Akinyi" in translated
    assert "translation-notice" not in (built_sample / "stories" / "sales-agents-of-nyakach" / "index.html").read_text()


def test_charts_speak_the_portal_language(french):
    goal = next(html.decode() for rel, html in french.files.items()
                if rel.startswith("goals/") and rel.count("/") == 2 and b"<desc" in html)
    desc = re.findall(r"<desc[^>]*>([^<]+)</desc>", goal)
    assert desc and not any(re.search(r"\d{4}-\d{2}-\d{2}", d) for d in desc), desc   # no ISO dates
    assert any(re.search(r"\d+\u00a0%", d) for d in desc), desc   # "57 %": the French percentage
