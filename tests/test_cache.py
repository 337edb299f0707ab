"""The no-change rebuild: the same inputs as the portal in the output folder build nothing, and
anything that could change the portal (an edit, an option, the date, the portal itself) builds again."""

import os
import shutil
import time
from pathlib import Path

import pytest

from conftest import SOURCE_DATE_EPOCH, STARTER
from mspsite import build
from mspsite.cache import CACHE


@pytest.fixture
def src(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
    shutil.copytree(STARTER, tmp_path / "p")
    (tmp_path / "p" / "stories" / "draft.md").write_text("---\ntitle: A draft\ndate: 2025-05-01\nsummary: S\n---\nText.\n")
    (tmp_path / "p" / "notes").mkdir()   # a folder the format does not know: a warning, to see it reported again
    (tmp_path / "p" / "notes" / "todo.txt").write_text("call the ministry")
    return tmp_path / "p"


def times(out: Path) -> dict[str, int]:
    return {p.relative_to(out).as_posix(): p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}


def test_a_rebuild_with_nothing_changed_builds_nothing_and_says_the_same(src):
    first = build(src, history=False, search=False)
    before = times(src / "site")
    again = build(src, history=False, search=False)
    assert not first.unchanged and again.unchanged
    assert (again.pages, again.files, again.bytes) == (first.pages, first.files, first.bytes)
    assert again.report.format("text") == first.report.format("text") != ""   # the warning, again
    assert times(src / "site") == before
    assert not any(CACHE in p.parts for p in (src / "site").rglob("*"))   # the record is never published


@pytest.mark.parametrize("change", ["edit", "option", "date", "output-edited", "output-deleted", "theme"])
def test_what_changes_the_portal_builds_again(src, monkeypatch, change):
    build(src, history=False, search=False)
    options = {"history": False, "search": False}
    time.sleep(0.01)   # a new modification time even on coarse file systems
    if change == "edit":
        story = src / "stories" / "draft.md"
        story.write_text(story.read_text().replace("A draft", "A second draft"))
    elif change == "option":
        options["clearance"] = "partners"
    elif change == "date":
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(SOURCE_DATE_EPOCH) + 86_400))
    elif change == "output-edited":
        (src / "site" / "index.html").write_text("edited by hand")
    elif change == "output-deleted":
        os.remove(src / "site" / "stories" / "index.html")
    elif change == "theme":
        (src / "overrides").mkdir()
        (src / "overrides" / "story.html").write_text('{% extends "base.html" %}')
    result = build(src, **options)
    assert not result.unchanged
    assert "edited by hand" not in (src / "site" / "index.html").read_text()
    assert (src / "site" / "stories" / "index.html").is_file()
    if change == "edit":
        assert "A second draft" in (src / "site" / "stories" / "draft" / "index.html").read_text()


def test_a_folder_that_cannot_hold_the_record_still_builds(src, monkeypatch):
    (src / CACHE).write_text("not a folder")
    assert not build(src, history=False, search=False).unchanged
    assert not build(src, history=False, search=False).unchanged   # no record, so no shortcut: still right


def test_a_later_build_converts_and_checks_only_what_changed(src, monkeypatch):
    """Conversions and schema passes are kept in the cache folder by a digest of each text and
    document: a new process (here: emptied memory) converts only the edited text, checks only the
    edited document against its schema, and the portal is what a fresh build makes."""
    from mspsite import markup, passed, validate

    converted, checked = [], []
    real = markup._convert
    monkeypatch.setattr(markup, "_convert", lambda text, md, budget: converted.append(text) or real(text, md, budget))
    real_validator = validate.validator
    monkeypatch.setattr(validate, "validator", lambda kind: checked.append(kind) or real_validator(kind))

    def new_process():
        monkeypatch.setattr(markup, "_CONVERTED", markup._Converted())   # nothing from earlier builds in memory
        passed.forget()
        converted.clear()
        checked.clear()

    new_process()
    build(src, history=False, search=False)
    assert len(converted) > 10 and len(checked) > 10
    story = src / "stories" / "draft.md"
    story.write_text(story.read_text().replace("Text.", "A new paragraph, *edited*."))
    new_process()
    build(src, history=False, search=False)
    assert converted == ["A new paragraph, *edited*.\n"]
    assert checked == []   # the story's fields are as they were: only its body changed
    story.write_text(story.read_text().replace("title: A second draft", "title: A third draft")
                     .replace("title: A draft", "title: A third draft"))
    new_process()
    build(src, history=False, search=False)
    assert checked == ["story"]
    fresh = build(src, src.parent / "fresh", history=False, search=False)   # another output: built anew
    assert not fresh.unchanged
    for page in (src / "site").rglob("*.html"):
        assert page.read_bytes() == (src.parent / "fresh" / page.relative_to(src / "site")).read_bytes()
    assert [p.name for p in (src / CACHE).glob("work-*.json")] != []
