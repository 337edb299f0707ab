"""Files in media/ are published as they are, on the portal's own address, so none
may be something a browser runs: only types it shows, plays or downloads; bytes that
are what the name says; SVG images without script or anything loaded from elsewhere.

A pull request can add any file to media/. An HTML page, an XML file or an SVG image
with a script, opened from the portal, would run with the portal's origin, and GitHub
Pages cannot send headers (a Content-Security-Policy, `nosniff`) for such files.
So the rule is an allow-list of types, and SVG (XML that browsers run) is parsed and
checked element by element, with the line and column of each problem."""

from __future__ import annotations

import os
import posixpath
import re
import stat
from pathlib import Path
from typing import BinaryIO, Callable

import pyexpat

from .diagnostics import Diagnostic, Location, error
from .load import RawProject
from .markup import URL_SCHEMES

FOLDER = "media/"
HEAD = 1024   # bytes read to recognise a file's type


def _starts(*magic: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(magic)


def _riff(form: bytes) -> Callable[[bytes], bool]:
    return lambda head: head[:4] == b"RIFF" and head[8:12] == form


def _iso(head: bytes) -> bool:   # ISO base media (MP4, M4A, MOV): a box type at byte 4
    return head[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip")


def _avif(head: bytes) -> bool:   # ISO base media whose brands include AVIF
    return head[4:8] == b"ftyp" and (b"avif" in head[8:64] or b"avis" in head[8:64])


def _mp3(head: bytes) -> bool:   # an ID3 tag, or an MPEG audio frame's sync bits
    return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
                                       and head[1] & 0x06 != 0)


def _pdf(head: bytes) -> bool:   # readers accept a little junk before the header
    return b"%PDF-" in head


_PNG, _JPEG, _GIF = _starts(b"\x89PNG\r\n\x1a\n"), _starts(b"\xff\xd8\xff"), _starts(b"GIF87a", b"GIF89a")
_WEBP, _WAV, _OGG = _riff(b"WEBP"), _riff(b"WAVE"), _starts(b"OggS")
_FLAC, _WEBM, _RTF = _starts(b"fLaC"), _starts(b"\x1a\x45\xdf\xa3"), _starts(b"{\\rtf")
_ZIP = _starts(b"PK\x03\x04", b"PK\x05\x06")   # Office Open XML, OpenDocument, EPUB are zip files
_OLE = _starts(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # Word, Excel, PowerPoint before 2007
_TEXT = None   # served as text or data (text/csv, application/json, ...), which browsers display, never run

# What a partnership publishes, by extension: (what it is, how its first bytes look, or None).
# Anything else is refused: the build cannot know how a web server will label an unknown
# type, and many (.xml, .kml, .xhtml, .rdf, ...) are XML, in which browsers run scripts.
TYPES: dict[str, tuple[str, Callable[[bytes], bool] | None]] = {
    ".png": ("a PNG image", _PNG), ".jpg": ("a JPEG image", _JPEG), ".jpeg": ("a JPEG image", _JPEG),
    ".gif": ("a GIF image", _GIF), ".webp": ("a WebP image", _WEBP), ".avif": ("an AVIF image", _avif),
    ".svg": ("an SVG image", None),   # parsed and checked in full: check_svg
    ".pdf": ("a PDF document", _pdf),
    ".docx": ("a Word document", _ZIP), ".xlsx": ("an Excel workbook", _ZIP),
    ".pptx": ("a PowerPoint presentation", _ZIP), ".odt": ("an OpenDocument text", _ZIP),
    ".ods": ("an OpenDocument spreadsheet", _ZIP), ".odp": ("an OpenDocument presentation", _ZIP),
    ".epub": ("an EPUB book", _ZIP), ".zip": ("a zip archive", _ZIP),
    ".doc": ("a Word document", _OLE), ".xls": ("an Excel workbook", _OLE), ".ppt": ("a PowerPoint presentation", _OLE),
    ".rtf": ("an RTF document", _RTF),
    ".mp3": ("an MP3 recording", _mp3), ".m4a": ("an M4A recording", _iso), ".ogg": ("an Ogg recording", _OGG),
    ".oga": ("an Ogg recording", _OGG), ".opus": ("an Opus recording", _OGG), ".wav": ("a WAV recording", _WAV),
    ".flac": ("a FLAC recording", _FLAC),
    ".mp4": ("an MP4 video", _iso), ".m4v": ("an MP4 video", _iso), ".mov": ("a QuickTime video", _iso),
    ".webm": ("a WebM video", _WEBM), ".ogv": ("an Ogg video", _OGG),
    ".vtt": ("subtitles", _TEXT),
    ".csv": ("a CSV table", _TEXT), ".tsv": ("a TSV table", _TEXT), ".json": ("JSON data", _TEXT),
    ".geojson": ("GeoJSON map data", _TEXT), ".txt": ("text", _TEXT), ".md": ("Markdown text", _TEXT),
    ".yml": ("YAML data", _TEXT), ".yaml": ("YAML data", _TEXT),
}
# What the first bytes of a misnamed file are, for the message: (test, in words, its usual extension).
_CONTENTS = [
    (_PNG, "a PNG image", ".png"), (_JPEG, "a JPEG image", ".jpg"), (_GIF, "a GIF image", ".gif"),
    (_WEBP, "a WebP image", ".webp"), (_avif, "an AVIF image", ".avif"), (_pdf, "a PDF document", ".pdf"),
    (_WAV, "a WAV recording", ".wav"), (_FLAC, "a FLAC recording", ".flac"), (_WEBM, "a WebM video", ".webm"),
    (_OGG, "an Ogg file", None), (_iso, "an MP4 or QuickTime file", None), (_OLE, "an old Office document", None),
    (_ZIP, "a zip archive or an office document", None), (_RTF, "an RTF document", ".rtf"),
    (_mp3, "an MP3 recording", ".mp3"),
]
# Types refused with a reason and a way out of their own; the rest get the list of TYPES.
_WEB_PAGE = ("a web page in media/ would run its scripts on the portal's address",
             "export it as PDF, or write its text as a page in pages/")
_XML = ("browsers run scripts inside XML files", "publish data as CSV or JSON, and maps as GeoJSON")
_PROGRAM = ("a program or script in media/ would run on the portal's address",
            "link to where it is published instead")
REFUSED: dict[str, tuple[str, str]] = {
    **dict.fromkeys((".html", ".htm", ".xhtml", ".xht", ".shtml", ".shtm", ".mht", ".mhtml", ".hta"), _WEB_PAGE),
    **dict.fromkeys((".xml", ".xsl", ".xslt", ".xsd", ".dtd", ".rdf", ".rss", ".atom", ".kml", ".gpx", ".mml",
                     ".mathml", ".xul", ".xbl", ".plist"), _XML),
    ".svgz": ("a compressed SVG image cannot be checked for scripts", "save it as plain .svg"),
    **dict.fromkeys((".js", ".mjs", ".cjs", ".wasm", ".swf", ".php", ".phtml", ".asp", ".aspx", ".jsp", ".cgi",
                     ".pl", ".py", ".sh", ".jar", ".exe", ".msi", ".bat", ".cmd", ".ps1", ".vbs", ".jnlp",
                     ".appcache", ".manifest", ".webmanifest"), _PROGRAM),
    ".css": ("a style sheet in media/ would restyle the portal", "ask the portal's maintainers to change the theme"),
}
ALLOWED_HINT = ("publish images as PNG, JPEG, GIF, WebP, AVIF or SVG; documents as PDF or office files; audio and "
                "video as MP3, M4A, Ogg, WAV, FLAC, MP4 or WebM; data as CSV, JSON or GeoJSON")


def check_media(raw: RawProject) -> list[Diagnostic]:
    """Every file in media/, linked or not: its name, its type, and that its bytes are that type."""
    found: list[Diagnostic] = []
    for rel in sorted(raw.files):
        if rel.startswith(FOLDER):
            found.extend(check_file(raw.root, rel))
    return found


def check_file(root: Path, rel: str) -> list[Diagnostic]:
    path = root / rel
    try:
        info = os.lstat(path)
    except OSError:
        return []   # gone since the folder was read
    if not stat.S_ISREG(info.st_mode):
        return []   # links and special files are never published; a path or link to them is reported there
    name = posixpath.basename(rel)
    if re.search(r"[\x00-\x1f\x7f]", name):
        return [error(Location(rel), "the file name contains a control character, which no link can name",
                      "rename the file", code="media-name")]
    ext = os.path.splitext(name)[1].lower()
    if ext not in TYPES:
        reason, hint = REFUSED.get(ext, ("it is not a type the portal publishes", ALLOWED_HINT))
        what = f"'{ext}' files" if ext else "files without an extension"
        return [error(Location(rel), f"{what} cannot be published from media/: {reason}", hint, code="media-type")]
    what, looks_right = TYPES[ext]
    try:
        if ext == ".svg":
            with open(path, "rb") as fh:
                return check_svg(rel, fh)
        if looks_right is None:
            return []
        with open(path, "rb") as fh:
            head = fh.read(HEAD)
    except OSError as exc:
        return [error(Location(rel), f"cannot read the file: {exc.strerror}", code="io")]
    if looks_right(head):
        return []
    actual, usual = _recognise(head)
    hint = f"rename it to {os.path.splitext(name)[0]}{usual}" if usual else f"save or export it again as {what}"
    return [error(Location(rel), f"the file is named as {what}, but its content is {actual}", hint,
                  code="media-content")]


def _recognise(head: bytes) -> tuple[str, str | None]:
    """What the first bytes of a file are, in words, and the extension that would fit."""
    for test, what, ext in _CONTENTS:
        if test(head):
            return what, ext
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "an HTML page", None
    if text.startswith((b"<?xml", b"<svg", b"<!doctype svg")):
        return "XML or SVG", None
    if text.startswith(b"<"):
        return "markup (HTML or XML)", None
    if not head:
        return "empty", None
    return "something else", None


# -- SVG ---------------------------------------------------------------------------------------------------------
SVG_NS = "http://www.w3.org/2000/svg"
XHTML_NS = "http://www.w3.org/1999/xhtml"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Elements that run script, hold or load other documents, in any namespace (and all of XHTML).
SCRIPT_ELEMENTS = {"script", "handler", "listener"}
DOCUMENT_ELEMENTS = {"foreignobject", "iframe", "frame", "embed", "object", "applet", "portal", "base", "meta",
                     "link"}
ANIMATIONS = {"set", "animate", "animatemotion", "animatetransform", "animatecolor"}
# Attributes read as CSS, whose url(...) the browser loads.
CSS_ATTRIBUTES = {"style", "fill", "stroke", "filter", "clip-path", "mask", "marker", "marker-start", "marker-mid",
                  "marker-end", "cursor"}
# What makes CSS load a file: @import, url() or src() (groups: the function, the target's first
# character, '#' for a part of the image itself), and the image functions that take bare strings.
CSS_LOADS = re.compile(r"@import|(?<![\w-])(url|src)\(\s*['\"]?\s*(.?)|"
                       r"(?<![\w-])(?:-webkit-)?(?:image-set|image|cross-fade)\(", re.IGNORECASE)
# The DTDs that SVG editors name in <!DOCTYPE>; browsers never fetch them.
SVG_DTDS = re.compile(r"https?://www\.w3\.org/Graphics/SVG/1\.[01]/DTD/svg[0-9a-z-]*\.dtd", re.IGNORECASE)
# A raster picture embedded in the SVG itself (common in exports): shown, never run.
RASTER_DATA = re.compile(r"data:image/(png|jpeg|jpg|gif|webp|avif)[;,]", re.IGNORECASE)
LINK_SCHEMES = tuple(sorted(f"{scheme}:" for scheme in URL_SCHEMES))   # the same as any link on a page
SVG_HINT = "remove it, or export the image again as a plain, static SVG"
MAX_PROBLEMS = 20   # per file: enough to fix, and an SVG with 10,000 handlers does not flood the report


class _Stop(Exception):
    """Stops the parser: at a DTD, so no entity is ever expanded, or after MAX_PROBLEMS."""


class _SvgCheck:
    """One pass of expat over the file: every element, attribute, processing instruction
    and <style> text, each problem with its line and column."""

    def __init__(self, rel: str):
        self.rel = rel
        self.found: list[Diagnostic] = []
        self.root_seen = False
        self.style: list[tuple[str, int, int]] | None = None   # text chunks of the open <style>, with positions
        self.parser = p = pyexpat.ParserCreate(namespace_separator=" ")
        p.StartDoctypeDeclHandler = self.doctype
        p.StartElementHandler = self.start
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.text
        p.ProcessingInstructionHandler = self.instruction

    def at(self, line: int | None = None, column: int | None = None) -> Location:
        """A place in the file: expat counts lines from 1 and columns (in characters) from 0."""
        return Location(self.rel, line or self.parser.CurrentLineNumber,
                        (column if column is not None else self.parser.CurrentColumnNumber) + 1)

    def problem(self, message: str, hint: str | None = SVG_HINT, where: Location | None = None) -> None:
        self.found.append(error(where or self.at(), message, hint, code="media-svg"))
        if len(self.found) >= MAX_PROBLEMS:
            raise _Stop

    def doctype(self, name, system_id, public_id, has_internal_subset) -> None:
        # An internal subset can declare entities (a file's contents, a billion laughs) and default
        # attributes (an onload on every element) that this check would not see: refuse it unread.
        if has_internal_subset:
            self.problem("the SVG declares a DTD (<!DOCTYPE ... [ ... ]>), which can hide content from this check",
                         "export the image again as plain SVG, without a DOCTYPE")
            raise _Stop
        if system_id and not SVG_DTDS.fullmatch(system_id):
            self.problem(f"the SVG's DOCTYPE names another file ('{system_id[:80]}')", "remove the <!DOCTYPE> line")
            raise _Stop

    def instruction(self, target: str, data: str) -> None:
        # <?xml-stylesheet?> applies CSS or XSLT, which can add script, from another file
        self.problem(f"processing instruction '<?{target[:40]}?>' is not allowed in an SVG image: it can load "
                     "a style sheet or a transformation from another file")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        ns, _, local = tag.rpartition(" ")
        name = local.lower()
        if not self.root_seen:
            self.root_seen = True
            if (ns, local) != (SVG_NS, "svg"):
                self.problem(f"the file is not an SVG image: its root element is <{local}>"
                             + ("" if ns == SVG_NS else f" in namespace '{ns or 'none'}'"),
                             "an SVG image starts with <svg xmlns=\"http://www.w3.org/2000/svg\">")
        if name in SCRIPT_ELEMENTS:
            self.problem(f"<{local}> is not allowed in an SVG image: it would run on the portal's address")
        elif name in DOCUMENT_ELEMENTS or ns == XHTML_NS:
            self.problem(f"<{local}> is not allowed in an SVG image: it can hold or load a web page")
        for key, value in attrs.items():
            self.attribute(name, key, value)
        if name == "style":
            self.style = []

    def attribute(self, element: str, key: str, value: str) -> None:
        ns, _, local = key.rpartition(" ")
        name = local.lower()
        if name.startswith("on"):
            self.problem(f"event handler '{local}' is not allowed in an SVG image: it runs script")
        elif (ns, name) == (XML_NS, "base"):
            self.problem("'xml:base' is not allowed in an SVG image: it makes links point elsewhere")
        elif name == "href":
            self.href(element, "xlink:href" if ns == XLINK_NS else local, value)
        elif element in ANIMATIONS and name == "attributename" and (
                value.strip().lower().rpartition(":")[2] == "href" or value.strip().lower().startswith("on")):
            self.problem(f"<{element}> may not change '{value.strip()}': it can turn a link into script")
        elif not ns and name in CSS_ATTRIBUTES:
            self.css(value, None)

    def href(self, element: str, attribute: str, value: str) -> None:
        # as a browser reads a URL: surrounding spaces and controls trimmed, tabs and newlines dropped
        url = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
        lower = url.lower()
        if url.startswith("#") or (url == "" and element == "a"):
            return
        if element == "a" and lower.startswith(LINK_SCHEMES):
            return   # a link the reader follows, like a link in Markdown
        if element in ("image", "feimage") and RASTER_DATA.match(url):
            return
        scheme = re.match(r"([a-z][a-z0-9+.-]*):", lower)
        shown = f"'{url[:60]}{'...' if len(url) > 60 else ''}'"
        if scheme and scheme.group(1) in ("javascript", "vbscript", "data"):
            self.problem(f"{attribute}={shown} on <{element}> is not allowed in an SVG image: it can run script")
        elif element == "a":
            self.problem(f"{attribute}={shown} on <a> is not allowed in an SVG image",
                         "link to an https:, http: or mailto: address, or to a part of the image (#id)")
        else:
            self.problem(f"{attribute}={shown} on <{element}> loads another file, which an SVG image on the "
                         "portal may not do", "embed the picture in the SVG, or refer to a part of the image (#id)")

    def css(self, text: str, chunks: list[tuple[str, int, int]] | None) -> None:
        """Style text (a <style> element, or an attribute read as CSS) must not load anything: no
        @import, no image-set(), and url(...) only to a part of the image (#id)."""
        if "(" not in text and "@" not in text:
            return   # neither a function nor an at-rule: nothing can load (an escaped '(' is no call)
        plain = _css_plain(text) if "\\" in text or "/*" in text else text
        # offsets in the plain text are those in the file up to the first escape or comment
        aligned = min((i for i in (text.find("\\"), text.find("/*")) if i >= 0), default=len(text))
        for m in CSS_LOADS.finditer(plain):
            if m.group(1) and m.group(2) == "#":
                continue
            where = None
            if chunks:   # exact before any escape or comment; after one, where the text starts
                where = self.chunk_location(chunks, m.start() if m.start() < aligned else 0)
            token = m.group(0).split("(")[0].strip().lower()
            self.problem(f"CSS '{token}' that loads another file is not allowed in an SVG image",
                         "refer only to parts of the image itself, such as url(#gradient)", where)

    def chunk_location(self, chunks: list[tuple[str, int, int]], offset: int) -> Location:
        """Where the offset-th character of the <style> text is: expat reports each piece of text
        (never more than one line) with the place it starts."""
        for text, line, column in chunks:
            if offset < len(text):
                return self.at(line, column + offset)
            offset -= len(text)
        return self.at(*chunks[-1][1:])

    def text(self, data: str) -> None:
        if self.style is not None:
            self.style.append((data, self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber))

    def end(self, tag: str) -> None:
        if self.style is not None and tag.rpartition(" ")[2].lower() == "style":
            chunks, self.style = self.style, None
            self.css("".join(t for t, _, _ in chunks), chunks)


def _css_plain(css: str) -> str:
    """CSS with comments removed and escapes decoded, as the browser reads it: 'u\\72l(' is url(."""
    css = re.sub(r"/\*.*?(\*/|$)", "", css, flags=re.S)

    def unescape(m: re.Match) -> str:
        if m.group(1):
            code = int(m.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        return "" if m.group(2) == "\n" else m.group(2)

    return re.sub(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", unescape, css, flags=re.S)


def check_svg(rel: str, source: BinaryIO) -> list[Diagnostic]:
    """Problems of one SVG file: it must be well-formed XML with an <svg> root, and hold nothing
    that runs script or loads another file. Read as a stream: an SVG may be large."""
    check = _SvgCheck(rel)
    try:
        check.parser.ParseFile(source)
    except _Stop:
        pass
    except pyexpat.ExpatError as exc:
        check.found.append(error(Location(rel, exc.lineno, exc.offset + 1),
                                 f"the SVG is not well-formed XML: {pyexpat.ErrorString(exc.code)}",
                                 "open the image in an SVG editor and save it again", code="media-svg"))
    return check.found
