"""Budget figures: hypotheses applied, lines, totals per axe / enjeu / action / porteur, the
year-by-year projection and what the totals leave out. Ranges stay (min, max); never formatted here."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.metrics.common import action_keys, group_keys, key_cols, line_years
from dashboard.plan import CATEGORIES, HYPOTHESE_RE, Plan

# Amounts stay ranges: every euro figure is a (min, max) pair, never averaged. `par unité`
# lines count only once their quantity is known (an Hypothèse); what a total leaves out is
# listed by `non_comptes`.

UNIQUE, ANNUEL, PAR_UNITE = "unique", "annuel", "par unité"
RANGE_COLUMNS = ["unique_min", "unique_max", "annuel_min", "annuel_max", "par_unite_min", "par_unite_max"]


def _norm_unit(text) -> str:
    """'Parcours ' and 'parcours' name the same unit (case, spaces, a plural s)."""
    t = str(text or "").strip().lower()
    return t[:-1] if t.endswith("s") and not t.endswith("ss") else t


def hypothesis_defaults(plan: Plan) -> dict[tuple[int, str], float | None]:
    """{(action_id, paramètre): valeur} as the workbook sets them (None = not set)."""
    return {(int(r.action_id), str(r.parametre)): (None if pd.isna(r.valeur) else float(r.valeur))
            for r in plan.hypotheses.itertuples()}


def apply_hypotheses(plan: Plan, values: dict[tuple[int, str], float | None] | None = None) -> Plan:
    """The plan with its open parameters set: workbook defaults, overridden by `values`.

    "Quantité : <unité>" sets the quantity of the action's `par unité` lines in that unit
    (None/NaN: unknown, the line stays out of the totals). "Part : <porteur>" (a percentage)
    splits each of the action's budget lines between that porteur and the line's own porteur.
    """
    values = values or {}
    hyp = plan.hypotheses.copy()
    if hyp.empty:
        return plan
    new_values = []
    for r in hyp.itertuples():
        key = (int(r.action_id), str(r.parametre))
        v = values[key] if key in values else r.valeur
        new_values.append(float("nan") if v is None or pd.isna(v) else float(v))
    hyp["valeur"] = new_values
    budget = plan.budget.copy()
    for r in hyp.itertuples():
        m = HYPOTHESE_RE.match(str(r.parametre))
        if not m:
            continue
        kind, target = m.groups()
        of_action = budget["action_id"] == r.action_id
        if kind == "Quantité":
            mask = (of_action & (budget["periodicite"] == PAR_UNITE)
                    & (budget["unite"].map(_norm_unit) == _norm_unit(target)))
            budget.loc[mask, "quantite"] = r.valeur
        elif not pd.isna(r.valeur):
            share = min(max(float(r.valeur), 0.0), 100.0) / 100.0
            mask = of_action & (budget["porteur"] != target)
            if not mask.any():
                continue
            theirs = budget[mask].copy()
            ours = theirs.copy()
            ours["porteur"] = target
            for col in ("montant_min", "montant_max"):
                ours[col] = ours[col] * share
                theirs[col] = theirs[col] * (1 - share)
            ours["note"] = f"part de {target} : {float(r.valeur):g} % (hypothèse)"
            budget = pd.concat([budget[~mask], ours, theirs]).sort_values("action_id", kind="stable")
    return plan.with_frames(budget=budget.reset_index(drop=True), hypotheses=hyp)


def budget_lines(plan: Plan) -> pd.DataFrame:
    """Budget lines with their axe/enjeu/titre, `total_min/max` (par unité: × quantité, NaN if
    unknown), `comptee` (in the totals) and `annees` (years an annuel line runs in the period)."""
    b = plan.budget.merge(action_keys(plan), on="action_id", how="left")
    per_unit = b["periodicite"] == PAR_UNITE
    b["total_min"] = b["montant_min"].where(~per_unit, b["montant_min"] * b["quantite"])
    b["total_max"] = b["montant_max"].where(~per_unit, b["montant_max"] * b["quantite"])
    b["comptee"] = ~(per_unit & b["quantite"].isna())
    years = line_years(b, plan) if len(b) else pd.DataFrame({"debut": [], "fin": []})
    n = (years["fin"] - years["debut"] + 1).clip(lower=0)
    b["annees"] = n.where(b["periodicite"] == ANNUEL, 1).astype(int) if len(b) else pd.Series(dtype=int)
    return b


def budget_by(plan: Plan, by: str = "axe") -> pd.DataFrame:
    """Budget per axe / enjeu / action / porteur: one-off, annual and quantified per-unit ranges,
    the period total (annual lines × the years they run) and the per-unit lines left out."""
    b = budget_lines(plan)
    keys = key_cols(by)
    b["p_min"] = b["total_min"] * b["annees"]
    b["p_max"] = b["total_max"] * b["annees"]
    parts = []
    for per, prefix in ((UNIQUE, "unique"), (ANNUEL, "annuel"), (PAR_UNITE, "par_unite")):
        sub = b[(b["periodicite"] == per) & b["comptee"]]
        parts.append(sub.groupby(keys)[["total_min", "total_max"]].sum()
                     .rename(columns={"total_min": f"{prefix}_min", "total_max": f"{prefix}_max"}))
    counted = b[b["comptee"]]
    parts.append(counted.groupby(keys)[["p_min", "p_max"]].sum()
                 .rename(columns={"p_min": "periode_min", "p_max": "periode_max"}))
    parts.append(b[~b["comptee"]].groupby(keys).size().rename("lignes_non_comptees"))
    agg = pd.concat(parts, axis=1)
    if by == "porteur":
        out = agg.reset_index() if len(agg) else pd.DataFrame(columns=["porteur"])
    else:
        out = group_keys(plan, by).merge(agg.reset_index() if len(agg) else pd.DataFrame(columns=keys),
                                          on=keys, how="left")
    cols = [*RANGE_COLUMNS, "periode_min", "periode_max", "lignes_non_comptees"]
    for c in cols:
        out[c] = pd.to_numeric(out[c], errors="coerce").fillna(0.0) if c in out else 0.0
    out["lignes_non_comptees"] = out["lignes_non_comptees"].astype(int)
    if by == "porteur":
        out = out.sort_values("periode_max", ascending=False).reset_index(drop=True)
    return out


def budget_totals(plan: Plan) -> dict[str, float]:
    """The plan's totals (the same sums as budget_by, over every counted line)."""
    t = budget_by(plan, "axe")
    return {c: float(t[c].sum()) for c in [*RANGE_COLUMNS, "periode_min", "periode_max"]}


@dataclass(frozen=True)
class Projection:
    """Year-by-year planned spending; `lignes` per line and year, `hors` the lines with no year."""

    lignes: pd.DataFrame  # annee, axe, action_id, poste, periodicite, porteur, montant_min, montant_max
    hors: pd.DataFrame    # action_id, axe, poste, periodicite, montant_min, montant_max, raison

    def par_annee(self, by: str = "axe") -> pd.DataFrame:
        """annee × by with montant_min / montant_max."""
        return (self.lignes.groupby(["annee", by], as_index=False)[["montant_min", "montant_max"]].sum()
                .sort_values(["annee", by]).reset_index(drop=True))

    def totaux(self) -> pd.DataFrame:
        """annee, montant_min, montant_max (every year of the period, zeros included)."""
        return self.lignes.groupby("annee", as_index=False)[["montant_min", "montant_max"]].sum()


def projection(plan: Plan) -> Projection:
    """Annuel lines every year they run, unique lines in their year, par unité lines × quantité in
    their year; a line without a usable year goes to `hors` with the reason."""
    b = budget_lines(plan)
    first, last = plan.periode
    cols = ["annee", "axe", "action_id", "poste", "periodicite", "porteur", "montant_min", "montant_max"]
    rows, hors = [], []
    for r in b.itertuples():
        base = {"axe": r.axe, "action_id": r.action_id, "poste": r.poste, "periodicite": r.periodicite,
                "porteur": r.porteur, "montant_min": r.total_min, "montant_max": r.total_max}
        if not r.comptee:
            hors.append({**base, "montant_min": r.montant_min, "montant_max": r.montant_max,
                         "raison": f"montant par {r.unite or 'unité'} : quantité non fixée"})
        elif r.periodicite == ANNUEL:
            start = first if pd.isna(r.annee_debut) else max(int(r.annee_debut), first)
            end = last if pd.isna(r.annee_fin) else min(int(r.annee_fin), last)
            rows += [{**base, "annee": y} for y in range(start, end + 1)]
            if start > end:
                hors.append({**base, "raison": "années hors de la période du plan"})
        elif pd.isna(r.annee_debut):
            hors.append({**base, "raison": "année de la dépense inconnue"})
        elif not first <= int(r.annee_debut) <= last:
            hors.append({**base, "raison": f"année {int(r.annee_debut)} hors de la période du plan"})
        else:
            rows.append({**base, "annee": int(r.annee_debut)})
    lignes = pd.DataFrame(rows, columns=cols)
    lignes["annee"] = lignes["annee"].astype("int64")
    # every year of the period appears, even with nothing planned
    empty_years = [y for y in plan.annees if y not in set(lignes["annee"])]
    if empty_years:
        pad = pd.DataFrame({"annee": empty_years, "montant_min": 0.0, "montant_max": 0.0})
        lignes = pd.concat([lignes, pad.reindex(columns=cols)], ignore_index=True) if len(lignes) else pad.reindex(columns=cols)
        lignes[["montant_min", "montant_max"]] = lignes[["montant_min", "montant_max"]].fillna(0.0)
    hors_df = pd.DataFrame(hors, columns=["action_id", "axe", "poste", "periodicite", "porteur",
                                          "montant_min", "montant_max", "raison"])
    return Projection(lignes=lignes.sort_values("annee", kind="stable").reset_index(drop=True), hors=hors_df)


def non_comptes(plan: Plan) -> pd.DataFrame:
    """"Ce que le total ne compte pas": actions not `chiffré` (with the plan's verbatim text),
    par-unité lines without quantity, one-off lines without a year (in the totals, not in the
    projection)."""
    cols = ["action_id", "axe", "titre", "motif", "categorie_budget", "budget_previsionnel",
            "poste", "montant_min", "montant_max"]
    a = plan.actions
    rows = []
    for r in a[a["categorie_budget"] != "chiffré"].itertuples():
        rows.append({"action_id": r.action_id, "axe": r.axe, "titre": r.titre,
                     "motif": f"budget « {r.categorie_budget} »", "categorie_budget": r.categorie_budget,
                     "budget_previsionnel": r.budget_previsionnel})
    b = budget_lines(plan).merge(a[["action_id", "categorie_budget", "budget_previsionnel"]], on="action_id", how="left")
    for r in b.itertuples():
        if not r.comptee:
            motif = f"montant par {r.unite or 'unité'}, quantité non fixée (hors totaux)"
        elif r.periodicite == UNIQUE and pd.isna(r.annee_debut):
            motif = "dépense ponctuelle sans année (comptée dans le total, absente de la projection)"
        elif r.periodicite == PAR_UNITE and pd.isna(r.annee_debut):
            motif = (f"montant par {r.unite or 'unité'} sans année (compté dans le total, "
                     "absent de la projection)")
        else:
            continue
        rows.append({"action_id": r.action_id, "axe": r.axe, "titre": r.titre, "motif": motif,
                     "categorie_budget": r.categorie_budget, "budget_previsionnel": r.budget_previsionnel,
                     "poste": r.poste, "montant_min": r.montant_min, "montant_max": r.montant_max})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values("action_id", kind="stable").reset_index(drop=True)


def categories_count(plan: Plan) -> pd.DataFrame:
    """Number of actions per budget category, every category listed (zeros included)."""
    counts = plan.actions["categorie_budget"].value_counts()
    extra = [c for c in counts.index if c not in CATEGORIES]
    return pd.DataFrame({"categorie_budget": [*CATEGORIES, *extra],
                         "actions": [int(counts.get(c, 0)) for c in [*CATEGORIES, *extra]]})
