"""`mspsite serve`: a real server in a subprocess, real HTTP, real edits of a copied
partnership folder. One server is shared by the tests in file order (each undoes its
edits), because a first build costs seconds."""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import SAMPLE, SOURCE_DATE_EPOCH
from mspsite.serve import LiveSite
from mspsite.render import RenderedSite

pytestmark = pytest.mark.xdist_group("serve")   # one server is shared by the tests in file order

ROOT = Path(__file__).parent.parent
STAKEHOLDER = "stakeholders/gesi-safi-lpg.yml"
PAGE = "/partners/gesi-safi-lpg/"
NAME = "Gesi Safi LPG Distributors"
RENAMED = "Gesi Safi Gas Company"
TIMEOUT = 20


class Served:
    """`mspsite serve FOLDER --port 0` with its merged stdout and stderr collected line by line."""

    def __init__(self, folder: Path, *args: str):
        self.folder = folder
        env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, "-m", "mspsite", "serve", str(folder), "--port", "0", *args],
                                     cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._collect, daemon=True)
        self.reader.start()
        match = self.wait_output(r"http://127\.0\.0\.1:(\d+)/", 60)
        self.port = int(match.group(1))

    def _collect(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    def wait_output(self, pattern: str, timeout: float = TIMEOUT, start: int = 0) -> re.Match:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if match := re.search(pattern, "".join(self.lines[start:])):
                return match
            assert self.proc.poll() is None, f"serve exited with {self.proc.returncode}:\n{self.output}"
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} in the output within {timeout} s:\n{self.output}")

    def get(self, path: str) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", path)   # sent as is: no client-side normalising of '..'
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
        finally:
            conn.close()

    def poll(self, path: str, check, timeout: float = TIMEOUT) -> tuple[int, dict, str]:
        """GET path until check(status, body) holds; edits take a debounce and a rebuild to show."""
        deadline = time.monotonic() + timeout
        while True:
            status, headers, body = self.get(path)
            if check(status, body):
                return status, headers, body
            if time.monotonic() > deadline:
                raise AssertionError(f"GET {path} still {status} after {timeout} s:\n{body[-2000:]}\n{self.output}")
            time.sleep(0.2)

    def events(self, query: str = "") -> "Events":
        return Events(self.port, query)


class Events:
    """A Server-Sent Events stream, read one event at a time."""

    def __init__(self, port: int, query: str):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
        self.conn.request("GET", "/__mspsite__/events" + query)
        self.sock = self.conn.sock   # the response takes it over: the stream is HTTP/1.0, open until closed
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type").startswith("text/event-stream")

    def next(self, timeout: float = TIMEOUT) -> tuple[str, dict] | None:
        """The next (event, data), skipping comments; None when nothing comes within timeout
        (after which the stream cannot be read any more)."""
        self.sock.settimeout(timeout)
        name, data = None, ""
        try:
            while line := self.response.readline().decode():
                line = line.rstrip("\n")
                if line.startswith("event:"):
                    name = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    data += line.split(":", 1)[1].strip()
                elif not line and name:
                    return name, json.loads(data or "{}")
        except TimeoutError:
            return None
        return None

    def until(self, wanted: str, timeout: float = TIMEOUT) -> dict:
        deadline = time.monotonic() + timeout
        while (event := self.next(max(0.1, deadline - time.monotonic()))) is not None:
            if event[0] == wanted:
                return event[1]
        raise AssertionError(f"no '{wanted}' event within {timeout} s")

    def close(self) -> None:
        self.response.close()
        self.conn.close()


def _listing(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve") / "partnership"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("site", ".mspsite-*"))
    server = Served(folder)
    server.listing = _listing(folder)
    yield server
    if server.proc.poll() is None:
        server.proc.kill()
        server.proc.wait()


def _edit(folder: Path, rel: str, old: str, new: str) -> str:
    """Replace text in a file; returns the original to restore."""
    path = folder / rel
    original = path.read_text(encoding="utf-8")
    assert old in original
    path.write_text(original.replace(old, new, 1), encoding="utf-8")
    return original


def test_serves_the_portal_from_memory(served):
    status, headers, body = served.get("/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Clean Cooking Partnership Kenya" in body
    assert '<script src="/__mspsite__/reload.js"' in body and "<script>" not in body.split("reload.js")[1]

    status, _, body = served.get(PAGE)
    assert status == 200 and NAME in body
    assert re.search(r'data-page="partners/gesi-safi-lpg/index.html" data-token="[^"]+"></script>\s*</body>', body)

    status, headers, _ = served.get(PAGE.rstrip("/"))
    assert status == 301 and headers["Location"] == PAGE

    status, _, body = served.get("/nope/")
    assert status == 404 and "Page not found" in body and "/__mspsite__/reload.js" in body

    status, headers, body = served.get("/assets/portal.css")
    assert status == 200 and headers["Content-Type"].startswith("text/css") and "reload.js" not in body
    status, headers, body = served.get("/__mspsite__/reload.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript") and "EventSource" in body
    assert headers["Cache-Control"] == "no-store"

    status, headers, body = served.get("/media/stories/sensor.svg")   # a copy, read from the folder
    assert status == 200 and headers["Content-Type"] == "image/svg+xml"
    assert body == (served.folder / "media/stories/sensor.svg").read_text(encoding="utf-8")

    # Only the built portal is served: not the sources, nothing above the folder.
    for path in ("/mspsite.yml", "/../mspsite.yml", "/%2e%2e/%2e%2e/etc/passwd", "/media/../mspsite.yml"):
        status, _, body = served.get(path)
        assert status == 404 and "Page not found" in body, path


def _get_as(port: int, path: str, *hosts: str) -> tuple[int, dict, str]:
    """GET path with these Host headers (none, one or several), as a DNS-rebinding page's browser sends them."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_host=True)
        for host in hosts:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        conn.close()


def test_answers_only_requests_addressed_to_this_computer(served):
    port = served.port
    start = len(served.lines)
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
        status, _, body = _get_as(port, PAGE, host)
        assert status == 200 and NAME in body, host
    refused = [("attacker.example",), (f"attacker.example:{port}",), (f"127.0.0.1.attacker.example:{port}",),
               ("127.0.0.1",), (f"localhost:{port + 1}",), (f"localhost.:{port}",), (), (f"127.0.0.1:{port}", "x")]
    for hosts in refused:
        for path in (PAGE, "/media/stories/sensor.svg", "/__mspsite__/reload.js", "/__mspsite__/events"):
            status, headers, body = _get_as(port, path, *hosts)
            assert (status, headers["Content-Type"]) == (403, "text/plain; charset=utf-8"), (hosts, path)
            assert body == f"mspsite serve answers only requests addressed to this computer: open " \
                           f"http://127.0.0.1:{port}/\n"
    served.wait_output(r"refused a request for host 'attacker\.example:\d+': only this computer's own names are "
                       r"answered \(a web page elsewhere may be trying to read the preview\)", start=start)
    assert served.output[sum(map(len, served.lines[:start])):].count("'attacker.example'") == 1   # said once


def test_sends_the_portal_policy_as_headers(served):
    from mspsite.csp import POLICY

    for path in ("/", PAGE, "/media/stories/sensor.svg", "/nope/", "/__mspsite__/reload.js"):
        _, headers, _ = served.get(path)
        assert headers["Content-Security-Policy"] == POLICY + "; frame-ancestors 'self'", path
        assert headers["X-Content-Type-Options"] == "nosniff", path


def test_reload_script_and_search_run_under_the_policy(served, browser):
    """In Chromium, with the policy as headers (which, unlike the <meta>, also govern Pagefind's
    worker and its WebAssembly): serve's reload script connects, search answers, nothing is blocked."""
    context = browser.new_context()
    context.add_init_script("window.__violations = []; document.addEventListener('securitypolicyviolation', "
                            "e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));")
    try:
        tab = context.new_page()
        errors: list[str] = []
        tab.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        with tab.expect_request(re.compile(r".*/__mspsite__/events\?page=search%2Findex\.html&token=.*")):
            tab.goto(f"http://127.0.0.1:{served.port}/search/?q=charcoal")
        tab.locator("#search-results li a").first.wait_for(timeout=15_000)
        assert tab.evaluate("window.__violations") == []
        assert not [e for e in errors if "Content Security Policy" in e or "WebAssembly" in e], errors
    finally:
        context.close()


def test_an_edit_shows_and_reloads_the_pages_it_changed(served):
    token = re.search(r'data-token="([^"]+)"', served.get(PAGE)[2]).group(1)
    every_build = served.events()
    this_page = served.events(f"?page=partners/gesi-safi-lpg/index.html&token={token}")
    start = len(served.lines)
    _edit(served.folder, STAKEHOLDER, f"name: {NAME}", f"name: {RENAMED}")   # kept: a rebuild less to wait for
    try:
        served.poll(PAGE, lambda status, body: status == 200 and RENAMED in body)
        build = every_build.until("build")
        assert build["ok"] and build["pages_changed"] > 0
        assert this_page.until("reload") == {}
        served.wait_output(r"rebuilt in \d+\.\d s: \d+ pages changed", start=start)
    finally:
        every_build.close()
        this_page.close()


def test_a_broken_edit_shows_its_diagnostics_until_fixed(served):
    events = served.events()
    start = len(served.lines)
    original = _edit(served.folder, STAKEHOLDER, "sector: private", "sector: <b>privat</b>")
    try:
        status, _, body = served.poll(PAGE, lambda status, body: "gesi-safi-lpg.yml:4:9" in body)
        assert status == 500
        assert "&#x27;sector&#x27; must be one of" in body
        assert "&lt;b&gt;privat&lt;/b&gt;" in body and "<b>privat</b>" not in body   # escaped, not markup
        assert f'href="{PAGE}?mspsite-last-good"' in body and "/__mspsite__/reload.js" in body
        assert events.until("build")["ok"] is False

        status, _, body = served.get(PAGE + "?mspsite-last-good")   # the last good build is still there
        assert status == 200 and RENAMED in body and "mspsite-serve-banner" in body
        assert served.get("/assets/portal.css")[0] == 200
        assert served.get("/")[0] == 500

        assert served.proc.poll() is None
        served.wait_output(r"gesi-safi-lpg\.yml:4:9: error: 'sector' must be one of .*found '<b>privat</b>'",
                           start=start)
        served.wait_output(r"not built: 1 error, 0 warnings; still serving the last good build", start=start)
    finally:
        (served.folder / STAKEHOLDER).write_text(original, encoding="utf-8")
    status, _, body = served.poll(PAGE, lambda status, body: status == 200)
    assert RENAMED in body and "mspsite-serve-banner" not in body
    assert events.until("build")["ok"] is True
    events.close()
    served.wait_output(r"rebuilt in \d+\.\d s: the errors are fixed", start=start)


def test_a_broken_template_keeps_the_server_alive(served):
    """A template error in overrides/ is shown with its place, like a content error, and serve survives it."""
    overrides = served.folder / "overrides"
    overrides.mkdir()
    start = len(served.lines)
    (overrides / "404.html").write_text('{% extends "base.html" %}{% block content %}{% oops %}{% endblock %}')
    try:
        status, _, body = served.poll("/", lambda status, body: "error: template:" in body)
        assert status == 500 and "overrides/404.html:1:1: error: template: " in body
        served.wait_output(r"overrides/404\.html:1:1: error: template: ", start=start)
        assert served.proc.poll() is None
    finally:
        shutil.rmtree(overrides)
    served.poll("/", lambda status, body: status == 200)
    assert "Traceback" not in served.output


def test_the_folder_is_never_written_to(served):
    assert not (served.folder / "site").exists()
    assert _listing(served.folder) == served.listing


def test_ctrl_c_stops_cleanly(served):
    served.proc.send_signal(signal.SIGINT)
    assert served.proc.wait(timeout=10) == 0
    served.reader.join(timeout=5)   # the rest of the output
    assert "mspsite serve: stopped" in served.output and "Traceback" not in served.output


def test_a_failing_first_build_is_served_and_recovers(tmp_path):
    folder = tmp_path / "partnership"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("site", ".mspsite-*"))
    original = _edit(folder, STAKEHOLDER, "sector: private", "sector: privat")
    server = Served(folder)
    try:
        status, _, body = server.get(PAGE)
        assert status == 500 and "gesi-safi-lpg.yml:4:9" in body and "no good build yet" in body
        assert server.get("/assets/portal.css")[0] == 500   # nothing else to serve yet
        (folder / STAKEHOLDER).write_text(original, encoding="utf-8")
        server.poll(PAGE, lambda status, body: status == 200 and NAME in body)
        server.proc.send_signal(signal.SIGINT)
        assert server.proc.wait(timeout=10) == 0
    finally:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


def test_a_taken_port_is_said_clearly(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "mspsite", "serve", str(tmp_path), "--port", str(port)],
                                cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert f"port {port} is already in use" in result.stderr and "--port 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_only_pages_whose_bytes_changed_get_a_new_version(tmp_path):
    """The comparison behind "N pages changed" and per-page reloads, without a server."""
    live = LiveSite(tmp_path, "public")
    first = live._publish(RenderedSite({"a/index.html": b"a", "b/index.html": b"b", "pagefind/x.pf_index": b"1",
                                        "assets/portal.css": b"css"}, {}))
    assert (first.pages, first.others) == (2, 2)
    before = live.snapshot
    changes = live._publish(RenderedSite({"a/index.html": b"a", "b/index.html": b"B", "pagefind/x.pf_index": b"2",
                                          "assets/portal.css": b"css", "c/index.html": b"c"}, {}))
    after = live.snapshot
    assert (changes.pages, changes.others) == (2, 1)      # b changed, c is new; the search index changed
    assert after.token("a/index.html") == before.token("a/index.html")   # an open a/ does not reload
    assert after.token("b/index.html") != before.token("b/index.html")
    live._publish(RenderedSite({"a/index.html": b"a", "b/index.html": b"B", "c/index.html": b"c",
                                "assets/portal.css": b"new css"}, {}))
    assert live.snapshot.token("a/index.html") != after.token("a/index.html")   # restyled: every page reloads


def test_a_search_index_overtaken_by_a_later_build_is_dropped(tmp_path):
    """Indexes are made beside the next rebuilds: one finished after a newer build was served
    would put the old pages back, so it is not published."""
    live = LiveSite(tmp_path, "public")
    live._publish(RenderedSite({"a/index.html": b"old"}, {}))
    made_for = live.snapshot.build
    live._publish(RenderedSite({"a/index.html": b"new"}, {}))
    late = live._publish(RenderedSite({"a/index.html": b"old", "pagefind/x.pf_index": b"1"}, {}), same_build=made_for)
    assert (late.pages, late.others) == (0, 0)
    assert live.snapshot.files == {"a/index.html": b"new"} and live.snapshot.build == made_for + 1
    live._publish(RenderedSite({"a/index.html": b"new", "pagefind/x.pf_index": b"2"}, {}), same_build=made_for + 1)
    assert live.snapshot.files["pagefind/x.pf_index"] == b"2" and live.snapshot.build == made_for + 1


def test_an_edit_is_served_before_the_search_index_and_the_index_follows(tmp_path, monkeypatch):
    """Each rebuild publishes the pages first (with the last index), then its own search index as part
    of the same build: browsers get one `build` event, and search finds the edit."""
    from conftest import STARTER

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    shutil.copytree(STARTER, tmp_path / "p")
    live = LiveSite(tmp_path / "p", "public")
    published = []
    real = live._publish
    monkeypatch.setattr(live, "_publish", lambda rendered, same_build=None: published.append(
        (same_build is not None, any(rel.startswith("pagefind/") for rel in rendered.files))) or real(rendered, same_build))
    live.rebuild(first=True)
    assert live.indexed(timeout=60)
    index = {rel: data for rel, data in live.snapshot.files.items() if rel.startswith("pagefind/")}
    story = next((tmp_path / "p" / "stories").glob("*.md"))
    story.write_text(story.read_text() + "\nThe word quetzalcoatl, new in this edit.\n")
    live.rebuild()
    assert live.indexed(timeout=60)
    assert published == [(False, False), (True, True), (False, True), (True, True)]
    assert live.snapshot.build == 2 and not live.snapshot.problems
    after = {rel: data for rel, data in live.snapshot.files.items() if rel.startswith("pagefind/")}
    assert after.keys() != index.keys() or after != index   # the index was made again, with the edit
