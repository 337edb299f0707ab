"""Last stage: write the rendered site into a temporary folder next to the output,
then swap it in, so a failed or killed build never leaves half a site.

Next to the output OUT, mspsite owns these names and nothing else: .OUT.lock (held by the build writing OUT,
so two builds never write it at once), .OUT.tmp-<8 hex digits> (a site being written, locked by its build)
and .OUT.old-<8 hex digits> (the previous site, during a swap without renameat2)."""

from __future__ import annotations

import ctypes
import errno
import os
import re
import secrets
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from stat import S_ISREG
from typing import TYPE_CHECKING

from . import locks
from .errors import MspsiteError
from .folder import BUILD_MARKER, MARKER_TEXT, is_inside

if TYPE_CHECKING:
    from .render import RenderedSite

AT_FDCWD = -100
RENAME_EXCHANGE = 2


@dataclass(frozen=True)
class WriteStats:
    files: int
    bytes: int


def check_output(src: Path, out: Path) -> None:
    """Refuse output folders whose replacement could destroy something we did not make."""
    if out.is_symlink():
        raise MspsiteError(f"the output folder {out} is a symbolic link; mspsite replaces the output folder "
                           "as a whole, so give the real folder with --output")
    src_r, out_r = src.resolve(), out.resolve()
    if out_r == src_r:
        raise MspsiteError(f"the output folder {out} is the partnership folder itself; choose another "
                           "--output, such as the default 'site' inside it")
    if src_r.is_relative_to(out_r):
        raise MspsiteError(f"the output folder {out} contains the partnership folder {src}; replacing it "
                           "would delete your content: choose another --output")
    if out_r.is_relative_to((src / "media").resolve()):
        raise MspsiteError(f"the output folder {out} is inside the media folder, whose files are copied into "
                           "the site; choose an --output outside media/")
    if out.exists() and not out.is_dir():
        raise MspsiteError(f"the output path {out} is a file, not a folder; remove it or choose another --output")
    if out.is_dir() and not (out / BUILD_MARKER).is_file() and any(out.iterdir()):
        raise MspsiteError(f"the output folder {out} is not empty and was not made by mspsite (it has no "
                           f"{BUILD_MARKER} file); mspsite only replaces folders it made: empty it, delete it "
                           "or choose another --output")


def write_site(site: RenderedSite, out: Path, src: Path) -> WriteStats:
    """Write the site beside `out` and swap it in; `out` stays as it was if anything fails."""
    out = Path(os.path.abspath(out))  # a name for the siblings, even for "." or "a/.."
    try:
        check_output(src, out)  # before making anything, even the lock file or missing parents
        out.parent.mkdir(parents=True, exist_ok=True)
        with _lock_output(out):  # from before recovery to after the swap: no other build touches out
            _recover(out)
            check_output(src, out)  # again, on what recovery or an earlier build left
            _check_site(site, src)
            _remove_stale(out)
            # not mode 0700 as tempfile.mkdtemp would make: the folder becomes the published one
            with locks.owned_folder(out.parent, f".{out.name}.tmp-") as tmp:
                try:
                    size = _fill(tmp, site, out)
                    _swap(tmp, out)
                except BaseException:
                    shutil.rmtree(tmp, ignore_errors=True)
                    raise
    except OSError as exc:  # disk full, permissions...: a message, not a traceback
        raise MspsiteError(f"could not write the site to {out}: {exc}") from exc
    return WriteStats(files=len(site.files) + len(site.copies), bytes=size)


def _fill(tmp: Path, site: RenderedSite, out: Path) -> int:
    """Write every file into tmp, in a fixed order; returns the bytes written. A file the
    previous site (out) already holds with the same content is linked, not written again,
    so it keeps its modification time: a web server's caches and `rsync` see what changed."""
    (tmp / BUILD_MARKER).write_bytes(MARKER_TEXT)  # first, so a killed build's folder is known as ours
    previous = out if (out / BUILD_MARKER).is_file() else None   # only ever a site we made
    size = 0
    for rel in sorted(site.files):
        content = site.files[rel]
        if not (previous and _link_if(previous / rel, tmp / rel, lambda old: _same_bytes(old, content))):
            _writer(tmp / rel, content)
        size += len(content)
    for rel in sorted(site.copies):
        source = site.copies[rel]
        if not (previous and _link_if(previous / rel, tmp / rel, lambda old: _same_copy(old, source))):
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, tmp / rel, follow_symlinks=False)
            os.utime(tmp / rel, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns))   # for _same_copy
        size += (tmp / rel).stat().st_size
    return size


def _link_if(old: Path, new: Path, unchanged) -> bool:
    """Link new to the previous site's file if it is a regular file (never through a symbolic
    link) that unchanged(stat) accepts; False when it cannot or may not be reused."""
    try:
        stat = os.lstat(old)
        if not S_ISREG(stat.st_mode) or not unchanged((old, stat)):
            return False
        new.parent.mkdir(parents=True, exist_ok=True)
        os.link(old, new, follow_symlinks=False)
        return True
    except OSError:   # gone, unreadable, or a file system without hard links: write it
        return False


def _same_bytes(old: tuple[Path, os.stat_result], content: bytes) -> bool:
    path, stat = old
    if stat.st_size != len(content):
        return False
    with open(path, "rb") as fh:
        return fh.read(len(content) + 1) == content


def _same_copy(old: tuple[Path, os.stat_result], source: Path) -> bool:
    """A media copy is unchanged when its size and modification time are the source's (as rsync
    decides): copies take the source's time, and reading large media twice would cost more."""
    src = source.stat()
    return old[1].st_size == src.st_size and old[1].st_mtime_ns == src.st_mtime_ns


def _writer(path: Path, content: bytes) -> None:
    """One file; separate so tests can make a write fail after N files."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _check_site(site: RenderedSite, src: Path) -> None:
    """Every output path stays inside the output, and every copy is a real file of the partnership folder,
    so a symbolic link in media/ cannot publish a private file from elsewhere on the disk."""
    for rel in [*site.files, *site.copies]:
        parts = PurePosixPath(rel).parts
        if not parts or rel.startswith("/") or any(p in ("..", ".") for p in parts) or rel == BUILD_MARKER:
            raise MspsiteError(f"internal error: output path {rel!r} is not a plain relative path")
    if both := sorted(site.files.keys() & site.copies.keys()):
        raise MspsiteError(f"internal error: output path {both[0]!r} is both written and copied")
    for rel, source in sorted(site.copies.items()):
        if source.is_symlink() or not is_inside(src, source):
            raise MspsiteError(f"{source}: refusing to publish a symbolic link or a file outside the "
                               f"partnership folder {src}; copy the file itself into media/")
        if not source.is_file():
            raise MspsiteError(f"{source}: the file to copy to {rel} is missing or not a regular file")


def _siblings(out: Path, kind: str) -> list[Path]:
    """Our own temporary (`tmp`) or replaced (`old`) folders next to out, by their exact name pattern."""
    pattern = re.compile(re.escape(f".{out.name}.{kind}-") + "[0-9a-f]{8}")
    if not out.parent.is_dir():
        return []
    return sorted(p for p in out.parent.iterdir()
                  if pattern.fullmatch(p.name) and p.is_dir() and not p.is_symlink())


def _recover(out: Path) -> None:
    """Put back the site a killed fallback swap had moved aside (out renamed, new site not yet in place)."""
    olds = _siblings(out, "old")
    if not os.path.lexists(out) and len(olds) == 1:
        os.rename(olds[0], out)


def _lock_output(out: Path) -> locks.Lock:
    try:
        return locks.hold(out.with_name(f".{out.name}.lock"))
    except locks.LockHeld as held:
        who = f" (pid {held.pid})" if held.pid else ""
        raise MspsiteError(f"another mspsite build{who} is writing to {out}; wait for it to finish, then build "
                           "again (or choose another --output)") from None


def _remove_stale(out: Path) -> None:
    """Remove what killed builds left: temporary folders whose build is gone, and replaced sites once a site
    is in place (only a build holding the output lock makes those, and we hold it)."""
    for folder in _siblings(out, "tmp"):
        locks.remove_if_abandoned(folder)
    for folder in _siblings(out, "old") if out.exists() else []:
        shutil.rmtree(folder, ignore_errors=True)


def _swap(tmp: Path, out: Path) -> None:
    if not os.path.lexists(out):
        os.rename(tmp, out)
    elif _exchange(tmp, out):
        shutil.rmtree(tmp, ignore_errors=True)  # the previous site, now at the temporary name
    else:
        # Not atomic: between the two renames there is no site; _recover() repairs a kill there.
        old = out.with_name(f".{out.name}.old-{secrets.token_hex(4)}")
        os.rename(out, old)
        try:
            _pause_between_renames()
            os.rename(tmp, out)
        except BaseException:
            if not os.path.lexists(out):
                os.rename(old, out)
            raise
        shutil.rmtree(old, ignore_errors=True)


def _pause_between_renames() -> None:
    """Test seam: tests replace it to kill a build in the middle of the fallback swap."""


def _load_renameat2():
    """libc's renameat2, or None where there is none (not Linux, or a libc without it)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step, so readers see the old site or the new one, never neither.
    False if the kernel or file system cannot, and the caller falls back to two renames."""
    if _renameat2 is None:
        return False
    if _renameat2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL):
        return False
    raise OSError(code, os.strerror(code), str(b))
