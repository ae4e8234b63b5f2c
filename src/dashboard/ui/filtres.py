"""The sidebar's filters (axe, enjeu, maîtrise d'ouvrage), the same on every page."""

from __future__ import annotations

import streamlit as st

from dashboard import metrics
from dashboard.plan import Plan
from dashboard.ui.partage import memo


def sidebar_filters(plan: Plan) -> metrics.Filters:
    """Axe / enjeu / maîtrise d'ouvrage filters, the same on every page (kept across pages)."""
    st.sidebar.header("Filtres")
    axe_labels = memo(plan, "axe_labels", lambda: {int(r.axe): f"Axe {int(r.axe)} – {r.libelle}"
                                                   for r in plan.axes.sort_values("axe").itertuples()})
    chosen_axes = st.sidebar.multiselect(
        "Axe", list(axe_labels), format_func=lambda a: axe_labels[a], key="filtre_axes",
        placeholder="Tous les axes",
    )
    def labels():
        enjeux = plan.enjeux
        if chosen_axes:
            enjeux = enjeux[enjeux["axe"].isin(chosen_axes)]
        return {r.enjeu: f"{r.enjeu} – {r.libelle}" for r in enjeux.itertuples()}

    enjeu_labels = memo(plan, ("enjeu_labels", tuple(chosen_axes)), labels)
    chosen_enjeux = st.sidebar.multiselect(
        "Enjeu", list(enjeu_labels), format_func=lambda e: enjeu_labels.get(e, e), key="filtre_enjeux",
        placeholder="Tous les enjeux",
    )
    chosen_porteurs = st.sidebar.multiselect(
        "Maîtrise d'ouvrage", memo(plan, "porteurs", lambda: metrics.porteurs(plan)), key="filtre_porteurs", placeholder="Toutes",
    )
    filters = metrics.Filters(tuple(chosen_axes), tuple(chosen_enjeux), tuple(chosen_porteurs))
    if filters.active:
        count = memo(plan, ("filtered_count", filters), lambda: metrics.filtered_count(plan, filters))
        st.sidebar.caption(f"{count} action(s) sur {len(plan.actions)} retenue(s).")
    return filters

