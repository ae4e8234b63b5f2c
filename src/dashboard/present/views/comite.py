"""Présentation au comité: the slides the page and the projector show, and the files' shared words.

Builds the page's `DeckView` from the plan (its hypotheses applied here, as for the deck files) and
the follow-up values: the slides (`present.comite.slides`), each chart twice — sized by the screen
and with doubled text for a 4K projector — and what the title slide and the file names say. One
action in projector format is `action`. It never imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from dashboard import fmt, metrics
from dashboard.plan import Plan
from dashboard.present import comite, deck_files, deck_html, deck_model, diapo_action, plan_changes
from dashboard.suivi.store import Suivi


@dataclass(frozen=True)
class DeckView:
    """What the Comité page and the projector mode show (the session's filters and hypotheses applied)."""

    slides: tuple[comite.Slide, ...]
    figures: dict[str, go.Figure]       # slide key → its chart at the screen's height
    big_figures: dict[str, go.Figure]   # the same with every text twice as big (4K screens)
    info: deck_files.DeckInfo           # the title slide's words, for the PowerPoint and PDF files
    titre: str                          # the HTML deck's title
    sous_titre: str
    file_stem: str                      # comite_2026-12-06 (+ .html, .pptx, .pdf): the comité's date

    def html(self) -> str:
        """The HTML deck, its title screen as the PowerPoint and PDF files' (comité's date, situation,
        demonstration data)."""
        return deck_html.deck_html(list(self.slides), self.titre, self.info.sous_titre, demo=self.info.demo,
                                   lignes=(self.info.presente, self.info.situation))


def build(plan: Plan, statuts: pd.DataFrame | None, indicateurs: pd.DataFrame | None, demo: bool,
          today: str, reference: Plan | None = None, ref_label: str = "", cur_label: str = "",
          filters: metrics.Filters | None = None, hypotheses: dict | None = None, date_comite=None,
          depuis=None) -> DeckView:
    """Every slide and its charts, for the plan and the follow-up values at `today` (ISO date);
    `reference` (the voted plan, when another version is in force) adds « ce qui a changé »;
    `filters` and `hypotheses` (those set on the pilotage pages; None: the whole plan, the workbook's);
    `date_comite` (the comité's date, when known): « Présenté au comité de direction le … » and the
    files' names (without it, the files are named by the date of the figures and say no comité date);
    `depuis` (metrics.depuis.Depuis: what changed since the previous comité) adds its slide."""
    from dashboard.present.depuis import slide_depuis  # noqa: PLC0415  (it reads the store's modules)

    changes = (plan_changes.slide_changes(reference, plan, ref_label, cur_label)
               if reference is not None else None)
    filters = filters or metrics.Filters()
    plan = metrics.filter_plan(metrics.apply_hypotheses(plan, hypotheses), filters)
    suivi = Suivi(indicateurs=indicateurs, statuts=statuts, demo=demo)
    as_of = pd.Timestamp(today)
    deck = comite.slides(plan, suivi, as_of=as_of, changes=changes,
                         depuis=slide_depuis(depuis) if depuis is not None else None)
    figures = {s.key: deck_html.fill_height(s.figure) for s in deck if s.figure is not None}
    first, last = plan.periode
    return DeckView(
        slides=tuple(deck), figures=figures, big_figures={k: deck_html.scaled(f, 2) for k, f in figures.items()},
        info=deck_files.deck_info(plan, as_of, demo, filters.axes, date_comite=date_comite),
        titre=f"Schéma de développement touristique {first}-{last} : point d'étape",
        sous_titre=(deck_model.presente_text(date_comite) or f"Situation au {fmt.jour(as_of)}"),
        file_stem=deck_model.file_stem(date_comite, as_of),
    )


def perimetre(plan: Plan, filters: metrics.Filters | None, hypotheses: dict | None) -> str:
    """What the deck counts, in a sentence: the whole plan or the filters, the workbook's hypotheses or
    the values set."""
    filters = filters or metrics.Filters()
    parts = []
    for name, chosen in (("axe", filters.axes), ("enjeu", filters.enjeux), ("maîtrise d'ouvrage", filters.porteurs)):
        if chosen:
            parts.append(f"{name} {', '.join(str(c) for c in chosen)}")
    scope = ("Actions retenues par les filtres de la barre latérale (" + " ; ".join(parts) + ")"
             if parts else "Le plan entier")
    defaults = metrics.hypothesis_defaults(plan)
    changed = {k: v for k, v in (hypotheses or {}).items() if k in defaults and v != defaults[k]}
    hyp = ("hypothèses du classeur appliquées" if not changed else "hypothèses réglées sur la page Budget : "
           + " ; ".join(f"action {a}, {p} = {'non fixé' if v is None else fmt.nombre(v, 2)}"
                        for (a, p), v in changed.items()))
    return f"{scope}, {hyp} ; la présentation et ses fichiers suivent les mêmes réglages."


def action(plan: Plan, statuts: pd.DataFrame | None, indicateurs: pd.DataFrame | None, action_id: int,
           today: str) -> diapo_action.ActionDiapo | None:
    """One action in projector format; None when the plan has no such action."""
    suivi = Suivi(indicateurs=indicateurs, statuts=statuts)
    return diapo_action.action_diapo(metrics.apply_hypotheses(plan), action_id, suivi, as_of=pd.Timestamp(today))
