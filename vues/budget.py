"""Budget: where the money goes — per axe, enjeu, action, porteur; over the years; what is left out."""

import streamlit as st

from dashboard import charts, export, fmt, metrics, ui
from dashboard.plan import HYPOTHESE_RE

NO_BAR = {"displayModeBar": False}
LEFT_OUT = "Ne compte pas les actions sans chiffrage ni les lignes « par unité » dont la quantité n'est pas fixée."
AMOUNT = {"Montant (€)": ("montant_min", "montant_max")}


@ui.cache_view
def budget_view(plan, filters, values, realise):
    """Every figure, table and chart of the page (pure; cached on the plan, filters, hypotheses)."""
    plan = metrics.filter_plan(metrics.apply_hypotheses(plan, values), filters)
    first, last = plan.periode
    ranges = {"Ponctuel (€)": ("unique_min", "unique_max"), "Annuel (€ par an)": ("annuel_min", "annuel_max"),
              "Par unité chiffré (€)": ("par_unite_min", "par_unite_max"),
              f"Total {first}-{last} (€)": ("periode_min", "periode_max")}
    v = {"totals": metrics.budget_totals(plan), "periode": plan.periode}
    by_axe = metrics.budget_by(plan, "axe")
    by_axe["label"] = [f"{charts.axe_label(a)} – {lib}" for a, lib in zip(by_axe["axe"], by_axe["libelle"], strict=True)]
    v["fig_axe"] = charts.budget_split_figure(
        by_axe, "label", charts.lead_title([charts.axe_label(a) for a in by_axe["axe"]], by_axe["periode_max"],
                                           "budget maximum sur la période"))
    v["t_axe"] = export.table(by_axe.drop(columns="label"), ranges=ranges)
    by_enjeu = metrics.budget_by(plan, "enjeu")
    by_enjeu["label"] = [f"{e} – {lib}" if e else lib for e, lib in zip(by_enjeu["enjeu"], by_enjeu["libelle"], strict=True)]
    v["fig_enjeu"] = charts.budget_split_figure(
        by_enjeu, "label", charts.lead_title([f"L'enjeu {e}" if e else f"L'{lib[0].lower()}{lib[1:]}" for e, lib in
                                              zip(by_enjeu["enjeu"], by_enjeu["libelle"], strict=True)],
                                             by_enjeu["periode_max"], "budget maximum sur la période"))
    v["t_enjeu"] = export.table(by_enjeu.drop(columns="label"), ranges=ranges)
    by_action = metrics.budget_by(plan, "action")
    v["fig_tree"] = charts.budget_treemap(by_action, plan.axes, plan.enjeux,
                                          "Où va l'argent : axe → enjeu → action (taille : maximum sur la période)")
    v["t_action"] = export.table(by_action[(by_action["periode_max"] > 0) | (by_action["lignes_non_comptees"] > 0)],
                                 ranges=ranges)
    lines = metrics.budget_lines(plan)[["action_id", "axe", "titre", "poste", "periodicite", "montant_min", "montant_max",
                                        "unite", "quantite", "annee_debut", "annee_fin", "porteur", "extrait", "note"]]
    v["t_lines"] = export.table(lines, ranges=AMOUNT)
    by_porteur = metrics.budget_by(plan, "porteur")
    v["fig_porteur"] = charts.porteur_figure(by_porteur, charts.lead_title(by_porteur["porteur"], by_porteur["periode_max"],
                                                                           "budget maximum sur la période"))
    v["t_porteur"] = export.table(by_porteur, ranges=ranges)
    proj = metrics.projection(plan)
    tot = proj.totaux()
    peak = tot.loc[tot["montant_max"].idxmax()] if len(tot) else None
    title = (f"Année la plus chargée : {int(peak['annee'])} ({fmt.fourchette(peak['montant_min'], peak['montant_max'])})"
             if peak is not None and peak["montant_max"] > 0 else "Aucune dépense placée dans le temps")
    v["fig_proj"] = charts.projection_figure(proj.par_annee("axe"), tot, title)
    v["t_proj"] = export.table(tot, ranges={"Prévu (€)": ("montant_min", "montant_max")})
    v["t_hors"] = export.table(proj.hors, ranges=AMOUNT) if len(proj.hors) else None
    nc = metrics.non_comptes(plan)
    v["nc_counts"] = nc["motif"].value_counts()
    v["t_nc"] = export.table(nc, ranges=AMOUNT)
    if realise is not None and not realise.empty:
        pr = metrics.prevu_realise_budget(plan, realise)
        per_year = pr.groupby("annee", as_index=False)[["prevu_min", "prevu_max", "realise"]].sum(min_count=1)
        done = per_year.dropna(subset=["realise"])
        title = ("Dépenses réalisées face à la fourchette prévue" if done.empty else
                 f"En {int(done['annee'].iloc[-1])} : {fmt.euros(done['realise'].iloc[-1])} dépensés pour "
                 f"{fmt.fourchette(done['prevu_min'].iloc[-1], done['prevu_max'].iloc[-1])} prévus")
        v["fig_pr"] = charts.prevu_realise_figure(per_year, title)
        v["t_pr"] = export.table(pr, overrides={"realise": ("Réalisé (€)", "euro")},
                                 ranges={"Prévu (€)": ("prevu_min", "prevu_max")})
    return v


plan = ui.get_plan()
ui.demo_banner()
filters = ui.sidebar_filters(plan)
st.title("Budget du schéma")

# --- Hypothèses: every total and chart below follows these values ---------------------------
values = {}
defaults = metrics.hypothesis_defaults(plan)
with st.expander(f"Hypothèses ({len(defaults)}) : paramètres que le plan laisse ouverts", expanded=True):
    if not defaults:
        st.caption("Le classeur n'a aucune hypothèse (feuille « Hypothèses » vide).")
    cols = st.columns(max(1, min(3, len(defaults))))
    for i, r in enumerate(plan.hypotheses.itertuples()):
        key = (int(r.action_id), str(r.parametre))
        m = HYPOTHESE_RE.match(str(r.parametre))
        is_part = bool(m and m.group(1) == "Part")
        with cols[i % len(cols)]:
            values[key] = st.number_input(
                f"Action {r.action_id} – {r.parametre}" + (" (%)" if is_part else ""),
                min_value=0.0, max_value=100.0 if is_part else None, step=5.0 if is_part else 1.0,
                value=defaults[key], placeholder="non fixé", key=f"hyp_{r.action_id}_{r.parametre}",
                format="%.0f", help=str(r.explication),
            )
            if values[key] is None:
                st.caption("Non fixé : " + ("la ligne reste hors des totaux." if not is_part
                                            else "tout le montant reste au porteur de la ligne."))

suivi = ui.get_suivi()
v = budget_view(plan, filters, values, suivi.realise)
first, last = v["periode"]
totals = v["totals"]
ui.compact_metrics()
c = st.columns([1.05, 1.05, 0.75, 1.35])
c[0].metric("Ponctuel chiffré", fmt.fourchette(totals["unique_min"], totals["unique_max"]))
c[1].metric("Récurrent chiffré, par an", fmt.fourchette(totals["annuel_min"], totals["annuel_max"]))
c[2].metric("Par unité (quantité fixée)", fmt.fourchette(totals["par_unite_min"], totals["par_unite_max"]))
c[3].metric(f"Total {first}-{last}", fmt.fourchette(totals["periode_min"], totals["periode_max"]),
            help="Ponctuel + récurrent × années où il court + par unité × quantité.")
st.caption(f"{fmt.nombre(int(v['nc_counts'].sum()))} élément(s) ne sont pas comptés ou pas placés dans le temps : "
           "voir l'onglet « Ce que le total ne compte pas ».")

tabs = st.tabs(["Par axe et enjeu", "Par action", "Par porteur", "Année par année", "Ce que le total ne compte pas",
                "Prévu / réalisé"])
with tabs[0]:
    st.plotly_chart(v["fig_axe"], config=NO_BAR)
    st.caption("Barre pleine : minimum ; partie claire : jusqu'au maximum. " + LEFT_OUT)
    ui.table_with_download(v["t_axe"], "budget_par_axe", "b_axe")
    st.plotly_chart(v["fig_enjeu"], config=NO_BAR)
    st.caption("Par enjeu, couleur de l'axe. " + LEFT_OUT)
    ui.table_with_download(v["t_enjeu"], "budget_par_enjeu", "b_enjeu")
with tabs[1]:
    st.plotly_chart(v["fig_tree"], config=NO_BAR)
    st.caption("Surface proportionnelle au montant maximum sur la période ; le libellé donne la fourchette. " + LEFT_OUT)
    ui.table_with_download(v["t_action"], "budget_par_action", "b_action",
                           caption="Actions ayant au moins une ligne de budget.")
    st.markdown("**Lignes de budget** (texte du plan dans « Extrait du plan »)")
    ui.table_with_download(v["t_lines"], "lignes_de_budget", "b_lines")
with tabs[2]:
    st.plotly_chart(v["fig_porteur"], config=NO_BAR)
    st.caption("Porteur de chaque ligne de budget (la part fixée dans les hypothèses est attribuée à son porteur). "
               + LEFT_OUT)
    ui.table_with_download(v["t_porteur"], "budget_par_porteur", "b_porteur")
with tabs[3]:
    st.plotly_chart(v["fig_proj"], config=NO_BAR)
    st.caption("Barres : minimum par axe ; lignes : total minimum et maximum de l'année. Dépenses récurrentes "
               "chaque année où elles courent, ponctuelles dans leur année. Ne compte pas les lignes listées ci-dessous.")
    ui.table_with_download(v["t_proj"], "projection_par_annee", "b_proj")
    if v["t_hors"] is not None:
        st.markdown(f"**Hors projection** ({len(v['t_hors'].data)} ligne(s) sans année utilisable)")
        ui.table_with_download(v["t_hors"], "hors_projection", "b_hors")
with tabs[4]:
    st.markdown("Les totaux en euros ne comptent que les lignes chiffrées. Voici, action par action, ce qu'ils "
                "laissent de côté, avec le texte du plan.")
    st.markdown("\n".join(f"- {fmt.nombre(n)} × {m}" for m, n in v["nc_counts"].items()) or "Rien : tout est chiffré.")
    ui.table_with_download(v["t_nc"], "ce_que_le_total_ne_compte_pas", "b_nc")
with tabs[5]:
    if "fig_pr" not in v:
        st.info("Aucune donnée de suivi n'a encore été importée : les dépenses réalisées apparaîtront ici après "
                "l'import du suivi annuel (page « Import du suivi annuel »).")
    else:
        st.plotly_chart(v["fig_pr"], config=NO_BAR)
        st.caption("Fourchette prévue : projection année par année ; réalisé : dépenses déclarées dans le suivi. "
                   "Une année sans valeur importée n'est pas un zéro.")
        ui.table_with_download(v["t_pr"], "prevu_realise_budget", "b_pr")
