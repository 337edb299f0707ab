"""Deterministic synthetic prose and Markdown for the generated partnerships.

Text is assembled from phrase lists, not random letters, so Markdown, the glossary
linker, the search indexer and gzip see text with the statistics of real minutes and
stories (repeated words, numbers, names). Every choice comes from the one `random.Random`
passed in, so the same seed gives the same bytes."""

from __future__ import annotations

import random
import re

ACTORS = ("the secretariat", "the steering committee", "partner companies", "county officers", "women's groups",
          "the working group", "local cooperatives", "the research team", "the funders", "community health workers",
          "youth groups", "the ministry", "district planners", "the finance team", "teachers' unions",
          "farmer organisations", "the monitoring officer", "two member companies", "the chair",
          "civil society partners")
VERBS = ("reviewed", "agreed on", "presented", "questioned", "supported", "piloted", "revised", "measured",
         "published", "funded", "documented", "postponed", "compared", "discussed", "simplified", "translated",
         "costed", "tested", "endorsed", "monitored")
OBJECTS = ("the annual work plan", "the monitoring framework", "a results-based financing window",
           "the training curriculum", "the budget proposal", "the household survey", "the complaints procedure",
           "the data-sharing agreement", "the communication strategy", "the exit plan", "the procurement rules",
           "a new membership request", "the safety checklist", "the maintenance schedule", "the regional action plan",
           "the quarterly progress report", "the gender action plan", "the grievance log", "the pilot design",
           "the verification protocol")
PLACES = ("in the northern districts", "in three pilot villages", "across the region", "in the capital",
          "at county level", "in the river basin", "in peri-urban areas", "in the dry lowlands", "in school kitchens",
          "along the lake shore", "in market towns", "in the highland wards")
REASONS = ("because costs rose faster than expected", "so that smaller partners can take part",
           "after a long discussion", "to avoid paying twice for the same result",
           "since the baseline data were incomplete", "while the evaluation is under way",
           "at the request of the women's groups", "to keep the secretariat neutral",
           "because two funders asked for it", "so that results can be compared across years")
UNITS = ("households", "schools", "sales agents", "health centres", "farmers", "villages", "training sessions",
         "women entrepreneurs", "loans", "water points")
HEADINGS = ("Background", "What was decided", "Options considered", "Results so far", "Next steps",
            "Dissent and concerns", "Who does what", "Costs", "What we learned", "Context", "Follow-up",
            "How it went", "Open questions", "Risks")
QUALIFIERS = ("community", "results-based", "county", "household", "shared", "joint", "seasonal", "blended",
              "green", "local", "open", "participatory", "rural", "regional", "women-led", "youth", "public",
              "private", "mobile", "pooled", "independent", "verified", "baseline", "annual", "emergency")
NOUNS = ("fund", "levy", "grant", "survey", "agent model", "steering note", "audit", "tariff", "credit scheme",
         "learning review", "action plan", "scorecard", "dialogue", "safeguard", "procurement", "data hub",
         "hotline", "market map", "registry", "mentoring")
FR_SENTENCES = ("Le secrétariat a présenté le plan de travail annuel.",
                "Les partenaires ont discuté du budget et des priorités.",
                "Les groupes de femmes ont demandé un suivi plus régulier.",
                "Le comité a adopté la proposition après une longue discussion.",
                "Les résultats de l'enquête auprès des ménages seront publiés.",
                "Les entreprises partenaires ont testé le nouveau modèle de vente.",
                "La décision sera réexaminée l'année prochaine.")


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class Prose:
    """Sentences, titles and Markdown bodies, all drawn from one seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, options):
        return self.rng.choice(options)

    def number(self, low: int = 10, high: int = 50_000) -> str:
        return f"{self.rng.randint(low, high):,}"

    def sentence(self, term: str | None = None) -> str:
        r = self.rng.randrange(7)
        a, v, o = self.pick(ACTORS), self.pick(VERBS), self.pick(OBJECTS)
        if term is not None:   # a glossary term in running text, where the linker looks for it
            return f"{capital(a)} {v} {o} with the {term} in mind {self.pick(PLACES)}."
        if r == 0:
            return f"{capital(a)} {v} {o} {self.pick(PLACES)}."
        if r == 1:
            return f"{capital(a)} {v} {o} {self.pick(REASONS)}."
        if r == 2:
            return (f"In {self.rng.randint(2015, 2025)}, {a} {v} {o}; {self.pick(ACTORS)} "
                    f"{self.pick(VERBS)} {self.pick(OBJECTS)}.")
        if r == 3:
            return (f"About {self.number()} {self.pick(UNITS)} were reached {self.pick(PLACES)}, against a target "
                    f"of {self.number()}.")
        if r == 4:
            return f"{capital(a)} asked whether {o} could be shared with {self.pick(ACTORS)}."
        if r == 5:
            return f"**{capital(o)}** was {v} {self.pick(REASONS)}, and {self.pick(ACTORS)} will follow up."
        return (f"{capital(a)} {v} *{o}*; the next review is due {self.pick(PLACES)} "
                f"in {self.rng.randint(2, 11)} months.")

    def paragraph(self, sentences: int | None = None, extra: tuple[str, ...] = ()) -> str:
        parts = [self.sentence() for _ in range(sentences or self.rng.randint(2, 5))]
        for item in extra:   # links and terms land at random places inside the paragraph
            parts.insert(self.rng.randint(0, len(parts)), item)
        return wrap(" ".join(parts))

    def title(self, lead: str) -> str:
        return f"{lead} {self.pick(OBJECTS).removeprefix('the ').removeprefix('a ')} {self.pick(PLACES)}"

    def short(self) -> str:
        """A phrase for a list item, a summary or a table cell."""
        return f"{capital(self.pick(ACTORS))} {self.pick(VERBS)} {self.pick(OBJECTS)}"

    def bullet_list(self) -> str:
        numbered = self.rng.random() < 0.3
        return "\n".join(f"{i}. {self.short()}." if numbered else f"- {self.short()}."
                         for i in range(1, self.rng.randint(3, 7) + 1))

    def table(self) -> str:
        years = sorted(self.rng.sample(range(2015, 2026), 2))
        rows = [f"| {capital(self.pick(UNITS))} {self.pick(PLACES)} | {self.number()} | {self.number()} | "
                f"{self.rng.randint(-30, 90):+d} % |" for _ in range(self.rng.randint(3, 8))]
        return "\n".join([f"| What | {years[0]} | {years[1]} | Change |", "|---|---:|---:|---:|", *rows])

    def markdown(self, size: int, links: list[tuple[str, str]] = (), terms: list[str] = ()) -> str:
        """A body of about `size` bytes: paragraphs, headings, lists and sometimes a table, with
        every link ([label](path)) and glossary term given, each used once."""
        extras = [f"See [{label}]({path})." for label, path in links] + [self.sentence(t) for t in terms]
        self.rng.shuffle(extras)
        blocks = [self.paragraph(extra=tuple(extras[:2]))]
        extras = extras[2:]
        tables = 0
        while sum(len(b) + 2 for b in blocks) < size or extras:
            r = self.rng.random()
            if r < 0.25:
                blocks.append(f"## {self.pick(HEADINGS)}")
                blocks.append(self.paragraph(extra=tuple(extras[:2])))
                extras = extras[2:]
            elif r < 0.45:
                blocks.append(self.bullet_list())
            elif r < 0.55 and tables < 2:
                blocks.append(self.table())
                tables += 1
            else:
                blocks.append(self.paragraph(extra=tuple(extras[:1])))
                extras = extras[1:]
        return "\n\n".join(blocks) + "\n"

    def french(self, sentences: int = 4) -> str:
        return wrap(" ".join(self.pick(FR_SENTENCES) for _ in range(sentences))) + "\n"

    def body_size(self) -> int:
        """0.5 to 5 KB, most bodies short, as in real minutes and stories."""
        return int(self.rng.triangular(500, 4300, 1200))


def wrap(text: str, width: int = 100) -> str:
    """Break a paragraph into lines as editors write Markdown (one paragraph, several lines)."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])
