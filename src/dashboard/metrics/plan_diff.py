"""What changed between two versions of the plan, and the voted plan beside the current one.

Pure functions of two Plans (the earlier one first). Rows are matched on what identifies them in the
workbook: an action by its number, an indicator by its identifier, a budget line by its action and
poste, an ETP line by its action and service, a calendar row by its action and jalon (the n-th of
the same name with the n-th), a hypothesis by its action and parameter, a capacity by service and
year. The totals per axe come from `budget_by` / `etp_by`, the same sums every page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.metrics.budget import apply_hypotheses, budget_by, budget_totals
from dashboard.metrics.calendar import months_between
from dashboard.metrics.etp import etp_by
from dashboard.plan import Plan

AJOUT, RETRAIT, MODIF = "ajoutée", "retirée", "modifiée"

BUDGET_FIELDS = ["montant_min", "montant_max", "periodicite", "unite", "quantite", "annee_debut", "annee_fin",
                 "porteur"]
ETP_FIELDS = ["etp", "annee_debut", "annee_fin"]
CALENDAR_FIELDS = ["debut_prevu", "fin_prevue", "recurrence", "precision"]
TOTAL_COLUMNS = ["unique_min", "unique_max", "annuel_min", "annuel_max", "periode_min", "periode_max", "etp"]


def _same(a, b) -> bool:
    """Equal values, two blanks counting as equal (1 and 1.0 too; dates by their day)."""
    a_na = a is None or (not isinstance(a, str) and pd.isna(a))
    b_na = b is None or (not isinstance(b, str) and pd.isna(b))
    if a_na or b_na:
        return a_na and b_na
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)), abs(float(b)))
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)
    return str(a).strip() == str(b).strip()


def _numbered(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """`df` with `rang`: 1 for the first row of its keys, 2 for the second… (repeated postes, jalons)."""
    out = df.reset_index(drop=True).copy()
    out["rang"] = out.groupby(keys, dropna=False).cumcount() + 1 if len(out) else pd.Series(dtype="int64")
    return out


def keyed_changes(old: pd.DataFrame, new: pd.DataFrame, keys: list[str], fields: list[str]) -> pd.DataFrame:
    """Rows added, removed or modified between two frames: keys, `changement`, and `<field>_avant`,
    `<field>_apres` for each field (blank on the side where the row does not exist)."""
    fields = [f for f in fields if f in old.columns or f in new.columns]
    o = _numbered(old.reindex(columns=keys + fields), keys)
    n = _numbered(new.reindex(columns=keys + fields), keys)
    k = [*keys, "rang"]
    for df in (o, n):
        for col in keys:
            df[col] = df[col].astype(object)
    m = o.merge(n, on=k, how="outer", suffixes=("_avant", "_apres"), indicator=True)
    rows = []
    for r in m.to_dict("records"):
        if r["_merge"] == "right_only":
            change = AJOUT
        elif r["_merge"] == "left_only":
            change = RETRAIT
        elif all(_same(r[f"{f}_avant"], r[f"{f}_apres"]) for f in fields):
            continue
        else:
            change = MODIF
        rows.append({**{c: r[c] for c in k}, "changement": change,
                     **{f"{f}_{side}": r[f"{f}_{side}"] for f in fields for side in ("avant", "apres")}})
    cols = [*k, "changement", *[f"{f}_{side}" for f in fields for side in ("avant", "apres")]]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(k, kind="stable", key=lambda s: s.astype(str) if s.dtype == object else s
                           ).reset_index(drop=True)


@dataclass(frozen=True)
class PlanDiff:
    """Every change from the earlier plan (`avant`) to the later one (`apres`).

    actions: action_id, changement (ajoutée / retirée / renommée), axe, titre_avant, titre_apres.
    budget, etp, calendrier, indicateurs, hypotheses, capacite: `keyed_changes` frames;
      calendrier also has `mois` (how far the end moved, negative = earlier; NaN when a side has none).
    totaux: per axe whose figures moved, `<col>_avant` / `<col>_apres` for TOTAL_COLUMNS (budget
      ranges with the hypotheses of each version applied, ETP), from budget_by / etp_by.
    total_avant, total_apres: budget_totals of each version.
    """

    actions: pd.DataFrame
    budget: pd.DataFrame
    etp: pd.DataFrame
    calendrier: pd.DataFrame
    indicateurs: pd.DataFrame
    hypotheses: pd.DataFrame
    capacite: pd.DataFrame
    totaux: pd.DataFrame
    total_avant: dict
    total_apres: dict

    def sections(self) -> dict[str, pd.DataFrame]:
        """The change frames by name (totals excluded: they are the effect of the budget and ETP lines)."""
        return {"actions": self.actions, "budget": self.budget, "etp": self.etp, "calendrier": self.calendrier,
                "indicateurs": self.indicateurs, "hypotheses": self.hypotheses, "capacite": self.capacite}

    @property
    def n_changes(self) -> int:
        """How many rows changed, over every section."""
        return sum(len(df) for df in self.sections().values())

    @property
    def empty(self) -> bool:
        return self.n_changes == 0


def _actions(old: Plan, new: Plan) -> pd.DataFrame:
    o = old.actions.set_index("action_id")
    n = new.actions.set_index("action_id")
    rows = []
    for aid in sorted(set(o.index) | set(n.index)):
        if aid not in o.index:
            rows.append((aid, AJOUT, n.at[aid, "axe"], None, n.at[aid, "titre"]))
        elif aid not in n.index:
            rows.append((aid, RETRAIT, o.at[aid, "axe"], o.at[aid, "titre"], None))
        elif not _same(o.at[aid, "titre"], n.at[aid, "titre"]):
            rows.append((aid, "renommée", n.at[aid, "axe"], o.at[aid, "titre"], n.at[aid, "titre"]))
    return pd.DataFrame(rows, columns=["action_id", "changement", "axe", "titre_avant", "titre_apres"])


def _calendar_frame(plan: Plan) -> pd.DataFrame:
    cal = plan.calendrier.copy()
    for col in ("debut_prevu", "fin_prevue"):
        cal[col] = pd.to_datetime(cal[col], errors="coerce")
    return cal


def axe_totals(plan: Plan) -> pd.DataFrame:
    """Per axe: libelle and TOTAL_COLUMNS (the budget with the workbook's hypotheses applied, and ETP)."""
    p = apply_hypotheses(plan)
    by = budget_by(p, "axe")
    by["etp"] = by["axe"].map(etp_by(p, "axe").set_index("axe")["etp"]).fillna(0.0)
    return by[["axe", "libelle", *TOTAL_COLUMNS]]


def compare_axes(reference: Plan, plan: Plan) -> pd.DataFrame:
    """Per axe of either plan: `<col>_avant` (reference) and `<col>_apres` (plan) for TOTAL_COLUMNS, an
    axe missing from one side counting zero there; `change`: True where a figure differs."""
    a, b = axe_totals(reference), axe_totals(plan)
    m = a.merge(b, on="axe", how="outer", suffixes=("_avant", "_apres"))
    m["libelle"] = m["libelle_apres"].fillna(m["libelle_avant"])
    for c in TOTAL_COLUMNS:
        m[[f"{c}_avant", f"{c}_apres"]] = m[[f"{c}_avant", f"{c}_apres"]].fillna(0.0)
    m["change"] = [any(not _same(r[f"{c}_avant"], r[f"{c}_apres"]) for c in TOTAL_COLUMNS)
                   for r in m.to_dict("records")]
    cols = ["axe", "libelle", *[f"{c}_{s}" for c in TOTAL_COLUMNS for s in ("avant", "apres")], "change"]
    return m[cols].sort_values("axe").reset_index(drop=True)


def plan_diff(old: Plan, new: Plan) -> PlanDiff:
    """What changed from `old` to `new` (see PlanDiff)."""
    cal = keyed_changes(_calendar_frame(old), _calendar_frame(new), ["action_id", "jalon"], CALENDAR_FIELDS)
    cal["mois"] = [months_between(a, b) for a, b in zip(cal["fin_prevue_avant"], cal["fin_prevue_apres"], strict=True)]
    ind_fields = ["action_id", "indicateur", "type", "unite", "sens"]
    totals = compare_axes(old, new)
    return PlanDiff(
        actions=_actions(old, new),
        budget=keyed_changes(old.budget, new.budget, ["action_id", "poste"], BUDGET_FIELDS),
        etp=keyed_changes(old.etp, new.etp, ["action_id", "service"], ETP_FIELDS),
        calendrier=cal,
        indicateurs=keyed_changes(old.indicateurs, new.indicateurs, ["indicateur_id"], ind_fields),
        hypotheses=keyed_changes(old.hypotheses, new.hypotheses, ["action_id", "parametre"], ["valeur"]),
        capacite=keyed_changes(old.capacite, new.capacite, ["service", "annee"], ["etp_disponibles"]),
        totaux=totals[totals["change"]].drop(columns="change").reset_index(drop=True),
        total_avant=budget_totals(apply_hypotheses(old)),
        total_apres=budget_totals(apply_hypotheses(new)),
    )


def compare_ends(reference: Plan, plan: Plan, statuts: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per action of the current plan: its planned end in the reference (`fin_reference`, the latest
    end of its calendar rows), in the current plan (`fin_prevue`), the real end from the follow-up
    (`fin_reelle`) and how far the plan moved it (`mois`); `change`: True where the planned end moved."""
    def ends(p: Plan) -> pd.Series:
        cal = _calendar_frame(p)
        return cal.groupby("action_id")["fin_prevue"].max()

    ref, cur = ends(reference), ends(plan)
    a = plan.actions[["action_id", "axe", "titre"]].copy()
    a["fin_reference"] = a["action_id"].map(ref)
    a["fin_prevue"] = a["action_id"].map(cur)
    a["dans_reference"] = a["action_id"].isin(reference.actions["action_id"])
    real = {}
    if statuts is not None and len(statuts) and "fin_reelle" in statuts:
        last = statuts.drop_duplicates("action_id", keep="last")
        real = {int(k): v for k, v in zip(last["action_id"], last["fin_reelle"], strict=True)}
    a["fin_reelle"] = pd.to_datetime([real.get(int(k)) for k in a["action_id"]], errors="coerce")
    a["mois"] = [months_between(r, c) for r, c in zip(a["fin_reference"], a["fin_prevue"], strict=True)]
    a["change"] = [not _same(r, c) for r, c in zip(a["fin_reference"], a["fin_prevue"], strict=True)]
    a.loc[~a["dans_reference"], "change"] = True
    return a.reset_index(drop=True)


def retired_values(plan: Plan, ind: pd.DataFrame | None, known: pd.DataFrame | None = None) -> pd.DataFrame:
    """Follow-up values of indicators the plan no longer has (removed by a revision): never dropped.

    `known`: indicators of every stored version (indicateur_id, action_id, indicateur, unite), for
    their wording; columns indicateur_id, action_id, indicateur, unite, annee, resultat, objectif,
    date_resultat, commentaire (blank wording when no version knows the identifier)."""
    cols = ["indicateur_id", "action_id", "indicateur", "unite", "annee", "resultat", "objectif", "date_resultat",
            "commentaire"]
    if ind is None or ind.empty:
        return pd.DataFrame(columns=cols)
    in_plan = set(plan.indicateurs["indicateur_id"].astype(str).str.upper())
    out = ind[~ind["indicateur_id"].astype(str).str.upper().isin(in_plan)].copy()
    if known is not None and len(known):
        k = known.assign(_id=known["indicateur_id"].astype(str).str.upper()).drop_duplicates("_id", keep="last")
        k = k.set_index("_id")
        ids = out["indicateur_id"].astype(str).str.upper()
        for c in ("action_id", "indicateur", "unite"):
            out[c] = ids.map(k[c])
    out = out.reindex(columns=cols)
    return out.sort_values(["indicateur_id", "annee"], kind="stable").reset_index(drop=True)
