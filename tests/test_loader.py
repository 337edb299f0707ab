"""Loader: positions of keys, values and list items; what is read and what is skipped."""

import os
from pathlib import Path

from mspsite import Location, resolve_settings
from mspsite.folder import BUILD_MARKER, MARKER_TEXT
from mspsite.load import load_project
from mspsite.yamlread import ReadError, parse_yaml, read_text

import pytest


def test_yaml_positions_for_keys_values_and_items():
    text = ("name: Ministry\n"
            "interests:\n"
            "  - Universal access\n"
            "  - Jobs\n"
            "description: |\n"
            "  Line one\n"
            "  line two\n"
            "contributions:\n"
            "  - {kind: financial, amount: 5}\n"
            "sector: public\n")
    data, loc = parse_yaml(text, "s.yml")
    assert data["description"] == "Line one\nline two\n"
    assert loc.key(("name",)) == Location("s.yml", 1, 1)
    assert loc.value(("name",)) == Location("s.yml", 1, 7)
    assert loc.value(("interests", 1)) == Location("s.yml", 4, 5)
    assert loc.value(("description",)) == Location("s.yml", 5, 14)
    assert loc.key(("sector",)) == Location("s.yml", 10, 1)   # after the multi-line block
    assert loc.value(("contributions", 0, "amount")) == Location("s.yml", 9, 31)
    assert loc.key(("contributions", 0, "amount")) == Location("s.yml", 9, 23)


def test_unknown_path_falls_back_to_nearest_parent():
    _, loc = parse_yaml("a:\n  b: 1\n", "x.yml")
    assert loc.value(("a", "b", "c", 3)) == Location("x.yml", 2, 6)


def test_front_matter_positions_include_the_opening_line(tmp_path: Path):
    (tmp_path / "mspsite.yml").write_text("title: T\n")
    (tmp_path / "partnership.yml").write_text("name: P\nsummary: S\n")
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "one.md").write_text(
        "---\ntitle: One\ndate: 2024-01-01\nkind: success\nstakeholders:\n  - a\n  - b\n---\nBody line\n")
    raw = load_project(resolve_settings(tmp_path))
    doc = next(d for d in raw.documents if d.kind.name == "lesson")
    assert doc.locations.key(("title",)) == Location("lessons/one.md", 2, 1)
    assert doc.locations.value(("kind",)) == Location("lessons/one.md", 4, 7)
    assert doc.locations.value(("stakeholders", 1)) == Location("lessons/one.md", 7, 5)
    assert doc.body == "Body line\n" and doc.body_line == 9


def test_crlf_and_bom_are_read_as_text():
    assert read_text("\ufeffa: 1\r\nb: 2\r\n".encode(), "x.yml") == "a: 1\nb: 2\n"


@pytest.mark.parametrize("data, message, line, column", [
    (b"a: 1\nb: \xff\n", "invalid UTF-8 byte 0xff", 2, 4),
    (b"a: 1\x00", "file is binary (it contains NUL bytes)", 1, 5),
    ("a: 1\n".encode("utf-16"), "file is encoded as UTF-16", 1, 1),
    (b"  \n", "file is empty", 1, 1),
])
def test_bad_bytes_are_located(data, message, line, column):
    with pytest.raises(ReadError) as exc:
        read_text(data, "x.yml")
    d = exc.value.diagnostic
    assert (d.message, d.location.line, d.location.column) == (message, line, column)


def test_skips_output_dot_folders_backups_and_built_sites(tmp_path: Path):
    (tmp_path / "mspsite.yml").write_text("title: T\n")
    (tmp_path / "partnership.yml").write_text("name: P\nsummary: S\n")
    for rel in ("site/stakeholders/x.yml", ".git/x.yml", "stakeholders/a.yml~", "stakeholders/.#a.yml",
                "out/stakeholders/y.yml", "crlf/stakeholders/y.yml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("junk: [\n")
    # real built sites, silently skipped: their marker is the one mspsite writes (also after a CRLF checkout)
    (tmp_path / "out" / BUILD_MARKER).write_bytes(MARKER_TEXT)
    (tmp_path / "crlf" / BUILD_MARKER).write_bytes(MARKER_TEXT.replace(b"\n", b"\r\n"))
    raw = load_project(resolve_settings(tmp_path))
    assert raw.report.diagnostics == []
    assert {d.path for d in raw.documents} == {"mspsite.yml", "partnership.yml"}


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link_to_real_marker(path: Path) -> None:
    (path.parent.parent / ".real-marker").write_bytes(MARKER_TEXT)
    path.symlink_to("../.real-marker")


# A committed .mspsite-build file hides its folder: a warning at that file whenever the folder cannot be a
# portal mspsite built (a marker it did not write, or a folder of the format, where no portal goes).
HIDING_MARKERS = {
    "empty-in-stakeholders": ("stakeholders", b""),
    "real-text-in-decisions": ("decisions", MARKER_TEXT),
    "real-text-in-media-subfolder": ("media/archive", MARKER_TEXT),
    "real-text-in-overrides": ("overrides", MARKER_TEXT),
    "other-text-elsewhere": ("notes", b"do not read\n"),
    "longer-text-elsewhere": ("notes", MARKER_TEXT + b"and more\n"),
    "symlink-elsewhere": ("notes", _link_to_real_marker),
    "fifo-elsewhere": ("notes", _fifo),
    "folder-elsewhere": ("notes", lambda path: path.mkdir()),
}


@pytest.mark.parametrize("case", HIDING_MARKERS, ids=list(HIDING_MARKERS))
def test_build_marker_that_hides_content_warns(tmp_path: Path, case: str):
    folder, marker = HIDING_MARKERS[case]
    (tmp_path / "mspsite.yml").write_text("title: T\n")
    (tmp_path / "partnership.yml").write_text("name: P\nsummary: S\n")
    (tmp_path / folder).mkdir(parents=True)
    (tmp_path / folder / "moe.yml").write_text("name: M\nsector: public\n")
    if callable(marker):
        marker(tmp_path / folder / BUILD_MARKER)
    else:
        (tmp_path / folder / BUILD_MARKER).write_bytes(marker)
    raw = load_project(resolve_settings(tmp_path))   # a FIFO must not block it
    assert [d.format_text() for d in raw.report.diagnostics] == [
        f"{folder}/.mspsite-build:1:1: warning: folder '{folder}/' is skipped: this file marks it as a portal "
        "mspsite built (if the folder holds content, delete this file; mspsite writes it only into the portals "
        "it builds)"]
    assert raw.report.diagnostics[0].code == "build-marker"
    assert {d.path for d in raw.documents} == {"mspsite.yml", "partnership.yml"}   # still skipped


def test_typo_folder_warns_with_did_you_mean(tmp_path: Path):
    (tmp_path / "mspsite.yml").write_text("title: T\n")
    (tmp_path / "partnership.yml").write_text("name: P\nsummary: S\n")
    (tmp_path / "stakholders").mkdir()
    (tmp_path / "stakholders" / "moe.yml").write_text("name: M\nsector: public\n")
    [d] = load_project(resolve_settings(tmp_path)).report.diagnostics
    assert d.format_text() == ("stakholders/moe.yml:1:1: warning: folder 'stakholders/' is not part of the "
                               "partnership format; its files are ignored (did you mean 'stakeholders'?)")


def test_large_file_is_rejected_without_reading_it_all(tmp_path: Path):
    # made at run time (the golden projects hold only small files): a 50 MB sparse file
    (tmp_path / "mspsite.yml").write_text("title: T\n")
    (tmp_path / "partnership.yml").write_text("name: P\nsummary: S\n")
    (tmp_path / "stakeholders").mkdir()
    with open(tmp_path / "stakeholders" / "big.yml", "wb") as fh:
        fh.write(b"name: x\n")
        fh.truncate(50 * 1000 * 1000)
    [d] = load_project(resolve_settings(tmp_path)).report.diagnostics
    assert d.format_text() == ("stakeholders/big.yml:1:1: error: file is too large (50.0 MB; the limit is 5 MB) "
                               "(content files hold text; put large documents in media/)")


def test_windows_reserved_names_are_refused(tmp_path: Path):
    # made at run time: a file named con.yml in this repository would stop Git for Windows checking it out
    (tmp_path / "mspsite.yml").write_text("title: T\n")
    (tmp_path / "partnership.yml").write_text("name: P\nsummary: S\n")
    (tmp_path / "stakeholders").mkdir()
    (tmp_path / "stakeholders" / "con.yml").write_text("name: C\nsector: public\n")
    [d] = load_project(resolve_settings(tmp_path)).report.diagnostics
    assert d.format_text() == ("stakeholders/con.yml:1:1: error: id 'con' is a reserved file name on Windows "
                               "(choose another name so that every editor can check out the repository)")


def test_link_location_points_at_the_link_target(tmp_path: Path):
    from mspsite import check

    (tmp_path / "mspsite.yml").write_text("title: T\n")
    (tmp_path / "partnership.yml").write_text("name: P\nsummary: S\n")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.md").write_text("---\ntitle: A\n---\nSee ../x.md: [../x.md](../x.md)\n")
    [d] = check(tmp_path).diagnostics
    assert d.format_text() == "pages/a.md:4:24: error: link: file not found: '../x.md'"


def test_a_value_ruamel_cannot_read_is_a_located_error_not_a_traceback(tmp_path: Path):
    from mspsite import check

    (tmp_path / "mspsite.yml").write_text("title: T\n")
    (tmp_path / "partnership.yml").write_text("name: P\nsummary: S\n")
    (tmp_path / "stakeholders").mkdir()
    (tmp_path / "stakeholders" / "x.yml").write_text("name: 0x_\nsector: public\n")
    [d] = check(tmp_path).errors
    assert d.format_text() == "stakeholders/x.yml:1:1: error: invalid YAML: a value in this file cannot be read " \
        "(quote any value that looks like a number but is not one, such as 0x_ or +_)"
