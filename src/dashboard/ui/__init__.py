"""The web layer: with app.py and vues/ (the pages), the only code that imports streamlit, so that
everything else stays plain Python tested without it. One module per concern; the pages call them
through this package (`from dashboard import ui`, then `ui.get_plan()`…):

- partage: values shared by every session (`shared`, `cache_view`, `memo`) and once per run (`run_memo`);
- texte: what a person or a file wrote, shown as it is (`brut`, `html_brut`, `table_brute`);
- pages: the navigation's pages and the guard a page runs inside;
- base: the follow-up store (engine, state, what stops it, history);
- plan: the plan in force, its versions, the comparison selector;
- filtres: the sidebar's filters and the hypotheses, kept across pages and in the address;
- comptes: who the session is, what it may do, sign-in and sign-out, guarded downloads;
- suivi: the follow-up values and the demonstration data;
- tableaux: tables and charts of the pilotage pages;
- temps: the pilotage pages as they were on a day (?au=), the comité's meetings;
- demarrage: the reading the server does as it starts.

dashboard.serveur (st.App under uvicorn) and dashboard.connexion (its sign-in routes) belong to the web
layer too.
"""

from __future__ import annotations

from dashboard.ui.base import (
                               get_engine,
                               store_batch_changes,
                               store_history,
                               store_notice,
                               store_problem,
                               store_state,
)
from dashboard.ui.comptes import (
                               barre_compte,
                               download_button,
                               identite,
                               jeton_de_session,
                               mode_ouvert,
                               notice_mode_ouvert,
                               oidc_configure,
                               page_reservee,
                               peut,
)
from dashboard.ui.demarrage import WARM_UP_THREAD, warm_up
from dashboard.ui.filtres import hypotheses_reglees, keep_hypotheses, put_back, reglages, sidebar_filters
from dashboard.ui.pages import ACCESSIBILITE, MESSAGE_ERREUR, page, page_guard, pied_de_page
from dashboard.ui.partage import cache_view, memo, shared
from dashboard.ui.plan import (
                               can_compare,
                               compare_selector,
                               get_plan,
                               get_plan_version,
                               known_indicators,
                               plan_path,
                               plan_version,
                               plan_versions,
                               voted_reference,
)
from dashboard.ui.suivi import clear_suivi_cache, demo_banner, ensure_demo, get_suivi, situation_au
from dashboard.ui.tableaux import (
                               chart,
                               dataframe,
                               keep_widgets,
                               metrics_row,
                               prevu_realise,
                               table_with_download,
                               tabs,
)
from dashboard.ui.temps import (
                               aujourdhui_ici,
                               comite_exporte,
                               comite_presente,
                               date_du_comite,
                               depuis_comite,
                               dernier_comite,
                               enregistrer_comite,
                               jour_au,
                               jour_de_situation,
                               regarder_au,
                               section_depuis,
)
from dashboard.ui.texte import brut, html_brut, table_brute

__all__ = [
    "ACCESSIBILITE", "aujourdhui_ici", "MESSAGE_ERREUR", "WARM_UP_THREAD", "barre_compte", "brut", "cache_view", "can_compare", "chart",
    "clear_suivi_cache", "compare_selector", "dataframe", "demo_banner", "download_button", "ensure_demo",
    "get_engine", "get_plan", "get_plan_version", "get_suivi", "html_brut", "hypotheses_reglees", "identite", "jeton_de_session",
    "keep_hypotheses", "keep_widgets", "known_indicators", "memo", "metrics_row", "mode_ouvert", "notice_mode_ouvert",
    "oidc_configure", "page", "page_guard", "page_reservee", "peut", "plan_path", "plan_version",
    "pied_de_page", "plan_versions", "prevu_realise", "put_back", "reglages", "shared", "sidebar_filters", "situation_au", "store_batch_changes", "store_history",
    "store_notice", "store_problem", "store_state", "table_brute", "table_with_download", "tabs",
    "voted_reference", "warm_up",
    "dernier_comite", "depuis_comite", "enregistrer_comite", "jour_au", "jour_de_situation", "regarder_au",
    "section_depuis", "comite_exporte", "comite_presente", "date_du_comite",
]
