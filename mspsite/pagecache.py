"""Pages kept from one build to the next. A page is rendered again only if something it is made
of changed: its plan entry, the templates, the settings, mspsite itself, or any item, field or
link its templates read (dependencies.py). Otherwise its HTML is taken from the last build.

The pages are kept in an SQLite database in the partnership's cache folder, one set per
readership and settings (a "variant"), with what each page read and the digest each had.
Rows are written in one transaction when the build has made every page, so a failed or
interrupted build leaves the cache as the last good build left it."""

from __future__ import annotations

import json
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .diagnostics import Location

DATABASE = "pages.sqlite"
SCHEMA = 1     # the tables' layout: a database of another layout is emptied
VARIANTS = 8   # the readerships, languages and settings kept at once (clearance builds, serve)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS variants (variant TEXT PRIMARY KEY, used INTEGER NOT NULL, saves INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS deps (id INTEGER PRIMARY KEY, variant TEXT NOT NULL, name TEXT NOT NULL,
                                 digest TEXT NOT NULL, UNIQUE (variant, name));
CREATE TABLE IF NOT EXISTS pages (variant TEXT NOT NULL, url TEXT NOT NULL, key TEXT NOT NULL,
                                  deps BLOB NOT NULL, html BLOB NOT NULL, extra BLOB NOT NULL,
                                  PRIMARY KEY (variant, url));
"""


@dataclass(frozen=True)
class KeptPage:
    """A page as the last build made it: its HTML, the files it linked (with the template line
    that first did), and the media files it used."""

    html: bytes
    links: dict[str, Location]
    media: tuple[str, ...]


class PageCache:
    def __init__(self, folder: Path, variant: str):
        self.variant = variant
        self._db = sqlite3.connect(folder / DATABASE, timeout=5, isolation_level=None)
        self._db.execute("PRAGMA trusted_schema = OFF")
        if self._db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA:   # made by another mspsite
            self._db.executescript("DROP TABLE IF EXISTS variants; DROP TABLE IF EXISTS deps; "
                                   f"DROP TABLE IF EXISTS pages; {_SCHEMA} PRAGMA user_version = {SCHEMA};")
        self._saves = self._saved()
        self._ids: dict[str, int] = {}
        self._digests: dict[int, tuple[str, str]] = {}   # dep id -> (name, digest when its pages were made)
        for dep_id, name, digest in self._db.execute(
                "SELECT id, name, digest FROM deps WHERE variant = ?", (variant,)):
            self._ids[name], self._digests[dep_id] = dep_id, (name, digest)
        self._rows = {url: (key, deps) for url, key, deps in self._db.execute(
            "SELECT url, key, deps FROM pages WHERE variant = ?", (variant,))}
        self._new: list[tuple[str, str, list[str], bytes, bytes]] = []

    @classmethod
    def open(cls, folder: Path | None, variant: str) -> PageCache | None:
        """The cache in folder; None without a folder or when it cannot be read (then nothing is kept)."""
        if folder is None:
            return None
        try:
            folder.mkdir(exist_ok=True)
            return cls(folder, variant)
        except (OSError, sqlite3.Error):
            return None

    def _saved(self) -> int:
        row = self._db.execute("SELECT saves FROM variants WHERE variant = ?", (self.variant,)).fetchone()
        return row[0] if row else 0

    def kept(self, url: str, key: str, digest: Callable[[str], str]) -> KeptPage | None:
        """The page at url as the last build made it, if it was made from the same key and
        everything it read still has the digest it had."""
        row = self._rows.get(url)
        if row is None or row[0] != key:
            return None
        for dep_id in json.loads(row[1]):
            name, was = self._digests.get(dep_id, ("", ""))
            if not name or digest(name) != was:
                return None
        try:
            html, extra = self._db.execute("SELECT html, extra FROM pages WHERE variant = ? AND url = ?",
                                           (self.variant, url)).fetchone()
            extra = json.loads(zlib.decompress(extra))
            links = {target: Location(*where) for target, where in extra["links"].items()}
            return KeptPage(zlib.decompress(html), links, tuple(extra["media"]))
        except (sqlite3.Error, zlib.error, ValueError, TypeError, KeyError):
            return None

    def keep(self, url: str, key: str, names: list[str], html: bytes,
             links: dict[str, Location], media: tuple[str, ...]) -> None:
        """Keep a page made in this build (written by save)."""
        extra = json.dumps({"links": {t: [w.path, w.line, w.column] for t, w in links.items()},
                            "media": list(media)}).encode()
        self._new.append((url, key, names, zlib.compress(html, 1), zlib.compress(extra, 1)))

    def save(self, urls: set[str], digest: Callable[[str], str]) -> None:
        """Write the pages made in this build, and close. Forget pages no longer in the portal (what
        they read is not kept up to date) and the variants least recently used beyond VARIANTS."""
        try:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            if self._saved() != self._saves:   # another build of this variant saved since we read: its
                db.execute("ROLLBACK")           # pages and ours may disagree on what a digest stood for
                return
            names = {name for _, _, page_names, _, _ in self._new for name in page_names}
            for name in names:
                if name not in self._ids:
                    db.execute("INSERT OR IGNORE INTO deps (variant, name, digest) VALUES (?, ?, '')",
                               (self.variant, name))
                    self._ids[name] = db.execute("SELECT id FROM deps WHERE variant = ? AND name = ?",
                                                 (self.variant, name)).fetchone()[0]
                if self._digests.get(self._ids[name], ("", ""))[1] != (now := digest(name)):
                    db.execute("UPDATE deps SET digest = ? WHERE id = ?", (now, self._ids[name]))
            db.executemany("INSERT OR REPLACE INTO pages VALUES (?, ?, ?, ?, ?, ?)", [
                (self.variant, url, key, json.dumps([self._ids[n] for n in page_names]), html, extra)
                for url, key, page_names, html, extra in self._new])
            db.executemany("DELETE FROM pages WHERE variant = ? AND url = ?",
                           [(self.variant, url) for url in self._rows.keys() - urls])
            db.execute("INSERT OR REPLACE INTO variants VALUES (?, strftime('%s','now'), ?)",
                       (self.variant, self._saves + 1))
            for (old,) in db.execute("SELECT variant FROM variants ORDER BY used DESC LIMIT -1 OFFSET ?",
                                     (VARIANTS,)).fetchall():
                for table in ("variants", "deps", "pages"):
                    db.execute(f"DELETE FROM {table} WHERE variant = ?", (old,))
            db.execute("COMMIT")
        except sqlite3.Error:   # locked by another build, disk full...: the next build renders more
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.Error:
                pass
        finally:
            self._new.clear()
            self._db.close()
