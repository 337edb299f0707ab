"""The search index's temporary folder: it holds every rendered page, so no build may leave it behind.

Each test has its own TMPDIR, so builds in parallel tests never see each other's folders. The processes are
ordered through pipes: a build stops where the index would be made, tells the test, and waits."""

from __future__ import annotations

import gzip
import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from mspsite.outputs import search
from mspsite.scaffold import create_starter

# Stops inside mspsite.outputs.search where Pagefind would run (every page is written into the folder by then).
PAUSE = r"""
import os, sys
import mspsite.outputs.search as search

ready, go = int(sys.argv[1]), int(sys.argv[2])

def paused(command, cwd):
    os.write(ready, b"x")
    os.read(go, 1)
    raise SystemExit("the test ended without stopping the build")

search._run_pagefind = paused
"""
BUILD = PAUSE + r"""
from mspsite.cli import main
sys.argv = ["mspsite", "build", *sys.argv[3:]]
main()
"""
INDEX = PAUSE + r"""
search.index_pages({"a/index.html": b"<main data-pagefind-body><p>Charcoal</p></main>"}, "en")
"""
PAGE = b'<html lang="en"><body><main data-pagefind-body><h1>Charcoal</h1><p>Clean stoves.</p></main></body></html>'


class Paused:
    """A child process stopped where Pagefind would run."""

    def __init__(self, script: str, temp: Path, *args: str):
        ready_r, ready_w = os.pipe()
        go_r, self._go = os.pipe()
        self.process = subprocess.Popen([sys.executable, "-c", script, str(ready_w), str(go_r), *args],
                                        env={**os.environ, "TMPDIR": str(temp)}, pass_fds=(ready_w, go_r),
                                        stderr=subprocess.PIPE, text=True)
        os.close(ready_w)
        os.close(go_r)
        try:
            # a guard against a hang, not a measure: the child normally gets there in a few seconds
            readable, _, _ = select.select([ready_r], [], [], 300)
            assert readable and os.read(ready_r, 1) == b"x", "the build ended before the search index"
        finally:
            os.close(ready_r)

    def stop(self, signum: int) -> str:
        """Send signum, wait for the end; the child's standard error."""
        self.process.send_signal(signum)
        _, err = self.process.communicate()
        return err

    def close(self) -> None:
        os.close(self._go)
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


def folders(temp: Path) -> list[str]:
    return sorted(name for name in os.listdir(temp) if name.startswith(search.PREFIX))


@pytest.fixture
def temp(tmp_path: Path) -> Path:
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


def test_sigterm_while_indexing_leaves_no_pages_behind(tmp_path: Path, temp: Path):
    starter = tmp_path / "starter"
    create_starter(starter)
    out = tmp_path / "site"
    build = Paused(BUILD, temp, str(starter), "-o", str(out))
    try:
        [folder] = folders(temp)   # really while indexing: the pages are there
        assert (temp / folder / "site" / "index.html").is_file()
        assert (os.stat(temp / folder).st_mode & 0o777) == 0o700
        err = build.stop(signal.SIGTERM)
    finally:
        build.close()
    assert build.process.returncode == 128 + signal.SIGTERM
    assert err.splitlines()[-1] == "mspsite: interrupted; the previous site is unchanged"
    assert folders(temp) == []
    assert not out.exists()


def test_killed_builds_folder_is_removed_by_the_next_and_a_live_ones_kept(temp: Path, monkeypatch):
    killed = Paused(INDEX, temp)
    try:
        [stale] = folders(temp)
        killed.stop(signal.SIGKILL)   # no cleanup can run: the folder stays
    finally:
        killed.close()
    assert killed.process.returncode == -signal.SIGKILL
    assert folders(temp) == [stale]
    # left by a version that used tempfile.TemporaryDirectory (no lock), and names that are not ours
    (temp / "mspsite-search-ab_cd123" / "site").mkdir(parents=True)
    for name in ("mspsite-search-keep", "mspsite-search-0123abcd9", "other-0123abcd"):
        (temp / name).mkdir()
    (temp / "mspsite-search-11111111").symlink_to(temp / "other-0123abcd")

    live = Paused(INDEX, temp)
    try:
        [mine] = set(folders(temp)) - {stale, "mspsite-search-ab_cd123", "mspsite-search-keep",
                                        "mspsite-search-0123abcd9", "mspsite-search-11111111"}
        monkeypatch.setattr(tempfile, "tempdir", str(temp))
        files = search.index_pages({"charcoal/index.html": PAGE}, "en")
        assert "pagefind/pagefind.js" in files   # a real index was made
        assert folders(temp) == sorted([mine, "mspsite-search-0123abcd9", "mspsite-search-11111111",
                                        "mspsite-search-keep"])
        assert (temp / mine / "site" / "a" / "index.html").is_file()   # the live build's pages are intact
        assert (temp / "other-0123abcd").is_dir()   # not followed through the link
    finally:
        live.close()


def fragment_text(files: dict[str, bytes]) -> str:
    """The text of the index's page fragments (gzipped JSON, as a browser gets them)."""
    return "".join(gzip.decompress(data).decode("utf-8", "replace")
                   for rel, data in files.items() if rel.endswith(".pf_fragment"))


def test_pagefind_runs_apart_from_where_the_build_was_started(tmp_path: Path, monkeypatch):
    """A build started in the partnership folder (untrusted) neither runs a pagefind.py found there
    (`python -m` imports from the current folder first) nor takes Pagefind settings from it."""
    started_in = tmp_path / "partnership"
    started_in.mkdir()
    (started_in / "pagefind.py").write_text("raise SystemExit('a module of the partnership ran')\n")
    (started_in / "pagefind.json").write_text('{"exclude_selectors": ["p"]}')
    monkeypatch.chdir(started_in)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    files = search.index_pages({"charcoal/index.html": PAGE}, "en")
    assert "pagefind/pagefind.js" in files
    assert "Clean stoves." in fragment_text(files)   # the <p> was indexed


def test_pagefind_returns_freed_memory_at_once(tmp_path: Path, monkeypatch):
    """The setting reaches Pagefind's allocator: jemalloc's own statistics, printed at its exit, show it
    in force. Freed memory kept 10 s (its default) would be ~250 MB more at 10,000 pages."""
    name, _ = search.ALLOCATOR
    monkeypatch.delenv(name, raising=False)
    env = search.pagefind_env()
    env[name] += ",stats_print:true"
    (tmp_path / "site" / "charcoal").mkdir(parents=True)
    (tmp_path / "site" / "charcoal" / "index.html").write_bytes(PAGE)
    result = subprocess.run([sys.executable, "-m", "pagefind", "--site", "site", "--output-path", "out"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "opt.dirty_decay_ms: 0 " in result.stderr and "opt.muzzy_decay_ms: 0 " in result.stderr
    monkeypatch.setenv(name, "narenas:1")
    assert search.pagefind_env()[name] == "narenas:1"   # one's own setting is kept


def test_an_unchanged_portal_keeps_its_search_index_and_an_edit_makes_it_again(tmp_path: Path, monkeypatch):
    from mspsite import build
    from mspsite.cache import CACHE

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795824000")
    src = tmp_path / "p"
    create_starter(src)
    made = []
    real = search.index_pages
    monkeypatch.setattr(search, "index_pages", lambda files, language: made.append(len(files)) or real(files, language))

    def index(out: Path) -> dict[str, bytes]:
        return {p.relative_to(out).as_posix(): p.read_bytes() for p in (out / "pagefind").rglob("*") if p.is_file()}

    build(src, tmp_path / "a", history=False)
    build(src, tmp_path / "b", history=False)   # another output folder: built, but the pages are the same
    assert len(made) == 1 and index(tmp_path / "a") == index(tmp_path / "b") != {}
    story = next((src / "stories").glob("*.md"))
    story.write_text(story.read_text() + "\nThe word quetzalcoatl.\n")
    build(src, tmp_path / "c", history=False)
    assert len(made) == 2 and index(tmp_path / "c") != index(tmp_path / "a")
    for kept in (src / CACHE).glob("search-*.zip"):   # a damaged cache is not used: the index is made again
        kept.write_bytes(b"not a zip")
    build(src, tmp_path / "d", history=False)
    assert len(made) == 3 and index(tmp_path / "d") == index(tmp_path / "c")
