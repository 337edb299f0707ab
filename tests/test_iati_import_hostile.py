"""IATI import of a hostile file: text that would inject YAML, an oversize file, entity bombs.

The file given to `mspsite import iati` comes from outside (a funder's or a registry's
file); what it writes is committed and built, so it must not hold a field the IATI
file smuggled in, and must pass `mspsite check`."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from mspsite import MspsiteError, check
from mspsite.cli import cli
from mspsite.iati.importer import MAX_IATI_BYTES, _Doc, _dump, import_iati

EPOCH = "1795824000"   # 2026-11-28, as in conftest.py
INJECTED = "injected: true"
# Every way XML text can hold a line break that a YAML reader may honour
BREAKS = {"cr": "&#13;", "crlf": "&#13;&#10;", "next-line": "&#x85;", "line-separator": "&#x2028;",
          "paragraph-separator": "&#x2029;"}


@pytest.fixture(autouse=True)
def _reproducible(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)


def hostile(br: str) -> bytes:
    """An activity whose texts, codes and currency carry a line break followed by a YAML field,
    and dates that mspsite check refuses (years 1 and 9999)."""
    return f"""<iati-activities version="2.03">
 <iati-activity default-currency="EUR" xml:lang="en"><iati-identifier>XM-1-A</iati-identifier>
  <reporting-org ref="XM-1" type="21"><narrative>Reporter{br}{INJECTED}</narrative></reporting-org>
  <title><narrative>Title{br}{INJECTED}</narrative></title>
  <description><narrative>Description{br}{INJECTED}</narrative></description>
  <description type="2"><narrative>Objectives&#x9b;&#xFDD0;&#x7f; in{br}{INJECTED}</narrative></description>
  <participating-org role="1" type="60{br}{INJECTED}" ref="XM-9"><narrative>Funder{br}{INJECTED}</narrative>
  </participating-org>
  <activity-status code="2"/>
  <activity-date type="2" iso-date="0001-01-01"/><activity-date type="1" iso-date="2020-02-01"/>
  <budget><period-start iso-date="2021-01-01"/><period-end iso-date="2021-12-31"/>
   <value currency="USD{br}{INJECTED}" value-date="2021-01-01">5</value></budget>
  <transaction><transaction-type code="99{br}{INJECTED}"/><transaction-date iso-date="2021-05-05"/>
   <value value-date="2021-05-05">7</value></transaction>
  <transaction><transaction-type code="4"/><transaction-date iso-date="9999-05-05"/>
   <value value-date="9999-05-05">7</value></transaction>
 </iati-activity>
</iati-activities>""".encode()


def keys(node) -> set[str]:
    if isinstance(node, dict):
        return set(node) | {k for v in node.values() for k in keys(v)}
    if isinstance(node, list):
        return {k for v in node for k in keys(v)}
    return set()


@pytest.mark.parametrize("br", BREAKS.values(), ids=BREAKS.keys())
def test_line_breaks_in_the_file_cannot_add_yaml_fields(br, tmp_path):
    files = import_iati(hostile(br))
    folder = tmp_path / "p"
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    yaml = YAML(typ="safe", pure=True)
    for rel, text in files.items():
        if rel.endswith(".yml"):
            assert "injected" not in keys(yaml.load(text)), f"{rel}:\n{text}"
    partnership = yaml.load(files["partnership.yml"])
    assert partnership["name"] == f"Title\n{INJECTED}"           # the break is kept as a line feed
    assert partnership["mission"] == f"Objectives in\n{INJECTED}"  # controls and non-characters dropped
    assert partnership["founded"].isoformat() == "2020-02-01"     # year 1 left out: the planned start
    assert "type '60" in files["stakeholders/funder-injected-true.yml"]   # said in comment lines
    assert "WARNING: 5 USD" in files["budget/2021.yml"]
    assert "2021" in files["budget/2021.yml"] and "9999" not in "".join(files)
    report = check(folder)
    assert not report.errors, report.format("text")


def test_comment_lines_break_at_every_line_break():
    """Defence in depth: whatever a note says, each of its lines is a comment."""
    separators = ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
    notes = [f"note{sep}{INJECTED}" for sep in separators]
    line = _Doc({"a": 1, "b": 2}, eol={"a": f"warning{separators[1]}{INJECTED}",
                                       "b": f"warning{separators[-2]}{INJECTED}"})
    text = _dump("x.yml", _Doc({"line": line}, notes))
    assert YAML(typ="safe", pure=True).load(text) == {"line": {"a": 1, "b": 2}}
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert comments.count(f"# {INJECTED}") == len(separators)
    assert "  a: 1  # warning injected: true" in text.splitlines()


def test_oversize_file_is_refused(tmp_path):
    with pytest.raises(MspsiteError, match="too large .*50 MB"):
        import_iati(b" " * (MAX_IATI_BYTES + 1))
    big = tmp_path / "big.xml"
    with open(big, "wb") as fh:          # 2 GB, sparse: the command reads no more than the limit
        fh.truncate(2_000_000_000)
    result = CliRunner().invoke(cli, ["import", "iati", str(big), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1 and "the IATI file is too large" in result.output, result.output
    assert "save the one activity to import in a file of its own" in result.output
    assert not (tmp_path / "out").exists()


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' +
                  b"".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'.encode()
                           for i in range(1, 10)) +
                  b']><iati-activities version="2.03"><iati-activity><iati-identifier>&lol9;</iati-identifier>'
                  b'</iati-activity></iati-activities>')


@pytest.mark.parametrize("data", [
    BILLION_LAUGHS,   # 10^9 "lol"s if expanded: this test would not finish
    b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><iati-activities><iati-activity>'
    b'<iati-identifier>&e;</iati-identifier></iati-activity></iati-activities>',
    b'<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/p.dtd"> %p;]><iati-activities/>',
    b'<!DOCTYPE iati-activities SYSTEM "http://127.0.0.1:9/iati.dtd"><iati-activities/>',
], ids=["billion-laughs", "external-entity", "parameter-entity", "external-dtd"])
def test_entities_are_refused_before_any_expansion(data):
    with pytest.raises(MspsiteError, match="declares a DOCTYPE"):
        import_iati(data)


def test_xml_errors_are_messages():
    with pytest.raises(MspsiteError, match="not well-formed XML"):
        import_iati(b"<iati-activities><iati-activity></iati-activities>")
