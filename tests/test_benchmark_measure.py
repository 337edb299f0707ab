"""The benchmark harness's memory figures (benchmarks/measure.py): a process tree whose memory is known
in advance, measured as the harness measures a build. Pages shared by forked processes count once
(PSS), each process is put in its role, and where PSS cannot be read, RSS stands in."""

import sys

import pytest

from benchmarks import measure, run

pytestmark = pytest.mark.xdist_group("benchmarks")
MB = 1_000_000

# 100 MB touched, shared by two forks for a second; then, the forks gone, a program of another
# name (a new python, exec'd) holding 50 MB of its own while the first still holds its 100 MB.
TREE = r"""
import os, subprocess, sys, time
block = b"x" * 100_000_000
forks = []
for _ in range(2):
    pid = os.fork()
    if pid == 0:
        time.sleep(1.5)
        os._exit(0)
    forks.append(pid)
for pid in forks:
    os.waitpid(pid, 0)
subprocess.run([sys.executable, "-c", "import time; b = b'y' * 50_000_000; time.sleep(1)"], check=True)
"""


def other_roles(memory: measure.Memory) -> dict[str, measure.Role]:
    return {name: role for name, role in memory.roles.items() if name not in (measure.MAIN, measure.FORKS)}


def test_shared_pages_count_once_and_each_role_has_its_peak():
    memory = measure.run([sys.executable, "-c", TREE]).memory
    assert memory.measure == "PSS"
    # the forks hold a third of the 100 MB each (the build the rest) and little of their own
    assert 55 * MB <= memory.roles[measure.FORKS].peak.bytes <= 90 * MB
    assert 100 * MB <= memory.roles[measure.MAIN].peak.bytes <= 140 * MB
    [(name, exec_d)] = other_roles(memory).items()
    assert name.startswith("python") and 50 * MB <= exec_d.peak.bytes <= 80 * MB
    assert exec_d.first >= memory.roles[measure.FORKS].last   # seen after the forks, as it ran
    # the peak is the 100 MB and the 50 MB together, not three copies of the 100 MB
    assert 150 * MB <= memory.peak.bytes <= 210 * MB
    assert memory.at_peak.keys() == {measure.MAIN, name}
    assert memory.rss_sum.bytes >= 300 * MB   # summed RSS: the shared 100 MB once per process
    assert [s.at for s in memory.timeline] == sorted(s.at for s in memory.timeline)


def test_without_pss_rss_stands_in(monkeypatch):
    monkeypatch.setattr(measure, "_pss", lambda pid: None)   # as where smaps_rollup cannot be read
    memory = measure.run([sys.executable, "-c", TREE]).memory
    assert memory.measure == "RSS"
    assert memory.roles[measure.FORKS].peak.bytes >= 200 * MB   # each fork counts all it shares
    assert memory.peak == memory.rss_sum and memory.peak.bytes >= 300 * MB


def test_the_table_shows_the_trees_peak_and_each_roles_own():
    memory = measure.Memory("PSS")
    memory.add(measure.Sample(10.0, {measure.MAIN: 300 * MB, measure.FORKS: 200 * MB}))   # rendering
    memory.add(measure.Sample(20.0, {measure.MAIN: 400 * MB, "pagefind": 700 * MB}))      # indexing
    memory.rss_sum = measure.Peak(1500 * MB, 10.0)
    rows = run.memory_rows([memory], hugo_mb=None, mkdocs_mb=None)
    assert [(r.name, r.values, r.note, r.met) for r in rows] == [
        ("peak memory (PSS), mspsite cold build", [1100 * MB], "", False),   # not 400 + 200 + 700
        ("peak memory of the build process alone", [400 * MB], "at 20 s", None),
        ("peak memory of the render workers alone", [200 * MB], "at 10 s", None),
        ("peak memory of the Pagefind binary alone", [700 * MB], "at 20 s", None),
        ("peak summed RSS, mspsite cold build", [1500 * MB], "an upper bound", None),
    ]
    assert memory.at_peak == {measure.MAIN: 400 * MB, "pagefind": 700 * MB}
