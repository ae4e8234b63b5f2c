"""The pilotage pages' settings written in the address and read back from it (pure, no streamlit).

A filtered view with its hypotheses can be bookmarked or sent: `/budget?axe=1,3&h4_quantite_parcours=2`.

- `axe`, `enjeu`, `porteur`: the sidebar's filters, comma-separated lists (`axe=1,3`, `enjeu=1.1,2.4`,
  `porteur=Office de tourisme,Communes`); absent = all.
- one parameter per hypothesis of the workbook (sheet « Hypothèses »): `h` + the action's number + `_` +
  the parameter's name in lower case without accents, words joined by `_` (« Quantité : parcours » of
  action 4 → `h4_quantite_parcours`; « Part : Office de tourisme » of action 9 →
  `h9_part_office_de_tourisme`). A number (decimal comma or point), or empty for « non fixé ». Only the
  values that differ from the workbook's are written.

A value the plan does not know (`axe=9`, `h4_quantite_parcours=beaucoup`, a share above 100) is left out
with a French warning naming the parameter and the value; the rest of the address still applies.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from dashboard import metrics
from dashboard.plan import HYPOTHESE_RE, Plan

FILTER_PARAMS = ("axe", "enjeu", "porteur")
_HYP_PARAM = re.compile(r"^h\d+_")


def hypothesis_param(action_id: int, parametre: str) -> str:
    """The address parameter of one hypothesis: « Quantité : parcours » of action 4 → h4_quantite_parcours."""
    plain = unicodedata.normalize("NFKD", str(parametre)).encode("ascii", "ignore").decode().lower()
    return f"h{int(action_id)}_" + "_".join(re.findall(r"[a-z0-9]+", plain))


def hypothesis_params(plan: Plan) -> dict[str, tuple[int, str]]:
    """{address parameter: (action_id, paramètre)} for every hypothesis of the plan, in the workbook's order."""
    return {hypothesis_param(a, p): (int(a), str(p)) for a, p in zip(plan.hypotheses["action_id"],
                                                                      plan.hypotheses["parametre"], strict=True)}


@dataclass(frozen=True)
class Reglages:
    """What the address sets: the filters, the hypotheses it names (others: the workbook's value), and
    each value it could not take, in French."""

    filters: metrics.Filters = metrics.Filters()
    hypotheses: dict[tuple[int, str], float | None] = field(default_factory=dict)
    avertissements: tuple[str, ...] = ()


def _items(value) -> list[str]:
    """A comma list (or a list of them, when the parameter is repeated) as its non-empty items."""
    values = value if isinstance(value, list | tuple) else [value]
    return [item.strip() for v in values for item in str(v).split(",") if item.strip()]


def _last(value) -> str:
    return str(value[-1] if isinstance(value, list | tuple) and value else value)


def _number(text: str) -> float | None:
    """A number as typed in the address (« 12,5 », « 1 200 »); None for anything else, « inf » and
    « nan » included (float() reads them)."""
    try:
        x = float(text.strip().replace("\u202f", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None
    return x if math.isfinite(x) else None


def _is_part(parametre: str) -> bool:
    m = HYPOTHESE_RE.match(parametre)
    return bool(m and m.group(1) == "Part")


def lire(plan: Plan, params: Mapping[str, object]) -> Reglages:
    """The settings `params` (the address's query parameters) give for `plan`; parameters that are none
    of these (`action`, `diapo`…) are not looked at."""
    warnings: list[str] = []

    def refused(name: str, value: str, why: str) -> None:
        warnings.append(f"Adresse : « {name}={value} » ignoré ({why}).")

    axes: list[int] = []
    known_axes = {int(a) for a in plan.axes["axe"]}
    for item in _items(params.get("axe", "")):
        n = int(item) if item.isdigit() else None
        if n not in known_axes:
            refused("axe", item, "axes du plan : " + ", ".join(str(a) for a in sorted(known_axes)))
        elif n not in axes:
            axes.append(n)
    enjeux: list[str] = []
    known_enjeux = [str(e) for e in plan.enjeux["enjeu"]]
    for item in _items(params.get("enjeu", "")):
        if item not in known_enjeux:
            refused("enjeu", item, "enjeu inconnu du plan, par exemple « 1.1 »")
        elif item not in enjeux:
            enjeux.append(item)
    porteurs: list[str] = []
    known_porteurs = metrics.porteurs(plan)
    by_lower = {p.casefold(): p for p in known_porteurs}
    for item in _items(params.get("porteur", "")):
        name = by_lower.get(item.casefold())
        if name is None:
            refused("porteur", item, "maîtrise d'ouvrage inconnue du plan")
        elif name not in porteurs:
            porteurs.append(name)

    values: dict[tuple[int, str], float | None] = {}
    known = hypothesis_params(plan)
    for name, raw in params.items():
        if not _HYP_PARAM.match(str(name)):
            continue
        key, text = known.get(str(name)), _last(raw).strip()
        if key is None:
            refused(name, text, "aucune hypothèse de ce nom dans le classeur ; paramètres connus : "
                    + (", ".join(known) or "aucun"))
            continue
        if text == "":
            values[key] = None
            continue
        number, part = _number(text), _is_part(key[1])
        if number is None or number < 0 or (part and number > 100):
            refused(name, text, "un pourcentage de 0 à 100 est attendu" if part else "une quantité positive ou nulle "
                    "est attendue")
            continue
        values[key] = number
    return Reglages(metrics.Filters(tuple(axes), tuple(enjeux), tuple(porteurs)), values, tuple(warnings))


def _text(value: float) -> str:
    """A number as the address writes it: 2, 2.5 (never 2.0, never a thousands separator)."""
    return str(int(value)) if value == int(value) else f"{value:.6f}".rstrip("0")


def ecrire(plan: Plan, filters: metrics.Filters, hypotheses: Mapping[tuple[int, str], float | None] | None = None,
           ) -> dict[str, str]:
    """The address's parameters for these settings (what `lire` reads back as the same settings): the
    active filters and the hypotheses that differ from the workbook's values, in a fixed order."""
    out: dict[str, str] = {}
    for name, chosen in zip(FILTER_PARAMS, (filters.axes, filters.enjeux, filters.porteurs), strict=True):
        if chosen:
            out[name] = ",".join(str(c) for c in chosen)
    defaults = metrics.hypothesis_defaults(plan)
    hypotheses = hypotheses or {}
    for name, key in hypothesis_params(plan).items():
        if key in hypotheses and hypotheses[key] != defaults.get(key):
            value = hypotheses[key]
            out[name] = "" if value is None else _text(float(value))
    return out


def sans_reglages(params: Mapping[str, object]) -> dict[str, object]:
    """The address's other parameters (`action`, `diapo`, `mode`…), the settings' ones taken out."""
    return {k: v for k, v in params.items() if k not in FILTER_PARAMS and not _HYP_PARAM.match(str(k))}
