"""Write the demonstration follow-up workbooks `data/demo/suivi_<année>.xlsx` (make demo).

The values are FICTITIOUS but plausible (fixed seed): counts for `nombre` indicators, amounts
for `€`, 0-100 for `%`, oui/non milestones reached one year or another, dates within the year;
statuses and real dates for every action (some done, some late, one postponed, one abandoned);
spending and staff time near the plan's own figures. Each file is the app's own template
(template.write_template) filled in, so it follows the follow-up contract exactly, and it is
labelled « démonstration » in its properties, its instructions sheet, and the Source and
Commentaire columns.

    python scripts/make_demo.py [--plan data/plan_2023_2028.xlsx] [--out data/demo] [--years 3]
"""

from __future__ import annotations

import argparse
import io
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from openpyxl.styles import Font, PatternFill

from dashboard import metrics, xlsx
from dashboard.plan import DEFAULT_PLAN_PATH, Plan, load_plan
from dashboard.suivi import contract, followup, template
from dashboard.suivi.store import Suivi

SEED = 20230214  # the plan's vote, February 2023
DEMO_SOURCE = "Démonstration (données fictives)"
DEMO_COMMENT = "Valeur de démonstration, fictive"
DEMO_TITLE = "DONNÉES DE DÉMONSTRATION — valeurs fictives générées par scripts/make_demo.py, à ne pas diffuser"
COVERAGE = (0.92, 0.86, 0.72)  # share of indicators filled in the 1st, 2nd, 3rd demo year (then 0.7)

# (words in the indicator's label, low, high) for counts; the first match wins.
COUNT_SCALES = (
    (("nuitée",), 8_000, 22_000),
    (("audience",), 20_000, 90_000),
    (("visiteur", "fréquentation", "billets", "participant"), 800, 9_000),
    (("visites",), 20, 400),
    (("jours",), 120, 300),
    (("séjours",), 15, 120),
    (("communes",), 5, 25),
    (("articles", "retombées"), 15, 90),
    (("fiches",), 30, 200),
)
MONEY_SCALES = (
    (("taxe de séjour",), 250_000, 450_000),
    (("chiffre d'affaires", "recettes"), 8_000, 80_000),
    (("budget",), 5_000, 40_000),
)
COMMENTS_LATE = ("Démonstration : retard lié aux autorisations", "Démonstration : partenaire à confirmer",
                 "Démonstration : calendrier revu en comité")


@dataclass
class Demo:
    """The generated values, in the store's keys (one frame per Suivi part, every demo year)."""

    indicateurs: pd.DataFrame
    statuts: pd.DataFrame  # one row per action and year (status at the end of that year)
    realise: pd.DataFrame

    def suivi_until(self, year: int) -> Suivi:
        """What the store would hold once the files before `year` were imported (the template's Rappel)."""
        ind = self.indicateurs[self.indicateurs["annee"] < year]
        st = self.statuts[self.statuts["annee"] < year].sort_values("annee").groupby("action_id").last().reset_index()
        real = self.realise[self.realise["annee"] < year]
        return Suivi(indicateurs=ind.reset_index(drop=True), statuts=st, realise=real.reset_index(drop=True))


def _scale(label: str, scales, default: tuple[int, int]) -> tuple[int, int]:
    low = label.lower()
    for words, lo, hi in scales:
        if any(w in low for w in words):
            return lo, hi
    return default


def _round(x: float) -> float:
    """Plausible figures: 3 significant digits at most."""
    if x < 100:
        return float(round(x))
    step = 10 ** (len(str(int(x))) - 3)
    return float(round(x / step) * step)


def _day_in(rng: random.Random, year: int, start: date | None = None) -> date:
    lo = max(date(year, 1, 1), start or date(year, 1, 1))
    hi = date(year, 12, 31)
    return lo + timedelta(days=rng.randint(0, max((hi - lo).days, 0)))


def generate_indicateurs(plan: Plan, years: list[int], rng: random.Random) -> pd.DataFrame:
    rows = []
    for r in plan.indicateurs.sort_values("indicateur_id").itertuples():
        ident, unite, label = str(r.indicateur_id), str(r.unite), str(r.indicateur)
        filled = [rng.random() < (COVERAGE[i] if i < len(COVERAGE) else 0.7) for i in range(len(years))]
        if unite in ("nombre", "€", "%"):
            if unite == "nombre":
                lo, hi = _scale(label, COUNT_SCALES, (10, 150))
            elif unite == "€":
                lo, hi = _scale(label, MONEY_SCALES, (5_000, 50_000))
            else:
                lo, hi = 35, 75
            value = rng.uniform(lo, hi)
            with_objective = rng.random() < 0.6
            objective = value * rng.uniform(1.0, 1.1)
            for i, year in enumerate(years):
                if i:
                    value = value + rng.uniform(-6, 7) if unite == "%" else value * rng.uniform(0.9, 1.16)
                    objective = objective + 3 if unite == "%" else objective * rng.uniform(1.03, 1.08)
                if unite == "%":
                    value = min(max(value, 0.0), 100.0)
                    res, obj = round(value, 1), (round(min(objective, 100.0)) if with_objective else None)
                else:
                    res = _round(value)
                    obj = _round(objective) if with_objective else None
                if filled[i]:
                    rows.append((ident, year, res, obj, None))
                elif obj is not None:  # an objective without a result: still to collect
                    rows.append((ident, year, None, obj, None))
        else:  # milestones: reached one year (or not yet), "non" before, "oui" from then on
            weights = [max(3.0 - 0.5 * i, 1.0) for i in range(len(years))] + [2.5]  # never: 2.5
            reach = rng.choices([*years, None], weights=weights)[0]
            when = _day_in(rng, reach) if reach is not None else None
            for i, year in enumerate(years):
                if not filled[i]:
                    continue
                reached = reach is not None and year >= reach
                if unite == "date":
                    if reached:
                        rows.append((ident, year, None, None, when))
                else:
                    rows.append((ident, year, 1.0 if reached else 0.0, None, None))
    df = pd.DataFrame(rows, columns=["indicateur_id", "annee", "resultat", "objectif", "date_resultat"])
    df["date_resultat"] = pd.to_datetime(df["date_resultat"])
    df["date_objectif"] = pd.NaT
    df["commentaire"] = None
    df["source"] = None
    return df


def generate_avancement(plan: Plan, years: list[int], rng: random.Random) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Statuses and dates at the end of each year, spending and ETP near the plan's yearly figures."""
    first_year = years[0]
    cal = plan.calendrier.groupby("action_id").agg(debut=("debut_prevu", "min"), fin=("fin_prevue", "max"),
                                                   rec=("recurrence", lambda s: (s != "aucune").any()))
    spend = metrics.projection(plan).lignes.dropna(subset=["action_id"])
    spend = spend.assign(mid=(spend["montant_min"] + spend["montant_max"]) / 2).groupby(["action_id", "annee"])["mid"].sum()
    staff = metrics.etp_par_annee(plan).dropna(subset=["etp"]).groupby(["action_id", "annee"])["etp"].sum()
    ids = sorted(int(a) for a in plan.actions["action_id"])
    special = rng.sample(ids, 3)  # one abandoned, one postponed, one late
    statuts, realise = [], []
    for aid in ids:
        c = cal.loc[aid] if aid in cal.index else None
        planned_start = c["debut"] if c is not None and not pd.isna(c["debut"]) else None
        planned_end = c["fin"] if c is not None and not pd.isna(c["fin"]) else None
        recurring = bool(c["rec"]) if c is not None else False
        start_year = max(planned_start.year, first_year) if planned_start is not None else rng.choice(years)
        start_year += rng.choice([0, 0, 0, 1])
        start = _day_in(rng, start_year, planned_start.date() if planned_start is not None
                        and planned_start.year == start_year else None)
        end = None
        if not recurring and planned_end is not None and planned_end.year <= years[-1]:
            end = max(planned_end.date() + timedelta(days=rng.randint(-30, 200)), start + timedelta(days=30))
        late = aid == special[2] or (end is not None and rng.random() < 0.25)
        revised = None
        if late and planned_end is not None:
            revised = planned_end.date() + timedelta(days=rng.randint(180, 540))
            revised = max(revised, start + timedelta(days=30))  # never before the real start (import refuses it)
            end = None
        for year in years:
            comment = None
            if aid == special[0] and year >= start_year:
                status, comment = "Abandonnée", "Démonstration : action abandonnée par le comité"
            elif aid == special[1] and year >= start_year - 1:
                status, comment = "Reportée", "Démonstration : reportée faute de financement"
            elif year < start_year:
                status = "Non démarrée"
            elif end is not None and end.year <= year:
                status = "Réalisée"
            else:
                status = "En cours"
                if revised is not None:
                    comment = rng.choice(COMMENTS_LATE)
            started = status in ("En cours", "Réalisée", "Abandonnée") and year >= start_year
            statuts.append((aid, year, status, start if started else None,
                            end if status == "Réalisée" else None,
                            revised if (revised is not None and status == "En cours") else None,
                            comment or DEMO_COMMENT))
            active = started and (status != "Réalisée" or end.year == year) and status != "Abandonnée"
            planned = float(spend.get((aid, year), 0.0))
            dep = _round(planned * rng.uniform(0.7, 1.1)) if active and planned > 0 else None
            e = float(staff.get((aid, year), 0.0))
            etp = round(e * rng.uniform(0.8, 1.15) * 20) / 20 if active and e > 0 else None
            if dep is not None or etp is not None:
                realise.append((aid, year, dep, etp))
    st = pd.DataFrame(statuts, columns=["action_id", "annee", "statut", "debut_reel", "fin_reelle", "fin_revisee",
                                        "commentaire"])
    for col in ("debut_reel", "fin_reelle", "fin_revisee"):
        st[col] = pd.to_datetime(st[col])
    return st, pd.DataFrame(realise, columns=["action_id", "annee", "depenses", "etp"])


def generate(plan: Plan, years: list[int], seed: int = SEED) -> Demo:
    rng = random.Random(seed)
    ind = generate_indicateurs(plan, years, rng)
    st, real = generate_avancement(plan, years, rng)
    return Demo(ind, st, real)


def _columns(ws) -> dict[str, int]:
    return {str(c.value).strip(): c.column for c in ws[1] if c.value is not None}


def _py(v):
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return None
    if isinstance(v, pd.Timestamp | datetime):
        return pd.Timestamp(v).date()
    return v


def fill_template(plan: Plan, demo: Demo, year: int) -> bytes:
    """The app's template for `year` (Rappel from the earlier demo years), filled with the demo values."""
    wb = load_workbook(io.BytesIO(template.write_template(plan, year, demo.suivi_until(year))))
    units = dict(zip(plan.indicateurs["indicateur_id"].astype(str), plan.indicateurs["unite"], strict=True))

    ws = wb[followup.SHEET_IND]
    col = _columns(ws)
    values = demo.indicateurs[demo.indicateurs["annee"] == year].set_index("indicateur_id")
    for row in range(2, ws.max_row + 1):
        ident = ws.cell(row, col["Identifiant"]).value
        if ident not in values.index:
            continue
        v = values.loc[ident]
        unite = units[ident]
        if unite == "date":
            res, obj = _py(v["date_resultat"]), None
        elif unite == "oui/non":
            res, obj = (None if pd.isna(v["resultat"]) else ("oui" if v["resultat"] >= 1 else "non")), None
        else:
            res, obj = _py(v["resultat"]), _py(v["objectif"])
        xlsx.put(ws, row, col[f"{year} Résultat"], res)
        xlsx.put(ws, row, col[f"{year} Objectif"], obj)
        if res is not None:
            xlsx.put(ws, row, col["Source"], DEMO_SOURCE)
            xlsx.put(ws, row, col["Commentaire"], DEMO_COMMENT)

    ws = wb[followup.SHEET_AV]
    col = _columns(ws)
    st = demo.statuts[demo.statuts["annee"] == year].set_index("action_id")
    real = demo.realise[demo.realise["annee"] == year].set_index("action_id")
    for row in range(2, ws.max_row + 1):
        aid = ws.cell(row, col["N° action"]).value
        if aid in st.index:
            s = st.loc[aid]
            for key, header in (("statut", "Statut"), ("debut_reel", "Début réel"), ("fin_reelle", "Fin réelle"),
                                ("fin_revisee", "Fin révisée"), ("commentaire", "Commentaire")):
                xlsx.put(ws, row, col[header], _py(s[key]))
        r = real.loc[aid] if aid in real.index else None
        xlsx.put(ws, row, col[f"{year} Dépenses (€)"], None if r is None else _py(r["depenses"]))
        xlsx.put(ws, row, col[f"{year} ETP"], None if r is None else _py(r["etp"]))

    help_ws = wb[contract.SHEET_HELP]
    help_ws.insert_rows(1, 2)
    xlsx.put(help_ws, 1, 1, DEMO_TITLE).font = Font(bold=True, size=14, color="FFFFFF")
    help_ws.cell(1, 1).fill = PatternFill("solid", fgColor="D55E00")
    wb.properties.title = f"Suivi {year} — données de démonstration (fictives)"
    wb.properties.subject = "Démonstration du tableau de bord du schéma de développement touristique"
    wb.properties.description = DEMO_TITLE
    wb.properties.keywords = "démonstration; données fictives"
    wb.properties.creator = "scripts/make_demo.py"
    wb.properties.created = wb.properties.modified = datetime(year + 1, 1, 15, 9, 0)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description="Classeurs de suivi de démonstration (valeurs fictives).")
    ap.add_argument("--plan", default=str(DEFAULT_PLAN_PATH))
    ap.add_argument("--out", default="data/demo")
    ap.add_argument("--years", type=int, default=3, help="nombre d'années du plan à remplir (depuis la première)")
    ap.add_argument("--seed", type=int, default=SEED)
    a = ap.parse_args(argv)
    plan = load_plan(a.plan)
    years = plan.annees[: a.years]
    demo = generate(plan, years, a.seed)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    for year in years:
        path = out / template.template_file_name(year)
        path.write_bytes(fill_template(plan, demo, year))
        n = int(demo.indicateurs[demo.indicateurs["annee"] == year]["resultat"].notna().sum()
                + demo.indicateurs[demo.indicateurs["annee"] == year]["date_resultat"].notna().sum())
        print(f"{path} : {n} résultat(s) d'indicateur sur {len(plan.indicateurs)}, "
              f"{int((demo.statuts['annee'] == year).sum())} action(s)")


if __name__ == "__main__":
    main()
