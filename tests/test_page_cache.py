"""Pages kept from the last build: a build that takes pages from the cache makes the same portal,
byte for byte, as one that renders every page, whatever was edited in between; only the pages
an edit touches are rendered again; a cache that came with the content is never used."""

import random
import shutil
import sqlite3
import subprocess
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st

from conftest import SOURCE_DATE_EPOCH, edited_starter
from mspsite import resolve_settings
from mspsite.build import make_portal
from mspsite.cache import CACHE
from mspsite.errors import ContentError
from mspsite.pagecache import DATABASE
from mspsite.render import render_site
from mspsite.theme import load_theme


def bilingual_starter(dest: Path) -> Path:
    """The starter in English and French, one story translated: small, so many builds stay quick."""
    src = edited_starter(dest, {"mspsite.yml": [("languages: [en]", "languages: [en, fr]")]})
    (src / "stories" / "first-steps.fr.md").write_text("---\ntitle: Nos premiers pas\n---\nLe récit du partenariat.\n")
    return src


@pytest.fixture
def src(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    return bilingual_starter(tmp_path / "p")


def cached_and_clean(src: Path, clearance: str = "public"):
    """The portal as a build with the page cache makes it, and each language's pages rendered
    without the cache (the partnership has two languages)."""
    cached, _ = make_portal(resolve_settings(src, clearance=clearance, history=False, search=False, pdf=False))
    theme = load_theme(cached.site.settings.site.theme, src)
    return cached, [(version, render_site(version.site, theme)) for version in cached.versions]


def assert_same(cached, cleans) -> None:
    assert len(cleans) == len(cached.site.settings.site.languages) == 2
    for version, clean in cleans:
        assert [f for f in clean.files if version.files[f] != clean.files[f]] == []
        assert version.copies == clean.copies
        assert version.links == clean.links   # the same files linked, each at the same template line


def test_a_second_build_renders_nothing_and_makes_the_same_pages(src):
    first, clean = cached_and_clean(src)
    assert first.reused == 0
    assert_same(first, clean)
    again, clean = cached_and_clean(src)
    assert again.reused == again.pages > 40
    assert_same(again, clean)
    assert again.files == first.files


def test_an_edit_renders_the_pages_that_show_what_changed_and_no_others(src):
    first, _ = cached_and_clean(src)
    decision = src / "decisions" / "first-work-plan.md"
    decision.write_text(decision.read_text().replace("title: ", "title: Revised ", 1))
    cached, clean = cached_and_clean(src)
    assert_same(cached, clean)
    changed = [f for f in cached.files if f.endswith(".html") and cached.files[f] != first.files.get(f)]
    assert "governance/decisions/first-work-plan/index.html" in changed
    assert b"Revised " in cached.files["governance/decisions/first-work-plan/index.html"]
    rendered = cached.pages - cached.reused
    assert len(changed) <= rendered < cached.pages // 2


def test_a_stakeholder_renamed_changes_every_page_that_names_it(src):
    cached_and_clean(src)
    stakeholder = next((src / "stakeholders").glob("*.yml"))
    text = stakeholder.read_text()
    name = next(line for line in text.splitlines() if line.startswith("name: "))[len("name: "):].strip().strip('"')
    stakeholder.write_text(text.replace(f"name: {name}", "name: Renamed Partner Organisation", 1)
                           .replace(f'name: "{name}"', "name: Renamed Partner Organisation", 1))
    cached, clean = cached_and_clean(src)
    assert_same(cached, clean)
    showing = [f for f, html in cached.files.items() if b"Renamed Partner Organisation" in html]
    assert len(showing) > 3 and cached.reused > 0


def test_a_committed_cache_is_not_used(src):
    """Everything in the folder arrives by pull request: a cache in git could hold any HTML."""
    cached_and_clean(src)
    with sqlite3.connect(src / CACHE / DATABASE) as db:
        db.execute("UPDATE pages SET html = ?", (zlib.compress(b"<script>alert(1)</script>"),))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(src)]
    subprocess.run(["git", "init", "-q", str(src)], check=True)
    subprocess.run([*git, "add", "-f", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "with a cache"], check=True)
    cached, clean = cached_and_clean(src)
    assert cached.reused == 0
    assert_same(cached, clean)
    assert not any(b"alert(1)" in html for html in cached.files.values())


def test_a_cache_left_by_hand_outside_git_is_checked_page_by_page(src):
    """A poisoned cache outside git is the machine owner's own doing, but a row whose inputs do
    not match is still never used: the key covers the page's plan entry and every digest."""
    cached_and_clean(src)
    with sqlite3.connect(src / CACHE / DATABASE) as db:
        db.execute("UPDATE pages SET key = 'x'")
    cached, clean = cached_and_clean(src)
    assert cached.reused == 0
    assert_same(cached, clean)


def test_a_failed_build_leaves_the_cache_as_the_last_good_build_left_it(src):
    cached_and_clean(src)
    (src / "overrides").mkdir()
    (src / "overrides" / "about.html").write_text('{% extends "base.html" %}{% block content %}{{ progress() }}'
                                                 '{% endblock %}')
    story = src / "stories" / "first-steps.md"
    story.write_text(story.read_text() + "\nA new closing line.\n")
    with pytest.raises(ContentError):
        cached_and_clean(src)
    (src / "overrides" / "about.html").unlink()
    cached, clean = cached_and_clean(src)
    assert_same(cached, clean)
    assert b"A new closing line." in cached.files["stories/first-steps/index.html"]


# -- random edit sequences ----------------------------------------------------------------------

def _retitle(src: Path, rnd: random.Random, n: int) -> None:
    files = sorted(p for p in src.rglob("*") if p.suffix in (".md", ".yml") and CACHE not in p.parts
                   and p.name not in ("mspsite.yml",))
    path = rnd.choice(files)
    lines = path.read_text().splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(("title: ", "name: ")) and not line.rstrip().endswith((">", "|", ">-")):
            key, value = line.split(": ", 1)
            value = value.strip()
            quote = value[0] if value[:1] in "'\"" else ""
            lines[i] = f"{key}: {quote}{value.strip(quote)} v{n}{quote}\n"
            break
    path.write_text("".join(lines))


def _append(src: Path, rnd: random.Random, n: int) -> None:
    path = rnd.choice(sorted(p for p in src.rglob("*.md") if CACHE not in p.parts and p.name != "README.md"))
    path.write_text(path.read_text() + f"\nAdded paragraph {n}, see [the glossary](../glossary.yml).\n")


def _remove(src: Path, rnd: random.Random, n: int) -> None:
    folder = src / rnd.choice(["stories", "lessons", "events"])
    files = sorted(folder.glob("*.md"))
    if files:
        rnd.choice(files).unlink()


def _add(src: Path, rnd: random.Random, n: int) -> None:
    story = rnd.choice(sorted(p for p in (src / "stories").glob("*.md") if p.name.count(".") == 1) or [None])
    if story:
        text = story.read_text().replace("title: ", f"title: Another {n} ", 1)
        (src / "stories" / f"another-{n}.md").write_text(text)


def _hide(src: Path, rnd: random.Random, n: int) -> None:
    files = sorted(p for p in (src / "lessons").glob("*.md") if "visibility:" not in p.read_text())
    if files:
        path = rnd.choice(files)
        path.write_text(path.read_text().replace("---\n", "---\nvisibility: partners\n", 1))


def _glossary(src: Path, rnd: random.Random, n: int) -> None:
    path = src / "glossary.yml"
    path.write_text(path.read_text().replace("terms:\n", f"terms:\n  - term: Woodlands {n}\n"
                                             "    definition: Forests outside reserves.\n", 1))


def _media(src: Path, rnd: random.Random, n: int) -> None:
    files = sorted(p for p in (src / "media").rglob("*") if p.is_file())
    if files:
        rnd.choice(files).unlink()


EDITS = [_retitle, _append, _remove, _add, _hide, _glossary, _media]


@hypothesis_settings(max_examples=5, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 2**16),
                                st.sampled_from(["public", "partners"])), min_size=1, max_size=3))
def test_after_any_edits_the_cached_build_equals_a_clean_one(tmp_path_factory, steps):
    src = bilingual_starter(tmp_path_factory.mktemp("edits") / "p")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        cached_and_clean(src)
        for n, (edit, seed, clearance) in enumerate(steps):
            edit(src, random.Random(seed), n)
            try:
                cached, clean = cached_and_clean(src, clearance)
            except ContentError:   # the edit broke a reference: a failed build, then the next edit
                continue
            assert_same(cached, clean)
