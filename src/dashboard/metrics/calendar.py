"""Calendar and slippage: planned periods from the plan's jalons, anomalies in the plan's words,
and, with the follow-up's statuses, what is late at a date and by how many months."""

from __future__ import annotations

import re

import pandas as pd

from dashboard.memo import per_object
from dashboard.metrics.common import json_number
from dashboard.plan import Plan, porteurs_of

# The plan's calendar (one row per jalon) gives each action a planned period; the follow-up's
# statuts (one row per action, its latest status) give the revised and actual ends.
# Months are days / (365.25 / 12), one decimal. An action is late at `as_of` when its planned
# end (or its revised end, when it has one) is past and its statut is not Réalisée / Abandonnée.
# The planned end of an action is the latest end of its dated jalons, unknown (NaT) when one of
# its jalons has no end: the plan does not say when the action finishes, so it is never late.

STATUTS = ("Non démarrée", "En cours", "Réalisée", "Reportée", "Abandonnée")
STATUTS_TERMINES = ("Réalisée", "Abandonnée")
SITUATIONS = ("réalisée", "dans les temps", "en retard", "non démarrée", "reportée", "abandonnée",
              "sans suivi")
RECURRENTES = ("annuelle", "estivale", "continue")
DAYS_PER_MONTH = 365.25 / 12
_YEAR_RE = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")
_DOUBT_RE = re.compile(r"\?")


def as_timestamp(as_of=None) -> pd.Timestamp:
    """The "situation au" date as a day (today when None; accepts date, str, Timestamp)."""
    return pd.Timestamp.today().normalize() if as_of is None else pd.Timestamp(as_of).normalize()


def months_between(start, end) -> float:
    """Months from `start` to `end` (negative when `end` is earlier), one decimal; NaN if either is missing."""
    if start is None or end is None or pd.isna(start) or pd.isna(end):
        return float("nan")
    return round((pd.Timestamp(end) - pd.Timestamp(start)).days / DAYS_PER_MONTH, 1)


def action_label(action_id, titre, width: int = 48) -> str:
    """"11 · Gérer l'aire de camping-car", cut with an ellipsis past `width` characters."""
    titre = " ".join(str(titre or "").split()) or "(sans titre)"
    if len(titre) > width:
        titre = titre[: width - 1].rstrip(" ,;:–-") + "…"
    return f"{int(action_id)} · {titre}"


def _porteur_text(maitrise_ouvrage) -> str:
    return ", ".join(porteurs_of(maitrise_ouvrage))


def _calendar(plan: Plan) -> pd.DataFrame:
    """The Calendrier sheet with dates as Timestamps (whatever the input dtype)."""
    cal = plan.calendrier.copy()
    for col in ("debut_prevu", "fin_prevue"):
        cal[col] = pd.to_datetime(cal[col], errors="coerce")
    for col in ("jalon", "recurrence", "precision", "extrait"):
        cal[col] = cal[col].fillna("").astype(str) if col in cal else ""
    return cal


def _jalons_by_action(cal: pd.DataFrame) -> dict:
    """{action_id: [jalon rows as namedtuples]} — plain Python, pandas filtering per action is slow."""
    by: dict = {}
    for r in cal.itertuples(index=False):
        by.setdefault(r.action_id, []).append(r)
    return by


def _same_day_in(ts: pd.Timestamp, year: int) -> pd.Timestamp:
    try:
        return ts.replace(year=year)
    except ValueError:  # 29 February
        return ts.replace(year=year, day=28)


def calendar_segments(plan: Plan) -> pd.DataFrame:
    """The bars of the Gantt, one per dated jalon: action_id, axe, titre, jalon, debut, fin, recurrence,
    precision, extrait, forme (ponctuel / récurrent / saison / fin non précisée / début non précisé).

    A recurring jalon is one `récurrent` band over its span; an `estivale` one adds a `saison` bar per
    year. A jalon with only a start runs to the end of the plan's period (only an end: from its start).
    Jalons without dates, or ending before they start, have no bar (see undated_items, calendar_anomalies).
    """
    return _segments(plan).copy()


def _segments(plan: Plan) -> pd.DataFrame:
    """calendar_segments, made once per plan object and shared: read only."""
    return per_object(plan, "calendar_segments", lambda: _calendar_segments(plan))


def _calendar_segments(plan: Plan) -> pd.DataFrame:
    cols = ["action_id", "axe", "titre", "jalon", "debut", "fin", "recurrence", "precision", "extrait", "forme"]
    first, last = plan.periode
    period_start, period_end = pd.Timestamp(first, 1, 1), pd.Timestamp(last, 12, 31)
    cal = _calendar(plan).merge(plan.actions[["action_id", "axe", "titre"]], on="action_id", how="inner")
    rows = []
    for r in cal.itertuples():
        d, f = r.debut_prevu, r.fin_prevue
        base = {"action_id": r.action_id, "axe": r.axe, "titre": r.titre, "jalon": r.jalon,
                "recurrence": r.recurrence, "precision": r.precision, "extrait": r.extrait}
        if pd.isna(d) and pd.isna(f):
            continue
        if pd.isna(f):
            rows.append({**base, "debut": d, "fin": max(period_end, pd.Timestamp(d.year, 12, 31)),
                         "forme": "fin non précisée"})
            continue
        if pd.isna(d):
            rows.append({**base, "debut": min(period_start, pd.Timestamp(f.year, 1, 1)), "fin": f,
                         "forme": "début non précisé"})
            continue
        if f < d:
            continue
        if r.recurrence in RECURRENTES:
            rows.append({**base, "debut": d, "fin": f, "forme": "récurrent"})
            if r.recurrence == "estivale" and (f.month, f.day) >= (d.month, d.day):
                rows += [{**base, "debut": _same_day_in(d, y), "fin": _same_day_in(f, y), "forme": "saison"}
                         for y in range(d.year, f.year + 1)]
        else:
            rows.append({**base, "debut": d, "fin": f, "forme": "ponctuel"})
    out = pd.DataFrame(rows, columns=cols)
    out["debut"] = pd.to_datetime(out["debut"])
    out["fin"] = pd.to_datetime(out["fin"])
    return out


def planned_periods(plan: Plan) -> pd.DataFrame:
    """One row per action: action_id, axe, titre, label, porteur, debut_prevu, fin_prevue, recurrence,
    jalons, jalons_dates, datee (it has a bar), calendrier (the plan's words).

    debut_prevu: earliest start of its jalons; fin_prevue: latest end, NaT when a jalon has no end.
    recurrence: the first recurring kind among its jalons, else "aucune".
    """
    return per_object(plan, "planned_periods", lambda: _planned_periods(plan)).copy()


def _planned_periods(plan: Plan) -> pd.DataFrame:
    jalons = _jalons_by_action(_calendar(plan))
    with_bars = set(_segments(plan)["action_id"])
    rows = []
    for a in plan.actions.sort_values(["axe", "action_id"]).itertuples():
        mine = jalons.get(a.action_id, [])
        starts = [r.debut_prevu for r in mine if pd.notna(r.debut_prevu)]
        ends = [r.fin_prevue for r in mine if pd.notna(r.fin_prevue)]
        kinds = [r.recurrence for r in mine if r.recurrence in RECURRENTES]
        rows.append({
            "action_id": a.action_id, "axe": a.axe, "titre": a.titre,
            "label": action_label(a.action_id, a.titre), "porteur": _porteur_text(a.maitrise_ouvrage),
            "debut_prevu": min(starts) if starts else pd.NaT,
            "fin_prevue": max(ends) if mine and len(ends) == len(mine) else pd.NaT,
            "recurrence": kinds[0] if kinds else "aucune",
            "jalons": len(mine),
            "jalons_dates": sum(1 for r in mine if pd.notna(r.debut_prevu) or pd.notna(r.fin_prevue)),
            "datee": a.action_id in with_bars,
            "calendrier": a.calendrier,
        })
    out = pd.DataFrame(rows, columns=["action_id", "axe", "titre", "label", "porteur", "debut_prevu", "fin_prevue",
                                      "recurrence", "jalons", "jalons_dates", "datee", "calendrier"])
    for col in ("debut_prevu", "fin_prevue"):
        out[col] = pd.to_datetime(out[col])
    return out


def undated_items(plan: Plan) -> pd.DataFrame:
    """What the plan leaves undated, with its words: jalons without dates, actions without any jalon.

    action_id, axe, titre, jalon, motif, extrait, action_datee (the action has other dated jalons).
    """
    cal = _calendar(plan)
    dated_ids = set(calendar_segments(plan)["action_id"])
    titles = plan.actions.set_index("action_id")
    rows = []
    for r in cal[cal["debut_prevu"].isna() & cal["fin_prevue"].isna()].itertuples():
        if r.action_id not in titles.index:
            continue
        motif = "à définir" if re.search(r"d[ée]finir", r.extrait, re.IGNORECASE) else "sans date"
        rows.append({"action_id": r.action_id, "jalon": r.jalon, "motif": motif, "extrait": r.extrait})
    for a in plan.actions[~plan.actions["action_id"].isin(cal["action_id"])].itertuples():
        rows.append({"action_id": a.action_id, "jalon": "",
                     "motif": "calendrier vide dans le plan" if not str(a.calendrier).strip()
                     else "aucun jalon dans la feuille Calendrier",
                     "extrait": a.calendrier})
    out = pd.DataFrame(rows, columns=["action_id", "jalon", "motif", "extrait"])
    out = out.merge(plan.actions[["action_id", "axe", "titre"]], on="action_id", how="left")
    out["action_datee"] = out["action_id"].isin(dated_ids)
    out = out[["action_id", "axe", "titre", "jalon", "motif", "extrait", "action_datee"]]
    return out.sort_values(["axe", "action_id"], kind="stable").reset_index(drop=True)


def calendar_anomalies(plan: Plan) -> pd.DataFrame:
    """What in the plan's calendar cannot be read as dates in the period, with the verbatim text:
    years outside plan.periode (in the plan's words or the jalons' dates), doubts ("?"), jalons
    "à définir", an empty calendar, a jalon ending before it starts, a jalon without an end.

    action_id, axe, titre, type, detail, extrait.
    """
    first, last = plan.periode
    jalons = _jalons_by_action(_calendar(plan))
    rows = []

    def add(action_id, kind, detail, extrait):
        rows.append({"action_id": action_id, "type": kind, "detail": detail, "extrait": extrait})

    for a in plan.actions.itertuples():
        text = str(a.calendrier or "")
        mine = jalons.get(a.action_id, [])
        years = {int(y) for y in _YEAR_RE.findall(text)}
        for r in mine:
            years |= {int(y) for y in _YEAR_RE.findall(r.extrait)}
            years |= {int(d.year) for d in (r.debut_prevu, r.fin_prevue) if pd.notna(d)}
        outside = sorted(y for y in years if not first <= y <= last)
        if outside:
            add(a.action_id, "hors période",
                f"année(s) {', '.join(map(str, outside))} hors de la période {first}-{last} du plan", text)
        doubts = [r.extrait for r in mine if _DOUBT_RE.search(r.extrait)]
        if doubts:
            for e in doubts:
                add(a.action_id, "date incertaine", "le plan met un point d'interrogation", e)
        elif _DOUBT_RE.search(text):
            add(a.action_id, "date incertaine", "le plan met un point d'interrogation", text)
        if not mine:
            add(a.action_id, "calendrier vide",
                "le plan ne donne aucun calendrier" if not text.strip() else "aucun jalon dans la feuille Calendrier",
                text)
        for r in mine:
            if r.precision == "à définir" or (pd.isna(r.debut_prevu) and pd.isna(r.fin_prevue)):
                if any(not first <= int(y) <= last for y in _YEAR_RE.findall(r.extrait)):
                    continue  # already listed as "hors période", with the same words
                kind = "à définir" if re.search(r"d[ée]finir", r.extrait, re.IGNORECASE) else "sans date"
                add(a.action_id, kind, f"jalon « {r.jalon} » sans date" if r.jalon else "sans date", r.extrait)
            elif pd.notna(r.debut_prevu) and pd.notna(r.fin_prevue) and r.fin_prevue < r.debut_prevu:
                add(a.action_id, "fin avant le début",
                    f"jalon « {r.jalon} » : fin prévue avant le début prévu", r.extrait)
            elif pd.isna(r.fin_prevue):
                add(a.action_id, "fin non précisée", f"jalon « {r.jalon} » : début sans date de fin", r.extrait)
    out = pd.DataFrame(rows, columns=["action_id", "type", "detail", "extrait"])
    out = out.merge(plan.actions[["action_id", "axe", "titre"]], on="action_id", how="left")
    out = out[["action_id", "axe", "titre", "type", "detail", "extrait"]]
    return out.sort_values(["axe", "action_id"], kind="stable").reset_index(drop=True)


def _statuts_frame(statuts) -> pd.DataFrame:
    """The follow-up statuts (a DataFrame or a Suivi), one row per action (its latest year), typed."""
    cols = ["action_id", "annee", "statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"]
    s = getattr(statuts, "statuts", statuts)
    if s is None or len(s) == 0:
        return pd.DataFrame({c: pd.Series(dtype="object") for c in cols}).astype(
            {"action_id": "Int64", "annee": "Int64", "debut_reel": "datetime64[ns]",
             "fin_reelle": "datetime64[ns]", "fin_revisee": "datetime64[ns]"})
    s = s.reindex(columns=cols).copy()
    s["action_id"] = pd.to_numeric(s["action_id"], errors="coerce").astype("Int64")
    s["annee"] = pd.to_numeric(s["annee"], errors="coerce").astype("Int64")
    for col in ("debut_reel", "fin_reelle", "fin_revisee"):
        s[col] = pd.to_datetime(s[col], errors="coerce", dayfirst=True)
    canon = {x.casefold(): x for x in STATUTS}
    s["statut"] = s["statut"].map(lambda x: canon.get(str(x).strip().casefold(), "") if pd.notna(x) else "")
    s["commentaire"] = s["commentaire"].map(lambda x: "" if pd.isna(x) else str(x).strip())
    s = s.dropna(subset=["action_id"]).sort_values("annee", kind="stable", na_position="first")
    return s.drop_duplicates("action_id", keep="last").reset_index(drop=True)


def _situation(statut: str, late: bool) -> str:
    if statut == "Réalisée":
        return "réalisée"
    if statut == "Abandonnée":
        return "abandonnée"
    if not statut:
        return "sans suivi"
    if late:
        return "en retard"
    return {"Non démarrée": "non démarrée", "Reportée": "reportée"}.get(statut, "dans les temps")


def schedule(plan: Plan, statuts=None, as_of=None) -> pd.DataFrame:
    """Planned vs revised vs actual, one row per action, at `as_of` (default today).

    Adds to planned_periods: statut, annee_suivi, debut_reel, fin_reelle, fin_revisee, commentaire;
    glissement_mois (actual end, else revised end, minus planned end: negative = ahead);
    en_retard (planned or revised end < as_of, statut neither Réalisée nor Abandonnée);
    retard_mois (late actions: months from the planned end, else the revised end, to as_of);
    fin_revisee_depassee (a late action whose revised end is past too); situation (one of SITUATIONS).
    """
    at = as_timestamp(as_of)
    s = _statuts_frame(statuts).rename(columns={"annee": "annee_suivi"})
    out = planned_periods(plan).merge(s, on="action_id", how="left")
    out["statut"] = out["statut"].fillna("")
    out["commentaire"] = out["commentaire"].fillna("")
    for col in ("debut_reel", "fin_reelle", "fin_revisee"):
        out[col] = pd.to_datetime(out[col])
    expected = out["fin_reelle"].fillna(out["fin_revisee"])
    out["glissement_mois"] = [months_between(p, e) for p, e in zip(out["fin_prevue"], expected, strict=True)]
    done = out["statut"].isin(STATUTS_TERMINES)
    past_planned = out["fin_prevue"].notna() & (out["fin_prevue"] < at)
    past_revised = out["fin_revisee"].notna() & (out["fin_revisee"] < at)
    out["en_retard"] = (out["statut"] != "") & ~done & (past_planned | past_revised)
    reference = out["fin_prevue"].fillna(out["fin_revisee"])
    out["retard_mois"] = [months_between(r, at) if late else float("nan")
                          for r, late in zip(reference, out["en_retard"], strict=True)]
    out["fin_revisee_depassee"] = out["en_retard"] & past_revised
    out["situation"] = [_situation(st, late) for st, late in zip(out["statut"], out["en_retard"], strict=True)]
    return out


def status_counts_by_axe(plan: Plan, statuts=None, as_of=None) -> pd.DataFrame:
    """Per axe: how many actions are in each situation (columns SITUATIONS, in that order) and `actions`."""
    sch = schedule(plan, statuts, as_of)
    counts = pd.crosstab(sch["axe"], sch["situation"]).reindex(columns=list(SITUATIONS), fill_value=0)
    keys = plan.axes[plan.axes["axe"].isin(plan.actions["axe"])][["axe", "libelle"]].sort_values("axe")
    out = keys.merge(counts.reset_index(), on="axe", how="left")
    for col in SITUATIONS:
        out[col] = out[col].fillna(0).astype(int)
    out["actions"] = out[list(SITUATIONS)].sum(axis=1)
    return out.reset_index(drop=True)


def late_actions(plan: Plan, statuts=None, as_of=None) -> pd.DataFrame:
    """The late actions at `as_of`, the most overdue first: action_id, axe, titre, porteur, statut,
    fin_prevue, fin_revisee, fin_revisee_depassee, retard_mois, glissement_mois, commentaire."""
    sch = schedule(plan, statuts, as_of)
    late = sch[sch["en_retard"]].sort_values(["retard_mois", "action_id"], ascending=[False, True])
    return late[["action_id", "axe", "titre", "porteur", "statut", "fin_prevue", "fin_revisee",
                 "fin_revisee_depassee", "retard_mois", "glissement_mois", "commentaire"]].reset_index(drop=True)


def calendar_summary(plan: Plan, statuts=None, as_of=None) -> dict:
    """The calendar keys of `summary`: per-axe situation counts and the late list (JSON-ready)."""
    counts = status_counts_by_axe(plan, statuts, as_of)
    late = late_actions(plan, statuts, as_of)
    return {
        "statuts_par_axe": {int(r["axe"]): {c: int(r[c]) for c in SITUATIONS} for _, r in counts.iterrows()},
        "en_retard": [
            {"action_id": int(r.action_id), "titre": r.titre, "porteur": r.porteur, "statut": r.statut,
             "mois_de_retard": json_number(r.retard_mois),
             "fin_prevue": None if pd.isna(r.fin_prevue) else r.fin_prevue.date().isoformat(),
             "fin_revisee": None if pd.isna(r.fin_revisee) else r.fin_revisee.date().isoformat()}
            for r in late.itertuples()],
    }
