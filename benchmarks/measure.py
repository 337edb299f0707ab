"""Timing one command in a fresh child process, with the peak memory of its whole process tree.

A fresh process per build, so a timing includes Python's start-up and imports as a
user's `mspsite build` does, and memory is that one build's. mspsite runs the Pagefind
binary as a child of its own, so memory is the tree's: the resident set sizes of the
process and all its descendants, summed, sampled every 20 ms. Read from /proc (Linux);
psutil, when installed, elsewhere; neither: memory is not measured. Summed RSS counts
pages shared between processes (forked workers) once per process: an upper bound."""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

INTERVAL = 0.02   # seconds between memory samples
# One build in a child process, by the public API (the command line has no switch for search=False).
BUILD = ("import json, sys, mspsite\n"
         "r = mspsite.build(sys.argv[1], sys.argv[2], search=sys.argv[3] == 'search')\n"
         "print(json.dumps({'pages': r.pages, 'files': r.files, 'bytes': r.bytes}))")


class BenchmarkError(Exception):
    """A measured command failed: the benchmark cannot go on."""


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_rss: int | None    # bytes; None where memory cannot be sampled
    stdout: str


def run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run cmd to its end; its wall time and the peak RSS of its process tree."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeMemory(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    peak = sampler.stop()
    if proc.returncode != 0:
        raise BenchmarkError(f"{' '.join(map(str, cmd))} failed (exit {proc.returncode}):\n{(err or out)[-3000:]}")
    return Run(seconds, peak, out)


def mspsite_env() -> dict[str, str]:
    """The environment for child processes: they import the same mspsite as this harness, so
    the commit reported is the code measured."""
    spec = importlib.util.find_spec("mspsite")
    if spec is None or spec.origin is None:
        raise BenchmarkError("mspsite is not importable: run from the repository with PYTHONPATH set")
    root = str(Path(spec.origin).parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


def build_mspsite(src: Path, out: Path, search: bool = True) -> tuple[Run, dict]:
    """One `mspsite.build` in a fresh process; the run and the build's pages, files and bytes."""
    result = run([sys.executable, "-c", BUILD, str(src), str(out), "search" if search else "no-search"],
                 env=mspsite_env())
    return result, json.loads(result.stdout.strip().splitlines()[-1])


def memory_source() -> str | None:
    """How process memory is read here: '/proc', 'psutil', or None (not measured)."""
    if Path("/proc/self/statm").exists():
        return "/proc"
    return "psutil" if _import_psutil() else None


class TreeMemory:
    """Samples the summed RSS of a process and its descendants in a thread; stop() gives the peak."""

    def __init__(self, root: int):
        self.root = root
        self.peak: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="benchmark-memory", daemon=True)
        self._proc_fs = memory_source() == "/proc"
        self._psutil = None if self._proc_fs else _import_psutil()
        self._ours, self._others = {root}, {0}   # 0: the parent of the first processes
        self._page = os.sysconf("SC_PAGE_SIZE") if self._proc_fs else 0

    def start(self) -> None:
        if self._proc_fs or self._psutil:
            self._thread.start()

    def stop(self) -> int | None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak

    def _loop(self) -> None:
        while not self._stop.is_set():
            total = self._sample()
            if total:
                self.peak = max(self.peak or 0, total)
            self._stop.wait(INTERVAL)

    def _sample(self) -> int:
        if self._psutil:
            return _psutil_tree(self._psutil, self.root)
        self._discover()
        return sum(map(self._rss, self._ours))

    def _discover(self) -> None:
        """Add new descendants. Only processes not seen before are read (a full scan of /proc each
        time would cost the machine more than the build's own small processes)."""
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            if pid in self._ours or pid in self._others:
                continue
            parent = _parent(pid)
            if parent in self._ours:
                self._ours.add(pid)
            elif parent in self._others:
                self._others.add(pid)
            # else: its parent is new too; decided on a later sample, once the parent is known

    def _rss(self, pid: int) -> int:
        try:
            with open(f"/proc/{pid}/statm", "rb") as fh:
                return int(fh.read().split()[1]) * self._page
        except (OSError, IndexError, ValueError):
            return 0   # gone already


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
    except OSError:
        return None
    # the command name (field 2) may hold spaces and ')': the fields after the last ')' are plain
    return int(stat[stat.rindex(b")") + 2:].split()[1])


def _import_psutil():
    try:
        import psutil
    except ImportError:
        return None
    return psutil


def _psutil_tree(psutil, root: int) -> int:
    try:
        procs = [psutil.Process(root)]
        procs += procs[0].children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass
    return total


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}
