import functools
import http.server
import shutil
import threading
from pathlib import Path

import pytest


def pytest_addoption(parser):
    parser.addoption("--regenerate", action="store_true",
                     help="Rewrite golden files (expected-diagnostics.txt, golden sites) from the current output.")


@pytest.fixture
def regenerate(request) -> bool:
    return request.config.getoption("--regenerate")


# -- a built sample portal, shared by the site, browser and HTML-checker tests ---------------
ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sample-partnership"
# Builds are reproducible: "today" is fixed, so golden output and "upcoming events" do not drift.
SOURCE_DATE_EPOCH = "1795824000"   # 2026-11-28
SUB_PATH = "/ccpk/"                # project GitHub Pages sites live under /<repo>/


STARTER = ROOT / "mspsite" / "starter"


def edited_starter(dest: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    """A copy of the starter partnership at dest with text replaced: {file: [(old, new), ...]};
    each old text must be there, so a changed starter fails loudly instead of testing nothing."""
    shutil.copytree(STARTER, dest)
    for rel, pairs in edits.items():
        text = (dest / rel).read_text()
        for old, new in pairs:
            assert old in text, (rel, old)
            text = text.replace(old, new)
        (dest / rel).write_text(text)
    return dest


def build_reproducibly(src: Path, out: Path) -> Path:
    """A public build of src into out on the fixed "today", without git dates, for fixtures
    that outlive a test's monkeypatch."""
    from mspsite.build import build

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        build(src, out, history=False)
    return out


def portal_in_memory(src: Path, clearance: str = "public"):
    """A partnership's portal as the build would write it, in memory (no git dates, no search index)."""
    from mspsite.build import make_portal
    from mspsite.settings import resolve_settings

    return make_portal(resolve_settings(src, clearance=clearance, history=False, search=False))[0]


@pytest.fixture(scope="session")
def built_sample(tmp_path_factory) -> Path:
    """The sample partnership built once per test session (public clearance, no git dates)."""
    return build_reproducibly(SAMPLE, tmp_path_factory.mktemp("sample") / "site")


class _SubPathHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder under a sub-path only, like GitHub Pages serves a project site;
    anything outside the sub-path is a 404, so a root-relative link fails the tests."""

    def translate_path(self, path):
        if not path.startswith(SUB_PATH):
            return str(Path(self.directory) / "__outside_sub_path__")
        return super().translate_path("/" + path[len(SUB_PATH):])

    def send_error(self, code, message=None, explain=None):
        if code == 404 and (Path(self.directory) / "404.html").is_file():
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served_sample(built_sample):
    """Base URL of the built sample served on 127.0.0.1 under /ccpk/."""
    handler = functools.partial(_SubPathHandler, directory=str(built_sample))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}{SUB_PATH}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not possible here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                           "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()
