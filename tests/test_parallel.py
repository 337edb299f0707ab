"""Pages rendered by forked workers give the same site, byte for byte, as page by page, and a
page that fails in a worker fails the build with the same located error. Run in a child
process: forking is only done from a process without other threads, which a test worker is not."""

import subprocess
import sys
import textwrap

from conftest import SOURCE_DATE_EPOCH, edited_starter

SCRIPT = textwrap.dedent("""
    import os, shutil, sys, tempfile
    from pathlib import Path
    from mspsite import parallel, resolve_settings
    from mspsite.build import make_portal
    from mspsite.errors import ContentError

    parallel.MIN_PAGES = 1          # the partnership is small: use the workers anyway
    sample = Path(sys.argv[1])

    def portal(src, jobs):
        return make_portal(resolve_settings(src, history=False, search=False, jobs=jobs))[0]

    def same(one, two):
        assert list(one.files) == list(two.files), "the same files in the same order"
        assert [rel for rel in one.files if one.files[rel] != two.files[rel]] == []
        assert list(one.copies) == list(two.copies) and one.links == two.links

    def fresh(name):   # a copy without the page cache: every page is rendered
        shutil.copytree(sample, Path(tmp) / name, ignore=shutil.ignore_patterns(".mspsite-cache", "site"))
        return Path(tmp) / name

    def edit(src):
        story = src / "stories" / "first-steps.md"
        story.write_text(story.read_text() + "\\nOne more line.\\n")

    with tempfile.TemporaryDirectory() as tmp:
        one, two = portal(fresh("one"), 1), portal(fresh("two"), 2)
        assert parallel.jobs_for(len(two.site.pages), 2) == 2 and two.reused == 0
        same(one, two)
        edit(Path(tmp) / "one")
        edit(Path(tmp) / "two")
        one = portal(Path(tmp) / "one", 1)
        two = portal(Path(tmp) / "two", 2)   # the workers render what changed, the rest is kept
        assert 0 < two.reused < two.pages - 1, two.reused
        same(one, two)

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "p"
        shutil.copytree(sample, src)
        (src / "overrides").mkdir()
        (src / "overrides" / "about.html").write_text('{% extends "base.html" %}{% block content %}\\n'
                                                      '{{ progress() }}{% endblock %}')
        try:
            portal(src, 2)
            raise AssertionError("built")
        except ContentError as exc:
            error = exc.report.format("text")
        assert error.startswith("overrides/about.html:2:1: error: template: rendering about/ failed: progress() "
                                "missing 1 required positional argument"), error
    print("same")
""")


def test_workers_render_the_same_site_as_page_by_page(tmp_path):
    # the starter in two languages: small, so three builds stay quick; both portals go through the workers
    partnership = edited_starter(tmp_path / "p", {"mspsite.yml": [("languages: [en]", "languages: [en, fr]")]})
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(partnership)], capture_output=True, text=True,
                            timeout=300, env={**__import__("os").environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH})
    assert result.returncode == 0 and result.stdout.strip() == "same", result.stdout + result.stderr


def test_no_workers_where_forking_is_unsafe_or_not_worth_it(monkeypatch):
    from mspsite import parallel

    assert parallel.jobs_for(10_000, 1) == 1
    assert parallel.jobs_for(parallel.MIN_PAGES - 1, 4) == 1
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)
    assert parallel.jobs_for(10_000, 4) == 4
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 3)   # serve's watcher and server threads
    assert parallel.jobs_for(10_000, 4) == 1
