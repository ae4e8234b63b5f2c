"""The comité's slides (titles computed from the plan) and the HTML deck, on a small hand-made plan."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from present_builders import fr, small_plan

from dashboard import metrics
from dashboard.present import comite, deck_html, diapo_action, projector, textes
from dashboard.suivi.store import Suivi

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def plan_s():
    return metrics.apply_hypotheses(small_plan())


@pytest.fixture(scope="module")
def deck(plan_s):
    return comite.slides(plan_s, Suivi(), as_of="2025-01-01")


# --- Formats courts --------------------------------------------------------------------------

@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (1_141_500, 1_161_500, f"1,14 à 1,16{NBSP}M€"),    # 20 000 € wide: at 1 decimal « 1,1 à 1,2 », 100 000 € wide
    (1_801_500, 1_851_500, f"1,80 à 1,85{NBSP}M€"),    # both ends at the same precision
    (1_200_000, 1_660_000, f"1,2 à 1,7{NBSP}M€"),      # 460 000 € wide: 1 decimal keeps it true
    (1_200_000, 1_200_000, f"1,2{NBSP}M€"),
    (1_801_500, 1_820_000, fr(f"1 801 500 à 1 820 000{NBSP}€")),  # narrower than 2 × 0,01 M€: whole euros
    (127_000, 136_000, fr(f"127 000 à 136 000{NBSP}€")),
    (421_500, 1_500_000, fr(f"421 500{NBSP}€ à 1,5{NBSP}M€")),
    (0, 0, f"0{NBSP}€"),
])
def test_fourchette_courte(lo, hi, expected):
    assert textes.fourchette_courte(lo, hi) == expected


@pytest.mark.parametrize(("lo", "hi", "expected"), [
    (63.4, 62.7, f"63{NBSP}%"),
    (61.6, 63.4, f"62 à 63{NBSP}%"),
    (100, 100, f"100{NBSP}%"),
])
def test_pct_range(lo, hi, expected):
    assert textes.pct_range(lo, hi) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (None, (0, None)), ("", (0, None)), ("1", (0, None)), ("6", (5, None)), (["3"], (2, None)),
    ("7", (0, "La diapositive n° 7 n'existe pas (il y en a 6)")),
    ("0", (0, "La diapositive n° 0 n'existe pas")),
    ("deux", (0, "« deux » n'est pas un numéro de diapositive")),
])
def test_parse_slide_param(value, expected):
    index, message = comite.parse_slide_param(value, 6)
    assert index == expected[0]
    if expected[1] is None:
        assert message is None
    else:
        assert expected[1] in message


# --- Diapositives ----------------------------------------------------------------------------

def test_slides_order_and_shape(deck):
    assert [s.key for s in deck] == ["chiffres", "budget", "etp", "non_comptes", "calendrier", "indicateurs"]
    for s in deck:
        assert s.titre and s.legende
        assert (s.figure is not None) or len(s.chiffres) == 3   # one big chart or three big figures


def test_titles_are_hand_computations(deck):
    # budget over 2023-2028: action 4 one-off 5 000-10 000; action 11: 20 000 × 6 years + 1 000-3 000 × 2 years;
    # the "par parcours" line has no quantity (out of the totals)
    by = {s.key: s for s in deck}
    assert by["chiffres"].titre == fr(f"3 actions sur 2 axes pour 2023-2028 : 127 000 à 136 000{NBSP}€ chiffrés.")
    assert [c.valeur for c in by["chiffres"].chiffres] == [
        "3", fr(f"5 000 à 10 000{NBSP}€"), fr(f"21 000 à 23 000{NBSP}€")]
    assert by["budget"].titre == fr(f"127 000 à 136 000{NBSP}€ prévus sur 2023-2028, dont 100{NBSP}% sur l'axe 1.")
    assert "1 ligne « par unité » sans quantité fixée" in by["budget"].legende
    # ETP: action 11 0,5 + 0,1 (axe 1), action 30 0,25 (axe 3) → 0,6 / 0,85 = 71 %
    assert by["etp"].titre == f"0,85{NBSP}ETP prévus, dont 71{NBSP}% sur l'axe 1."
    assert by["non_comptes"].titre == "1 action sur 3 n'a pas de montant dans le plan."
    assert by["calendrier"].titre == "2 actions sur 3 ont un calendrier daté ; aucun suivi d'avancement importé à ce jour."
    assert by["indicateurs"].titre == "4 indicateurs à suivre ; aucun résultat importé à ce jour."


def test_figures_are_projector_sized(deck):
    for s in deck:
        if s.figure is None:
            continue
        layout = s.figure.layout
        assert layout.font.size >= 22 and layout.separators == ", "
        assert layout.xaxis.tickfont.size >= 22 and layout.yaxis.tickfont.size >= 22
        for trace in s.figure.data:
            if trace.text is not None and trace.textfont.size is not None:
                assert trace.textfont.size >= 22


def test_hypothesis_changes_the_budget_titles():
    plan = metrics.apply_hypotheses(small_plan(), {(4, "Quantité : parcours"): 2})   # 2 parcours × 50 000 €
    by = {s.key: s for s in comite.slides(plan)}
    assert by["budget"].titre.startswith(fr(f"227 000 à 236 000{NBSP}€ prévus"))
    assert "par unité" not in by["budget"].legende
    assert by["etp"].titre == f"0,85{NBSP}ETP prévus, dont 71{NBSP}% sur l'axe 1."   # staff unchanged


def test_slides_with_follow_up(plan_s):
    suivi = Suivi(
        indicateurs=pd.DataFrame({
            "indicateur_id": ["A11-1", "A11-2", "A11-1"], "annee": [2023, 2023, 2024],
            "resultat": [1234.0, 45.5, 1500.0], "objectif": [float("nan")] * 3,
            "commentaire": [""] * 3, "source": [""] * 3,
        }),
        statuts=pd.DataFrame({"action_id": [4, 11], "annee": [2024, 2024], "statut": ["En cours", "En cours"],
                              "debut_reel": [pd.NaT, pd.NaT], "fin_reelle": [pd.NaT, pd.NaT],
                              "fin_revisee": [pd.NaT, pd.NaT], "commentaire": ["", ""]}),
    )
    by = {s.key: s for s in comite.slides(plan_s, suivi, as_of="2025-01-01")}
    # action 4 was to end in June 2024 and is still "En cours"; action 11 runs to 2028
    assert by["calendrier"].titre == "1 action en retard au 01/01/2025, sur 2 actions suivies."
    assert by["calendrier"].figure is not None
    # 2024: only A11-1 has a result (1 of 4), up from 1 234 to 1 500 (hausse wanted)
    assert by["indicateurs"].titre == "1 indicateur sur 4 renseigné pour 2024 : 1 en progrès, 0 en recul sur un an."
    assert by["indicateurs"].figure is not None


# --- Diaporama HTML --------------------------------------------------------------------------

def test_deck_html_is_self_contained(deck):
    page = deck_html.deck_html(deck, "Schéma 2023-2028 : point d'étape", "Comité du 01/01/2025")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="fr">' in page
    assert not re.search(r"<script[^>]+src=", page)            # no script fetched: opens offline
    assert "Plotly" in page and len(page) > 1_000_000          # plotly.js inline
    assert page.count("<section") == len(deck) + 1            # a cover, then one section per slide
    assert "Schéma 2023-2028 : point d&#x27;étape" in page
    for i, s in enumerate(deck, start=1):
        assert f'id="diapo-{i}"' in page
        assert html.escape(s.titre) in page
        assert html.escape(s.legende) in page
    assert page.count('class="plotly-graph-div"') == sum(s.figure is not None for s in deck)
    # each chart named for screen readers: its kind, the slide's message, its figures
    names = re.findall(r'<div class="fig" role="img" aria-label="([^"]+)">', page)
    assert len(names) == sum(s.figure is not None for s in deck)
    budget = next(n for n, s in zip(names, [s for s in deck if s.figure is not None], strict=True) if s.key == "budget")
    assert budget.startswith("Graphique en barres. ") and "Axe 1" in budget


def test_demo_follow_up_is_said_on_its_slides(plan_s):
    by = {s.key: s for s in comite.slides(plan_s, Suivi(demo=True))}
    assert by["calendrier"].legende.endswith(comite.DEMO_NOTE) and by["indicateurs"].legende.endswith(comite.DEMO_NOTE)
    assert comite.DEMO_NOTE not in by["budget"].legende          # the plan's own figures are real


# --- Projecteur : listes nommées, une action en grand, tailles -------------------------------

def _suivi_action_4_late(demo: bool = False) -> Suivi:
    """Action 4 (planned end 30/06/2024) still « En cours », action 11 (to 2028) too; A11-1 down in 2024."""
    return Suivi(
        indicateurs=pd.DataFrame({
            "indicateur_id": ["A11-1", "A11-1"], "annee": [2023, 2024], "resultat": [1500.0, 1234.0],
            "objectif": [float("nan"), 1600.0], "commentaire": [""] * 2, "source": [""] * 2,
        }),
        statuts=pd.DataFrame({"action_id": [4, 11], "annee": [2024, 2024], "statut": ["En cours", "En cours"],
                              "debut_reel": [pd.NaT, pd.NaT], "fin_reelle": [pd.NaT, pd.NaT],
                              "fin_revisee": [pd.NaT, pd.NaT], "commentaire": ["", ""]}),
        demo=demo,
    )


def test_late_list_slide_names_each_late_action(plan_s):
    deck = comite.slides(plan_s, _suivi_action_4_late(), as_of="2025-01-01")
    assert [s.key for s in deck] == ["chiffres", "budget", "etp", "non_comptes", "calendrier", "retards", "indicateurs"]
    by = {s.key: s for s in deck}
    # 30/06/2024 → 01/01/2025: 185 days / (365,25 / 12) = 6,08 months
    late = comite.Item(4, f"n°{NBSP}4 Créer des parcours numériques", f"Axe 1 · 6,1{NBSP}mois de retard")
    assert by["retards"].items == (late,)
    assert by["retards"].titre == f"L’action en retard au 01/01/2025, n°{NBSP}4, a 6,1{NBSP}mois de retard."
    assert by["calendrier"].items == (late,)          # the summary slide opens the same action
    # the par-parcours line without quantity is what the total leaves out beyond the categories
    assert [(i.action_id, i.detail.split(",")[0]) for i in by["non_comptes"].items] == [(4, "montant par parcours")]
    # A11-1 went down from 1 500 to 1 234 (hausse wanted): the indicators slide names it
    assert [(i.action_id, i.label) for i in by["indicateurs"].items] == [(11, "A11-1 Nombre de nuitées")]


def test_no_late_list_without_late_action(plan_s):
    assert "retards" not in [s.key for s in comite.slides(plan_s, _suivi_action_4_late(), as_of="2024-01-01")]
    assert comite.slide_retards(plan_s, None) is None


def test_late_list_is_flagged_demo(plan_s):
    by = {s.key: s for s in comite.slides(plan_s, _suivi_action_4_late(demo=True), as_of="2025-01-01")}
    assert by["retards"].legende.endswith(comite.DEMO_NOTE)


def test_action_diapo_in_projector_format(plan_s):
    a = diapo_action.action_diapo(plan_s, 11, _suivi_action_4_late(), as_of="2025-01-01")
    assert a.titre == f"n°{NBSP}11 Gérer de l'aire de camping-cars de l'île Saint-Martin"
    assert a.cadre == "Axe 1 – Médiation · Enjeu 1.3 – Gérer les équipements"
    # 20 000 €/an + 1 000 à 3 000 €/an → 21 000 – 23 000 €/an; 0,5 + 0,1 ETP
    assert [c.valeur for c in a.chiffres] == [fr(f"21 000 – 23 000{NBSP}€/an"), f"0,6{NBSP}ETP", "En cours"]
    assert a.calendrier == ("Gestion de l'aire : 2023 – 2028 (annuelle)",)
    assert a.indicateurs[0] == fr("Nombre de nuitées : 1 234 en 2024 (objectif 1 600)")
    assert a.indicateurs[1] == "Taux d'occupation : aucun résultat importé"
    assert a.alerte == ""
    late = diapo_action.action_diapo(plan_s, 4, _suivi_action_4_late(), as_of="2025-01-01")
    assert late.alerte == f"En retard de 6,1{NBSP}mois au 01/01/2025"
    assert late.chiffres[0].valeur == fr(f"5 000 – 10 000{NBSP}€ + 50 000{NBSP}€ par parcours")
    assert diapo_action.action_diapo(plan_s, 99) is None


@pytest.mark.parametrize(("text", "width", "expected"), [
    ("Animer les locaux", 60, "Animer les locaux"),
    ("Suivre le chantier de requalification des thermes", 30, "Suivre le chantier de…"),
    ("", 30, ""),
])
def test_short_text_cuts_at_a_word(text, width, expected):
    assert textes.short_text(text, width) == expected


def test_screen_figures_fill_their_box_and_grow_for_4k(deck):
    fig = next(s.figure for s in deck if s.key == "budget")
    filled = deck_html.fill_height(fig)
    assert filled.layout.height is None and fig.layout.height is not None     # the slide's own figure untouched
    big = deck_html.scaled(filled, 2)
    assert big.layout.font.size == 2 * fig.layout.font.size
    assert big.layout.xaxis.tickfont.size == 2 * projector.TICK_SIZE
    assert big.data[1].textfont.size == 2 * projector.FONT_SIZE
    assert filled.layout.xaxis.tickfont.size == projector.TICK_SIZE              # the copy did not change it
    assert fig.layout.xaxis.automargin and fig.layout.yaxis.automargin        # tick labels never clipped
