"""Timing one command in a fresh child process, with the peak memory of its whole process tree.

A fresh process per build, so a timing includes Python's start-up and imports as a user's
`mspsite build` does, and memory is that one build's.

Memory is the tree's: mspsite forks render workers and runs the Pagefind binary as a child,
so the measured process and all its descendants are sampled, and the peak is that of their
total. Each process counts its proportional set size (PSS, the `Pss:` line of
/proc/PID/smaps_rollup): a page shared by n processes counts 1/n in each, so the pages
forked workers share copy-on-write with the build (the model, the compiled templates, the
converted texts they inherit) count once, as the machine holds them once. Summed resident
set sizes (RSS), which count a shared page once per process, are kept beside it as an
upper bound. Reading smaps_rollup walks the process's page tables (about 15 ms per GB
here) and holds its memory map's lock meanwhile, so RSS is read every 20 ms
(/proc/PID/statm, cheap) and PSS as often as costs at most 5% of one core, and at once
whenever the tree's RSS passes its previous PSS sample's RSS by 5%: a PSS peak shorter
than that interval may be missed (an RSS peak is not). Where smaps_rollup cannot be read
(Linux before 4.14, another user's process) a process's RSS stands in for its PSS. Without
/proc, psutil's RSS when it is installed; neither: memory is not measured.

The peak is also kept per role, with when it happened (seconds from the start) and when
the role's processes were first and last seen: 'main' (the measured process), 'forks of
main' (descendants with its command line: mspsite's render workers, so their first and
last sightings bracket the rendering), and any other descendant by its command name
(/proc/PID/comm: 'pagefind' for the Pagefind binary, so its sightings bracket the
indexing). The tree's total at its peak is split by role too.

    python -m benchmarks.measure [--timeline FILE.csv] -- COMMAND [ARGS...]

prints the time and these figures for any command; the timeline has one row per PSS
sample: seconds, then each role's memory in MB."""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

INTERVAL = 0.02      # seconds between RSS samples
PSS_SHARE = 0.05     # at most this share of one core spent reading PSS
PSS_RISE = 1.05      # a tree RSS this many times that of the last PSS sample: read PSS at once
MAIN, FORKS = "main", "forks of main"
# One build in a child process, by the public API (the command line has no switch for search=False).
BUILD = ("import json, sys, mspsite\n"
         "r = mspsite.build(sys.argv[1], sys.argv[2], search=sys.argv[3] == 'search')\n"
         "print(json.dumps({'pages': r.pages, 'files': r.files, 'bytes': r.bytes}))")


class BenchmarkError(Exception):
    """A measured command failed: the benchmark cannot go on."""


@dataclass(frozen=True)
class Peak:
    bytes: int
    at: float     # seconds from the command's start


@dataclass
class Role:
    """One role's processes: their largest total, and when they were first and last seen."""
    peak: Peak
    first: float
    last: float


@dataclass(frozen=True)
class Sample:
    at: float
    roles: dict[str, int]   # bytes by role

    @property
    def total(self) -> int:
        return sum(self.roles.values())


@dataclass
class Memory:
    measure: str                    # what peak and roles count: 'PSS' or 'RSS'
    peak: Peak | None = None        # of the tree's total
    at_peak: dict[str, int] = field(default_factory=dict)   # that total by role
    roles: dict[str, Role] = field(default_factory=dict)
    rss_sum: Peak | None = None     # summed RSS: an upper bound (equal to peak where measure is RSS)
    timeline: list[Sample] = field(default_factory=list)    # every sample of `measure`

    def add(self, sample: Sample) -> None:
        self.timeline.append(sample)
        if self.peak is None or sample.total > self.peak.bytes:
            self.peak, self.at_peak = Peak(sample.total, sample.at), dict(sample.roles)
        for name, size in sample.roles.items():
            role = self.roles.get(name)
            if role is None:
                self.roles[name] = Role(Peak(size, sample.at), sample.at, sample.at)
                continue
            role.last = sample.at
            if size > role.peak.bytes:
                role.peak = Peak(size, sample.at)

    def describe(self) -> str:
        """The peaks in a few lines, for a person."""
        if self.peak is None:
            return "memory: no sample"
        mb = lambda n: f"{n / 1e6:,.0f} MB"   # noqa: E731
        split = ", ".join(f"{name} {mb(size)}" for name, size in sorted(self.at_peak.items()))
        lines = [f"peak {self.measure}: {mb(self.peak.bytes)} at {self.peak.at:.1f} s ({split})"]
        if self.measure != "RSS" and self.rss_sum:
            lines.append(f"peak summed RSS (an upper bound): {mb(self.rss_sum.bytes)} at {self.rss_sum.at:.1f} s")
        lines += [f"  {name}: peak {mb(role.peak.bytes)} at {role.peak.at:.1f} s "
                  f"(seen {role.first:.1f} – {role.last:.1f} s)" for name, role in self.roles.items()]
        return "\n".join(lines)


@dataclass(frozen=True)
class Run:
    seconds: float
    memory: Memory | None    # None where memory cannot be sampled
    stdout: str

    @property
    def peak_memory(self) -> int | None:
        """Bytes: the tree's peak PSS (RSS where PSS cannot be read)."""
        return self.memory.peak.bytes if self.memory and self.memory.peak else None


def run(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Run cmd to its end; its wall time and the peak memory of its process tree."""
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeMemory(proc.pid, started)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.monotonic() - started
    memory = sampler.stop()
    if proc.returncode != 0:
        raise BenchmarkError(f"{' '.join(map(str, cmd))} failed (exit {proc.returncode}):\n{(err or out)[-3000:]}")
    return Run(seconds, memory, out)


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
    """How process memory is read here, for the report; None: not measured."""
    if Path("/proc/self/statm").exists():
        return "PSS from /proc/PID/smaps_rollup" if _pss(os.getpid()) is not None else "RSS from /proc"
    return "RSS from psutil" if _import_psutil() else None


class TreeMemory:
    """Samples the memory of a process and its descendants in a thread; stop() gives what it found."""

    def __init__(self, root: int, started: float | None = None):
        self.root = root
        self.started = time.monotonic() if started is None else started
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="benchmark-memory", daemon=True)
        self._proc_fs = Path("/proc/self/statm").exists()
        self._psutil = None if self._proc_fs else _import_psutil()
        self._with_pss = self._proc_fs and _pss(os.getpid()) is not None
        self.memory = Memory("PSS" if self._with_pss else "RSS")
        self._ours, self._others = {root}, {0}   # 0: the parent of the first processes
        self._roles: dict[int, tuple[bytes, str]] = {}   # pid -> (its command name, its role)
        self._page = os.sysconf("SC_PAGE_SIZE") if self._proc_fs else 0

    def start(self) -> None:
        if self._proc_fs or self._psutil:
            self._thread.start()

    def stop(self) -> Memory | None:
        self._stop.set()
        if not self._thread.is_alive():
            return None
        self._thread.join()
        return self.memory if self.memory.peak else None

    def _loop(self) -> None:
        next_pss, last_pss_rss = 0.0, 0
        while not self._stop.is_set():
            rss = self._rss_by_process()
            now = time.monotonic()
            if rss:
                total = sum(size for _, size in rss.values())
                if self.memory.rss_sum is None or total > self.memory.rss_sum.bytes:
                    self.memory.rss_sum = Peak(total, now - self.started)
                if not self._with_pss:
                    self.memory.add(Sample(now - self.started, _by_role(rss)))
                elif now >= next_pss or total > last_pss_rss * PSS_RISE:
                    self.memory.add(Sample(now - self.started, _by_role(self._pss_by_process(rss))))
                    cost = time.monotonic() - now
                    next_pss, last_pss_rss = now + cost / PSS_SHARE, total
            self._stop.wait(INTERVAL)

    def _rss_by_process(self) -> dict[int, tuple[str, int]]:
        """{pid: (role, RSS)} of the tree's processes alive now."""
        if self._psutil:
            return _psutil_tree(self._psutil, self.root)
        self._discover()
        found = {}
        for pid in list(self._ours):
            try:
                with open(f"/proc/{pid}/statm", "rb") as fh:
                    rss = int(fh.read().split()[1]) * self._page
                role = self._role(pid)
            except (OSError, IndexError, ValueError):
                self._ours.discard(pid)   # gone: a later process with its number is judged afresh
                continue
            if rss:   # 0: a zombie, ended but not yet reaped by its parent
                found[pid] = (role, rss)
        return found

    def _pss_by_process(self, rss: dict[int, tuple[str, int]]) -> dict[int, tuple[str, int]]:
        pss = {pid: (role, _pss(pid)) for pid, (role, _) in rss.items()}
        return {pid: (role, size if size is not None else rss[pid][1]) for pid, (role, size) in pss.items()}

    def _role(self, pid: int) -> str:
        with open(f"/proc/{pid}/comm", "rb") as fh:
            comm = fh.read().strip()
        known = self._roles.get(pid)
        if known and known[0] == comm:   # the same program as last time (a process may exec another)
            return known[1]
        if pid == self.root:
            role = MAIN
        elif self._cmdline(pid) == self._cmdline(self.root):
            role = FORKS
        else:
            role = comm.decode(errors="replace")
        self._roles[pid] = (comm, role)
        return role

    @staticmethod
    def _cmdline(pid: int) -> bytes:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read()

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


def _by_role(sizes: dict[int, tuple[str, int]]) -> dict[str, int]:
    found: dict[str, int] = {}
    for role, size in sizes.values():
        found[role] = found.get(role, 0) + size
    return found


def _pss(pid: int) -> int | None:
    """The process's PSS in bytes; None where it cannot be read."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
            for line in fh:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, IndexError, ValueError):
        pass
    return None


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


def _psutil_tree(psutil, root: int) -> dict[int, tuple[str, int]]:
    try:
        procs = [psutil.Process(root)]
        procs += procs[0].children(recursive=True)
    except psutil.Error:
        return {}
    found = {}
    for p in procs:
        try:
            found[p.pid] = (MAIN if p.pid == root else p.name(), p.memory_info().rss)
        except psutil.Error:
            pass
    return found


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def write_timeline(memory: Memory, path: Path) -> None:
    roles = list(memory.roles)
    with path.open("w", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["seconds", "total MB", *(f"{r} MB" for r in roles)])
        for s in memory.timeline:
            out.writerow([f"{s.at:.2f}", f"{s.total / 1e6:.1f}", *(f"{s.roles.get(r, 0) / 1e6:.1f}" for r in roles)])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.measure",
                                     description="Time a command and the peak memory of its process tree.")
    parser.add_argument("--timeline", type=Path, metavar="FILE", help="write every memory sample as CSV")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command, after --")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to measure after --")
    try:
        result = run(command)
    except BenchmarkError as exc:
        raise SystemExit(str(exc)) from None
    print(f"{result.seconds:.1f} s")
    print(result.memory.describe() if result.memory else "memory: not measured")
    if args.timeline and result.memory:
        write_timeline(result.memory, args.timeline)


if __name__ == "__main__":
    main()
