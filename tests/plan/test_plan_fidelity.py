"""The shipped workbook says what the plan says: amounts, ETP, actions, verbatim excerpts.

The expected values below were written by hand from the plan's "Budget prévisionnel"
rubriques (../shared/seed/schema_developpement_touristique_2023-2028.txt), not from the workbook.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "schema_developpement_touristique_2023-2028.txt"

# action: (periodicity, min €, max €) per line — the plan's words in the comment.
BUDGET_BY_ACTION = {
    2: [("unique", 200_000, 200_000)],  # « 200 000 € »
    3: [("unique", 1_500, 1_500)],  # « Frais de formation 1 500 € »
    4: [("par unité", 50_000, 50_000)],  # « + 50 000 € par parcours »
    9: [("unique", 20_000, 40_000)],  # « 20 à 40 000 € dont x % pour l'office de tourisme »
    10: [("unique", 200_000, 200_000)],  # « 200 000 € »
    11: [("annuel", 20_000, 20_000)],  # « 20 000 € par an de frais de fonctionnement et d'entretien »
    12: [("annuel", 20_000, 20_000)],  # « 20 000 € de frais de fonctionnement » (action annuelle)
    13: [("annuel", 5_000, 5_000)],  # « 5 000 € par an pour l'embauche de l'animateur… »
    14: [("annuel", 5_000, 5_000)],  # idem
    17: [("annuel", 20_000, 20_000), ("annuel", 50_000, 50_000)],  # « Garçon La Note : 20 000 € Mardi de l'été : 50 000 € »
    30: [("annuel", 50_000, 50_000)],  # « 50 000 € par an »
    34: [("annuel", 5_000, 5_000)],  # « budget 5000 € par an pour les accueils »
    35: [("annuel", 5_000, 10_000)],  # « 5 à 10 000 € par an »
    55: [("annuel", 50_000, 50_000)],  # « + 50 000 € en ressources humaine (50% dédié à la missions) »
}

# action: ETP figures the plan states (None: a service named without a figure).
ETP_BY_ACTION = {
    1: [None],  # « ETP du service Pays d'art et d'histoire »
    30: [0.5],  # half of « 1 ETP mutualisé » (action 55's words)
    31: [0.5],  # « 0,5 ETP à l'office de tourisme »
    32: [0.1],  # « 0,1 ETP »
    34: [None],  # « Temps dédié »
    36: [0.1],  # « Ressources humaines de l'office 0,1 ETP »
    37: [1.0],  # « 1 ETP »
    38: [None],  # « 35h par an et par agent », number of agents not given
    47: [None],  # « Service commercial de l'office »
    48: [None],  # « Service commerciale »
    49: [0.1, 0.4],  # « 0,1 ETP de direction et 0,4 ETP pôle administratif »
    50: [0.2],  # « 0,2 ETP »
    53: [0.2],  # « 0,2 ETP pour l'animation de la démarche »
    55: [0.5],  # « (50% dédié à la missions) » of the 1 ETP
}

CATEGORIES = {  # a sample across every category, from the plan's words
    1: "ressources internes", 5: "à définir", 8: "non renseigné", 21: "à budget constant",
    26: "à budget constant", 19: "à définir", 31: "ressources internes", 44: "non renseigné", 2: "chiffré",
}


def test_actions_are_the_plans_53():
    from dashboard.plan import load_plan

    plan = load_plan(Path("data/plan_2023_2028.xlsx"))
    ids = sorted(plan.actions["action_id"].astype(int))
    assert ids == [n for n in range(1, 56) if n not in (18, 33)]
    assert len(plan.axes) == 5 and len(plan.enjeux) == 16
    assert plan.periode == (2023, 2028)
    assert (plan.actions.loc[plan.actions["axe"] == 3, "enjeu"] == "").all()
    assert plan.actions.set_index("action_id").loc[21, "titre"]  # given a title (see Lisez-moi)


@pytest.mark.parametrize("action_id, expected", sorted(BUDGET_BY_ACTION.items()))
def test_budget_lines_match_the_plan(plan, action_id, expected):
    lines = plan.budget[plan.budget["action_id"] == action_id]
    got = sorted((r.periodicite, r.montant_min, r.montant_max) for r in lines.itertuples())
    assert got == sorted(expected)


def test_no_budget_line_beyond_the_plans(plan):
    assert set(plan.budget["action_id"].astype(int)) == set(BUDGET_BY_ACTION)


@pytest.mark.parametrize("action_id, expected", sorted(ETP_BY_ACTION.items()))
def test_etp_lines_match_the_plan(plan, action_id, expected):
    got = [None if math.isnan(v) else v for v in plan.etp.loc[plan.etp["action_id"] == action_id, "etp"]]
    assert sorted(got, key=lambda v: (v is None, v)) == sorted(expected, key=lambda v: (v is None, v))


def test_no_etp_line_beyond_the_plans(plan):
    assert set(plan.etp["action_id"].astype(int)) == set(ETP_BY_ACTION)


@pytest.mark.parametrize("action_id, category", sorted(CATEGORIES.items()))
def test_budget_category(plan, action_id, category):
    assert plan.actions.set_index("action_id").loc[action_id, "categorie_budget"] == category


@pytest.mark.parametrize("action_id, names", [
    (11, ["Nombre de nuitées", "Taux d'occupation", "Chiffre d'affaires de l'aire"]),
    (20, ["Obtention de l'agrément", "Identification d'un nouveau gestionnaire", "Réalisation des travaux",
          "Réouverture des thermes"]),
])
def test_indicators_split_one_per_row(plan, action_id, names):
    rows = plan.indicateurs[plan.indicateurs["action_id"] == action_id]
    assert list(rows["indicateur"]) == names
    assert list(rows["indicateur_id"]) == [f"A{action_id}-{i}" for i in range(1, len(names) + 1)]


def test_milestones_are_jalons(plan):
    ind = plan.indicateurs.set_index("indicateur")
    assert ind.loc["Obtention du label", "type"] == "jalon"
    assert ind.loc["Arrêté de classement", "type"] == "jalon"


def _normalise(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s?\^\{([^}]*)\}", r"\1", text)
    return re.sub(r"\s+", " ", text)


@pytest.mark.skipif(not SEED.exists(), reason="le texte du plan (../shared/seed) n'est pas à côté du dépôt")
@pytest.mark.parametrize("sheet", ["budget", "etp", "calendrier", "indicateurs"])
def test_every_excerpt_is_the_plans_own_words(plan, sheet):
    text = _normalise(SEED.read_text(encoding="utf-8"))
    frame = getattr(plan, sheet)
    missing = [e for e in frame["extrait"] if e and _normalise(e) not in text]
    assert not missing


@pytest.mark.skipif(not SEED.exists(), reason="le texte du plan (../shared/seed) n'est pas à côté du dépôt")
def test_every_fiche_field_is_verbatim(plan):
    text = _normalise(SEED.read_text(encoding="utf-8"))
    fields = ["presentation", "objectifs", "conditions", "publics", "partenaires", "maitrise_ouvrage",
              "calendrier", "budget_previsionnel", "indicateurs"]
    missing = [(r["action_id"], f) for _, r in plan.actions.iterrows() for f in fields
               if r[f] and _normalise(r[f]) not in text]
    assert not missing
