"""axe-core on one page of every type, in light and dark colour schemes: no WCAG 2.0/2.1
level A or AA violation."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from test_browser import PAGE_TYPES

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
# Rules every page must have been checked against: a wrong tag name would run no rule at all
# and pass silently.
EXPECTED_RULES = {"color-contrast", "image-alt", "label", "link-name", "html-has-lang"}


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.fixture(scope="module", params=["light", "dark"])
def scheme_page(request, browser):
    ctx = browser.new_context(color_scheme=request.param)
    yield ctx.new_page()
    ctx.close()


def _report(url, violations) -> str:
    lines = [f"{len(violations)} WCAG A/AA violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} [{v['helpUrl']}]")
        for node in v["nodes"]:
            lines.append(f"    target: {', '.join(map(str, node['target']))}")
            lines.append(f"    html:   {' '.join(node['html'].split())[:300]}")
            if node.get("failureSummary"):
                lines.append("    why:    " + " / ".join(node["failureSummary"].splitlines()[1:])[:300])
    return "\n".join(lines)


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_no_wcag_violations(scheme_page, served_sample, axe, kind):
    page = scheme_page
    url = served_sample + PAGE_TYPES[kind]
    page.goto(url)
    if kind == "search":   # also check the page with results showing
        page.fill("#search-input", "charcoal")
        page.locator("#search-results li a").first.wait_for(timeout=10_000)
    if kind == "decisions":  # and the filter form in use
        page.select_option("#filter-status", "adopted")
    results = axe.run(page, options=OPTIONS).response
    ran = {r["id"] for key in ("violations", "passes", "incomplete", "inapplicable") for r in results.get(key, [])}
    assert len(ran) > 40 and EXPECTED_RULES <= ran, f"axe ran only {sorted(ran)}"
    violations = results["violations"]
    if violations:
        print(_report(url, violations))
    assert not violations, _report(url, violations)

