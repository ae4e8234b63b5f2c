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
    """What the Comité page and the projector mode show (the whole plan: no sidebar filter)."""

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
          date_comite=None) -> DeckView:
    """Every slide and its charts, for the plan and the follow-up values at `today` (ISO date);
    `reference` (the voted plan, when another version is in force) adds « ce qui a changé »;
    `date_comite` (the comité's date, when known): « Présenté au comité de direction le … » and the
    files' names (without it, the files are named by the date of the figures and say no comité date)."""
    changes = (plan_changes.slide_changes(reference, plan, ref_label, cur_label)
               if reference is not None else None)
    plan = metrics.apply_hypotheses(plan)
    suivi = Suivi(indicateurs=indicateurs, statuts=statuts, demo=demo)
    as_of = pd.Timestamp(today)
    deck = comite.slides(plan, suivi, as_of=as_of, changes=changes)
    figures = {s.key: deck_html.fill_height(s.figure) for s in deck if s.figure is not None}
    first, last = plan.periode
    return DeckView(
        slides=tuple(deck), figures=figures, big_figures={k: deck_html.scaled(f, 2) for k, f in figures.items()},
        info=deck_files.deck_info(plan, as_of, demo, date_comite=date_comite),
        titre=f"Schéma de développement touristique {first}-{last} : point d'étape",
        sous_titre=(deck_model.presente_text(date_comite) or f"Situation au {fmt.jour(as_of)}"),
        file_stem=deck_model.file_stem(date_comite, as_of),
    )


def action(plan: Plan, statuts: pd.DataFrame | None, indicateurs: pd.DataFrame | None, action_id: int,
           today: str) -> diapo_action.ActionDiapo | None:
    """One action in projector format; None when the plan has no such action."""
    suivi = Suivi(indicateurs=indicateurs, statuts=statuts)
    return diapo_action.action_diapo(metrics.apply_hypotheses(plan), action_id, suivi, as_of=pd.Timestamp(today))
