"""The Kind registry describes each kind of content once; these tests fail when an entry is
incomplete, and show that a kind added to the registry alone gets its pages."""

import dataclasses
import re
from pathlib import Path

import pytest

from conftest import SAMPLE
from mspsite import load, resolve_settings
from mspsite.kinds import ITEM_KINDS, KINDS, Kind
from mspsite.labels import LABELS
from mspsite.model import Item
from mspsite.plan import plan_site
from mspsite.schemas import load_schema
from mspsite.urls import url_of

ROOT = Path(__file__).parent.parent
TEMPLATES = ROOT / "themes" / "portal" / "templates"
DOC = ROOT / "docs" / "adding-a-kind.md"


@pytest.fixture(scope="module")
def internal():
    return load(SAMPLE, clearance="internal", history=False)


@pytest.mark.parametrize("kind", ITEM_KINDS, ids=lambda k: k.name)
def test_every_item_kind_is_complete(kind: Kind, internal):
    assert load_schema(kind.schema_name)["type"] == "object"
    assert (TEMPLATES / kind.template).is_file()
    assert kind.section.endswith("/") and kind.audience in ("public", "funders", "partners")
    assert LABELS["kind_names"][kind.name] == kind.label
    items = getattr(internal, kind.collection)
    assert items, f"the sample has no {kind.folder}: the registry entry is not exercised"
    for item in items:
        assert item.content_kind == kind.name
        assert url_of(item) == f"{kind.section}{item.id}/"
        assert item.path.startswith(f"{kind.folder}/")


def test_every_model_item_type_names_a_kind():
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    assert sorted(t.content_kind for t in subclasses(Item)) == sorted(k.name for k in ITEM_KINDS)


def test_references_and_paths_name_fields_of_the_schema():
    """A registry path that the schema does not have would silently check nothing."""
    def exists(schema, parts):
        if not parts:
            return True
        schema = schema.get("items", schema) if parts[0] == "*" else schema
        if parts[0] == "*":
            return exists(_resolved(schema), parts[1:])
        props = _resolved(schema).get("properties", {})
        return parts[0] in props and exists(_resolved(props[parts[0]]), parts[1:])

    for kind in KINDS.values():
        schema = load_schema(kind.schema_name)
        for path in [p for p, _ in kind.references] + list(kind.paths) + list(kind.markdown_fields):
            assert exists(schema, path.split(".")), f"{kind.name}: {path}"
        for _, target in kind.references:
            assert target in KINDS
        if kind.date_order:
            assert exists(schema, list(kind.date_order.start)) and exists(schema, list(kind.date_order.end))


def _resolved(schema):
    from mspsite.schemas import resolve

    schema = resolve(schema)
    for key in ("anyOf", "oneOf"):
        for option in schema.get(key, ()):
            option = resolve(option)
            if option.get("type") in ("object", "array"):
                return option
    return schema


def test_a_kind_added_to_the_registry_alone_gets_a_list_page_and_item_pages(internal, monkeypatch):
    """What docs/adding-a-kind.md promises for planning: no change to plan.py."""
    @dataclasses.dataclass(frozen=True, eq=False)
    class Publication(Item):
        content_kind = "publication"
        title: str

    kind = Kind("publication", "publications", collection="publications", section="publications/",
                label="Publication", title="Publications", audience="funders")
    monkeypatch.setitem(KINDS, "publication", kind)
    monkeypatch.setattr("mspsite.plan.ITEM_KINDS", (*ITEM_KINDS, kind))
    brief = Publication("cooking-brief", "publications/cooking-brief.yml", "public", ("learning",), None, 0,
                        title="Policy brief: clean cooking")
    partnership = type("WithPublications", (type(internal),), {"publications": (brief,)})
    with_publications = partnership(**{f.name: getattr(internal, f.name) for f in dataclasses.fields(internal)})
    settings = resolve_settings(SAMPLE, history=False)
    pages = {page.url: page for page in plan_site(with_publications, settings, lambda s: s).pages}
    listing, page = pages["publications/"], pages["publications/cooking-brief/"]
    assert (listing.template, listing.title, listing.audience) == ("publications.html", "Publications", "funders")
    assert (page.template, page.title, page.section, page.source) == \
        ("publication.html", "Policy brief: clean cooking", "publications", "publications/cooking-brief.yml")
    assert page.parents == (("Home", ""), ("Publications", "publications/")) and page.context["publication"] is brief


def test_the_adding_a_kind_guide_names_every_registry_field():
    text = DOC.read_text()
    for field in dataclasses.fields(Kind):
        assert f"`{field.name}`" in text, f"docs/adding-a-kind.md does not explain Kind.{field.name}"
    assert re.search(r"^## ", text, re.M)


def test_each_vocabulary_is_defined_once_and_the_schemas_agree():
    """The published schemas are JSON, so they repeat the vocabularies; they must say the same."""
    from mspsite.factors import FACTORS
    from mspsite.kinds import ID_PATTERN, LANGUAGE_CODE
    from mspsite.markup import URL_SCHEMES
    from mspsite.visibility import VISIBILITIES

    common = load_schema("common.schema.json")["$defs"]
    assert tuple(common["visibility"]["enum"]) == VISIBILITIES
    assert tuple(common["factor"]["enum"]) == tuple(FACTORS)
    assert common["language"]["pattern"] == f"^{LANGUAGE_CODE.replace('(?:', '(')}$"
    assert common["id"]["pattern"] == f"^{ID_PATTERN.pattern.removesuffix(chr(92) + 'Z')}$"
    accepted = {scheme for scheme in (*URL_SCHEMES, "ftp", "javascript", "data", "file")
                if re.match(common["url"]["pattern"], f"{scheme}:{'' if scheme == 'mailto' else '//'}x.org")}
    assert accepted == URL_SCHEMES
