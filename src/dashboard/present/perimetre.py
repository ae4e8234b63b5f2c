"""Prévu / réalisé said at equal scope (Budget, Effectifs): what was realized against the planned of the
axes that declared, and how many declared. Pure; the figures come from metrics.a_perimetre_egal."""

from __future__ import annotations

import pandas as pd

from dashboard import fmt
from dashboard.present import textes


def _share(done: float, lo: float, hi: float) -> str:
    """« 83 à 86 % » of the planned range (one figure when both round alike); empty when nothing is planned."""
    if not hi:
        return ""
    a, b = round(100 * done / hi), round(100 * done / lo) if lo else None
    return fmt.pct(a) if b is None or a == b else f"{fmt.nombre(a)} à {fmt.pct(b)}"


def derniere_annee(lfl: pd.DataFrame):
    """The latest year with something declared (a row of a_perimetre_egal), None when there is none."""
    done = lfl[lfl["declare"]]
    return None if done.empty else done.iloc[-1]


def titre(lfl: pd.DataFrame, unit: str = "€") -> str | None:
    """The chart's message for the latest declared year, at equal scope:
    « En 2025 : 111 960 € dépensés pour 130 000 – 135 000 € prévus (83 à 86 %) » — None when nothing is declared."""
    row = derniere_annee(lfl)
    if row is None:
        return None
    year = int(row["annee"])
    if unit == "€":
        done, planned = fmt.euros(row["realise"]), fmt.fourchette(row["prevu_min"], row["prevu_max"])
        share = _share(row["realise"], row["prevu_min"], row["prevu_max"])
        return f"En {year} : {done} dépensés pour {planned} prévus" + (f" ({share})" if share else "")
    share = _share(row["realise"], row["prevu"], row["prevu"])
    return (f"En {year} : {fmt.etp(row['realise'])} consacrés pour {fmt.etp(row['prevu'])} prévus"
            + (f" ({share})" if share else ""))


def couverture(row, what: str, unit: str = "€") -> str:
    """Who declared that year: « 2 axes sur 4 ont déclaré leurs dépenses 2025 ; sans déclaration : axes 2
    et 5 (100 000 € prévus, hors comparaison). »"""
    year, declared, missing = int(row["annee"]), row["axes_declares"], row["axes_sans_declaration"]
    n, total = len(declared), len(declared) + len(missing)
    verb = "a déclaré" if n < 2 else "ont déclaré"
    text = f"{n} axe{'s' if n > 1 else ''} sur {total} {verb} {what} {year}"
    if missing:
        amount = fmt.euros(row["prevu_sans_declaration"]) if unit == "€" else fmt.etp(row["prevu_sans_declaration"])
        text += f" ; sans déclaration : {textes.axes_text(missing)} ({amount} prévus, hors comparaison)"
    return text + "."


def couvertures(lfl: pd.DataFrame, what: str, unit: str = "€") -> tuple[str, ...]:
    """couverture() of every year with something declared, the latest first."""
    return tuple(couverture(r, what, unit) for _, r in lfl[lfl["declare"]].iloc[::-1].iterrows())


def par_annee(lfl: pd.DataFrame, prevu: tuple[str, ...]) -> pd.DataFrame:
    """The chart's table: per year, the realized and the planned at equal scope (the declaring axes';
    a year nobody declared keeps its whole plan)."""
    return lfl[["annee", *prevu, "realise"]]
