"""The pilotage pages' settings in the address: read back as written, invalid values left out with a
French message naming the parameter and the value."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "metrics"))
from metrics_builders import make_plan  # noqa: E402

from dashboard import metrics  # noqa: E402
from dashboard.present import adresse  # noqa: E402

HYPS = [("Quantité : parcours", float("nan"), 1), ("Part : Office de tourisme", 20.0, 2)]


@pytest.fixture(scope="module")
def plan():
    return make_plan(hypotheses=HYPS)


def test_each_hypothesis_has_a_plain_parameter(plan):
    assert adresse.hypothesis_params(plan) == {"h1_quantite_parcours": (1, "Quantité : parcours"),
                                               "h2_part_office_de_tourisme": (2, "Part : Office de tourisme")}


def test_the_shipped_plans_hypotheses_are_the_documented_parameters():
    from dashboard.plan import load_plan
    shipped = load_plan(Path(__file__).resolve().parents[2] / "data" / "plan_2023_2028.xlsx")
    assert set(adresse.hypothesis_params(shipped)) == {"h4_quantite_parcours", "h9_part_office_de_tourisme"}
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "h4_quantite_parcours" in readme and "h9_part_office_de_tourisme" in readme


@pytest.mark.parametrize(("filters", "hyps", "params"), [
    (metrics.Filters(), {}, {}),
    (metrics.Filters(axes=(1, 2)), {}, {"axe": "1,2"}),
    (metrics.Filters(enjeux=("1.2",), porteurs=("Office de tourisme",)), {}, {"enjeu": "1.2", "porteur": "Office de tourisme"}),
    (metrics.Filters(axes=(2,)), {(1, "Quantité : parcours"): 2.0}, {"axe": "2", "h1_quantite_parcours": "2"}),
    (metrics.Filters(), {(1, "Quantité : parcours"): 2.5, (2, "Part : Office de tourisme"): None},
     {"h1_quantite_parcours": "2.5", "h2_part_office_de_tourisme": ""}),
])
def test_settings_written_then_read_back_are_the_same(plan, filters, hyps, params):
    written = adresse.ecrire(plan, filters, hyps)
    assert written == params
    back = adresse.lire(plan, written)
    assert back.filters == filters and back.hypotheses == hyps and back.avertissements == ()


def test_a_hypothesis_at_the_workbooks_value_is_not_written(plan):
    assert adresse.ecrire(plan, metrics.Filters(), {(1, "Quantité : parcours"): None,
                                                    (2, "Part : Office de tourisme"): 20.0}) == {}


def test_decimal_comma_repeated_and_mixed_case_values_are_understood(plan):
    r = adresse.lire(plan, {"axe": ["1", "2,1"], "porteur": "office de tourisme", "h1_quantite_parcours": "1,5"})
    assert r.filters == metrics.Filters(axes=(1, 2), porteurs=("Office de tourisme",))
    assert r.hypotheses == {(1, "Quantité : parcours"): 1.5}
    assert r.avertissements == ()


@pytest.mark.parametrize(("params", "kept", "message"), [
    ({"axe": "1,9"}, metrics.Filters(axes=(1,)), "Adresse : « axe=9 » ignoré (axes du plan : 1, 2)."),
    ({"axe": "deux"}, metrics.Filters(), "Adresse : « axe=deux » ignoré (axes du plan : 1, 2)."),
    ({"enjeu": "7.7"}, metrics.Filters(), "Adresse : « enjeu=7.7 » ignoré (enjeu inconnu du plan, par exemple « 1.1 »)."),
    ({"porteur": "Mairie de Paris"}, metrics.Filters(),
     "Adresse : « porteur=Mairie de Paris » ignoré (maîtrise d'ouvrage inconnue du plan)."),
])
def test_an_unknown_filter_value_is_left_out_and_said(plan, params, kept, message):
    r = adresse.lire(plan, params)
    assert r.filters == kept
    assert r.avertissements == (message,)


@pytest.mark.parametrize(("params", "message"), [
    ({"h1_quantite_parcours": "beaucoup"},
     "Adresse : « h1_quantite_parcours=beaucoup » ignoré (une quantité positive ou nulle est attendue)."),
    ({"h1_quantite_parcours": "-2"},
     "Adresse : « h1_quantite_parcours=-2 » ignoré (une quantité positive ou nulle est attendue)."),
    ({"h1_quantite_parcours": "inf"},   # float() reads « inf » and « nan »: not a quantity
     "Adresse : « h1_quantite_parcours=inf » ignoré (une quantité positive ou nulle est attendue)."),
    ({"h2_part_office_de_tourisme": "nan"},
     "Adresse : « h2_part_office_de_tourisme=nan » ignoré (un pourcentage de 0 à 100 est attendu)."),
    ({"h2_part_office_de_tourisme": "150"},
     "Adresse : « h2_part_office_de_tourisme=150 » ignoré (un pourcentage de 0 à 100 est attendu)."),
    ({"h7_inconnu": "3"}, "Adresse : « h7_inconnu=3 » ignoré (aucune hypothèse de ce nom dans le classeur ; "
                          "paramètres connus : h1_quantite_parcours, h2_part_office_de_tourisme)."),
])
def test_an_invalid_hypothesis_is_left_out_and_said(plan, params, message):
    r = adresse.lire(plan, {**params, "axe": "2"})
    assert r.hypotheses == {}
    assert r.filters == metrics.Filters(axes=(2,))  # the rest of the address still applies
    assert r.avertissements == (message,)


def test_other_parameters_are_neither_read_nor_dropped(plan):
    params = {"action": "11", "diapo": "2", "axe": "1", "h1_quantite_parcours": "3"}
    assert adresse.lire(plan, params).avertissements == ()
    assert adresse.sans_reglages(params) == {"action": "11", "diapo": "2"}
