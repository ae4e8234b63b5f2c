"""The comité's deck with the session's filters and hypotheses (those of the pilotage pages)."""

from __future__ import annotations

from dashboard import metrics
from dashboard.present import views
from dashboard.present.textes import fourchette_courte as courte


def test_the_deck_counts_the_filtered_axe_with_the_hypotheses_set(plan):
    whole = views.comite.build(plan, None, None, False, "2026-12-06")
    # the whole plan with the workbook's hypotheses: 1 801 500 – 1 851 500 € over the period
    assert whole.slides[0].titre == f"53 actions sur 5 axes pour 2023-2028 : {courte(1_801_500, 1_851_500)} chiffrés."
    v = views.comite.build(plan, None, None, False, "2026-12-06", filters=metrics.Filters(axes=(2,)),
                           hypotheses={(4, "Quantité : parcours"): 2.0})
    # axe 2 alone: 12 actions, A30 « 50 000 € par an » × 6 years (action 4's parcours are on axe 1)
    assert v.slides[0].titre == f"12 actions sur 1 axe pour 2023-2028 : {courte(300_000, 300_000)} chiffrés."
    assert v.info.axes == (2,)
    assert v.info.sous_titre.endswith("· axe 2")


def test_the_deck_says_what_it_counts(plan):
    assert views.comite.perimetre(plan, None, None) == (
        "Le plan entier, hypothèses du classeur appliquées ; la présentation et ses fichiers suivent les mêmes réglages.")
    assert views.comite.perimetre(plan, metrics.Filters(axes=(1, 3), porteurs=("Communes",)),
                                  {(4, "Quantité : parcours"): 2.0, (9, "Part : Office de tourisme"): None}) == (
        "Actions retenues par les filtres de la barre latérale (axe 1, 3 ; maîtrise d'ouvrage Communes), "
        "hypothèses réglées sur la page Budget : action 4, Quantité : parcours = 2 ; la présentation et ses "
        "fichiers suivent les mêmes réglages.")


def test_the_hypotheses_set_change_the_decks_budget(plan):
    base = views.comite.build(plan, None, None, False, "2026-12-06", filters=metrics.Filters(axes=(1,)))
    more = views.comite.build(plan, None, None, False, "2026-12-06", filters=metrics.Filters(axes=(1,)),
                              hypotheses={(4, "Quantité : parcours"): 2.0})
    # axe 1: 1 141 500 – 1 161 500 € with the workbook's hypotheses; 2 parcours × 50 000 € more
    assert base.slides[0].titre == f"19 actions sur 1 axe pour 2023-2028 : {courte(1_141_500, 1_161_500)} chiffrés."
    assert more.slides[0].titre == f"19 actions sur 1 axe pour 2023-2028 : {courte(1_241_500, 1_261_500)} chiffrés."
