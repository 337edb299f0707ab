"""The write stage: atomic replacement of the output folder, refusals, and recovery from killed builds."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import select
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mspsite import write
from mspsite.errors import MspsiteError
from mspsite.folder import BUILD_MARKER
from mspsite.render import RenderedSite
from mspsite.write import WriteStats, check_output, write_site


def tree(root: Path) -> dict[str, object]:
    """Everything under root, without following links: files -> bytes, folders -> '<dir>', links -> target."""
    found: dict[str, object] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                found[rel] = f"-> {os.readlink(path)}"
            elif path.is_dir():
                found[rel] = "<dir>"
            else:
                found[rel] = path.read_bytes()
    return found


def siblings(out: Path) -> list[str]:
    """Our temporary or replaced folders next to out."""
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


@pytest.fixture
def src(tmp_path: Path) -> Path:
    src = tmp_path / "partnership"
    (src / "media").mkdir(parents=True)
    (src / "media" / "logo.png").write_bytes(b"\x89PNG fake logo")
    (src / "media" / "report.pdf").write_bytes(b"%PDF-1.7 fake report")
    (src / "mspsite.yml").write_text("title: Test\n")
    return src


def sample_site(src: Path, version: str = "one") -> RenderedSite:
    return RenderedSite(
        files={
            "index.html": f"<h1>home {version}</h1>".encode(),
            "partners/moe/index.html": f"<h1>ministry {version}</h1>".encode(),
            f"only-in-{version}/index.html": b"<p>version-specific page</p>",
        },
        copies={"media/logo.png": src / "media" / "logo.png", "media/report.pdf": src / "media" / "report.pdf"},
    )


# --- writing ---------------------------------------------------------------------------------------------

def test_writes_files_copies_and_marker(src: Path):
    out = src / "site"  # the default: inside the partnership folder is allowed
    stats = write_site(sample_site(src), out, src)
    assert tree(out) == {
        BUILD_MARKER: write.MARKER_TEXT,
        "index.html": b"<h1>home one</h1>",
        "partners": "<dir>",
        "partners/moe": "<dir>",
        "partners/moe/index.html": b"<h1>ministry one</h1>",
        "only-in-one": "<dir>",
        "only-in-one/index.html": b"<p>version-specific page</p>",
        "media": "<dir>",
        "media/logo.png": b"\x89PNG fake logo",
        "media/report.pdf": b"%PDF-1.7 fake report",
    }
    assert write.MARKER_TEXT.startswith(b"This folder was made by mspsite")
    assert stats == WriteStats(files=5, bytes=sum(len(v) for k, v in tree(out).items()
                                                  if isinstance(v, bytes) and k != BUILD_MARKER))
    assert siblings(out) == []


def test_output_folder_honours_umask(src: Path):
    """The temporary folder becomes the published one, so it must not keep a private 0700 mode."""
    out = src / "site"
    write_site(sample_site(src), out, src)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask


def test_rewrite_replaces_old_content_completely(src: Path):
    out = src / "site"
    write_site(sample_site(src, "one"), out, src)
    (out / "stray.txt").write_text("left by hand in a folder mspsite owns")
    write_site(sample_site(src, "two"), out, src)
    assert not (out / "only-in-one").exists()
    assert not (out / "stray.txt").exists()
    assert (out / "only-in-two" / "index.html").exists()
    assert (out / "index.html").read_bytes() == b"<h1>home two</h1>"
    assert siblings(out) == []


def test_identical_input_gives_identical_tree(src: Path, tmp_path: Path):
    first, second = tmp_path / "first", tmp_path / "second"
    write_site(sample_site(src), first, src)
    time.sleep(0.01)
    write_site(sample_site(src), second, src)
    assert tree(first) == tree(second)
    write_site(sample_site(src), first, src)
    assert tree(first) == tree(second)


def test_unchanged_files_keep_their_time_and_changed_ones_are_new(src: Path):
    """A rebuild links what did not change from the previous site: same inode and modification
    time; what changed, and every media file whose source changed, is written anew."""
    out = src / "site"
    write_site(sample_site(src, "one"), out, src)
    before = {rel: os.stat(out / rel) for rel in ("partners/moe/index.html", "only-in-one/index.html",
                                                   "media/logo.png", "media/report.pdf")}
    time.sleep(0.02)
    (src / "media" / "report.pdf").write_bytes(b"%PDF-1.7 a new report")
    site = sample_site(src, "one")
    site.files["partners/moe/index.html"] = b"<h1>ministry, edited</h1>"
    write_site(site, out, src)
    after = {rel: os.stat(out / rel) for rel in before}
    kept = sorted(rel for rel in before if (after[rel].st_ino, after[rel].st_mtime_ns) ==
                  (before[rel].st_ino, before[rel].st_mtime_ns))
    assert kept == ["media/logo.png", "only-in-one/index.html"]
    assert (out / "partners/moe/index.html").read_bytes() == b"<h1>ministry, edited</h1>"
    assert (out / "media/report.pdf").read_bytes() == b"%PDF-1.7 a new report"
    assert siblings(out) == []


def test_a_previous_file_made_a_symbolic_link_is_not_followed(src: Path, tmp_path: Path):
    out = src / "site"
    write_site(sample_site(src, "one"), out, src)
    secret = tmp_path / "secret.html"
    secret.write_bytes(b"<h1>home one</h1>")   # the same bytes as the page: still never linked to
    (out / "index.html").unlink()
    (out / "index.html").symlink_to(secret)
    write_site(sample_site(src, "one"), out, src)
    assert not (out / "index.html").is_symlink() and os.stat(out / "index.html").st_ino != os.stat(secret).st_ino


def test_empty_existing_folder_and_missing_parents_are_fine(src: Path, tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    write_site(sample_site(src), empty, src)
    assert (empty / BUILD_MARKER).is_file()
    deep = tmp_path / "build" / "output" / "site"
    write_site(sample_site(src), deep, src)
    assert (deep / "index.html").is_file()


def test_relative_and_dotted_output_paths(src: Path, monkeypatch):
    monkeypatch.chdir(src)
    write_site(sample_site(src), Path("site/../site"), Path("."))
    assert (src / "site" / "index.html").is_file()
    assert siblings(src / "site") == []


def test_exchange_is_used_on_linux(src: Path, monkeypatch):
    if write._renameat2 is None:
        pytest.skip("no renameat2 here")
    results = []
    real = write._exchange
    monkeypatch.setattr(write, "_exchange", lambda a, b: results.append(real(a, b)) or results[-1])
    out = src / "site"
    write_site(sample_site(src, "one"), out, src)
    write_site(sample_site(src, "two"), out, src)
    assert results == [True]  # the first write had nothing to exchange with
    assert (out / "index.html").read_bytes() == b"<h1>home two</h1>"


def fake_renameat2(code: int):
    def renameat2(*args):
        ctypes.set_errno(code)
        return -1
    return renameat2


@pytest.mark.parametrize("renameat2", [None, fake_renameat2(errno.ENOSYS), fake_renameat2(errno.EINVAL)],
                         ids=["no-symbol", "ENOSYS", "EINVAL"])
def test_fallback_swap_without_renameat2(src: Path, monkeypatch, renameat2):
    monkeypatch.setattr(write, "_renameat2", renameat2)
    out = src / "site"
    write_site(sample_site(src, "one"), out, src)
    write_site(sample_site(src, "two"), out, src)
    assert (out / "index.html").read_bytes() == b"<h1>home two</h1>"
    assert not (out / "only-in-one").exists()
    assert siblings(out) == []


def test_exchange_error_leaves_out_untouched(src: Path, monkeypatch):
    out = src / "site"
    write_site(sample_site(src, "one"), out, src)
    before = tree(out)
    monkeypatch.setattr(write, "_renameat2", fake_renameat2(errno.EACCES))
    with pytest.raises(MspsiteError, match="could not write the site to .*Permission denied"):
        write_site(sample_site(src, "two"), out, src)
    assert tree(out) == before
    assert siblings(out) == []


# --- refusals --------------------------------------------------------------------------------------------

def make_symlink(tmp_path: Path, src: Path) -> Path:
    real = tmp_path / "real-site"
    real.mkdir()
    (real / BUILD_MARKER).write_bytes(write.MARKER_TEXT)
    (tmp_path / "link").symlink_to(real)
    return tmp_path / "link"


def make_foreign(tmp_path: Path, src: Path) -> Path:
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "thesis.docx").write_bytes(b"years of work")
    return tmp_path / "documents"


def make_file(tmp_path: Path, src: Path) -> Path:
    (tmp_path / "site.txt").write_text("a file")
    return tmp_path / "site.txt"


REFUSALS = {
    "same-as-src": (lambda tmp_path, src: src, "is the partnership folder itself"),
    "same-as-src-dotted": (lambda tmp_path, src: src / "media" / "..", "is the partnership folder itself"),
    "contains-src": (lambda tmp_path, src: tmp_path, "contains the partnership folder"),
    "media-itself": (lambda tmp_path, src: src / "media", "inside the media folder"),
    "inside-media": (lambda tmp_path, src: src / "media" / "site", "inside the media folder"),
    "symlink": (make_symlink, "is a symbolic link"),
    "foreign-folder": (make_foreign, "was not made by mspsite"),
    "file": (make_file, "is a file, not a folder"),
}


@pytest.mark.parametrize("case", REFUSALS, ids=list(REFUSALS))
def test_refusals(tmp_path: Path, src: Path, case: str):
    make_out, message = REFUSALS[case]
    out = make_out(tmp_path, src)
    before = tree(tmp_path)
    with pytest.raises(MspsiteError, match=message):
        check_output(src, out)
    with pytest.raises(MspsiteError, match=message) as raised:
        write_site(sample_site(src), out, src)
    assert "--output" in raised.value.message  # says what to do
    assert tree(tmp_path) == before


def test_marker_makes_a_non_empty_folder_ours(tmp_path: Path, src: Path):
    out = make_foreign(tmp_path, src)
    (out / BUILD_MARKER).write_bytes(write.MARKER_TEXT)
    check_output(src, out)


@pytest.mark.parametrize("where", ["outside", "inside"])
def test_symlink_copy_source_is_refused(tmp_path: Path, src: Path, where: str):
    secret = tmp_path / "secret.pdf" if where == "outside" else src / "private.pdf"
    secret.write_bytes(b"private")
    (src / "media" / "annex.pdf").symlink_to(secret)
    site = RenderedSite(files={"index.html": b"x"}, copies={"media/annex.pdf": src / "media" / "annex.pdf"})
    before = tree(tmp_path)
    with pytest.raises(MspsiteError, match=r"annex\.pdf: refusing to publish a symbolic link"):
        write_site(site, src / "site", src)
    assert tree(tmp_path) == before


def test_copy_source_outside_src_is_refused(tmp_path: Path, src: Path):
    (tmp_path / "elsewhere.png").write_bytes(b"png")
    site = RenderedSite(files={}, copies={"media/x.png": tmp_path / "elsewhere.png"})
    with pytest.raises(MspsiteError, match="outside the partnership folder"):
        write_site(site, src / "site", src)
    assert not (src / "site").exists()


@pytest.mark.parametrize("rel", ["../escape.html", "/etc/passwd", "a/../../b", "", ".", BUILD_MARKER])
def test_unsafe_output_paths_are_refused(src: Path, rel: str):
    with pytest.raises(MspsiteError, match="not a plain relative path"):
        write_site(RenderedSite(files={rel: b"x"}, copies={}), src / "site", src)
    assert not (src / "site").exists()
    assert siblings(src / "site") == []


# --- failures during a write -----------------------------------------------------------------------------

@pytest.fixture
def previous(src: Path) -> tuple[Path, dict]:
    """An existing site, and its content to compare with after a failed write."""
    out = src / "site"
    write_site(sample_site(src, "one"), out, src)
    return out, tree(out)


def test_missing_copy_source_leaves_out_untouched(src: Path, previous):
    out, before = previous
    site = sample_site(src, "two")
    site.copies["media/gone.pdf"] = src / "media" / "gone.pdf"
    with pytest.raises(MspsiteError, match=r"gone\.pdf: the file to copy .* is missing"):
        write_site(site, out, src)
    assert tree(out) == before
    assert siblings(out) == []


@pytest.mark.parametrize("failure", [RuntimeError("boom"), KeyboardInterrupt(), OSError(errno.ENOSPC, "No space")],
                         ids=["error", "ctrl-c", "disk-full"])
def test_failure_mid_write_leaves_out_untouched(src: Path, previous, monkeypatch, failure):
    out, before = previous
    real_writer, written = write._writer, []

    def failing_writer(path, content):
        if len(written) == 2:
            raise failure
        real_writer(path, content)
        written.append(path)
    monkeypatch.setattr(write, "_writer", failing_writer)
    expected = MspsiteError if isinstance(failure, OSError) else type(failure)
    with pytest.raises(expected):
        write_site(sample_site(src, "two"), out, src)
    assert len(written) == 2
    assert tree(out) == before
    assert siblings(out) == []


def test_interrupt_between_fallback_renames_restores_out(src: Path, previous, monkeypatch):
    out, before = previous
    monkeypatch.setattr(write, "_renameat2", None)

    def interrupt():
        assert not out.exists()  # really between the two renames
        raise KeyboardInterrupt
    monkeypatch.setattr(write, "_pause_between_renames", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_site(sample_site(src, "two"), out, src)
    assert tree(out) == before
    assert siblings(out) == []


# --- leftovers of killed builds --------------------------------------------------------------------------

def test_stale_temporary_folders_are_removed_and_lookalikes_kept(src: Path, previous):
    out, _ = previous
    stale = src / ".site.tmp-0123abcd"
    (stale / "deep").mkdir(parents=True)
    (stale / "deep" / "page.html").write_text("half a site")
    stale_old = src / ".site.old-89abcdef"
    stale_old.mkdir()
    lookalikes = [".site.tmp-notours", ".site.tmp-0123abcd9", ".other.tmp-0123abcd", "site.tmp-0123abcd"]
    for name in lookalikes:
        (src / name).mkdir()
        (src / name / "keep.txt").write_text("not mspsite's")
    write_site(sample_site(src, "two"), out, src)
    assert not stale.exists() and not stale_old.exists()
    assert all((src / name / "keep.txt").exists() for name in lookalikes)


def test_recovery_renames_the_single_old_site_back(src: Path, previous):
    out, before = previous
    old = src / ".site.old-0badcafe"
    out.rename(old)
    broken = RenderedSite(files={}, copies={"missing.pdf": src / "missing.pdf"})
    with pytest.raises(MspsiteError, match="missing"):
        write_site(broken, out, src)  # fails after recovery, so the restored site is what we see
    assert tree(out) == before
    assert not old.exists()


def test_no_recovery_when_ambiguous(src: Path, previous):
    out, before = previous
    out.rename(src / ".site.old-00000001")
    (src / ".site.old-00000002").mkdir()
    write_site(sample_site(src, "two"), out, src)
    assert (out / "only-in-two").exists()
    assert (src / ".site.old-00000001").exists() and (src / ".site.old-00000002").exists()


KILLED_BUILD = r"""
import sys, time
from pathlib import Path
import mspsite.write as w
from mspsite.render import RenderedSite

out, src, mode, signal_file = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4])
real_writer = w._writer

def slow_writer(path, content):  # a slow disk, so the kill surely lands while writing
    real_writer(path, content)
    time.sleep(0.0005)

def pause():
    signal_file.touch()
    time.sleep(600)

if mode == "swap":
    w._renameat2 = None
    w._pause_between_renames = pause
else:
    w._writer = slow_writer
files = {f"pages/{i // 100:02d}/page-{i:04d}.html": (f"{i:05d}" * 4000).encode() for i in range(3000)}
w.write_site(RenderedSite(files=files, copies={}), out, src)
"""


def wait_for(condition, process: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert process.poll() is None, f"the build ended (code {process.returncode}) before it could be killed"
        assert time.monotonic() < deadline, "timed out waiting for the build"
        time.sleep(0.002)


def tmp_folders(out: Path) -> list[Path]:
    return [out.parent / name for name in siblings(out) if name.startswith(f".{out.name}.tmp-")]


@pytest.mark.parametrize("moment", ["early", "midway", "late", "swap"])
def test_killed_build_leaves_out_untouched(src: Path, previous, tmp_path: Path, moment: str):
    out, before = previous
    signal_file = tmp_path / "between-renames"
    process = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(out), str(src), moment, str(signal_file)])
    try:
        if moment == "swap":
            wait_for(signal_file.exists, process)
        else:
            enough = {"early": 5, "midway": 1500, "late": 2900}[moment]
            wait_for(lambda: any(count_files(t) >= enough for t in tmp_folders(out)), process)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL

    assert len(tmp_folders(out)) == 1  # the killed build's half-written site
    assert lock_file(out).read_text() == f"{process.pid}\n"  # its lock file stays, but the lock died with it
    if moment == "swap":
        assert not out.exists()  # killed with no site in place: the next write must put the old one back
        broken = RenderedSite(files={}, copies={"missing.pdf": src / "missing.pdf"})
        with pytest.raises(MspsiteError):
            write_site(broken, out, src)
    assert tree(out) == before

    write_site(sample_site(src, "two"), out, src)
    assert (out / "only-in-two").exists() and not (out / "pages").exists()
    assert siblings(out) == []


# --- concurrent builds -----------------------------------------------------------------------------------

def lock_file(out: Path) -> Path:
    return out.parent / f".{out.name}.lock"


PAGES = {f"pages/page-{i}.html": f"<p>page {i}</p>".encode() for i in range(6)}

# A build stopped halfway through writing (holding the output's lock and its temporary folder) until the test
# says go: the test orders the processes through pipes, never by waiting some time.
PAUSED_BUILD = r"""
import os, sys
from pathlib import Path
import mspsite.write as w
from mspsite.render import RenderedSite

out, src, ready, go = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
real_writer, written = w._writer, []

def pausing_writer(path, content):
    if len(written) == 3:
        os.write(ready, b"x")
        if os.read(go, 1) != b"x":
            raise SystemExit("the test ended without letting the build go on")
    real_writer(path, content)
    written.append(path)

w._writer = pausing_writer
pages = {f"pages/page-{i}.html": f"<p>page {i}</p>".encode() for i in range(6)}
w.write_site(RenderedSite(files=pages, copies={}), out, src)
"""


class PausedBuild:
    def __init__(self, out: Path, src: Path):
        ready_r, ready_w = os.pipe()
        self._go_r, self._go_w = os.pipe()
        self.process = subprocess.Popen([sys.executable, "-c", PAUSED_BUILD, str(out), str(src), str(ready_w),
                                         str(self._go_r)], pass_fds=(ready_w, self._go_r))
        os.close(ready_w)
        os.close(self._go_r)
        try:
            # a guard against a hang, not a measure: the child normally gets there in well under a second
            readable, _, _ = select.select([ready_r], [], [], 300)
            assert readable and os.read(ready_r, 1) == b"x", "the build ended before it was halfway"
        finally:
            os.close(ready_r)
        self.pid = self.process.pid

    def finish(self) -> int:
        os.write(self._go_w, b"x")
        return self.process.wait()

    def close(self) -> None:
        os.close(self._go_w)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


@contextlib.contextmanager
def paused_build(out: Path, src: Path):
    build = PausedBuild(out, src)
    try:
        yield build
    finally:
        build.close()


def test_second_build_into_a_folder_being_written_is_refused(tmp_path: Path):
    """Two builds into one folder at once: the second says so and stops, the first makes a complete site."""
    from mspsite.scaffold import create_starter

    starter = tmp_path / "starter"
    create_starter(starter)
    out = tmp_path / "site"
    with paused_build(out, starter) as first:
        second = subprocess.run([sys.executable, "-m", "mspsite", "build", str(starter), "-o", str(out)],
                                capture_output=True, text=True)
        assert second.returncode == 1
        assert second.stderr.splitlines()[-1] == (
            f"Error: another mspsite build (pid {first.pid}) is writing to {out}; wait for it to finish, then "
            "build again (or choose another --output)")
        [tmp] = tmp_folders(out)
        assert count_files(tmp) == 1 + 3  # the first build's marker and pages so far: nothing removed
        assert first.finish() == 0
    assert tree(out) == {BUILD_MARKER: write.MARKER_TEXT, "pages": "<dir>", **PAGES}
    assert siblings(out) == []  # no temporary folder, no lock file
    write_site(RenderedSite(files={"index.html": b"next"}, copies={}), out, starter)  # the next build goes ahead
    assert tree(out) == {BUILD_MARKER: write.MARKER_TEXT, "index.html": b"next"}
    assert siblings(out) == []


def test_live_builds_temporary_folder_is_never_removed(src: Path, previous):
    out, before = previous
    with paused_build(out, src) as live:
        [live_tmp] = tmp_folders(out)
        stale = out.parent / ".site.tmp-0123abcd"   # as a killed build leaves it: no one holds it
        (stale / "pages").mkdir(parents=True)
        (stale / "pages" / "page-0.html").write_text("half a site")
        write._remove_stale(out)  # what a build does before writing; the output lock is bypassed here
        assert tmp_folders(out) == [live_tmp]
        assert count_files(live_tmp) == 1 + 3
        assert tree(out) == before  # a site is in place until the swap
        assert live.finish() == 0
    assert tree(out) == {BUILD_MARKER: write.MARKER_TEXT, "pages": "<dir>", **PAGES}
    assert siblings(out) == []


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _hard_link(path: Path) -> None:
    os.link(path.parent / "victim.txt", path)


def _symlink(path: Path) -> None:
    path.symlink_to(path.parent / "victim.txt")


@pytest.mark.parametrize("make", [_symlink, _hard_link, _fifo], ids=["symlink", "hard-link", "fifo"])
def test_planted_lock_file_is_never_written(src: Path, make):
    """The lock file sits in the partnership folder for the default output: a pull request could plant one."""
    victim = src / "victim.txt"
    victim.write_text("precious")
    make(lock_file(src / "site"))
    with pytest.raises(MspsiteError, match=r"\.site\.lock is not a lock file mspsite made; remove it"):
        write_site(sample_site(src), src / "site", src)
    assert victim.read_text() == "precious"
    assert not (src / "site").exists() and tmp_folders(src / "site") == []


def _refusing_flock(fd, operation):
    raise OSError(errno.ENOLCK, "No locks available")


@pytest.mark.parametrize("flock", [None, _refusing_flock], ids=["no-flock", "flock-refused"])
def test_without_locks_builds_work_and_keep_what_might_be_in_use(src: Path, previous, monkeypatch, flock):
    """Windows has no flock; some network file systems refuse it. Builds go on, unlocked, as before locks;
    a temporary folder whose owner cannot be known is kept, never removed."""
    from mspsite import locks

    out, _ = previous
    if flock is None:
        monkeypatch.setattr(locks, "fcntl", None)
    else:
        monkeypatch.setattr(locks.fcntl, "flock", flock)
    unknown = out.parent / ".site.tmp-0123abcd"
    unknown.mkdir()
    write_site(sample_site(src, "two"), out, src)
    assert (out / "only-in-two").exists()
    assert tmp_folders(out) == [unknown]
