"""The PowerPoint deck's charts carry an alternative text (PowerPoint's « Texte de remplacement »): the
slide's message and the figures its chart shows, the same words as the chart's accessible name on the page."""

from __future__ import annotations

import io

from pptx import Presentation

from dashboard import metrics
from dashboard.present import alternatives, comite, deck_files
from dashboard.suivi import store

AS_OF = "2025-06-30"


def test_every_pptx_chart_has_the_alternative_text_of_its_figure(plan):
    plan_h = metrics.apply_hypotheses(plan)
    deck = comite.slides(plan_h, store.Suivi(), as_of=AS_OF)
    prs = Presentation(io.BytesIO(deck_files.deck_pptx(deck, deck_files.deck_info(plan_h, AS_OF))))
    with_figure = [(m, s) for m, s in zip(deck, list(prs.slides)[1:-1], strict=True) if m.figure is not None]
    assert with_figure
    for message, slide in with_figure:
        (shape,) = [sh for sh in slide.shapes if sh.has_chart or sh.shape_type == 13]  # chart or picture
        descr = shape._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
        assert descr == alternatives.figure_alt(message.figure, message.titre)
        assert alternatives.plain(message.titre) in descr  # the slide's message, then its figures
        assert descr.startswith("Graphique") and "Voir les données" not in descr
    budget = next(s for m, s in with_figure if m.key == "budget")
    descr = next(sh for sh in budget.shapes if sh.has_chart)._element.xpath("./*[1]/p:cNvPr")[0].get("descr")
    assert "Axe 1" in descr and "€" in descr  # the budget per axe, in euros
