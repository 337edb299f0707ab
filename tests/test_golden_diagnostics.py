"""Each tests/projects/broken-*/ is a tiny project with one kind of mistake; its
expected-diagnostics.txt holds the exact lines `mspsite check` prints for it.
After an intended change: pytest tests/test_golden_diagnostics.py --regenerate"""

import difflib
from pathlib import Path

import pytest

from mspsite import check

PROJECTS = sorted(p for p in (Path(__file__).parent / "projects").glob("broken-*") if p.is_dir())


def diagnostics_of(project: Path) -> str:
    return check(project / "project").format("text") + "\n"


@pytest.mark.parametrize("project", PROJECTS, ids=[p.name for p in PROJECTS])
def test_expected_diagnostics(project: Path, regenerate: bool):
    expected_file = project / "expected-diagnostics.txt"
    actual = diagnostics_of(project)
    if regenerate:
        expected_file.write_text(actual, encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8")
    assert actual == expected, "".join(difflib.unified_diff(
        expected.splitlines(True), actual.splitlines(True), "expected", "actual"))


def test_every_broken_project_reports_an_error():
    for project in PROJECTS:
        assert ": error: " in (project / "expected-diagnostics.txt").read_text(encoding="utf-8") or \
            ": warning: " in (project / "expected-diagnostics.txt").read_text(encoding="utf-8"), project
