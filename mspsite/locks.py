"""Locks that die with their owner, so a build can tell what a live build is using from what a killed one left.

A build holds flock(2) on the output's lock file and on each temporary folder it makes. The kernel drops the
lock when the process ends, however it ends (SIGKILL, a crash, a power cut on a local disk), so "no one holds
it" means "its owner is gone" without trusting process ids, which the system reuses. Where there is no flock
(Windows) or a file system refuses it (some network file systems refuse it on folders), nothing is locked and
nothing is removed as abandoned: never delete what might be in use."""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:   # Windows
    fcntl = None

_FILE = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_FOLDER = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)


class LockHeld(Exception):
    """Another live process holds the lock; `pid` is the one it wrote into the lock file, if it could be read."""

    def __init__(self, path: Path, pid: int | None):
        super().__init__(f"{path} is held by {'process ' + str(pid) if pid else 'another process'}")
        self.path, self.pid = path, pid


class Lock:
    """An exclusive lock on a lock file, held until `release` (or the end of a with block)."""

    def __init__(self, path: Path, fd: int | None):
        self.path, self._fd = path, fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            if _names(fd, self.path):
                os.unlink(self.path)   # while still locked: a process that opened it meanwhile sees it went
        except OSError:
            pass   # left behind, it is harmless: the next holder takes it over
        finally:
            os.close(fd)

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def hold(path: Path) -> Lock:
    """Lock the file `path` (made if missing, removed on release), or raise LockHeld at once if a live process
    holds it. The holder's pid is written into the file, for the message another process shows."""
    if fcntl is None:
        return Lock(path, None)
    refusal = f"{path} is not a lock file mspsite made; remove it"
    while True:
        try:
            fd = os.open(path, _FILE, 0o644)
        except OSError as exc:
            if exc.errno == errno.ELOOP:   # a symbolic link: never write through it
                raise OSError(refusal) from None
            raise
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
                # nor into a FIFO or device, or a file that is also elsewhere (a hard link)
                raise OSError(refusal)
            if _try_lock(fd, wait=False) is False:
                raise LockHeld(path, _pid_in(fd))
            if _names(fd, path):
                os.ftruncate(fd, 0)
                os.write(fd, f"{os.getpid()}\n".encode())
                return Lock(path, fd)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)   # its holder removed it while we opened it: lock the one there now


@contextmanager
def owned_folder(parent: Path, prefix: str, mode: int = 0o777) -> Iterator[Path]:
    """A new folder parent/<prefix><8 hex digits>, locked by this process until the block ends, so that
    `remove_if_abandoned` in another process never takes it for a killed build's. Removing it is the caller's
    choice (a build's temporary folder becomes the site)."""
    while True:
        path = parent / f"{prefix}{secrets.token_hex(4)}"
        try:
            os.mkdir(path, mode)
        except FileExistsError:
            continue
        if fcntl is None:
            fd = None
            break
        try:
            fd = os.open(path, _FOLDER)
        except FileNotFoundError:
            continue   # a cleaner saw it before we locked it, and removed it
        # Waits only while a cleaner that saw it unlocked removes it; then it is gone and we make another.
        _try_lock(fd, wait=True)
        if _names(fd, path):
            break
        os.close(fd)
    try:
        yield path
    finally:
        if fd is not None:
            os.close(fd)


def remove_if_abandoned(folder: Path) -> bool:
    """Remove `folder` (made by `owned_folder`) if its owner is gone; True if removed. A folder whose owner is
    alive, a symbolic link, or another user's folder is left alone."""
    if fcntl is None:
        return False
    try:
        fd = os.open(folder, _FOLDER)
    except OSError:   # gone already, a link, or not ours to open
        return False
    try:
        if not _try_lock(fd, wait=False) or os.fstat(fd).st_uid != os.getuid() or not _names(fd, folder):
            return False   # its owner is alive, or we cannot tell, or it is not ours
        shutil.rmtree(folder, ignore_errors=True)   # holding the lock: its owner cannot be starting up in it
        return True
    finally:
        os.close(fd)


def _try_lock(fd: int, wait: bool) -> bool | None:
    """True if locked, False if another process holds it, None if this file system cannot lock it."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    except OSError:   # ENOLCK, EOPNOTSUPP; EBADF on NFS, which locks only files open for writing
        return None
    return True


def _names(fd: int, path: Path) -> bool:
    """Whether `path` still names the file or folder open as `fd` (not removed or replaced since)."""
    try:
        return os.path.samestat(os.fstat(fd), os.lstat(path))
    except FileNotFoundError:
        return False


def _pid_in(fd: int) -> int | None:
    """The pid a holder wrote into its lock file; None if it has not written it yet."""
    text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    return int(text) if text.isdigit() else None
