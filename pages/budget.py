"""Budget: where the money goes — per axe, enjeu, action, porteur; over the years; what is left out."""

import streamlit as st

from dashboard import charts, fmt, metrics, ui
from dashboard.plan import HYPOTHESE_RE

NO_BAR = {"displayModeBar": False}

plan = ui.get_plan()
filters = ui.sidebar_filters(plan)
first, last = plan.periode
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
plan = metrics.filter_plan(metrics.apply_hypotheses(plan, values), filters)

totals = metrics.budget_totals(plan)
proj = metrics.projection(plan)
nc = metrics.non_comptes(plan)
c = st.columns(4)
c[0].metric("Ponctuel chiffré", fmt.fourchette(totals["unique_min"], totals["unique_max"]))
c[1].metric("Récurrent chiffré, par an", fmt.fourchette(totals["annuel_min"], totals["annuel_max"]))
c[2].metric("Par unité (quantité fixée)", fmt.fourchette(totals["par_unite_min"], totals["par_unite_max"]))
c[3].metric(f"Total {first}-{last}", fmt.fourchette(totals["periode_min"], totals["periode_max"]),
            help="Ponctuel + récurrent × années où il court + par unité × quantité.")
st.caption(f"{fmt.nombre(len(nc))} élément(s) ne sont pas comptés ou pas placés dans le temps : "
           "voir l'onglet « Ce que le total ne compte pas ».")

RANGES = {"Ponctuel (€)": ("unique_min", "unique_max", ""), "Annuel (€ par an)": ("annuel_min", "annuel_max", ""),
          "Par unité chiffré (€)": ("par_unite_min", "par_unite_max", ""),
          f"Total {first}-{last} (€)": ("periode_min", "periode_max", "")}
LEFT_OUT = "Ne compte pas les actions sans chiffrage ni les lignes « par unité » dont la quantité n'est pas fixée."

tabs = st.tabs(["Par axe et enjeu", "Par action", "Par porteur", "Année par année", "Ce que le total ne compte pas",
                "Prévu / réalisé"])

with tabs[0]:
    by_axe = metrics.budget_by(plan, "axe")
    by_axe["label"] = [f"{charts.axe_label(a)} – {lib}" for a, lib in zip(by_axe["axe"], by_axe["libelle"], strict=True)]
    st.plotly_chart(charts.budget_split_figure(
        by_axe, "label", charts.lead_title([charts.axe_label(a) for a in by_axe["axe"]], by_axe["periode_max"],
                                           "budget maximum sur la période")), config=NO_BAR)
    st.caption("Barre pleine : minimum ; partie claire : jusqu'au maximum. " + LEFT_OUT)
    ui.table_with_download(by_axe.drop(columns="label"), "budget_par_axe", "b_axe", ranges=RANGES)
    by_enjeu = metrics.budget_by(plan, "enjeu")
    by_enjeu["label"] = [f"{e or charts.axe_label(a)} – {lib}" for a, e, lib
                         in zip(by_enjeu["axe"], by_enjeu["enjeu"], by_enjeu["libelle"], strict=True)]
    st.plotly_chart(charts.budget_split_figure(
        by_enjeu, "label", charts.lead_title(by_enjeu["enjeu"].replace("", "Sans enjeu").map(lambda e: f"L'enjeu {e}"),
                                             by_enjeu["periode_max"], "budget maximum sur la période")),
        config=NO_BAR)
    st.caption("Par enjeu, couleur de l'axe. " + LEFT_OUT)
    ui.table_with_download(by_enjeu.drop(columns="label"), "budget_par_enjeu", "b_enjeu", ranges=RANGES)

with tabs[1]:
    by_action = metrics.budget_by(plan, "action")
    st.plotly_chart(charts.budget_treemap(by_action, plan.axes, plan.enjeux,
                                          "Où va l'argent : axe → enjeu → action (taille : maximum sur la période)"),
                    config=NO_BAR)
    st.caption("Surface proportionnelle au montant maximum sur la période ; le libellé donne la fourchette. " + LEFT_OUT)
    chiffrees = by_action[(by_action["periode_max"] > 0) | (by_action["lignes_non_comptees"] > 0)]
    ui.table_with_download(chiffrees, "budget_par_action", "b_action", ranges=RANGES,
                           caption="Actions ayant au moins une ligne de budget.")
    st.markdown("**Lignes de budget** (texte du plan dans « Extrait du plan »)")
    lines = metrics.budget_lines(plan)[["action_id", "axe", "titre", "poste", "periodicite", "montant_min", "montant_max",
                                        "unite", "quantite", "annee_debut", "annee_fin", "porteur", "extrait", "note"]]
    ui.table_with_download(lines, "lignes_de_budget", "b_lines", ranges={"Montant (€)": ("montant_min", "montant_max", "")})

with tabs[2]:
    by_porteur = metrics.budget_by(plan, "porteur")
    st.plotly_chart(charts.porteur_figure(by_porteur, charts.lead_title(by_porteur["porteur"], by_porteur["periode_max"],
                                                                        "budget maximum sur la période")),
                    config=NO_BAR)
    st.caption("Porteur de chaque ligne de budget (la part fixée dans les hypothèses est attribuée à son porteur). "
               + LEFT_OUT)
    ui.table_with_download(by_porteur, "budget_par_porteur", "b_porteur", ranges=RANGES)

with tabs[3]:
    tot = proj.totaux()
    peak = tot.loc[tot["montant_max"].idxmax()] if len(tot) else None
    title = (f"Année la plus chargée : {int(peak['annee'])} ({fmt.fourchette(peak['montant_min'], peak['montant_max'])})"
             if peak is not None and peak["montant_max"] > 0 else "Aucune dépense placée dans le temps")
    st.plotly_chart(charts.projection_figure(proj.par_annee("axe"), tot, title), config=NO_BAR)
    st.caption("Barres : minimum par axe ; lignes : total minimum et maximum de l'année. Dépenses récurrentes "
               "chaque année où elles courent, ponctuelles dans leur année. Ne compte pas les lignes listées ci-dessous.")
    ui.table_with_download(tot, "projection_par_annee", "b_proj",
                           ranges={"Prévu (€)": ("montant_min", "montant_max", "")})
    if len(proj.hors):
        st.markdown(f"**Hors projection** ({len(proj.hors)} ligne(s) sans année utilisable)")
        ui.table_with_download(proj.hors, "hors_projection", "b_hors",
                               ranges={"Montant (€)": ("montant_min", "montant_max", "")})

with tabs[4]:
    st.markdown("Les totaux en euros ne comptent que les lignes chiffrées. Voici, action par action, ce qu'ils "
                "laissent de côté, avec le texte du plan.")
    counts = nc["motif"].value_counts()
    st.markdown("\n".join(f"- {fmt.nombre(n)} × {m}" for m, n in counts.items()) or "Rien : tout est chiffré.")
    ui.table_with_download(nc, "ce_que_le_total_ne_compte_pas", "b_nc",
                           ranges={"Montant (€)": ("montant_min", "montant_max", "")})

with tabs[5]:
    suivi = ui.get_suivi()
    if suivi.realise.empty:
        st.info("Aucune donnée de suivi n'a encore été importée : les dépenses réalisées apparaîtront ici après "
                "l'import du suivi annuel (page « Import du suivi annuel »).")
    else:
        pr = metrics.prevu_realise_budget(plan, suivi.realise)
        per_year = pr.groupby("annee", as_index=False)[["prevu_min", "prevu_max", "realise"]].sum(min_count=1)
        st.plotly_chart(charts.prevu_realise_figure(per_year, "Dépenses réalisées face à la fourchette prévue"),
                        config=NO_BAR)
        st.caption("Fourchette prévue : projection ci-dessus ; réalisé : dépenses déclarées dans le suivi. "
                   "Une année sans valeur importée n'est pas un zéro.")
        ui.table_with_download(pr, "prevu_realise_budget", "b_pr", overrides={"realise": ("Réalisé (€)", "euro")},
                               ranges={"Prévu (€)": ("prevu_min", "prevu_max", "")})
