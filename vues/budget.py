"""Budget: where the money goes — per axe, enjeu, action, porteur; over the years; what is left out."""

import streamlit as st

from dashboard import fmt, ui
from dashboard.present import plan_changes, views

LEFT_OUT = "Ne compte pas les actions sans chiffrage ni les lignes « par unité » dont la quantité n'est pas fixée."

budget_view = ui.cache_view(views.budget.build)
hypothesis_inputs = ui.cache_view(views.budget.hypothesis_inputs)
compare_view = ui.cache_view(plan_changes.budget_axes_table)

ui.regarder_au()  # ?au=AAAA-MM-JJ: the store and the plan as they were that day
plan = ui.get_plan()
ui.demo_banner()
filters = ui.sidebar_filters(plan)
st.title("Budget du schéma", anchor=False)
ui.situation_au()  # the latest import shown, the plan version in force

# --- Hypothèses: every total and chart below follows these values ---------------------------
inputs = hypothesis_inputs(plan)
values = ui.hypotheses_reglees(plan)  # the session's (or the address's); the others are the workbook's
set_values = {h.key: values.get(h.key, h.default) for h in inputs}
few = len(inputs) <= views.budget.FEW_HYPOTHESES
# open when the plan has a few (the shipped one: 2); a large plan's dozens stay folded above the figures
with st.expander(f"Hypothèses ({len(inputs)}) : paramètres que le plan laisse ouverts", expanded=few):
    if not inputs:
        st.caption("Le classeur n'a aucune hypothèse (feuille « Hypothèses » vide).")
    elif not few:  # dozens: one editable table rather than one input each
        edited = st.data_editor(
            views.budget.hypothesis_table(plan, set_values), key="hypotheses_tableau", hide_index=True, width="stretch", placeholder="non fixé",
            disabled=["Action", "Paramètre", "Unité", "Explication"], height=min(38 + 35 * len(inputs), 420),
            column_config={"Action": st.column_config.NumberColumn(width=60),
                           views.budget.HYP_VALUE: st.column_config.NumberColumn(
                               min_value=0.0, format="%.0f", width=90,
                               help="Vide : non fixé (quantité : la ligne reste hors des totaux ; part : tout le "
                                    "montant reste au porteur de la ligne)."),
                           "Explication": st.column_config.TextColumn(width="large")})
        values, refused = views.budget.hypothesis_values(inputs, edited)
        for problem in refused:
            st.error(problem, icon=":material/error:")
        st.caption("Colonne « Valeur » modifiable ; vide : non fixé. Une part est un pourcentage (0 à 100).")
    else:
        cols = st.columns(min(3, len(inputs)))
        for i, h in enumerate(inputs):
            ui.put_back(h.widget_key, set_values[h.key])
            with cols[i % len(cols)]:
                values[h.key] = st.number_input(  # value: the session's, put back above
                    h.label, min_value=0.0, max_value=100.0 if h.is_part else None, step=5.0 if h.is_part else 1.0,
                    value=None, placeholder="non fixé", key=h.widget_key, format="%.0f", help=h.help,
                )
                if values[h.key] is None:
                    st.caption("Non fixé : " + ("la ligne reste hors des totaux." if not h.is_part
                                                else "tout le montant reste au porteur de la ligne."))

ui.keep_hypotheses(plan, values)  # kept for the other pages, written in the address
suivi = ui.get_suivi()
v = budget_view(plan, filters, values, suivi.realise)
first, last = v.periode
row = ui.metrics_row()
row.metric("Ponctuel chiffré", fmt.fourchette(*v.ponctuel))
row.metric("Récurrent chiffré, par an", fmt.fourchette(*v.annuel))
row.metric("Par unité (quantité fixée)", fmt.fourchette(*v.par_unite))
row.metric(f"Total {first}-{last}", fmt.fourchette(*v.total),
           help="Ponctuel + récurrent × années où il court + par unité × quantité.")
st.caption(f"{fmt.nombre(v.n_non_comptes)} élément(s) ne sont pas comptés ou pas placés dans le temps : "
           "voir l'onglet « Ce que le total ne compte pas ».")

reference = ui.compare_selector("budget_reference")
if reference is not None:
    ref_plan, ref_label, cur_label = reference
    st.markdown(f"**Budget par axe : référence « {ui.brut(ref_label)} », en vigueur « {ui.brut(cur_label)} »**")
    ui.table_with_download(compare_view(ref_plan, plan, filters), "budget_compare_par_axe", "b_compare",
                           caption="Chaque version avec les hypothèses de son propre classeur (les réglages "
                           "ci-dessus ne s'appliquent qu'aux chiffres de la page). " + LEFT_OUT)


def chart_and_table(fig, caption: str, table, file_stem: str, key: str) -> None:
    """A tab's chart, what it shows and leaves out, then its table with its download."""
    ui.chart(fig)
    st.caption(caption + " " + LEFT_OUT)
    ui.table_with_download(table, file_stem, key)


tabs = ui.tabs(["Par axe", "Par enjeu", "Par action", "Par porteur", "Année par année",
                "Ce que le total ne compte pas", "Prévu / réalisé"], key="budget_onglet")
with tabs[0]:
    if tabs[0].open:  # only the open tab is drawn (the others when clicked)
        chart_and_table(v.fig_axe, "Barre pleine : minimum ; partie claire : jusqu'au maximum.", v.table_axe,
                        "budget_par_axe", "b_axe")
with tabs[1]:
    if tabs[1].open:
        chart_and_table(v.fig_enjeu, "Par enjeu, couleur de l'axe. Barre pleine : minimum ; partie claire : "
                        "jusqu'au maximum.", v.table_enjeu, "budget_par_enjeu", "b_enjeu")
with tabs[2]:
    if tabs[2].open:
        ui.chart(v.fig_tree)
        st.caption("Surface proportionnelle au montant maximum sur la période ; le libellé donne la fourchette. " + LEFT_OUT)
        ui.table_with_download(v.table_action, "budget_par_action", "b_action",
                               caption="Actions ayant au moins une ligne de budget.")
        st.markdown("**Lignes de budget** (texte du plan dans « Extrait du plan »)")
        ui.table_with_download(v.table_lines, "lignes_de_budget", "b_lines")
with tabs[3]:
    if tabs[3].open:
        chart_and_table(v.fig_porteur, "Porteur de chaque ligne de budget (la part fixée dans les hypothèses est "
                        "attribuée à son porteur).", v.table_porteur, "budget_par_porteur", "b_porteur")
with tabs[4]:
    if tabs[4].open:
        ui.chart(v.fig_projection)
        st.caption("Barres : minimum par axe ; lignes : total minimum et maximum de l'année. Dépenses récurrentes "
                   "chaque année où elles courent, ponctuelles dans leur année. Ne compte pas les lignes listées ci-dessous.")
        ui.table_with_download(v.table_projection, "projection_par_annee", "b_proj")
        if v.table_hors_projection is not None:
            st.markdown(f"**Hors projection** ({len(v.table_hors_projection.data)} ligne(s) sans année utilisable)")
            ui.table_with_download(v.table_hors_projection, "hors_projection", "b_hors")
with tabs[5]:
    if tabs[5].open:
        st.markdown("Les totaux en euros ne comptent que les lignes chiffrées. Voici, action par action, ce qu'ils "
                    "laissent de côté, avec le texte du plan.")
        st.markdown("\n".join(f"- {fmt.nombre(n)} × {ui.brut(m)}" for m, n in v.non_comptes) or "Rien : tout est chiffré.")
        ui.table_with_download(v.table_non_comptes, "ce_que_le_total_ne_compte_pas", "b_nc")
with tabs[6]:
    if tabs[6].open:
        ui.prevu_realise(v.fig_prevu_realise, v.table_prevu_realise, "prevu_realise_budget", "b_pr",
                         "Fourchette prévue : projection année par année ; réalisé : dépenses déclarées dans le suivi.",
                         "les dépenses réalisées", v.couverture_prevu_realise)
