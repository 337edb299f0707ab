"""The synthetic partnership, item by item: every file of the folder as text, and each item's
Markdown as a `Page` for the Hugo and MkDocs copies. The proportions are issue 10's (see
generate.py); every choice comes from one seeded `random.Random`, in a fixed order, so the
same pages and seed give the same bytes.

Only what `mspsite check --strict` accepts without a word is written: links reach public
items only (a link to a hidden item is a warning), a named contact is for partners only,
a superseded decision is superseded by a later one."""

from __future__ import annotations

import datetime
import json
import random
import re
from dataclasses import dataclass

from .text import NOUNS, PLACES, QUALIFIERS, Prose, capital, slug

COUNTS_PER_10K = {
    "stakeholders": 300, "bodies": 20, "goals": 40, "decisions": 5000, "meetings": 1500, "stories": 2000,
    "lessons": 1000, "events": 500, "budget": 10, "reports": 20,
    "initiatives": 30, "assessments": 10, "pages": 10,   # not in the list; a few, as on real portals
}
# Enough of each for the references between items to make sense on a tiny portal.
MINIMUM = {"stakeholders": 12, "bodies": 2, "goals": 2, "decisions": 6, "meetings": 3, "stories": 6, "lessons": 3,
           "events": 2, "budget": 1, "reports": 2, "initiatives": 2, "assessments": 1, "pages": 3}
TERMS_PER_10K = 300
INDICATORS_PER_GOAL = 5          # 200 indicators for 40 goals
MEASUREMENTS = 10                # a yearly series, 2015 to 2024
LINES_PER_PERIOD = 500           # budget lines; fewer only on portals under 1,000 pages
FIRST_DAY, DAYS = datetime.date(2015, 1, 1), 11 * 365   # items dated 2015 to 2025, never in the future
FACTORS = ("clear-goals", "equal-responsibility", "high-level-support", "stakeholder-involvement",
           "respectful-communication", "common-language", "neutral-secretariat", "inclusive-decision-making",
           "resource-mobilisation", "results-orientation", "clear-roles", "transparency", "monitoring", "learning",
           "external-communication", "context-analysis", "networking")
SECTORS = (("public", 20), ("private", 35), ("civil-society", 25), ("academia", 8), ("multilateral", 5),
           ("philanthropy", 7))
ORG_KINDS = {"public": ("County Government", "Ministry of Energy", "Water Authority", "District Council"),
             "private": ("Stove Makers", "Solar Traders", "Gas Distributors", "Microfinance Bank", "Cooperative Union"),
             "civil-society": ("Women's Network", "Youth Alliance", "Consumer Forum", "Farmers' Association"),
             "academia": ("University", "Research Institute"), "multilateral": ("Development Programme",),
             "philanthropy": ("Foundation", "Trust")}
TOWNS = ("Lakeside", "Hillcrest", "Riverbend", "Northgate", "Dryland", "Greenfield", "Eastport", "Kisima",
         "Mlima", "Pwani", "Savanna", "Baobab", "Cedar", "Meadow", "Rift", "Highland", "Delta", "Coastal",
         "Sunrise", "Valley")
TAGS = ("lpg", "solar", "women", "schools", "finance", "health", "youth", "water", "policy", "markets", "training",
        "data", "climate", "county")
# A link the generator writes between items: ](../decisions/x.md), ](../goals/x.yml) or ](x.md) in its
# own folder. The Hugo and MkDocs copies rewrite it to their own page addresses.
ITEM_LINK = re.compile(r"\]\((?:\.\./(?P<folder>[a-z]+)/)?(?P<id>[a-z0-9-]+)\.(?:md|yml)\)")
MEDIA = ("kitchen", "market", "school", "meeting", "field", "workshop")


@dataclass(frozen=True)
class Page:
    """One item's page as the Hugo and MkDocs sites get it: the same Markdown text."""

    section: str
    id: str
    title: str
    date: str
    markdown: str


@dataclass(frozen=True)
class Generated:
    files: dict[str, str]     # path inside the partnership folder -> text
    pages: list[Page]


def make(pages: int, seed: int, languages: tuple[str, ...] = ("en",)) -> Generated:
    """A partnership in English, or ("en", "fr") for a bilingual one: some texts and Markdown
    translations in French, and mspsite builds a second portal for them."""
    return _Maker(pages, random.Random(seed), languages).make()


def counts(pages: int) -> dict[str, int]:
    """Items per folder for a portal of about `pages` item pages (budget: periods)."""
    scale = pages / sum(COUNTS_PER_10K.values())
    return {kind: max(MINIMUM[kind], round(n * scale)) for kind, n in COUNTS_PER_10K.items()}


# -- YAML as editors write it: block style, plain scalars where safe ------------------------------
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'()%-]*")
_KEYWORDS = {"true", "false", "null", "yes", "no", "on", "off"}   # read as booleans by some YAML readers


def q(text: str) -> str:
    """A YAML scalar for text in block context: plain when unambiguous, else double-quoted (JSON is YAML)."""
    if _PLAIN.fullmatch(text) and text.lower() not in _KEYWORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: int) -> str:
    """A Markdown field as a YAML literal block."""
    pad = " " * indent
    return "|\n" + "\n".join(pad + line if line else "" for line in text.rstrip("\n").split("\n"))


def ids(values) -> str:
    return "[" + ", ".join(values) + "]"


def front_matter(fields: list[str], body: str) -> str:
    return "---\n" + "\n".join(fields) + "\n---\n" + body


class _Maker:
    def __init__(self, pages: int, rng: random.Random, languages: tuple[str, ...]):
        self.rng, self.text = rng, Prose(rng)
        self.french = "fr" in languages
        self.n = counts(pages)
        self.lines_per_period = max(20, min(LINES_PER_PERIOD, pages // 2))
        self.files: dict[str, str] = {}
        self.pages: list[Page] = []
        self.public: dict[str, list[tuple[str, str]]] = {}   # kind -> [(id, title)]: the only link targets
        self.used_ids: set[str] = set()
        self.translatable: dict[str, int] = {}

    # -- helpers ---------------------------------------------------------------------------
    def date(self, start: datetime.date = FIRST_DAY, days: int = DAYS) -> datetime.date:
        return start + datetime.timedelta(days=self.rng.randrange(days))

    def visibility(self, partners: float, internal: float) -> str | None:
        """None (public, the default), 'partners' or 'internal'."""
        r = self.rng.random()
        return "internal" if r < internal else "partners" if r < internal + partners else None

    def new_id(self, title: str, words: int = 5) -> str:
        base = "-".join(slug(title).split("-")[:words])
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    def some(self, population, low: int, high: int) -> list:
        return sorted(self.rng.sample(population, min(len(population), self.rng.randint(low, high))))

    def links(self, kind: str, folder: str, ext: str, k: int) -> list[tuple[str, str]]:
        """Up to k links from a Markdown file in another folder to public items of `kind`."""
        targets = self.public.get(kind, [])
        return [(title, f"../{folder}/{id_}{ext}") for id_, title in self.rng.sample(targets, min(k, len(targets)))]

    def translate(self, folder: str, every: int) -> bool:
        """The first public item of a folder, then one in `every`: a few translations on any portal."""
        self.translatable[folder] = self.translatable.get(folder, 0) + 1
        return self.translatable[folder] % every == 1

    def terms_used(self) -> list[str]:
        return self.rng.sample(self.terms, min(len(self.terms), self.rng.randint(0, 3)))

    def item(self, folder: str, id_: str, ext: str, text: str, title: str, date: str, markdown: str,
             visibility: str | None, kind: str | None = None) -> None:
        self.files[f"{folder}/{id_}{ext}"] = text
        self.pages.append(Page(folder, id_, title, date, markdown))
        if visibility is None and kind:
            self.public.setdefault(kind, []).append((id_, title))

    # -- the partnership, in the order references need -------------------------------------
    def make(self) -> Generated:
        self.glossary()
        self.media()
        self.stakeholders()
        self.initiatives()
        self.bodies()
        self.goals()
        self.meetings_and_decisions()
        self.lessons()
        self.stories()
        self.events()
        self.budgets()
        self.reports()
        self.assessments()
        self.free_pages()
        self.partnership()
        return Generated(self.files, self.pages)

    def glossary(self) -> None:
        names = sorted(f"{q_} {n}" for q_ in QUALIFIERS for n in NOUNS)
        count = max(10, round(TERMS_PER_10K * sum(self.n.values()) / sum(COUNTS_PER_10K.values())))
        self.terms = self.rng.sample(names, min(count, len(names)))
        entries = []
        for term in self.terms:
            lines = [f"  - term: {capital(term)}", f"    definition: {q(self.text.sentence())}"]
            if self.rng.random() < 0.3:
                lines.append(f"    aliases: [{term}s]")
            usage = self.rng.sample(SECTORS, self.rng.randint(0, 3))
            if usage:
                lines.append("    usage:")
                lines += [f"      - sector: {sector}\n        says: {q(self.text.short().lower())}"
                          for sector, _ in usage]
            entries.append("\n".join(lines))
        self.files["glossary.yml"] = "terms:\n" + "\n".join(entries) + "\n"

    def media(self) -> None:
        for i, name in enumerate(MEDIA):
            colour = f"#{(0x3a5f8b + i * 0x1f2e3d) % 0xffffff:06x}"
            self.files[f"media/stories/{name}.svg"] = (
                f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200" width="320" height="200" '
                f'role="img" aria-labelledby="{name}-title">\n  <title id="{name}-title">A {name} (synthetic)</title>\n'
                f'  <rect width="320" height="200" fill="#eceff1"/>\n'
                f'  <circle cx="{100 + 20 * i}" cy="100" r="60" fill="{colour}"/>\n</svg>\n')

    def stakeholders(self) -> None:
        sectors = [s for s, weight in SECTORS for _ in range(weight)]
        self.funders, self.stakeholder_ids = [], []
        for i in range(self.n["stakeholders"]):
            sector = self.rng.choice(sectors) if i >= len(SECTORS) else SECTORS[i][0]   # every sector present
            name = f"{self.rng.choice(TOWNS)} {self.rng.choice(ORG_KINDS[sector])}"
            id_ = self.new_id(name)
            if id_ != slug(name):   # a second organisation of that name: number it as the id is
                name += " " + id_.rsplit("-", 1)[1]
            joined = self.date(days=6 * 365)
            description = self.text.paragraph()
            lines = [f"name: {q(name)}", f"sector: {sector}", f"country: {self.rng.choice(('KE', 'UG', 'TZ', 'RW'))}",
                     f"website: https://example.org/{id_}", f"joined: {joined}",
                     f"description: {block(description, 2)}",
                     "interests:", *(f"  - {q(self.text.short())}" for _ in range(self.rng.randint(1, 3)))]
            if self.rng.random() < 0.05:
                lines.append(f"left: {joined + datetime.timedelta(days=self.rng.randint(200, 1500))}")
            lines.append("contributions:")
            for _ in range(self.rng.randint(1, 3)):
                kind = self.rng.choice(("financial", "in-kind", "expertise", "network"))
                lines.append(f"  - kind: {kind}\n    description: {q(self.text.short())}")
                if kind == "financial":
                    lines.append(f"    amount: {self.rng.randint(10, 900) * 1000}\n    currency: EUR")
            if self.rng.random() < 0.4:   # a named person: partners only, as the personal-data rule asks
                lines.append(f"contact:\n  name: Contact Person {i}\n  email: contact{i}@example.org\n"
                             "  visibility: partners")
            self.item("stakeholders", id_, ".yml", "\n".join(lines) + "\n", name, str(joined), description, None,
                      "stakeholder")
            self.stakeholder_ids.append(id_)
            if sector in ("multilateral", "philanthropy"):
                self.funders.append(id_)

    def initiatives(self) -> None:
        self.initiative_ids = []
        for _ in range(self.n["initiatives"]):
            name = f"{self.rng.choice(TOWNS)} {capital(self.rng.choice(QUALIFIERS))} Initiative"
            id_ = self.new_id(name)
            description = self.text.paragraph()
            text = (f"name: {q(name)}\nurl: https://example.org/initiatives/{id_}\n"
                    f"kind: {self.rng.choice(('msp', 'programme', 'network', 'platform', 'other'))}\n"
                    f"relation: {self.rng.choice(('cooperation', 'exchange', 'overlap', 'observer'))}\n"
                    f"description: {block(description, 2)}\n")
            self.item("initiatives", id_, ".yml", text, name, "2015-01-01", description, None)
            self.initiative_ids.append(id_)

    def bodies(self) -> None:
        fixed = [("Steering Committee", "steering"), ("Secretariat", "secretariat"), ("Partner Assembly", "assembly")]
        self.body_ids = []
        for i in range(self.n["bodies"]):
            name, kind = fixed[i] if i < len(fixed) else (
                f"Working Group on {capital(self.rng.choice(NOUNS))}s {i}", self.rng.choice(("working-group",) * 4 +
                                                                                  ("advisory",)))
            id_ = self.new_id(name)
            mandate = self.text.paragraph() + "\n\n" + self.text.bullet_list()
            members = self.some(self.stakeholder_ids, 6, 25)
            lines = [f"name: {q(name)}", f"kind: {kind}", f"mandate: {block(mandate, 2)}",
                     f"decision_rule: {self.rng.choice(('consensus', 'majority', 'two-thirds', 'chair'))}",
                     f"meets: {self.rng.choice(('quarterly', 'monthly', 'twice a year'))}", "members:"]
            lines += [f"  - {{stakeholder: {m}, role: {'chair' if j == 0 else 'member'}, "
                      f"since: {self.date(days=4 * 365)}}}" for j, m in enumerate(members)]
            lines.append("responsibilities:")
            for m in self.rng.sample(members, min(len(members), 4)):
                lines.append(f"  - stakeholder: {m}\n    task: {q(self.text.short())}\n"
                             f"    kind: {self.rng.choice(('responsible', 'accountable', 'consulted', 'informed'))}")
            visibility = self.visibility(0.1, 0) if i >= len(fixed) else None
            if visibility:
                lines.append(f"visibility: {visibility}")
            self.item("bodies", id_, ".yml", "\n".join(lines) + "\n", name, "2015-01-01", mandate, visibility)
            self.body_ids.append((id_, name, members))

    def goals(self) -> None:
        for g in range(self.n["goals"]):
            title = self.text.title(self.rng.choice(("Better", "Affordable", "Inclusive", "Sustainable", "Fair")))
            id_ = self.new_id(title, 4)
            description = self.text.markdown(self.text.body_size() // 2, terms=self.terms_used())
            lines = [f"title:\n  en: {q(title)}\n  fr: {q('Objectif ' + title.lower())}" if g % 4 == 0 and self.french
                     else f"title: {q(title)}", f"description: {block(description, 2)}",
                     f"sdgs: {ids(str(s) for s in self.some(range(1, 18), 1, 3))}", "interests:"]
            for s in self.some(self.stakeholder_ids, 2, 4):
                lines.append(f"  - stakeholder: {s}\n    interest: {q(self.text.short())}")
            lines.append("outcomes:")
            per_outcome = (INDICATORS_PER_GOAL + 1) // 2, INDICATORS_PER_GOAL // 2
            for o, count in enumerate(per_outcome, 1):
                lines += [f"  - id: outcome-{o}", f"    title: {q(self.text.short())}", "    indicators:"]
                for i in range(count):
                    lines += self.indicator(f"o{o}-indicator-{i + 1}")
            factors = self.some(FACTORS, 1, 3)
            lines.append(f"factors: {ids(factors)}")
            self.item("goals", id_, ".yml", "\n".join(lines) + "\n", title, "2015-01-01", description, None, "goal")

    def indicator(self, id_: str) -> list[str]:
        percentage = self.rng.random() < 0.3
        start = self.rng.randint(0, 40) if percentage else self.rng.randint(100, 5000)
        target = self.rng.randint(start + 10, 100) if percentage else start * self.rng.randint(3, 20)
        lines = [f"      - id: {id_}", f"        title: {q(self.text.short())}",
                 f"        unit: {'percent' if percentage else self.rng.choice(('households', 'people', 'schools'))}",
                 f"        measure: {'percentage' if percentage else 'number'}", "        direction: increase",
                 f"        baseline: {{value: {start}, date: 2014-12-31}}",
                 f"        target: {{value: {target}, date: 2030-12-31}}",
                 f"        responsible: {self.rng.choice(self.stakeholder_ids)}",
                 f"        source: {q(self.text.short())}", "        measurements:"]
        value = start
        for year in range(2025 - MEASUREMENTS, 2025):
            value += self.rng.randint(0, max(1, (target - start) // MEASUREMENTS))
            value = min(value, 100) if percentage else value
            hidden = ", visibility: partners" if self.rng.random() < 0.1 else ""
            lines.append(f"          - {{date: {year}-12-31, value: {value}{hidden}}}")
        return lines

    def meetings_and_decisions(self) -> None:
        """Meetings first (a decision is taken at one), files after, so each lists its decisions."""
        meetings = []
        for _ in range(self.n["meetings"]):
            body_id, body_name, members = self.rng.choice(self.body_ids)
            when = self.date()
            title = f"{body_name}, {when:%d %B %Y}"
            meetings.append({"id": self.new_id(f"{when}-{body_id}", 8), "title": title, "date": when, "body": body_id,
                             "attendees": self.some(members, 3, 12), "decisions": [],
                             "visibility": self.visibility(0.15, 0.05)})
        decisions = []
        for _ in range(self.n["decisions"]):
            meeting = self.rng.choice(meetings) if self.rng.random() < 0.75 else None
            if meeting:
                body_id, when = meeting["body"], meeting["date"]
            else:
                body_id, when = self.rng.choice(self.body_ids)[0], self.date()
            title = self.text.title(self.rng.choice(("Adopt", "Revise", "Approve", "Reject", "Extend", "Close")))
            d = {"id": self.new_id(title), "title": title, "date": when, "body": body_id, "meeting": meeting,
                 "status": self.rng.choices(("adopted", "implemented", "proposed", "rejected"), (50, 30, 8, 12))[0],
                 "visibility": self.visibility(0.1, 0.05), "supersedes": None}
            decisions.append(d)
            if meeting:
                meeting["decisions"].append(d["id"])
        # A few decisions replace an older one of the same body: the older is marked superseded.
        order = sorted(range(len(decisions)), key=lambda i: (decisions[i]["date"], i))
        for later_pos in range(1, len(order)):
            if self.rng.random() < 0.04:
                later = decisions[order[later_pos]]
                older = decisions[order[self.rng.randrange(later_pos)]]
                if older["status"] != "superseded" and older["date"] < later["date"] and later["supersedes"] is None:
                    older["status"], later["supersedes"] = "superseded", older
        for m in meetings:   # link targets exist before any body links to them
            if m["visibility"] is None:
                self.public.setdefault("meeting", []).append((m["id"], m["title"]))
        for d in decisions:
            if d["visibility"] is None:
                self.public.setdefault("decision", []).append((d["id"], d["title"]))
        for m in meetings:
            self.meeting(m, decisions)
        for d in decisions:
            self.decision(d)

    def meeting(self, m: dict, decisions: list[dict]) -> None:
        public = {id_ for id_, _ in self.public.get("decision", [])}
        links = [("the decision", f"../decisions/{d}.md") for d in m["decisions"] if d in public][:5]
        fields = [f"title: {q(m['title'])}", f"date: {m['date']}", f"body: {m['body']}",
                  f"attendees: {ids(m['attendees'])}", f"decisions: {ids(m['decisions'])}",
                  f"location: {q(capital(self.rng.choice(PLACES)))}"]
        if m["visibility"]:
            fields.append(f"visibility: {m['visibility']}")
        body = self.text.markdown(self.text.body_size(), links, self.terms_used())
        self.item("meetings", m["id"], ".md", front_matter(fields, body), m["title"], str(m["date"]), body,
                  m["visibility"])

    def decision(self, d: dict) -> None:
        method = self.rng.choices(("consensus", "vote", "chair"), (65, 25, 10))[0]
        fields = [f"title: {q(d['title'])}", f"date: {d['date']}", f"body: {d['body']}", f"status: {d['status']}",
                  f"method: {method}"]
        if method == "vote":
            yes = self.rng.randint(5, 20)
            fields.append(f"votes: {{for: {yes}, against: {self.rng.randint(0, yes - 1)}, "
                          f"abstain: {self.rng.randint(0, 3)}}}")
        fields.append(f"participants: {ids(self.some(self.stakeholder_ids, 3, 12))}")
        goals = self.some([g for g, _ in self.public["goal"]], 0, 2)
        if goals:
            fields.append(f"goals: {ids(goals)}")
        links = []
        meeting = d["meeting"]
        if meeting:
            fields.append(f"meeting: {meeting['id']}")
            if meeting["visibility"] is None:
                links.append(("minutes of the meeting", f"../meetings/{meeting['id']}.md"))
        if d["supersedes"]:
            fields.append(f"supersedes: {d['supersedes']['id']}")
            if d["supersedes"]["visibility"] is None:
                links.append(("the decision it replaces", f"{d['supersedes']['id']}.md"))
        if goals and self.rng.random() < 0.5:
            links.append(("the goal", f"../goals/{goals[0]}.yml"))
        fields += [f"summary: {q(self.text.short() + '.')}", f"factors: {ids(self.some(FACTORS, 0, 2))}"]
        if d["visibility"]:
            fields.append(f"visibility: {d['visibility']}")
        body = self.text.markdown(self.text.body_size(), links, self.terms_used())
        self.item("decisions", d["id"], ".md", front_matter(fields, body), d["title"], str(d["date"]), body,
                  d["visibility"])
        if d["visibility"] is None and self.translate("decisions", 100):
            self.translation("decisions", d["id"], d["title"])

    def translation(self, folder: str, id_: str, title: str, summary: bool = False) -> None:
        if not self.french:
            return
        fields = [f"title: {q('(fr) ' + title)}"] + ([f"summary: {q(self.text.french(1).strip())}"] if summary else [])
        self.files[f"{folder}/{id_}.fr.md"] = front_matter(fields, self.text.french(self.rng.randint(3, 8)))

    def lessons(self) -> None:
        for _ in range(self.n["lessons"]):
            title = self.text.title(self.rng.choice(("Learning from", "Why we changed", "What worked in")))
            id_, when, visibility = self.new_id(title), self.date(), self.visibility(0.15, 0.05)
            fields = [f"title: {q(title)}", f"date: {when}",
                      f"kind: {self.rng.choice(('success', 'failure', 'insight'))}",
                      f"factors: {ids(self.some(FACTORS, 1, 3))}",
                      f"stakeholders: {ids(self.some(self.stakeholder_ids, 1, 4))}",
                      "capacity_needs:", *(f"  - {q(self.text.short())}" for _ in range(self.rng.randint(0, 2))),
                      f"summary: {q(self.text.short() + '.')}"]
            if fields[-2] == "capacity_needs:":
                fields.pop(-2)
            if visibility:
                fields.append(f"visibility: {visibility}")
            body = self.text.markdown(self.text.body_size(), self.links("decision", "decisions", ".md", 2),
                                      self.terms_used())
            self.item("lessons", id_, ".md", front_matter(fields, body), title, str(when), body, visibility, "lesson")

    def stories(self) -> None:
        for _ in range(self.n["stories"]):
            title = self.text.title(self.rng.choice(("A year of", "How a village changed", "Women leading",
                                                     "Behind the numbers:")))
            id_, when, visibility = self.new_id(title), self.date(), self.visibility(0.05, 0)
            goals = self.some([g for g, _ in self.public["goal"]], 1, 2)
            fields = [f"title: {q(title)}", f"date: {when}", f"summary: {q(self.text.short() + '.')}"]
            if self.rng.random() < 0.25:
                picture = self.rng.choice(MEDIA)
                fields += [f"image: media/stories/{picture}.svg", f"image_alt: A {picture} (synthetic picture)"]
            fields += [f"tags: {ids(self.some(TAGS, 1, 4))}", f"goals: {ids(goals)}",
                       f"stakeholders: {ids(self.some(self.stakeholder_ids, 1, 3))}",
                       f"factors: {ids(self.some(FACTORS, 1, 2))}"]
            if visibility:
                fields.append(f"visibility: {visibility}")
            # a story links the goal's YAML file and a lesson, as the content format allows
            links = [("our goal", f"../goals/{goals[0]}.yml"), *self.links("lesson", "lessons", ".md", 1)]
            body = self.text.markdown(self.text.body_size(), links, self.terms_used())
            self.item("stories", id_, ".md", front_matter(fields, body), title, str(when), body, visibility, "story")
            if visibility is None and self.translate("stories", 50):
                self.translation("stories", id_, title, summary=True)

    def events(self) -> None:
        for _ in range(self.n["events"]):
            kind = self.rng.choice(("dialogue", "conference", "workshop", "webinar", "field-visit"))
            title = f"{capital(kind.replace('-', ' '))} on {self.text.title('the').removeprefix('the ')}"
            id_, when = self.new_id(title), self.date()
            fields = [f"title: {q(title)}", f"date: {when}",
                      f"end: {when + datetime.timedelta(days=self.rng.randint(0, 2))}",
                      f"location: {q(capital(self.rng.choice(PLACES)))}", f"kind: {kind}",
                      f"initiatives: {ids(self.some(self.initiative_ids, 0, 2))}",
                      f"stakeholders: {ids(self.some(self.stakeholder_ids, 2, 6))}"]
            body = self.text.markdown(self.text.body_size(), self.links("story", "stories", ".md", 1),
                                      self.terms_used())
            self.item("events", id_, ".md", front_matter(fields, body), title, str(when), body, None)

    def budgets(self) -> None:
        periods = self.n["budget"]
        goals = [g for g, _ in self.public["goal"]]
        categories = ("secretariat", "governance", "communication", "monitoring", "capacity-development",
                      "activities", "other")
        for year in range(2025 - periods, 2025):
            lines = [f"period: {{start: {year}-01-01, end: {year}-12-31}}", "currency: EUR", "income:"]
            income = self.lines_per_period // 5
            for i in range(income):
                source = self.rng.choice(self.funders if self.rng.random() < 0.7 else self.stakeholder_ids)
                lines += [f"  - source: {source}", f"    kind: {'cash' if self.rng.random() < 0.8 else 'in-kind'}",
                          f"    status: {self.rng.choice(('pledged', 'committed', 'received'))}",
                          f"    amount: {self.rng.randint(5, 500) * 1000}"]
                if i % 25 == 1:   # a grant in another currency, converted at a stated rate
                    lines += ["    currency: USD", "    rate: 0.92"]
            lines.append("expenditure:")
            for _ in range(self.lines_per_period - income):
                planned = self.rng.randint(1, 300) * 1000
                lines += [f"  - category: {self.rng.choice(categories)}",
                          f"    planned: {planned}", f"    actual: {planned * self.rng.randint(60, 120) // 100}",
                          f"    description: {q(self.text.short())}"]
                if self.rng.random() < 0.5:
                    lines.append(f"    goal: {self.rng.choice(goals)}")
                hidden = self.visibility(0.05, 0.03)
                if hidden:
                    lines.append(f"    visibility: {hidden}")
            self.item("budget", str(year), ".yml", "\n".join(lines) + "\n", f"Budget {year}", f"{year}-01-01",
                      "", None)

    def reports(self) -> None:
        years = list(range(2025 - self.n["budget"], 2025))
        for i in range(self.n["reports"]):
            year = years[i // 2 % len(years)] if i < 2 * len(years) else self.rng.choice(years)
            funder = self.rng.choice(self.funders) if i % 2 else None
            title = f"Report to {funder} {year}" if funder else f"Annual report {year}"
            id_ = self.new_id(title)
            summary, outlook = self.text.markdown(800, terms=self.terms_used()), self.text.paragraph()
            lines = [f"title: {q(title)}", f"period: {{start: {year}-01-01, end: {year}-12-31}}",
                     f"date: {year + 1}-03-15", f"summary: {block(summary, 2)}",
                     "sections: [results, finances, decisions, lessons, risks, outlook]", "risks:"]
            for _ in range(3):
                lines += [f"  - risk: {q(self.text.short())}",
                          f"    likelihood: {self.rng.choice(('low', 'medium', 'high'))}",
                          f"    impact: {self.rng.choice(('low', 'medium', 'high'))}",
                          f"    mitigation: {q(self.text.short())}"]
            lines.append(f"outlook: {block(outlook, 2)}")
            if funder:
                lines += [f"funder: {funder}", "visibility: funders"]
            self.item("reports", id_, ".yml", "\n".join(lines) + "\n", title, f"{year + 1}-03-15",
                      summary + "\n" + outlook, "funders" if funder else None)

    def assessments(self) -> None:
        for i in range(self.n["assessments"]):
            when = datetime.date(2016 + i % 9, 11, 20)
            title = f"Partnership health check {when.year}" + (f" ({i // 9 + 1})" if i >= 9 else "")
            id_ = self.new_id(title, 8)
            lines = [f"title: {q(title)}", f"date: {when}", "method: Anonymous survey of all partners", "responses:"]
            for _ in range(15):
                scores = ", ".join(f"{f}: {self.rng.randint(1, 5)}" for f in FACTORS)
                lines.append(f"  - scores: {{{scores}}}\n    sector: {self.rng.choice(SECTORS)[0]}")
            self.item("assessments", id_, ".yml", "\n".join(lines) + "\n", title, str(when), "", None)

    def free_pages(self) -> None:
        titles = ["Context analysis", "How we work", "Get involved"]
        for i in range(self.n["pages"]):
            title = titles[i] if i < len(titles) else f"Background note {i}"
            id_ = "context" if i == 0 else self.new_id(title)
            fields = [f"title: {q(title)}"] + ([f"nav: {i + 1}"] if i < len(titles) else []) + \
                     [f"summary: {q(self.text.short() + '.')}"]
            body = self.text.markdown(self.text.body_size(), self.links("story", "stories", ".md", 2),
                                      self.terms_used())
            self.item("pages", id_, ".md", front_matter(fields, body), title, "2015-01-01", body, None)

    def partnership(self) -> None:
        core = self.stakeholder_ids[:8]
        self.files["mspsite.yml"] = (
            "title: Benchmark Partnership for Shared Results\nsite_url: https://example.org/bench/\n"
            f"languages: [{'en, fr' if self.french else 'en'}]\nrepository: https://github.com/example/bench\nbranch: main\ncurrency: EUR\n"
            "default_visibility: public\ntheme: portal\niati:\n  identifier: XM-DAC-41114-BENCH\n"
            "  reporting_org: {ref: XM-DAC-41114, type: 40, name: Benchmark Secretariat}\n")
        self.files["partnership.yml"] = "\n".join([
            "name:\n  en: Benchmark Partnership for Shared Results\n"
            + ("  fr: Partenariat de référence pour des résultats partagés" if self.french else ""),
            "acronym: BPSR", f"summary: {block(self.text.paragraph(4), 2)}",
            f"vision: {q(self.text.short() + '.')}", f"mission: {block(self.text.paragraph(3), 2)}",
            "founded: 2014-06-01", "phase: implementation", "countries: [KE, UG, TZ, RW]", "sdgs: [5, 6, 7, 13]",
            f"core_group: {ids(core)}", "secretariat:", f"  host: {core[0]}",
            f"  neutrality: {block(self.text.paragraph(3), 4)}", "  staff:",
            *(f"    - {{name: Staff Member {i}, role: Officer, fte: 1.0, visibility: partners}}" for i in range(3)),
            "  contact: {email: secretariat@example.org}", "champions:",
            f"  - name: Champion One\n    title: Minister\n    organisation: {core[1]}\n"
            f"    statement: {q(self.text.short() + '.')}", "channels:",
            "  - {name: Portal, kind: website, audience: public, url: https://example.org/bench/}",
            "  - {name: Partner list, kind: mailing-list, audience: partners, url: https://example.org/list}",
            "agreement:\n  kind: mou\n  signed: 2014-09-01", ""])
