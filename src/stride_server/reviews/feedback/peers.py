"""Who gives 360 feedback on whom (seed 001 "Peer selection logic", CONTRACT §3.4): the rule per
access level, as data. `bulk_store.select_peers` turns a rule into one SQL statement."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PeerRule:
    """The sources of a subject's peers; the union of those switched on. Only active people, never
    the subject."""

    squad_mates: bool = False  # the other members of the subject's squads
    # The other managers of the subject's departments; all other managers of the tenant when that
    # set is empty (the subject has no department, or is its only manager).
    department_managers: bool = False
    other_heads: bool = False  # the other people of access level `head` in the tenant
    direct_reports: bool = False
    direct_report_levels: tuple[str, ...] | None = None  # None: direct reports of any level

    @property
    def selects_anyone(self) -> bool:
        """Whether any source is switched on (an unknown access level's rule selects no one)."""
        return self.squad_mates or self.department_managers or self.other_heads or self.direct_reports


# Seed 001: "Employee/Lead: Squad peers · Manager: Other managers + direct reports ·
# Head/Executive: Other heads + direct manager reports".
_RULES = {
    "employee": PeerRule(squad_mates=True),
    "lead": PeerRule(squad_mates=True),
    "manager": PeerRule(department_managers=True, direct_reports=True),
    "head": PeerRule(other_heads=True, direct_reports=True, direct_report_levels=("manager",)),
    "executive": PeerRule(other_heads=True, direct_reports=True, direct_report_levels=("manager",)),
}


def peer_rule(access_level: str) -> PeerRule:
    return _RULES.get(access_level, PeerRule())
