"""The 17 success factors of multi-stakeholder partnerships: one place for their
keys, names and what evidence for each looks like."""

from __future__ import annotations

from dataclasses import dataclass

from .i18n import N_


@dataclass(frozen=True)
class Factor:
    key: str
    title: str
    question: str


FACTORS: dict[str, Factor] = {f.key: f for f in (
    Factor("clear-goals", N_("Clear goals"), N_("Do the partners share clear, agreed goals?")),
    Factor("equal-responsibility", N_("Equal responsibility"), N_("Do all partners carry a fair share of the work and risk?")),
    Factor("high-level-support", N_("High-level support"), N_("Do leaders publicly back the partnership?")),
    Factor("stakeholder-involvement", N_("Stakeholder involvement"), N_("Are the relevant actors on board and active?")),
    Factor("respectful-communication", N_("Respectful communication"), N_("Do partners communicate openly and with respect?")),
    Factor("common-language", N_("Common language"), N_("Do partners from different sectors understand each other?")),
    Factor("neutral-secretariat", N_("Neutral secretariat"), N_("Is the secretariat trusted as neutral by all?")),
    Factor("inclusive-decision-making", N_("Inclusive decision-making"), N_("Are decisions taken transparently, with all voices heard?")),
    Factor("resource-mobilisation", N_("Resource mobilisation"), N_("Does the partnership raise the money and means it needs?")),
    Factor("results-orientation", N_("Results orientation"), N_("Does the partnership steer by results?")),
    Factor("clear-roles", N_("Clear roles"), N_("Does everyone know who does what?")),
    Factor("transparency", N_("Transparency"), N_("Are decisions, money and results open to scrutiny?")),
    Factor("monitoring", N_("Monitoring"), N_("Is progress measured regularly and reliably?")),
    Factor("learning", N_("Learning"), N_("Does the partnership learn from successes and failures?")),
    Factor("external-communication", N_("External communication"), N_("Does the public hear about the partnership's work?")),
    Factor("context-analysis", N_("Context analysis"), N_("Does the partnership understand the setting it works in?")),
    Factor("networking", N_("Networking"), N_("Is the partnership connected to related initiatives?")),
)}
