"""Import du suivi annuel: the year's template, upload with a dry run, confirm, history, rollback.

The tables (history, detail of an import) come from `present.views.imports`; the page holds the
widgets and the actions (dry run, confirm, rollback), each a call of `suivi.store`."""

import hashlib
import logging
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import fmt, ui, xlsx_scan
from dashboard.acces import AccesRefuse, ecritures, roles
from dashboard.present.views import imports as views_imports
from dashboard.suivi import collecte, importer, merge, store, template

log = logging.getLogger("dashboard")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

plan = ui.get_plan()
ui.demo_banner()
try:
    engine = ui.get_engine()
except Exception:  # never a traceback on screen: demo_banner showed the store's plain message
    log.info("ouverture du suivi impossible", exc_info=True)
    st.stop()
read_only = ui.store_problem() is not None  # the store can be read, not written: no import, no rollback
may_write = ui.peut("saisie")  # once accounts exist: a signed-in « saisie » or « admin » account
first, last = plan.periode

st.title("Import du suivi annuel", anchor=False)
st.caption("Une fois par an : téléchargez le modèle de l'année, complétez-le dans Excel, déposez-le ici. "
           "Une vérification liste toutes les erreurs avant tout enregistrement ; chaque import peut être annulé.")
ui.notice_mode_ouvert()

# --- 1. Le modèle ---------------------------------------------------------------------------------
st.subheader("1. Envoyer le modèle aux porteurs", anchor=False)
default_year = min(max(date.today().year - 1, first), last)
left, mid, right = st.columns([1, 2, 1.3], vertical_alignment="bottom")
year = left.selectbox("Année du suivi", plan.annees, index=plan.annees.index(default_year), key="annee_modele")
porteurs_choisis = mid.multiselect("Porteurs (aucun : toutes les actions)", ui.memo(plan, "porteurs",
                                                                         lambda: template.porteurs(plan)),
                         key="porteurs_modele", placeholder="Toutes les actions du plan",
                         help="Le modèle d'un porteur ne contient que les lignes de ses actions (maîtrise d'ouvrage "
                              "et lignes de budget du plan).")


def _template() -> bytes:
    """The stamped template; its sending is recorded for the collection status (when the store can be written)."""
    who = ui.identite()
    data, issued = template.issue(plan, year, ui.get_suivi(), porteurs=tuple(porteurs_choisis),
                                  emis_par=who.affichage if who is not None else "")
    if not read_only:
        try:
            store.record_template(engine, issued, compte=who.login if who is not None else None)
        except Exception:  # the file is still given; the collection status will not list it
            log.exception("envoi du modèle %s non enregistré", issued.id)
    return data


ui.download_button(right, f"Télécharger le modèle {year}", data=_template,
                   file_name=template.template_file_name(year, porteurs_choisis), mime=XLSX_MIME, on_click="ignore",
                   icon=":material/download:", key="dl_modele")
if ui.get_suivi().demo:
    st.caption(f"Le modèle liste les {fmt.nombre(len(plan.indicateurs))} indicateurs et les "
               f"{fmt.nombre(len(plan.actions))} actions du plan (ou ceux des porteurs choisis). Il est vierge tant "
               "que les données de démonstration sont affichées : aucune valeur fictive n'y figure.")
else:
    st.caption(f"Le modèle est pré-rempli avec les valeurs déjà importées pour {year} et, pour mémoire, celles de "
               f"{year - 1} (« Rappel », jamais importée). Chaque modèle est tamponné : à son retour, seules les "
               "valeurs que le porteur a changées sont importées, et une valeur changée entre-temps par un autre "
               "porteur est signalée comme conflit à décider.")

# --- 2. Déposer, vérifier, confirmer --------------------------------------------------------------
st.subheader("2. Déposer un classeur rempli", anchor=False)
upload_key = f"fichier_suivi_{st.session_state.get('_upload_round', 0)}"
uploaded = None
if may_write:
    uploaded = st.file_uploader("Classeur de suivi (.xlsx)", type=["xlsx"], key=upload_key,
                                max_upload_size=xlsx_scan.MAX_UPLOAD_MB,
                                help="Le modèle de l'année, complété. Rien n'est enregistré avant votre confirmation.")
    st.caption(f"Format .xlsx, {xlsx_scan.MAX_UPLOAD_MB} Mo au plus. Déposez les fichiers des porteurs l'un après "
               "l'autre, dans n'importe quel ordre.")
else:
    st.info(roles.role_requis("déposer un classeur de suivi", ui.identite()), icon=":material/lock:")
done = st.session_state.pop("_import_message", None)
if done:  # the outcome of the confirmed import, where the button was
    st.success(done, icon=":material/check_circle:")
blocked = st.session_state.pop("_import_blocked", None)
if blocked:
    st.error(blocked, icon=":material/call_split:")


def _dry_run(data: bytes, name: str) -> importer.ImportOutcome | None:
    """The dry run, once per file and store state (kept in the session across reruns)."""
    bar = None
    try:
        cache_key = (hashlib.sha256(data).hexdigest(), name, store.state_key(engine), ui.plan_version())
        kept = st.session_state.get("_dry_run")
        if kept and kept[0] == cache_key:
            return kept[1]
        bar = st.progress(0.0, text="Lecture du classeur…")
        outcome = importer.import_workbook(engine, data, plan, file_name=name, dry_run=True,
                                           progress=lambda f, t: bar.progress(min(max(f, 0.0), 1.0), text=t))
    except Exception:  # never a traceback on screen
        log.exception("vérification du fichier de suivi %s impossible", name)
        st.error(f"« {ui.brut(name)} » n'a pas pu être vérifié (voir le journal). Rien n'a été importé.")
        return None
    finally:
        if bar is not None:
            bar.empty()
    st.session_state["_dry_run"] = (cache_key, outcome)
    return outcome


def _counts(c: store.Counts) -> None:
    figures = [
        ("Nouvelles valeurs", c.new, "Valeurs absentes du suivi jusqu'ici."),
        ("Valeurs modifiées", c.changed, "Valeurs qui remplaceront une valeur déjà importée."),
        ("Valeurs retirées", c.removed, "Cellules où le fichier dit « effacer » : la valeur enregistrée est retirée."),
        ("Valeurs inchangées", c.unchanged, "Valeurs identiques à celles du suivi, ou laissées telles que le modèle "
                                            "les a envoyées."),
        ("Valeurs ignorées", c.ignored, "Cellules remplies des colonnes jamais importées (Rappel, colonnes inconnues)."),
    ]
    if c.conflicts:
        figures.append(("Conflits à décider", c.conflicts, "Valeurs changées par ce fichier et, depuis l'envoi du "
                                                           "modèle, par un autre import."))
    row = ui.metrics_row()
    for label, n, help_text in figures:
        row.metric(label, fmt.nombre(n), help=help_text)


def _table(frame: pd.DataFrame) -> None:
    """A static table: long messages wrap instead of being cut."""
    ui.table_brute(frame, hide_index=True)


CHANGES_SHOWN = 200  # lines of the dry run drawn as a static table (beyond: a scrolling table)
_CHOICES = {merge.FILE: "Garder la valeur du fichier", merge.STORE: "Garder la valeur de la base"}


def _decide_all(keys: list[str], choice: str) -> None:
    for k in keys:
        st.session_state[k] = choice


def _conflicts(view, sha: str) -> tuple[dict, bool]:
    """One choice per conflict, and for all at once; the decisions made, and whether every one is made."""
    n = len(view.conflicts)
    st.error(f"{n} conflit{'s' if n > 1 else ''} : ce fichier change des valeurs qu'un autre import a aussi "
             "changées depuis l'envoi du modèle. Choisissez, pour chacune, la valeur à garder ; rien n'est importé "
             "avant.", icon=":material/call_split:")
    _table(view.conflicts)
    keys = [f"conflit_{sha[:12]}_{i}" for i in range(n)]
    left, right = st.columns(2)
    left.button("Pour tous : les valeurs du fichier", key=f"tous_fichier_{sha[:12]}", on_click=_decide_all,
                args=(keys, merge.FILE))
    right.button("Pour tous : les valeurs de la base", key=f"tous_base_{sha[:12]}", on_click=_decide_all,
                 args=(keys, merge.STORE))
    decisions = {}
    for key, cell, r in zip(keys, view.conflict_cells, view.conflicts.to_dict("records"), strict=True):
        choice = st.radio(ui.brut(f"Action {r['N° action']} · {r['Objet']}, {r['Année']}, {r['Valeur']} : base "
                                  f"{r['Dans la base']}, fichier {r['Dans le fichier']}"), list(_CHOICES), index=None,
                          format_func=_CHOICES.get, horizontal=True, key=key)
        if choice is not None:
            decisions[cell] = choice
    return decisions, len(decisions) == n


if uploaded is not None:
    data, name = uploaded.getvalue(), uploaded.name
    outcome = _dry_run(data, name)
    if outcome is not None:
        st.markdown(f"**Vérification de « {ui.brut(name)} »**")
        report = outcome.report
        whole_file = [p for p in report.problems if p.row is None and p.column is None]
        if whole_file and len(whole_file) == len(report.problems):
            st.error(f"« {ui.brut(name)} » n'a pas été importé. " + " ".join(ui.brut(p.text[:1].upper() + p.text[1:] + ".")
                                                               for p in whole_file), icon=":material/error:")
        elif report.problems:
            st.error(ui.brut(outcome.message()) + " Corrigez chaque ligne ci-dessous dans Excel, enregistrez, puis "
                     "déposez à nouveau le fichier.", icon=":material/error:")
            _table(report.problems_frame())
            if report.warnings:  # to check in the same pass as the errors
                st.warning(f"Et {len(report.warnings)} avertissement(s) : valeurs lues mais douteuses, à vérifier "
                           "en même temps.", icon=":material/warning:")
                _table(report.warnings_frame())
        elif outcome.empty_file:
            st.info(ui.brut(outcome.message()), icon=":material/info:")
        else:
            stamp = report.stamp
            if stamp is not None:
                st.caption(ui.brut(f"Modèle {stamp.annee} envoyé le {stamp.emis_le:%d/%m/%Y}"
                                   + (f" par {stamp.emis_par}" if stamp.emis_par else "")
                                   + (f" à : {stamp.porteur_text}." if stamp.porteurs else " (toutes les actions).")
                                   + " Seules les valeurs changées dans ce fichier sont importées."))
            _counts(outcome.counts)
            view = ui.memo(outcome, ("vue", ui.plan_version()), lambda: views_imports.dry_run(plan, outcome))
            if report.ignored_columns:
                st.caption("Colonnes non reconnues, ignorées : " + ", ".join(f"« {ui.brut(c)} »" for c in report.ignored_columns) + ".")
            decisions, decided = ({}, True)
            if len(view.conflicts):
                decisions, decided = _conflicts(view, report.sha256)
            if len(view.changes):
                st.markdown(f"**Ce que l'import changera ({fmt.nombre(len(view.changes))} valeur(s)), avant → après, "
                            "par action**")
                if len(view.changes) <= CHANGES_SHOWN:  # a static table: every word visible, long ones wrap
                    _table(view.changes)
                else:
                    ui.dataframe(view.changes, width="stretch")
                    st.caption("Liste longue : faites défiler le tableau, ou téléchargez-la ci-dessous.")
                ui.download_button(st, "Télécharger la liste des changements (Excel)", data=view.excel,
                                   file_name=f"verification_{name.rsplit('.', 1)[0]}.xlsx", mime=XLSX_MIME,
                                   on_click="ignore", icon=":material/download:", key="dl_verification")
            if outcome.counts.nothing_to_do:
                st.info(ui.brut(outcome.message()), icon=":material/info:")
            else:
                if outcome.demo:
                    st.warning("Les données de démonstration seront retirées au moment de l'import, dans la même "
                               "opération : le tableau de bord ne montrera plus que vos données.",
                               icon=":material/swap_horiz:")
                checked = True
                if outcome.n_warnings:
                    n = outcome.n_warnings
                    st.warning(f"{n} avertissement{'s' if n > 1 else ''} : vérifiez chaque valeur signalée ; corrigez "
                               "le classeur si besoin.", icon=":material/warning:")
                    if report.warnings:
                        _table(report.warnings_frame())
                    if view.overwrites:
                        st.caption(f"Ce fichier n'a pas de tampon (modèle ancien ou autre outil) : {view.overwrites} "
                                   "valeur(s) qu'un autre import a enregistrée(s) seraient remplacée(s) (« à "
                                   "confirmer » dans la liste des changements).")
                    checked = st.checkbox("J'ai vérifié ces avertissements",
                                          key=f"avertissements_{upload_key}_{report.sha256[:12]}")
                st.success(f"Aucune erreur dans « {ui.brut(name)} » (années : {', '.join(map(str, report.annees))}). "
                           "Rien n'est encore enregistré : confirmez l'import.", icon=":material/task_alt:")
                name_col, porteur_col = st.columns(2)
                who = ""
                if ui.mode_ouvert():  # without accounts, a free-text name for the history, as before
                    who = name_col.text_input("Votre nom (pour l'historique)", key="import_user", max_chars=100)
                porteur = None
                if stamp is None or not stamp.porteurs:
                    porteur = porteur_col.selectbox(
                        "Porteur qui a fourni ce fichier", ui.memo(plan, "porteurs", lambda: template.porteurs(plan)),
                        index=None, placeholder="Non précisé", key=f"porteur_{report.sha256[:12]}",
                        help="Ni le fichier ni son modèle ne disent de quel porteur il vient : dites-le, pour "
                             "l'historique, la collecte et la page Indicateurs (« renseigné par »).")
                if read_only:
                    st.caption("Import impossible : la base du suivi est en lecture seule (message en haut "
                               "de la page).")
                if not decided:
                    st.caption("Décidez d'abord chaque conflit ci-dessus.")
                if st.button("Confirmer l'import", type="primary", key="confirmer_import",
                             disabled=read_only or not checked or not decided,
                             help=None if checked else "Cochez d'abord « J'ai vérifié ces avertissements »."):
                    try:
                        with st.spinner("Import en cours…"):
                            final = ecritures.importer(engine, ui.identite(), data, plan, file_name=name,
                                                       nom_libre=who, accept_warnings=checked, porteur=porteur,
                                                       conflits=decisions, checked=outcome)
                    except AccesRefuse as refus:  # the session's role was lowered meanwhile: nothing written
                        st.error(str(refus), icon=":material/lock:")
                    except Exception:  # never a traceback on screen; the transaction left the store as before
                        log.exception("import du fichier de suivi %s impossible", name)
                        st.error(f"L'import de « {ui.brut(name)} » a échoué (voir le journal). Rien n'a été modifié.")
                    else:
                        ui.clear_suivi_cache()
                        st.session_state.pop("_dry_run", None)
                        if final.batch_id is None and final.conflicts:  # another import changed them meanwhile
                            st.session_state["_import_blocked"] = ui.brut(final.message() + " Un autre import a eu "
                                                                           "lieu entre-temps : décidez les conflits montrés.")
                            st.rerun()
                        st.session_state["_import_message"] = ui.brut(final.message())
                        if final.batch_id is not None:
                            st.session_state["import_detail"] = final.batch_id  # show what it changed
                        st.session_state["_upload_round"] = st.session_state.get("_upload_round", 0) + 1
                        st.rerun()

# --- 4. État de la collecte (drawn under the history, computed here) -----------------------------


def _collecte() -> None:
    st.subheader(f"4. Collecte {year} : qui a renvoyé quoi", anchor=False)
    try:
        sent = store.templates(engine)
        frame = collecte.collecte(plan, ui.get_suivi(), year, sent, store.history(engine))
    except Exception:
        log.exception("état de la collecte illisible")
        st.error("L'état de la collecte n'a pas pu être lu (voir le journal).")
        return
    complet = sent.loc[(sent["annee"] == year) & (sent["porteur"] == ""), "emis_le"].max() if len(sent) else None
    view = views_imports.collecte(frame, year, complet)
    _table(view.table)
    row = st.container(horizontal=True, horizontal_alignment="right", vertical_alignment="center")
    row.caption(f"{fmt.nombre(view.n_a_relancer)} porteur(s) à relancer pour {year}. Un porteur compte les actions "
                "dont il a la maîtrise d'ouvrage ou une ligne de budget ; « Modèle envoyé » : le dernier modèle "
                "téléchargé pour lui (page ou commande template).")
    row.download_button("Relances (Excel)", data=view.excel, file_name=f"relances_{year}.xlsx", mime=XLSX_MIME,
                        on_click="ignore", icon=":material/download:", key="dl_relances",
                        disabled=not view.n_a_relancer)


# --- 3. Historique, détail, annulation -----------------------------------------------------------
st.subheader("3. Imports réalisés", anchor=False)
try:
    history = ui.store_history()
except Exception:
    log.exception("historique des imports illisible")
    st.error("L'historique des imports n'a pas pu être lu (voir le journal).")
    st.stop()

if history.empty:
    st.info("Aucun import pour l'instant.")
    _collecte()
    st.stop()


view = ui.memo(history, "vue", lambda: views_imports.history(history))  # once per store state
ui.dataframe(view.table, width="stretch")
st.caption("Une valeur affichée dans le tableau de bord est celle de l'import actif le plus récent qui la "
           "renseigne ; annuler un import rétablit les valeurs d'avant, les imports suivants restent.")
chosen = st.selectbox("Détail d'un import", list(view.labels), format_func=view.labels.get, key="import_detail")

try:
    changes = ui.store_batch_changes(chosen)
except Exception:
    log.exception("détail de l'import %s illisible", chosen)
    st.error("Le détail de cet import n'a pas pu être lu (voir le journal).")
    changes = None
if changes is not None:
    if changes.empty:
        st.caption("Cet import n'a rien changé par rapport aux imports précédents.")
    else:
        # formatted once per import shown and plan (the changes are cached on the store's state)
        ui.dataframe(ui.memo(changes, ("shown", ui.plan_version()), lambda: views_imports.changes(plan, changes)),
                     width="stretch")
        st.caption(f"{fmt.nombre(len(changes))} valeur(s) nouvelle(s) ou modifiée(s) par l'import n° {chosen} ; "
                   "« Avant » : la valeur en vigueur juste avant cet import.")

if view.actifs[chosen] and not may_write:
    st.caption(roles.role_requis("annuler un import", ui.identite()))
elif view.actifs[chosen]:
    confirm = st.checkbox(f"Je confirme vouloir annuler l'import n° {chosen} ({ui.brut(view.fichiers[chosen])})",
                          key=f"confirmer_annulation_{chosen}")
    if st.button("Annuler cet import", disabled=not confirm or read_only, key="annuler_import"):
        try:
            ecritures.annuler(engine, ui.identite(), chosen)
        except AccesRefuse as refus:
            st.error(str(refus), icon=":material/lock:")
        except store.StoreError as err:
            st.error(f"Annulation impossible : {ui.brut(err)}")
        except Exception:
            log.exception("annulation de l'import %s impossible", chosen)
            st.error("L'annulation a échoué (voir le journal). Rien n'a été modifié.")
        else:
            ui.clear_suivi_cache()
            st.session_state.pop("_dry_run", None)
            st.session_state["_upload_round"] = st.session_state.get("_upload_round", 0) + 1  # clear the uploader
            st.session_state["_rollback_message"] = (f"Import n° {chosen} annulé : les valeurs d'avant sont "
                                                     "rétablies.")
            st.rerun()
else:
    undone = st.session_state.pop("_rollback_message", None)
    if undone:  # the outcome of the rollback, where its button was
        st.success(undone, icon=":material/undo:")
    st.caption(f"L'import n° {chosen} est annulé : ses valeurs ne comptent plus.")

_collecte()
