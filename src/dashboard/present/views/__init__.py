"""One module per page: what the page shows, as a frozen dataclass built by one pure function.

A page reads settings (its widgets) → view (`ui.cache_view(views.<page>.build)`) → render. The
builders take the plan, the sidebar's filters and the follow-up values; they call `metrics` for
every figure and `charts`, `export`, `fmt` to draw and format them. They never import streamlit.
"""

from dashboard.present.views import budget, calendar, comite, etp, fiches, imports, indicators, overview

__all__ = ["budget", "calendar", "comite", "etp", "fiches", "imports", "indicators", "overview"]
