"""Staff time (ETP): per axe / enjeu / action / service, per year, against the services' capacity."""

from __future__ import annotations

import pandas as pd

from dashboard.metrics.common import action_keys, group_keys, line_years
from dashboard.plan import Plan


def etp_lines(plan: Plan) -> pd.DataFrame:
    """ETP lines with their axe, enjeu and titre."""
    return plan.etp.merge(action_keys(plan), on="action_id", how="left")


def etp_by(plan: Plan, by: str = "axe") -> pd.DataFrame:
    """ETP per axe / enjeu / action / service (yearly full-time equivalents, summed over lines),
    with `part` = share of the total (%)."""
    e = etp_lines(plan)
    keys = {"axe": ["axe"], "enjeu": ["axe", "enjeu"], "action": ["action_id"], "service": ["service"]}[by]
    agg = e.groupby(keys)["etp"].sum().reset_index() if len(e) else pd.DataFrame(columns=[*keys, "etp"])
    if by == "service":
        out = agg.sort_values("etp", ascending=False).reset_index(drop=True)
    else:
        out = group_keys(plan, by).merge(agg, on=keys, how="left")
    out["etp"] = pd.to_numeric(out["etp"], errors="coerce").fillna(0.0)
    total = out["etp"].sum()
    out["part"] = out["etp"] / total * 100 if total else 0.0
    return out


def etp_par_annee(plan: Plan) -> pd.DataFrame:
    """One row per ETP line and year it runs (NA bounds = the plan's period)."""
    e = etp_lines(plan)
    cols = ["annee", "service", "action_id", "axe", "etp"]
    if e.empty:
        return pd.DataFrame(columns=cols)
    years = line_years(e, plan)
    rows = [{"annee": y, "service": r.service, "action_id": r.action_id, "axe": r.axe, "etp": r.etp}
            for r, (d, f) in zip(e.itertuples(), zip(years["debut"], years["fin"], strict=True), strict=True)
            for y in range(d, f + 1)]
    return pd.DataFrame(rows, columns=cols)


def capacite_vs_alloue(plan: Plan) -> pd.DataFrame:
    """Per service and year: allocated ETP, available ETP (NaN = unknown), gap and status
    (`surallocation` / `dans la capacité` / `capacité inconnue`)."""
    alloc = etp_par_annee(plan).groupby(["service", "annee"], as_index=False)["etp"].sum()
    alloc = alloc.rename(columns={"etp": "alloue"})
    cap = plan.capacite[["service", "annee", "etp_disponibles"]].rename(columns={"etp_disponibles": "disponible"})
    cap = cap.assign(annee=cap["annee"].astype("int64")) if len(cap) else cap
    out = alloc.merge(cap, on=["service", "annee"], how="outer")
    out = out[out["annee"].isin(plan.annees)] if len(out) else out
    out["alloue"] = pd.to_numeric(out["alloue"], errors="coerce").fillna(0.0)
    out["disponible"] = pd.to_numeric(out["disponible"], errors="coerce")
    out["ecart"] = out["disponible"] - out["alloue"]
    out["statut"] = "dans la capacité"
    out.loc[out["disponible"].isna(), "statut"] = "capacité inconnue"
    out.loc[out["alloue"] > out["disponible"] + 1e-9, "statut"] = "surallocation"
    return out.sort_values(["service", "annee"]).reset_index(drop=True)


def etp_sans_capacite(plan: Plan) -> pd.DataFrame:
    """ETP lines whose service has no capacity figure in the `Capacité` sheet (any year)."""
    known = set(plan.capacite.loc[plan.capacite["etp_disponibles"].notna(), "service"])
    e = etp_lines(plan)
    return e[~e["service"].isin(known)].reset_index(drop=True)


def etp_non_chiffres(plan: Plan) -> pd.DataFrame:
    """ETP lines where the plan names staff time without a figure (ETP empty): out of every total."""
    e = etp_lines(plan)
    return e[e["etp"].isna()].reset_index(drop=True)


def etp_service_axe(plan: Plan) -> pd.DataFrame:
    """service, axe, etp: who staffs which axe."""
    e = etp_lines(plan).dropna(subset=["etp"])
    return e.groupby(["service", "axe"], as_index=False)["etp"].sum()
