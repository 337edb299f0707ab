"""The benchmark generator (benchmarks/generate.py, docs/performance.md): the same seed gives the same
bytes, `check` finds nothing to say about what it writes, and its proportions are issue 10's. It runs
as the documented command; no build runs here (the harness itself is too slow for a test)."""

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from ruamel.yaml import YAML

import mspsite

ROOT = Path(__file__).parent.parent
pytestmark = pytest.mark.xdist_group("benchmarks")   # one small partnership for the module


def generate(out: Path, pages: int, seed: int, languages: str = "en,fr") -> Path:
    subprocess.run([sys.executable, "-m", "benchmarks.generate", "--pages", str(pages), "-o", str(out),
                    "--seed", str(seed), "--languages", languages], cwd=ROOT, check=True, capture_output=True)
    return out


def contents(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def body(path: Path) -> str:
    return path.read_text().split("\n---\n", 1)[1]


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return generate(tmp_path_factory.mktemp("bench") / "small", 120, 7)


def test_the_same_seed_gives_the_same_bytes(small, tmp_path):
    assert contents(generate(tmp_path / "again", 120, 7)) == contents(small)
    assert contents(generate(tmp_path / "other", 120, 8)) != contents(small)


def test_check_has_nothing_to_report(small):
    report = mspsite.check(small)
    assert [d.format_text() for d in report.sorted()] == []


def test_the_partnership_uses_what_real_ones_do(small):
    files = contents(small)
    text = {rel: data.decode() for rel, data in files.items()}
    levels = Counter(m for t in text.values() for m in re.findall(r"^visibility: (\w+)$", t, re.M))
    assert levels["partners"] and levels["internal"] and levels["funders"]
    items = [rel for rel in files if rel.startswith(("decisions/", "meetings/", "stories/")) and rel.count(".") == 1]
    assert sum(("visibility:" not in text[rel].split("\n---\n")[1]) for rel in items) > 0.75 * len(items)
    assert any(re.fullmatch(r"stories/[a-z0-9-]+\.fr\.md", rel) for rel in files)     # translations
    assert any(re.fullmatch(r"decisions/[a-z0-9-]+\.fr\.md", rel) for rel in files)
    stories = [p for p in (small / "stories").glob("*.md") if p.name.count(".") == 1]
    assert all(re.search(r"\]\(\.\./goals/[a-z0-9-]+\.yml\)", body(p)) for p in stories)
    decisions = [body(p) for p in (small / "decisions").glob("*.md") if p.name.count(".") == 1]
    assert any("](../meetings/" in b for b in decisions)
    terms = re.findall(r"^  - term: (.+)$", text["glossary.yml"], re.M)
    bodies = [body(p) for p in small.glob("*/*.md") if p.name.count(".") == 1]
    assert sum(any(t.lower() in b.lower() for t in terms) for b in bodies) > len(bodies) / 2
    sizes = sorted(len(b.encode()) for b in bodies)
    assert sizes[0] >= 500 and sizes[int(len(sizes) * 0.95)] <= 5000
    assert all(marker in "".join(bodies) for marker in ("\n## ", "\n- ", "\n|---|", "**"))


def test_counts_are_the_issues_proportions(tmp_path):
    """At 1,000 pages, a tenth of the issue's counts per 10,000 pages (within 10%)."""
    out = generate(tmp_path / "thousand", 1000, 1)
    found = Counter(p.parent.name for p in out.glob("*/*") if p.suffix in (".md", ".yml") and p.name.count(".") == 1)
    per_10k = {"stakeholders": 300, "bodies": 20, "goals": 40, "decisions": 5000, "meetings": 1500,
               "stories": 2000, "lessons": 1000, "events": 500, "budget": 10, "reports": 20}
    for folder, n in per_10k.items():
        assert abs(found[folder] - n / 10) <= max(1, n / 100), (folder, found[folder])
    assert 990 <= sum(found.values()) <= 1010   # --pages counts item pages
    yaml = YAML(typ="safe")
    goals = [yaml.load(p) for p in (out / "goals").glob("*.yml")]
    indicators = [i for g in goals for o in g["outcomes"] for i in o["indicators"]]
    assert len(indicators) == 5 * len(goals) and {len(i["measurements"]) for i in indicators} == {10}
    (budget,) = [yaml.load(p) for p in (out / "budget").glob("*.yml")]
    assert len(budget["income"]) + len(budget["expenditure"]) == 500
    assert abs(len(yaml.load(out / "glossary.yml")["terms"]) - 30) <= 3
