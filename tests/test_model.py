"""The model: cross-links, money in the reporting currency, localised text."""

from decimal import Decimal
from pathlib import Path

import pytest

from mspsite import check, resolve_settings
from mspsite.load import load_project
from mspsite.validate import validate
from mspsite.assemble import build_model

SAMPLE = Path(__file__).parent.parent / "sample-partnership"


@pytest.fixture(scope="module")
def raw():
    raw = load_project(resolve_settings(SAMPLE))
    assert not validate(raw, resolve_settings(raw.root)).errors
    return raw


@pytest.fixture(scope="module")
def public(raw):
    return build_model(raw, resolve_settings(raw.root, clearance="public"))


def test_stakeholder_knows_its_bodies_decisions_and_budget_lines(public):
    for s in public.stakeholders:
        for body in s.bodies:
            assert any(m.stakeholder is s for m in body.members)
        for d in s.decisions:
            assert s in d.participants
        for line in s.income:
            assert line.source is s
    # the sample has partners that sit on bodies, take decisions and fund
    assert any(s.bodies and s.decisions and s.income for s in public.stakeholders)


def test_goal_knows_indicators_and_budget_lines(public, raw):
    for goal in public.goals:
        assert all(i.goal is goal for i in goal.indicators)
        for line in goal.expenditure:
            assert line.goal is goal
    linked = {(b.id, x.category) for b in public.budgets for x in b.expenditure if x.goal}
    assert linked and sum(len(g.expenditure) for g in public.goals) == \
        sum(1 for b in public.budgets for x in b.expenditure if x.goal)


def test_supersedes_links_both_ways(public):
    pairs = [(d, d.supersedes) for d in public.decisions if d.supersedes]
    assert pairs
    for newer, older in pairs:
        assert newer in older.superseded_by and older.status == "superseded"


def test_money_is_converted_with_the_line_rate(public, raw):
    checked = 0
    for doc in raw.of_kind("budget"):
        period = next((b for b in public.budgets if b.id == doc.id), None)
        for index, line in enumerate(doc.data.get("income", [])):
            if "rate" in line and line.get("visibility", "public") == "public":
                converted = [x.reporting_amount for x in period.income if x.currency == line["currency"]
                             and x.amount == Decimal(str(line["amount"]))]
                assert converted == [Decimal(str(line["amount"])) * Decimal(str(line["rate"]))]
                checked += 1
    assert checked, "the sample has a public income line in a second currency"


def test_localised_fields_and_translated_bodies(raw):
    en = build_model(raw, resolve_settings(raw.root, clearance="public"), "en")
    sw = build_model(raw, resolve_settings(raw.root, clearance="public"), "sw")
    assert en.name != sw.name and isinstance(sw.name, str)
    translated = {d.id for d in raw.of_kind("story", translations=True) if d.lang == "sw"}
    assert translated
    for story_en, story_sw in zip(en.stories, sw.stories):
        assert story_en.id == story_sw.id and story_en.date == story_sw.date
        if story_en.id in translated:
            assert story_en.title != story_sw.title and story_en.text != story_sw.text
        else:  # no translation: falls back to the default language
            assert (story_en.title, story_en.text) == (story_sw.title, story_sw.text)


def test_model_is_frozen(public):
    with pytest.raises(AttributeError):
        public.stakeholders[0].name = "changed"


def test_fallback_to_default_language(tmp_path: Path):
    (tmp_path / "mspsite.yml").write_text("title: T\nlanguages: [fr, en]\n")
    (tmp_path / "partnership.yml").write_text("name: {fr: Partenariat, en: Partnership}\nsummary: {fr: Résumé}\n")
    raw = load_project(resolve_settings(tmp_path))
    assert not validate(raw, resolve_settings(raw.root)).errors
    model = build_model(raw, resolve_settings(raw.root, clearance="public"), "en")
    assert (model.name, model.summary) == ("Partnership", "Résumé")
    assert build_model(raw, resolve_settings(raw.root)).language == "fr"


def test_default_language_text_is_required(tmp_path: Path):
    (tmp_path / "mspsite.yml").write_text("title: T\nlanguages: [en, fr]\n")
    (tmp_path / "partnership.yml").write_text("name: {fr: Partenariat}\nsummary: S\n")
    [d] = check(tmp_path).errors
    assert d.format_text() == "partnership.yml:1:7: error: no text in the default language 'en' (add en: ...)"
