"""The presentation stage: turns metrics into what a reader sees — formatted tables, figures, texts.

Third stage of the data's way (plan → metrics → present → pages):

- `charts` (plotly figures; the calendar's in `charts_calendar`), `textes` (the texts an indicator's value or change reads as),
  `export` (tables with French headers, and their Excel files);
- `couleurs` (the colours of axes, situations and indicators: the same on pages, slides and files);
- `fiches` (the list of fiches actions: search, table, facets), `fiche` (one action in detail),
  `fiche_pdf` (fiches to print, A4 portrait, by the deck's chromium printer);
- `comite` (the comité's slides, one message each, their charts at `projector` sizes), `comite_html` (the HTML
  the page writes for a slide, on the projector or the page, and its two stylesheets `comite_*.css`), `deck_html`
  (a slide's chart sized by the screen, the HTML deck), `diapo_action` (one action in projector format), `deck_files` (the
  slides as PowerPoint and PDF files: `deck_model` shared by `deck_pptx` and `deck_pdf`);
- `plan_changes` (what changed between two versions of the plan, in French: the page « Plan »,
  `plan diff`, the voted plan beside the current one on the pages Calendrier and Budget, the
  comité's « Ce qui a changé depuis le plan voté » slide); `depuis` (« depuis le dernier comité »: the
  store read on two days, in French lines and as the deck's slide);
- `views`: one module per page, a frozen dataclass naming everything the page shows and the one
  pure function that builds it, callable from a test without Streamlit.

This package never computes a figure itself (that is `metrics`) and never imports streamlit (that
is `ui` and the pages).
"""

# Submodules are imported by name (`from dashboard.present import views`, `… import comite`): the
# command line builds a deck without loading the pages' views.
