"""How long `mspsite serve` takes to show an edit: from saving a story to the served page
holding the new text, polled over HTTP every 10 ms, as a writer with the page open sees it.

`mspsite serve DIR --port 0` runs as a child process (the real command, file watcher
included); its first line naming the address says the first build is done."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .measure import BenchmarkError, mspsite_env

POLL = 0.01        # seconds between requests for the edited page
TIMEOUT = 900      # seconds: a first build of a large portal on a slow machine stays within it
SETTLE = 1.0       # seconds between edits, so the watcher reports each as its own change
SERVING = re.compile(r"Serving the portal at (http://[^/\s]+/)")


@dataclass(frozen=True)
class ServeTimes:
    first_build: float         # seconds from start to serving
    edits: list[float]         # seconds from each save to the page showing it


class Story:
    """A public story of the partnership whose text the benchmark changes (one paragraph added)."""

    def __init__(self, src: Path):
        self.path = next(p for p in sorted((src / "stories").glob("*.md"))
                         if p.name.count(".") == 1 and "\nvisibility:" not in p.read_text().split("\n---\n")[0])
        self.original = self.path.read_text()
        self.url = f"stories/{self.path.stem}/"

    def edit(self, marker: str) -> None:
        self.path.write_text(self.original.rstrip("\n") + f"\n\n{marker}\n")


def measure_serve(src: Path, edits: int) -> ServeTimes:
    story = Story(src)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "mspsite", "serve", str(src), "--port", "0"],
                            env={**mspsite_env(), "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        base, first_build = _wait_for_address(proc, started)
        threading.Thread(target=proc.stdout.read, daemon=True).start()   # keep the pipe from filling up
        times = []
        for n in range(edits):
            marker = f"Benchmark edit {n + 1} at {time.time_ns()}"
            story.edit(marker)
            saved = time.perf_counter()
            _wait_for_text(base + story.url, marker, proc)
            times.append(time.perf_counter() - saved)
            time.sleep(SETTLE)
        return ServeTimes(first_build, times)
    finally:
        story.path.write_text(story.original)
        proc.terminate()   # serve stops cleanly on SIGTERM
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _wait_for_address(proc: subprocess.Popen, started: float) -> tuple[str, float]:
    lines = []
    for line in proc.stdout:
        lines.append(line)
        found = SERVING.search(line)
        if found:
            return found.group(1), time.perf_counter() - started
    raise BenchmarkError("mspsite serve stopped before serving:\n" + "".join(lines)[-3000:])


def _wait_for_text(url: str, text: str, proc: subprocess.Popen) -> None:
    deadline = time.perf_counter() + TIMEOUT
    needle = text.encode()
    while time.perf_counter() < deadline:
        if proc.poll() is not None:
            raise BenchmarkError(f"mspsite serve exited ({proc.returncode}) while rebuilding")
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                if needle in response.read():
                    return
        except urllib.error.HTTPError:
            pass   # 500 while a rebuild fails, 404 before the page exists: keep polling
        time.sleep(POLL)
    raise BenchmarkError(f"the edit did not appear at {url} within {TIMEOUT} s")
