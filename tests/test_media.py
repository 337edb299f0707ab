"""media/: nothing a browser would run is published (mspsite/media.py), every problem is
located (for SVG, at the line and column inside the image), and a media file whose name
holds '#', '?', '%', spaces or non-ASCII letters is reached by every URL the build makes.
The bad-input corpus holds one case per refused type and SVG attack (category "media");
here are the exact messages, and the built and served output."""

from __future__ import annotations

import functools
import http.server
import io
import re
import shutil
import struct
import threading
import zlib
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from conftest import build_reproducibly
from mspsite import check
from mspsite.build import build
from mspsite.media import check_svg

pytestmark = pytest.mark.xdist_group("media")   # its odd-name portal is built once per worker

ROOT = Path(__file__).parent.parent
STARTER = ROOT / "mspsite" / "starter"
SOURCE_DATE_EPOCH = "1795824000"   # as in conftest.py


def _png() -> bytes:
    """A real PNG of one green pixel."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(b"\x00\x00\xff\x00")) + chunk(b"IEND", b"")


PNG = _png()
SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 9 9">\n'


def _check(tmp_path: Path, files: dict[str, bytes]) -> list[str]:
    root = tmp_path / "p"
    shutil.copytree(STARTER, root)
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)
    return check(root).format("text").splitlines()


def _svg(text: str) -> list[str]:
    return [d.format_text() for d in check_svg("media/x.svg", io.BytesIO(text.encode()))]


@pytest.mark.parametrize("svg, expected", [
    (SVG + '<rect width="9" height="9"/>\n  <script>alert(1)</script>\n</svg>',
     "media/x.svg:3:3: error: <script> is not allowed in an SVG image: it would run on the portal's address "
     "(remove it, or export the image again as a plain, static SVG)"),
    (SVG + '<g>\n    <circle r="4" onload="alert(1)"/></g></svg>',
     "media/x.svg:3:5: error: event handler 'onload' is not allowed in an SVG image: it runs script "
     "(remove it, or export the image again as a plain, static SVG)"),
    (SVG + '<a xlink:href=" java&#x09;script:alert(1)"><text>x</text></a></svg>',
     "media/x.svg:2:1: error: xlink:href='javascript:alert(1)' on <a> is not allowed in an SVG image: it can run "
     "script (remove it, or export the image again as a plain, static SVG)"),
    (SVG + '<foreignObject/></svg>',
     "media/x.svg:2:1: error: <foreignObject> is not allowed in an SVG image: it can hold or load a web page "
     "(remove it, or export the image again as a plain, static SVG)"),
    (SVG + '<use href="https://evil.example/s.svg#i"/></svg>',
     "media/x.svg:2:1: error: href='https://evil.example/s.svg#i' on <use> loads another file, which an SVG image "
     "on the portal may not do (embed the picture in the SVG, or refer to a part of the image (#id))"),
    (SVG + "<style>\n.a { fill: red }\n  .b { fill: url(http://evil.example/p#p) }\n</style></svg>",
     "media/x.svg:4:14: error: CSS 'url' that loads another file is not allowed in an SVG image "
     "(refer only to parts of the image itself, such as url(#gradient))"),
    ('<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n' + SVG +
     "<text>&xxe;</text></svg>",
     "media/x.svg:2:15: error: the SVG declares a DTD (<!DOCTYPE ... [ ... ]>), which can hide content from this "
     "check (export the image again as plain SVG, without a DOCTYPE)"),
    ("<svg onload=alert(1)>",
     "media/x.svg:1:13: error: the SVG is not well-formed XML: not well-formed (invalid token) "
     "(open the image in an SVG editor and save it again)"),
])
def test_svg_problem_is_located_in_the_image(svg, expected):
    assert _svg(svg) == [expected]


def test_what_svg_editors_write_passes():
    """A DOCTYPE naming the W3C DTD, references inside the image, an embedded raster picture,
    a link to a web page, editor namespaces: all fine."""
    assert _svg('<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//'
                'EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + SVG +
                '<defs><linearGradient id="g"/><style>.a{fill:url(#g)}</style></defs>'
                '<rect class="a" fill="url(#g)" style="stroke: url( \'#g\' )" transform="translate(1,1)"/>'
                '<use xlink:href="#g"/><image href="data:image/png;base64,iVBORw0KGgo=" width="1" height="1"/>'
                '<a href="https://example.org/"><text>x</text></a>'
                '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata></svg>') == []


def test_an_svg_with_thousands_of_problems_reports_twenty():
    assert len(_svg(SVG + '<rect onclick="x()"/>' * 5000 + "</svg>")) == 20


def test_refused_types_and_misnamed_content_are_reported_at_the_file(tmp_path):
    lines = _check(tmp_path, {"media/report.html": b"<!DOCTYPE html><script>alert(1)</script>",
                              "media/photo.png": b"<html><body><script>alert(1)</script>",
                              "media/photo2.png": b"\xff\xd8\xff\xe0\x00\x10JFIF",
                              "media/ok.png": PNG, "media/ok.pdf": b"%PDF-1.7\n"})
    assert lines == [
        "media/photo.png:1:1: error: the file is named as a PNG image, but its content is an HTML page "
        "(save or export it again as a PNG image)",
        "media/photo2.png:1:1: error: the file is named as a PNG image, but its content is a JPEG image "
        "(rename it to photo2.jpg)",
        "media/report.html:1:1: error: '.html' files cannot be published from media/: a web page in media/ would "
        "run its scripts on the portal's address (export it as PDF, or write its text as a page in pages/)",
    ]


def test_an_unknown_type_is_an_error_that_lists_what_is_published(tmp_path):
    assert _check(tmp_path, {"media/map.kmz": b"PK\x03\x04"}) == [
        "media/map.kmz:1:1: error: '.kmz' files cannot be published from media/: it is not a type the portal "
        "publishes (publish images as PNG, JPEG, GIF, WebP, AVIF or SVG; documents as PDF or office files; audio "
        "and video as MP3, M4A, Ogg, WAV, FLAC, MP4 or WebM; data as CSV, JSON or GeoJSON)"]


def test_an_external_image_in_markdown_is_a_warning_and_not_shown(tmp_path, monkeypatch):
    story = (STARTER / "stories" / "first-steps.md").read_text(encoding="utf-8")
    story = story.replace("Tell the story", "![chart](https://tracker.example/pixel.png) Tell the story")
    lines = _check(tmp_path, {"stories/first-steps.md": story.encode()})
    assert lines == ["stories/first-steps.md:11:10: warning: image from another site "
                     "('https://tracker.example/pixel.png') is not shown: the portal loads nothing from other sites "
                     "(download the picture into media/ and use it from there)"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    build(tmp_path / "p", tmp_path / "out", history=False)
    page = (tmp_path / "out" / "stories" / "first-steps" / "index.html").read_text(encoding="utf-8")
    assert "tracker.example" not in page and "Tell the story" in page


# -- a media file with an awkward name -----------------------------------------------------------------------------
NAME = "a#b?c%d e é.png"
ENCODED = "a%23b%3Fc%25d%20e%20%C3%A9.png"


@pytest.fixture(scope="module")
def odd_name_site(tmp_path_factory):
    """The starter (site_url https://example.github.io/our-partnership/) with NAME as a story's
    image, and as a picture and a link in its text."""
    root = tmp_path_factory.mktemp("odd-name") / "p"
    shutil.copytree(STARTER, root)
    (root / "media" / NAME).write_bytes(PNG)
    story = root / "stories" / "first-steps.md"
    text = story.read_text(encoding="utf-8").replace("image: media/stories/first-steps.svg", f'image: "media/{NAME}"')
    text = text.replace("Tell the story", f"![odd](../media/{ENCODED}) [the picture](../media/{ENCODED}) "
                        "Tell the story")
    story.write_text(text, encoding="utf-8")
    assert check(root).format("text") == ""
    return build_reproducibly(root, root.parent / "site")


def test_every_url_to_an_odd_name_resolves_to_the_copied_file(odd_name_site):
    assert (odd_name_site / "media" / NAME).read_bytes() == PNG   # copied under its own name
    story = (odd_name_site / "stories" / "first-steps" / "index.html").read_text(encoding="utf-8")
    listing = (odd_name_site / "stories" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'(?:src|href)="([^"]*/media/a[^"]*)"', story) == [f"../../media/{ENCODED}"] * 3
    assert re.findall(r'(?:src|href)="([^"]*/media/a[^"]*)"', listing) == [f"../media/{ENCODED}"]
    assert f'<meta property="og:image" content="https://example.github.io/our-partnership/media/{ENCODED}">' in story
    for page, url in (("stories/first-steps/index.html", f"../../media/{ENCODED}"),
                      ("stories/index.html", f"../media/{ENCODED}")):
        target = urlsplit(urljoin(f"http://x/{page}", url))
        assert not target.query and not target.fragment
        assert (odd_name_site / unquote(target.path).lstrip("/")).read_bytes() == PNG


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def test_odd_names_show_in_the_browser_from_a_server_and_from_disk(odd_name_site, browser):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(odd_name_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        tab = context.new_page()
        for base in (f"http://127.0.0.1:{server.server_port}/", odd_name_site.as_uri() + "/"):
            tab.goto(base + "stories/first-steps/index.html", wait_until="load")
            pictures = tab.evaluate("[...document.images].filter(i => i.src.includes('/media/a'))"
                                    ".map(i => [i.src, i.naturalWidth])")
            assert pictures == [[base + f"media/{ENCODED}", 1]] * 2, pictures
            with tab.expect_navigation():
                tab.get_by_role("link", name="the picture").click()
            assert tab.url == base + f"media/{ENCODED}"
            assert tab.evaluate("document.images.length && document.images[0].naturalWidth") == 1
    finally:
        context.close()
        server.shutdown()
