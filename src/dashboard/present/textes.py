"""The short texts a figure reads as, one definition for the page, the deck and the Excel exports
so that they read identically: an indicator's value, its change and its trend (`12 000 €`, `▲ +18
(+4,9 %)`, `▲ +3,5 pts`); amounts and ranges as said aloud in a meeting (`1,8 M€`, `421 500 à
441 500 €`), shares, lists of actions, titles cut at a word. Formatting only: every number comes
from `metrics`."""

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


# --- Formats courts (titres des diapositives, listes) --------------------------------------------

def renseigne_texte(par, le) -> str:
    """Who provided a value and when it was imported: « Office de tourisme (Camille Martin), le 03/12/2026 »."""
    if fmt.missing(par) and fmt.missing(le):
        return "—"
    who = "" if fmt.missing(par) else str(par)
    return f"{who}, le {fmt.jour(le)}" if who and not fmt.missing(le) else who or f"le {fmt.jour(le)}"


def montant_court(x) -> str:
    """`1,8 M€` from a million up, else `421 500 €`: euros as said aloud in a meeting."""
    if x is None or pd.isna(x):
        return "—"
    if abs(float(x)) >= 1_000_000:
        return f"{fmt.nombre(float(x) / 1_000_000, 1)}\u00a0M€"
    return fmt.euros(x)


MILLION = 1_000_000
MAX_DECIMALES_M = 2  # past 0,01 M€, a range is written in whole euros (1 801 500 à 1 820 000 €)


def decimales_fourchette(lo, hi) -> int | None:
    """The decimals of millions at which the range `lo`–`hi` reads true: the rounding step is at most
    half the range's width, so the two ends stay distinct and the range shown is never much wider
    than the real one (1 141 500 – 1 161 500 € at 1 decimal reads « 1,1 à 1,2 M€ », 100 000 € wide
    for a 20 000 € range; at 2 decimals « 1,14 à 1,16 M€ »). At least 1; None when even
    MAX_DECIMALES_M is too coarse (the range is then written in whole euros)."""
    width = abs(float(hi) - float(lo))
    for d in range(1, MAX_DECIMALES_M + 1):
        if MILLION * 10 ** -d <= width / 2:
            return d
    return None


def fourchette_courte(lo, hi) -> str:
    """A range of euros as said in a meeting, at the precision that keeps it true:
    `1,14 à 1,16 M€`, `421 500 à 441 500 €`, `421 500 € à 1,5 M€`, or one figure when both ends are
    the same euro. Millions are rounded to `decimales_fourchette` decimals, the same on both ends."""
    if lo is None or hi is None or pd.isna(lo) or pd.isna(hi) or round(float(lo)) == round(float(hi)):
        return montant_court(hi if lo is None or pd.isna(lo) else lo)
    lo, hi = sorted((float(lo), float(hi)))
    if abs(hi) < MILLION:
        return f"{fmt.nombre(round(lo))} à {fmt.euros(hi)}"
    d = decimales_fourchette(lo, hi)
    if d is None:  # narrower than 2 × 10 000 €: whole euros
        return f"{fmt.nombre(round(lo))} à {fmt.euros(hi)}"
    b = fmt.nombre(hi / MILLION, d, fixed=True)
    if abs(lo) < MILLION:
        return f"{fmt.euros(lo)} à {b}\u00a0M€"
    return f"{fmt.nombre(lo / MILLION, d, fixed=True)} à {b}\u00a0M€"


def pct_range(lo: float, hi: float) -> str:
    """`63 %`, or `62 à 63 %` when the share differs between the minimum and the maximum."""
    a, b = sorted((round(lo), round(hi)))
    return fmt.pct(a) if a == b else f"{fmt.nombre(a)} à {fmt.pct(b)}"


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{fmt.nombre(n)} {one if n == 1 else (many or one + 's')}"


def ids_text(ids) -> str:
    """`1, 4 et 11`: action numbers as read aloud, in order, or « aucune »."""
    n = sorted({int(i) for i in ids})
    if not n:
        return "aucune"
    return ", ".join(map(str, n[:-1])) + (" et " if len(n) > 1 else "") + str(n[-1])


def axes_text(axes) -> str:
    """« axe 2 », « axes 1, 3 et 5 » (at least one axe)."""
    return ("axe " if len({int(a) for a in axes}) == 1 else "axes ") + ids_text(axes)


def actions_text(ids) -> str:
    """`actions 1, 4 et 11` / `action 7` / `aucune action`."""
    n = {int(i) for i in ids}
    return "aucune action" if not n else f"{'action' if len(n) == 1 else 'actions'} {ids_text(n)}"


def short_text(text, width: int = 60) -> str:
    """A title cut at a word boundary with an ellipsis, so a list row stays on one or two lines."""
    text = " ".join(str(text or "").split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[width // 2:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:'’-–") + "…"

