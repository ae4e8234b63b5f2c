"""Where the yearly collection stands, porteur by porteur: templates sent, files returned, and what is
still missing for the year (indicator results, action statuses, real dates, spending, staff time).

Pure: the plan, the follow-up as the pages read it (`store.Suivi`), the templates issued and the
import history (`store.templates`, `store.history`) in, one row per porteur out. A porteur's rows are
those of its template (`template.rows_for`): the actions its maîtrise d'ouvrage or budget names.
"""

from __future__ import annotations

import pandas as pd

from dashboard.base.tables import PORTEUR_SEP
from dashboard.plan import Plan, porteurs_by_action
from dashboard.suivi.merge import suivi_cells

COLUMNS = ["porteur", "actions", "modele_envoye", "modele_par", "fichiers_recus", "dernier_fichier",
           "indicateurs", "sans_statut", "dates", "depenses", "etp"]
STARTED = ("En cours", "Réalisée")


def _named(text: str, porteur: str) -> bool:
    return porteur in [p.strip() for p in str(text or "").split(PORTEUR_SEP.strip())]


def collecte(plan: Plan, suivi, year: int, templates: pd.DataFrame, history: pd.DataFrame) -> pd.DataFrame:
    """COLUMNS, one row per porteur of the plan: what was sent and returned for `year`, what is missing
    (the last five columns hold lists: indicator ids, action numbers)."""
    by_action = porteurs_by_action(plan)
    porteurs = sorted({p for names in by_action.values() for p in names},
                      key=lambda p: (-sum(p in n for n in by_action.values()), p))
    cells = {} if suivi is None or getattr(suivi, "demo", False) else suivi_cells(suivi, year)
    has = {(kind, key, champ) for (kind, key, _, champ) in cells}
    ind = plan.indicateurs.assign(ident=plan.indicateurs["indicateur_id"].astype(str).str.upper(),
                                  aid=plan.indicateurs["action_id"].astype(int))
    budgeted = set(plan.budget["action_id"].astype(int)) if "action_id" in plan.budget else set()
    staffed = set(plan.etp["action_id"].astype(int)) if "action_id" in plan.etp else set()
    tpl = templates[templates["annee"] == year] if len(templates) else templates
    hist = history[history["actif"] & ~history["demo"]] if len(history) else history
    if len(hist):
        hist = hist[[str(year) in [y.strip() for y in str(a).split(",")] for a in hist["annees"]]]
    rows = []
    for p in porteurs:
        actions = sorted(a for a, names in by_action.items() if p in names)
        sent = tpl[[_named(t, p) for t in tpl["porteur"]]] if len(tpl) else tpl
        got = hist[[_named(t, p) for t in hist["porteur"]]] if len(hist) else hist
        status = {a: cells.get(("statuts", a, year, "statut"), (None,))[0] for a in actions}
        rows.append({
            "porteur": p, "actions": actions,
            "modele_envoye": sent["emis_le"].max() if len(sent) else pd.NaT,
            "modele_par": sent.sort_values("emis_le")["emis_par"].iloc[-1] if len(sent) else "",
            "fichiers_recus": len(got), "dernier_fichier": got["date"].max() if len(got) else pd.NaT,
            "indicateurs": [i for i, a in zip(ind["ident"], ind["aid"], strict=True) if a in actions
                            and ("indicateurs", i, "resultat") not in has
                            and ("indicateurs", i, "date_resultat") not in has],
            "sans_statut": [a for a in actions if status[a] is None],
            "dates": [a for a in actions if (status[a] in STARTED and ("statuts", a, "debut_reel") not in has)
                      or (status[a] == "Réalisée" and ("statuts", a, "fin_reelle") not in has)],
            "depenses": [a for a in actions if a in budgeted and ("realise", a, "depenses") not in has],
            "etp": [a for a in actions if a in staffed and ("realise", a, "etp") not in has],
        })
    return pd.DataFrame(rows, columns=COLUMNS)
