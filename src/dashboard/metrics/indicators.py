"""Result indicators: values per year, year-on-year changes and their verdict, milestones, what is
left to collect per porteur. Numbers only: the texts a value or a change reads as are in
`present.textes`."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard.metrics.filters import action_porteurs
from dashboard.plan import Plan

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
            "commentaire", "source", "renseigne_par", "renseigne_le"]
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
    comment and source of the same year (`objectif`, `commentaire`, `source`), and who provided the
    result and when it was imported (`renseigne_par`, `renseigne_le`)."""
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
    evo = evo[~evo.index.duplicated(keep="last")]
    # (indicator, year of its value) of each row; looked up all at once (reindex), not key by key
    idx = pd.MultiIndex.from_arrays([out["indicateur_id"].astype(object),
                                     out["annee_valeur"].fillna(-1).astype(int).to_numpy()],
                                    names=["indicateur_id", "annee"])
    for c in ("precedent", "variation", "variation_pct"):
        out[c] = _floats_at(evo[c], idx)
    obj_all = _suivi_ind(ind).set_index(["indicateur_id", "annee"])["objectif"]
    obj_all = obj_all[~obj_all.index.duplicated(keep="last")]
    out["objectif"] = _floats_at(obj_all, idx)
    out["appreciation"] = _verdicts(out["variation"], out["sens"])
    texts = v.set_index(["indicateur_id", "annee"])[["commentaire", "source", "renseigne_par", "renseigne_le"]]
    texts = texts[~texts.index.duplicated(keep="last")]
    present = idx.isin(texts.index)
    for c in ("commentaire", "source", "renseigne_par", "renseigne_le"):  # those of the year of the value shown
        values = texts[c].astype(object).reindex(idx)
        out[c] = [x if p else None for x, p in zip(values, present, strict=True)]
    return out


def _floats_at(values: pd.Series, idx: pd.MultiIndex) -> list[float]:
    """values at each key of idx, as floats (NaN where the key is absent or the value missing)."""
    if values.empty or not len(idx):
        return [float("nan")] * len(idx)
    found = values.astype(object).reindex(idx)
    return [float("nan") if x is None or pd.isna(x) else float(x) for x in found]


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
