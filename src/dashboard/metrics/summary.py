"""The overview per axe and `summary`, the JSON-ready figures shared by the overview page and the
command line (`python -m dashboard summary`)."""

from __future__ import annotations

import pandas as pd

from dashboard.metrics.budget import (
    PAR_UNITE,
    budget_by,
    budget_lines,
    budget_totals,
    categories_count,
    non_comptes,
)
from dashboard.metrics.calendar import SITUATIONS, as_timestamp, calendar_summary
from dashboard.metrics.common import json_number
from dashboard.metrics.etp import etp_by
from dashboard.metrics.realise import prevu_realise_budget
from dashboard.plan import Plan


def overview_by_axe(plan: Plan) -> pd.DataFrame:
    """Per axe: actions, budget ranges (one-off, annual, per-unit quantified), ETP, indicators."""
    out = budget_by(plan, "axe")
    out["actions"] = out["axe"].map(plan.actions.groupby("axe").size()).fillna(0).astype(int)
    out["etp"] = out["axe"].map(etp_by(plan, "axe").set_index("axe")["etp"]).fillna(0.0)
    ind = plan.indicateurs.merge(plan.actions[["action_id", "axe"]], on="action_id").groupby("axe").size()
    out["indicateurs"] = out["axe"].map(ind).fillna(0).astype(int)
    return out


def summary(plan: Plan, suivi=None, as_of=None) -> dict:
    """The overview's figures as a JSON-ready dict (the command line and the pages share it).

    Other sections (statuses, late actions for `as_of`) add their own keys to this dict.
    """
    over = overview_by_axe(plan)
    b = budget_lines(plan)
    cats = plan.actions.groupby(["axe", "categorie_budget"]).size()
    axes = []
    for r in over.itertuples():
        per_unit = b[(b["axe"] == r.axe) & (b["periodicite"] == PAR_UNITE)]
        axes.append({
            "axe": int(r.axe), "libelle": r.libelle, "actions": int(r.actions),
            "budget_unique_min": json_number(r.unique_min), "budget_unique_max": json_number(r.unique_max),
            "budget_annuel_min": json_number(r.annuel_min), "budget_annuel_max": json_number(r.annuel_max),
            "budget_par_unite": [
                {"action_id": int(x.action_id), "poste": x.poste, "unite": x.unite,
                 "montant_unitaire_min": json_number(x.montant_min), "montant_unitaire_max": json_number(x.montant_max),
                 "quantite": json_number(x.quantite), "total_min": json_number(x.total_min), "total_max": json_number(x.total_max)}
                for x in per_unit.itertuples()],
            "budget_periode_min": json_number(r.periode_min), "budget_periode_max": json_number(r.periode_max),
            "etp": json_number(round(r.etp, 4)), "indicateurs": int(r.indicateurs),
            "categories": {c: int(n) for (ax, c), n in cats.items() if ax == r.axe},
        })
    totals = budget_totals(plan)
    nc = non_comptes(plan)
    out = {
        "periode": [int(plan.periode[0]), int(plan.periode[1])],
        "actions": int(len(plan.actions)),
        "indicateurs": int(len(plan.indicateurs)),
        "etp": json_number(round(float(over["etp"].sum()), 4)),
        "budget": {k: json_number(v) for k, v in totals.items()},
        "categories": {str(c): int(n) for c, n in categories_count(plan).itertuples(index=False)},
        "non_comptes": {
            "actions_sans_chiffrage": int(plan.actions["categorie_budget"].ne("chiffré").sum()),
            "lignes_par_unite_sans_quantite": int((~b["comptee"]).sum()),
            "lignes_uniques_sans_annee": int(nc["motif"].str.startswith("dépense ponctuelle").sum()),
        },
        "axes": axes,
    }
    if as_of is not None:
        out["as_of"] = str(as_of)
    # calendar: per-axe situations and late actions at as_of (today when None), see calendar_summary
    statuts = None if suivi is None else suivi.statuts
    cal = calendar_summary(plan, statuts, as_of)
    for a in out["axes"]:
        a["statuts"] = cal["statuts_par_axe"].get(a["axe"], dict.fromkeys(SITUATIONS, 0))
    out["situation_au"] = as_timestamp(as_of).date().isoformat()
    out["avancement_importe"] = statuts is not None and len(statuts) > 0
    out["en_retard"] = cal["en_retard"]
    if suivi is not None and not suivi.realise.empty:
        pr = prevu_realise_budget(plan, suivi.realise).groupby("annee")[["prevu_min", "prevu_max", "realise"]].sum(min_count=1)
        out["realise"] = [{"annee": int(y), "prevu_min": json_number(v.prevu_min), "prevu_max": json_number(v.prevu_max),
                           "depenses": json_number(v.realise)} for y, v in pr.iterrows()]
    return out
