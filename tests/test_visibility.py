"""Visibility filtering: an item or nested entry above the clearance is absent from the model."""

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from mspsite import resolve_settings
from mspsite.load import load_project
from mspsite.validate import validate
from mspsite.assemble import build_model
from mspsite.kinds import KINDS
from mspsite.visibility import VISIBILITIES

STARTER = Path(__file__).parent.parent / "mspsite" / "starter"
CANARY = "CANARY"


def _all_strings(obj, seen=None):
    """Every string reachable from a model object (following links, once each)."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return
    seen.add(id(obj))
    if isinstance(obj, str):
        yield obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from _all_strings(getattr(obj, f.name), seen)
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _all_strings(k, seen)
            yield from _all_strings(v, seen)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from _all_strings(v, seen)


# One hidden item per kind that is an item, and one hidden nested entry per kind with entries.
HIDDEN_ITEMS = {
    "stakeholders/secret-org.yml": "name: CANARY org {v}\nsector: private\nvisibility: {v}\n",
    "bodies/secret-body.yml": "name: CANARY body {v}\nkind: advisory\nvisibility: {v}\n",
    "goals/secret-goal.yml": "title: CANARY goal {v}\nvisibility: {v}\n",
    "decisions/secret-decision.md": "---\ntitle: CANARY decision {v}\ndate: 2025-01-01\nbody: steering-committee\n"
                                    "status: adopted\nvisibility: {v}\n---\nCANARY rationale\n",
    "meetings/secret-meeting.md": "---\ntitle: CANARY meeting {v}\ndate: 2025-01-01\nvisibility: {v}\n---\nCANARY\n",
    "budget/secret-budget.yml": "period: {{start: 2024-01-01, end: 2024-12-31}}\ntitle: CANARY budget {v}\n"
                                "visibility: {v}\n",
    "reports/secret-report.yml": "title: CANARY report {v}\nperiod: {{start: 2025-01-01, end: 2025-12-31}}\n"
                                 "visibility: {v}\n",
    "lessons/secret-lesson.md": "---\ntitle: CANARY lesson {v}\ndate: 2025-01-01\nkind: failure\nvisibility: {v}\n"
                                "---\nCANARY\n",
    "stories/secret-story.md": "---\ntitle: CANARY story {v}\ndate: 2025-01-01\nvisibility: {v}\n---\nCANARY\n",
    "events/secret-event.md": "---\ntitle: CANARY event {v}\ndate: 2025-01-01\nvisibility: {v}\n---\nCANARY\n",
    "initiatives/secret-initiative.yml": "name: CANARY initiative {v}\nvisibility: {v}\n",
    "assessments/secret-assessment.yml": "title: CANARY assessment {v}\ndate: 2025-01-01\nvisibility: {v}\n",
    "pages/secret-page.md": "---\ntitle: CANARY page {v}\nvisibility: {v}\n---\nCANARY\n",
}
NESTED = {
    "stakeholders/ministry.yml": "contact: {{name: CANARY person {v}, email: c@example.org, visibility: {v}}}\n"
                                 "contributions:\n  - {{kind: network, description: CANARY contribution {v}, "
                                 "visibility: {v}}}\n",
    "bodies/steering-committee.yml": "members:\n  - {{stakeholder: energy-fund, role: CANARY role {v}, "
                                     "visibility: {v}}}\n",
    "budget/2025.yml": "income:\n  - {{source: ministry, kind: cash, status: pledged, amount: 1, "
                       "description: CANARY line {v}, visibility: {v}}}\n",
    "goals/energy-access.yml": "interests:\n  - {{stakeholder: energy-fund, interest: CANARY interest {v}, "
                               "visibility: {v}}}\n",
    "glossary.yml": "terms:\n  - {{term: CANARY term {v}, definition: secret, visibility: {v}}}\n",
    "partnership.yml": "champions:\n  - {{name: CANARY champion {v}, visibility: {v}}}\n",
}


def _project(tmp_path: Path, level: str) -> Path:
    root = tmp_path / "p"
    shutil.copytree(STARTER, root)
    for rel, text in HIDDEN_ITEMS.items():
        (root / rel).parent.mkdir(exist_ok=True)
        (root / rel).write_text(text.format(v=level))
    for rel, text in NESTED.items():
        replaced = {line.split(":")[0] for line in text.splitlines() if not line.startswith(" ")}
        original = (root / rel).read_text()
        kept, skipping = [], False
        for line in original.splitlines():
            top = not line.startswith((" ", "\t"))
            if top:
                skipping = line.split(":")[0] in replaced
            if not skipping:
                kept.append(line)
        (root / rel).write_text("\n".join(kept) + "\n" + text.format(v=level))
    return root


LABELS = {m for t in (*HIDDEN_ITEMS.values(), *NESTED.values()) for m in re.findall(r"CANARY [a-z]+", t)}


def test_hidden_items_cover_every_folder_kind():
    assert {rel.split("/")[0] for rel in HIDDEN_ITEMS} == {k.folder for k in KINDS.values() if k.folder}


@pytest.mark.parametrize("level", VISIBILITIES[1:])
def test_nothing_above_clearance_reaches_the_model(tmp_path: Path, level: str):
    root = _project(tmp_path, level)
    raw = load_project(resolve_settings(root))
    report = validate(raw, resolve_settings(raw.root, clearance="internal"))
    assert not report.errors, report.format()
    for clearance in VISIBILITIES:
        model = build_model(raw, resolve_settings(raw.root, clearance=clearance))
        leaked = sorted({s for s in _all_strings(model) if CANARY in s})
        if VISIBILITIES.index(clearance) < VISIBILITIES.index(level):
            assert leaked == [], f"{clearance} build leaks {leaked}"
            assert model.hidden_items == len(HIDDEN_ITEMS)
        else:  # at or above their level every one of them is there, so the test above can fail
            found = {m for s in leaked for m in re.findall(r"CANARY [a-z]+", s)}
            assert found == LABELS


def test_references_to_hidden_items_are_dropped(tmp_path: Path):
    root = _project(tmp_path, "internal")
    (root / "decisions" / "first-work-plan.md").write_text(
        "---\ntitle: Plan\ndate: 2025-02-10\nbody: secret-body\nstatus: adopted\n"
        "participants: [ministry, secret-org]\ngoals: [secret-goal]\n---\nText\n")
    raw = load_project(resolve_settings(root))
    public = build_model(raw, resolve_settings(raw.root, clearance="public"))
    d = next(x for x in public.decisions if x.id == "first-work-plan")
    assert d.body is None and [p.id for p in d.participants] == ["ministry"] and d.goals == ()
    internal = build_model(raw, resolve_settings(raw.root, clearance="internal"))
    d = next(x for x in internal.decisions if x.id == "first-work-plan")
    assert d.body.id == "secret-body" and [p.id for p in d.participants] == ["ministry", "secret-org"]


def test_withheld_entries_are_counted(tmp_path: Path):
    raw = load_project(resolve_settings(_project(tmp_path, "partners")))
    budget = next(b for b in build_model(raw, resolve_settings(raw.root, clearance="public")).budgets if b.id == "2025")
    assert budget.withheld == 1 and budget.income == ()
    assert next(b for b in build_model(raw, resolve_settings(raw.root, clearance="partners")).budgets if b.id == "2025").withheld == 0
