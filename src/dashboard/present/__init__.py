"""The presentation stage: turns metrics into what a reader sees — formatted tables, figures, texts.

Third stage of the data's way (plan → metrics → present → pages): `charts` (plotly figures),
`export` (tables with French headers, and their Excel files), `fiches` (the list of fiches actions: search, table, facets), `fiche` (one action in detail),
`textes` (the texts an indicator's value or change reads as), `comite` (the comité's slides, one
message each; `deck_html` draws them on a screen and as an HTML file, `diapo_action` shows one
action in projector format), `deck_files` (the same slides as files: `deck_model` shared by
the `deck_pptx` PowerPoint writer and the `deck_pdf` PDF printer). `views` holds one module per
page: a frozen dataclass naming everything the page shows and the one pure function that builds
it, callable from a test without Streamlit. This package never computes a figure itself (that is
`metrics`) and never imports streamlit (that is `ui` and the pages).
"""

# Submodules are imported by name (`from dashboard.present import views`, `… import comite`): the
# command line builds a deck without loading the pages' views.
