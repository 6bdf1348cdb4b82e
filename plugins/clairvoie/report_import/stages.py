"""From the request tool's states to Clairvoie's stages (records.md, "Residents' reports").

The defaults cover Open311 (``open``, ``closed``) and FixMyStreet's states; a city adds or
changes states in a mapping file (``--mapping``, or the setting
``CLAIRVOIE_REPORTS_IMPORT_MAPPING``), section ``stages``::

    stages:
      EN_ATTENTE: acknowledged
      REFUSE: {stage: closed, reason: "La demande ne relève pas de la voirie communale."}

States are compared without case, with spaces and dashes read as "_".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from . import messages

STAGES = ("received", "acknowledged", "scheduled", "in_progress", "resolved", "closed", "duplicate", "reopened")


@dataclass(frozen=True)
class StageRule:
    stage: str
    reason: str = ""  # a closed stage's reason when staff wrote no note


DEFAULT_RULES: dict[str, StageRule] = {
    # Open311 GeoReport v2 knows only these two. "open" after the first stage: merge.again_received.
    "OPEN": StageRule("received"),
    "CLOSED": StageRule("resolved"),
    # FixMyStreet (its Open311 extension and servicerequestupdates.json).
    "CONFIRMED": StageRule("received"),
    "INVESTIGATING": StageRule("acknowledged"),
    "INTERNAL_REFERRAL": StageRule("acknowledged"),
    "ACTION_SCHEDULED": StageRule("scheduled"),
    "IN_PROGRESS": StageRule("in_progress"),
    "FIXED": StageRule("resolved"),
    "DUPLICATE": StageRule("duplicate"),
    "REOPENED": StageRule("reopened"),
    "NOT_COUNCILS_RESPONSIBILITY": StageRule(
        "closed", "Ce problème ne relève pas de la ville : la demande a été transmise au gestionnaire concerné."),
    "NO_FURTHER_ACTION": StageRule("closed", "Après vérification, aucune intervention n'est nécessaire."),
    "UNABLE_TO_FIX": StageRule("closed", "L'intervention n'est pas possible."),
    "WONT_FIX": StageRule("closed", "La ville ne prévoit pas d'intervention."),
}


def state_key(state: str) -> str:
    return re.sub(r"[\s-]+", "_", state.strip()).upper()


@dataclass(frozen=True)
class StageMapping:
    rules: Mapping[str, StageRule]

    def rule_for(self, state: str) -> StageRule | None:
        return self.rules.get(state_key(state))

    def known_states(self) -> list[str]:
        return sorted(self.rules)


DEFAULT_MAPPING = StageMapping(DEFAULT_RULES)


def mapping_with(section: Any, report_problem) -> StageMapping:  # noqa: ANN001 (a callable(field, message))
    """The defaults, with the states of a mapping file's ``stages`` section added or replaced."""
    if not isinstance(section, dict):
        report_problem("stages", messages.MAPPING_NOT_A_MAPPING)
        return DEFAULT_MAPPING
    rules = dict(DEFAULT_RULES)
    for state, value in section.items():
        rule = _rule_of(value)
        if rule is None:
            report_problem(f"stages.{state}", messages.MAPPING_BAD_ENTRY)
        elif rule.stage not in STAGES:
            report_problem(f"stages.{state}", messages.mapping_unknown_stage(rule.stage, STAGES))
        else:
            rules[state_key(str(state))] = rule
    return StageMapping(rules)


def _rule_of(value: Any) -> StageRule | None:
    if isinstance(value, str):
        return StageRule(value.strip())
    if isinstance(value, dict) and isinstance(value.get("stage"), str) and set(value) <= {"stage", "reason"}:
        reason = value.get("reason", "")
        return StageRule(value["stage"].strip(), reason.strip()) if isinstance(reason, str) else None
    return None
