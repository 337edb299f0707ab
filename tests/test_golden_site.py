"""The built sample portal, compared with tests/golden/sample-site/ (Pelican style).
Search-index chunks, theme assets and media copies are left out: they are binary or
copied verbatim. After an intended change: pytest tests/test_golden_site.py --regenerate"""

import difflib
import shutil
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "sample-site"
COMPARED = (".html", ".xml", ".json", ".csv", ".txt")
SKIPPED = ("pagefind/", "assets/", "media/")


def _texts(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*"))
            if p.is_file() and p.suffix in COMPARED and not p.relative_to(root).as_posix().startswith(SKIPPED)}


def test_built_sample_matches_golden(built_sample: Path, regenerate: bool):
    actual = _texts(built_sample)
    if regenerate:
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, text in actual.items():
            (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / rel).write_text(text, encoding="utf-8")
    expected = _texts(GOLDEN)
    problems = []
    for rel in sorted(expected.keys() - actual.keys()):
        problems.append(f"missing from the build: {rel}")
    for rel in sorted(actual.keys() - expected.keys()):
        problems.append(f"new in the build: {rel}")
    for rel in sorted(expected.keys() & actual.keys()):
        if expected[rel] != actual[rel]:
            diff = difflib.unified_diff(expected[rel].splitlines(), actual[rel].splitlines(),
                                        f"golden/{rel}", f"built/{rel}", lineterm="", n=1)
            problems.append("\n".join(list(diff)[:40]))
    assert not problems, f"{len(problems)} differences (regenerate with --regenerate if intended):\n" + \
        "\n".join(problems[:15])


def test_build_is_reproducible(built_sample: Path, tmp_path: Path, monkeypatch):
    from conftest import SAMPLE, SOURCE_DATE_EPOCH
    from mspsite.build import build

    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    build(SAMPLE, tmp_path / "again", history=False)
    first = {p.relative_to(built_sample): p.read_bytes() for p in built_sample.rglob("*") if p.is_file()}
    second = {p.relative_to(tmp_path / "again"): p.read_bytes() for p in (tmp_path / "again").rglob("*") if p.is_file()}
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []
