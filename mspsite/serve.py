"""`mspsite serve`: the portal built in memory, served on 127.0.0.1, rebuilt when a
file of the partnership folder changes, and reloaded in the browser.

Nothing is written to disk: the served files are the `RenderedSite` of the last
build, so a preview can never be mistaken for (or overwrite) a published site.
Every rebuild re-renders the whole portal (a few seconds on the sample); what is
incremental is what follows: each output file carries the build number in which
its bytes last changed, and only browsers showing a changed page reload."""

from __future__ import annotations

import errno
import html
import json
import mimetypes
import os
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import click

from .build import make_portal
from .csp import HEADERS
from .errors import ContentError, MspsiteError
from .folder import BUILD_MARKER, DEFAULT_OUTPUT, is_inside, is_output, skipped_file, skipped_folder
from .outputs.search import OUTPUT as SEARCH_FOLDER, index_pages
from .render import RenderedSite
from .settings import resolve_settings

HOST = "127.0.0.1"
# The names a browser on this machine uses for the preview. Any other Host header is a page
# elsewhere reaching it through DNS rebinding (its own name, resolved to 127.0.0.1), and
# would read a --clearance preview: refused.
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")
INTERNAL = "/__mspsite__/"          # no portal file lives here: output paths never start with '_'
LAST_GOOD = "mspsite-last-good"     # query parameter: show the last good build despite errors
KEEP_ALIVE = 15                     # seconds between SSE comments, so closed tabs free their thread
# Files whose change restyles every page, so every open page reloads. Not the search
# index (pagefind/) or open data: those change on most edits and no page embeds them.
PAGE_RESOURCES = (".css", ".js", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".ico",
                  ".woff", ".woff2")
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".js": "text/javascript; charset=utf-8", ".json": "application/json", ".svg": "image/svg+xml",
         ".xml": "application/xml", ".csv": "text/csv; charset=utf-8", ".txt": "text/plain; charset=utf-8",
         ".webmanifest": "application/manifest+json", ".wasm": "application/wasm"}

# External files, not inline code, so a portal whose pages set a Content-Security-Policy
# (script-src 'self') still reloads.
RELOAD_JS = b"""// mspsite serve: reload this page when a rebuild changed it. Never part of a built portal.
(function () {
  var me = document.currentScript;
  var query = "?page=" + encodeURIComponent(me.dataset.page) + "&token=" + encodeURIComponent(me.dataset.token);
  var events = new EventSource("/__mspsite__/events" + query);
  events.addEventListener("reload", function () { events.close(); location.reload(); });
})();
"""
SERVE_CSS = b"""/* mspsite serve: the error page and the last-good banner. Never part of a built portal. */
.mspsite-serve-error { font: 16px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem;
  color: #1a1a1a; }
.mspsite-serve-error h1 { color: #a4000f; font-size: 1.6rem; }
.mspsite-serve-error ol { padding-left: 1.5rem; }
.mspsite-serve-error li { margin: .5rem 0; }
.mspsite-serve-error code { font: 14px/1.4 ui-monospace, monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
.mspsite-serve-banner { position: fixed; bottom: 0; left: 0; right: 0; z-index: 2147483647; margin: 0;
  padding: .6rem 1rem; background: #a4000f; color: #fff; font: 15px/1.4 system-ui, sans-serif; }
.mspsite-serve-banner a { color: #fff; font-weight: bold; }
"""


@dataclass(frozen=True)
class Snapshot:
    """What is served: replaced as a whole and never changed, so a request that reads
    one snapshot sees one build throughout, never half of the next."""

    files: dict[str, bytes] = field(default_factory=dict)   # of the last good build
    copies: dict[str, Path] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)  # output path -> build its content last changed in
    signatures: dict[str, object] = field(default_factory=dict)  # what "changed" is decided on
    resources: int = 0          # build in which something every page uses (CSS, JS, images) last changed
    build: int = 0              # counts finished builds, good or failed
    problems: tuple[str, ...] = ()   # diagnostics of the latest build when it failed
    summary: str = ""
    problem_version: int = 0    # build in which `problems` last changed (appeared, differed or went away)
    changed: int = 0            # pages this build changed

    def token(self, page: str) -> str:
        """What a browser showing `page` has seen; when it differs, that browser reloads."""
        return f"{self.versions.get(page, 0)}.{self.resources}.{self.problem_version}"


@dataclass(frozen=True)
class Changes:
    pages: int
    others: int


class LiveSite:
    """The latest snapshot of one partnership folder, and the rebuilds that replace it."""

    def __init__(self, src: Path, clearance: str, debug: bool = False):
        self.src = Path(os.path.abspath(src))
        self.root = os.path.normpath(str(src))   # diagnostics name files as `mspsite check DIR` does
        self.clearance = clearance
        self.debug = debug
        self.snapshot = Snapshot()
        self.stopping = threading.Event()
        self._published = threading.Condition()
        self._building = threading.Lock()     # the first build and the watcher's rebuilds never overlap
        self._warnings = ""
        self._watcher: threading.Thread | None = None
        self._indexing = threading.Condition()   # guards the two below
        self._waiting: tuple[RenderedSite, int] | None = None   # the latest build still without its index
        self._indexer: threading.Thread | None = None

    # -- building ------------------------------------------------------------------------
    def rebuild(self, first: bool = False) -> None:
        """Build, publish the result, and say in the terminal what happened."""
        with self._building:
            started = time.perf_counter()
            try:
                # settings again each time: an edit to mspsite.yml is a change like any other. The search
                # index is made after the pages are served (_index): an edit shows without waiting for it
                rendered, report = make_portal(resolve_settings(self.src, clearance=self.clearance, search=False))
                pages = rendered.pages
            except ContentError as exc:
                self._fail(tuple(d.format_text(self.root) for d in exc.report.sorted()), exc.report.summary())
                return
            except MspsiteError as exc:
                self._fail((exc.format_message(),), "1 error")
                return
            except Exception as exc:  # a bug in mspsite, or a template error: keep serving the last good build
                self._fail((f"the build crashed: {type(exc).__name__}: {exc}",), "an unexpected error", crashed=exc)
                return
            seconds = time.perf_counter() - started
            recovered = bool(self.snapshot.problems)
            indexes = tuple(v.site.settings.prefix + SEARCH_FOLDER + "/" for v in rendered.versions or (rendered,))
            old_index = {rel: data for rel, data in self.snapshot.files.items() if rel.startswith(indexes)}
            changes = self._publish(replace(rendered, files={**old_index, **rendered.files}))
            self._say_warnings(report)
            if first:
                click.echo(f"Built {pages} pages in {seconds:.1f} s.")
            elif not self.stopping.is_set():
                fixed = "the errors are fixed; " if recovered else ""
                others = f" ({changes.others} other file{'s' * (changes.others != 1)})" if changes.others else ""
                click.echo(f"rebuilt in {seconds:.1f} s: {fixed}{changes.pages} page"
                           f"{'s' * (changes.pages != 1)} changed{others}")
            if first:   # the address is given once search works too; later indexes follow their pages
                self._index(rendered, self.snapshot.build)
            else:
                self._index_later(rendered, self.snapshot.build)

    # -- the search index, made beside the next rebuilds ---------------------------------------
    def _index_later(self, rendered: RenderedSite, build: int) -> None:
        """Make the search index of a build in the background: the next edit is rebuilt meanwhile.
        One index is made at a time, always of the latest build; one overtaken while made is dropped."""
        with self._indexing:
            self._waiting = (rendered, build)
            if self._indexer is None:
                self._indexer = threading.Thread(target=self._index_waiting, name="mspsite-search-index",
                                                 daemon=True)
                self._indexer.start()

    def _index_waiting(self) -> None:
        while True:
            with self._indexing:
                if self._waiting is None or self.stopping.is_set():
                    self._indexer = None
                    self._indexing.notify_all()
                    return
                (rendered, build), self._waiting = self._waiting, None
            self._index(rendered, build)

    def indexed(self, timeout: float | None = None) -> bool:
        """Wait until the latest build's search index is made (or given up); False on timeout."""
        with self._indexing:
            return self._indexing.wait_for(lambda: self._indexer is None, timeout)

    def _index(self, rendered: RenderedSite, build: int) -> None:
        """The search index of the pages just served, published when it is made (browsers showing a
        page do not reload for it); if it cannot be made, search keeps the last index."""
        try:
            index = {}
            for version in rendered.versions or (rendered,):   # one index per language, in its portal's folder
                prefix = version.site.settings.prefix
                index.update({prefix + rel: data for rel, data in
                              index_pages(version.files, version.site.partnership.language).items()})
        except MspsiteError as exc:
            if not self.stopping.is_set():
                click.echo(f"mspsite serve: {exc.format_message()}; search shows the last index", err=True)
            return
        self._publish(replace(rendered, files={**rendered.files, **index}), same_build=build)

    def _publish(self, rendered: RenderedSite, same_build: int | None = None) -> Changes:
        """Serve a new snapshot; same_build (a build number) for what completes that build (its search
        index): no news for the browsers, which reload only for the pages they show. Dropped if a
        later build was served meanwhile."""
        with self._published:
            old = self.snapshot
            if same_build is not None and old.build != same_build:
                return Changes(0, 0)
            return self._publish_over(old, rendered, same_build is not None)

    def _publish_over(self, old: Snapshot, rendered: RenderedSite, same_build: bool) -> Changes:
        build = old.build if same_build else old.build + 1
        signatures: dict[str, object] = dict(rendered.files)  # the bytes themselves: no copy is made
        for rel, source in rendered.copies.items():
            try:
                stat = source.stat()
                signatures[rel] = (str(source), stat.st_mtime_ns, stat.st_size)
            except OSError:
                signatures[rel] = (str(source),)
        changed = {rel for rel in signatures.keys() | old.signatures.keys()
                   if signatures.get(rel) != old.signatures.get(rel)}
        versions = {rel: build if rel in changed else old.versions[rel] for rel in signatures}
        pages = sum(rel.endswith(".html") for rel in changed)
        restyled = any(rel.endswith(PAGE_RESOURCES) and not rel.startswith("pagefind/") for rel in changed)
        self._swap(Snapshot(dict(rendered.files), dict(rendered.copies), versions, signatures,
                            resources=build if restyled else old.resources, build=build,
                            problem_version=build if old.problems else old.problem_version,
                            changed=old.changed if same_build else pages))
        return Changes(pages, len(changed) - pages)

    def _fail(self, problems: tuple[str, ...], summary: str, crashed: Exception | None = None) -> None:
        old = self.snapshot
        build = old.build + 1
        self._swap(replace(old, build=build, problems=problems, summary=summary, changed=0,
                           problem_version=build if problems != old.problems else old.problem_version))
        if self.stopping.is_set():   # Ctrl-C also stops the search indexer mid-build: no news
            return
        if crashed is not None and self.debug:
            click.echo("".join(traceback.format_exception(crashed)), err=True, nl=False)
        elif crashed is not None:
            click.echo(f"mspsite serve: {problems[0]} (run with --debug for the traceback)", err=True)
        else:
            click.echo("\n".join(problems), err=True)
        kept = "still serving the last good build" if old.files else "no good build yet"
        click.echo(f"mspsite serve: not built: {summary}; {kept}; pages show the errors until they are fixed",
                   err=True)

    def _say_warnings(self, report) -> None:
        """Warnings once, and again only when they change, so rebuilds do not repeat them."""
        text = report.format("text", self.root) if report.warnings else ""
        if text and text != self._warnings:
            click.echo(text, err=True)
        self._warnings = text

    def _swap(self, snapshot: Snapshot) -> None:
        with self._published:
            self.snapshot = snapshot   # one reference assignment: readers see the old build or the new one
            self._published.notify_all()

    def wait(self, build: int, timeout: float) -> Snapshot:
        """The snapshot after build `build`, or the current one after timeout."""
        with self._published:
            self._published.wait_for(lambda: self.snapshot.build != build or self.stopping.is_set(), timeout)
            return self.snapshot

    # -- watching ------------------------------------------------------------------------
    def watch(self) -> None:
        self._watcher = threading.Thread(target=self._watch, name="mspsite-watch", daemon=True)
        self._watcher.start()

    def _watch(self) -> None:
        from watchfiles import watch

        try:
            for _ in watch(self.src, watch_filter=self.relevant, stop_event=self.stopping):
                self.rebuild()
        except Exception as exc:  # e.g. the system's limit of watched folders
            if not self.stopping.is_set():
                click.echo(f"mspsite serve: stopped watching for changes ({exc}); restart to see new edits",
                           err=True)

    def relevant(self, change, path: str) -> bool:
        """Changes to the content: not to the output folder, dot-folders (.git, the
        output's temporary folders), folders mspsite built, or editor backups."""
        try:
            parts = Path(path).relative_to(self.src).parts
        except ValueError:
            return False
        if not parts:
            return True
        if is_output("/".join(parts), DEFAULT_OUTPUT) or any(map(skipped_folder, parts)) or skipped_file(parts[-1]):
            return False
        return not any((self.src.joinpath(*parts[:i]) / BUILD_MARKER).exists() for i in range(1, len(parts)))

    def stop(self) -> None:
        self.stopping.set()
        self.indexed(timeout=5)   # Pagefind is stopped with the process group; don't publish after it
        with self._published:
            self._published.notify_all()   # open event streams end
        if self._watcher is not None:
            self._watcher.join(timeout=1)


# -- serving ---------------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True   # an open event stream must not hold up Ctrl-C
    live: LiveSite

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refused: set[str] = set()   # Host headers refused, each said once

    def handle_error(self, request, client_address) -> None:
        """A browser that went away is normal; anything else is one line, not a traceback."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        if self.live.debug:
            super().handle_error(request, client_address)
        else:
            click.echo(f"mspsite serve: error answering a request: {type(exc).__name__}: {exc}", err=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "mspsite-serve"

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def log_message(self, format, *args) -> None:
        if self.server.live.debug:
            super().log_message(format, *args)

    def _answer(self, send_body: bool) -> None:
        if not self._for_this_machine():
            return self._send(403, b"mspsite serve answers only requests addressed to this computer: open "
                              b"http://127.0.0.1:%d/\n" % self.server.server_port, TYPES[".txt"], send_body)
        url = urlsplit(self.path)
        path, query = unquote(url.path), parse_qs(url.query, keep_blank_values=True)
        if path.startswith(INTERNAL):
            return self._internal(path[len(INTERNAL):], query, send_body)
        live = self.server.live
        snap = live.snapshot   # this one build answers the whole request
        rel = _output_path(path)
        if rel and not _exists(snap, rel) and _exists(snap, rel + "/index.html"):
            return self._redirect(quote(path) + "/" + (f"?{url.query}" if url.query else ""))
        status, content = 200, _content(snap, rel, live.src) if rel else None
        if content is None:
            status, rel, content = 404, "404.html", snap.files.get("404.html")
        page = rel.endswith(".html") or content is None
        if page and snap.problems and not (LAST_GOOD in query and snap.files):
            return self._send(500, _error_page(snap, rel, quote(path)), TYPES[".html"], send_body)
        if content is None:   # not even a 404 page: there was no good build
            return self._send(404, b"not found\n", TYPES[".txt"], send_body)
        if page:   # only here, while serving: a built portal never holds this script
            content = _inject(content, _reload_tag(snap, rel) + (_banner(quote(path)) if snap.problems else b""))
        self._send(status, content, _type_of(rel), send_body)

    def _for_this_machine(self) -> bool:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) == 1 and hosts[0].strip().lower() in local_hosts(HOST, self.server.server_port):
            return True
        host = hosts[0][:100] if hosts else "(none)"
        if host not in self.server.refused and len(self.server.refused) < 20:   # once per name: pages retry
            self.server.refused.add(host)
            click.echo(f"mspsite serve: refused a request for host {host!r}: only this computer's own names are "
                       "answered (a web page elsewhere may be trying to read the preview)", err=True)
        return False

    def _internal(self, name: str, query: dict, send_body: bool) -> None:
        if name == "reload.js":
            return self._send(200, RELOAD_JS, TYPES[".js"], send_body)
        if name == "serve.css":
            return self._send(200, SERVE_CSS, TYPES[".css"], send_body)
        if name == "events" and send_body:
            return self._events(query.get("page", [""])[0], query.get("token", [""])[0])
        self._send(404, b"not found\n", TYPES[".txt"], send_body)

    def _events(self, page: str, token: str) -> None:
        """Server-Sent Events: `build` after every build, `reload` when this page changed."""
        live = self.server.live
        snap = live.snapshot   # before answering: a build that ends after the client has connected is news
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(b"retry: 1000\n\n")   # back soon after a restart of serve
        try:
            while not live.stopping.is_set():
                if page and token and snap.token(page) != token:
                    self.wfile.write(b"event: reload\ndata: {}\n\n")
                    return self.wfile.flush()
                seen = snap.build
                snap = live.wait(seen, KEEP_ALIVE)
                if snap.build == seen:
                    self.wfile.write(b": keep-alive\n\n")
                else:
                    data = json.dumps({"build": snap.build, "ok": not snap.problems,
                                       "pages_changed": 0 if snap.problems else snap.changed})
                    self.wfile.write(f"event: build\ndata: {data}\n\n".encode())
                self.wfile.flush()
        except (ConnectionError, TimeoutError):
            return   # the tab was closed

    def _redirect(self, location: str) -> None:
        self.send_response(301)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: int, content: bytes, content_type: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Cache-Control", "no-store")   # a reload must show the new build
        for name, value in HEADERS.items():   # the portal's policy, and no guessing of types
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(content)


def local_hosts(bound: str, port: int) -> set[str]:
    """The Host headers a request to this server from this computer carries: a local name or
    the bound address, with the port (which browsers leave out only for port 80)."""
    names = {*LOCAL_NAMES, f"[{bound}]" if ":" in bound else bound}
    return {f"{name}:{port}" for name in names} | (names if port == 80 else set())


def _output_path(path: str) -> str | None:
    """The output file a URL path names ('/x/' -> 'x/index.html'), or None for a path
    that could step outside the site."""
    if "\\" in path or "\0" in path:
        return None
    parts = [p for p in path.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    rel = "/".join(parts)
    return f"{rel}/index.html" if rel and path.endswith("/") else rel or "index.html"


def _exists(snap: Snapshot, rel: str) -> bool:
    return rel in snap.files or rel in snap.copies


def _content(snap: Snapshot, rel: str, src: Path) -> bytes | None:
    if rel in snap.files:
        return snap.files[rel]
    source = snap.copies.get(rel)
    # The same rule as writing a site: a media file of the folder itself, never a link out of it.
    if source is None or source.is_symlink() or not is_inside(src, source):
        return None
    try:
        return source.read_bytes()
    except OSError:   # deleted since the build
        return None


def _type_of(rel: str) -> str:
    ext = os.path.splitext(rel)[1].lower()
    return TYPES.get(ext) or mimetypes.guess_type(rel)[0] or "application/octet-stream"


def _inject(page: bytes, snippet: bytes) -> bytes:
    at = page.lower().rfind(b"</body>")
    return page + snippet if at < 0 else page[:at] + snippet + page[at:]


def _reload_tag(snap: Snapshot, rel: str) -> bytes:
    return (f'<script src="{INTERNAL}reload.js" data-page="{html.escape(rel)}" '
            f'data-token="{snap.token(rel)}"></script>\n').encode()


def _banner(path: str) -> bytes:
    return (f'<link rel="stylesheet" href="{INTERNAL}serve.css">\n<p class="mspsite-serve-banner" role="alert">'
            f'mspsite serve: the latest edit does not build; this is the last good version. '
            f'<a href="{html.escape(path)}">Show the errors</a></p>\n').encode()


def _error_page(snap: Snapshot, rel: str, path: str) -> bytes:
    items = "\n".join(f"<li><code>{html.escape(p)}</code></li>" for p in snap.problems)
    if snap.files:
        kept = (f'The last good build is still available: <a href="{html.escape(path)}?{LAST_GOOD}">show the last '
                f'good version of this page</a>.')
    else:
        kept = "There is no good build yet: the first build failed."
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed · mspsite serve</title>
<link rel="stylesheet" href="{INTERNAL}serve.css">
</head>
<body class="mspsite-serve-error">
<main>
<h1>The portal could not be built</h1>
<p>Not built: {html.escape(snap.summary)}. Fix the files; this page reloads by itself when the build succeeds.</p>
<ol>
{items}
</ol>
<p>{kept}</p>
</main>
{_reload_tag(snap, rel).decode()}</body>
</html>
""".encode()


def _listen(port: int) -> _Server:
    try:
        return _Server((HOST, port), _Handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise MspsiteError(f"port {port} is already in use on {HOST}: stop the program using it, or choose "
                               "another with --port (--port 0 picks a free one)") from None
        raise MspsiteError(f"cannot listen on {HOST}:{port}: {exc.strerror or exc}") from None


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def serve(src: Path, port: int = 8000, clearance: str = "public", debug: bool = False) -> None:
    """Serve the portal of src until Ctrl-C."""
    live = LiveSite(src, clearance, debug)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)   # `kill` stops as cleanly as Ctrl-C
    server = _listen(port)   # before building, so a taken port is said at once
    server.live = live
    try:
        live.watch()         # before the first build, so an edit made during it is not missed
        click.echo(f"Building {src} ...")
        live.rebuild(first=True)
        click.echo(f"Serving the portal at http://{HOST}:{server.server_port}/ (press Ctrl-C to stop); "
                   f"watching {src} for changes")
        server.serve_forever()
    except KeyboardInterrupt:
        live.stopping.set()  # a rebuild that Ctrl-C cut short has nothing to report
        click.echo("\nmspsite serve: stopped")
    finally:
        live.stop()
        server.server_close()
