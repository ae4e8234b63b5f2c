"""Calendrier & retards: what the plan planned when, what it leaves undated, what is late and by how much."""

import logging
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import charts, fmt, metrics, ui

NO_BAR = {"displayModeBar": False}
log = logging.getLogger("dashboard")


def _dates(s: pd.Series) -> list[str]:
    return [fmt.jour(x) if pd.notna(x) else "—" for x in s]


def _months(s: pd.Series) -> list[str]:
    return [fmt.mois(x) if pd.notna(x) else "—" for x in s]


WIDTHS = {"Action": "large", "N°": "small", "Axe": "small"}  # the others fit their content


def _table(df: pd.DataFrame, columns: dict[str, str]) -> None:
    """A table with French headers (already formatted values), tall enough to show every row."""
    shown = df[list(columns)].rename(columns=columns)
    config = {c: st.column_config.Column(width=w) for c, w in WIDTHS.items() if c in shown.columns}
    st.dataframe(shown, hide_index=True, width="stretch", column_config=config,
                 height=min(35 * (len(shown) + 1) + 3, 1000))


plan = ui.get_plan()
filters = ui.sidebar_filters(plan)
view = metrics.filter_plan(plan, filters)
first, last = plan.periode

st.title("Calendrier & retards")
ui.demo_banner()
left, _ = st.columns([1, 3])
as_of = left.date_input("Situation au", value=date.today(), format="DD/MM/YYYY", key="calendrier_situation",
                        help="Date à laquelle on regarde l'avancement : les retards sont comptés à cette date.")
as_of = pd.Timestamp(as_of)

if view.actions.empty:
    st.info("Aucune action ne correspond aux filtres choisis dans la barre latérale.")
    st.stop()

try:
    suivi = ui.get_suivi()
    statuts = suivi.statuts
except Exception:  # the store is unreadable: show the plan, say so, log the cause
    log.exception("lecture du suivi impossible")
    st.warning("Le suivi n'a pas pu être lu : la page montre seulement le calendrier du plan.")
    suivi, statuts = None, None

periods = metrics.planned_periods(view)
segments = metrics.calendar_segments(view)
undated = metrics.undated_items(view)
anomalies = metrics.calendar_anomalies(view)
n_actions, n_dated = len(periods), int(periods["datee"].sum())
n_recurring = int((periods["recurrence"] != "aucune").sum())

c = st.columns(4)
c[0].metric("Actions avec des dates", f"{fmt.nombre(n_dated)} sur {fmt.nombre(n_actions)}")
c[1].metric("Actions récurrentes", fmt.nombre(n_recurring), help="Annuelles, estivales ou continues.")
c[2].metric("Actions sans date", fmt.nombre(n_actions - n_dated),
            help="Calendrier « à définir », sans date ou vide dans le plan : voir la liste plus bas.")
c[3].metric("Anomalies du calendrier", fmt.nombre(len(anomalies)))

# --- Gantt -----------------------------------------------------------------------------------
title = (f"{fmt.nombre(n_dated)} actions sur {fmt.nombre(n_actions)} ont des dates ; "
         f"{fmt.nombre(n_recurring)} reviennent chaque année")
st.plotly_chart(charts.gantt_figure(periods, segments, undated, as_of, plan.periode, title), config=NO_BAR)
st.caption(
    f"Une ligne par action, regroupées et colorées par axe ; période du plan : {first}-{last}. "
    "Barre pleine : jalon daté (à la précision du plan : mois, trimestre, saison ou année entière). "
    "Bande hachurée claire : action récurrente sur ses années (en plus, une barre pleine par saison pour les "
    "actions estivales). Pointillés : début donné sans date de fin, prolongé jusqu'à la fin de la période. "
    "Ne montre pas les jalons « à définir » d'actions par ailleurs datées (liste ci-dessous) ; "
    "les actions sans aucune date gardent leur ligne avec les mots du plan."
)

# --- Retards (follow-up) -----------------------------------------------------------------------
st.header(f"Avancement et retards au {fmt.jour(as_of)}")
if statuts is None or len(statuts) == 0:
    st.info("Aucun avancement n'a encore été importé : la page montre le calendrier prévu par le plan, "
            "sans retard calculé. Importez le suivi annuel (page « Import du suivi annuel », feuille "
            "« Avancement ») pour voir les actions en retard.")
else:
    if getattr(suivi, "demo", False):
        st.warning("Données de démonstration : l'avancement affiché n'est pas celui de l'office.")
    sched = metrics.schedule(view, statuts, as_of)
    counts = metrics.status_counts_by_axe(view, statuts, as_of)
    late = metrics.late_actions(view, statuts, as_of)
    n_late = len(late)
    if n_late:
        worst = counts.sort_values(["en retard", "axe"], ascending=[False, True]).iloc[0]
        counts_title = (f"{fmt.nombre(n_late)} action(s) en retard au {fmt.jour(as_of)}, dont "
                        f"{fmt.nombre(int(worst['en retard']))} sur l'{charts.axe_label(worst['axe']).lower()}")
    else:
        counts_title = f"Aucune action en retard au {fmt.jour(as_of)}"
    st.plotly_chart(charts.status_counts_figure(counts, metrics.SITUATIONS, counts_title), config=NO_BAR)
    st.caption("En retard : fin prévue (ou révisée) dépassée et statut ni « Réalisée » ni « Abandonnée ». "
               "« Sans suivi » : action absente du suivi importé (son avancement n'est pas connu). "
               "Une action sans date de fin dans le plan n'est jamais comptée en retard, sauf fin révisée dépassée.")

    st.subheader("Actions en retard, de la plus en retard à la moins en retard")
    if late.empty:
        st.success(f"Aucune action en retard au {fmt.jour(as_of)}.")
    else:
        revised = [f"{d} (dépassée)" if past else d
                   for d, past in zip(_dates(late["fin_revisee"]), late["fin_revisee_depassee"], strict=True)]
        shown = late.assign(fin_prevue_txt=_dates(late["fin_prevue"]), fin_revisee_txt=revised,
                            retard_txt=_months(late["retard_mois"]))
        _table(shown, {"action_id": "N°", "titre": "Action", "porteur": "Porteur", "statut": "Statut",
                       "fin_prevue_txt": "Fin prévue", "fin_revisee_txt": "Fin révisée",
                       "retard_txt": "Retard sur le plan", "commentaire": "Dernier commentaire"})
        st.caption("Retard : mois écoulés entre la fin prévue par le plan (ou la fin révisée si le plan n'en donne "
                   f"pas) et le {fmt.jour(as_of)}.")

    st.subheader("Prévu, révisé, réalisé")
    followed = sched[sched["statut"] != ""]
    with_ends = followed[followed[["fin_revisee", "fin_reelle"]].notna().any(axis=1) | followed["en_retard"]]
    if len(with_ends):
        slipped = with_ends["glissement_mois"].dropna()
        slip_title = ("Glissement des fins : " + (f"{fmt.nombre(int((slipped > 0).sum()))} action(s) finissent "
                      f"ou finiront plus tard que prévu, {fmt.nombre(int((slipped < 0).sum()))} plus tôt"
                      if len(slipped) else "aucune fin révisée ni réelle n'est encore déclarée"))
        st.plotly_chart(charts.slippage_figure(with_ends, as_of, slip_title), config=NO_BAR)
        st.caption("Cercle vide : fin prévue par le plan ; losange : fin révisée ; cercle plein : fin réelle. "
                   "Ne montre que les actions en retard ou dont le suivi donne une fin révisée ou réelle "
                   "(toutes les actions suivies sont dans le tableau).")
    shown = followed.assign(
        debut_prevu_txt=_dates(followed["debut_prevu"]), debut_reel_txt=_dates(followed["debut_reel"]),
        fin_prevue_txt=_dates(followed["fin_prevue"]), fin_revisee_txt=_dates(followed["fin_revisee"]),
        fin_reelle_txt=_dates(followed["fin_reelle"]), glissement_txt=_months(followed["glissement_mois"]),
    )
    _table(shown, {"action_id": "N°", "titre": "Action", "statut": "Statut", "situation": "Situation",
                   "debut_prevu_txt": "Début prévu", "debut_reel_txt": "Début réel", "fin_prevue_txt": "Fin prévue",
                   "fin_revisee_txt": "Fin révisée", "fin_reelle_txt": "Fin réelle",
                   "glissement_txt": "Glissement", "commentaire": "Commentaire"})
    st.caption("Glissement : fin réelle (ou, à défaut, révisée) moins fin prévue ; négatif = en avance. "
               "« — » : date inconnue.")

# --- Sans date et anomalies ------------------------------------------------------------------
st.header("Ce que le plan ne date pas")
if undated.empty:
    st.success("Toutes les actions retenues ont des dates.")
else:
    shown = undated.assign(
        axe_txt=[charts.axe_label(a) for a in undated["axe"]],
        datee=["oui (autres jalons datés)" if x else "non" for x in undated["action_datee"]],
        extrait=[x or "(vide)" for x in undated["extrait"]],
    )
    _table(shown, {"action_id": "N°", "titre": "Action", "axe_txt": "Axe", "jalon": "Jalon",
                   "extrait": "Mots du plan", "motif": "Motif", "datee": "Sur le calendrier"})
    st.caption(f"{fmt.nombre(int((~undated['action_datee']).sum()))} action(s) sans aucune date ; "
               "les autres lignes sont des jalons sans date d'actions par ailleurs datées.")

st.header("Anomalies du calendrier du plan")
if anomalies.empty:
    st.success("Aucune anomalie dans le calendrier des actions retenues.")
else:
    shown = anomalies.assign(extrait=[x or "(vide)" for x in anomalies["extrait"]])
    _table(shown, {"action_id": "N°", "titre": "Action", "type": "Anomalie", "detail": "Détail",
                   "extrait": "Mots du plan"})
    st.caption("Les mots du plan sont repris tels quels ; aucune date n'est inventée. Années hors de la période "
               f"{first}-{last}, points d'interrogation, calendriers à définir ou vides, jalons sans fin.")
