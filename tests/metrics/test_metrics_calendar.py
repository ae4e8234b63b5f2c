"""Calendar, slippage and late flag: pure functions on small hand-made plans."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import metrics
from dashboard.plan import Plan

NaT = pd.NaT
T = pd.Timestamp


def make_plan(calendar_rows, periode=(2023, 2025), actions=None) -> Plan:
    """Axe 1: actions 1-3; axe 2: actions 4-5. calendar_rows: (action_id, jalon, debut, fin, recurrence,
    precision, extrait); actions: optional {action_id: calendrier text}."""
    texts = actions or {}
    acts = pd.DataFrame({
        "action_id": pd.array([1, 2, 3, 4, 5], dtype="Int64"),
        "axe": pd.array([1, 1, 1, 2, 2], dtype="Int64"),
        "enjeu": ["1.1", "1.1", "1.2", "", ""],
        "titre": ["Signalétique", "Guide de randonnée", "Escape-game", "Accueil presse", "Site internet"],
        "maitrise_ouvrage": ["Communauté d'agglomération", "Conseil Départemental", "Office de tourisme",
                             "Office de tourisme", "Office de tourisme et Ville d'Auch"],
        "calendrier": [texts.get(i, "") for i in range(1, 6)],
        "categorie_budget": "à définir",
    })
    for col in ("presentation", "objectifs", "conditions", "publics", "partenaires", "budget_previsionnel",
                "indicateurs"):
        acts[col] = ""
    cal = pd.DataFrame(list(calendar_rows), columns=["action_id", "jalon", "debut_prevu", "fin_prevue",
                                                     "recurrence", "precision", "extrait"])
    cal = cal.astype({"action_id": "Int64", "jalon": str, "recurrence": str, "precision": str, "extrait": str})
    cal["debut_prevu"] = pd.to_datetime(cal["debut_prevu"])
    cal["fin_prevue"] = pd.to_datetime(cal["fin_prevue"])
    axes = pd.DataFrame({"axe": pd.array([1, 2], dtype="Int64"), "libelle": ["Offre", "Promotion"]})
    enjeux = pd.DataFrame({"enjeu": ["1.1", "1.2"], "axe": pd.array([1, 1], dtype="Int64"), "libelle": ["A", "B"]})
    empty = pd.DataFrame({"action_id": pd.array([], dtype="Int64")})
    return Plan(axes=axes, enjeux=enjeux, actions=acts, budget=empty, etp=empty, calendrier=cal,
                indicateurs=empty, hypotheses=empty, capacite=pd.DataFrame(), periode=periode, source="test")


# action 1: one-off 2024 (ends 30/06/2024); 2: two jalons, ends 31/12/2023; 3: estivale over the period;
# 4: à définir; 5: no calendar row at all.
CALENDAR = [
    (1, "Pose des panneaux", "2024-01-01", "2024-06-30", "aucune", "saison", "Printemps 2024"),
    (2, "Lancement", "2023-01-01", "2023-03-31", "aucune", "trimestre", "Lancement en 2023"),
    (2, "Livraison", "2023-10-01", "2023-12-31", "aucune", "trimestre", "livraison fin 2023 ?"),
    (3, "Saison", "2023-06-01", "2025-09-30", "estivale", "saison", "Annuel (estival)"),
    (4, "Démarche", None, None, "aucune", "à définir", "A définir"),
]
TEXTS = {1: "Printemps 2024", 2: "Lancement en 2023, livraison fin 2023 ?", 3: "Annuel (estival)",
         4: "A définir", 5: ""}


@pytest.fixture(scope="module")
def cal_plan() -> Plan:
    return make_plan(CALENDAR, actions=TEXTS)


def statuts(*rows) -> pd.DataFrame:
    """rows: (action_id, statut, debut_reel, fin_reelle, fin_revisee, commentaire)."""
    df = pd.DataFrame(list(rows), columns=["action_id", "statut", "debut_reel", "fin_reelle", "fin_revisee",
                                           "commentaire"])
    df.insert(1, "annee", 2024)
    for c in ("debut_reel", "fin_reelle", "fin_revisee"):
        df[c] = pd.to_datetime(df[c])
    return df


def test_months_between_is_signed_and_rounded():
    assert metrics.months_between(T("2024-06-30"), T("2024-12-31")) == round(184 / (365.25 / 12), 1) == 6.0
    assert metrics.months_between(T("2024-06-30"), T("2024-03-31")) == -3.0
    assert math.isnan(metrics.months_between(NaT, T("2024-03-31")))


def test_action_label_truncates_long_titles():
    assert metrics.action_label(11, "Gérer l'aire") == "11 · Gérer l'aire"
    label = metrics.action_label(15, "Gérer le service de location de vélo à assistance électrique", width=20)
    assert label == "15 · Gérer le service de…"
    assert metrics.action_label(21, "") == "21 · (sans titre)"


def test_planned_periods(cal_plan):
    pp = metrics.planned_periods(cal_plan).set_index("action_id")
    assert list(pp.index) == [1, 2, 3, 4, 5]
    assert pp.loc[2, "debut_prevu"] == T("2023-01-01") and pp.loc[2, "fin_prevue"] == T("2023-12-31")
    assert pp.loc[3, "recurrence"] == "estivale" and pp.loc[3, "fin_prevue"] == T("2025-09-30")
    assert pd.isna(pp.loc[4, "fin_prevue"]) and not pp.loc[4, "datee"] and not pp.loc[5, "datee"]
    assert pp.loc[5, "porteur"] == "Office de tourisme, Ville d'Auch"
    assert pp.loc[2, "label"] == "2 · Guide de randonnée"


def test_segments_recurring_band_and_seasons(cal_plan):
    seg = metrics.calendar_segments(cal_plan)
    three = seg[seg["action_id"] == 3]
    assert list(three["forme"]) == ["récurrent", "saison", "saison", "saison"]
    seasons = three[three["forme"] == "saison"]
    assert list(seasons["debut"]) == [T("2023-06-01"), T("2024-06-01"), T("2025-06-01")]
    assert list(seasons["fin"]) == [T("2023-09-30"), T("2024-09-30"), T("2025-09-30")]
    assert set(seg["action_id"]) == {1, 2, 3}  # 4 (à définir) and 5 (no row) have no bar


def test_segment_open_end_runs_to_period_end_and_reversed_row_is_skipped():
    plan = make_plan([(1, "Programmation", "2024-01-01", None, "aucune", "année", "à partir de 2024"),
                      (2, "Erreur", "2024-06-30", "2024-01-01", "aucune", "mois", "juin 2024")])
    seg = metrics.calendar_segments(plan)
    assert len(seg) == 1
    assert seg.iloc[0]["forme"] == "fin non précisée" and seg.iloc[0]["fin"] == T("2025-12-31")
    an = metrics.calendar_anomalies(plan)
    assert set(an["type"]) >= {"fin non précisée", "fin avant le début"}
    assert pd.isna(metrics.planned_periods(plan).set_index("action_id").loc[1, "fin_prevue"])


def test_undated_items_keep_the_plans_words(cal_plan):
    u = metrics.undated_items(cal_plan)
    assert list(u["action_id"]) == [4, 5]
    assert list(u["extrait"]) == ["A définir", ""]
    assert list(u["motif"]) == ["à définir", "calendrier vide dans le plan"]


def test_undated_row_without_the_word_definir_is_sans_date():
    plan = make_plan([(1, "DSP", None, None, "aucune", "à définir", "Relance d'une DSP")])
    assert metrics.undated_items(plan).set_index("action_id").loc[1, "motif"] == "sans date"
    an = metrics.calendar_anomalies(plan)
    assert an.loc[an["action_id"] == 1, "type"].tolist() == ["sans date"]


def test_anomalies_out_of_period_doubt_and_empty():
    plan = make_plan(
        [(1, "Balisage", None, None, "aucune", "à définir", "2016-2018"),
         (2, "Lancement", "2022-11-01", "2022-11-30", "aucune", "mois", "Lancement en novembre 2022"),
         (3, "Refonte", "2024-01-01", "2024-12-31", "aucune", "année", "2024 ?"),
         (4, "Démarche", None, None, "aucune", "à définir", "A définir")],
        actions={1: "2016-2018", 2: "Lancement en novembre 2022", 3: "2024 ?", 4: "A définir"})
    an = metrics.calendar_anomalies(plan)
    got = {(int(r.action_id), r.type, r.extrait) for r in an.itertuples()}
    assert got == {(1, "hors période", "2016-2018"), (2, "hors période", "Lancement en novembre 2022"),
                   (3, "date incertaine", "2024 ?"), (4, "à définir", "A définir"), (5, "calendrier vide", "")}
    assert "2016, 2018" in an.loc[an["action_id"] == 1, "detail"].iloc[0]


AS_OF = "2024-09-30"


@pytest.mark.parametrize(("label", "row", "late", "slip", "months_late", "situation"), [
    # action 1 ends (planned) 30/06/2024
    ("fin révisée plus tardive, dépassée", (1, "En cours", "2024-01-15", None, "2024-08-31", "retard fournisseur"),
     True, 2.0, 3.0, "en retard"),
    ("fin révisée plus tardive, à venir", (1, "Reportée", None, None, "2024-12-31", ""),
     True, 6.0, 3.0, "en retard"),
    ("réalisée en retard", (1, "Réalisée", "2024-01-15", "2024-08-31", None, ""), False, 2.0, None, "réalisée"),
    ("réalisée en avance", (1, "Réalisée", "2024-01-15", "2024-03-31", None, ""), False, -3.0, None, "réalisée"),
    ("abandonnée", (1, "Abandonnée", None, None, None, "plus de financement"), False, None, None, "abandonnée"),
    ("statut sans dates, fin prévue passée", (1, "En cours", None, None, None, ""), True, None, 3.0, "en retard"),
    ("non démarrée, fin passée", (1, "Non démarrée", None, None, None, ""), True, None, 3.0, "en retard"),
    ("récurrente en cours", (3, "En cours", "2023-06-01", None, None, ""), False, None, None, "dans les temps"),
    ("sans date dans le plan", (4, "En cours", None, None, None, ""), False, None, None, "dans les temps"),
    ("sans date, fin révisée passée", (4, "En cours", None, None, "2024-06-30", ""), True, None, 3.0, "en retard"),
    ("fin réelle avant le début réel", (1, "Réalisée", "2024-05-31", "2024-03-31", None, ""),
     False, -3.0, None, "réalisée"),
])
def test_slippage_and_late_flag(cal_plan, label, row, late, slip, months_late, situation):
    sch = metrics.schedule(cal_plan, statuts(row), AS_OF).set_index("action_id").loc[row[0]]
    assert bool(sch["en_retard"]) is late, label
    assert (math.isnan(sch["glissement_mois"]) if slip is None else sch["glissement_mois"] == slip), label
    assert (math.isnan(sch["retard_mois"]) if months_late is None else sch["retard_mois"] == months_late), label
    assert sch["situation"] == situation, label


def test_revised_end_past_too_is_flagged(cal_plan):
    sch = metrics.schedule(cal_plan, statuts((1, "En cours", None, None, "2024-08-31", "")), AS_OF)
    assert bool(sch.set_index("action_id").loc[1, "fin_revisee_depassee"])
    sch = metrics.schedule(cal_plan, statuts((1, "En cours", None, None, "2024-12-31", "")), AS_OF)
    assert not bool(sch.set_index("action_id").loc[1, "fin_revisee_depassee"])


def test_no_follow_up_means_no_late_action(cal_plan):
    sch = metrics.schedule(cal_plan, None, "2030-01-01")
    assert not sch["en_retard"].any() and set(sch["situation"]) == {"sans suivi"}
    assert metrics.late_actions(cal_plan, None, "2030-01-01").empty


def test_latest_year_wins_and_statut_spelling_is_tolerated(cal_plan):
    s = statuts((2, "en cours", None, None, None, "ancien"), (2, " réalisée ", None, "2023-12-15", None, "fini"))
    s.loc[0, "annee"], s.loc[1, "annee"] = 2025, 2024  # the 2025 row is the latest
    sch = metrics.schedule(cal_plan, s, AS_OF).set_index("action_id").loc[2]
    assert sch["statut"] == "En cours" and sch["commentaire"] == "ancien" and bool(sch["en_retard"])


FOLLOW_UP = statuts(
    (1, "En cours", None, None, "2024-08-31", "retard fournisseur"),  # late 3.0 months
    (2, "Non démarrée", None, None, None, "en attente du Département"),  # late: 31/12/2023 → 9.0 months
    (3, "En cours", None, None, None, ""),  # recurring, on time
    (5, "Réalisée", None, "2024-01-31", None, ""),
)


def test_status_counts_by_axe(cal_plan):
    counts = metrics.status_counts_by_axe(cal_plan, FOLLOW_UP, AS_OF).set_index("axe")
    assert counts.loc[1, ["en retard", "dans les temps", "réalisée", "sans suivi"]].tolist() == [2, 1, 0, 0]
    assert counts.loc[2, ["réalisée", "sans suivi", "en retard"]].tolist() == [1, 1, 0]
    assert counts["actions"].tolist() == [3, 2]
    assert list(counts.columns[1:8]) == list(metrics.SITUATIONS)


def test_late_actions_sorted_with_porteur_and_comment(cal_plan):
    late = metrics.late_actions(cal_plan, FOLLOW_UP, AS_OF)
    assert list(late["action_id"]) == [2, 1]
    assert list(late["retard_mois"]) == [9.0, 3.0]
    assert late.iloc[0]["porteur"] == "Conseil départemental"
    assert late.iloc[0]["commentaire"] == "en attente du Département"
    # a later "situation au" date makes the same actions later
    assert list(metrics.late_actions(cal_plan, FOLLOW_UP, "2024-12-31")["retard_mois"]) == [12.0, 6.0]


def test_calendar_summary_is_json_ready(cal_plan):
    import json

    out = metrics.calendar_summary(cal_plan, FOLLOW_UP, AS_OF)
    json.dumps(out)
    assert out["statuts_par_axe"][1]["en retard"] == 2
    assert out["en_retard"][0] == {"action_id": 2, "titre": "Guide de randonnée", "porteur": "Conseil départemental",
                                   "statut": "Non démarrée", "mois_de_retard": 9, "fin_prevue": "2023-12-31",
                                   "fin_revisee": None}


def test_shipped_plan_calendar(plan):
    """The shipped workbook: every action has a row in the planned periods; the plan's known oddities show."""
    pp = metrics.planned_periods(plan)
    assert len(pp) == len(plan.actions)
    an = metrics.calendar_anomalies(plan)
    hors = an[an["type"] == "hors période"]
    assert "2016-2018" in set(hors["extrait"])
    assert set(an.loc[an["type"] == "date incertaine", "extrait"]) >= {"2026 ?", "2024 ?"}
    undated = metrics.undated_items(plan)
    assert set(undated.loc[~undated["action_datee"], "action_id"]) == set(pp.loc[~pp["datee"], "action_id"])


# --- summary / `python -m dashboard summary` carry the same figures ------------------------------

SHIPPED_STATUTS = pd.DataFrame({
    "action_id": [5, 22, 52], "annee": [2024, 2024, 2024], "statut": ["En cours", "Reportée", "Réalisée"],
    "debut_reel": pd.to_datetime([None, None, None]), "fin_reelle": pd.to_datetime([None, None, "2023-05-20"]),
    "fin_revisee": pd.to_datetime([None, "2024-06-30", None]), "commentaire": ["normes", "", ""],
})


def test_summary_command_adds_statuses_and_late_list(plan, monkeypatch, capsys):
    import json

    from dashboard.__main__ import main
    from dashboard.cli import reports
    from dashboard.suivi.store import Suivi

    monkeypatch.setattr(reports, "_summary_suivi", lambda engine, au=None: Suivi(statuts=SHIPPED_STATUTS))
    assert main(["summary", "--as-of", "2025-01-15", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["situation_au"] == "2025-01-15" and out["avancement_importe"] is True
    # action 5 planned end 30/06/2023 → 565 days; action 22 planned end 31/12/2023 → 381 days
    assert [(r["action_id"], r["mois_de_retard"]) for r in out["en_retard"]] == [(5, 18.6), (22, 12.5)]
    assert out["en_retard"][0]["porteur"] == "Office de tourisme"
    by_axe = {a["axe"]: a["statuts"] for a in out["axes"]}
    n_axe1 = int((plan.actions["axe"] == 1).sum())
    assert by_axe[1]["en retard"] == 1 and by_axe[1]["sans suivi"] == n_axe1 - 1
    assert by_axe[5]["réalisée"] == 1
    assert main(["summary", "--as-of", "2025-01-15"]) == 0
    text = capsys.readouterr().out
    assert "Actions en retard : 2" in text and "5 · Musée de la Résistance (Office de tourisme) : 18,6\u00a0mois" in text


def test_summary_without_follow_up_has_no_late_action(plan):
    s = metrics.summary(plan, None, "2030-01-01")
    assert s["en_retard"] == [] and s["avancement_importe"] is False
    assert all(a["statuts"]["sans suivi"] == a["actions"] for a in s["axes"])
