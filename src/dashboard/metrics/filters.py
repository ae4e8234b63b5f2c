"""The sidebar's filters (axe, enjeu, porteur) and the plan they select. Pure; no display."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.plan import Plan, porteurs_of


@dataclass(frozen=True)
class Filters:
    """The sidebar's choices; empty tuples mean "all"."""

    axes: tuple[int, ...] = ()
    enjeux: tuple[str, ...] = ()
    porteurs: tuple[str, ...] = ()

    @property
    def active(self) -> bool:
        return bool(self.axes or self.enjeux or self.porteurs)


def action_porteurs(actions: pd.DataFrame) -> pd.DataFrame:
    """One row per (action_id, porteur) from the verbatim maîtrise d'ouvrage."""
    rows = [(a, p) for a, text in zip(actions["action_id"], actions["maitrise_ouvrage"], strict=True)
            for p in porteurs_of(text)]
    return pd.DataFrame(rows, columns=["action_id", "porteur"])


def porteurs(plan: Plan) -> list[str]:
    """Every porteur named in the plan's maîtrise d'ouvrage, most frequent first."""
    counts = action_porteurs(plan.actions)["porteur"].value_counts()
    return list(counts.index)


def selected_actions(plan: Plan, filters: Filters) -> pd.Index:
    """The action ids the filters keep."""
    a = plan.actions
    keep = pd.Series(True, index=a.index)
    if filters.axes:
        keep &= a["axe"].isin(filters.axes)
    if filters.enjeux:
        keep &= a["enjeu"].isin(filters.enjeux)
    if filters.porteurs:
        ap = action_porteurs(a)
        keep &= a["action_id"].isin(ap.loc[ap["porteur"].isin(filters.porteurs), "action_id"])
    return pd.Index(a.loc[keep, "action_id"])


def filtered_count(plan: Plan, filters: Filters) -> int:
    return len(selected_actions(plan, filters))


def filter_plan(plan: Plan, filters: Filters) -> Plan:
    """The plan restricted to the filtered actions (axes and enjeux kept whole for labels)."""
    if not filters.active:
        return plan
    ids = selected_actions(plan, filters)
    return plan.with_frames(**{
        name: getattr(plan, name)[getattr(plan, name)["action_id"].isin(ids)]
        for name in ("actions", "budget", "etp", "calendrier", "indicateurs", "hypotheses")
    })
