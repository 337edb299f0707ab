"""The public API is what docs/api.md says it is (as httpx tests its own): the exported names,
the settings fields, and examples that run."""

import dataclasses
import re
import shutil
import types
from pathlib import Path

import pytest

import mspsite
from conftest import SAMPLE, SOURCE_DATE_EPOCH

DOC = Path(__file__).parent.parent / "docs" / "api.md"


def test_exported_names_are_the_documented_ones():
    assert sorted(mspsite.__all__) == [
        "BuildResult", "ContentError", "Diagnostic", "Location", "MspsiteError", "Report", "Settings", "Severity",
        "SiteConfig", "__version__", "build", "check", "load", "resolve_settings"]
    # the first column of the table of public names: `check(source, **options)`, `Report`, `Diagnostic`...
    documented = {name for cell in re.findall(r"^\| (`[^|]+`) \|", DOC.read_text(), re.M)
                  for name in re.findall(r"`(\w+)", cell)}
    assert documented >= set(mspsite.__all__), set(mspsite.__all__) - documented


def test_nothing_internal_is_reexported():
    """Besides __all__, the package holds only its (internal) submodules: no helper leaks into the API."""
    extra = {name for name in dir(mspsite) if not name.startswith("_")} - set(mspsite.__all__)
    assert [name for name in extra if not isinstance(getattr(mspsite, name), types.ModuleType)] == []


def test_every_settings_field_is_documented_in_code_and_docs():
    text = DOC.read_text()
    source = (Path(mspsite.__file__).parent / "settings.py").read_text()
    for cls in (mspsite.Settings, mspsite.SiteConfig):
        for f in dataclasses.fields(cls):
            assert f"`{f.name}`" in text, f"{cls.__name__}.{f.name} is not in docs/api.md"
            # each field is followed by its docstring in settings.py
            assert re.search(rf"\n    {f.name}: [^\n]+\n(    \"\"\"|    [a-z_]+: )", source), f.name


def test_settings_resolve_once_and_are_immutable(tmp_path):
    settings = mspsite.resolve_settings(SAMPLE, site_url="https://staging.example.org/x/", clearance="funders",
                                        environ={"SOURCE_DATE_EPOCH": "1767225600", "GITHUB_BASE_REF": "main"})
    assert settings.site.site_url == "https://staging.example.org/x/"   # the option wins over mspsite.yml
    assert settings.site.currency == "KES" and settings.site.languages == ("en", "sw")
    assert str(settings.build_date) == "2026-01-01" and settings.review_base == "origin/main"
    assert settings.output == SAMPLE / "site" and settings.edit_base is None   # no edit links above public
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.clearance = "public"
    with pytest.raises(ValueError, match="clearance must be one of public, funders, partners, internal"):
        mspsite.resolve_settings(SAMPLE, clearance="secret")
    with pytest.raises(TypeError, match="either Settings or a folder"):
        mspsite.check(settings, clearance="public")
    # a broken mspsite.yml gives defaults; check says what is wrong
    (tmp_path / "mspsite.yml").write_text("title: [unclosed\n")
    assert mspsite.resolve_settings(tmp_path).site == mspsite.SiteConfig()


def test_documented_examples_run(tmp_path, monkeypatch):
    """Every Python block of docs/api.md, run in order against a copy of the sample."""
    shutil.copytree(SAMPLE, tmp_path / "sample-partnership")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) >= 4
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), namespace)   # noqa: S102 - our own documentation
    assert (tmp_path / "public-site" / "index.html").is_file()
    assert (tmp_path / "sample-partnership" / "funders-site" / "reports").is_dir()
    assert namespace["result"].pages > 100 and namespace["partnership"].clearance == "funders"
