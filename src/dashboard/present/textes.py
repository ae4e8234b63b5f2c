"""The short texts an indicator's value, its change and its trend read as (`12 000 €`, `▲ +18
(+4,9 %)`, `▲ +3,5 pts`), one definition for the page, the deck and the Excel exports so that they
read identically. Formatting only: every number comes from `metrics`."""

from __future__ import annotations

import pandas as pd

from dashboard import fmt
from dashboard.metrics import DEFAVORABLE, FAVORABLE


def indicateur_texte(valeur, unite: str, date=None) -> str:
    """An indicator's value as users read it: `12 340`, `45 %`, `12 000 €`, `oui` / `non`, `31/12/2025`."""
    if unite == "date" and date is not None and not pd.isna(date):
        return fmt.jour(date)
    if valeur is None or pd.isna(valeur):
        return "—"
    if unite == "oui/non" or unite == "date":
        return "oui" if float(valeur) >= 1 else "non"
    if unite == "€":
        return fmt.euros(valeur)
    if unite == "%":
        return fmt.pct(valeur, 1)
    return fmt.nombre(valeur, 1)


def variation_texte(variation, variation_pct, unite: str) -> str:
    """`▲ +18 (+4,9 %)`: the change and its percentage; `▲ +3,5 pts` for a percentage indicator
    (a rate changes by points); the change alone from a zero; `—` when unknown."""
    if variation is None or pd.isna(variation):
        return "—"
    arrow = "▲" if variation > 1e-9 else "▼" if variation < -1e-9 else "="
    sign = "+" if variation > 1e-9 else "−" if variation < -1e-9 else ""
    if unite == "%":
        return f"{arrow} {sign}{fmt.nombre(abs(variation), 1)}\u00a0pt{'s' if abs(variation) >= 2 else ''}"
    change = f"{arrow} {sign}{indicateur_texte(abs(variation), unite)}"
    if variation_pct is None or pd.isna(variation_pct):
        return change
    return f"{change} ({sign}{fmt.pct(abs(variation_pct), 1)})"


def tendance_titre(evo_one: pd.DataFrame, indicateur: str, unite: str) -> str:
    """The message of an indicator's trend chart: its last result, and the change from the year before."""
    got = evo_one[evo_one["resultat"].notna()]
    if got.empty:
        return f"{indicateur} : aucune valeur collectée"
    last = got.iloc[-1]
    text = f"{indicateur} : {indicateur_texte(last['resultat'], unite)} en {int(last['annee'])}"
    if not pd.isna(last["variation"]):
        verdict = {FAVORABLE: " (favorable)", DEFAVORABLE: " (défavorable)"}.get(last["appreciation"], "")
        text += f", {variation_texte(last['variation'], last['variation_pct'], unite)} sur un an{verdict}"
    return text
