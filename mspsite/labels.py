"""Names shown for the content format's closed enumerations, marked for
translation and translated where they are shown."""

from __future__ import annotations

from .i18n import N_
from .kinds import ITEM_KINDS

LABELS: dict[str, dict[str, str]] = {
    "sector_names": {"public": N_("Public sector"), "private": N_("Private sector"),
                     "civil-society": N_("Civil society"), "academia": N_("Academia and research"),
                     "multilateral": N_("Multilateral organisations"), "philanthropy": N_("Philanthropy"),
                     "other": N_("Other")},
    "phase_names": {"initiation": N_("Initiation"), "design": N_("Design"), "implementation": N_("Implementation"),
                    "consolidation": N_("Consolidation"), "closing": N_("Closing"), "closed": N_("Closed")},
    "contribution_names": {"financial": N_("Financial"), "in-kind": N_("In kind"), "expertise": N_("Expertise"),
                           "network": N_("Network")},
    "raci_names": {"responsible": N_("Responsible"), "accountable": N_("Accountable"), "consulted": N_("Consulted"),
                   "informed": N_("Informed")},
    "income_kind_names": {"cash": N_("Cash"), "in-kind": N_("In kind")},
    "category_names": {"secretariat": N_("Secretariat"), "governance": N_("Governance"),
                       "communication": N_("Communication"), "monitoring": N_("Monitoring"),
                       "capacity-development": N_("Capacity development"), "activities": N_("Activities"),
                       "other": N_("Other")},
    "body_kind_names": {"steering": N_("Steering body"), "working-group": N_("Working group"),
                        "secretariat": N_("Secretariat"), "advisory": N_("Advisory body"), "assembly": N_("Assembly")},
    "rule_names": {"consensus": N_("consensus"), "majority": N_("majority vote"),
                   "two-thirds": N_("two-thirds majority"), "unanimity": N_("unanimity"),
                   "chair": N_("the chair")},
    "method_names": {"consensus": N_("Consensus"), "vote": N_("Vote"), "chair": N_("Chair's decision")},
    "event_kind_names": {"dialogue": N_("Dialogue"), "conference": N_("Conference"), "workshop": N_("Workshop"),
                         "webinar": N_("Webinar"), "field-visit": N_("Field visit")},
    "initiative_kind_names": {"msp": N_("Multi-stakeholder partnership"), "programme": N_("Programme"),
                              "network": N_("Network"), "platform": N_("Platform"), "other": N_("Other")},
    "relation_names": {"cooperation": N_("Cooperation"), "exchange": N_("Exchange"), "overlap": N_("Overlap"),
                       "observer": N_("Observer")},
    "status_names": {"achieved": N_("Achieved"), "on-track": N_("On track"), "off-track": N_("Off track"),
                     "no-data": N_("No data yet"), "qualitative": N_("Qualitative"), "no-target": N_("No target"),
                     "proposed": N_("Proposed"), "adopted": N_("Adopted"), "rejected": N_("Rejected"),
                     "superseded": N_("Superseded"), "implemented": N_("Implemented"), "pledged": N_("Pledged"),
                     "committed": N_("Committed"), "received": N_("Received"), "success": N_("Success"),
                     "failure": N_("Failure"), "insight": N_("Insight")},
    "kind_names": {k.name: k.label for k in ITEM_KINDS},   # labels of the kinds of content, by kind
}


def named(gettext, group: str, code: str | None) -> str:
    """A code of the content format as readers see it (a report's "Received", not "received"):
    its translated name, or the code itself where the group has none."""
    if not code:
        return ""
    text = LABELS[group].get(code)
    return gettext(text) if text else code


def translated_labels(gettext) -> dict[str, dict[str, str]]:
    return {group: {key: gettext(text) for key, text in names.items()} for group, names in LABELS.items()}
