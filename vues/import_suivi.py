"""Import du suivi annuel: the year's template, upload with a dry run, confirm, history, rollback.

The tables (history, detail of an import) come from `present.views.imports`; the page holds the
widgets and the actions (dry run, confirm, rollback), each a call of `suivi.store`."""

import hashlib
import logging
from datetime import date

import pandas as pd
import streamlit as st

from dashboard import fmt, ui
from dashboard.acces import AccesRefuse, ecritures, roles
from dashboard.present.views import imports as views_imports
from dashboard.suivi import importer, store, template, xlsx_scan

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

st.title("Import du suivi annuel")
st.caption("Une fois par an : téléchargez le modèle de l'année, complétez-le dans Excel, déposez-le ici. "
           "Une vérification liste toutes les erreurs avant tout enregistrement ; chaque import peut être annulé.")
ui.notice_mode_ouvert()

# --- 1. Le modèle ---------------------------------------------------------------------------------
st.subheader("1. Télécharger le modèle")
default_year = min(max(date.today().year - 1, first), last)
left, right = st.columns([1, 3], vertical_alignment="bottom")
year = left.selectbox("Année du suivi", plan.annees, index=plan.annees.index(default_year), key="annee_modele")


def _template() -> bytes:
    return template.write_template(plan, year, ui.get_suivi())


ui.download_button(right, f"Télécharger le modèle {year}", data=_template, file_name=template.template_file_name(year),
                      mime=XLSX_MIME, on_click="ignore", icon=":material/download:", key="dl_modele")
if ui.get_suivi().demo:
    st.caption(f"Le modèle liste les {fmt.nombre(len(plan.indicateurs))} indicateurs et les "
               f"{fmt.nombre(len(plan.actions))} actions du plan. Il est vierge tant que les données de "
               "démonstration sont affichées : aucune valeur fictive n'y figure, pas même en « Rappel ».")
else:
    st.caption(f"Le modèle liste les {fmt.nombre(len(plan.indicateurs))} indicateurs et les "
               f"{fmt.nombre(len(plan.actions))} actions du plan, avec les valeurs déjà importées pour {year} et, "
               f"pour mémoire, celles de {year - 1} (colonne « Rappel {year - 1} », jamais importée).")

# --- 2. Déposer, vérifier, confirmer --------------------------------------------------------------
st.subheader("2. Déposer le classeur rempli")
upload_key = f"fichier_suivi_{st.session_state.get('_upload_round', 0)}"
uploaded = None
if may_write:
    uploaded = st.file_uploader("Classeur de suivi (.xlsx)", type=["xlsx"], key=upload_key,
                                max_upload_size=xlsx_scan.MAX_UPLOAD_MB,
                                help="Le modèle de l'année, complété. Rien n'est enregistré avant votre confirmation.")
    st.caption(f"Format .xlsx, {xlsx_scan.MAX_UPLOAD_MB} Mo au plus (un classeur de suivi pèse quelques dizaines de Ko).")
else:
    st.info(roles.role_requis("déposer un classeur de suivi", ui.identite()), icon=":material/lock:")
done = st.session_state.pop("_import_message", None)
if done:  # the outcome of the confirmed import, where the button was
    st.success(done, icon=":material/check_circle:")


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
    cols = st.columns(4)
    for col, (label, n, help_text) in zip(cols, [
        ("Nouvelles valeurs", c.new, "Valeurs absentes du suivi jusqu'ici."),
        ("Valeurs modifiées", c.changed, "Valeurs qui remplaceront une valeur déjà importée."),
        ("Valeurs inchangées", c.unchanged, "Valeurs identiques à celles déjà importées."),
        ("Valeurs ignorées", c.ignored, "Cellules remplies des colonnes jamais importées (Rappel, colonnes inconnues)."),
    ], strict=True):
        col.metric(label, fmt.nombre(n), help=help_text)


def _table(frame: pd.DataFrame) -> None:
    """A static table: long messages wrap instead of being cut."""
    ui.table_brute(frame, hide_index=True)


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
        else:
            _counts(outcome.counts)
            if report.ignored_columns:
                st.caption("Colonnes non reconnues, ignorées : " + ", ".join(f"« {ui.brut(c)} »" for c in report.ignored_columns) + ".")
            if outcome.counts.nothing_to_do:
                st.info(ui.brut(outcome.message()), icon=":material/info:")
            else:
                if outcome.demo:
                    st.warning("Les données de démonstration seront retirées au moment de l'import, dans la même "
                               "opération : le tableau de bord ne montrera plus que vos données.",
                               icon=":material/swap_horiz:")
                checked = True
                if report.warnings:
                    n = len(report.warnings)
                    st.warning(f"{n} avertissement{'s' if n > 1 else ''} : ces valeurs ont été lues, mais elles "
                               "semblent douteuses. Vérifiez chacune ; corrigez le classeur si besoin.",
                               icon=":material/warning:")
                    _table(report.warnings_frame())
                    checked = st.checkbox("J'ai vérifié ces avertissements",
                                          key=f"avertissements_{upload_key}_{report.sha256[:12]}")
                st.success(f"Aucune erreur dans « {ui.brut(name)} » (années : {', '.join(map(str, report.annees))}). "
                           "Rien n'est encore enregistré : confirmez l'import.", icon=":material/task_alt:")
                name_col, _ = st.columns([1, 2])
                who = ""
                if ui.mode_ouvert():  # without accounts, a free-text name for the history, as before
                    who = name_col.text_input("Votre nom (pour l'historique)", key="import_user", max_chars=100)
                if read_only:
                    st.caption("Import impossible : la base du suivi est en lecture seule (message en haut "
                               "de la page).")
                if st.button("Confirmer l'import", type="primary", key="confirmer_import",
                             disabled=read_only or not checked,
                             help=None if checked else "Cochez d'abord « J'ai vérifié ces avertissements »."):
                    try:
                        with st.spinner("Import en cours…"):
                            final = ecritures.importer(engine, ui.identite(), data, plan, file_name=name,
                                                       nom_libre=who, accept_warnings=checked)
                    except AccesRefuse as refus:  # the session's role was lowered meanwhile: nothing written
                        st.error(str(refus), icon=":material/lock:")
                    except Exception:  # never a traceback on screen; the transaction left the store as before
                        log.exception("import du fichier de suivi %s impossible", name)
                        st.error(f"L'import de « {ui.brut(name)} » a échoué (voir le journal). Rien n'a été modifié.")
                    else:
                        ui.clear_suivi_cache()
                        st.session_state["_import_message"] = ui.brut(final.message())
                        if final.batch_id is not None:
                            st.session_state["import_detail"] = final.batch_id  # show what it changed
                        st.session_state["_upload_round"] = st.session_state.get("_upload_round", 0) + 1
                        st.session_state.pop("_dry_run", None)
                        st.rerun()

# --- 3. Historique, détail, annulation -----------------------------------------------------------
st.subheader("3. Imports réalisés")
try:
    history = ui.store_history()
except Exception:
    log.exception("historique des imports illisible")
    st.error("L'historique des imports n'a pas pu être lu (voir le journal).")
    st.stop()

if history.empty:
    st.info("Aucun import pour l'instant.")
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
