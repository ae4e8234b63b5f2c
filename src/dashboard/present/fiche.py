"""One fiche action in detail: everything the plan and the follow-up say about one action, ready to
render (`ActionDetail`) by the Fiches actions page and, in projector format, by the comité's deck.
Pure functions of the Plan and the follow-up values; the list, the search and the facets of the
fiches are `fiches`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from dashboard import fmt
from dashboard.plan import Plan
from dashboard.present.fiches import FIELDS, budget_text

# --- Détail d'une action ---------------------------------------------------------------------

@dataclass(frozen=True)
class ActionDetail:
    """Everything the plan and the follow-up say about one action, ready to render."""

    action_id: int
    titre: str
    axe: int
    axe_libelle: str
    enjeu: str
    enjeu_libelle: str
    categorie_budget: str
    fields: list[tuple[str, str]]  # (French label, verbatim text, "" when the plan is blank)
    budget_text: str
    etp_total: float
    budget: pd.DataFrame = field(repr=False)
    etp: pd.DataFrame = field(repr=False)
    calendrier: pd.DataFrame = field(repr=False)
    indicateurs: pd.DataFrame = field(repr=False)
    statut: dict | None = None
    situation: str = ""          # metrics.SITUATIONS at `as_of` ("en retard", "dans les temps"…), "" without follow-up
    retard_mois: float = float("nan")


def _years(start, end, periode: tuple[int, int], periodicite: str = "annuel") -> str:
    """A line's years in French: "2023 – 2028" (a blank end = the plan's), "2024", or unknown."""
    if periodicite == "unique":
        return str(int(start)) if pd.notna(start) else "année non précisée"
    lo = int(start) if pd.notna(start) else periode[0]
    hi = int(end) if pd.notna(end) else periode[1]
    return str(lo) if lo == hi else f"{lo} {fmt.DASH} {hi}"


def _date(d, precision: str) -> str:
    if pd.isna(d):
        return "—"
    if precision == "jour":
        return fmt.jour(d)
    if precision == "année":
        return str(pd.Timestamp(d).year)
    return fmt.mois_annee(d)


def format_value(x, unite: str) -> str:
    """An indicator's value in its unit, French-formatted."""
    if x is None or (not isinstance(x, str) and pd.isna(x)):
        return "—"
    if isinstance(x, str):
        return x
    if unite == "€":
        return fmt.euros(x)
    if unite == "%":
        return fmt.pct(x, 1)
    if unite == "oui/non":
        return "oui" if float(x) else "non"
    if unite == "date":
        return fmt.jour(x) if not isinstance(x, int | float) else fmt.nombre(x)
    return fmt.nombre(x, 2)


def indicator_values(indicateurs: pd.DataFrame, valeurs: pd.DataFrame | None) -> pd.DataFrame:
    """The action's indicators with one column per year imported ("Résultat 2024", "Objectif 2024")."""
    out = pd.DataFrame({
        "Identifiant": indicateurs["indicateur_id"].to_numpy(),
        "Indicateur": indicateurs["indicateur"].to_numpy(),
        "Type": indicateurs["type"].to_numpy(),
        "Unité": indicateurs["unite"].to_numpy(),
        "Sens": indicateurs["sens"].to_numpy(),
        "Extrait du plan": indicateurs["extrait"].to_numpy(),
    })
    if valeurs is None or valeurs.empty or out.empty:
        return out
    v = valeurs[valeurs["indicateur_id"].isin(out["Identifiant"])]
    units = dict(zip(out["Identifiant"], out["Unité"], strict=True))
    for year in sorted(int(y) for y in v["annee"].dropna().unique()):
        vy = v[v["annee"] == year].set_index("indicateur_id")
        for key, label in (("resultat", "Résultat"), ("objectif", "Objectif")):
            col = vy[key] if key in vy.columns else pd.Series(dtype=float)
            if col.notna().any():
                out[f"{label} {year}"] = [format_value(col.get(i), units[i]) for i in out["Identifiant"]]
    return out


def action_detail(plan: Plan, action_id: int, suivi=None, as_of=None) -> ActionDetail | None:
    """The detail of one action, or None when the plan has no such action; its situation at `as_of`
    (default today) comes from metrics.schedule, the calendar page's own computation."""
    a = plan.actions[plan.actions["action_id"] == action_id]
    if a.empty:
        return None
    r = a.iloc[0]
    axe = int(r["axe"])
    axe_lib = plan.axes.loc[plan.axes["axe"] == axe, "libelle"]
    enj_lib = plan.enjeux.loc[plan.enjeux["enjeu"] == r["enjeu"], "libelle"] if r["enjeu"] else pd.Series([], dtype=str)
    per = plan.periode

    b = plan.budget[plan.budget["action_id"] == action_id]
    budget = pd.DataFrame({
        "Poste": b["poste"].to_numpy(),
        "Montant": [fmt.fourchette(lo, hi) for lo, hi in zip(b["montant_min"], b["montant_max"], strict=True)],
        "Périodicité": [f"par {u or 'unité'}" if p == "par unité" else ("par an" if p == "annuel" else "ponctuel")
                        for p, u in zip(b["periodicite"], b["unite"].fillna(""), strict=True)],
        "Quantité": [fmt.nombre(q, 2) if pd.notna(q) else ("inconnue" if p == "par unité" else "—")
                     for q, p in zip(b["quantite"], b["periodicite"], strict=True)],
        "Années": [_years(s, e, per, p) for s, e, p in zip(b["annee_debut"], b["annee_fin"], b["periodicite"], strict=True)],
        "Porteur": b["porteur"].to_numpy(),
        "Extrait du plan": b["extrait"].to_numpy(),
        "Note": b["note"].to_numpy(),
    })
    e = plan.etp[plan.etp["action_id"] == action_id]
    etp = pd.DataFrame({
        "Service": e["service"].to_numpy(),
        "ETP": [fmt.etp(x) for x in e["etp"]],
        "Années": [_years(s, f, per) for s, f in zip(e["annee_debut"], e["annee_fin"], strict=True)],
        "Extrait du plan": e["extrait"].to_numpy(),
        "Note": e["note"].to_numpy(),
    })
    c = plan.calendrier[plan.calendrier["action_id"] == action_id]
    calendrier = pd.DataFrame({
        "Jalon": c["jalon"].to_numpy(),
        "Début prévu": [_date(d, p) for d, p in zip(c["debut_prevu"], c["precision"], strict=True)],
        "Fin prévue": [_date(d, p) for d, p in zip(c["fin_prevue"], c["precision"], strict=True)],
        "Récurrence": c["recurrence"].to_numpy(),
        "Précision": c["precision"].to_numpy(),
        "Extrait du plan": c["extrait"].to_numpy(),
    })
    valeurs = getattr(suivi, "indicateurs", None)
    indicateurs = indicator_values(plan.indicateurs[plan.indicateurs["action_id"] == action_id], valeurs)

    statut = None
    statuts = getattr(suivi, "statuts", None)
    if statuts is not None and not statuts.empty:
        s = statuts[pd.to_numeric(statuts["action_id"], errors="coerce") == action_id]
        if not s.empty:
            s = s.sort_values("annee").iloc[-1]
            statut = {
                "Statut": s["statut"],
                "Année du suivi": str(int(s["annee"])) if pd.notna(s["annee"]) else "—",
                "Début réel": fmt.jour(s["debut_reel"]),
                "Fin réelle": fmt.jour(s["fin_reelle"]),
                "Fin révisée": fmt.jour(s["fin_revisee"]),
                "Commentaire": s["commentaire"] if isinstance(s["commentaire"], str) else "",
            }

    situation, retard = "", float("nan")
    if statut is not None:
        from dashboard import metrics  # noqa: PLC0415  (metrics imports nothing from here)

        sch = metrics.schedule(plan.with_frames(actions=a, calendrier=plan.calendrier[plan.calendrier["action_id"] == action_id]),
                               statuts, as_of)
        if len(sch):
            situation, retard = str(sch["situation"].iloc[0]), float(sch["retard_mois"].iloc[0])

    return ActionDetail(
        action_id=int(action_id),
        titre=r["titre"],
        axe=axe,
        axe_libelle=axe_lib.iloc[0] if len(axe_lib) else "",
        enjeu=r["enjeu"] or "",
        enjeu_libelle=enj_lib.iloc[0] if len(enj_lib) else "",
        categorie_budget=r["categorie_budget"],
        fields=[(label, r[key] if isinstance(r[key], str) else "") for key, label in FIELDS],
        budget_text=budget_text(b, r["categorie_budget"]),
        etp_total=float(e["etp"].sum()) if not e.empty else 0.0,
        budget=budget,
        etp=etp,
        calendrier=calendrier,
        indicateurs=indicateurs,
        statut=statut,
        situation=situation,
        retard_mois=retard,
    )


def action_label(action_id: int, titre: str) -> str:
    """"11 – Gérer de l'aire de camping-cars…" for selectors."""
    return f"{int(action_id)} {fmt.DASH} {titre}" if titre else f"{int(action_id)}"


def md_escape(text) -> str:
    """The plan's verbatim text safe for st.markdown (fmt.texte_brut: shown literally, line breaks kept)."""
    return fmt.texte_brut(text) if isinstance(text, str) else ""


def deck_return(diapo, retour=None) -> dict[str, str] | None:
    """The comité page's query parameters back to the slide a fiche was opened from (`?diapo=3`,
    plus `mode=projecteur` when it came from the projector mode); None when not opened from the deck."""
    if isinstance(diapo, list | tuple):
        diapo = diapo[-1] if diapo else None
    text = str(diapo or "").strip()
    if not text.isdigit() or int(text) < 1:
        return None
    back = {"diapo": str(int(text))}
    if str(retour or "").strip() == "projecteur":
        back["mode"] = "projecteur"
    return back
