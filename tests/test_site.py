"""Stage tests for plan and render, and the files around the pages."""

import csv
import io
import json
import re
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from conftest import ROOT, SAMPLE, SOURCE_DATE_EPOCH
from mspsite import load, resolve_settings
from mspsite.load import load_project
from mspsite.build import build
from mspsite.cli import cli
from mspsite.plan import plan_site
from mspsite.urls import file_of, relative, url_of

STARTER = Path(__file__).parent.parent / "mspsite" / "starter"


@pytest.fixture(autouse=True)
def _fixed_date(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


@pytest.fixture(scope="module")
def public():
    return load(SAMPLE, clearance="public")


def test_plan_gives_every_visible_item_one_page(public):
    site = plan_site(public, resolve_settings(SAMPLE, history=False), lambda s: s)
    urls = [p.url for p in site.pages]
    assert len(urls) == len(set(urls))
    for group in (public.stakeholders, public.bodies, public.goals, public.decisions, public.meetings,
                  public.budgets, public.lessons, public.stories, public.events, public.initiatives,
                  public.assessments, public.pages):
        for item in group:
            assert urls.count(url_of(item)) == 1, item.id
    assert len([u for u in urls if u.startswith("factors/") and u.count("/") == 2
                and not u.startswith("factors/assessments")]) == 17


def test_plan_has_no_page_for_hidden_items():
    urls = {}
    for clearance in ("internal", "public"):
        settings = resolve_settings(SAMPLE, clearance=clearance, history=False)
        urls[clearance] = {p.url for p in plan_site(load(settings), settings, lambda s: s).pages}
    internal, public = urls["internal"], urls["public"]
    hidden = internal - public
    assert "governance/decisions/carbon-offtake-negotiating-mandate/" in hidden
    assert public < internal


def test_relative_links_work_at_any_depth():
    assert relative("", "partners/moe/") == "partners/moe/index.html"
    assert relative("partners/moe/", "") == "../../index.html"
    assert relative("partners/moe/", "goals/x/#indicator-y") == "../../goals/x/index.html#indicator-y"
    assert relative("partners/", "assets/portal.css") == "../assets/portal.css"
    assert file_of("404.html") == "404.html"


def _page(site: Path, url: str) -> str:
    return (site / file_of(url)).read_text(encoding="utf-8")


def test_markdown_links_become_page_links_and_media_is_copied(built_sample):
    html = _page(built_sample, "governance/decisions/county-action-plan-template/")
    assert 'href="../../../pages/context/index.html"' in html      # ../pages/context.md in the source
    for img in re.findall(r'<img src="([^"]+)"', _page(built_sample, "stories/")):
        assert (built_sample / "stories" / img).resolve().is_file(), img
    assert (built_sample / "media" / "mou.pdf").is_file()


def test_link_to_hidden_item_is_plain_text(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    (src / "decisions" / "secret.md").write_text("---\ntitle: Secret\ndate: 2025-01-01\nbody: steering-committee\n"
                                                 "status: adopted\nvisibility: internal\n---\nx\n")
    story = src / "stories" / "first-steps.md"
    story.write_text(story.read_text() + "\nSee [the secret decision](../decisions/secret.md).\n")
    build(src, tmp_path / "out", history=False)
    html = _page(tmp_path / "out", "stories/first-steps/")
    assert "the secret decision" in html and "secret/" not in html and "secret.md" not in html


def test_glossary_term_links_first_use_only(built_sample):
    html = _page(built_sample, "pages/context/")
    body = html[html.index('<main'):html.index('</main>')]
    links = re.findall(r'<a class="term" href="([^"]+)">([^<]+)</a>', body)
    assert links, "the context page uses glossary terms"
    targets = [h for h, _ in links]
    assert len(targets) == len(set(targets)), "each term is linked once per page"
    assert all(h.startswith("../../glossary/index.html#term-") for h in targets)


def test_page_language_is_the_default_language(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    (src / "mspsite.yml").write_text("title: Notre partenariat\nlanguages: [fr, en]\ncurrency: EUR\n")
    build(src, tmp_path / "out", history=False)
    html = _page(tmp_path / "out", "")
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"fr\">")
    assert re.search(r"100\s000\s€", _page(tmp_path / "out", "finances/"))    # Babel formats for French


def test_non_public_build_is_marked_and_not_indexed(tmp_path):
    build(SAMPLE, tmp_path / "out", clearance="partners", history=False)
    for page in ("", "partners/"):
        html = _page(tmp_path / "out", page)
        assert '<meta name="robots" content="noindex, nofollow">' in html
        assert 'class="clearance-banner"' in html and "partners readers" in html
        assert "Edit this page" not in html
    assert (tmp_path / "out" / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    assert not (tmp_path / "out" / "sitemap.xml").exists()


def test_public_build_has_canonical_og_and_edit_links(built_sample):
    html = _page(built_sample, "partners/")
    assert '<link rel="canonical" href="https://example.github.io/ccpk/partners/">' in html
    assert '<meta property="og:title" content="Partners">' in html
    assert 'href="https://github.com/example/ccpk/edit/main/stakeholders/' in _page(built_sample, url_of(
        load(SAMPLE).stakeholders[0]))
    assert "noindex" not in html and "clearance-banner" not in html


def test_404_links_work_from_any_depth(built_sample):
    html = (built_sample / "404.html").read_text()
    assert 'href="/ccpk/assets/portal.css"' in html and 'href="/ccpk/sitemap/"' in html


def test_open_data_validates_against_the_schemas(built_sample, public):
    from mspsite.schemas import validator

    data = json.loads((built_sample / "data" / "partnership.json").read_text())
    kinds = {"stakeholders": "stakeholder", "bodies": "body", "goals": "goal", "decisions": "decision",
             "meetings": "meeting", "budget": "budget", "reports": "report", "lessons": "lesson",
             "stories": "story", "events": "event", "initiatives": "initiative", "assessments": "assessment",
             "pages": "page"}
    checked = 0
    assert not list(validator("partnership").iter_errors(data["partnership"]))
    assert not list(validator("glossary").iter_errors(data["glossary"]))
    for key, kind in kinds.items():
        for ident, record in data[key].items():
            # Markdown items carry their body text as "text"; the rest is the content format
            errors = [e.message for e in validator(kind).iter_errors({k: v for k, v in record.items() if k != "text"})]
            assert not errors, (key, ident, errors)
            checked += 1
    from mspsite.outputs.opendata import COLLECTIONS
    assert checked == sum(len(getattr(public, attr)) for _, attr in COLLECTIONS)
    assert data["stories"]["sales-agents-of-nyakach"]["text"].strip()
    Draft202012Validator.check_schema(json.loads((built_sample / "data" / "schemas" / "goal.schema.json").read_text()))


def test_budget_csv_reconciles_with_the_budget_files(built_sample, public):
    rows = list(csv.DictReader(io.StringIO((built_sample / "data" / "budget-lines.csv").read_text())))
    income = sum(Decimal(r["amount_KES"]) for r in rows if r["line"] == "income")
    actual = sum(Decimal(r["actual_KES"]) for r in rows if r["line"] == "expenditure" and r["actual_KES"])
    # independently from the source files: amounts times rate, public lines only
    expected_income = expected_actual = Decimal(0)
    for doc in load_project(resolve_settings(SAMPLE)).of_kind("budget"):
        for line in doc.data.get("income", []):
            if line.get("visibility", "public") == "public":
                expected_income += Decimal(str(line["amount"])) * Decimal(str(line.get("rate", 1)))
        for line in doc.data.get("expenditure", []):
            if line.get("visibility", "public") == "public" and "actual" in line:
                expected_actual += Decimal(str(line["actual"])) * Decimal(str(line.get("rate", 1)))
    assert (income, actual) == (expected_income, expected_actual)
    finances = _page(built_sample, "finances/")
    from mspsite.i18n import Formats
    assert Formats("en", "KES").money(expected_income) in finances


def test_feeds_and_sitemap(built_sample, public):
    atom = "{http://www.w3.org/2005/Atom}"
    stories = ET.parse(built_sample / "feeds" / "stories.xml").getroot()
    assert len(stories.findall(f"{atom}entry")) == len(public.stories)
    decisions = ET.parse(built_sample / "feeds" / "decisions.xml").getroot()
    ids = [e.findtext(f"{atom}id") for e in decisions.findall(f"{atom}entry")]
    assert len(ids) == len(public.decisions) and all(i.startswith("https://example.github.io/ccpk/") for i in ids)
    sitemap = ET.parse(built_sample / "sitemap.xml").getroot()
    locs = {e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")}
    assert "https://example.github.io/ccpk/partners/" in locs and not any("404" in x for x in locs)
    assert (built_sample / ".nojekyll").exists()
    assert "Sitemap: https://example.github.io/ccpk/sitemap.xml" in (built_sample / "robots.txt").read_text()


def test_last_updated_comes_from_git(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": "2025-04-01T10:00:00Z",
           "GIT_COMMITTER_DATE": "2025-04-01T10:00:00Z", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = lambda *a: subprocess.run(["git", "-C", str(src), *a], check=True, capture_output=True, env=env)
    run("init", "-q")
    run("add", ".")
    run("commit", "-qm", "start")
    (src / "stakeholders" / "ministry.yml").write_text((src / "stakeholders" / "ministry.yml").read_text()
                                                       .replace("Ministry of Energy", "Ministry of Energy and Water"))
    env["GIT_COMMITTER_DATE"] = "2025-09-15T10:00:00Z"
    run("commit", "-qam", "rename")
    build(src, tmp_path / "out")
    assert '<time datetime="2025-09-15">September 15, 2025</time>' in _page(tmp_path / "out", "partners/ministry/")
    assert '<time datetime="2025-04-01">April 1, 2025</time>' in _page(tmp_path / "out", "partners/energy-fund/")


# -- the build command ---------------------------------------------------------------------

def _tree(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_build_refuses_unsafe_output_folders(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("precious")
    before = _tree(tmp_path)
    runner = CliRunner()
    for out, words in ((src, "is the partnership folder"), (tmp_path, "contains the partnership folder"),
                       (tmp_path / "mine", "not made by mspsite"), (src / "media" / "site", "media")):
        result = runner.invoke(cli, ["build", str(src), "-o", str(out)])
        assert result.exit_code == 1 and words in result.output, (out, result.output)
    assert _tree(tmp_path) == before


def test_failed_build_leaves_previous_site_and_content_untouched(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    runner = CliRunner()
    assert runner.invoke(cli, ["build", str(src)]).exit_code == 0
    site_before, content_before = _tree(src / "site"), {k: v for k, v in _tree(src).items() if not k.startswith("site/")}
    (src / "stakeholders" / "ministry.yml").write_text("name: [broken\n")
    content_before["stakeholders/ministry.yml"] = b"name: [broken\n"
    result = runner.invoke(cli, ["build", str(src)])
    assert result.exit_code == 1
    assert "stakeholders/ministry.yml:1:7: error: invalid YAML: the list started here with '[' is not closed" \
        in result.output and "previous site is unchanged" in result.output
    assert _tree(src / "site") == site_before
    assert {k: v for k, v in _tree(src).items() if not k.startswith("site/")} == content_before


def test_killed_build_leaves_previous_site_byte_identical(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(SAMPLE, src)
    out = tmp_path / "out"
    env = {**__import__("os").environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    subprocess.run([sys.executable, "-m", "mspsite", "build", str(src), "-o", str(out)], check=True, env=env,
                   capture_output=True)
    before = _tree(out)
    (src / "stakeholders" / "nuru-foundation.yml").write_text(
        (src / "stakeholders" / "nuru-foundation.yml").read_text().replace("Nuru", "Nuru Changed"))
    for delay in (0.3, 0.8, 1.2):
        proc = subprocess.Popen([sys.executable, "-m", "mspsite", "build", str(src), "-o", str(out)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL if delay != 0.8 else signal.SIGINT)
        proc.wait()
        if proc.returncode == 0:
            continue  # finished before the signal: nothing to check this round
        assert _tree(out) == before, f"killed after {delay} s"
    result = subprocess.run([sys.executable, "-m", "mspsite", "build", str(src), "-o", str(out)], env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "Nuru Changed" in _page(out, "partners/nuru-foundation/")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], "no temporary folders left"


def test_build_summary(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    result = CliRunner().invoke(cli, ["build", str(src)])
    assert result.exit_code == 0
    assert re.search(r"Built \d+ pages \(\d+ files, [\d.]+ MB\) into .*site in [\d.]+ s; 0 warnings\.", result.output)


def test_logo_colours_footer_and_template_overrides(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    (src / "media" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>')
    (src / "mspsite.yml").write_text((src / "mspsite.yml").read_text() + "logo: media/logo.svg\n"
                                     "colors: {primary: '#123456'}\nfooter: Hosted by *the secretariat*.\n")
    (src / "overrides").mkdir()
    (src / "overrides" / "stories.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>{{ _("Our own stories page") }}</h1>{% endblock %}')
    build(src, tmp_path / "out", history=False)
    home = _page(tmp_path / "out", "")
    assert '<img src="media/logo.svg" alt="" class="site-logo"' in home and (tmp_path / "out" / "media" / "logo.svg").is_file()
    assert "--brand: #123456;" in home
    assert "Hosted by <em>the secretariat</em>." in home
    assert "<h1>Our own stories page</h1>" in _page(tmp_path / "out", "stories/")


def test_broken_override_template_is_reported_with_its_location(tmp_path):
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    (src / "overrides").mkdir()
    (src / "overrides" / "stories.html").write_text('{% extends "base.html" %}\n{% block content %}\n{% if %}\n')
    result = CliRunner().invoke(cli, ["build", str(src)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"{src / 'overrides' / 'stories.html'}:3:1: error: template: " in result.output
    assert not (src / "site").exists()


def test_a_link_to_a_file_the_build_does_not_make_fails_the_build_at_the_template_line(tmp_path):
    """Reported where the link was made: the template line, not only the page; links one line
    makes in a loop are reported together."""
    src = tmp_path / "p"
    shutil.copytree(STARTER, src)
    (src / "overrides").mkdir()
    (src / "overrides" / "stories.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n<a href="{{ url(\'factors/no-such-factor/\') }}">x</a>\n'
        '{% for n in [1, 2] %}<a href="{{ url(\'nowhere/\' ~ n ~ \'/\') }}">{{ n }}</a>{% endfor %}\n'
        '<a href="{{ url(\'stories/\') }}">here</a>\n{% endblock %}\n')
    result = CliRunner().invoke(cli, ["build", str(src)])
    assert result.exit_code == 1 and not (src / "site").exists()
    hint = "(link to what the portal has: url() of an item or of a page it lists, asset() of a file in static/)"
    assert result.output.splitlines() == [
        f"{src}/overrides/stories.html:3:1: error: template links to factors/no-such-factor/index.html on page "
        f"stories/, a file the build does not make {hint}",
        f"{src}/overrides/stories.html:4:1: error: template links to 2 files the build does not make, such as "
        f"nowhere/1/index.html on page stories/ {hint}",
        "Error: not built: 2 errors, 0 warnings; the previous site is unchanged"]


def test_built_portal_publishes_the_iati_file(built_sample):
    import xmlschema

    xml = built_sample / "data" / "iati-activities.xml"
    schema = xmlschema.XMLSchema(str(ROOT / "mspsite" / "iati" / "data" / "schema" / "iati-activities-schema.xsd"))
    schema.validate(str(xml))
    assert 'href="iati-activities.xml"' in _page(built_sample, "data/")


def test_site_url_option_reaches_every_output(monkeypatch):
    """--site-url is resolved once, so the pages, sitemap, robots.txt, feeds and the IATI file all use it
    (the IATI file used to keep mspsite.yml's address)."""
    from mspsite.build import make_portal

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    staging = "https://staging.example.org/ccpk/"
    portal, _ = make_portal(resolve_settings(SAMPLE, site_url=staging, history=False, search=False))
    files = {rel: data.decode() for rel, data in portal.files.items()
             if rel.endswith((".html", ".xml", ".txt", ".json"))}
    # the old address is left only where the content itself gives it (a channel of partnership.yml) and in
    # the schema's example
    assert sorted(rel for rel, text in files.items() if "example.github.io" in text) == \
        ["about/index.html", "data/partnership.json", "data/schemas/mspsite.schema.json",
         "sw/about/index.html", "sw/data/partnership.json", "sw/data/schemas/mspsite.schema.json"]
    assert files["about/index.html"].count("example.github.io") == 1
    assert f'<link rel="canonical" href="{staging}">' in files["index.html"]
    assert f"<loc>{staging}stories/</loc>" in files["sitemap.xml"]
    assert f"Sitemap: {staging}sitemap.xml" in files["robots.txt"]
    assert f'href="{staging}feeds/stories.xml"' in files["feeds/stories.xml"]
    assert f'url="{staging}reports/annual-2024/"' in files["data/iati-activities.xml"]


def test_long_lists_are_split_into_pages_and_each_page_stays_small(monkeypatch):
    """250 decisions: the decision log is 3 pages of at most 100, linked to each other; the all-pages
    list is split too. Nothing is left out: every decision is on exactly one page of the log."""
    import dataclasses

    from mspsite.plan import PAGE_SIZE
    from mspsite.render import Renderer
    from mspsite.theme import load_theme

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    settings = resolve_settings(SAMPLE, clearance="internal", history=False)
    model = load(settings)
    many = tuple(dataclasses.replace(model.decisions[i % len(model.decisions)], id=f"decision-{i:03d}")
                 for i in range(250))
    site = plan_site(dataclasses.replace(model, decisions=many), settings, lambda s: s)
    pages = {pg.url: pg for pg in site.pages}
    log = [pages[u] for u in ("governance/decisions/", "governance/decisions/page/2/",
                              "governance/decisions/page/3/")]
    assert "governance/decisions/page/4/" not in pages
    assert [len(pg.context["listed"]) for pg in log] == [PAGE_SIZE, PAGE_SIZE, 50]
    assert [d.id for pg in log for d in pg.context["listed"]] == [d.id for d in many]
    assert log[1].title == "Decision log, page 2" and log[1].parents[-1] == ("Decision log", "governance/decisions/")
    html = Renderer(site, load_theme("portal", SAMPLE)).page(log[1]).html.decode()
    assert '<a href="../../index.html" rel="prev">Previous page</a>' in html
    assert '<span aria-current="page">2</span>' in html and '<a href="../3/index.html" rel="next">' in html
    assert len(html.encode()) < 150_000 and html.count('<tr data-body=') == PAGE_SIZE
    listed = [pg.url for u, pg in pages.items() if u.startswith("sitemap/") for pg in pg.context["listed"]]
    assert len(listed) == len(site.pages) - 2 and len(set(listed)) == len(listed)   # all but 404 and itself


def test_home_page_shows_a_fixed_number_of_headline_results(monkeypatch):
    """40 goals: six headline cards (six charts), and a link to all of them, not 40 charts."""
    import dataclasses

    from mspsite.render import Renderer
    from mspsite.theme import load_theme

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    settings = resolve_settings(SAMPLE, history=False)
    model = load(settings)
    goals = tuple(dataclasses.replace(model.goals[i % len(model.goals)], id=f"goal-{i:02d}") for i in range(40))
    site = plan_site(dataclasses.replace(model, goals=goals), settings, lambda s: s)
    html = Renderer(site, load_theme("portal", SAMPLE)).page(site.pages[0]).html.decode()
    assert html.count('class="card result-card"') == 6
    assert '<a href="goals/index.html">All 40 goals and their results</a>' in html
