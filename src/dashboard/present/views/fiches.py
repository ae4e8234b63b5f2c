"""Fiches actions: the table of every action, searched and filtered, and its Excel download.

Builds the page's `FichesView` (the actions, their facets and their table, for the plan, the
filters and the imported statuses) and, for the page's search box and facet selectors, the
`Selection` of rows to show. The fiche of one action is `fiche.action_detail`. Every figure comes
from `fiches` and `metrics`; this module only picks and shapes them. It never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import metrics
from dashboard.plan import Plan
from dashboard.present import export, fiches


@dataclass(frozen=True)
class Selection:
    """The rows of the action table the search and the facets keep."""

    table: pd.DataFrame     # keys of fiches.TABLE_HEADERS and EXPORT_HEADERS

    @property
    def ids(self) -> list[int]:
        return [int(i) for i in self.table["action_id"]]

    @property
    def shown(self) -> pd.DataFrame:
        """The rows as shown on screen (French headers, French-formatted ETP)."""
        return fiches.display_table(self.table)

    def excel(self) -> bytes:
        """The rows as a formatted Excel file (numbers left as numbers)."""
        return export.to_excel(fiches.export_table(self.table), sheet="Fiches actions",
                               overrides=fiches.EXCEL_SPEC, title="Fiches actions du plan")


@dataclass(frozen=True)
class FichesView:
    """What the Fiches actions page shows before its search and facet selectors apply."""

    ids: tuple[int, ...]                    # every action of the plan, by number (the fiche selector)
    titles: dict[int, str]                  # action id → title
    n_total: int                            # actions in the plan (filters ignored)
    facet_keys: tuple[str, ...]             # the facets offered (« statut » once statuses are imported)
    facet_options: dict[str, list[str]]     # facet → its values, most frequent first
    facets: pd.DataFrame                    # fiches.facets of the whole plan
    actions: pd.DataFrame                   # the filtered plan's actions (what the search reads)
    table: pd.DataFrame                     # fiches.action_table of the filtered plan

    def select(self, query: str, chosen: dict[str, list[str]]) -> Selection:
        """The actions matching the search words and every chosen facet."""
        found = fiches.search_actions(self.actions, query)
        kept = fiches.filter_by_facets(found["action_id"], self.facets, chosen)
        return Selection(self.table[self.table["action_id"].isin(kept)].reset_index(drop=True))


def build(plan: Plan, filters: metrics.Filters, statuts: pd.DataFrame) -> FichesView:
    """The page's facets (whole plan) and table (filtered plan), pure."""
    shown_plan = metrics.filter_plan(plan, filters)
    facets = fiches.facets(plan, statuts)
    keys = tuple(k for k in fiches.FACETS if k != "statut" or not statuts.empty)
    return FichesView(
        ids=tuple(int(i) for i in plan.actions.sort_values("action_id")["action_id"]),
        titles={int(r.action_id): r.titre for r in plan.actions.itertuples()},
        n_total=len(plan.actions), facet_keys=keys,
        facet_options={k: fiches.facet_options(facets, k) for k in keys},
        facets=facets, actions=shown_plan.actions, table=fiches.action_table(shown_plan, statuts),
    )
