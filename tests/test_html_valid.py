"""Every HTML page of the built sample passes the Nu HTML Checker (vnu) without errors.

vnu is the `vnu-jar` npm package, run with Java. CI installs it with
`npm install --prefix .ci/tools vnu-jar`; MSPSITE_VNU_JAR points elsewhere. A missing
checker fails the test: only MSPSITE_SKIP_VNU=1 (for developers without Java) skips it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).parent.parent
DEFAULT_JAR = ROOT / ".ci" / "tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL_HINT = "install it with: npm install --prefix .ci/tools vnu-jar (and a JRE: apt-get install default-jre-headless)"


def _checker() -> list[str]:
    if os.environ.get("MSPSITE_SKIP_VNU") == "1":
        pytest.skip("MSPSITE_SKIP_VNU=1: HTML validation skipped")
    jar = Path(os.environ.get("MSPSITE_VNU_JAR") or DEFAULT_JAR)
    if not jar.is_file():
        pytest.fail(f"the Nu HTML Checker is missing: no {jar}; {INSTALL_HINT}; "
                    "or set MSPSITE_VNU_JAR, or MSPSITE_SKIP_VNU=1 to skip", pytrace=False)
    java = shutil.which("java")
    if not java:
        pytest.fail(f"the Nu HTML Checker needs Java and `java` is not on PATH; {INSTALL_HINT}; "
                    "or MSPSITE_SKIP_VNU=1 to skip", pytrace=False)
    return [java, "-Xss4m", "-jar", str(jar)]


def test_every_page_is_valid_html(built_sample):
    command = _checker() + ["--errors-only", "--format", "json", "--skip-non-html", str(built_sample)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    try:
        messages = json.loads(result.stderr or result.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu did not report JSON (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    pages = sorted(built_sample.rglob("*.html"))
    errors = []
    for m in messages:
        if m.get("type") not in ("error", "non-document-error") and m.get("subType") != "fatal":
            continue
        path = Path(unquote(urlsplit(m.get("url", "")).path))
        where = path.relative_to(built_sample) if path.is_relative_to(built_sample) else path
        extract = " ".join(m.get("extract", "").split())
        errors.append(f"{where}:{m.get('lastLine', '?')}:{m.get('firstColumn', m.get('lastColumn', '?'))}: "
                      f"{m['message']}" + (f"\n    {extract}" if extract else ""))
    print(f"vnu checked {len(pages)} HTML pages: {len(errors)} errors")
    assert len(pages) > 100
    assert not errors, f"{len(errors)} HTML errors in {len(pages)} pages:\n" + "\n".join(errors)
    assert result.returncode == 0, result.stderr
