"""Bad inputs: `mspsite check` on every case of the corpus (tests/corpus/make_corpus.py).

For each case: the exit code (1 for a broken partnership, 0 for the valid ones
such as CRLF files and right-to-left text), every diagnostic line shaped
`file:line:column: severity: message`, an error that points at the broken file,
no traceback, and less than 500 MB. A case that runs for 120 s is killed as hung
(a guard, not a speed test: speed is measured by benchmarks/).

Most cases run in this process (load_project + validate, as `check` does). The
heavy and risky ones (50 MB files, 10^6-level nesting, alias bombs, FIFOs,
/dev/zero, pathological Markdown), the ones that need file permissions to hold
(run without root's power to override them), and one sample case per category
run as `python -m mspsite check DIR` in a child process with a 1 GB
address-space limit; its peak memory is its own VmHWM. pytest-xdist spreads the
cases over the cores. `mspsite build` runs on a few broken cases too: exit 1,
diagnostics, no output folder. Last, partnerships that pass check must build
(test_checked_partnership_builds).

A known bug is a case with xfail="bug: ..." in the corpus (or a reason in
BUILD_INPUTS): the test is xfail(strict=True), so the suite stays green while
documenting it and turns red when it is fixed (then remove the mark). Cases whose
note says "until <commit>" are such bugs, fixed since.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import portal_in_memory
from mspsite import check
from mspsite.errors import MspsiteError

HERE = Path(__file__).parent
ROOT = HERE.parent
SOURCE_DATE_EPOCH = "1795824000"   # 2026-11-28, as in conftest.py

_spec = importlib.util.spec_from_file_location("make_corpus", HERE / "corpus" / "make_corpus.py")
make_corpus = importlib.util.module_from_spec(_spec)
sys.modules["make_corpus"] = make_corpus   # dataclasses look their module up
_spec.loader.exec_module(make_corpus)

CASES = make_corpus.cases()
BY_NAME = {c.name: c for c in CASES}

# Not a speed limit (speed is measured by benchmarks/): a guard that turns a hang into a
# failure instead of a stuck run. A case that needs more than a few seconds is a bug anyway.
HANG_LIMIT = 120.0                  # seconds per case
MAX_RSS_MB = 500                    # peak resident memory per case
ADDRESS_SPACE = 1 << 30             # RLIMIT_AS for child processes: 1 GB
DIAGNOSTIC = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): "
                        r"(?P<message>.*)$")
SHAPE = re.compile(r"^[^:]+:\d+:\d+: (error|warning): ")

# One case of each category (the first in corpus order) also runs through the command line's
# code; every heavy case runs as a child process.
SAMPLED = {next(c.name for c in CASES if c.category == cat and not c.heavy and not c.unprivileged)
           for cat in sorted({c.category for c in CASES if not c.heavy})}
IN_PROCESS = [c for c in CASES if not c.heavy and not c.unprivileged]
CHILD = [c for c in CASES if c.heavy or c.unprivileged]


def _param(case):
    marks = []
    if case.xfail:
        marks.append(pytest.mark.xfail(strict=True, reason=case.xfail))
    return pytest.param(case, id=case.name, marks=marks)


@dataclass
class Outcome:
    code: int | None                # exit code; None when killed for taking too long
    stdout: str
    stderr: str
    seconds: float
    max_rss_mb: float
    root: str                       # the partnership folder as given to check


def _printable(path: str) -> str:
    """A file name as a diagnostic shows it: control characters escaped (\\n, \\x01)."""
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
    return "".join(named.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 else c)
                   for c in path)


# -- the checks every case must pass ---------------------------------------------------------------------------------

def assert_outcome(case, outcome: Outcome) -> None:
    assert outcome.code is not None, f"check hung: killed after {HANG_LIMIT:.0f} s"
    assert "Traceback" not in outcome.stderr, outcome.stderr[-3000:]
    assert outcome.max_rss_mb < MAX_RSS_MB, f"check used {outcome.max_rss_mb:.0f} MB"
    lines = [line for line in outcome.stdout.split("\n") if line.strip()]   # lines as a terminal or grep sees them
    malformed = [line for line in lines if not SHAPE.match(line)]
    assert not malformed, "diagnostic lines not shaped file:line:column: severity: message:\n" + \
        "\n".join(malformed[:5])
    found = [DIAGNOSTIC.match(line) for line in lines]
    prefix = outcome.root.rstrip("/") + "/"
    broken = prefix + _printable(case.broken) if case.broken else None

    def at_broken(severity: str):
        return [d for d in found if d["severity"] == severity and broken is not None
                and (d["path"] == broken or d["path"].startswith(broken + "/"))]

    summary = "\n".join(lines[:20])
    if case.expect == "error":
        assert outcome.code == 1, f"exit code {outcome.code}, expected 1:\n{summary}"
        errors = at_broken("error")
        assert errors, f"no error points at {case.broken}:\n{summary}"
        if case.line is not None:
            assert any(int(d["line"]) == case.line for d in errors), \
                f"no error at {case.broken} line {case.line}:\n{summary}"
        if case.message is not None:
            assert any(case.message in d["message"] for d in errors), \
                f"no error at {case.broken} says {case.message!r}:\n{summary}"
    elif case.expect == "warning":
        assert outcome.code == 0, f"exit code {outcome.code}, expected 0:\n{summary}"
        warnings = at_broken("warning")
        assert warnings, f"no warning points at {case.broken}:\n{summary}"
        if case.line is not None:
            assert any(int(d["line"]) == case.line for d in warnings), summary
        if case.message is not None:
            assert any(case.message in d["message"] for d in warnings), summary
    else:
        assert outcome.code == 0, f"exit code {outcome.code}, expected 0:\n{summary}"
        if case.quiet:
            assert not lines, f"expected no diagnostics:\n{summary}"


# -- in process --------------------------------------------------------------------------------------------------------

@contextlib.contextmanager
def _alarm(seconds: float):
    def expire(signum, frame):
        raise TimeoutError(f"check took more than {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check_in_process(root: Path) -> Outcome:
    """What `mspsite check ROOT` prints and returns, computed in this process."""
    started = time.perf_counter()
    with _alarm(HANG_LIMIT):
        report = check(root)
    seconds = time.perf_counter() - started
    shown = os.path.normpath(str(root))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # this process's peak so far
    return Outcome(1 if report.failed() else 0, report.format("text", shown), "", seconds, rss, shown)


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)


@pytest.mark.parametrize("case", [_param(c) for c in IN_PROCESS])
def test_check_in_process(case, tmp_path):
    root = make_corpus.materialise(case, tmp_path / "project")
    assert_outcome(case, check_in_process(root))


@pytest.mark.parametrize("case", [_param(BY_NAME[name]) for name in sorted(SAMPLED)])
def test_check_command_line(case, tmp_path):
    """One case of each category through the command line's own code: it must print what the
    library reports, as `mspsite check` does."""
    from click.testing import CliRunner

    from mspsite.cli import cli

    root = make_corpus.materialise(case, tmp_path / "project")
    started = time.perf_counter()
    with _alarm(HANG_LIMIT):
        result = CliRunner().invoke(cli, ["check", str(root)])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert_outcome(case, Outcome(result.exit_code, result.stdout, result.stderr, time.perf_counter() - started, rss,
                                 os.path.normpath(str(root))))


# -- in child processes --------------------------------------------------------------------------------------------

# `python -m mspsite` under a 1 GB address-space limit, writing its own peak resident memory
# (VmHWM, in kB) to a file at exit. wait4()'s ru_maxrss is not enough: Linux keeps it across
# execve, so a child forked from a 200 MB pytest reports at least 200 MB.
_LAUNCH = f"""
import atexit, os, resource, runpy
resource.setrlimit(resource.RLIMIT_AS, ({ADDRESS_SPACE}, {ADDRESS_SPACE}))
def _peak():
    try:
        with open("/proc/self/status") as status, open(os.environ["MSPSITE_TEST_PEAK"], "w") as out:
            out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
    except (OSError, StopIteration):
        pass
atexit.register(_peak)
runpy.run_module("mspsite", run_name="__main__")
"""


# Linux capabilities that let root read any file and list any folder (capability.h)
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


def _without_permission_override() -> None:
    """In the child, before exec: drop root's power to ignore file permissions, so chmod 000
    means to the check what it means to an editor's account. A no-op for other users."""
    if os.geteuid() != 0:
        return
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "cannot drop a capability for the unprivileged corpus cases")


def run_child(args: list[str], workdir: Path, timeout: float = HANG_LIMIT, unprivileged: bool = False) -> Outcome:
    """`python -m mspsite ARGS` under a 1 GB address-space limit; killed (code None) after `timeout`.
    Peak memory is the child's own VmHWM (wait4's ru_maxrss where /proc is missing)."""
    out_path, err_path, peak_path = workdir / "stdout.txt", workdir / "stderr.txt", workdir / "peak-kb.txt"
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONDONTWRITEBYTECODE": "1",
           "MSPSITE_TEST_PEAK": str(peak_path)}
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", _LAUNCH, *args], stdin=subprocess.DEVNULL, stdout=out,
                                stderr=err, cwd=ROOT, env=env, start_new_session=True,
                                preexec_fn=_without_permission_override if unprivileged else None)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - started > timeout:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)   # the child's own process group
                killed = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)   # reaped here, not by Popen
    peak_kb = int(peak_path.read_text()) if peak_path.is_file() and peak_path.read_text().isdigit() \
        else usage.ru_maxrss
    return Outcome(None if killed else proc.returncode, out_path.read_text(errors="replace"),
                   err_path.read_text(errors="replace"), seconds, peak_kb / 1024,
                   os.path.normpath(str(args[1])) if len(args) > 1 else "")


BUILD_CASES = ["type-stakeholder-name-number", "yaml-unclosed-flow-list", "enc-utf8-invalid-in-value",
               "missing-partnership-yml", "nul-in-value", "supersedes-cycle-3"]


def _child_check(case, workdir: Path) -> Outcome:
    root = make_corpus.materialise(case, workdir / "project")
    return run_child(["check", str(root)], workdir, unprivileged=case.unprivileged)


def _child_build(case, workdir: Path, output: bool) -> tuple[Outcome, Path, Path]:
    root = make_corpus.materialise(case, workdir / "project")
    out = workdir / "out" / "site"
    args = ["build", str(root)] + (["-o", str(out)] if output else [])
    return run_child(args, workdir), root, out


@pytest.mark.parametrize("case", [_param(c) for c in CHILD])
def test_check_command(case, tmp_path):
    assert_outcome(case, _child_check(case, tmp_path))


@pytest.mark.parametrize("output", [True, False], ids=["with-output", "default-output"])
@pytest.mark.parametrize("name", BUILD_CASES)
def test_build_refuses_broken_partnership(name, output, tmp_path):
    outcome, root, out = _child_build(BY_NAME[name], tmp_path, output)
    assert outcome.code == 1, outcome.stderr[-2000:]
    assert "Traceback" not in outcome.stderr, outcome.stderr[-3000:]
    shown = [line for line in outcome.stderr.splitlines() if SHAPE.match(line)]
    assert shown, f"no diagnostics on stderr:\n{outcome.stderr[-2000:]}"
    broken = os.path.normpath(str(root)) + "/" + BY_NAME[name].broken + ":"
    assert any(line.startswith(broken) for line in shown), outcome.stderr[-2000:]
    assert "not built" in outcome.stderr
    assert not out.exists() and not out.parent.exists(), "build created an output folder"
    assert not (root / "site").exists(), "build created the default output folder"
    assert not [p for p in root.iterdir() if p.name.startswith(".site")], "build left a temporary folder"


# -- the corpus itself -----------------------------------------------------------------------------------------------

def test_corpus_is_large_deterministic_and_covers_every_schema_property(tmp_path):
    assert len(CASES) >= 200
    assert len({c.category for c in CASES}) >= 25
    again = make_corpus.cases()
    assert [(c.name, c.files, c.setup, c.expect) for c in again] == \
        [(c.name, c.files, c.setup, c.expect) for c in CASES]
    names = [c.name for c in CASES if c.name.startswith("type-")]
    for prop in make_corpus.schema_props():   # every property of every schema gets a wrong value
        label = make_corpus._label(prop.path)
        assert any(name.startswith(f"type-{prop.kind}-{label}-") for name in names), (prop.kind, prop.path)
    # the generator writes the small cases as folders, with their expectations
    assert make_corpus.main([str(tmp_path / "cases")]) == 0
    written = sorted(p.name for p in (tmp_path / "cases").iterdir())
    assert written == sorted(c.name for c in CASES if c.committable)
    assert (tmp_path / "cases" / "eol-crlf-yaml" / "project" / "stakeholders" / "x.yml").read_bytes() == \
        b"name: Ministry of Energy\r\nsector: public\r\n"


# -- partnerships that pass check, and what build makes of them ------------------------------------------------------

# check reports what the IATI export needs since the session that fixed it (missing-field)
CONTEXT = {"pages/context.md": b"---\ntitle: Context analysis\n---\nWho shapes clean cooking.\n"}
STAKEHOLDER = b"name: Ministry of Energy\nsector: public\n"
BUILD_INPUTS = {
    "crlf-and-rtl": ({**CONTEXT, "stakeholders/moe.yml": f"name: {make_corpus.RTL}\r\nsector: public\r\n".encode(),
                      "stories/x.md": f"---\r\ntitle: {make_corpus.EMOJI} {make_corpus.BIDI_OVERRIDE}\r\n"
                                      "date: 2025-03-01\r\n---\r\nBody\r\n".encode()}, None),
    # failed until cee5b1d
    "no-context-page": ({}, None),
    # check refuses it since cee5b1d
    "amount-1e28": ({**CONTEXT, "stakeholders/moe.yml": STAKEHOLDER + b"contributions: [{kind: financial, "
                     b"amount: 1e28}]\n"}, None),
    # check refuses it since cee5b1d
    "amount-huge-int": ({**CONTEXT, "stakeholders/moe.yml": STAKEHOLDER + b"contributions: [{kind: financial, "
                         b"amount: " + b"9" * 400 + b"}]\n"}, None),
    # check refuses it since cee5b1d
    "measurement-1e25": ({**CONTEXT, "goals/g.yml": b"title: G\noutcomes: [{id: o, title: O, indicators: [{id: i, "
                          b"title: I, baseline: {value: 0, date: 2020-01-01}, target: {value: 10, date: "
                          b"2025-01-01}, measurements: [{date: 2021-01-01, value: 1e25}]}]}]\n"}, None),
    # check refuses it since cee5b1d
    "target-huge-int": ({**CONTEXT, "goals/g.yml": b"title: G\noutcomes: [{id: o, title: O, indicators: [{id: i, "
                         b"title: I, baseline: {value: 0, date: 2020-01-01}, target: {value: " + b"9" * 400 +
                         b", date: 2025-01-01}, measurements: [{date: 2021-01-01, value: 5}]}]}]\n"}, None),
    # check refuses it since cee5b1d
    "escaped-surrogate": ({**CONTEXT, "stakeholders/moe.yml": b'name: "Mini\\ud800stry"\nsector: public\n'}, None),
    # crashed with KeyError 'source' until d99033c
    "income-source-hidden": ({**CONTEXT, "stakeholders/moe.yml": STAKEHOLDER + b"visibility: internal\n",
                              "budget/2025.yml": b"period: {start: 2025-01-01, end: 2025-12-31}\n"
                                                 b"income: [{source: moe, kind: cash, status: received, amount: 5}]\n"},
                             None),
    # crashed build (format_percent) until 7292880
    "planned-tiny": ({**CONTEXT, "budget/2025.yml": b"period: {start: 2025-01-01, end: 2025-12-31}\n"
                      b"expenditure: [{category: other, planned: 1e-300, actual: 5}]\n"}, None),
    # crashed build (format_percent) until 7292880
    "indicator-tiny-span": ({**CONTEXT, "goals/g.yml": b"title: G\noutcomes: [{id: o, title: O, indicators: [{id: i, "
                             b"title: I, baseline: {value: 0, date: 2020-01-01}, target: {value: 1e-300, date: "
                             b"2025-01-01}, measurements: [{date: 2021-01-01, value: 1000000}]}]}]\n"}, None),
    "iati-incomplete": ({"mspsite.yml": b"title: T\nlanguages: [en]\ncurrency: EUR\niati:\n"
                         b"  identifier: XM-DAC-41114-X\n  reporting_org: {ref: XM-DAC-41114, type: 40, name: UNDP}\n"},
                        None),
    "escaped-control-characters": ({**CONTEXT, "stakeholders/moe.yml": b'name: "Mini\\x01stry\\x7f\\x9b"\n'
                                    b"sector: public\n"}, None),
}


@pytest.mark.parametrize("name", [pytest.param(n, marks=[pytest.mark.xfail(strict=True, reason=why)] if why else [])
                                  for n, (_, why) in BUILD_INPUTS.items()])
def test_checked_partnership_builds(name, tmp_path):
    """What check accepts, build must build (or refuse with a message, never a traceback);
    what check refuses, it refuses with well-formed diagnostics."""
    files, _ = BUILD_INPUTS[name]
    root = tmp_path / "project"
    for rel, content in {**make_corpus.TEMPLATE, **files}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    report = check(root)
    if report.errors:
        assert all(SHAPE.match(line) for line in report.format("text").split("\n")), report.format("text")
        return
    with _alarm(HANG_LIMIT):
        try:
            site = portal_in_memory(root)
        except MspsiteError as exc:   # a refusal with a message is fine; a crash is not
            pytest.fail(f"build refused a partnership that check accepted: {exc}")
    assert site.site.pages and "index.html" in site.files


# Every valid case of the corpus, and one accepted case of each other category, must build too.
OK_BUILDS = [c for c in CASES if c.category == "valid" and not c.heavy] + \
    [next(c for c in CASES if c.category == cat and c.expect != "error" and not c.heavy and not c.setup)
     for cat in sorted({c.category for c in CASES if c.category != "valid" and c.expect != "error" and not c.heavy
                        and not c.setup})]
BUILD_XFAIL: dict[str, str] = {}


@pytest.mark.parametrize("case", [pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=BUILD_XFAIL[
    c.name])] if c.name in BUILD_XFAIL else []) for c in OK_BUILDS])
def test_accepted_case_builds(case, tmp_path):
    root = make_corpus.materialise(case, tmp_path / "project")
    assert not check(root).errors
    with _alarm(HANG_LIMIT):
        try:
            site = portal_in_memory(root)
        except MspsiteError as exc:
            pytest.fail(f"build refused a partnership that check accepted: {exc}")
    assert site.site.pages and "index.html" in site.files
