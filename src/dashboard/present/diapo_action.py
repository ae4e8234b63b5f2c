"""One action in projector format (`ActionDiapo`): its name, where it sits in the plan, three big
figures, its calendar and indicators as short lines, an alert when it is late. Built from the fiche's
own detail (`fiche.action_detail`), so the projector and the fiche never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import fmt, metrics
from dashboard.plan import Plan
from dashboard.present import charts, fiche
from dashboard.present.comite import Chiffre, action_name
from dashboard.present.textes import short_text


@dataclass(frozen=True)
class ActionDiapo:
    """One action on a projector screen: its name, where it sits, three big figures, its calendar
    and indicators as short lines, and an alert when it is late."""

    action_id: int
    titre: str
    cadre: str
    chiffres: tuple[Chiffre, ...]
    calendrier: tuple[str, ...]
    indicateurs: tuple[str, ...]
    alerte: str = ""


def _latest_result(row: pd.Series) -> str:
    """`9 750 en 2025 (objectif 10 100)` from a fiche.indicator_values row, or `aucun résultat importé`."""
    years = sorted((int(c.split()[-1]) for c in row.index if c.startswith("Résultat ")), reverse=True)
    for y in years:
        value = row.get(f"Résultat {y}")
        if isinstance(value, str) and value != "—":
            target = row.get(f"Objectif {y}")
            extra = f" (objectif {target})" if isinstance(target, str) and target != "—" else ""
            return f"{value} en {y}{extra}"
    return "aucun résultat importé"


def _period_text(row: pd.Series) -> str:
    """`2023 – 2028 (annuelle)`, `novembre 2022`, or `sans date dans le plan` from a fiche's calendar row."""
    start, end = row["Début prévu"], row["Fin prévue"]
    if start == "—" and end == "—":
        text = "sans date dans le plan"
    elif start == end or end == "—":
        text = start
    elif start == "—":
        text = f"jusqu'à {end}"
    else:
        text = f"{start} {fmt.DASH} {end}"
    return text if row["Récurrence"] == "aucune" else f"{text} ({row['Récurrence']})"


def action_diapo(plan: Plan, action_id: int, suivi=None, as_of=None) -> ActionDiapo | None:
    """The projector view of one action, from the fiche's own detail (fiche.action_detail); None when
    the plan has no such action."""

    d = fiche.action_detail(plan, action_id, suivi, as_of)
    if d is None:
        return None
    cadre = f"{charts.axe_label(d.axe)} {fmt.DASH} {d.axe_libelle}"
    if d.enjeu:
        cadre += f" · Enjeu {d.enjeu} {fmt.DASH} {d.enjeu_libelle}"
    budget = d.budget_text if not d.budget.empty else d.categorie_budget
    statut = d.statut["Statut"] if d.statut else "pas de suivi importé"
    chiffres = (
        Chiffre(budget, "budget prévu" if not d.budget.empty else "budget dans le plan"),
        Chiffre(fmt.etp(d.etp_total) if d.etp_total else "aucun ETP", "temps de travail par an"),
        Chiffre(statut, f"statut {d.statut['Année du suivi']}" if d.statut else "avancement"),
    )
    cal = tuple(f"{short_text(r['Jalon'], 50)} : {_period_text(r)}" for _, r in d.calendrier.iterrows())
    ind = tuple(f"{short_text(r['Indicateur'], 50)} : {_latest_result(r)}" for _, r in d.indicateurs.iterrows())
    alerte = ""
    if d.situation == "en retard":
        alerte = (f"En retard de {fmt.mois(d.retard_mois)} au {fmt.jour(metrics.as_timestamp(as_of))}"
                  + (f" (fin révisée : {d.statut['Fin révisée']})" if d.statut and d.statut["Fin révisée"] != "—" else ""))
    return ActionDiapo(action_id=d.action_id, titre=action_name(d.action_id, d.titre, 90), cadre=cadre,
                       chiffres=chiffres, calendrier=cal, indicateurs=ind, alerte=alerte)

