"""Report pages as PDF, with WeasyPrint (the optional extra mspsite[pdf]): it
renders HTML and CSS paged media (A4, page numbers, repeated table headers)
without a browser. Pages are read from the rendered site in memory, and nothing
is fetched from outside it."""

from __future__ import annotations

import posixpath
from pathlib import Path
from urllib.parse import unquote

from ..errors import MspsiteError

# A reserved name (RFC 2606): relative links resolve against it, and nothing is ever fetched there.
BASE = "https://portal.invalid/"
MIME = {"css": "text/css", "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg",
        "gif": "image/gif", "webp": "image/webp"}


def html_to_pdf(files: dict[str, bytes], copies: dict[str, Path], page: str) -> bytes:
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher, URLFetcherResponse
    except ImportError:
        raise MspsiteError("--pdf needs WeasyPrint: pip install 'mspsite[pdf]'") from None

    class PortalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(BASE):
                raise ValueError(f"not fetched: a report uses only the portal's own files ({url})")
            path = posixpath.normpath(unquote(url[len(BASE):].split("#")[0].split("?")[0]))
            if path in copies:
                data = copies[path].read_bytes()
            elif path in files:
                data = files[path]
            else:
                raise ValueError(f"not in the portal: {path}")
            mime = MIME.get(path.rsplit(".", 1)[-1].lower(), "application/octet-stream")
            return URLFetcherResponse(url, data, {"Content-Type": mime})

    html = files[page].decode("utf-8")
    return HTML(string=html, base_url=BASE + page, url_fetcher=PortalFetcher(), media_type="print").write_pdf()
