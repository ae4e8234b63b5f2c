"""Fiches actions: a searchable, filterable table of every action and the detail of one (?action=N)."""

import logging

import pandas as pd
import streamlit as st

from dashboard import fmt, metrics, ui
from dashboard.present import deck_files, export, fiche, fiche_pdf, fiches, views

log = logging.getLogger("dashboard")

fiches_view = ui.cache_view(views.fiches.build)
detail_view = ui.cache_view(fiche.action_detail)

ui.regarder_au()  # ?au=AAAA-MM-JJ: the store and the plan as they were that day
plan = ui.get_plan()
suivi = ui.get_suivi()
ui.demo_banner()
filters = ui.sidebar_filters(plan)
v = fiches_view(plan, filters, suivi.statuts)

# Opened from the comité's deck (…&diapo=N, and &retour=projecteur from the projector mode): a way back
back = fiche.deck_return(st.query_params.get("diapo"), st.query_params.get("retour"))
if back is not None:  # a relative link: it works under any base path, in AppTest as in the app
    href = "comite?" + "&".join(f"{k}={v}" for k, v in back.items())
    st.markdown(f'<a href="{href}" target="_self" class="retour-presentation">← Retour à la présentation '
                f"(diapositive {back['diapo']})</a>", unsafe_allow_html=True)

st.title("Fiches actions", anchor=False)
ui.situation_au()  # the latest import shown, the plan version in force
st.caption(
    "Chaque action du plan : ce qu'elle prévoit, qui la porte, ce qu'elle coûte. Les textes de la "
    "fiche sont ceux du plan, mot pour mot. Cliquez une ligne du tableau ou choisissez une action pour "
    "ouvrir sa fiche ; l'adresse de la page (…/actions?action=11) permet de la partager."
)


# --- Action choisie : ?action=N, la liste déroulante ou une ligne du tableau -------------------

TAB_FICHE, TAB_LISTE = "Fiche de l'action", "Toutes les actions"


def _open(action_id: int | None) -> None:
    if action_id is None:
        st.query_params.pop("action", None)
    else:
        st.query_params["action"] = str(action_id)
        st.session_state["fiches_onglet"] = TAB_FICHE  # a fiche just chosen is shown


def _on_pick() -> None:
    _open(st.session_state.get("fiche_choisie"))


def _on_row() -> None:
    event = st.session_state.get("tableau_actions")
    rows = event.selection.rows if event is not None else []
    ids = st.session_state.get("_ids_affiches", [])
    if rows and rows[0] < len(ids):
        _open(ids[rows[0]])


chosen, problem = fiches.parse_action_param(st.query_params.get("action"), list(v.ids))
if problem:
    log.info("lien vers une action inconnue : %r", st.query_params.get("action"))
    st.warning(ui.brut(problem))  # it quotes the link's text
if st.session_state.get("fiche_choisie") != chosen:
    st.session_state["fiche_choisie"] = chosen

st.selectbox(
    "Ouvrir la fiche d'une action", list(v.ids), index=None, key="fiche_choisie", on_change=_on_pick,
    format_func=lambda i: fiche.action_label(i, v.titles.get(i, "")),
    placeholder="Choisissez une action (tapez un numéro ou un mot du titre)…",
)


def show_detail(d: fiche.ActionDetail) -> None:
    """The whole fiche: the plan's words, then its budget, ETP, calendar, indicators, status."""
    st.header(f"Action n° {d.action_id} {fmt.DASH} {ui.brut(d.titre)}", anchor=False)
    where = f"**Axe {d.axe}** {fmt.DASH} {fiche.md_escape(d.axe_libelle)}"
    if d.enjeu:
        where += f" · **Enjeu {d.enjeu}** {fmt.DASH} {fiche.md_escape(d.enjeu_libelle)}"
    else:
        where += " · sans enjeu"
    st.markdown(where)
    row = st.container(horizontal=True, gap="large")  # one row (not columns: four messages fewer)
    label = "**Budget**" if d.budget.empty else f"**Budget** ({ui.brut(d.categorie_budget)})"  # no line: the text is the category
    row.markdown(f"{label}  \n{fiche.md_escape(d.budget_text)}", width="stretch")
    row.markdown(f"**ETP prévus**  \n{fmt.etp(d.etp_total) if d.etp_total else 'aucun chiffré'}", width="content")
    row.markdown(f"**Indicateurs**  \n{fmt.nombre(len(d.indicateurs))}", width="content")
    row.markdown(f"**Statut**  \n{ui.brut(d.statut['Statut']) if d.statut else 'pas encore de suivi importé'}", width="content")
    ui.download_button(  # built at the click: the fiche on A4 pages, as `python -m dashboard fiche N`
        st, "PDF de la fiche", data=lambda: fiche_pdf.fiche_pdf(plan, d.action_id, suivi, ui.plan_versions(), ui.jour_de_situation()),
        file_name=fiche_pdf.file_name(d.action_id), mime="application/pdf", on_click="ignore",
        icon=":material/picture_as_pdf:", key="dl_fiche_pdf", disabled=deck_files.chromium_path() is None,
        help="La fiche à imprimer (A4 portrait) : les mots du plan, budget, ETP, calendrier, indicateurs, "
             "« situation au »." if deck_files.chromium_path() else deck_files.NO_CHROMIUM)
    if d.situation == "en retard":
        st.warning(f"Action en retard de {fmt.mois(d.retard_mois)} au {fmt.jour(ui.jour_de_situation())} : "
                   "fin prévue (ou révisée) passée, action ni réalisée ni abandonnée.")

    st.subheader("La fiche du plan", anchor=False)
    left, right = st.columns(2)
    half = (len(d.fields) + 1) // 2
    for col, part in ((left, d.fields[:half]), (right, d.fields[half:])):  # one text per column, a paragraph a field
        col.markdown("\n\n".join(f"**{label}**  \n" + (fiche.md_escape(text) if text else "*non renseigné dans le plan*")
                                   for label, text in part))

    st.subheader("Budget", anchor=False)
    if d.budget.empty:
        st.caption(f"Aucune ligne de budget : le plan classe cette action « {ui.brut(d.categorie_budget)} ».")
    else:
        ui.dataframe(d.budget, width="stretch")
        st.caption("Montants du plan, en fourchette quand le plan en donne une ; « par an » : "
                   "chaque année des années indiquées. Les hypothèses (quantités, parts) se règlent "
                   "sur la page Budget.")
    st.subheader("Effectifs (ETP)", anchor=False)
    if d.etp.empty:
        st.caption("Le plan ne chiffre pas de temps de travail pour cette action.")
    else:
        ui.dataframe(d.etp, width="stretch")
    st.subheader("Calendrier", anchor=False)
    if d.calendrier.empty:
        st.caption("Aucune date dans le plan pour cette action.")
    else:
        ui.dataframe(d.calendrier, width="stretch")
    st.subheader("Indicateurs", anchor=False)
    if d.indicateurs.empty:
        st.caption("Le plan ne donne pas d'indicateur pour cette action.")
    else:
        ui.dataframe(d.indicateurs, width="stretch")
        if not any(c.startswith("Résultat") for c in d.indicateurs.columns):
            st.caption("Aucune valeur importée pour ces indicateurs : importez le suivi annuel (page Import).")
    if d.statut:
        st.subheader("Avancement (suivi)", anchor=False)
        ui.dataframe(ui.memo(d, "statut", lambda: pd.DataFrame([d.statut])), width="stretch")


# --- Tableau de toutes les actions ---------------------------------------------------------

def show_list(titled: bool) -> None:
    """Every action: search, facets, the table (a click on a row opens its fiche), its download."""
    if titled:
        st.header("Toutes les actions", anchor=False)
    query = st.text_input(
        "Rechercher", key="fiches_recherche",
        placeholder="Un numéro (11) ou des mots : titre, présentation, objectifs, publics, partenaires…",
        help="Les majuscules et les accents sont ignorés ; tous les mots doivent figurer dans la fiche.",
    )
    facets = st.container(horizontal=True)  # the filters side by side, equal widths (not columns: fewer messages)
    chosen_facets = {}
    for key in v.facet_keys:
        chosen_facets[key] = facets.multiselect(
            fiches.FACETS[key], v.facet_options[key], key=f"fiches_{key}", placeholder="Tous",
        )

    sel = ui.memo(v, ("select", query, tuple((k, tuple(x)) for k, x in chosen_facets.items())),
                  lambda: v.select(query, chosen_facets))
    st.session_state["_ids_affiches"] = sel.ids

    st.markdown(f"**{fmt.nombre(len(sel.table))} action(s)** sur {fmt.nombre(v.n_total)}")
    if sel.table.empty:
        st.info("Aucune action ne correspond à la recherche et aux filtres : élargissez-les.")
    else:
        ui.dataframe(
            ui.memo(sel, "shown", lambda: sel.shown), width="stretch", height=min(38 + 35 * len(sel.table), 560),
            on_select=_on_row, selection_mode="single-row", key="tableau_actions",
            column_config={"N°": st.column_config.NumberColumn(width=45, pinned=True),
                           "Axe": st.column_config.NumberColumn(width=45),
                           "Enjeu": st.column_config.TextColumn(width=55),
                           "Titre": st.column_config.TextColumn(width=330, pinned=True),
                           "Statut": st.column_config.TextColumn(width=105),
                           "Catégorie budget": st.column_config.TextColumn(width=135),
                           "Budget": st.column_config.TextColumn(width=170),
                           "ETP": st.column_config.TextColumn(width=70)},
        )
        ui.download_button(
            st, "Télécharger le tableau (Excel)",
            data=sel.excel, file_name=f"fiches_actions_{metrics.as_timestamp().date().isoformat()}.xlsx", mime=export.XLSX_MIME, icon=":material/download:",
            on_click="ignore", key="dl_fiches",
        )
        st.caption("Budget : la somme des lignes chiffrées de l'action (ponctuel, « /an » chaque année, "
                   "« par parcours » à multiplier par leur nombre) ; une action sans ligne chiffrée montre "
                   "sa catégorie. Le tableau ne compte pas les coûts que le plan ne chiffre pas.")



# --- The page: the list alone, or the chosen action's fiche and the list, one tab each ---------------

detail = detail_view(plan, chosen, suivi, ui.jour_de_situation()) if chosen is not None else None
if detail is None:
    show_list(titled=True)
else:  # only the open tab is drawn (the other when clicked)
    ui.keep_widgets("fiches_recherche", *(f"fiches_{key}" for key in v.facet_keys))  # the list's, while closed
    fiche_tab, list_tab = ui.tabs([TAB_FICHE, TAB_LISTE], key="fiches_onglet")
    with fiche_tab:
        if fiche_tab.open:
            show_detail(detail)
    with list_tab:
        if list_tab.open:
            show_list(titled=False)
