"""Planned versus realized (spending and ETP) per year and axe, from the follow-up's `realise` rows."""

from __future__ import annotations

import pandas as pd

from dashboard.metrics.budget import projection
from dashboard.metrics.etp import etp_par_annee
from dashboard.plan import Plan


def _year_axe_grid(plan: Plan) -> pd.DataFrame:
    """Every (year of the period, axe of the actions) pair."""
    axes = sorted(int(a) for a in plan.actions["axe"].dropna().unique())
    return pd.DataFrame([(y, a) for y in plan.annees for a in axes], columns=["annee", "axe"]).astype("Int64")


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype({"annee": "Int64", "axe": "Int64"})


def _realise_by_axe(plan: Plan, realise: pd.DataFrame, column: str) -> pd.DataFrame:
    r = realise[["action_id", "annee", column]].copy()
    r["action_id"] = pd.to_numeric(r["action_id"], errors="coerce").astype("Int64")
    r["annee"] = pd.to_numeric(r["annee"], errors="coerce").astype("Int64")
    r[column] = pd.to_numeric(r[column], errors="coerce")
    r = r.merge(plan.actions[["action_id", "axe"]], on="action_id", how="inner")
    return r.groupby(["annee", "axe"], as_index=False)[column].sum(min_count=1)


def prevu_realise_budget(plan: Plan, realise: pd.DataFrame) -> pd.DataFrame:
    """annee, axe, prevu_min, prevu_max, realise (NaN = nothing imported) — empty if no follow-up."""
    cols = ["annee", "axe", "prevu_min", "prevu_max", "realise"]
    if realise is None or realise.empty:
        return pd.DataFrame(columns=cols)
    p = projection(plan).par_annee("axe").dropna(subset=["axe"])
    p = p.rename(columns={"montant_min": "prevu_min", "montant_max": "prevu_max"})
    r = _realise_by_axe(plan, realise, "depenses").rename(columns={"depenses": "realise"})
    out = _year_axe_grid(plan).merge(_typed(p), on=["annee", "axe"], how="left").merge(r, on=["annee", "axe"], how="outer")
    out[["prevu_min", "prevu_max"]] = out[["prevu_min", "prevu_max"]].fillna(0.0)
    return out[cols].sort_values(["annee", "axe"]).reset_index(drop=True)


def prevu_realise_etp(plan: Plan, realise: pd.DataFrame) -> pd.DataFrame:
    """annee, axe, prevu (ETP), realise (ETP, NaN = nothing imported) — empty if no follow-up."""
    cols = ["annee", "axe", "prevu", "realise"]
    if realise is None or realise.empty:
        return pd.DataFrame(columns=cols)
    p = etp_par_annee(plan).groupby(["annee", "axe"], as_index=False)["etp"].sum().rename(columns={"etp": "prevu"})
    r = _realise_by_axe(plan, realise, "etp").rename(columns={"etp": "realise"})
    out = _year_axe_grid(plan).merge(_typed(p), on=["annee", "axe"], how="left").merge(r, on=["annee", "axe"], how="outer")
    out["prevu"] = out["prevu"].fillna(0.0)
    return out[cols].sort_values(["annee", "axe"]).reset_index(drop=True)


def a_perimetre_egal(pr: pd.DataFrame, prevu: tuple[str, ...]) -> pd.DataFrame:
    """Per year, the realized against the planned of the same axes only: an axe that declared nothing for a
    year (no value imported, not a zero) leaves its planned amount out of that year's comparison.

    pr: prevu_realise_budget (prevu=("prevu_min", "prevu_max")) or prevu_realise_etp (prevu=("prevu",)).
    Returns one row per year of `pr`: annee, realise (NaN: nothing declared), each `prevu` column over the
    axes that declared (the whole year's when none did), the same over every axe (`<col>_tout`),
    declare (True when something was declared), axes_declares and axes_sans_declaration (tuples of the
    axes with something planned or declared that year: the coverage), prevu_sans_declaration
    (the planned amount left out, first `prevu` column's)."""
    cols = ["annee", "realise", *prevu, *(f"{c}_tout" for c in prevu), "declare", "axes_declares",
            "axes_sans_declaration", "prevu_sans_declaration"]
    rows = []
    for year, g in pr.groupby("annee", sort=True):
        declared = g["realise"].notna()
        expected = declared | (g[list(prevu)].fillna(0).abs().sum(axis=1) > 0)
        row = {"annee": int(year), "realise": g.loc[declared, "realise"].sum() if declared.any() else float("nan"),
               "declare": bool(declared.any()),
               "axes_declares": tuple(int(a) for a in g.loc[declared, "axe"]),
               "axes_sans_declaration": tuple(int(a) for a in g.loc[expected & ~declared, "axe"]),
               "prevu_sans_declaration": float(g.loc[expected & ~declared, prevu[0]].fillna(0).sum())}
        for c in prevu:
            row[f"{c}_tout"] = float(g[c].fillna(0).sum())
            row[c] = float(g.loc[declared, c].fillna(0).sum()) if declared.any() else row[f"{c}_tout"]
        rows.append(row)
    return pd.DataFrame(rows, columns=cols)
