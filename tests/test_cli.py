"""The command line: exit codes, output formats, `new` and `schema`."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from mspsite.cli import cli

ROOT = Path(__file__).parent.parent
BROKEN = ROOT / "tests" / "projects" / "broken-unknown-body" / "project"
# ::error file=F,line=L,col=C,title=T::message — GitHub's workflow-command syntax
ANNOTATION = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.+)$")


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)), catch_exceptions=False)


def test_new_project_passes_strict_check(tmp_path: Path):
    result = run("new", tmp_path / "p")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "p" / ".schemas" / "stakeholder.schema.json").is_file()
    first = (tmp_path / "p" / "stakeholders" / "ministry.yml").read_text().splitlines()[0]
    assert first == "# yaml-language-server: $schema=../.schemas/stakeholder.schema.json"
    assert (tmp_path / "p" / "mspsite.yml").read_text().startswith(
        "# yaml-language-server: $schema=.schemas/mspsite.schema.json\n")
    assert (tmp_path / "p" / ".gitignore").read_text().splitlines() == ["site/", ".mspsite-cache/"]
    result = run("check", tmp_path / "p", "--strict")
    assert result.exit_code == 0, result.output


def test_new_refuses_a_non_empty_folder(tmp_path: Path):
    (tmp_path / "keep.txt").write_text("mine")
    result = run("new", tmp_path)
    assert result.exit_code == 1 and "is not empty" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_sample_partnership_passes_strict_check():
    result = run("check", ROOT / "sample-partnership", "--strict")
    assert result.exit_code == 0, result.output


def test_exit_codes(tmp_path: Path):
    assert run("check", BROKEN).exit_code == 1
    assert run("check", BROKEN, "--format", "yaml").exit_code == 2
    assert run("check").exit_code == 2
    run("new", tmp_path / "p")
    (tmp_path / "p" / "notes.txt").write_text("x")
    assert run("check", tmp_path / "p").exit_code == 0          # a warning only
    assert run("check", tmp_path / "p", "--strict").exit_code == 1


def test_text_output_is_file_line_column(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "mspsite", "check", "."], cwd=BROKEN, capture_output=True,
                            text=True)
    assert result.returncode == 1
    assert result.stdout == ("decisions/2025-work-plan.md:4:7: error: unknown body 'steering' "
                             "(did you mean 'steering-committee'?)\n")
    assert "1 error, 0 warnings" in result.stderr and "Traceback" not in result.stderr


def test_github_format_parses_as_annotations():
    result = subprocess.run([sys.executable, "-m", "mspsite", "check", "tests/projects/broken-unknown-body/project",
                             "--format", "github"], cwd=ROOT, capture_output=True, text=True)
    lines = result.stdout.splitlines()
    assert lines and result.returncode == 1
    for line in lines:
        m = ANNOTATION.match(line)
        assert m, line
        assert (ROOT / m[2]).is_file()  # the path is relative to the repository root, as GitHub needs
    m = ANNOTATION.match(lines[0])
    assert m.groups()[:4] == ("error", "tests/projects/broken-unknown-body/project/decisions/2025-work-plan.md",
                              "4", "7")
    assert m[6] == "unknown body 'steering' (did you mean 'steering-committee'?)"


def test_github_format_escapes_special_characters():
    from mspsite.diagnostics import Location, error

    line = error(Location("a,b:c.yml", 2, 3), "50% done\nnext").format_github()
    assert line == "::error file=a%2Cb%3Ac.yml,line=2,col=3,title=mspsite generic::50%25 done%0Anext"


def test_json_format():
    result = run("check", BROKEN, "--format", "json")
    [item] = json.loads(result.output)
    assert item["line"] == 4 and item["column"] == 7 and item["severity"] == "error"
    assert item["file"].endswith("decisions/2025-work-plan.md") and item["code"] == "unknown-reference"


def test_schema_export(tmp_path: Path):
    result = run("schema", "-o", tmp_path)
    assert result.exit_code == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert "common.schema.json" in names and "story.schema.json" in names and len(names) == 17


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "mspsite" / "schemas").glob("*.json")))
def test_schemas_are_valid_draft_2020_12_and_their_examples_validate(name):
    from mspsite.schemas import load_schema, validator

    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    kind = name.removesuffix(".schema.json")
    for example in schema.get("examples", []):
        errors = list(validator(kind).iter_errors(example))
        assert not errors, [e.message for e in errors]


def test_no_traceback_for_a_missing_folder(tmp_path: Path):
    result = subprocess.run([sys.executable, "-m", "mspsite", "check", str(tmp_path / "nope")],
                            capture_output=True, text=True)
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr


def test_reference_doc_is_generated_from_the_schemas():
    from mspsite.reference import render_reference

    assert (ROOT / "docs" / "reference.md").read_text(encoding="utf-8") == render_reference(), \
        "docs/reference.md is stale: run  mspsite schema --reference > docs/reference.md"


def test_translation_template_is_current(tmp_path):
    """Every interface string is extracted for translators (themes/portal/locale/messages.pot)."""
    from babel.messages.pofile import read_po

    # Babel's own command line, from this interpreter: nothing from PATH
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "N_", "--no-location", "--sort-output",
                    "--omit-header", "-o", str(tmp_path / "new.pot"), "."], cwd=ROOT, check=True, capture_output=True)
    ids = lambda path: {m.id for m in read_po(open(path, "rb")) if m.id}
    assert ids(tmp_path / "new.pot") == ids(ROOT / "themes" / "portal" / "locale" / "messages.pot"), \
        "run: pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header " \
        "-o themes/portal/locale/messages.pot ."


def test_every_diagnostic_code_is_documented():
    codes = set()
    for path in (ROOT / "mspsite").rglob("*.py"):   # mspsite/iati/, mspsite/outputs/ too
        codes |= set(re.findall(r'code="([a-z-]+)"', path.read_text()))
    headings = set(re.findall(r"^## (\S+)$", (ROOT / "docs" / "diagnostics.md").read_text(), re.M))
    assert codes and codes <= headings, f"undocumented diagnostics: {sorted(codes - headings)}"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text().split("```sh\n", 1)[1].split("```", 1)[0].splitlines()
    assert len(readme) == 2 and readme[0].startswith("pip install . && mspsite build sample-partnership")
    assert readme[1] in (ROOT / ".ci" / "run").read_text().splitlines()


def test_sample_schemas_are_current():
    from mspsite.schemas import schema_files

    folder = ROOT / "sample-partnership" / ".schemas"
    assert {p.name: p.read_text() for p in folder.glob("*.json")} == schema_files(), \
        "run: mspsite schema -o sample-partnership/.schemas"
