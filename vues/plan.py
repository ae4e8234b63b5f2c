"""Données → Plan: the plan's versions; import of a revision (validated, compared, then confirmed),
history, return to an earlier version, comparison of two versions."""

import hashlib
import logging
import os

import streamlit as st

from dashboard import fmt, revision, ui, xlsx_scan
from dashboard.acces import AccesRefuse, ecritures, roles
from dashboard.metrics.plan_diff import plan_diff
from dashboard.plan import versions
from dashboard.present import plan_changes

log = logging.getLogger("dashboard")
MAX_UPLOAD_MB = xlsx_scan.MAX_UPLOAD_MB  # the door's limit; a plan workbook weighs a few dozen KB

plan = ui.get_plan()
ui.demo_banner()
try:
    engine = ui.get_engine()
except Exception:  # never a traceback on screen: demo_banner showed the store's plain message
    log.info("ouverture de la base impossible", exc_info=True)
    st.title("Versions du plan", anchor=False)
    st.info("Les versions du plan sont gardées dans la base du suivi, qui ne peut pas être ouverte : le "
            "tableau de bord affiche le classeur du plan livré.")
    st.stop()
read_only = ui.store_problem() is not None
may_write = ui.peut("admin")  # once accounts exist: a signed-in « admin » account

st.title("Versions du plan", anchor=False)
st.caption("Le plan révisé se prépare dans Excel (même classeur, mêmes feuilles). Déposez-le ici : il est vérifié "
           "comme par « validate-plan », comparé à la version en vigueur, puis enregistré seulement après votre "
           "confirmation. Chaque version reste gardée ; on peut revenir à n'importe laquelle.")
if os.environ.get("DASHBOARD_PLAN"):
    st.warning("Mode développement : la variable DASHBOARD_PLAN désigne un classeur sur le disque, que les pages "
               "affichent à la place de la version en vigueur ci-dessous.", icon=":material/code:")

ui.notice_mode_ouvert()

vs = ui.plan_versions()
by_id = {v.id: v for v in vs}
current = next((v for v in vs if v.current), None)
done = st.session_state.pop("_plan_message", None)
if done:
    st.success(done, icon=":material/check_circle:")


@ui.cache_view
def diff_view(before, after):
    """What changed between two versions (pure; cached on the two versions' identities)."""
    return plan_diff(before, after)


def _md(text: str) -> str:
    """Plain text shown through markdown, literally (titles, postes, libellés, file names)."""
    return ui.brut(text)


def _when(ts) -> str:
    return f"{fmt.jour(ts)} à {ts:%H:%M}" if ts is not None else "—"


def _label(v) -> str:
    return f"Version {v.id} – {v.label}"


def show_diff(diff, before: str, after: str) -> None:
    """The changes, section by section, as the director reads them."""
    sections = plan_changes.diff_lines(diff)
    if not sections:
        st.info(f"Aucun changement de « {_md(before)} » à « {_md(after)} » : les deux classeurs disent la même chose.")
        return
    st.markdown(f"**{fmt.nombre(diff.n_changes)} changement(s)** de « {_md(before)} » à « {_md(after)} » :")
    for title, items in sections:
        st.markdown(f"**{_md(title)}**\n" + "\n".join(f"- {_md(item)}" for item in items))


if current is not None:
    st.markdown(f"**Version en vigueur : {_md(_label(current))}** — fichier « {_md(current.file_name)} », "
                f"enregistrée le {_when(current.created_at)} par {_md(current.user_name or '—')}"
                + (f", en vigueur depuis le {_when(current.made_current_at)}"
                   + (f" ({_md(current.made_current_by)})" if current.made_current_by else "")
                   if current.made_current_at is not None else "") + ".")

# --- 1. Importer une révision -----------------------------------------------------------------------
st.subheader("1. Importer une révision du plan", anchor=False)
upload_key = f"fichier_plan_{st.session_state.get('_plan_upload_round', 0)}"
uploaded = None
if not may_write:
    st.info(roles.role_requis("remplacer le plan", ui.identite(), "admin"), icon=":material/lock:")
else:
    uploaded = st.file_uploader("Classeur du plan révisé (.xlsx)", type=["xlsx"], key=upload_key,
                                max_upload_size=MAX_UPLOAD_MB,
                                help="Rien n'est enregistré avant votre confirmation.")
    st.caption(f"Format .xlsx, {MAX_UPLOAD_MB} Mo au plus. Partez de la version en vigueur (téléchargeable "
               "ci-dessous) et gardez les noms des feuilles et des colonnes.")
if current is not None:
    ui.download_button(st, f"Télécharger la version en vigueur ({_md(current.file_name)})",
                       data=lambda: versions.workbook(engine, current.id), file_name=current.file_name,
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore", icon=":material/download:", key="dl_plan_courant")


def _preview(data: bytes, name: str) -> revision.Preview | None:
    """Validation and comparison, once per file and current version (kept in the session)."""
    key = (hashlib.sha256(data).hexdigest(), name, ui.plan_version())
    kept = st.session_state.get("_plan_preview")
    if kept and kept[0] == key:
        return kept[1]
    try:
        with st.spinner("Vérification du classeur…"):
            preview = revision.preview_import(engine, data, name)
    except Exception:  # never a traceback on screen
        log.exception("vérification du plan %s impossible", name)
        st.error(f"« {_md(fmt.cite(name))} » n'a pas pu être vérifié (voir le journal). Rien n'a été enregistré.")
        return None
    st.session_state["_plan_preview"] = (key, preview)
    return preview


if uploaded is not None:
    data, name = uploaded.getvalue(), uploaded.name
    preview = _preview(data, name)
    if preview is not None and not preview.ok:  # refused by the door or the validation: no comparison shown
        st.error(f"« {_md(fmt.cite(name))} » a {fmt.nombre(len(preview.problems))} problème(s) ; rien n'a été "
                 "enregistré. Corrigez chaque ligne ci-dessous dans Excel, enregistrez, puis déposez à nouveau le "
                 "fichier.", icon=":material/error:")
        ui.table_brute([{"Où": p.where(), "Problème": p.text} for p in preview.problems])
    elif preview is not None:
        st.success(f"« {_md(fmt.cite(name))} » est un classeur du plan valide.", icon=":material/check:")
        if preview.same_as is not None:
            st.info(f"Ce classeur est identique à la {_md(_label(preview.same_as).lower())} : pour y revenir, "
                    "utilisez plutôt « Revenir à cette version » ci-dessous.")
        show_diff(preview.diff, _label(preview.current), fmt.cite(name))
        with st.form("confirmer_plan", border=True):
            left, right = st.columns(2)
            label = left.text_input("Libellé de la version", key="plan_label", max_chars=200,
                                    placeholder="Révision mi-parcours 2025")
            who = ""
            if ui.mode_ouvert():  # without accounts, a free-text name for the history
                who = right.text_input("Votre nom (pour l'historique)", key="plan_user", max_chars=100)
            submitted = st.form_submit_button("Enregistrer et rendre cette version courante", type="primary",
                                              disabled=read_only, icon=":material/published_with_changes:")
        if submitted:
            try:
                vid = ecritures.importer_plan(engine, ui.identite(), data, file_name=name, label=label,
                                              nom_libre=who)
            except AccesRefuse as refus:  # the session's role was lowered meanwhile: nothing written
                st.error(str(refus), icon=":material/lock:")
            except versions.VersionError as err:
                st.error(f"Version non enregistrée : {_md(err)}", icon=":material/error:")
            except Exception:
                log.exception("enregistrement du plan %s impossible", name)
                st.error("L'enregistrement a échoué (voir le journal) : rien n'a été modifié.")
            else:
                st.session_state["_plan_message"] = (f"Version {vid} enregistrée (« {_md(' '.join(label.split()))} ») : "
                                                     "c'est désormais la version courante du plan.")
                st.session_state["_plan_upload_round"] = st.session_state.get("_plan_upload_round", 0) + 1
                st.session_state.pop("_plan_preview", None)
                st.rerun()

# --- 2. Historique et retour ----------------------------------------------------------------------------
st.subheader("2. Historique des versions", anchor=False)
if vs:
    st.dataframe([{"N°": v.id, "Libellé": v.label, "Fichier": v.file_name, "Enregistrée le": _when(v.created_at),
                   "Par": v.user_name or "—", "En vigueur": "oui" if v.current else ""} for v in vs],
                 hide_index=True)
others = [v for v in vs if not v.current]
if others and not may_write:
    st.caption(roles.role_requis("changer la version du plan en vigueur", ui.identite(), "admin"))
elif others:
    with st.form("revenir_plan", border=True):
        left, right = st.columns(2)
        target = left.selectbox("Revenir à la version", [v.id for v in others], key="plan_retour",
                                format_func=lambda i: _label(by_id[i]))
        who_back = ""
        if ui.mode_ouvert():
            who_back = right.text_input("Votre nom (pour l'historique)", key="plan_retour_user", max_chars=100)
        back = st.form_submit_button("Rendre cette version courante", disabled=read_only,
                                     icon=":material/history:")
    if back:
        try:
            v = ecritures.rendre_plan_courant(engine, ui.identite(), target, nom_libre=who_back)
        except AccesRefuse as refus:
            st.error(str(refus), icon=":material/lock:")
        except versions.VersionError as err:
            st.error(f"Changement de version impossible : {_md(err)}")
        except Exception:
            log.exception("retour à la version %s impossible", target)
            st.error("Le changement de version a échoué (voir le journal) : rien n'a été modifié.")
        else:
            st.session_state["_plan_message"] = f"{_md(_label(v))} : c'est de nouveau la version courante du plan."
            st.session_state.pop("_plan_preview", None)
            st.rerun()

# --- 3. Comparer deux versions ------------------------------------------------------------------------
if len(vs) > 1:
    st.subheader("3. Comparer deux versions", anchor=False)
    ids = [v.id for v in reversed(vs)]
    left, right = st.columns(2)
    start = 0 if current is None or current.id != ids[0] else len(ids) - 1  # the voted plan, else the latest
    a = left.selectbox("De", ids, index=start, key="plan_de", format_func=lambda i: _label(by_id[i]))
    b = right.selectbox("À", ids, index=ids.index(current.id) if current else len(ids) - 1, key="plan_a",
                        format_func=lambda i: _label(by_id[i]))
    pa, pb = ui.get_plan_version(a), ui.get_plan_version(b)
    if pa is None or pb is None:
        st.warning("Une des deux versions n'a pas pu être lue (voir le journal).")
    else:
        show_diff(diff_view(pa, pb), _label(by_id[a]), _label(by_id[b]))
