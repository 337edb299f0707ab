"""The built sample portal in a real browser (Debian's Chromium through Playwright):
every page type loads cleanly, navigation, search, filters, small screens, dark mode,
and the portal opened straight from the file system."""

from __future__ import annotations

import re

import pytest

# One page of every template type, as a URL relative to the portal root.
PAGE_TYPES = {
    "home": "",
    "about": "about/",
    "partners": "partners/",
    "stakeholder": "partners/ministry-of-energy/",
    "governance": "governance/",
    "body": "governance/steering-committee/",
    "decisions": "governance/decisions/",
    "decision": "governance/decisions/results-based-financing-revised/",
    "meetings": "governance/meetings/",
    "meeting": "governance/meetings/2025-02-12-steering/",
    "goals": "goals/",
    "goal": "goals/household-access/",
    "finances": "finances/",
    "budget": "finances/2024/",
    "lessons": "lessons/",
    "lesson": "lessons/ethanol-exit/",
    "stories": "stories/",
    "story": "stories/akinyi-switches-to-lpg/",
    "events": "events/",
    "event": "events/clean-cooking-dialogue-2023/",
    "network": "network/",
    "initiative": "network/endev/",
    "glossary": "glossary/",
    "factors": "factors/",
    "factor": "factors/learning/",
    "assessment": "factors/assessments/2025/",
    "reports": "reports/",
    "report": "reports/annual-2024/",
    "page": "pages/how-we-work/",
    "data": "data/",
    "search": "search/",
    "sitemap": "sitemap/",
    "404": "no/such/page/",
    "sw story": "sw/stories/sales-agents-of-nyakach/",   # the second language's portal, its text untranslated
}
NOT_FOUND = "404"


class Watch:
    """Everything that went wrong while a page was open: console errors, uncaught
    exceptions, requests that failed and responses with an error status."""

    def __init__(self, page, expect_status: dict[str, int] | None = None):
        self.problems: list[str] = []
        self.requests: list[str] = []
        self.expected = expect_status or {}
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"uncaught exception: {exc}"))
        page.on("request", lambda req: self.requests.append(req.url))
        page.on("requestfailed", lambda req: self.problems.append(f"request failed: {req.url} ({req.failure})"))
        page.on("response", self._response)

    def _console(self, msg):
        if msg.type != "error":
            return
        where = msg.location.get("url")
        if self.expected.get(where) == 404 and "404" in msg.text:
            return   # the browser logs the deliberate 404 itself as a console error
        self.problems.append(f"console {msg.type}: {msg.text} at {where}:{msg.location.get('lineNumber')}")

    def _response(self, resp):
        if resp.status >= 400 and self.expected.get(resp.url) != resp.status:
            self.problems.append(f"HTTP {resp.status}: {resp.url}")

    def check(self):
        assert not self.problems, "\n".join(self.problems)


def _settle(page):
    # Static pages: once "load" fired, the style sheet, scripts and visible images are in
    # (or have failed, and Playwright has already delivered that event).
    page.wait_for_load_state("load")


@pytest.fixture
def context(browser):
    ctx = browser.new_context()
    yield ctx
    ctx.close()


@pytest.mark.parametrize("kind", list(PAGE_TYPES))
def test_page_type_loads_cleanly(context, served_sample, kind):
    url = served_sample + PAGE_TYPES[kind]
    page = context.new_page()
    watch = Watch(page, {url: 404} if kind == NOT_FOUND else None)
    response = page.goto(url)
    _settle(page)
    assert response.status == (404 if kind == NOT_FOUND else 200), url
    assert page.locator("h1").count() == 1, f"{url}: one h1 expected"
    assert page.locator("h1").inner_text().strip()
    # the style sheet applied (a 404 on the CSS would leave the header unstyled)
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    # lazy images below the fold load too, and none is broken
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
    # (not wait_for_function: its polling evaluates a string, which the pages' policy forbids)
    page.evaluate("() => Promise.all([...document.images].map(i => i.complete || "
                  "new Promise(done => { i.onload = i.onerror = done; })))")
    broken = page.evaluate("[...document.images].filter(i => !i.naturalWidth).map(i => i.src)")
    assert not broken, f"broken images on {url}: {broken}"
    watch.check()
    if kind == NOT_FOUND:
        # links on the 404 page must work at any depth: follow one
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners", exact=True).click()
        _settle(page)
        assert page.url == served_sample + "partners/"
        assert page.locator("h1").inner_text() == "Partners"


def test_navigation_nav_card_breadcrumb(context, served_sample):
    page = context.new_page()
    watch = Watch(page)
    page.goto(served_sample)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners", exact=True).click()
    _settle(page)
    assert page.url == served_sample + "partners/index.html"
    assert page.locator("h1").inner_text() == "Partners"
    card = page.locator(".partner-card h3 a").first
    name, href = card.inner_text(), card.get_attribute("href")
    card.click()
    _settle(page)
    assert page.url == served_sample + "partners/" + href
    assert page.locator("h1").inner_text().startswith(name)
    crumb = page.get_by_role("navigation", name="Breadcrumb")
    assert crumb.locator("[aria-current=page]").inner_text() == name
    crumb.get_by_role("link", name="Partners").click()
    _settle(page)
    assert page.url == served_sample + "partners/index.html"
    assert page.locator("h1").inner_text() == "Partners"
    watch.check()


@pytest.mark.parametrize("query", ["charcoal", "Tujenge"])
def test_search_finds_and_opens_result(context, served_sample, query):
    page = context.new_page()
    watch = Watch(page)
    page.goto(served_sample + "search/")
    page.fill("#search-input", query)
    first = page.locator("#search-results li a").first
    first.wait_for(timeout=10_000)
    assert re.fullmatch(r"\d+ results", page.locator("#search-status").inner_text())
    pagefind = [u for u in watch.requests if "/pagefind/" in u]
    assert pagefind and all(u.startswith(served_sample + "pagefind/") for u in pagefind), pagefind
    first.click()
    _settle(page)
    assert page.url.startswith(served_sample) and "/search/" not in page.url
    assert query.lower() in page.locator("main").inner_text().lower()
    watch.check()


def test_search_query_in_address(context, served_sample):
    """The no-JavaScript form submits ?q=; with JavaScript the page runs that query."""
    page = context.new_page()
    watch = Watch(page)
    page.goto(served_sample + "search/?q=charcoal")
    page.locator("#search-results li a").first.wait_for(timeout=10_000)
    assert page.input_value("#search-input") == "charcoal"
    watch.check()


def _visible_rows(page, selector):
    return [r for r in page.locator(selector).all() if r.is_visible()]


def _count_text(page):
    return page.locator(".filter-count").inner_text()


def test_decision_filters(context, served_sample):
    page = context.new_page()
    watch = Watch(page)
    page.goto(served_sample + "governance/decisions/")
    rows = "table.decision-log tbody tr"
    total = page.locator(rows).count()
    assert total > 5
    assert page.locator("form.filters").is_visible()
    assert _count_text(page) == f"Showing {total} of {total} decisions"

    # choose values that a real row has, so that the combination matches something
    row = page.locator(rows).nth(1)
    body, status, year = (row.get_attribute(f"data-{k}") for k in ("body", "status", "year"))
    page.select_option("#filter-body", body)
    by_body = _visible_rows(page, rows)
    assert 0 < len(by_body) < total
    assert all(r.get_attribute("data-body") == body for r in by_body)
    assert _count_text(page) == f"Showing {len(by_body)} of {total} decisions"

    page.select_option("#filter-status", status)
    page.select_option("#filter-year", year)
    shown = _visible_rows(page, rows)
    assert shown and all((r.get_attribute("data-body"), r.get_attribute("data-status"), r.get_attribute("data-year"))
                         == (body, status, year) for r in shown)
    assert len(shown) == page.locator(f'{rows}[data-body="{body}"][data-status="{status}"][data-year="{year}"]').count()
    assert _count_text(page) == f"Showing {len(shown)} of {total} decisions"
    assert f"body={body}" in page.url and f"status={status}" in page.url and f"year={year}" in page.url

    # the filtered address can be shared: it restores the filters
    page.reload()
    assert page.input_value("#filter-body") == body
    assert len(_visible_rows(page, rows)) == len(shown)

    page.select_option("#filter-body", "")
    page.select_option("#filter-status", "")
    page.select_option("#filter-year", "")
    assert len(_visible_rows(page, rows)) == total
    assert page.url == served_sample + "governance/decisions/"
    watch.check()


def test_lesson_filters(context, served_sample):
    page = context.new_page()
    watch = Watch(page)
    page.goto(served_sample + "lessons/")
    rows = ".filterable > li"
    total = page.locator(rows).count()
    assert total > 3
    assert _count_text(page) == f"Showing {total} of {total} lessons"

    page.select_option("#filter-kind", "failure")
    failures = _visible_rows(page, rows)
    assert 0 < len(failures) < total
    assert all(r.get_attribute("data-kind") == "failure" for r in failures)
    assert _count_text(page) == f"Showing {len(failures)} of {total} lessons"

    factor = failures[0].get_attribute("data-factors").split()[0]
    page.select_option("#filter-factor", factor)
    shown = _visible_rows(page, rows)
    assert shown and all(r.get_attribute("data-kind") == "failure"
                         and factor in r.get_attribute("data-factors").split() for r in shown)
    assert _count_text(page) == f"Showing {len(shown)} of {total} lessons"

    page.select_option("#filter-kind", "")
    only_factor = _visible_rows(page, rows)
    assert all(factor in r.get_attribute("data-factors").split() for r in only_factor)
    assert len(only_factor) == page.locator(f'{rows}[data-factors~="{factor}"]').count()
    watch.check()


@pytest.mark.parametrize("url, rows", [("governance/decisions/", "table.decision-log tbody tr"),
                                       ("lessons/", ".filterable > li")])
def test_filters_without_javascript(browser, served_sample, url, rows):
    ctx = browser.new_context(java_script_enabled=False)
    try:
        page = ctx.new_page()
        page.goto(served_sample + url)
        assert page.locator(rows).count() > 3
        assert len(_visible_rows(page, rows)) == page.locator(rows).count()
        assert not page.locator("form.filters").is_visible()
    finally:
        ctx.close()


OVERFLOW_JS = """() => {
  const w = window.innerWidth;
  if (document.documentElement.scrollWidth <= w) return null;
  // the culprits: boxes that stick out, or whose content sticks out of them unclipped
  const wide = [...document.querySelectorAll('body *')].filter(e =>
    e.getBoundingClientRect().right > w + 0.5 ||
    (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible'));
  return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w,
          culprits: wide.slice(-3).map(e => e.outerHTML.slice(0, 160))};
}"""


@pytest.mark.parametrize("width", [375, 320])
def test_no_horizontal_scroll_on_small_screens(browser, served_sample, width):
    # not is_mobile: a mobile viewport zooms out to fit wide content, which would hide the overflow
    ctx = browser.new_context(viewport={"width": width, "height": 740})
    try:
        page = ctx.new_page()
        overflowing = {}
        for kind, url in PAGE_TYPES.items():
            page.goto(served_sample + url)
            assert page.evaluate("window.innerWidth") == width
            result = page.evaluate(OVERFLOW_JS)
            if result:
                overflowing[f"{kind} ({url})"] = result
        assert not overflowing, "\n".join(f"{k}: {v}" for k, v in overflowing.items())
    finally:
        ctx.close()


def _colours(browser, url, scheme):
    ctx = browser.new_context(color_scheme=scheme)
    try:
        page = ctx.new_page()
        watch = Watch(page)
        page.goto(url)
        colours = page.evaluate("""() => {
          const s = e => getComputedStyle(document.querySelector(e));
          return {bg: s('body').backgroundColor, text: s('body').color, link: s('main a').color,
                  header: s('.site-header').backgroundColor};
        }""")
        watch.check()
        return colours
    finally:
        ctx.close()


def test_dark_mode(browser, served_sample):
    url = served_sample + PAGE_TYPES["goal"]
    light, dark = _colours(browser, url, "light"), _colours(browser, url, "dark")
    assert light["bg"] == "rgb(255, 255, 255)"
    for key in light:
        assert light[key] != dark[key], f"{key} is the same in light and dark mode: {light[key]}"

    def luminance(rgb):
        r, g, b = (int(x) for x in re.findall(r"\d+", rgb)[:3])
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    assert luminance(dark["bg"]) < 50 < 200 < luminance(dark["text"])


def test_portal_from_file_system(context, built_sample):
    page = context.new_page()
    watch = Watch(page)
    root = built_sample.as_uri() + "/"
    page.goto(root + "index.html")
    assert page.locator("h1").count() == 1
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="Partners", exact=True).click()
    _settle(page)
    assert page.url == root + "partners/index.html"
    assert page.locator("h1").inner_text() == "Partners"
    card = page.locator(".partner-card h3 a").first
    name = card.inner_text()
    card.click()
    _settle(page)
    assert re.fullmatch(re.escape(root) + r"partners/[a-z0-9-]+/index\.html", page.url)
    assert page.locator("h1").inner_text().startswith(name)

    nav.get_by_role("link", name="Governance").click()
    _settle(page)
    assert page.url == root + "governance/index.html"
    page.locator(".card h3 a").first.click()
    _settle(page)
    assert re.fullmatch(re.escape(root) + r"governance/[a-z0-9-]+/index\.html", page.url)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Home").click()
    _settle(page)
    assert page.url == root + "index.html"

    # search cannot work from a file: the page says so and points to the list of all pages
    page.locator(".search-link").click()
    _settle(page)
    assert page.url == root + "search/index.html"
    assert page.locator(".no-search").is_visible()
    assert not page.locator(".search-form").is_visible()
    page.locator(".no-search a").click()
    _settle(page)
    assert page.url == root + "sitemap/index.html"
    assert page.locator(".sitemap a").count() > 50
    # the style sheet loaded from the file system too
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).borderBottomStyle") == "solid"
    watch.check()
