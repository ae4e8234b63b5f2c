"""Every figure the dashboard shows, computed once: pure functions of the Plan's DataFrames.

The pages, the command line and the exports all call these functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from dashboard.plan import Plan, porteurs_of

# --- Filtres -------------------------------------------------------------------------------

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


# === Budget, ETP et vue d'ensemble (issue 3) ================================================
# Amounts stay ranges: every euro figure is a (min, max) pair, never averaged. `par unité`
# lines count only once their quantity is known (an Hypothèse); what a total leaves out is
# listed by `non_comptes`.

UNIQUE, ANNUEL, PAR_UNITE = "unique", "annuel", "par unité"
SANS_ENJEU = "sans enjeu"
RANGE_COLUMNS = ["unique_min", "unique_max", "annuel_min", "annuel_max", "par_unite_min", "par_unite_max"]


def _norm_unit(text) -> str:
    """'Parcours ' and 'parcours' name the same unit (case, spaces, a plural s)."""
    t = str(text or "").strip().lower()
    return t[:-1] if t.endswith("s") and not t.endswith("ss") else t


def _num(x):
    """A JSON-friendly number: None for missing, int when whole."""
    if x is None or pd.isna(x):
        return None
    x = float(x)
    return int(x) if x.is_integer() else round(x, 2)


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
    from dashboard.plan import HYPOTHESE_RE  # noqa: PLC0415

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


def _action_keys(plan: Plan) -> pd.DataFrame:
    return plan.actions[["action_id", "axe", "enjeu", "titre"]]


def _line_years(df: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """First and last year of each annuel line inside the plan's period (NA bounds = the period)."""
    first, last = plan.periode
    start = df["annee_debut"].astype("Float64").fillna(first).clip(lower=first)
    end = df["annee_fin"].astype("Float64").fillna(last).clip(upper=last)
    return pd.DataFrame({"debut": start.astype(int), "fin": end.astype(int)}, index=df.index)


def budget_lines(plan: Plan) -> pd.DataFrame:
    """Budget lines with their axe/enjeu/titre, `total_min/max` (par unité: × quantité, NaN if
    unknown), `comptee` (in the totals) and `annees` (years an annuel line runs in the period)."""
    b = plan.budget.merge(_action_keys(plan), on="action_id", how="left")
    per_unit = b["periodicite"] == PAR_UNITE
    b["total_min"] = b["montant_min"].where(~per_unit, b["montant_min"] * b["quantite"])
    b["total_max"] = b["montant_max"].where(~per_unit, b["montant_max"] * b["quantite"])
    b["comptee"] = ~(per_unit & b["quantite"].isna())
    years = _line_years(b, plan) if len(b) else pd.DataFrame({"debut": [], "fin": []})
    n = (years["fin"] - years["debut"] + 1).clip(lower=0)
    b["annees"] = n.where(b["periodicite"] == ANNUEL, 1).astype(int) if len(b) else pd.Series(dtype=int)
    return b


def _group_keys(plan: Plan, by: str) -> pd.DataFrame:
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


def _key_cols(by: str) -> list[str]:
    return {"axe": ["axe"], "enjeu": ["axe", "enjeu"], "action": ["action_id"], "porteur": ["porteur"]}[by]


def budget_by(plan: Plan, by: str = "axe") -> pd.DataFrame:
    """Budget per axe / enjeu / action / porteur: one-off, annual and quantified per-unit ranges,
    the period total (annual lines × the years they run) and the per-unit lines left out."""
    b = budget_lines(plan)
    keys = _key_cols(by)
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
        out = _group_keys(plan, by).merge(agg.reset_index() if len(agg) else pd.DataFrame(columns=keys),
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
    from dashboard.plan import CATEGORIES  # noqa: PLC0415

    counts = plan.actions["categorie_budget"].value_counts()
    extra = [c for c in counts.index if c not in CATEGORIES]
    return pd.DataFrame({"categorie_budget": [*CATEGORIES, *extra],
                         "actions": [int(counts.get(c, 0)) for c in [*CATEGORIES, *extra]]})


# --- ETP -------------------------------------------------------------------------------------

def etp_lines(plan: Plan) -> pd.DataFrame:
    """ETP lines with their axe, enjeu and titre."""
    return plan.etp.merge(_action_keys(plan), on="action_id", how="left")


def etp_by(plan: Plan, by: str = "axe") -> pd.DataFrame:
    """ETP per axe / enjeu / action / service (yearly full-time equivalents, summed over lines),
    with `part` = share of the total (%)."""
    e = etp_lines(plan)
    keys = {"axe": ["axe"], "enjeu": ["axe", "enjeu"], "action": ["action_id"], "service": ["service"]}[by]
    agg = e.groupby(keys)["etp"].sum().reset_index() if len(e) else pd.DataFrame(columns=[*keys, "etp"])
    if by == "service":
        out = agg.sort_values("etp", ascending=False).reset_index(drop=True)
    else:
        out = _group_keys(plan, by).merge(agg, on=keys, how="left")
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
    years = _line_years(e, plan)
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


# --- Prévu / réalisé -------------------------------------------------------------------------

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


# --- Vue d'ensemble et résumé ----------------------------------------------------------------

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
            "budget_unique_min": _num(r.unique_min), "budget_unique_max": _num(r.unique_max),
            "budget_annuel_min": _num(r.annuel_min), "budget_annuel_max": _num(r.annuel_max),
            "budget_par_unite": [
                {"action_id": int(x.action_id), "poste": x.poste, "unite": x.unite,
                 "montant_unitaire_min": _num(x.montant_min), "montant_unitaire_max": _num(x.montant_max),
                 "quantite": _num(x.quantite), "total_min": _num(x.total_min), "total_max": _num(x.total_max)}
                for x in per_unit.itertuples()],
            "budget_periode_min": _num(r.periode_min), "budget_periode_max": _num(r.periode_max),
            "etp": _num(round(r.etp, 4)), "indicateurs": int(r.indicateurs),
            "categories": {c: int(n) for (ax, c), n in cats.items() if ax == r.axe},
        })
    totals = budget_totals(plan)
    nc = non_comptes(plan)
    out = {
        "periode": [int(plan.periode[0]), int(plan.periode[1])],
        "actions": int(len(plan.actions)),
        "indicateurs": int(len(plan.indicateurs)),
        "etp": _num(round(float(over["etp"].sum()), 4)),
        "budget": {k: _num(v) for k, v in totals.items()},
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
        out["realise"] = [{"annee": int(y), "prevu_min": _num(v.prevu_min), "prevu_max": _num(v.prevu_max),
                           "depenses": _num(v.realise)} for y, v in pr.iterrows()]
    return out


# --- Indicateurs -----------------------------------------------------------------------------
# The follow-up's indicator values (store.Suivi.indicateurs) read against the plan's Indicateurs
# sheet. A blank result is "no value", never 0. `oui/non` results are 1 (oui) / 0 (non); `date`
# results are in `date_resultat` (a Timestamp) when the store gives that column.

FAVORABLE, DEFAVORABLE, STABLE = "favorable", "défavorable", "stable"
A_COLLECTER, RENSEIGNE = "à collecter", "renseigné"
_IND_KEYS = ["indicateur_id", "action_id", "indicateur", "type", "unite", "sens"]


def appreciation(variation: float | None, sens: str) -> str | None:
    """Whether a change is good news: a rise is `favorable` for `hausse`, `défavorable` for `baisse`;
    no verdict for `atteinte` (milestones) or an unknown change."""
    if variation is None or pd.isna(variation) or sens not in ("hausse", "baisse"):
        return None
    if abs(float(variation)) < 1e-9:
        return STABLE
    good = (variation > 0) == (sens == "hausse")
    return FAVORABLE if good else DEFAVORABLE


def _lookup(keys: pd.Series, values: pd.Series, dtype: str) -> pd.Series:
    """values[key] for each key (missing: NA), with a fixed dtype even when `values` is empty."""
    d = values.to_dict()
    return pd.Series([d.get(k) for k in keys], index=keys.index, dtype="object").astype(dtype)


def _verdicts(variations: pd.Series, sens: pd.Series) -> pd.Series:
    """appreciation() of each row, None (not NaN) when there is no verdict."""
    return pd.Series([appreciation(v, s) for v, s in zip(variations, sens, strict=True)],
                     index=variations.index, dtype="object")


def _suivi_ind(ind: pd.DataFrame | None) -> pd.DataFrame:
    """The follow-up's indicator rows with clean types (ids upper-case, annee int, numbers float)."""
    cols = ["indicateur_id", "annee", "resultat", "objectif", "date_resultat", "date_objectif",
            "commentaire", "source"]
    if ind is None or ind.empty:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols}).astype(
            {"annee": "int64", "resultat": float, "objectif": float})
    out = ind.copy()
    for c in cols:
        if c not in out:
            out[c] = None
    out["indicateur_id"] = out["indicateur_id"].astype(str).str.strip().str.upper()
    out["annee"] = pd.to_numeric(out["annee"], errors="coerce")
    out = out.dropna(subset=["annee"]).astype({"annee": "int64"})
    for c in ("resultat", "objectif"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype(float)
    for c in ("date_resultat", "date_objectif"):
        out[c] = pd.to_datetime(out[c], errors="coerce")
    return out[cols]


def indicateur_valeurs(plan: Plan, ind: pd.DataFrame | None) -> pd.DataFrame:
    """One row per plan indicator (the filtered plan's) and year of the period with a value or an
    objective: the plan's keys + annee, resultat, objectif, date_resultat, date_objectif,
    commentaire, source, `renseigne` (a result is there: a number, oui/non or a date)."""
    s = _suivi_ind(ind)
    s = s[s["annee"].isin(plan.annees)]
    keys = plan.indicateurs[_IND_KEYS].copy()
    keys["indicateur_id"] = keys["indicateur_id"].astype(str).str.upper()
    out = keys.merge(s, on="indicateur_id", how="inner")
    out["renseigne"] = out["resultat"].notna() | out["date_resultat"].notna()
    return out.sort_values(["action_id", "indicateur_id", "annee"], kind="stable").reset_index(drop=True)


def indicateur_evolution(plan: Plan, ind: pd.DataFrame | None) -> pd.DataFrame:
    """Per quantitative indicator and year of the period: resultat, objectif, the previous year's
    result (`precedent`, year N-1 only), `variation` (absolute), `variation_pct` (% of the previous
    value; NaN when it is 0) and its `appreciation` according to the indicator's `sens`.
    Every year of the period is a row (NaN where nothing was collected), for the trend charts."""
    quant = plan.indicateurs[plan.indicateurs["type"] == "quantitatif"][_IND_KEYS].copy()
    quant["indicateur_id"] = quant["indicateur_id"].astype(str).str.upper()
    grid = quant.merge(pd.DataFrame({"annee": plan.annees}), how="cross")
    s = _suivi_ind(ind)[["indicateur_id", "annee", "resultat", "objectif"]]
    out = grid.merge(s, on=["indicateur_id", "annee"], how="left")
    out = out.sort_values(["action_id", "indicateur_id", "annee"], kind="stable").reset_index(drop=True)
    out["precedent"] = out.groupby("indicateur_id")["resultat"].shift(1)
    out["variation"] = out["resultat"] - out["precedent"]
    base = out["precedent"].where(out["precedent"] != 0)
    out["variation_pct"] = out["variation"] / base.abs() * 100
    out["appreciation"] = _verdicts(out["variation"], out["sens"])
    return out


def jalons(plan: Plan, ind: pd.DataFrame | None, annee: int | None = None) -> pd.DataFrame:
    """Per milestone indicator (type `jalon`): `atteint` (a `oui`, or a date, up to `annee`), the
    first year it was reached (`annee_atteinte`), the date when the indicator is a date
    (`date_atteinte`), and the last year it was reported (`derniere_annee`, NA = never)."""
    j = plan.indicateurs[plan.indicateurs["type"] == "jalon"][_IND_KEYS].copy()
    j["indicateur_id"] = j["indicateur_id"].astype(str).str.upper()
    v = indicateur_valeurs(plan.with_frames(indicateurs=j), ind)
    if annee is not None:
        v = v[v["annee"] <= annee]
    v = v[v["renseigne"]]
    reached = v[(v["resultat"] == 1) | v["date_resultat"].notna()]
    first = reached.sort_values("annee").groupby("indicateur_id").first()
    last = v.groupby("indicateur_id")["annee"].max()
    out = j.reset_index(drop=True)
    out["atteint"] = out["indicateur_id"].isin(first.index)
    out["annee_atteinte"] = _lookup(out["indicateur_id"], first["annee"], "Int64")
    out["date_atteinte"] = _lookup(out["indicateur_id"], first["date_resultat"], "datetime64[ns]")
    out["derniere_annee"] = _lookup(out["indicateur_id"], last, "Int64")
    return out


def tableau_indicateurs(plan: Plan, ind: pd.DataFrame | None, annee: int) -> pd.DataFrame:
    """One row per indicator of the (filtered) plan as of `annee`: the last result up to `annee`
    (`derniere_valeur`, its year `annee_valeur`, its date for date indicators), the change from the
    year before that result (`variation`, `variation_pct`, `appreciation`), and the objective,
    comment and source of the same year (`objectif`, `commentaire`, `source`)."""
    keys = plan.indicateurs[_IND_KEYS].copy()
    keys["indicateur_id"] = keys["indicateur_id"].astype(str).str.upper()
    v = indicateur_valeurs(plan, ind)
    v = v[(v["annee"] <= annee) & v["renseigne"]]
    last = v.sort_values("annee").groupby("indicateur_id").last()
    out = keys.reset_index(drop=True)
    out["annee_valeur"] = _lookup(out["indicateur_id"], last["annee"], "Int64")
    out["derniere_valeur"] = _lookup(out["indicateur_id"], last["resultat"], "float64")
    out["date_valeur"] = _lookup(out["indicateur_id"], last["date_resultat"], "datetime64[ns]")
    evo = indicateur_evolution(plan, ind).set_index(["indicateur_id", "annee"])
    idx = list(zip(out["indicateur_id"], out["annee_valeur"].fillna(-1).astype(int), strict=True))
    for c in ("precedent", "variation", "variation_pct"):
        out[c] = [float(evo[c].get(k, float("nan"))) for k in idx]
    obj_all = _suivi_ind(ind).set_index(["indicateur_id", "annee"])["objectif"]
    obj_all = obj_all[~obj_all.index.duplicated(keep="last")]
    out["objectif"] = [float(obj_all.get(k, float("nan"))) for k in idx]
    out["appreciation"] = _verdicts(out["variation"], out["sens"])
    texts = v.set_index(["indicateur_id", "annee"])[["commentaire", "source"]]
    texts = texts[~texts.index.duplicated(keep="last")]
    for c in ("commentaire", "source"):  # those of the year of the value shown
        out[c] = [texts[c].get(k) if k in texts.index else None for k in idx]
    return out


@dataclass(frozen=True)
class Completude:
    """What is left to collect for a year: `detail` (one row per indicator and porteur: porteur,
    indicateur_id, action_id, indicateur, unite, statut `renseigné` / `à collecter`, rappel = the
    last earlier year with a result), `par_porteur` (porteur, indicateurs, renseignes, manquants,
    pct), and the totals over distinct indicators (an indicator of an action carried by two
    porteurs is listed under both, counted once in the totals)."""

    detail: pd.DataFrame
    par_porteur: pd.DataFrame
    total: int
    renseignes: int

    @property
    def manquants(self) -> int:
        return self.total - self.renseignes

    @property
    def pct(self) -> float:
        return self.renseignes / self.total * 100 if self.total else float("nan")


def completude(plan: Plan, ind: pd.DataFrame | None, annee: int) -> Completude:
    """Which indicators have no result yet for `annee`, grouped by porteur (plan.porteurs_of of the
    action's maîtrise d'ouvrage)."""
    keys = plan.indicateurs[_IND_KEYS].copy()
    keys["indicateur_id"] = keys["indicateur_id"].astype(str).str.upper()
    v = indicateur_valeurs(plan, ind)
    v = v[v["renseigne"]]
    done = set(v.loc[v["annee"] == annee, "indicateur_id"])
    earlier = v[v["annee"] < annee].groupby("indicateur_id")["annee"].max()
    keys["statut"] = [RENSEIGNE if i in done else A_COLLECTER for i in keys["indicateur_id"]]
    keys["rappel"] = _lookup(keys["indicateur_id"], earlier, "Int64")
    ap = action_porteurs(plan.actions)
    detail = ap.merge(keys, on="action_id", how="inner")
    detail = detail[["porteur", "indicateur_id", "action_id", "indicateur", "unite", "statut", "rappel"]]
    detail = detail.sort_values(["porteur", "action_id", "indicateur_id"], kind="stable").reset_index(drop=True)
    grp = detail.groupby("porteur")
    par = pd.DataFrame({"indicateurs": grp.size(),
                        "renseignes": grp["statut"].apply(lambda s: int((s == RENSEIGNE).sum()))})
    if par.empty:
        par = pd.DataFrame(columns=["indicateurs", "renseignes"], dtype="int64")
    par["manquants"] = par["indicateurs"] - par["renseignes"]
    par["pct"] = par["renseignes"] / par["indicateurs"] * 100
    par = par.reset_index().rename(columns={"index": "porteur"})
    par = par.sort_values(["manquants", "porteur"], ascending=[False, True]).reset_index(drop=True)
    return Completude(detail, par, int(len(keys)), int((keys["statut"] == RENSEIGNE).sum()))


def indicateur_texte(valeur, unite: str, date=None) -> str:
    """An indicator's value as users read it: `12 340`, `45 %`, `12 000 €`, `oui` / `non`, `31/12/2025`."""
    from dashboard import fmt  # noqa: PLC0415

    if unite == "date" and date is not None and not pd.isna(date):
        return fmt.jour(date)
    if valeur is None or pd.isna(valeur):
        return "—"
    if unite == "oui/non" or unite == "date":
        return "oui" if float(valeur) >= 1 else "non"
    if unite == "€":
        return fmt.euros(valeur)
    if unite == "%":
        return fmt.pct(valeur, 1)
    return fmt.nombre(valeur, 1)


def variation_texte(variation, variation_pct, unite: str) -> str:
    """`▲ +18 (+4,9 %)`: the change and its percentage; `▲ +3,5 pts` for a percentage indicator
    (a rate changes by points); the change alone from a zero; `—` when unknown."""
    from dashboard import fmt  # noqa: PLC0415

    if variation is None or pd.isna(variation):
        return "—"
    arrow = "▲" if variation > 1e-9 else "▼" if variation < -1e-9 else "="
    sign = "+" if variation > 1e-9 else "−" if variation < -1e-9 else ""
    if unite == "%":
        return f"{arrow} {sign}{fmt.nombre(abs(variation), 1)}\u00a0pt{'s' if abs(variation) >= 2 else ''}"
    change = f"{arrow} {sign}{indicateur_texte(abs(variation), unite)}"
    if variation_pct is None or pd.isna(variation_pct):
        return change
    return f"{change} ({sign}{fmt.pct(abs(variation_pct), 1)})"


def tendance_titre(evo_one: pd.DataFrame, indicateur: str, unite: str) -> str:
    """The message of an indicator's trend chart: its last result, and the change from the year before."""
    got = evo_one[evo_one["resultat"].notna()]
    if got.empty:
        return f"{indicateur} : aucune valeur collectée"
    last = got.iloc[-1]
    text = f"{indicateur} : {indicateur_texte(last['resultat'], unite)} en {int(last['annee'])}"
    if not pd.isna(last["variation"]):
        verdict = {FAVORABLE: " (favorable)", DEFAVORABLE: " (défavorable)"}.get(last["appreciation"], "")
        text += f", {variation_texte(last['variation'], last['variation_pct'], unite)} sur un an{verdict}"
    return text


# --- Calendrier et retards ------------------------------------------------------------------
# The plan's calendar (one row per jalon) gives each action a planned period; the follow-up's
# statuts (one row per action, its latest status) give the revised and actual ends.
# Months are days / (365.25 / 12), one decimal. An action is late at `as_of` when its planned
# end (or its revised end, when it has one) is past and its statut is not Réalisée / Abandonnée.
# The planned end of an action is the latest end of its dated jalons, unknown (NaT) when one of
# its jalons has no end: the plan does not say when the action finishes, so it is never late.

STATUTS = ("Non démarrée", "En cours", "Réalisée", "Reportée", "Abandonnée")
STATUTS_TERMINES = ("Réalisée", "Abandonnée")
SITUATIONS = ("réalisée", "dans les temps", "en retard", "non démarrée", "reportée", "abandonnée",
              "sans suivi")
RECURRENTES = ("annuelle", "estivale", "continue")
DAYS_PER_MONTH = 365.25 / 12
_YEAR_RE = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_DOUBT_RE = re.compile(r"\?")


def as_timestamp(as_of=None) -> pd.Timestamp:
    """The "situation au" date as a day (today when None; accepts date, str, Timestamp)."""
    return pd.Timestamp.today().normalize() if as_of is None else pd.Timestamp(as_of).normalize()


def months_between(start, end) -> float:
    """Months from `start` to `end` (negative when `end` is earlier), one decimal; NaN if either is missing."""
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return float("nan")
    return round((pd.Timestamp(end) - pd.Timestamp(start)).days / DAYS_PER_MONTH, 1)


def action_label(action_id, titre, width: int = 48) -> str:
    """"11 · Gérer l'aire de camping-car", cut with an ellipsis past `width` characters."""
    titre = " ".join(str(titre or "").split()) or "(sans titre)"
    if len(titre) > width:
        titre = titre[: width - 1].rstrip(" ,;:–-") + "…"
    return f"{int(action_id)} · {titre}"


def _porteur_text(maitrise_ouvrage) -> str:
    return ", ".join(porteurs_of(maitrise_ouvrage))


def _calendar(plan: Plan) -> pd.DataFrame:
    """The Calendrier sheet with dates as Timestamps (whatever the input dtype)."""
    cal = plan.calendrier.copy()
    for col in ("debut_prevu", "fin_prevue"):
        cal[col] = pd.to_datetime(cal[col], errors="coerce")
    for col in ("jalon", "recurrence", "precision", "extrait"):
        cal[col] = cal[col].fillna("").astype(str) if col in cal else ""
    return cal


def _jalons_by_action(cal: pd.DataFrame) -> dict:
    """{action_id: [jalon rows as namedtuples]} — plain Python, pandas filtering per action is slow."""
    by: dict = {}
    for r in cal.itertuples(index=False):
        by.setdefault(r.action_id, []).append(r)
    return by


def _same_day_in(ts: pd.Timestamp, year: int) -> pd.Timestamp:
    try:
        return ts.replace(year=year)
    except ValueError:  # 29 February
        return ts.replace(year=year, day=28)


def calendar_segments(plan: Plan) -> pd.DataFrame:
    """The bars of the Gantt, one per dated jalon: action_id, axe, titre, jalon, debut, fin, recurrence,
    precision, extrait, forme (ponctuel / récurrent / saison / fin non précisée / début non précisé).

    A recurring jalon is one `récurrent` band over its span; an `estivale` one adds a `saison` bar per
    year. A jalon with only a start runs to the end of the plan's period (only an end: from its start).
    Jalons without dates, or ending before they start, have no bar (see undated_items, calendar_anomalies).
    """
    cols = ["action_id", "axe", "titre", "jalon", "debut", "fin", "recurrence", "precision", "extrait", "forme"]
    first, last = plan.periode
    period_start, period_end = pd.Timestamp(first, 1, 1), pd.Timestamp(last, 12, 31)
    cal = _calendar(plan).merge(plan.actions[["action_id", "axe", "titre"]], on="action_id", how="inner")
    rows = []
    for r in cal.itertuples():
        d, f = r.debut_prevu, r.fin_prevue
        base = {"action_id": r.action_id, "axe": r.axe, "titre": r.titre, "jalon": r.jalon,
                "recurrence": r.recurrence, "precision": r.precision, "extrait": r.extrait}
        if pd.isna(d) and pd.isna(f):
            continue
        if pd.isna(f):
            rows.append({**base, "debut": d, "fin": max(period_end, pd.Timestamp(d.year, 12, 31)),
                         "forme": "fin non précisée"})
            continue
        if pd.isna(d):
            rows.append({**base, "debut": min(period_start, pd.Timestamp(f.year, 1, 1)), "fin": f,
                         "forme": "début non précisé"})
            continue
        if f < d:
            continue
        if r.recurrence in RECURRENTES:
            rows.append({**base, "debut": d, "fin": f, "forme": "récurrent"})
            if r.recurrence == "estivale" and (f.month, f.day) >= (d.month, d.day):
                rows += [{**base, "debut": _same_day_in(d, y), "fin": _same_day_in(f, y), "forme": "saison"}
                         for y in range(d.year, f.year + 1)]
        else:
            rows.append({**base, "debut": d, "fin": f, "forme": "ponctuel"})
    out = pd.DataFrame(rows, columns=cols)
    out["debut"] = pd.to_datetime(out["debut"])
    out["fin"] = pd.to_datetime(out["fin"])
    return out


def planned_periods(plan: Plan) -> pd.DataFrame:
    """One row per action: action_id, axe, titre, label, porteur, debut_prevu, fin_prevue, recurrence,
    jalons, jalons_dates, datee (it has a bar), calendrier (the plan's words).

    debut_prevu: earliest start of its jalons; fin_prevue: latest end, NaT when a jalon has no end.
    recurrence: the first recurring kind among its jalons, else "aucune".
    """
    jalons = _jalons_by_action(_calendar(plan))
    with_bars = set(calendar_segments(plan)["action_id"])
    rows = []
    for a in plan.actions.sort_values(["axe", "action_id"]).itertuples():
        mine = jalons.get(a.action_id, [])
        starts = [r.debut_prevu for r in mine if pd.notna(r.debut_prevu)]
        ends = [r.fin_prevue for r in mine if pd.notna(r.fin_prevue)]
        kinds = [r.recurrence for r in mine if r.recurrence in RECURRENTES]
        rows.append({
            "action_id": a.action_id, "axe": a.axe, "titre": a.titre,
            "label": action_label(a.action_id, a.titre), "porteur": _porteur_text(a.maitrise_ouvrage),
            "debut_prevu": min(starts) if starts else pd.NaT,
            "fin_prevue": max(ends) if mine and len(ends) == len(mine) else pd.NaT,
            "recurrence": kinds[0] if kinds else "aucune",
            "jalons": len(mine),
            "jalons_dates": sum(1 for r in mine if pd.notna(r.debut_prevu) or pd.notna(r.fin_prevue)),
            "datee": a.action_id in with_bars,
            "calendrier": a.calendrier,
        })
    out = pd.DataFrame(rows, columns=["action_id", "axe", "titre", "label", "porteur", "debut_prevu", "fin_prevue",
                                      "recurrence", "jalons", "jalons_dates", "datee", "calendrier"])
    for col in ("debut_prevu", "fin_prevue"):
        out[col] = pd.to_datetime(out[col])
    return out


def undated_items(plan: Plan) -> pd.DataFrame:
    """What the plan leaves undated, with its words: jalons without dates, actions without any jalon.

    action_id, axe, titre, jalon, motif, extrait, action_datee (the action has other dated jalons).
    """
    cal = _calendar(plan)
    dated_ids = set(calendar_segments(plan)["action_id"])
    titles = plan.actions.set_index("action_id")
    rows = []
    for r in cal[cal["debut_prevu"].isna() & cal["fin_prevue"].isna()].itertuples():
        if r.action_id not in titles.index:
            continue
        motif = "à définir" if re.search(r"d[ée]finir", r.extrait, re.IGNORECASE) else "sans date"
        rows.append({"action_id": r.action_id, "jalon": r.jalon, "motif": motif, "extrait": r.extrait})
    for a in plan.actions[~plan.actions["action_id"].isin(cal["action_id"])].itertuples():
        rows.append({"action_id": a.action_id, "jalon": "",
                     "motif": "calendrier vide dans le plan" if not str(a.calendrier).strip()
                     else "aucun jalon dans la feuille Calendrier",
                     "extrait": a.calendrier})
    out = pd.DataFrame(rows, columns=["action_id", "jalon", "motif", "extrait"])
    out = out.merge(plan.actions[["action_id", "axe", "titre"]], on="action_id", how="left")
    out["action_datee"] = out["action_id"].isin(dated_ids)
    out = out[["action_id", "axe", "titre", "jalon", "motif", "extrait", "action_datee"]]
    return out.sort_values(["axe", "action_id"], kind="stable").reset_index(drop=True)


def calendar_anomalies(plan: Plan) -> pd.DataFrame:
    """What in the plan's calendar cannot be read as dates in the period, with the verbatim text:
    years outside plan.periode (in the plan's words or the jalons' dates), doubts ("?"), jalons
    "à définir", an empty calendar, a jalon ending before it starts, a jalon without an end.

    action_id, axe, titre, type, detail, extrait.
    """
    first, last = plan.periode
    jalons = _jalons_by_action(_calendar(plan))
    rows = []

    def add(action_id, kind, detail, extrait):
        rows.append({"action_id": action_id, "type": kind, "detail": detail, "extrait": extrait})

    for a in plan.actions.itertuples():
        text = str(a.calendrier or "")
        mine = jalons.get(a.action_id, [])
        years = {int(y) for y in _YEAR_RE.findall(text)}
        for r in mine:
            years |= {int(y) for y in _YEAR_RE.findall(r.extrait)}
            years |= {int(d.year) for d in (r.debut_prevu, r.fin_prevue) if pd.notna(d)}
        outside = sorted(y for y in years if not first <= y <= last)
        if outside:
            add(a.action_id, "hors période",
                f"année(s) {', '.join(map(str, outside))} hors de la période {first}-{last} du plan", text)
        doubts = [r.extrait for r in mine if _DOUBT_RE.search(r.extrait)]
        if doubts:
            for e in doubts:
                add(a.action_id, "date incertaine", "le plan met un point d'interrogation", e)
        elif _DOUBT_RE.search(text):
            add(a.action_id, "date incertaine", "le plan met un point d'interrogation", text)
        if not mine:
            add(a.action_id, "calendrier vide",
                "le plan ne donne aucun calendrier" if not text.strip() else "aucun jalon dans la feuille Calendrier",
                text)
        for r in mine:
            if r.precision == "à définir" or (pd.isna(r.debut_prevu) and pd.isna(r.fin_prevue)):
                if any(not first <= int(y) <= last for y in _YEAR_RE.findall(r.extrait)):
                    continue  # already listed as "hors période", with the same words
                kind = "à définir" if re.search(r"d[ée]finir", r.extrait, re.IGNORECASE) else "sans date"
                add(a.action_id, kind, f"jalon « {r.jalon} » sans date" if r.jalon else "sans date", r.extrait)
            elif pd.notna(r.debut_prevu) and pd.notna(r.fin_prevue) and r.fin_prevue < r.debut_prevu:
                add(a.action_id, "fin avant le début",
                    f"jalon « {r.jalon} » : fin prévue avant le début prévu", r.extrait)
            elif pd.isna(r.fin_prevue):
                add(a.action_id, "fin non précisée", f"jalon « {r.jalon} » : début sans date de fin", r.extrait)
    out = pd.DataFrame(rows, columns=["action_id", "type", "detail", "extrait"])
    out = out.merge(plan.actions[["action_id", "axe", "titre"]], on="action_id", how="left")
    out = out[["action_id", "axe", "titre", "type", "detail", "extrait"]]
    return out.sort_values(["axe", "action_id"], kind="stable").reset_index(drop=True)


def _statuts_frame(statuts) -> pd.DataFrame:
    """The follow-up statuts (a DataFrame or a Suivi), one row per action (its latest year), typed."""
    cols = ["action_id", "annee", "statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"]
    s = getattr(statuts, "statuts", statuts)
    if s is None or len(s) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols}).astype(
            {"action_id": "Int64", "annee": "Int64", "debut_reel": "datetime64[ns]",
             "fin_reelle": "datetime64[ns]", "fin_revisee": "datetime64[ns]"})
    s = s.reindex(columns=cols).copy()
    s["action_id"] = pd.to_numeric(s["action_id"], errors="coerce").astype("Int64")
    s["annee"] = pd.to_numeric(s["annee"], errors="coerce").astype("Int64")
    for col in ("debut_reel", "fin_reelle", "fin_revisee"):
        s[col] = pd.to_datetime(s[col], errors="coerce", dayfirst=True)
    canon = {x.casefold(): x for x in STATUTS}
    s["statut"] = s["statut"].map(lambda x: canon.get(str(x).strip().casefold(), "") if pd.notna(x) else "")
    s["commentaire"] = s["commentaire"].map(lambda x: "" if pd.isna(x) else str(x).strip())
    s = s.dropna(subset=["action_id"]).sort_values("annee", kind="stable", na_position="first")
    return s.drop_duplicates("action_id", keep="last").reset_index(drop=True)


def _situation(statut: str, late: bool) -> str:
    if statut == "Réalisée":
        return "réalisée"
    if statut == "Abandonnée":
        return "abandonnée"
    if not statut:
        return "sans suivi"
    if late:
        return "en retard"
    return {"Non démarrée": "non démarrée", "Reportée": "reportée"}.get(statut, "dans les temps")


def schedule(plan: Plan, statuts=None, as_of=None) -> pd.DataFrame:
    """Planned vs revised vs actual, one row per action, at `as_of` (default today).

    Adds to planned_periods: statut, annee_suivi, debut_reel, fin_reelle, fin_revisee, commentaire;
    glissement_mois (actual end, else revised end, minus planned end: negative = ahead);
    en_retard (planned or revised end < as_of, statut neither Réalisée nor Abandonnée);
    retard_mois (late actions: months from the planned end, else the revised end, to as_of);
    fin_revisee_depassee (a late action whose revised end is past too); situation (one of SITUATIONS).
    """
    at = as_timestamp(as_of)
    s = _statuts_frame(statuts).rename(columns={"annee": "annee_suivi"})
    out = planned_periods(plan).merge(s, on="action_id", how="left")
    out["statut"] = out["statut"].fillna("")
    out["commentaire"] = out["commentaire"].fillna("")
    for col in ("debut_reel", "fin_reelle", "fin_revisee"):
        out[col] = pd.to_datetime(out[col])
    expected = out["fin_reelle"].fillna(out["fin_revisee"])
    out["glissement_mois"] = [months_between(p, e) for p, e in zip(out["fin_prevue"], expected, strict=True)]
    done = out["statut"].isin(STATUTS_TERMINES)
    past_planned = out["fin_prevue"].notna() & (out["fin_prevue"] < at)
    past_revised = out["fin_revisee"].notna() & (out["fin_revisee"] < at)
    out["en_retard"] = (out["statut"] != "") & ~done & (past_planned | past_revised)
    reference = out["fin_prevue"].fillna(out["fin_revisee"])
    out["retard_mois"] = [months_between(r, at) if late else float("nan")
                          for r, late in zip(reference, out["en_retard"], strict=True)]
    out["fin_revisee_depassee"] = out["en_retard"] & past_revised
    out["situation"] = [_situation(st, late) for st, late in zip(out["statut"], out["en_retard"], strict=True)]
    return out


def status_counts_by_axe(plan: Plan, statuts=None, as_of=None) -> pd.DataFrame:
    """Per axe: how many actions are in each situation (columns SITUATIONS, in that order) and `actions`."""
    sch = schedule(plan, statuts, as_of)
    counts = pd.crosstab(sch["axe"], sch["situation"]).reindex(columns=list(SITUATIONS), fill_value=0)
    keys = plan.axes[plan.axes["axe"].isin(plan.actions["axe"])][["axe", "libelle"]].sort_values("axe")
    out = keys.merge(counts.reset_index(), on="axe", how="left")
    for col in SITUATIONS:
        out[col] = out[col].fillna(0).astype(int)
    out["actions"] = out[list(SITUATIONS)].sum(axis=1)
    return out.reset_index(drop=True)


def late_actions(plan: Plan, statuts=None, as_of=None) -> pd.DataFrame:
    """The late actions at `as_of`, the most overdue first: action_id, axe, titre, porteur, statut,
    fin_prevue, fin_revisee, fin_revisee_depassee, retard_mois, glissement_mois, commentaire."""
    sch = schedule(plan, statuts, as_of)
    late = sch[sch["en_retard"]].sort_values(["retard_mois", "action_id"], ascending=[False, True])
    return late[["action_id", "axe", "titre", "porteur", "statut", "fin_prevue", "fin_revisee",
                 "fin_revisee_depassee", "retard_mois", "glissement_mois", "commentaire"]].reset_index(drop=True)


def calendar_summary(plan: Plan, statuts=None, as_of=None) -> dict:
    """The calendar keys of `summary`: per-axe situation counts and the late list (JSON-ready)."""
    counts = status_counts_by_axe(plan, statuts, as_of)
    late = late_actions(plan, statuts, as_of)
    return {
        "statuts_par_axe": {int(r["axe"]): {c: int(r[c]) for c in SITUATIONS} for _, r in counts.iterrows()},
        "en_retard": [
            {"action_id": int(r.action_id), "titre": r.titre, "porteur": r.porteur, "statut": r.statut,
             "mois_de_retard": _num(r.retard_mois),
             "fin_prevue": None if pd.isna(r.fin_prevue) else r.fin_prevue.date().isoformat(),
             "fin_revisee": None if pd.isna(r.fin_revisee) else r.fin_revisee.date().isoformat()}
            for r in late.itertuples()],
    }
