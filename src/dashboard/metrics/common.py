"""Small helpers shared by the metrics modules: the keys of a per-axe / enjeu / action table, the
years a line runs, JSON-friendly numbers. Nothing here formats a figure for display."""

from __future__ import annotations

import pandas as pd

from dashboard.plan import Plan

SANS_ENJEU = "sans enjeu"


def json_number(x):
    """A JSON-friendly number: None for missing, int when whole."""
    if x is None or pd.isna(x):
        return None
    x = float(x)
    return int(x) if x.is_integer() else round(x, 2)


def action_keys(plan: Plan) -> pd.DataFrame:
    return plan.actions[["action_id", "axe", "enjeu", "titre"]]


def line_years(df: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """First and last year of each annuel line inside the plan's period (NA bounds = the period)."""
    first, last = plan.periode
    start = df["annee_debut"].astype("Float64").fillna(first).clip(lower=first)
    end = df["annee_fin"].astype("Float64").fillna(last).clip(upper=last)
    return pd.DataFrame({"debut": start.astype(int), "fin": end.astype(int)}, index=df.index)


def group_keys(plan: Plan, by: str) -> pd.DataFrame:
    """The rows of a per-`by` table: every group the (filtered) actions have, with labels."""
    a = plan.actions
    if by == "axe":
        keys = plan.axes[plan.axes["axe"].isin(a["axe"])][["axe", "libelle"]]
        return keys.sort_values("axe").reset_index(drop=True)
    if by == "enjeu":
        used = a[["axe", "enjeu"]].drop_duplicates()
        keys = used.merge(plan.enjeux[["enjeu", "libelle"]], on="enjeu", how="left")
        no_enjeu = keys["enjeu"] == ""
        keys.loc[no_enjeu, "libelle"] = keys.loc[no_enjeu, "axe"].map(lambda x: f"Axe {int(x)} ({SANS_ENJEU})")
        keys["libelle"] = keys["libelle"].fillna("")
        order = keys["enjeu"].map(lambda e: tuple(int(p) for p in e.split(".")) if e else (0,))
        return keys.assign(_o=order).sort_values(["axe", "_o"]).drop(columns="_o").reset_index(drop=True)
    if by == "action":
        return a[["action_id", "axe", "enjeu", "titre"]].sort_values("action_id").reset_index(drop=True)
    raise ValueError(by)


def key_cols(by: str) -> list[str]:
    return {"axe": ["axe"], "enjeu": ["axe", "enjeu"], "action": ["action_id"], "porteur": ["porteur"]}[by]
