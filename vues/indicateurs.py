"""Indicateurs: the plan's indicators year after year — trends, milestones, what is left to collect."""

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from dashboard import charts, export, fmt, metrics, ui


@ui.cache_view
def indicateurs_view(plan, filters, ind, annee):
    """Every figure of the page for a year (pure; cached on the plan, filters, values and year)."""
    plan = metrics.filter_plan(plan, filters)
    return {"table": metrics.tableau_indicateurs(plan, ind, annee), "evo": metrics.indicateur_evolution(plan, ind),
            "jalons": metrics.jalons(plan, ind, annee), "completude": metrics.completude(plan, ind, annee),
            "valeurs": metrics.indicateur_valeurs(plan, ind)}


full_plan = ui.get_plan()
ui.demo_banner()
filters = ui.sidebar_filters(full_plan)
plan = metrics.filter_plan(full_plan, filters)
suivi = ui.get_suivi()
first, last = plan.periode

st.title("Indicateurs de suivi")

if suivi.indicateurs.empty:
    st.info(f"**Aucune valeur d'indicateur n'a encore été importée.** Le plan compte "
            f"{fmt.nombre(len(plan.indicateurs))} indicateur(s) à suivre de {first} à {last} : téléchargez le "
            "modèle de l'année sur la page d'import, remplissez-le, puis importez-le.")
    try:
        st.page_link("vues/import_suivi.py", label="Aller à la page « Import du suivi annuel »",
                     icon=":material/upload_file:")
    except StreamlitPageNotFoundError:  # the page run on its own (tests): a plain link
        st.markdown("[Aller à la page « Import du suivi annuel »](import)")
    st.subheader("Les indicateurs du plan")
    st.dataframe(plan.indicateurs[["action_id", "indicateur_id", "indicateur", "type", "unite", "sens"]].rename(
        columns={"action_id": "N° action", "indicateur_id": "Identifiant", "indicateur": "Indicateur",
                 "type": "Type", "unite": "Unité", "sens": "Sens souhaité"}), hide_index=True)
    st.stop()

# --- the year --------------------------------------------------------------------------------
years_with_data = sorted(int(y) for y in pd.to_numeric(suivi.indicateurs["annee"]).unique() if first <= y <= last)
default_year = years_with_data[-1] if years_with_data else plan.annees[0]
if st.session_state.get("ind_annee") not in plan.annees:
    st.session_state["ind_annee"] = default_year
annee = st.columns([1, 5])[0].selectbox(
    "Année", plan.annees, key="ind_annee",
    help="Les valeurs affichées sont celles de cette année, ou la dernière connue avant elle.")

view = indicateurs_view(full_plan, filters, suivi.indicateurs, annee)
table, evo, jal, comp = view["table"], view["evo"], view["jalons"], view["completude"]
evo_year = evo[evo["annee"] == annee]

c = st.columns(4)
c[0].metric("Indicateurs du plan", fmt.nombre(comp.total))
c[1].metric(f"Renseignés pour {annee}", f"{fmt.nombre(comp.renseignes)} / {fmt.nombre(comp.total)}",
            help="Indicateurs ayant un résultat pour l'année choisie.")
c[2].metric(f"Évolutions favorables en {annee}",
            f"{fmt.nombre((evo_year['appreciation'] == metrics.FAVORABLE).sum())} / "
            f"{fmt.nombre(evo_year['appreciation'].notna().sum())}",
            help="Indicateurs chiffrés comparables à l'année précédente dont l'évolution va dans le sens souhaité.")
c[3].metric(f"Jalons atteints fin {annee}", f"{fmt.nombre(jal['atteint'].sum())} / {fmt.nombre(len(jal))}")

tab_trend, tab_table, tab_jalons, tab_comp = st.tabs(
    [":material/show_chart: Tendance d'un indicateur", ":material/table_view: Tous les indicateurs",
     ":material/flag: Jalons", f":material/checklist: Reste à collecter ({annee})"])

# --- trend of one indicator ------------------------------------------------------------------
with tab_trend:
    quant = plan.indicateurs[plan.indicateurs["type"] == "quantitatif"]
    if quant.empty:
        st.info("Aucun indicateur chiffré dans la sélection.")
    else:
        titles = dict(zip(plan.actions["action_id"], plan.actions["titre"], strict=True))
        actions = sorted(int(a) for a in quant["action_id"].unique())
        left, right = st.columns([1, 2])
        action = left.selectbox("Action", actions, index=None, placeholder="Toutes les actions", key="ind_action",
                                format_func=lambda a: f"{a}. {titles.get(a, '') or '(sans titre)'}")
        choices = quant if action is None else quant[quant["action_id"] == action]
        counts = evo[evo["resultat"].notna()].groupby("indicateur_id").size()
        options = sorted(choices["indicateur_id"].str.upper(), key=lambda i: (-counts.get(i, 0), i))
        labels = dict(zip(quant["indicateur_id"].str.upper(), quant["indicateur"], strict=True))
        if st.session_state.get("ind_choisi") not in options:
            st.session_state["ind_choisi"] = options[0]
        ident = right.selectbox("Indicateur", options, key="ind_choisi",
                                format_func=lambda i: f"{i} – {labels.get(i, '')}")
        one = evo[evo["indicateur_id"] == ident]
        row = quant[quant["indicateur_id"].str.upper() == ident].iloc[0]
        st.plotly_chart(charts.indicateur_tendance(one, metrics.tendance_titre(one, row["indicateur"], row["unite"]),
                                                   row["unite"]), config={"displayModeBar": False})
        sens = {"hausse": "une hausse est favorable", "baisse": "une baisse est favorable"}.get(row["sens"], "")
        st.caption(f"Action n° {int(row['action_id'])} – {titles.get(int(row['action_id']), '')}. Trait plein : "
                   "résultats collectés ; tirets : objectifs saisis dans le suivi. Une année sans valeur reste vide "
                   f"(jamais comptée zéro). Unité : {row['unite']} ; {sens}.")
        detail = view["valeurs"]
        detail = detail[detail["indicateur_id"] == ident].merge(
            one[["annee", "variation", "variation_pct", "appreciation"]], on="annee", how="left")
        st.dataframe(pd.DataFrame({
            "Année": detail["annee"].astype(str),
            "Résultat": [metrics.indicateur_texte(v, row["unite"]) for v in detail["resultat"]],
            "Objectif": [metrics.indicateur_texte(v, row["unite"]) for v in detail["objectif"]],
            "Évolution sur un an": [metrics.variation_texte(v, p, row["unite"])
                                    for v, p in zip(detail["variation"], detail["variation_pct"], strict=True)],
            "Commentaire": detail["commentaire"].fillna(""),
            "Source": detail["source"].fillna(""),
        }), hide_index=True)

# --- every indicator -------------------------------------------------------------------------
COLORS = {metrics.FAVORABLE: charts.FAVORABLE_COLOR, metrics.DEFAVORABLE: charts.DEFAVORABLE_COLOR}
with tab_table:
    shown = pd.DataFrame({
        "N° action": table["action_id"].astype(int),
        "Identifiant": table["indicateur_id"],
        "Indicateur": table["indicateur"],
        "Unité": table["unite"],
        "Dernière valeur": [metrics.indicateur_texte(v, u, d) for v, u, d in
                            zip(table["derniere_valeur"], table["unite"], table["date_valeur"], strict=True)],
        "Année": table["annee_valeur"].map(lambda y: "—" if pd.isna(y) else str(int(y))),
        "Évolution sur un an": [metrics.variation_texte(v, p, u) for v, p, u in
                                zip(table["variation"], table["variation_pct"], table["unite"], strict=True)],
        "Appréciation": table["appreciation"].fillna("—"),
        "Objectif (même année)": [metrics.indicateur_texte(v, u) for v, u in
                                  zip(table["objectif"], table["unite"], strict=True)],
    })

    def _colour(col: pd.Series) -> list[str]:
        return [f"color: {COLORS[a]}; font-weight: 600" if a in COLORS else "" for a in table["appreciation"]]

    st.dataframe(shown.style.apply(_colour, subset=["Évolution sur un an", "Appréciation"]), hide_index=True,
                 height=min(38 + 35 * len(shown), 640))
    note, button = st.columns([3, 1])
    note.caption(f"Dernière valeur connue jusqu'en {annee} et son évolution par rapport à l'année précédente "
                 "(non calculée si l'une des deux manque). En bleu une évolution dans le sens souhaité par le plan, "
                 "en orange une évolution contraire ; les jalons n'ont pas d'évolution (voir l'onglet « Jalons »).")
    button.download_button("Télécharger (Excel)", data=lambda: export.indicateurs_excel(table),
                           file_name=f"indicateurs_{annee}.xlsx", mime=export.XLSX_MIME, key="dl_indicateurs",
                           on_click="ignore", icon=":material/download:",
                           help="Le tableau avec le commentaire et la source de chaque valeur.")

# --- milestones ------------------------------------------------------------------------------
with tab_jalons:
    if jal.empty:
        st.info("Aucun jalon dans la sélection.")
    else:
        st.markdown(f"**{fmt.nombre(jal['atteint'].sum())} jalon(s) atteint(s) sur {fmt.nombre(len(jal))}** "
                    f"à la fin de {annee}.")
        st.dataframe(pd.DataFrame({
            "N° action": jal["action_id"].astype(int),
            "Identifiant": jal["indicateur_id"],
            "Jalon": jal["indicateur"],
            "État": ["atteint" if a else "non atteint" for a in jal["atteint"]],
            "Atteint en": jal["annee_atteinte"].map(lambda y: "—" if pd.isna(y) else str(int(y))),
            "Date": jal["date_atteinte"].map(fmt.jour),
            "Dernier suivi": jal["derniere_annee"].map(lambda y: "jamais renseigné" if pd.isna(y) else str(int(y))),
        }), hide_index=True, height=min(38 + 35 * len(jal), 640))
        st.caption("Un jalon est atteint dès qu'une année du suivi le déclare « oui » (ou en donne la date). "
                   "La date n'est connue que pour les jalons datés ; sinon seule l'année l'est.")

# --- completeness ----------------------------------------------------------------------------
with tab_comp:
    st.markdown(f"**{fmt.nombre(comp.manquants)} indicateur(s) sur {fmt.nombre(comp.total)} sans résultat pour "
                f"{annee}** ({fmt.pct(comp.pct)} renseignés).")
    left, right = st.columns([1.2, 1])
    with left:
        par = comp.par_porteur
        top = par.iloc[0] if len(par) and par["manquants"].iloc[0] > 0 else None
        title = (f"{top['porteur']} : {int(top['manquants'])} indicateur(s) à collecter pour {annee}"
                 if top is not None else f"Tous les indicateurs sont renseignés pour {annee}")
        st.plotly_chart(charts.completude_porteurs(par, title), config={"displayModeBar": False})
        st.caption("Porteurs lus dans la maîtrise d'ouvrage de chaque action : un indicateur d'une action portée "
                   "à plusieurs est compté chez chacun (le total en haut le compte une fois).")
    with right:
        st.dataframe(pd.DataFrame({
            "Porteur": par["porteur"],
            "Indicateurs": par["indicateurs"].astype(int),
            "Renseignés": par["renseignes"].astype(int),
            "À collecter": par["manquants"].astype(int),
            "Complétude": par["pct"].map(fmt.pct),
        }), hide_index=True)
    missing = comp.detail[comp.detail["statut"] == metrics.A_COLLECTER]
    st.subheader(f"À collecter pour {annee}")
    if missing.empty:
        st.success(f"Rien à collecter : chaque indicateur a un résultat pour {annee}.")
    else:
        porteur = st.selectbox("Porteur", sorted(missing["porteur"].unique()), index=None,
                               placeholder="Tous les porteurs", key="ind_porteur")
        if porteur is not None:
            missing = missing[missing["porteur"] == porteur]
        st.dataframe(pd.DataFrame({
            "Porteur": missing["porteur"],
            "N° action": missing["action_id"].astype(int),
            "Identifiant": missing["indicateur_id"],
            "Indicateur": missing["indicateur"],
            "Unité": missing["unite"],
            "Dernière année renseignée": missing["rappel"].map(lambda y: "jamais" if pd.isna(y) else str(int(y))),
        }), hide_index=True)
