"""The static search index: Pagefind over the rendered pages.
Pagefind was chosen because its index is split into small chunks that a phone
downloads only as a query needs them, it runs offline, and it is multilingual.
Its command line (from the pagefind[bin] package) is used rather than its
Python service API, which took ~100 ms a page here against ~1 ms."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from .errors import MspsiteError

OUTPUT = "pagefind"


def search_index(files: dict[str, bytes], language: str) -> dict[str, bytes]:
    """Pagefind's files (under pagefind/) for the HTML pages among files."""
    with tempfile.TemporaryDirectory(prefix="mspsite-search-") as tmp:
        root = Path(tmp) / "site"
        for path, content in files.items():
            if path.endswith(".html") and b"data-pagefind-body" in content:
                (root / path).parent.mkdir(parents=True, exist_ok=True)
                (root / path).write_bytes(content)
        out = Path(tmp) / OUTPUT
        command = [sys.executable, "-m", "pagefind", "--site", str(root), "--output-path", str(out),
                   "--force-language", language.split("-")[0]]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=600)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise MspsiteError(f"building the search index failed: {exc}") from None
        if result.returncode != 0:
            raise MspsiteError("building the search index failed:\n" + (result.stderr or result.stdout)[-2000:])
        return {f"{OUTPUT}/{p.relative_to(out).as_posix()}": p.read_bytes()
                for p in sorted(out.rglob("*")) if p.is_file()}
