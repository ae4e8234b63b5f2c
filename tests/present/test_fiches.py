"""Pure functions behind the "Fiches actions" page, on small hand-made plans."""

from __future__ import annotations

import pandas as pd
import pytest
from present_builders import fr, small_plan

from dashboard.plan import Plan
from dashboard.present import fiche, fiches
from dashboard.suivi.store import Suivi

NA = pd.NA


@pytest.fixture(scope="module")
def plan_s() -> Plan:
    return small_plan()


# --- Recherche -------------------------------------------------------------------------------

@pytest.mark.parametrize(("query", "expected"), [
    ("", [4, 11, 30]),
    ("11", [11]),                       # a number is the action's number
    ("n° 30", [30]),
    ("action 4", [4]),
    ("camping", [11]),                  # title
    ("CAMPING-CARISTES", [11]),         # case
    ("ecoute", [30]),                   # accents ignored (écoute)
    ("mise en oeuvre", []),             # œ folded, but no fiche says it
    ("touristes", [4, 11]),             # publics
    ("CDT", [4]),                       # partenaires
    ("agglomération office", [4, 11, 30]),  # every word, from any field
    ("entretien nuitées", [11]),        # budget text + indicators
    ("budget constant", [30]),
    ("2024", [4]),                      # a number that is no action: searched as text
    ("vélo", []),
])
def test_search(plan_s, query, expected):
    assert list(fiches.search_actions(plan_s.actions, query)["action_id"]) == expected


@pytest.mark.parametrize(("text", "and_too", "expected"), [
    ("Population locale, excursionnistes et touristes", True, ["Population locale", "Excursionnistes", "Touristes"]),
    ("Population locale, excursionnistes et touristes", False, ["Population locale", "Excursionnistes et touristes"]),
    ("Touristes (camping-caristes)", True, ["Touristes (camping-caristes)"]),
    ("Collectivités partenaires et acteurs institutionnels (Conseil Régional, Région)", True,
     ["Collectivités partenaires", "Acteurs institutionnels (Conseil Régional, Région)"]),
    ("Conseil Départemental, CDT 32; autres OT du Gers", False, ["Conseil Départemental", "CDT 32", "Autres OT du Gers"]),
    ("", True, []),
    (None, True, []),
])
def test_split_list(text, and_too, expected):
    assert fiches.split_list(text, and_too) == expected


# --- Tableau ---------------------------------------------------------------------------------

def test_action_table(plan_s):
    t = fiches.action_table(plan_s).set_index("action_id")
    assert list(t.index) == [4, 11, 30]
    assert "statut" not in t.columns                      # no follow-up, no status column
    assert t.at[11, "budget"] == fr("21 000 – 23 000\u00a0€/an")   # 20 000 + 1 000..3 000 per year
    assert t.at[4, "budget"] == fr("5 000 – 10 000\u00a0€ + 50 000\u00a0€ par parcours")
    assert t.at[30, "budget"] == "—"                      # no line: the category column says why
    assert t.at[11, "etp"] == pytest.approx(0.6)
    assert pd.isna(t.at[4, "etp"])
    assert t.at[11, "budget_annuel_min"] == 21000 and t.at[11, "budget_annuel_max"] == 23000
    assert t.at[4, "budget_unique_max"] == 10000 and pd.isna(t.at[4, "budget_annuel_min"])
    assert t.at[11, "porteurs"] == "Office de tourisme, Ville d'Auch"   # budget line porteur added
    assert t.at[30, "porteurs"] == "Office de tourisme, Communauté d'agglomération"


def test_display_and_export_tables(plan_s):
    statuts = pd.DataFrame({"action_id": [11], "annee": [2024], "statut": ["En cours"]})
    t = fiches.action_table(plan_s, statuts)
    shown = fiches.display_table(t)
    assert list(shown.columns) == list(fiches.TABLE_HEADERS.values())
    row = shown.set_index("N°").loc[11]
    assert row["ETP"] == "0,6\u00a0ETP" and row["Statut"] == "En cours"
    assert shown.set_index("N°").loc[4, "Statut"] == fiches.NO_STATUS
    assert shown.set_index("N°").loc[30, "Enjeu"] == "—"
    exported = fiches.export_table(t)
    assert set(exported.columns) <= set(fiches.EXCEL_SPEC)
    assert exported.set_index("action_id").loc[11, "budget_annuel_max"] == 23000
    assert exported["etp"].dtype == float


def test_excel_download(plan_s):
    """The downloaded workbook: French headers on row 1, numbers as numbers, euro format."""
    import io

    from openpyxl import load_workbook

    from dashboard.present import export

    data = export.to_excel(fiches.export_table(fiches.action_table(plan_s)), sheet="Fiches actions",
                           overrides=fiches.EXCEL_SPEC)
    ws = load_workbook(io.BytesIO(data)).active
    headers = [c.value for c in ws[1]]
    assert headers[:4] == ["N°", "Axe", "Enjeu", "Titre"] and "Budget annuel max (€/an)" in headers
    row11 = next(r for r in ws.iter_rows(min_row=2) if r[0].value == 11)
    cell = row11[headers.index("Budget annuel max (€/an)")]
    assert cell.value == 23000 and "€" in cell.number_format
    assert row11[headers.index("ETP")].value == pytest.approx(0.6)
    assert ws.freeze_panes == "A2"


@pytest.mark.parametrize(("statuts", "expected"), [
    (None, {}),
    (pd.DataFrame({"action_id": [11, 11, 4], "annee": [2023, 2024, 2023],
                   "statut": ["Non démarrée", "En cours", "Réalisée"]}), {11: "En cours", 4: "Réalisée"}),
])
def test_statut_per_action(statuts, expected):
    assert fiches.statut_per_action(statuts).to_dict() == expected


# --- Facettes --------------------------------------------------------------------------------

def test_facets_and_filters(plan_s):
    f = fiches.facets(plan_s)
    assert fiches.facet_options(f, "public")[0] == "Touristes"   # actions 4 and 11
    assert "Excursionnistes" in fiches.facet_options(f, "public")
    assert set(fiches.facet_options(f, "categorie")) == {"chiffré", "à budget constant"}
    assert "CDT 32" in fiches.facet_options(f, "partenaire")
    ids = [4, 11, 30]
    assert fiches.filter_by_facets(ids, f, {"public": ["Touristes"]}) == [4, 11]
    assert fiches.filter_by_facets(ids, f, {"public": ["Touristes"], "porteur": ["Ville d'Auch"]}) == [11]
    assert fiches.filter_by_facets(ids, f, {"categorie": ["à budget constant"], "public": []}) == [30]
    assert fiches.filter_by_facets(ids, f, {"partenaire": ["Nobody"]}) == []


def test_public_variants_fold():
    plan = small_plan()
    a = plan.actions.copy()
    a.loc[a["action_id"] == 30, "publics"] = "excursionniste"
    f = fiches.facets(plan.with_frames(actions=a))
    publics = fiches.facet_options(f, "public")
    assert "Excursionnistes" in publics and "excursionniste" not in publics and "Excursionniste" not in publics
    assert fiches.filter_by_facets([4, 11, 30], f, {"public": ["Excursionnistes"]}) == [4, 30]


# --- Lien profond ----------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected_id", "message_has"), [
    (None, None, None),
    ("", None, None),
    ("11", 11, None),
    (" 4 ", 4, None),
    (["30"], 30, None),
    ("999", None, "L'action n° 999 n'existe pas"),
    ("18", None, "n'existe pas"),
    ("abc", None, "« abc » n'est pas un numéro d'action"),
    ("11.5", None, "n'est pas un numéro"),
])
def test_parse_action_param(value, expected_id, message_has):
    got, message = fiches.parse_action_param(value, [4, 11, 30])
    assert got == expected_id
    if message_has is None:
        assert message is None
    else:
        assert message_has in message


# --- Détail ----------------------------------------------------------------------------------

def test_action_detail(plan_s):
    d = fiche.action_detail(plan_s, 11)
    assert d.titre == "Gérer de l'aire de camping-cars de l'île Saint-Martin"
    assert (d.axe, d.axe_libelle, d.enjeu, d.enjeu_libelle) == (1, "Médiation", "1.3", "Gérer les équipements")
    assert [label for label, _ in d.fields] == [label for _, label in fiches.FIELDS]
    assert dict(d.fields)["Budget prévisionnel"] == ("20 000 € par an de frais de fonctionnement et d'entretien")
    assert dict(d.fields)["Conditions de mise en œuvre"] == ""
    assert list(d.budget["Montant"]) == [fr("20 000\u00a0€"), fr("1 000 – 3 000\u00a0€")]
    assert list(d.budget["Années"]) == ["2023 – 2028", "2025 – 2026"]   # blank years = the plan's period
    assert list(d.budget["Extrait du plan"])[0] == ("20 000 € par an de frais de fonctionnement et d'entretien")
    assert d.etp_total == pytest.approx(0.6)
    assert list(d.etp["ETP"]) == ["0,5\u00a0ETP", "0,1\u00a0ETP"]
    assert list(d.calendrier["Début prévu"]) == ["2023"]
    assert list(d.indicateurs["Identifiant"]) == ["A11-1", "A11-2", "A11-3"]
    assert d.statut is None


def test_action_detail_other_lines(plan_s):
    d = fiche.action_detail(plan_s, 4)
    b = d.budget.set_index("Poste")
    assert b.at["Parcours", "Périodicité"] == "par parcours" and b.at["Parcours", "Quantité"] == "inconnue"
    assert b.at["Étude", "Années"] == "2024" and b.at["Étude", "Périodicité"] == "ponctuel"
    assert list(d.calendrier["Début prévu"]) == ["mars 2024"]
    assert d.etp.empty and d.etp_total == 0
    assert fiche.action_detail(plan_s, 30).enjeu_libelle == ""
    assert fiche.action_detail(plan_s, 999) is None


def test_action_detail_with_follow_up(plan_s):
    suivi = Suivi(
        indicateurs=pd.DataFrame({
            "indicateur_id": ["A11-1", "A11-2", "A11-3", "A11-1", "A4-1"],
            "annee": [2023, 2023, 2023, 2024, 2023],
            "resultat": [1234.0, 45.5, 12000.0, 1500.0, 2.0],
            "objectif": [float("nan"), float("nan"), float("nan"), 1600.0, float("nan")],
            "commentaire": [""] * 5, "source": [""] * 5,
        }),
        statuts=pd.DataFrame({"action_id": [11], "annee": [2024], "statut": ["En cours"],
                              "debut_reel": [pd.Timestamp("2023-01-15")], "fin_reelle": [pd.NaT],
                              "fin_revisee": [pd.NaT], "commentaire": ["RAS"]}),
    )
    d = fiche.action_detail(plan_s, 11, suivi)
    ind = d.indicateurs.set_index("Identifiant")
    assert list(ind.columns[-3:]) == ["Résultat 2023", "Résultat 2024", "Objectif 2024"]
    assert ind.at["A11-1", "Résultat 2023"] == fr("1 234")
    assert ind.at["A11-2", "Résultat 2023"] == "45,5\u00a0%"
    assert ind.at["A11-3", "Résultat 2023"] == fr("12 000\u00a0€")
    assert ind.at["A11-2", "Résultat 2024"] == "—"
    assert ind.at["A11-1", "Objectif 2024"] == fr("1 600")
    assert d.statut["Statut"] == "En cours" and d.statut["Début réel"] == "15/01/2023"
    assert d.statut["Fin réelle"] == "—"
    assert d.situation == "dans les temps"                   # action 11 runs to 2028


def test_action_detail_late(plan_s):
    suivi = Suivi(statuts=pd.DataFrame({"action_id": [4], "annee": [2024], "statut": ["En cours"],
                                        "debut_reel": [pd.NaT], "fin_reelle": [pd.NaT], "fin_revisee": [pd.NaT],
                                        "commentaire": [""]}))
    d = fiche.action_detail(plan_s, 4, suivi, as_of="2025-01-01")
    # planned end 30/06/2024 (Printemps 2024), still "En cours" on 01/01/2025: 185 days = 6,1 months late
    assert d.situation == "en retard" and d.retard_mois == pytest.approx(6.1)
    assert fiche.action_detail(plan_s, 11, suivi).situation == ""   # no status for 11: no situation


@pytest.mark.parametrize(("x", "unite", "expected"), [
    (1, "oui/non", "oui"), (0, "oui/non", "non"), (float("nan"), "€", "—"), (0.5, "nombre", "0,5"),
    (1234567, "€", fr("1 234 567\u00a0€")),
])
def test_format_value(x, unite, expected):
    assert fiche.format_value(x, unite) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("20 000 € par an", "20 000 € par an"),
    ("5 $ et 10 $", "5 \\$ et 10 \\$"),
    ("- point\n* étoile", "\\- point  \n\\* étoile"),
    ("fin 2023 ? (saison)", "fin 2023 \\? \\(saison\\)"),
    (None, ""),
])
def test_md_escape(text, expected):
    assert fiche.md_escape(text) == expected


@pytest.mark.parametrize(("diapo", "retour", "expected"), [
    ("3", None, {"diapo": "3"}),
    ("3", "projecteur", {"diapo": "3", "mode": "projecteur"}),
    (["2", "5"], "", {"diapo": "5"}),
    (None, "projecteur", None), ("abc", None, None), ("0", None, None),
])
def test_deck_return(diapo, retour, expected):
    assert fiche.deck_return(diapo, retour) == expected
